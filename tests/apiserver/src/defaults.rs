//! Defaulting the API server applies on create and update, for the built-in
//! kinds where later behaviour depends on it (replicas, strategies, Service
//! IPs, Secret stringData, initial statuses).

use crate::resources::ResourceType;
use crate::store::Store;
use base64::Engine as _;
use serde_json::{Map, Value, json};

fn set_default(obj: &mut Value, path: &[&str], value: Value) {
    let mut cur = obj;
    for (i, seg) in path.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Value::Object(m) = cur else { return };
        if i + 1 == path.len() {
            if m.get(*seg).is_none_or(Value::is_null) {
                m.insert(seg.to_string(), value);
            }
            return;
        }
        cur = m
            .entry(seg.to_string())
            .or_insert(Value::Object(Map::new()));
    }
}

/// Defaults for a new object (status is reset beforehand for kinds with a
/// status subresource).
pub fn on_create(rt: &ResourceType, obj: &mut Value, store: &Store) {
    if !rt.builtin {
        return;
    }
    common(rt, obj);
    let name = obj["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Namespace") => {
            set_default(
                obj,
                &["metadata", "labels", "kubernetes.io/metadata.name"],
                json!(name),
            );
            set_default(obj, &["spec", "finalizers"], json!(["kubernetes"]));
            obj["status"] = json!({"phase": "Active"});
        }
        ("", "Service") => allocate_service(obj, None, store),
        ("", "Pod") => {
            obj["status"] = json!({"phase": "Pending", "qosClass": "BestEffort"});
        }
        ("", "PersistentVolumeClaim") => {
            obj["status"] = json!({"phase": "Pending"});
        }
        _ => {}
    }
}

/// Defaults on update; `old` is the stored object.
pub fn on_update(rt: &ResourceType, old: &Value, obj: &mut Value, store: &Store) {
    if !rt.builtin {
        return;
    }
    common(rt, obj);
    if rt.group.is_empty() && rt.kind == "Service" {
        allocate_service(obj, Some(old), store);
    }
}

fn common(rt: &ResourceType, obj: &mut Value) {
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Secret") => {
            if let Some(Value::Object(sd)) = obj
                .as_object_mut()
                .and_then(|o| o.shift_remove("stringData"))
            {
                for (k, v) in sd {
                    let text = v.as_str().unwrap_or_default();
                    let enc = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
                    set_path_force(obj, &["data", &k], json!(enc));
                }
            }
            set_default(obj, &["type"], json!("Opaque"));
        }
        ("apps", "Deployment") => {
            set_default(obj, &["spec", "replicas"], json!(1));
            set_default(obj, &["spec", "strategy", "type"], json!("RollingUpdate"));
            if obj["spec"]["strategy"]["type"] == "RollingUpdate" {
                set_default(
                    obj,
                    &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
                    json!("25%"),
                );
                set_default(
                    obj,
                    &["spec", "strategy", "rollingUpdate", "maxSurge"],
                    json!("25%"),
                );
            }
            set_default(obj, &["spec", "revisionHistoryLimit"], json!(10));
            set_default(obj, &["spec", "progressDeadlineSeconds"], json!(600));
        }
        ("apps", "ReplicaSet") | ("", "ReplicationController") => {
            set_default(obj, &["spec", "replicas"], json!(1));
        }
        ("apps", "StatefulSet") => {
            set_default(obj, &["spec", "replicas"], json!(1));
            set_default(obj, &["spec", "podManagementPolicy"], json!("OrderedReady"));
            set_default(
                obj,
                &["spec", "updateStrategy", "type"],
                json!("RollingUpdate"),
            );
            if obj["spec"]["updateStrategy"]["type"] == "RollingUpdate" {
                set_default(
                    obj,
                    &["spec", "updateStrategy", "rollingUpdate", "partition"],
                    json!(0),
                );
            }
            set_default(obj, &["spec", "revisionHistoryLimit"], json!(10));
        }
        ("apps", "DaemonSet") => {
            set_default(
                obj,
                &["spec", "updateStrategy", "type"],
                json!("RollingUpdate"),
            );
            if obj["spec"]["updateStrategy"]["type"] == "RollingUpdate" {
                set_default(
                    obj,
                    &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"],
                    json!(1),
                );
                set_default(
                    obj,
                    &["spec", "updateStrategy", "rollingUpdate", "maxSurge"],
                    json!(0),
                );
            }
            set_default(obj, &["spec", "revisionHistoryLimit"], json!(10));
        }
        ("batch", "Job") => {
            set_default(obj, &["spec", "parallelism"], json!(1));
            set_default(obj, &["spec", "completions"], json!(1));
            set_default(obj, &["spec", "backoffLimit"], json!(6));
            set_default(obj, &["spec", "completionMode"], json!("NonIndexed"));
            set_default(obj, &["spec", "suspend"], json!(false));
        }
        ("", "Pod") => {
            set_default(obj, &["spec", "restartPolicy"], json!("Always"));
        }
        _ => {}
    }
}

fn set_path_force(obj: &mut Value, path: &[&str], value: Value) {
    let mut cur = obj;
    for seg in &path[..path.len() - 1] {
        if !cur[*seg].is_object() {
            cur[*seg] = Value::Object(Map::new());
        }
        cur = &mut cur[*seg];
    }
    if let Some(last) = path.last() {
        cur[*last] = value;
    }
}

fn allocate_service(obj: &mut Value, old: Option<&Value>, store: &Store) {
    set_default(obj, &["spec", "type"], json!("ClusterIP"));
    let ty = obj["spec"]["type"]
        .as_str()
        .unwrap_or("ClusterIP")
        .to_string();
    // Allocated values survive updates that leave them out.
    if let Some(old) = old {
        for f in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
            if obj["spec"].get(f).is_none_or(Value::is_null) && !old["spec"][f].is_null() {
                obj["spec"][f] = old["spec"][f].clone();
            }
        }
    }
    if ty != "ExternalName" {
        if obj["spec"]["clusterIP"].as_str().is_none_or(str::is_empty) {
            let ip = next_cluster_ip(store);
            obj["spec"]["clusterIP"] = json!(ip);
        }
        let ip = obj["spec"]["clusterIP"].clone();
        set_default(obj, &["spec", "clusterIPs"], json!([ip]));
        set_default(obj, &["spec", "ipFamilies"], json!(["IPv4"]));
        set_default(obj, &["spec", "ipFamilyPolicy"], json!("SingleStack"));
        set_default(obj, &["spec", "internalTrafficPolicy"], json!("Cluster"));
    }
    set_default(obj, &["spec", "sessionAffinity"], json!("None"));
    let old_ports: Vec<Value> = old
        .and_then(|o| o["spec"]["ports"].as_array().cloned())
        .unwrap_or_default();
    let mut next_node_port = 30000 + (crate::ids::next_u64() % 2000);
    if let Some(ports) = obj["spec"]["ports"].as_array_mut() {
        for p in ports {
            if p["protocol"].is_null() {
                p["protocol"] = json!("TCP");
            }
            if p["targetPort"].is_null() {
                p["targetPort"] = p["port"].clone();
            }
            if (ty == "NodePort" || ty == "LoadBalancer") && p["nodePort"].is_null() {
                let reuse = old_ports
                    .iter()
                    .find(|o| o["port"] == p["port"])
                    .map(|o| o["nodePort"].clone())
                    .filter(|v| !v.is_null());
                p["nodePort"] = reuse.unwrap_or_else(|| {
                    next_node_port += 1;
                    json!(next_node_port)
                });
            }
        }
    }
    if obj["status"].is_null() {
        obj["status"] = json!({"loadBalancer": {}});
    }
}

fn next_cluster_ip(store: &Store) -> String {
    let used: Vec<u32> = store
        .list("", "services", None)
        .filter_map(|(_, s)| s["spec"]["clusterIP"].as_str())
        .filter_map(|ip| {
            let parts: Vec<u32> = ip.split('.').filter_map(|p| p.parse().ok()).collect();
            (parts.len() == 4 && parts[0] == 10 && parts[1] == 96)
                .then(|| parts[2] * 256 + parts[3])
        })
        .collect();
    let n = used.iter().max().map(|m| m + 1).unwrap_or(10).max(10);
    format!("10.96.{}.{}", n / 256, n % 256)
}
