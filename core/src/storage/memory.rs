//! The in-memory driver (`HELM_DRIVER=memory`): records live only as long
//! as the process, per namespace, as Helm's memory driver.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::driver::{Driver, StorageError, system_labels};
use crate::release::Release;

/// Records keyed by (namespace, key).
pub struct Memory {
    namespace: String,
    records: Mutex<BTreeMap<(String, String), Release>>,
}

impl Memory {
    pub fn new(namespace: &str) -> Memory {
        Memory {
            namespace: namespace.to_string(),
            records: Mutex::new(BTreeMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(String, String), Release>> {
        match self.records.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    fn in_scope(&self, ns: &str) -> bool {
        self.namespace.is_empty() || self.namespace == ns
    }
}

impl Driver for Memory {
    fn name(&self) -> &'static str {
        "Memory"
    }

    fn get(&self, key: &str) -> Result<Release, StorageError> {
        self.lock()
            .get(&(self.namespace.clone(), key.to_string()))
            .cloned()
            .ok_or(StorageError::NotFound)
    }

    fn list(&self, filter: &dyn Fn(&Release) -> bool) -> Result<Vec<Release>, StorageError> {
        Ok(self
            .lock()
            .iter()
            .filter(|((ns, _), r)| self.in_scope(ns) && filter(r))
            .map(|(_, r)| r.clone())
            .collect())
    }

    fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        let out: Vec<Release> = self
            .lock()
            .iter()
            .filter(|((ns, _), r)| {
                let have = system_labels(r);
                self.in_scope(ns) && labels.iter().all(|(k, v)| have.get(k) == Some(v))
            })
            .map(|(_, r)| r.clone())
            .collect();
        if out.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(out)
    }

    fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let mut m = self.lock();
        let k = (self.namespace.clone(), key.to_string());
        if m.contains_key(&k) {
            return Err(StorageError::Exists);
        }
        let mut rel = rel.clone();
        rel.labels = system_labels(&rel);
        m.insert(k, rel);
        Ok(())
    }

    fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let mut m = self.lock();
        let k = (self.namespace.clone(), key.to_string());
        if !m.contains_key(&k) {
            return Err(StorageError::NotFound);
        }
        let mut rel = rel.clone();
        rel.labels = system_labels(&rel);
        m.insert(k, rel);
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<Release, StorageError> {
        self.lock()
            .remove(&(self.namespace.clone(), key.to_string()))
            .ok_or(StorageError::NotFound)
    }
}
