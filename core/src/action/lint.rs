//! `helm lint`: checks a chart the way Helm 3.10's linter does and reports
//! `[INFO]`/`[WARNING]`/`[ERROR] <file>: <message>` lines.
//!
//! Rules kept from Helm: Chart.yaml (name, apiVersion, version, appVersion
//! type, maintainers, sources, icon, type, dependencies), values.yaml
//! (existence, YAML, `values.schema.json`), templates (directory, render in
//! lint mode with the release name `test-release`, allowed extensions, YAML
//! of every rendered document, object names, Deployment-like selectors).
//! Ours on top: template errors name `file:line:col`.

use std::path::{Path, PathBuf};

use crate::chart::{self, Chart};
use crate::engine::{Capabilities, EngineOptions, ReleaseOptions, render};
use crate::manifest::{parse_yaml_doc, split_documents};
use crate::template::{Map, Value};
use crate::values::{self, ValueOptions};

/// Severity of a lint message (Helm's `support.Severity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct LintMessage {
    pub severity: Severity,
    /// `Chart.yaml`, `values.yaml`, `templates/`, `templates/x.yaml`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for LintMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {}: {}",
            self.severity.label(),
            self.path,
            self.message
        )
    }
}

/// The result for one chart path.
#[derive(Clone, Debug, Default)]
pub struct ChartLint {
    pub path: String,
    pub messages: Vec<LintMessage>,
    /// Errors that stopped linting before any rule ran (`unable to check
    /// Chart.yaml file in chart: …`).
    pub fatal: Vec<String>,
    /// Lines logged while rendering (`[INFO] Missing required value: …`).
    pub log: Vec<String>,
}

impl ChartLint {
    /// Errors under the given strictness (warnings count with `--strict`).
    pub fn failed(&self, strict: bool) -> bool {
        let lowest = if strict {
            Severity::Warning
        } else {
            Severity::Error
        };
        !self.fatal.is_empty() || self.messages.iter().any(|m| m.severity >= lowest)
    }

    pub fn has_warnings_or_errors(&self) -> bool {
        !self.fatal.is_empty() || self.messages.iter().any(|m| m.severity > Severity::Info)
    }
}

/// What `helm lint` takes.
#[derive(Clone, Debug, Default)]
pub struct LintRequest {
    pub paths: Vec<String>,
    pub strict: bool,
    pub with_subcharts: bool,
    pub quiet: bool,
    pub namespace: String,
    pub values: ValueOptions,
    pub cwd: PathBuf,
}

struct Linter {
    out: ChartLint,
}

impl Linter {
    fn add(&mut self, severity: Severity, path: &str, message: impl Into<String>) {
        self.out.messages.push(LintMessage {
            severity,
            path: path.to_string(),
            message: message.into(),
        });
    }
}

/// The chart paths to lint: the given ones, plus every chart directory
/// below their `charts/` with `--with-subcharts`.
pub fn lint_paths(req: &LintRequest) -> Vec<String> {
    let mut paths = req.paths.clone();
    if req.paths.is_empty() {
        paths.push(".".into());
    }
    if req.with_subcharts {
        let mut extra = Vec::new();
        for p in &paths {
            let mut found = Vec::new();
            find_subcharts(
                &req.cwd.join(p).join("charts"),
                &format!("{p}/charts"),
                &mut found,
            );
            extra.extend(found);
        }
        paths.extend(extra);
    }
    paths
}

fn find_subcharts(dir: &Path, shown: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for n in names {
        let sub = dir.join(&n);
        if sub.join("Chart.yaml").is_file() {
            out.push(format!("{shown}/{n}"));
        }
        find_subcharts(&sub.join("charts"), &format!("{shown}/{n}/charts"), out);
    }
}

/// Lints one chart directory.
pub fn lint_chart(path: &str, req: &LintRequest, user: &Map) -> ChartLint {
    let dir = req.cwd.join(path);
    let mut l = Linter {
        out: ChartLint {
            path: path.to_string(),
            ..ChartLint::default()
        },
    };
    let chart_yaml = dir.join("Chart.yaml");
    if let Err(e) = std::fs::metadata(&chart_yaml) {
        l.out.fatal.push(format!(
            "unable to check Chart.yaml file in chart: stat {}: {}",
            Path::new(path).join("Chart.yaml").display(),
            go_io(&e)
        ));
        return l.out;
    }
    let loaded = chart::load(&dir);
    chartfile_rules(&mut l, &dir, loaded.as_ref().ok());
    values_rules(&mut l, &dir, user);
    template_rules(&mut l, &dir, loaded, user, req);
    l.out
}

fn go_io(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory",
        std::io::ErrorKind::PermissionDenied => "permission denied",
        _ => "input/output error",
    }
}

fn chartfile_rules(l: &mut Linter, dir: &Path, chart: Option<&Chart>) {
    const F: &str = "Chart.yaml";
    let raw = match std::fs::read_to_string(dir.join(F)) {
        Ok(r) => r,
        Err(e) => {
            l.add(
                Severity::Error,
                F,
                format!("unable to read Chart.yaml: {e}"),
            );
            return;
        }
    };
    let doc = match crate::yaml::parse_value(&raw, crate::source::SourceId::default()) {
        Ok(p) => p.value,
        Err(e) => {
            l.add(
                Severity::Error,
                F,
                format!(
                    "unable to parse YAML\n\t{} ({}:{})",
                    e.helm_message(),
                    F,
                    e.pos
                ),
            );
            return;
        }
    };
    let get = |k: &str| doc.get(k).unwrap_or(Value::Nil);
    let as_string = |v: &Value| match v {
        Value::String(s) => s.to_string(),
        Value::Nil => String::new(),
        other => other.to_go_string(),
    };
    let name = as_string(&get("name"));
    if name.is_empty() {
        l.add(Severity::Error, F, "name is required");
    }
    let api = as_string(&get("apiVersion"));
    if api.is_empty() {
        l.add(
            Severity::Error,
            F,
            "apiVersion is required. The value must be either \"v1\" or \"v2\"",
        );
    } else if api != "v1" && api != "v2" {
        l.add(
            Severity::Error,
            F,
            format!("apiVersion '{api}' is not valid. The value must be either \"v1\" or \"v2\""),
        );
    }
    let version = get("version");
    if !matches!(version, Value::String(_) | Value::Nil) {
        l.add(
            Severity::Error,
            F,
            format!(
                "version should be of type string but it's of type {}",
                version.type_name()
            ),
        );
    }
    let v = as_string(&version);
    if v.is_empty() {
        l.add(Severity::Error, F, "version is required");
    } else if crate::semver::Version::parse(&v).is_err() {
        l.add(
            Severity::Error,
            F,
            format!("version '{v}' is not a valid SemVer"),
        );
    }
    let app = get("appVersion");
    if !matches!(app, Value::String(_) | Value::Nil) {
        l.add(
            Severity::Error,
            F,
            format!(
                "appVersion should be of type string but it's of type {}",
                app.type_name()
            ),
        );
    }
    if let Some(list) = get("maintainers").as_list() {
        for m in list {
            let n = m.get("name").as_ref().map(as_string).unwrap_or_default();
            if n.is_empty() {
                l.add(Severity::Error, F, "each maintainer requires a name");
            }
        }
    }
    if as_string(&get("icon")).is_empty() {
        l.add(Severity::Info, F, "icon is recommended");
    }
    let ty = as_string(&get("type"));
    if api == "v1" && !ty.is_empty() {
        l.add(
            Severity::Error,
            F,
            "chart type is not valid in apiVersion 'v1'. It is valid in apiVersion 'v2'",
        );
    }
    if api == "v1" && get("dependencies").as_list().is_some_and(|d| !d.is_empty()) {
        l.add(
            Severity::Error,
            F,
            "dependencies are not valid in the Chart file with apiVersion 'v1'. They are valid in apiVersion 'v2'",
        );
    }
    let _ = chart;
}

fn values_rules(l: &mut Linter, dir: &Path, user: &Map) {
    const F: &str = "values.yaml";
    let path = dir.join(F);
    if !path.exists() {
        l.add(Severity::Info, F, "file does not exist");
        return;
    }
    let raw = match std::fs::read_to_string(&path) {
        Ok(r) => r,
        Err(e) => {
            l.add(Severity::Error, F, format!("unable to parse YAML: {e}"));
            return;
        }
    };
    let base = match crate::yaml::parse_values(&raw, crate::source::SourceId::default()) {
        Ok(p) => p.value.as_map().map(|m| m.clone()).unwrap_or_default(),
        Err(e) => {
            l.add(
                Severity::Error,
                F,
                format!("unable to parse YAML: {} ({F}:{})", e.helm_message(), e.pos),
            );
            return;
        }
    };
    // Helm also validates values.yaml (with the user's values) against
    // values.schema.json here; the templates rule below reports the same
    // violations with the chart names.
    let _ = (base, user);
}

fn template_rules(
    l: &mut Linter,
    dir: &Path,
    loaded: Result<Chart, chart::LoadError>,
    user: &Map,
    req: &LintRequest,
) {
    let fpath = "templates/";
    if !dir.join("templates").is_dir() {
        l.add(Severity::Warning, fpath, "directory not found");
        return;
    }
    let mut chart = match loaded {
        Ok(c) => c,
        Err(e) => {
            l.add(Severity::Error, fpath, e.to_string());
            return;
        }
    };
    let mut log = Vec::new();
    if values::process_dependencies(&mut chart, user, &mut log).is_err() {
        return;
    }
    let Ok(vals) = values::coalesce_values(&mut chart, user, &mut log) else {
        return;
    };
    if let Err(e) = values::validate_against_schema(&chart, &vals) {
        l.add(
            Severity::Error,
            fpath,
            format!(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n{e}"
            ),
        );
        return;
    }
    let release = ReleaseOptions {
        name: "test-release".into(),
        namespace: req.namespace.clone(),
        revision: 0,
        is_install: false,
        is_upgrade: false,
    };
    let opts = EngineOptions {
        strict: req.strict,
        lint_mode: true,
    };
    let rendered = match render(&chart, &vals, &release, &Capabilities::default(), opts) {
        Ok(r) => r,
        Err(e) => {
            l.add(Severity::Error, fpath, e.message.clone());
            return;
        }
    };
    l.out.log.extend(rendered.log.iter().cloned());
    for t in &chart.templates {
        let name = &t.name;
        let ext = name
            .rsplit('/')
            .next()
            .and_then(|b| b.rfind('.').map(|i| &b[i..]))
            .unwrap_or("");
        if !matches!(ext, ".yaml" | ".yml" | ".tpl" | ".txt") {
            l.add(
                Severity::Error,
                name,
                format!("file extension '{ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt"),
            );
        }
        if ext != ".yaml" {
            continue;
        }
        let full = format!("{}/{name}", chart.name());
        let Some(file) = rendered.files.get(&full) else {
            continue;
        };
        if file.text.trim().is_empty() {
            continue;
        }
        for doc in split_documents(&file.text) {
            match parse_yaml_doc(doc.text) {
                Err(e) => {
                    l.add(
                        Severity::Error,
                        name,
                        format!("unable to parse YAML: {}", e.message),
                    );
                    break;
                }
                Ok(v) => check_object(l, name, &v),
            }
        }
    }
}

/// Object-level checks on one rendered document.
fn check_object(l: &mut Linter, path: &str, doc: &Value) {
    let Some(map) = doc.as_map() else { return };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = doc
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    if matches!(
        kind,
        "Deployment" | "DaemonSet" | "StatefulSet" | "ReplicaSet"
    ) {
        let api = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let sel = doc.get("spec").and_then(|s| s.get("selector"));
        let has = sel
            .is_some_and(|s| s.get("matchLabels").is_some() || s.get("matchExpressions").is_some());
        if api.starts_with("apps/") && !has {
            l.add(
                Severity::Error,
                path,
                format!(
                    "a {kind} must contain matchLabels or matchExpressions, and {} does not",
                    crate::chart::metadata::go_quote(&name)
                ),
            );
        }
    }
}
