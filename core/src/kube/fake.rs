//! An in-memory cluster implementing [`KubeClient`] for unit tests: a
//! discovery table of built-in kinds (plus CRDs as they are created),
//! objects with resourceVersions, label selectors, the patches Helm sends,
//! optional instant readiness, a call log and fault injection.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value as Json, json};

use super::patch::{apply_merge_patch, apply_strategic_patch};
use super::resource::set_path;
use super::{ApiResource, KubeClient, KubeError, ListParams, PatchKind, ServerVersion};

/// `(group, version, kind, plural, namespaced)` of the built-in kinds the fake serves.
const BUILTIN: &[(&str, &str, &str, &str, bool)] = &[
    ("", "v1", "Namespace", "namespaces", false),
    ("", "v1", "Pod", "pods", true),
    ("", "v1", "Service", "services", true),
    ("", "v1", "ConfigMap", "configmaps", true),
    ("", "v1", "Secret", "secrets", true),
    ("", "v1", "ServiceAccount", "serviceaccounts", true),
    (
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
    ),
    ("", "v1", "PersistentVolume", "persistentvolumes", false),
    (
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        true,
    ),
    ("", "v1", "Endpoints", "endpoints", true),
    ("", "v1", "ResourceQuota", "resourcequotas", true),
    ("", "v1", "LimitRange", "limitranges", true),
    ("apps", "v1", "Deployment", "deployments", true),
    ("apps", "v1", "StatefulSet", "statefulsets", true),
    ("apps", "v1", "DaemonSet", "daemonsets", true),
    ("apps", "v1", "ReplicaSet", "replicasets", true),
    ("batch", "v1", "Job", "jobs", true),
    ("batch", "v1", "CronJob", "cronjobs", true),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", true),
    (
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
    ),
    (
        "networking.k8s.io",
        "v1",
        "IngressClass",
        "ingressclasses",
        false,
    ),
    (
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        true,
    ),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        true,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
    (
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
    ),
    (
        "storage.k8s.io",
        "v1",
        "StorageClass",
        "storageclasses",
        false,
    ),
    (
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        false,
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
    ),
];

/// The verb of a recorded or faulted call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    List,
    Create,
    Replace,
    Patch,
    Delete,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Create => "create",
            Verb::Replace => "replace",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
        }
    }
}

/// A fault: the `nth` matching call (1-based; 0 = every one) fails.
#[derive(Clone, Debug)]
pub struct Fault {
    pub verb: Option<Verb>,
    /// Resource plural, e.g. `secrets`.
    pub resource: Option<String>,
    pub name_contains: Option<String>,
    pub nth: usize,
    pub seen: usize,
    pub error: KubeError,
}

type Key = (String, String, String, String);

#[derive(Default)]
struct State {
    objects: BTreeMap<Key, Json>,
    crds: Vec<ApiResource>,
    version: u64,
    calls: Vec<String>,
    faults: Vec<Fault>,
    never_ready: bool,
}

/// The in-memory cluster.
pub struct FakeClient {
    namespace: String,
    state: Arc<Mutex<State>>,
}

impl FakeClient {
    pub fn new(namespace: &str) -> FakeClient {
        FakeClient {
            namespace: namespace.to_string(),
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    /// Another client of the same cluster, defaulting to `namespace`.
    pub fn with_namespace(&self, namespace: &str) -> FakeClient {
        FakeClient {
            namespace: namespace.to_string(),
            state: Arc::clone(&self.state),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Workloads stay unready (for `--wait`/`--atomic` tests).
    pub fn set_never_ready(&self, never: bool) {
        self.lock().never_ready = never;
    }

    /// Adds a fault.
    pub fn fail(
        &self,
        verb: Option<Verb>,
        resource: Option<&str>,
        name_contains: Option<&str>,
        nth: usize,
    ) {
        self.lock().faults.push(Fault {
            verb,
            resource: resource.map(str::to_string),
            name_contains: name_contains.map(str::to_string),
            nth,
            seen: 0,
            error: KubeError::api(500, "InternalError", "injected fault"),
        });
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Calls made so far, as `verb plural namespace/name`.
    pub fn calls(&self) -> Vec<String> {
        self.lock().calls.clone()
    }

    /// Every stored object of a resource plural (all namespaces).
    pub fn objects(&self, plural: &str) -> Vec<Json> {
        self.lock()
            .objects
            .iter()
            .filter(|(k, _)| k.1 == plural)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Stores an object directly (as if someone else created it).
    pub fn insert(&self, res: &ApiResource, namespace: &str, obj: Json) {
        let name = obj
            .pointer("/metadata/name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let mut st = self.lock();
        st.version += 1;
        st.objects.insert(key(res, namespace, &name), obj);
    }

    fn record(
        &self,
        st: &mut State,
        verb: Verb,
        res: &ApiResource,
        ns: &str,
        name: &str,
    ) -> Result<(), KubeError> {
        st.calls
            .push(format!("{} {} {}/{}", verb.as_str(), res.plural, ns, name));
        for f in st.faults.iter_mut() {
            let matches = f.verb.is_none_or(|v| v == verb)
                && f.resource.as_deref().is_none_or(|r| r == res.plural)
                && f.name_contains.as_deref().is_none_or(|n| name.contains(n));
            if matches {
                f.seen += 1;
                if f.nth == 0 || f.seen == f.nth {
                    return Err(f.error.clone());
                }
            }
        }
        Ok(())
    }

    fn stamp(st: &mut State, obj: &mut Json, res: &ApiResource, ns: &str) {
        st.version += 1;
        set_path(
            obj,
            &["metadata", "resourceVersion"],
            json!(st.version.to_string()),
        );
        if obj.pointer("/metadata/uid").is_none() {
            set_path(
                obj,
                &["metadata", "uid"],
                json!(format!("uid-{}", st.version)),
            );
        }
        if res.namespaced {
            set_path(obj, &["metadata", "namespace"], json!(ns));
        }
        let generation = obj
            .pointer("/metadata/generation")
            .and_then(Json::as_i64)
            .unwrap_or(0)
            + 1;
        set_path(obj, &["metadata", "generation"], json!(generation));
        if !st.never_ready {
            make_ready(obj, &res.kind);
        }
        if res.kind == "Deployment" {
            Self::roll_out(st, obj, ns);
        }
    }

    /// Stands in for the Deployment controller: one ReplicaSet per
    /// Deployment, owned by it, ready unless `never_ready`.
    fn roll_out(st: &mut State, deploy: &Json, ns: &str) {
        let name = deploy
            .pointer("/metadata/name")
            .and_then(Json::as_str)
            .unwrap_or("");
        let uid = deploy
            .pointer("/metadata/uid")
            .cloned()
            .unwrap_or(Json::Null);
        let replicas = deploy
            .pointer("/spec/replicas")
            .and_then(Json::as_i64)
            .unwrap_or(1);
        let ready = if st.never_ready { 0 } else { replicas };
        let rs = json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": format!("{name}-rs"), "namespace": ns,
                "labels": deploy.pointer("/spec/template/metadata/labels").cloned().unwrap_or(json!({})),
                "annotations": {"deployment.kubernetes.io/revision": "1"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": uid, "controller": true}],
                "generation": 1},
            "spec": {"replicas": replicas, "template": deploy.pointer("/spec/template").cloned().unwrap_or(json!({}))},
            "status": {"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready, "availableReplicas": ready}
        });
        st.objects.insert(
            (
                "apps".into(),
                "replicasets".into(),
                ns.into(),
                format!("{name}-rs"),
            ),
            rs,
        );
    }

    fn register_crd(st: &mut State, obj: &Json) {
        let group = obj
            .pointer("/spec/group")
            .and_then(Json::as_str)
            .unwrap_or("");
        let kind = obj
            .pointer("/spec/names/kind")
            .and_then(Json::as_str)
            .unwrap_or("");
        let plural = obj
            .pointer("/spec/names/plural")
            .and_then(Json::as_str)
            .unwrap_or("");
        let namespaced = obj.pointer("/spec/scope").and_then(Json::as_str) != Some("Cluster");
        let versions = obj
            .pointer("/spec/versions")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        for v in versions {
            if let Some(name) = v.get("name").and_then(Json::as_str) {
                st.crds.push(ApiResource {
                    group: group.into(),
                    version: name.into(),
                    kind: kind.into(),
                    plural: plural.into(),
                    namespaced,
                });
            }
        }
    }
}

/// Status that satisfies Helm's readiness rules right away.
fn make_ready(obj: &mut Json, kind: &str) {
    let replicas = obj
        .pointer("/spec/replicas")
        .and_then(Json::as_i64)
        .unwrap_or(1);
    let generation = obj
        .pointer("/metadata/generation")
        .cloned()
        .unwrap_or(json!(1));
    match kind {
        "Deployment" | "StatefulSet" | "ReplicaSet" => {
            obj["status"] = json!({
                "observedGeneration": generation, "replicas": replicas, "readyReplicas": replicas,
                "updatedReplicas": replicas, "availableReplicas": replicas,
                "currentRevision": "r1", "updateRevision": "r1"
            });
        }
        "DaemonSet" => {
            obj["status"] = json!({"observedGeneration": generation, "desiredNumberScheduled": 1,
                "updatedNumberScheduled": 1, "numberReady": 1, "numberAvailable": 1});
        }
        "Job" => {
            obj["status"] =
                json!({"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]});
        }
        "Pod" => {
            obj["status"] =
                json!({"phase": "Succeeded", "conditions": [{"type": "Ready", "status": "True"}]});
        }
        "Service" if obj.pointer("/spec/clusterIP").is_none() => {
            set_path(obj, &["spec", "clusterIP"], json!("10.0.0.1"));
        }
        "PersistentVolumeClaim" => {
            obj["status"] = json!({"phase": "Bound"});
        }
        "CustomResourceDefinition" => {
            obj["status"] = json!({"conditions": [{"type": "Established", "status": "True"}]});
        }
        _ => {}
    }
}

fn key(res: &ApiResource, ns: &str, name: &str) -> Key {
    let ns = if res.namespaced { ns } else { "" };
    (
        res.group.clone(),
        res.plural.clone(),
        ns.to_string(),
        name.to_string(),
    )
}

/// Matches `k=v,k!=v,k` selectors against labels.
pub fn label_selector_matches(selector: &str, labels: &BTreeMap<String, String>) -> bool {
    selector
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .all(|term| {
            if let Some((k, v)) = term.split_once("!=") {
                labels.get(k.trim()).map(String::as_str) != Some(v.trim())
            } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                labels.get(k.trim()).map(String::as_str) == Some(v.trim())
            } else if let Some(k) = term.strip_prefix('!') {
                !labels.contains_key(k)
            } else {
                labels.contains_key(term)
            }
        })
}

impl KubeClient for FakeClient {
    fn namespace(&self) -> &str {
        &self.namespace
    }

    fn server_version(&self) -> Result<ServerVersion, KubeError> {
        Ok(ServerVersion {
            git_version: "v1.29.0".into(),
            major: "1".into(),
            minor: "29".into(),
        })
    }

    fn api_versions(&self) -> Result<Vec<String>, KubeError> {
        let st = self.lock();
        let mut out = Vec::new();
        for (g, v, k, _, _) in BUILTIN {
            let gv = if g.is_empty() {
                v.to_string()
            } else {
                format!("{g}/{v}")
            };
            out.push(format!("{gv}/{k}"));
            out.push(gv);
        }
        for r in &st.crds {
            out.push(format!("{}/{}", r.api_version(), r.kind));
            out.push(r.api_version());
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    fn resolve(&self, api_version: &str, kind: &str) -> Result<ApiResource, KubeError> {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let found = BUILTIN
            .iter()
            .find(|(g, v, k, _, _)| *g == group && *v == version && *k == kind)
            .map(|(g, v, k, p, n)| ApiResource {
                group: g.to_string(),
                version: v.to_string(),
                kind: k.to_string(),
                plural: p.to_string(),
                namespaced: *n,
            })
            .or_else(|| {
                self.lock()
                    .crds
                    .iter()
                    .find(|r| r.group == group && r.version == version && r.kind == kind)
                    .cloned()
            });
        found.ok_or_else(|| KubeError::NoMatch {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
        })
    }

    fn reset_discovery(&self) {}

    fn get(
        &self,
        res: &ApiResource,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Json>, KubeError> {
        KubeError::require_name(name)?;
        let mut st = self.lock();
        self.record(&mut st, Verb::Get, res, namespace, name)?;
        Ok(st.objects.get(&key(res, namespace, name)).cloned())
    }

    fn list(
        &self,
        res: &ApiResource,
        namespace: &str,
        params: &ListParams,
    ) -> Result<Vec<Json>, KubeError> {
        let mut st = self.lock();
        self.record(&mut st, Verb::List, res, namespace, "")?;
        Ok(st
            .objects
            .iter()
            .filter(|(k, _)| {
                k.0 == res.group
                    && k.1 == res.plural
                    && (namespace.is_empty() || !res.namespaced || k.2 == namespace)
            })
            .filter(|(_, v)| {
                params.label_selector.as_deref().is_none_or(|sel| {
                    label_selector_matches(sel, &super::resource::string_map(v, "/metadata/labels"))
                })
            })
            .filter(|(_, v)| {
                params.field_selector.as_deref().is_none_or(|sel| {
                    sel.split(',').all(|t| match t.split_once('=') {
                        Some(("metadata.name", n)) => {
                            v.pointer("/metadata/name").and_then(Json::as_str) == Some(n)
                        }
                        _ => true,
                    })
                })
            })
            .map(|(_, v)| v.clone())
            .collect())
    }

    fn create(&self, res: &ApiResource, namespace: &str, obj: &Json) -> Result<Json, KubeError> {
        let name = obj
            .pointer("/metadata/name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let mut st = self.lock();
        self.record(&mut st, Verb::Create, res, namespace, &name)?;
        let k = key(res, namespace, &name);
        if st.objects.contains_key(&k) {
            return Err(KubeError::already_exists(&res.plural, &name));
        }
        let mut obj = obj.clone();
        Self::stamp(&mut st, &mut obj, res, namespace);
        if res.kind == "CustomResourceDefinition" {
            Self::register_crd(&mut st, &obj);
        }
        st.objects.insert(k, obj.clone());
        Ok(obj)
    }

    fn replace(
        &self,
        res: &ApiResource,
        namespace: &str,
        name: &str,
        obj: &Json,
    ) -> Result<Json, KubeError> {
        KubeError::require_name(name)?;
        let mut st = self.lock();
        self.record(&mut st, Verb::Replace, res, namespace, name)?;
        let k = key(res, namespace, name);
        let Some(old) = st.objects.get(&k).cloned() else {
            return Err(KubeError::not_found(&res.plural, name));
        };
        let mut obj = obj.clone();
        if let Some(generation) = old.pointer("/metadata/generation") {
            set_path(&mut obj, &["metadata", "generation"], generation.clone());
        }
        Self::stamp(&mut st, &mut obj, res, namespace);
        st.objects.insert(k, obj.clone());
        Ok(obj)
    }

    fn patch(
        &self,
        res: &ApiResource,
        namespace: &str,
        name: &str,
        kind: PatchKind,
        body: &Json,
    ) -> Result<Json, KubeError> {
        KubeError::require_name(name)?;
        let mut st = self.lock();
        self.record(&mut st, Verb::Patch, res, namespace, name)?;
        let k = key(res, namespace, name);
        let Some(old) = st.objects.get(&k).cloned() else {
            return Err(KubeError::not_found(&res.plural, name));
        };
        let mut obj = match kind {
            PatchKind::Strategic => apply_strategic_patch(&old, body),
            PatchKind::Merge | PatchKind::Apply { .. } => apply_merge_patch(&old, body),
            PatchKind::Json => {
                return Err(KubeError::api(
                    415,
                    "UnsupportedMediaType",
                    "json patch not supported by fake",
                ));
            }
        };
        Self::stamp(&mut st, &mut obj, res, namespace);
        st.objects.insert(k, obj.clone());
        Ok(obj)
    }

    fn delete(&self, res: &ApiResource, namespace: &str, name: &str) -> Result<(), KubeError> {
        KubeError::require_name(name)?;
        let mut st = self.lock();
        self.record(&mut st, Verb::Delete, res, namespace, name)?;
        match st.objects.remove(&key(res, namespace, name)) {
            Some(_) => Ok(()),
            None => Err(KubeError::not_found(&res.plural, name)),
        }
    }
}
