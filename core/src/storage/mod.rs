//! Release history storage: the [`Driver`] trait with Secret, ConfigMap and
//! memory drivers, and [`Storage`], Helm's policy on top (latest revision,
//! deployed revisions, history, `--history-max` pruning).

pub mod driver;
pub mod kube_object;
pub mod memory;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use driver::{Driver, StorageError};
pub use kube_object::KubeObjectDriver;
pub use memory::Memory;

use crate::kube::KubeClient;
use crate::release::{Release, Status};

/// Prefix of every record key.
pub const HELM_STORAGE_TYPE: &str = "sh.helm.release.v1";

/// `sh.helm.release.v1.<name>.v<revision>`.
pub fn make_key(name: &str, version: i64) -> String {
    format!("{HELM_STORAGE_TYPE}.{name}.v{version}")
}

/// Picks the driver `HELM_DRIVER` names (`secret` when empty).
pub fn driver_for(
    name: &str,
    client: Arc<dyn KubeClient>,
    namespace: &str,
) -> Result<Box<dyn Driver>, String> {
    match name {
        "" | "secret" | "secrets" => Ok(Box::new(KubeObjectDriver::secrets(client, namespace))),
        "configmap" | "configmaps" => {
            Ok(Box::new(KubeObjectDriver::config_maps(client, namespace)))
        }
        "memory" => Ok(Box::new(Memory::new(namespace))),
        other => Err(format!("Unknown driver in HELM_DRIVER: {other}")),
    }
}

/// Helm's `storage.Storage`.
pub struct Storage {
    pub driver: Box<dyn Driver>,
    /// Revisions kept per release by `create` (0 = unlimited).
    pub max_history: i64,
}

/// Sorts by revision, oldest first.
pub fn sort_by_revision(rels: &mut [Release]) {
    rels.sort_by_key(|r| r.version);
}

impl Storage {
    pub fn new(driver: Box<dyn Driver>) -> Storage {
        Storage {
            driver,
            max_history: 0,
        }
    }

    pub fn get(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        self.driver.get(&make_key(name, version))
    }

    /// Stores a new revision, first pruning history to `max_history - 1`.
    pub fn create(&self, rel: &Release) -> Result<(), StorageError> {
        if self.max_history > 0 {
            match self.remove_least_recent(&rel.name, self.max_history - 1) {
                Ok(()) | Err(StorageError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        self.driver.create(&make_key(&rel.name, rel.version), rel)
    }

    pub fn update(&self, rel: &Release) -> Result<(), StorageError> {
        self.driver.update(&make_key(&rel.name, rel.version), rel)
    }

    pub fn delete(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        self.driver.delete(&make_key(name, version))
    }

    pub fn list_releases(&self) -> Result<Vec<Release>, StorageError> {
        self.driver.list(&|_| true)
    }

    /// Every revision of `name` (`NotFound` when there is none).
    pub fn history(&self, name: &str) -> Result<Vec<Release>, StorageError> {
        let mut q = BTreeMap::new();
        q.insert("name".to_string(), name.to_string());
        q.insert("owner".to_string(), "helm".to_string());
        self.driver.query(&q)
    }

    /// Every deployed revision of `name`.
    pub fn deployed_all(&self, name: &str) -> Result<Vec<Release>, StorageError> {
        let mut q = BTreeMap::new();
        q.insert("name".to_string(), name.to_string());
        q.insert("owner".to_string(), "helm".to_string());
        q.insert("status".to_string(), Status::Deployed.as_str().to_string());
        match self.driver.query(&q) {
            Ok(v) => Ok(v),
            Err(StorageError::NotFound) => Err(StorageError::NoDeployedReleases {
                name: name.to_string(),
            }),
            Err(e) => Err(e),
        }
    }

    /// The newest deployed revision.
    pub fn deployed(&self, name: &str) -> Result<Release, StorageError> {
        let mut ls = self.deployed_all(name)?;
        sort_by_revision(&mut ls);
        ls.pop().ok_or(StorageError::NoDeployedReleases {
            name: name.to_string(),
        })
    }

    /// The newest revision.
    pub fn last(&self, name: &str) -> Result<Release, StorageError> {
        let mut h = self.history(name)?;
        sort_by_revision(&mut h);
        h.pop()
            .ok_or_else(|| StorageError::NoRevision(name.to_string()))
    }

    /// Deletes the oldest revisions until `max` remain, never the newest
    /// deployed one.
    fn remove_least_recent(&self, name: &str, max: i64) -> Result<(), StorageError> {
        if max < 0 {
            return Ok(());
        }
        let mut h = self.history(name)?;
        if h.len() as i64 <= max {
            return Ok(());
        }
        sort_by_revision(&mut h);
        let last_deployed = match self.deployed(name) {
            Ok(r) => Some(r.version),
            Err(StorageError::NoDeployedReleases { .. }) => None,
            Err(e) => return Err(e),
        };
        let mut to_delete = Vec::new();
        for rel in &h {
            if h.len() as i64 - to_delete.len() as i64 == max {
                break;
            }
            if last_deployed != Some(rel.version) {
                to_delete.push(rel.version);
            }
        }
        let errs: Vec<StorageError> = to_delete
            .iter()
            .filter_map(|v| self.delete(name, *v).err())
            .collect();
        match errs.len() {
            0 => Ok(()),
            1 => Err(errs.into_iter().next().unwrap_or(StorageError::NotFound)),
            count => Err(StorageError::Prune {
                count,
                first: errs[0].to_string(),
            }),
        }
    }
}
