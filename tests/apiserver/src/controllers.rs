//! Minimal controllers, run after every write until nothing changes:
//! Deployments get ReplicaSets, ReplicaSets/StatefulSets/DaemonSets get Pods,
//! Pods run and become Ready (or Succeed when they run to completion), Jobs
//! complete, PVCs bind, LoadBalancers get an address, CRDs get established.
//! With "never ready" on, Pods stay Pending, Jobs stay active, PVCs and
//! LoadBalancers stay pending.

use crate::clock::now_rfc3339;
use crate::ids;
use crate::store::{ObjKey, Store};
use serde_json::{Map, Value, json};

pub fn reconcile(store: &mut Store, never_ready: bool) {
    for _ in 0..20 {
        if !step(store, never_ready) {
            break;
        }
    }
}

fn keys_of(store: &Store, group: &str, resource: &str) -> Vec<ObjKey> {
    store
        .list(group, resource, None)
        .map(|(k, _)| k.clone())
        .collect()
}

fn step(store: &mut Store, never_ready: bool) -> bool {
    let mut changed = false;
    for k in keys_of(store, "apps", "deployments") {
        changed |= deployment(store, &k);
    }
    for k in keys_of(store, "apps", "replicasets") {
        changed |= replica_set(store, &k);
    }
    for k in keys_of(store, "", "replicationcontrollers") {
        changed |= replica_set(store, &k);
    }
    for k in keys_of(store, "apps", "statefulsets") {
        changed |= stateful_set(store, &k, never_ready);
    }
    for k in keys_of(store, "apps", "daemonsets") {
        changed |= daemon_set(store, &k);
    }
    for k in keys_of(store, "batch", "jobs") {
        changed |= job(store, &k, never_ready);
    }
    for k in keys_of(store, "", "pods") {
        changed |= pod(store, &k, never_ready);
    }
    for k in keys_of(store, "", "services") {
        changed |= service(store, &k, never_ready);
    }
    for k in keys_of(store, "", "persistentvolumeclaims") {
        changed |= pvc(store, &k, never_ready);
    }
    for k in keys_of(store, "apiextensions.k8s.io", "customresourcedefinitions") {
        changed |= crd(store, &k);
    }
    changed
}

fn int(v: &Value, default: i64) -> i64 {
    v.as_i64().unwrap_or(default)
}

/// Sets `status` if it differs; returns whether it changed.
fn set_status(store: &mut Store, key: &ObjKey, status: Value) -> bool {
    let Some(obj) = store.get(key) else {
        return false;
    };
    if obj["status"] == status {
        return false;
    }
    let mut o = obj.clone();
    o["status"] = status;
    store.put(key.clone(), o);
    true
}

/// A condition, keeping the old transition time when its status is unchanged.
fn condition(
    old: &Value,
    ty: &str,
    status: &str,
    reason: &str,
    message: &str,
    with_update_time: bool,
) -> Value {
    let prev = old["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == ty && c["status"] == status));
    let same = prev.is_some_and(|p| p["reason"] == reason);
    let now = now_rfc3339();
    let transition = prev
        .and_then(|p| p["lastTransitionTime"].as_str().map(str::to_string))
        .unwrap_or_else(|| now.clone());
    let mut c = Map::new();
    c.insert("type".into(), json!(ty));
    c.insert("status".into(), json!(status));
    if with_update_time {
        let upd = if same {
            prev.and_then(|p| p["lastUpdateTime"].as_str().map(str::to_string))
                .unwrap_or(now)
        } else {
            now
        };
        c.insert("lastUpdateTime".into(), json!(upd));
    }
    c.insert("lastTransitionTime".into(), json!(transition));
    if !reason.is_empty() {
        c.insert("reason".into(), json!(reason));
    }
    if !message.is_empty() {
        c.insert("message".into(), json!(message));
    }
    Value::Object(c)
}

fn owner_ref(owner: &Value, api_version: &str, kind: &str) -> Value {
    json!({
        "apiVersion": api_version,
        "kind": kind,
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": true,
        "blockOwnerDeletion": true
    })
}

fn controlled_by(obj: &Value, uid: &Value) -> bool {
    obj["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|rs| {
            rs.iter()
                .any(|r| r["uid"] == *uid && r["controller"] == true)
        })
}

fn owned(
    store: &Store,
    group: &str,
    resource: &str,
    ns: &str,
    uid: &Value,
) -> Vec<(ObjKey, Value)> {
    store
        .list(group, resource, Some(ns))
        .filter(|(_, o)| controlled_by(o, uid))
        .map(|(k, o)| (k.clone(), o.clone()))
        .collect()
}

/// Creates a controller-made object with fresh metadata.
fn create_child(store: &mut Store, key: ObjKey, mut obj: Value) {
    obj["metadata"]["uid"] = json!(ids::uuid());
    obj["metadata"]["creationTimestamp"] = json!(now_rfc3339());
    obj["metadata"]["namespace"] = json!(key.namespace);
    obj["metadata"]["name"] = json!(key.name);
    store.put(key, obj);
}

fn template_hash(template: &Value) -> String {
    ids::stable_hash(&template.to_string(), 10)
}

fn deployment(store: &mut Store, key: &ObjKey) -> bool {
    let Some(d) = store.get(key).cloned() else {
        return false;
    };
    let uid = d["metadata"]["uid"].clone();
    let replicas = int(&d["spec"]["replicas"], 1);
    let template = d["spec"]["template"].clone();
    let hash = template_hash(&template);
    let rs_name = format!("{}-{}", key.name, hash);
    let rss = owned(store, "apps", "replicasets", &key.namespace, &uid);
    let mut changed = false;
    let max_rev = rss
        .iter()
        .filter_map(|(_, r)| {
            r["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str()
        })
        .filter_map(|s| s.parse::<i64>().ok())
        .max()
        .unwrap_or(0);
    let new_key = ObjKey::new("apps", "replicasets", &key.namespace, &rs_name);
    let revision;
    match store.get(&new_key).cloned() {
        None => {
            revision = max_rev + 1;
            let mut tpl = template.clone();
            tpl["metadata"]["labels"]["pod-template-hash"] = json!(hash);
            let mut selector = d["spec"]["selector"].clone();
            selector["matchLabels"]["pod-template-hash"] = json!(hash);
            let mut labels = template["metadata"]["labels"].clone();
            if !labels.is_object() {
                labels = json!({});
            }
            labels["pod-template-hash"] = json!(hash);
            let rs = json!({
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "labels": labels,
                    "annotations": {
                        "deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                        "deployment.kubernetes.io/max-replicas": replicas.to_string(),
                        "deployment.kubernetes.io/revision": revision.to_string()
                    },
                    "ownerReferences": [owner_ref(&d, "apps/v1", "Deployment")],
                    "generation": 1
                },
                "spec": {"replicas": replicas, "selector": selector, "template": tpl}
            });
            create_child(store, new_key.clone(), rs);
            changed = true;
        }
        Some(mut rs) => {
            revision = rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .unwrap_or(max_rev);
            if int(&rs["spec"]["replicas"], 1) != replicas {
                rs["spec"]["replicas"] = json!(replicas);
                rs["metadata"]["generation"] = json!(int(&rs["metadata"]["generation"], 1) + 1);
                store.put(new_key.clone(), rs);
                changed = true;
            }
        }
    }
    for (k, mut rs) in rss {
        if k != new_key && int(&rs["spec"]["replicas"], 1) != 0 {
            rs["spec"]["replicas"] = json!(0);
            rs["metadata"]["generation"] = json!(int(&rs["metadata"]["generation"], 1) + 1);
            store.put(k, rs);
            changed = true;
        }
    }
    let rev = revision.to_string();
    if d["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str()
        != Some(rev.as_str())
    {
        let mut d2 = d.clone();
        d2["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = json!(rev);
        store.put(key.clone(), d2);
        changed = true;
    }
    let Some(d) = store.get(key).cloned() else {
        return changed;
    };
    let rss = owned(store, "apps", "replicasets", &key.namespace, &uid);
    let (mut total, mut ready) = (0, 0);
    let mut updated = 0;
    for (k, rs) in &rss {
        total += int(&rs["status"]["replicas"], 0);
        ready += int(&rs["status"]["readyReplicas"], 0);
        if *k == new_key {
            updated = int(&rs["status"]["replicas"], 0);
        }
    }
    let new_ready = rss
        .iter()
        .find(|(k, _)| *k == new_key)
        .map(|(_, r)| int(&r["status"]["readyReplicas"], 0))
        .unwrap_or(0);
    let complete = new_ready >= replicas && total == replicas;
    let mut st = Map::new();
    st.insert(
        "observedGeneration".into(),
        d["metadata"]["generation"].clone(),
    );
    if total > 0 {
        st.insert("replicas".into(), json!(total));
        st.insert("updatedReplicas".into(), json!(updated));
    }
    if ready > 0 {
        st.insert("readyReplicas".into(), json!(ready));
        st.insert("availableReplicas".into(), json!(ready));
    }
    if total - ready > 0 {
        st.insert("unavailableReplicas".into(), json!(total - ready));
    }
    let available = ready >= replicas;
    let conds = vec![
        if available {
            condition(
                &d,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                true,
            )
        } else {
            condition(
                &d,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                true,
            )
        },
        if complete {
            condition(
                &d,
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                &format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
                true,
            )
        } else {
            condition(
                &d,
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                &format!("ReplicaSet \"{rs_name}\" is progressing."),
                true,
            )
        },
    ];
    st.insert("conditions".into(), Value::Array(conds));
    changed | set_status(store, key, Value::Object(st))
}

fn pod_ready(p: &Value) -> bool {
    p["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

fn new_pod(
    owner: &Value,
    owner_api: &str,
    owner_kind: &str,
    template: &Value,
    extra_labels: &[(&str, String)],
) -> Value {
    let mut labels = template["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    for (k, v) in extra_labels {
        labels[*k] = json!(v);
    }
    let mut meta =
        json!({"labels": labels, "ownerReferences": [owner_ref(owner, owner_api, owner_kind)]});
    if let Some(a) = template["metadata"].get("annotations") {
        meta["annotations"] = a.clone();
    }
    let mut spec = template["spec"].clone();
    if spec["restartPolicy"].is_null() {
        spec["restartPolicy"] = json!("Always");
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": {"phase": "Pending"}})
}

fn replica_set(store: &mut Store, key: &ObjKey) -> bool {
    let Some(rs) = store.get(key).cloned() else {
        return false;
    };
    let (api, kind) = if key.group.is_empty() {
        ("v1", "ReplicationController")
    } else {
        ("apps/v1", "ReplicaSet")
    };
    let uid = rs["metadata"]["uid"].clone();
    let want = int(&rs["spec"]["replicas"], 1).max(0) as usize;
    let pods = owned(store, "", "pods", &key.namespace, &uid);
    let mut changed = false;
    if pods.len() < want {
        for _ in pods.len()..want {
            let name = format!("{}-{}", key.name, ids::suffix(5));
            let p = new_pod(&rs, api, kind, &rs["spec"]["template"], &[]);
            create_child(store, ObjKey::new("", "pods", &key.namespace, &name), p);
        }
        changed = true;
    } else if pods.len() > want {
        for (k, _) in &pods[want..] {
            store.remove(k);
        }
        changed = true;
    }
    let pods = owned(store, "", "pods", &key.namespace, &uid);
    let ready = pods.iter().filter(|(_, p)| pod_ready(p)).count();
    let mut st = Map::new();
    st.insert("replicas".into(), json!(pods.len()));
    st.insert("fullyLabeledReplicas".into(), json!(pods.len()));
    if ready > 0 {
        st.insert("readyReplicas".into(), json!(ready));
        st.insert("availableReplicas".into(), json!(ready));
    }
    st.insert(
        "observedGeneration".into(),
        rs["metadata"]["generation"].clone(),
    );
    changed | set_status(store, key, Value::Object(st))
}

fn stateful_set(store: &mut Store, key: &ObjKey, never_ready: bool) -> bool {
    let Some(s) = store.get(key).cloned() else {
        return false;
    };
    let uid = s["metadata"]["uid"].clone();
    let want = int(&s["spec"]["replicas"], 1).max(0);
    let revision = format!("{}-{}", key.name, template_hash(&s["spec"]["template"]));
    let mut changed = false;
    for i in 0..want {
        let name = format!("{}-{i}", key.name);
        let pk = ObjKey::new("", "pods", &key.namespace, &name);
        let current = store.get(&pk).cloned();
        let stale = current.as_ref().is_some_and(|p| {
            p["metadata"]["labels"]["controller-revision-hash"].as_str() != Some(revision.as_str())
        });
        if stale {
            store.remove(&pk);
        }
        if current.is_none() || stale {
            let p = new_pod(
                &s,
                "apps/v1",
                "StatefulSet",
                &s["spec"]["template"],
                &[
                    ("controller-revision-hash", revision.clone()),
                    ("statefulset.kubernetes.io/pod-name", name.clone()),
                ],
            );
            create_child(store, pk, p);
            changed = true;
        }
        for tpl in s["spec"]["volumeClaimTemplates"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let claim = format!(
                "{}-{}",
                tpl["metadata"]["name"].as_str().unwrap_or("data"),
                name
            );
            let ck = ObjKey::new("", "persistentvolumeclaims", &key.namespace, &claim);
            if store.get(&ck).is_none() {
                let mut meta = tpl["metadata"].clone();
                if !meta.is_object() {
                    meta = json!({});
                }
                let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta, "spec": tpl["spec"], "status": {"phase": "Pending"}});
                create_child(store, ck, pvc);
                changed = true;
            }
        }
    }
    for (k, _) in owned(store, "", "pods", &key.namespace, &uid) {
        let idx = k
            .name
            .rsplit('-')
            .next()
            .and_then(|n| n.parse::<i64>().ok());
        if idx.is_none_or(|i| i >= want) {
            store.remove(&k);
            changed = true;
        }
    }
    let pods = owned(store, "", "pods", &key.namespace, &uid);
    let ready = pods.iter().filter(|(_, p)| pod_ready(p)).count();
    let mut st = Map::new();
    st.insert(
        "observedGeneration".into(),
        s["metadata"]["generation"].clone(),
    );
    st.insert("replicas".into(), json!(pods.len()));
    if ready > 0 {
        st.insert("readyReplicas".into(), json!(ready));
        st.insert("availableReplicas".into(), json!(ready));
    }
    st.insert("currentReplicas".into(), json!(pods.len()));
    st.insert("updatedReplicas".into(), json!(pods.len()));
    st.insert("currentRevision".into(), json!(revision));
    st.insert("updateRevision".into(), json!(revision));
    st.insert("collisionCount".into(), json!(0));
    let _ = never_ready;
    changed | set_status(store, key, Value::Object(st))
}

fn daemon_set(store: &mut Store, key: &ObjKey) -> bool {
    let Some(ds) = store.get(key).cloned() else {
        return false;
    };
    let uid = ds["metadata"]["uid"].clone();
    let hash = template_hash(&ds["spec"]["template"]);
    let mut changed = false;
    let pods = owned(store, "", "pods", &key.namespace, &uid);
    let current = pods.iter().any(|(_, p)| {
        p["metadata"]["labels"]["controller-revision-hash"].as_str() == Some(hash.as_str())
    });
    if !current {
        for (k, _) in &pods {
            store.remove(k);
        }
        let name = format!("{}-{}", key.name, ids::suffix(5));
        let p = new_pod(
            &ds,
            "apps/v1",
            "DaemonSet",
            &ds["spec"]["template"],
            &[("controller-revision-hash", hash.clone())],
        );
        create_child(store, ObjKey::new("", "pods", &key.namespace, &name), p);
        changed = true;
    }
    let pods = owned(store, "", "pods", &key.namespace, &uid);
    let ready = pods.iter().filter(|(_, p)| pod_ready(p)).count();
    let st = json!({
        "currentNumberScheduled": 1,
        "desiredNumberScheduled": 1,
        "numberMisscheduled": 0,
        "numberReady": ready,
        "numberAvailable": ready,
        "numberUnavailable": 1 - ready as i64,
        "observedGeneration": ds["metadata"]["generation"],
        "updatedNumberScheduled": 1
    });
    changed | set_status(store, key, st)
}

fn job(store: &mut Store, key: &ObjKey, never_ready: bool) -> bool {
    let Some(j) = store.get(key).cloned() else {
        return false;
    };
    if j["spec"]["suspend"] == true || j["status"]["completionTime"].is_string() {
        return false;
    }
    let start = j["status"]["startTime"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(now_rfc3339);
    let st = if never_ready {
        json!({"active": 1, "ready": 0, "startTime": start, "uncountedTerminatedPods": {}})
    } else {
        let completions = int(&j["spec"]["completions"], 1);
        json!({
            "conditions": [
                condition(&j, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", false),
                condition(&j, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", false)
            ],
            "startTime": start,
            "completionTime": now_rfc3339(),
            "succeeded": completions,
            "ready": 0,
            "uncountedTerminatedPods": {}
        })
    };
    set_status(store, key, st)
}

/// Pods that run to completion: bare pods (hooks, tests) and Job pods whose
/// restartPolicy is not Always.
fn runs_to_completion(p: &Value) -> bool {
    let policy = p["spec"]["restartPolicy"].as_str().unwrap_or("Always");
    let owner_kind = p["metadata"]["ownerReferences"][0]["kind"].as_str();
    policy != "Always" && owner_kind.is_none_or(|k| k == "Job")
}

fn pod(store: &mut Store, key: &ObjKey, never_ready: bool) -> bool {
    let Some(p) = store.get(key).cloned() else {
        return false;
    };
    let phase = p["status"]["phase"].as_str().unwrap_or("Pending");
    if phase == "Succeeded" || phase == "Failed" {
        return false;
    }
    let containers: Vec<Value> = p["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let start = p["status"]["startTime"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(now_rfc3339);
    let ip = pod_ip(&key.name);
    let st = if never_ready {
        let statuses: Vec<Value> = containers
            .iter()
            .map(|c| json!({"name": c["name"], "image": c["image"], "imageID": "", "ready": false, "restartCount": 0, "started": false,
                "state": {"waiting": {"reason": "ContainerCreating"}}}))
            .collect();
        json!({
            "phase": "Pending",
            "conditions": [
                condition(&p, "PodScheduled", "True", "", "", false),
                condition(&p, "Initialized", "True", "", "", false),
                condition(&p, "ContainersReady", "False", "ContainersNotReady", "containers with unready status", false),
                condition(&p, "Ready", "False", "ContainersNotReady", "containers with unready status", false)
            ],
            "hostIP": "10.0.0.1",
            "startTime": start,
            "containerStatuses": statuses,
            "qosClass": "BestEffort"
        })
    } else if runs_to_completion(&p) {
        let statuses: Vec<Value> = containers
            .iter()
            .map(|c| json!({"name": c["name"], "image": c["image"], "imageID": "", "ready": false, "restartCount": 0, "started": false,
                "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": start, "finishedAt": now_rfc3339()}}}))
            .collect();
        json!({
            "phase": "Succeeded",
            "conditions": [
                condition(&p, "PodScheduled", "True", "", "", false),
                condition(&p, "Initialized", "True", "PodCompleted", "", false),
                condition(&p, "ContainersReady", "False", "PodCompleted", "", false),
                condition(&p, "Ready", "False", "PodCompleted", "", false)
            ],
            "hostIP": "10.0.0.1",
            "podIP": ip,
            "startTime": start,
            "containerStatuses": statuses,
            "qosClass": "BestEffort"
        })
    } else {
        let statuses: Vec<Value> = containers
            .iter()
            .map(|c| json!({"name": c["name"], "image": c["image"], "imageID": "", "ready": true, "restartCount": 0, "started": true,
                "state": {"running": {"startedAt": start}}}))
            .collect();
        json!({
            "phase": "Running",
            "conditions": [
                condition(&p, "PodScheduled", "True", "", "", false),
                condition(&p, "Initialized", "True", "", "", false),
                condition(&p, "ContainersReady", "True", "", "", false),
                condition(&p, "Ready", "True", "", "", false)
            ],
            "hostIP": "10.0.0.1",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": start,
            "containerStatuses": statuses,
            "qosClass": "BestEffort"
        })
    };
    set_status(store, key, st)
}

fn service(store: &mut Store, key: &ObjKey, never_ready: bool) -> bool {
    let Some(s) = store.get(key).cloned() else {
        return false;
    };
    if s["spec"]["type"] != "LoadBalancer" {
        return false;
    }
    let st = if never_ready {
        json!({"loadBalancer": {}})
    } else {
        json!({"loadBalancer": {"ingress": [{"ip": "127.0.0.1", "ipMode": "VIP"}]}})
    };
    set_status(store, key, st)
}

fn pvc(store: &mut Store, key: &ObjKey, never_ready: bool) -> bool {
    let Some(c) = store.get(key).cloned() else {
        return false;
    };
    if never_ready {
        return set_status(store, key, json!({"phase": "Pending"}));
    }
    let mut changed = false;
    if c["spec"]["volumeName"].as_str().is_none_or(str::is_empty) {
        let mut c2 = c.clone();
        c2["spec"]["volumeName"] = json!(format!(
            "pvc-{}",
            c["metadata"]["uid"].as_str().unwrap_or_default()
        ));
        store.put(key.clone(), c2);
        changed = true;
    }
    let st = json!({
        "phase": "Bound",
        "accessModes": c["spec"]["accessModes"],
        "capacity": {"storage": c["spec"]["resources"]["requests"]["storage"].as_str().unwrap_or("1Gi")}
    });
    changed | set_status(store, key, st)
}

fn crd(store: &mut Store, key: &ObjKey) -> bool {
    let Some(c) = store.get(key).cloned() else {
        return false;
    };
    let stored: Vec<Value> = c["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["storage"] == true)
        .map(|v| v["name"].clone())
        .collect();
    let mut names = c["spec"]["names"].clone();
    if names["singular"].is_null() {
        names["singular"] = json!(
            c["spec"]["names"]["kind"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase()
        );
    }
    if names["listKind"].is_null() {
        names["listKind"] = json!(format!(
            "{}List",
            c["spec"]["names"]["kind"].as_str().unwrap_or_default()
        ));
    }
    let st = json!({
        "conditions": [
            condition(&c, "NamesAccepted", "True", "NoConflicts", "no conflicts found", false),
            condition(&c, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", false)
        ],
        "acceptedNames": names,
        "storedVersions": stored
    });
    set_status(store, key, st)
}

/// A stable fake pod IP from the pod's name.
fn pod_ip(name: &str) -> String {
    let n = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("10.244.{}.{}", (n >> 8) % 250, 2 + n % 250)
}
