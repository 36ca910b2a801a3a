//! `release.Release`: one revision of a named release.

use std::collections::BTreeMap;

use crate::template::Map;

use super::chart::Chart;
use super::hook::Hook;
use super::info::Info;
use super::status::Status;

/// One revision of a release, as stored by Helm 3.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Release {
    pub name: String,
    pub info: Option<Info>,
    pub chart: Option<Chart>,
    /// User-supplied values only (not coalesced with the chart's defaults).
    pub config: Map,
    pub manifest: String,
    pub hooks: Vec<Hook>,
    /// The revision number.
    pub version: i64,
    pub namespace: String,
    /// Labels of the storage object (not part of the JSON).
    pub labels: BTreeMap<String, String>,
}

impl Release {
    pub fn status(&self) -> Status {
        self.info.as_ref().map(|i| i.status).unwrap_or_default()
    }

    /// Mutable info, created if missing.
    pub fn info_mut(&mut self) -> &mut Info {
        self.info.get_or_insert_with(Info::default)
    }

    /// Sets status and description (Helm's `SetStatus`).
    pub fn set_status(&mut self, status: Status, description: impl Into<String>) {
        let info = self.info_mut();
        info.status = status;
        info.description = description.into();
    }

    pub fn description(&self) -> &str {
        self.info
            .as_ref()
            .map(|i| i.description.as_str())
            .unwrap_or("")
    }

    pub fn chart_display_name(&self) -> String {
        self.chart
            .as_ref()
            .map(Chart::display_name)
            .unwrap_or_else(|| "MISSING".to_string())
    }

    pub fn app_version_display(&self) -> String {
        match &self.chart {
            Some(c) if c.metadata.is_some() => c.app_version().to_string(),
            _ => "MISSING".to_string(),
        }
    }
}
