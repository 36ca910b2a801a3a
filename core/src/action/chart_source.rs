//! The [`ChartSource`] of a chart loaded from disk: dependency processing,
//! values coalescing and schema validation (the `values` module), rendering
//! and manifest sorting (the `engine` and `template` action), and the
//! conversion to the chart record a release stores.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::template::{Prepared, render_resources};
use super::{ActionError, ChartSource, RenderOptions, Rendered};
use crate::chart::{self, Chart as LoadedChartModel};
use crate::engine::{
    Capabilities, EngineOptions, HelmVersion, KubeVersion, ReleaseOptions, parse_kube_version,
};
use crate::release::chart::{Chart, File, Lock};
use crate::release::{Hook, Timestamp};
use crate::repo::{ChartPathOptions, RepoSettings};
use crate::template::{Map, Value};
use crate::values;

/// A chart read from a directory or archive.
pub struct LoadedChart {
    chart: LoadedChartModel,
    /// Lines Helm logs while processing (warnings), for the CLI to print.
    pub log: Mutex<Vec<String>>,
}

fn msg(e: impl std::fmt::Display) -> ActionError {
    ActionError::msg(e.to_string())
}

impl LoadedChart {
    /// Loads `path` (directory or `.tgz`).
    pub fn load(path: &Path) -> Result<LoadedChart, ActionError> {
        let chart = chart::load(path).map_err(msg)?;
        Ok(LoadedChart::new(chart))
    }

    pub fn new(chart: LoadedChartModel) -> LoadedChart {
        LoadedChart {
            chart,
            log: Mutex::new(Vec::new()),
        }
    }

    pub fn model(&self) -> &LoadedChartModel {
        &self.chart
    }

    /// Adds lines to [`LoadedChart::log`].
    pub fn push_log(&self, lines: Vec<String>) {
        if let Ok(mut l) = self.log.lock() {
            l.extend(lines);
        }
    }

    /// The chart after dependency processing for `vals`.
    fn processed(&self, vals: &Map) -> Result<LoadedChartModel, ActionError> {
        let mut c = self.chart.clone();
        let mut log = Vec::new();
        let r = values::process_dependencies(&mut c, vals, &mut log);
        self.push_log(log);
        r.map_err(msg)?;
        Ok(c)
    }
}

/// Where install and upgrade find their chart (Helm's `ChartPathOptions`
/// plus the settings `LocateChart` and the dependency manager read).
#[derive(Clone, Debug)]
pub struct ChartLocation {
    /// Working directory for relative chart paths.
    pub cwd: PathBuf,
    pub options: ChartPathOptions,
    pub settings: RepoSettings,
    /// `--dependency-update`: fetch missing dependencies before installing.
    pub dependency_update: bool,
}

impl ChartLocation {
    /// Local charts only, with Helm's repository settings from the environment.
    pub fn local(cwd: PathBuf) -> ChartLocation {
        ChartLocation {
            cwd,
            options: ChartPathOptions::default(),
            settings: RepoSettings::from_env(),
            dependency_update: false,
        }
    }
}

/// Helm's steps between the chart argument and `Install.Run`/`Upgrade.Run`:
/// locate (local path or repository download), load, check installability,
/// warn when deprecated, and check the declared dependencies are present in
/// `charts/`, running `dependency update` first with `--dependency-update`
/// (its progress goes to `out`, as Helm prints it on stdout).
pub fn load_installable(
    chart_arg: &str,
    loc: &ChartLocation,
    out: &mut dyn Write,
) -> Result<LoadedChart, ActionError> {
    let path = super::locate::locate_chart(chart_arg, &loc.cwd, &loc.options, &loc.settings)
        .map_err(ActionError::msg)?;
    let mut chart = LoadedChart::load(&path)?;
    let ty = chart.chart_type();
    if !(ty.is_empty() || ty == "application") {
        return Err(ActionError::msg(format!("{ty} charts are not installable")));
    }
    if chart.model().metadata.deprecated {
        chart.push_log(vec!["WARNING: This chart is deprecated".into()]);
    }
    if let Err(e) = super::template::check_dependencies(chart.model()) {
        if !loc.dependency_update {
            return Err(ActionError::msg(e));
        }
        let opts = crate::dependency::DepOptions {
            debug: loc.settings.debug,
            ..Default::default()
        };
        crate::dependency::update(&path, &loc.settings, &opts, out)
            .map_err(|e| ActionError::msg(e.to_string()))?;
        let log = chart.log.lock().map(|l| l.clone()).unwrap_or_default();
        chart = LoadedChart::load(&path)
            .map_err(|e| e.wrap("failed reloading chart after repo update"))?;
        chart.push_log(log);
    }
    Ok(chart)
}

fn engine_caps(c: &super::Capabilities) -> Capabilities {
    let kube_version = parse_kube_version(&c.kube_version).unwrap_or_else(|_| KubeVersion {
        version: c.kube_version.clone(),
        major: c.kube_major.clone(),
        minor: c.kube_minor.clone(),
    });
    Capabilities {
        kube_version,
        api_versions: c.api_versions.clone(),
        helm_version: HelmVersion::default(),
    }
}

fn file(f: &chart::File) -> File {
    File {
        name: f.name.clone(),
        data: f.data.to_vec(),
    }
}

/// The chart record a release stores (Helm's `chart.Chart` JSON; no subcharts).
pub fn stored_chart(c: &LoadedChartModel) -> Chart {
    // Null list entries cannot pass validation; the record never has them.
    let mut metadata = c.metadata.clone();
    metadata.maintainers.retain(Option::is_some);
    metadata.dependencies.retain(Option::is_some);
    let lock = c.lock.as_ref().map(|l| Lock {
        generated: Timestamp::parse(&l.generated).unwrap_or_default(),
        digest: l.digest.clone(),
        dependencies: Some(l.dependencies.iter().flatten().cloned().collect()),
    });
    // Go's loader leaves slices nil when nothing was appended.
    let files = |v: &[chart::File]| (!v.is_empty()).then(|| v.iter().map(file).collect());
    let values = match &c.values {
        Value::Map(m) if !m.is_empty() || c.values_raw().is_some() => Some(m.snapshot()),
        _ => None,
    };
    Chart {
        metadata: Some(metadata),
        lock,
        templates: files(&c.templates),
        values,
        schema: c.schema.as_ref().map(|s| s.to_vec()),
        files: files(&c.files),
    }
}

fn release_hook(h: &crate::manifest::Hook) -> Hook {
    Hook {
        name: h.name.clone(),
        kind: h.kind.clone(),
        path: h.path.clone(),
        manifest: h.manifest.clone(),
        events: h.events.iter().map(|e| e.as_str().to_string()).collect(),
        weight: h.weight,
        delete_policies: h.delete_policies.clone(),
        ..Default::default()
    }
}

impl ChartSource for LoadedChart {
    fn stored(&self, vals: &Map) -> Result<Chart, ActionError> {
        Ok(stored_chart(&self.processed(vals)?))
    }

    fn crds(&self) -> Vec<(String, String)> {
        self.chart
            .crds()
            .into_iter()
            .map(|c| (c.name.clone(), c.file.text().into_owned()))
            .collect()
    }

    fn render(
        &self,
        vals: &Map,
        defaults: Option<&Map>,
        opts: &RenderOptions,
    ) -> Result<Rendered, ActionError> {
        let mut c = self.processed(vals)?;
        if let Some(d) = defaults {
            c.values = Value::map(d.clone());
        }
        let mut log = Vec::new();
        let coalesced = values::coalesce_values(&mut c, vals, &mut log);
        self.push_log(log);
        let coalesced = coalesced.map_err(msg)?;
        // The error's text is Helm's whole message.
        values::validate_against_schema(&c, &coalesced)
            .map_err(|e| ActionError::msg(e.to_string()))?;
        let prepared = Prepared {
            chart: c,
            values: coalesced,
            release: ReleaseOptions {
                name: opts.name.clone(),
                namespace: opts.namespace.clone(),
                revision: opts.revision,
                is_install: opts.is_install,
                is_upgrade: opts.is_upgrade,
            },
            caps: engine_caps(&opts.capabilities),
            lookup: opts.lookup.as_ref().map(|l| l.0.clone()),
        };
        let mut warnings = Vec::new();
        let result = render_resources(
            &prepared,
            opts.sub_notes,
            EngineOptions::default(),
            &mut warnings,
        );
        self.push_log(warnings);
        let (_rendered, notes, sorted) = result.map_err(|e| ActionError::msg(e.without_hint()))?;
        let mut manifest = String::new();
        for m in &sorted.manifests {
            manifest.push_str(&format!("---\n# Source: {}\n{}\n", m.name, m.content));
        }
        if let Some(pr) = &opts.post_renderer {
            manifest = pr.run(&manifest).map_err(|e| {
                ActionError::msg(format!("error while running post render on files: {e}"))
            })?;
        }
        Ok(Rendered {
            hooks: sorted.hooks.iter().map(release_hook).collect(),
            manifest,
            notes,
        })
    }

    fn chart_type(&self) -> String {
        self.chart.metadata.chart_type.clone()
    }
}
