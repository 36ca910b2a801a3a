//! The chart as a release stores it (`chart.Chart` JSON): metadata, lock,
//! templates, default values, schema and files — never the subcharts.
//!
//! This is a storage record, not the loader's chart model: it round-trips
//! what any Helm 3 wrote and converts from the loaded chart when installing.

use std::collections::BTreeMap;

use crate::template::{Map, Value};

use super::time::Timestamp;

/// A file of the chart (`chart.File`); `data` is stored base64.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct File {
    pub name: String,
    pub data: Vec<u8>,
}

/// A maintainer entry of Chart.yaml.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// A dependency entry of Chart.yaml or Chart.lock.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub import_values: Vec<Value>,
    pub alias: String,
}

/// Chart.yaml as Helm serialises `chart.Metadata`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub maintainers: Vec<Maintainer>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: BTreeMap<String, String>,
    pub kube_version: String,
    pub dependencies: Vec<Dependency>,
    pub chart_type: String,
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
