//! The object store: every object by (group, resource, namespace, name), the
//! global resourceVersion counter, and the event log that watches replay.

use crate::resources::Registry;
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Storage key. The version is not part of it: all versions of a resource
/// share objects, as in etcd.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjKey {
    pub group: String,
    pub resource: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

impl ObjKey {
    pub fn new(group: &str, resource: &str, namespace: &str, name: &str) -> Self {
        ObjKey {
            group: group.to_string(),
            resource: resource.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
}

/// One change, as watches see it.
#[derive(Debug)]
pub struct Event {
    pub rv: u64,
    pub key: ObjKey,
    /// `ADDED`, `MODIFIED` or `DELETED`.
    pub kind: &'static str,
    pub object: Value,
    /// The object before a MODIFIED (selector transitions need it).
    pub prev: Option<Value>,
}

const LOG_CAPACITY: usize = 20_000;

pub struct Store {
    pub objects: BTreeMap<ObjKey, Value>,
    pub rv: u64,
    log: VecDeque<Arc<Event>>,
    /// The lowest resourceVersion a watch can still start after.
    compacted: u64,
    pub tx: broadcast::Sender<Arc<Event>>,
    pub registry: Registry,
    state_file: Option<PathBuf>,
}

impl Store {
    pub fn new(state_dir: Option<&Path>) -> anyhow::Result<Self> {
        let (tx, _) = broadcast::channel(8192);
        let mut store = Store {
            objects: BTreeMap::new(),
            rv: 0,
            log: VecDeque::new(),
            compacted: 0,
            tx,
            registry: Registry::builtin(),
            state_file: state_dir.map(|d| d.join("state.json")),
        };
        if let Some(file) = store.state_file.clone()
            && file.exists()
        {
            store.load(&file)?;
            return Ok(store);
        }
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let obj = json!({
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {
                    "name": ns,
                    "uid": crate::ids::uuid(),
                    "creationTimestamp": crate::clock::now_rfc3339(),
                    "labels": {"kubernetes.io/metadata.name": ns}
                },
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"}
            });
            store.put(ObjKey::new("", "namespaces", "", ns), obj);
        }
        Ok(store)
    }

    fn load(&mut self, file: &Path) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(file)?;
        let v: Value = serde_json::from_str(&text)?;
        self.rv = v["resourceVersion"].as_u64().unwrap_or(0);
        self.compacted = self.rv;
        for entry in v["objects"].as_array().into_iter().flatten() {
            let s = |k: &str| entry[k].as_str().unwrap_or_default().to_string();
            let key = ObjKey {
                group: s("group"),
                resource: s("resource"),
                namespace: s("namespace"),
                name: s("name"),
            };
            self.objects.insert(key, entry["object"].clone());
        }
        self.refresh_crds();
        Ok(())
    }

    /// Writes the state file (when `--state-dir` was given).
    pub fn save(&self) {
        let Some(file) = &self.state_file else { return };
        let objects: Vec<Value> = self
            .objects
            .iter()
            .map(|(k, o)| {
                json!({"group": k.group, "resource": k.resource, "namespace": k.namespace, "name": k.name, "object": o})
            })
            .collect();
        let doc = json!({"resourceVersion": self.rv, "objects": objects});
        let tmp = file.with_extension("json.tmp");
        if std::fs::write(&tmp, doc.to_string()).is_ok() {
            let _ = std::fs::rename(&tmp, file);
        }
    }

    pub fn get(&self, key: &ObjKey) -> Option<&Value> {
        self.objects.get(key)
    }

    /// Stores `obj` under a fresh resourceVersion and publishes the event.
    pub fn put(&mut self, key: ObjKey, mut obj: Value) -> Value {
        self.rv += 1;
        obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let prev = self.objects.insert(key.clone(), obj.clone());
        let kind = if prev.is_some() { "MODIFIED" } else { "ADDED" };
        let is_crd = key.resource == "customresourcedefinitions";
        self.publish(Event {
            rv: self.rv,
            key,
            kind,
            object: obj.clone(),
            prev,
        });
        if is_crd {
            self.refresh_crds();
        }
        obj
    }

    /// Removes an object; the DELETED event carries a fresh resourceVersion.
    pub fn remove(&mut self, key: &ObjKey) -> Option<Value> {
        let mut obj = self.objects.remove(key)?;
        self.rv += 1;
        obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        self.publish(Event {
            rv: self.rv,
            key: key.clone(),
            kind: "DELETED",
            object: obj.clone(),
            prev: None,
        });
        if key.resource == "customresourcedefinitions" {
            self.refresh_crds();
            self.remove_orphaned_custom_resources();
        }
        Some(obj)
    }

    fn publish(&mut self, event: Event) {
        let event = Arc::new(event);
        self.log.push_back(event.clone());
        while self.log.len() > LOG_CAPACITY {
            if let Some(old) = self.log.pop_front() {
                self.compacted = old.rv;
            }
        }
        let _ = self.tx.send(event);
    }

    /// Events after `rv`, or `None` if the log no longer reaches back that far.
    pub fn events_after(&self, rv: u64) -> Option<Vec<Arc<Event>>> {
        if rv < self.compacted {
            return None;
        }
        Some(self.log.iter().filter(|e| e.rv > rv).cloned().collect())
    }

    pub fn compacted(&self) -> u64 {
        self.compacted
    }

    fn refresh_crds(&mut self) {
        let crds: Vec<Value> = self
            .objects
            .iter()
            .filter(|(k, _)| {
                k.group == "apiextensions.k8s.io" && k.resource == "customresourcedefinitions"
            })
            .map(|(_, v)| v.clone())
            .collect();
        self.registry.set_crds(crds.iter());
    }

    /// Custom resources whose definition is gone are deleted, as the API server does.
    fn remove_orphaned_custom_resources(&mut self) {
        let orphans: Vec<ObjKey> = self
            .objects
            .keys()
            .filter(|k| {
                !self
                    .registry
                    .types
                    .iter()
                    .any(|t| t.group == k.group && t.plural == k.resource)
            })
            .cloned()
            .collect();
        for k in orphans {
            self.remove(&k);
        }
    }

    /// Objects of one resource, optionally in one namespace, in key order.
    pub fn list<'a>(
        &'a self,
        group: &'a str,
        resource: &'a str,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a ObjKey, &'a Value)> + 'a {
        self.objects.iter().filter(move |(k, _)| {
            k.group == group
                && k.resource == resource
                && namespace.is_none_or(|ns| k.namespace == ns)
        })
    }
}
