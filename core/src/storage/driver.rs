//! The storage driver interface (Helm's `driver.Driver`) and its errors.

use std::collections::BTreeMap;

use crate::kube::KubeError;
use crate::release::Release;
use crate::release::codec::CodecError;

/// Why a storage call failed; messages are Helm's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    #[error("release: not found")]
    NotFound,
    #[error("release: already exists")]
    Exists,
    #[error("{name:?} has no deployed releases")]
    NoDeployedReleases { name: String },
    #[error("no revision for release {0:?}")]
    NoRevision(String),
    #[error("invalid label value: {0:?}")]
    InvalidLabel(String),
    #[error("{context}: {source}")]
    Kube {
        context: String,
        #[source]
        source: KubeError,
    },
    #[error("{context}: {source}")]
    Codec {
        context: String,
        #[source]
        source: CodecError,
    },
    #[error("encountered {count} deletion errors. First is: {first}")]
    Prune { count: usize, first: String },
}

impl StorageError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, StorageError::NotFound)
    }
}

/// Stores release records by key (`sh.helm.release.v1.<name>.v<rev>`).
pub trait Driver: Send + Sync {
    /// `Secret`, `ConfigMap` or `Memory`.
    fn name(&self) -> &'static str;
    fn get(&self, key: &str) -> Result<Release, StorageError>;
    /// Every release (all revisions) the filter accepts; undecodable records are skipped.
    fn list(&self, filter: &dyn Fn(&Release) -> bool) -> Result<Vec<Release>, StorageError>;
    /// Releases whose labels match all of `labels`; `NotFound` when none.
    fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError>;
    fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError>;
    fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError>;
    fn delete(&self, key: &str) -> Result<Release, StorageError>;
}

/// The labels Helm puts on every record.
pub fn system_labels(rel: &Release) -> BTreeMap<String, String> {
    let mut l = BTreeMap::new();
    l.insert("name".to_string(), rel.name.clone());
    l.insert("owner".to_string(), "helm".to_string());
    l.insert("status".to_string(), rel.status().as_str().to_string());
    l.insert("version".to_string(), rel.version.to_string());
    l
}
