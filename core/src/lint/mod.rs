//! Helm 3.10's chart linter (`lint.All`): the rules for Chart.yaml,
//! values.yaml, the rendered templates and the dependencies, run in Helm's
//! order with Helm's severities and messages.
//!
//! Module map:
//! - [`chartfile`]: Chart.yaml fields (name, apiVersion, version, types,
//!   maintainers, sources, icon, type, dependencies).
//! - [`values`]: values.yaml existence, YAML and `values.schema.json`.
//! - [`templates`]: render in lint mode, then per template: extension, v2
//!   leftovers, indentation, YAML, object names, deprecated APIs, selectors,
//!   `List` annotations.
//! - [`dependencies`]: declared vs. vendored subcharts.
//! - [`names`], [`deprecations`], [`urls`]: the Kubernetes and govalidator
//!   predicates behind those rules.
//!
//! Ours on top of Helm: template errors carry `file:line:col`.

pub mod chartfile;
pub mod dependencies;
pub mod deprecations;
pub mod names;
pub mod templates;
pub mod urls;
pub mod values;

use std::path::Path;

use crate::template::Map;

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
    /// `Chart.yaml`, `values.yaml`, `templates/`, `templates/x.yaml`, or the
    /// chart's absolute directory (dependency rules, as Helm prints it).
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
        self.messages.iter().any(|m| m.severity > Severity::Info)
    }
}

/// Collects messages (Helm's `support.Linter`).
pub struct Linter {
    pub out: ChartLint,
}

impl Linter {
    pub fn add(&mut self, severity: Severity, path: &str, message: impl Into<String>) {
        self.out.messages.push(LintMessage {
            severity,
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Adds the message if `result` is an error; says whether it passed.
    pub fn rule(&mut self, severity: Severity, path: &str, result: Result<(), String>) -> bool {
        match result {
            Ok(()) => true,
            Err(m) => {
                self.add(severity, path, m);
                false
            }
        }
    }
}

/// What the template rules need besides the chart directory.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    pub namespace: String,
    pub strict: bool,
}

/// Runs every rule on the chart directory `dir` (Helm's `lint.All`); `shown`
/// is the path as the user gave it.
pub fn lint_dir(dir: &Path, shown: &str, user: &Map, opts: &LintOptions) -> ChartLint {
    let mut l = Linter {
        out: ChartLint {
            path: shown.to_string(),
            ..ChartLint::default()
        },
    };
    // Helm makes the directory absolute first; the dependency rule prints it.
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let abs = crate::gopath::clean(&abs.to_string_lossy());
    let abs = Path::new(&abs);
    chartfile::check(&mut l, abs);
    values::check(&mut l, abs, user);
    templates::check(&mut l, abs, user, opts);
    dependencies::check(&mut l, abs);
    l.out
}
