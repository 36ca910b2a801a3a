//! The chart as a release stores it (`chart.Chart` JSON): metadata, lock,
//! templates, default values, schema and files — never the subcharts.
//!
//! This is a storage record, not the loader's chart model: it round-trips
//! what any Helm 3 wrote and converts from the loaded chart when installing.
//! `Metadata` and its parts are [`crate::chart::metadata`]'s types.

use crate::template::Map;

// Chart.yaml's types (fields, decoding, Go JSON view) are owned by the chart
// module; the record stores them as they are.
pub use crate::chart::metadata::{Dependency, Maintainer, Metadata};

use super::time::Timestamp;

/// A file of the chart (`chart.File`); `data` is stored base64.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct File {
    pub name: String,
    pub data: Vec<u8>,
}

/// Chart.lock (`chart.Lock`); `generated` is a plain Go time (zero prints
/// `0001-01-01T00:00:00Z`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Lock {
    pub generated: Timestamp,
    pub digest: String,
    pub dependencies: Option<Vec<Dependency>>,
}

/// The stored chart. `None` fields are Go nils and serialise as `null`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Chart {
    pub metadata: Option<Metadata>,
    pub lock: Option<Lock>,
    pub templates: Option<Vec<File>>,
    pub values: Option<Map>,
    pub schema: Option<Vec<u8>>,
    pub files: Option<Vec<File>>,
}

impl Chart {
    pub fn name(&self) -> &str {
        self.metadata
            .as_ref()
            .map(|m| m.name.as_str())
            .unwrap_or("")
    }

    pub fn version(&self) -> &str {
        self.metadata
            .as_ref()
            .map(|m| m.version.as_str())
            .unwrap_or("")
    }

    pub fn app_version(&self) -> &str {
        self.metadata
            .as_ref()
            .map(|m| m.app_version.as_str())
            .unwrap_or("")
    }

    /// `name-version` as `helm list` prints it (`MISSING` without metadata).
    pub fn display_name(&self) -> String {
        match &self.metadata {
            Some(m) => format!("{}-{}", m.name, m.version),
            None => "MISSING".to_string(),
        }
    }

    /// The default values (`values.yaml`), empty when absent.
    pub fn default_values(&self) -> Map {
        self.values.clone().unwrap_or_default()
    }
}
