//! Editor-facing analysis of charts, as plain data: byte offsets into the
//! texts the caller gave, labels and markdown. The language server converts
//! these to LSP; nothing here knows about LSP, URIs or UTF-16.
//!
//! - [`workspace`]: which charts exist, their parents/subcharts, delimiters.
//! - [`values`]: a chart's stack of values files (defaults, extra files,
//!   parent overrides): effective value, where a key is defined/overridden.
//! - [`values_file`]: features inside a values file (hover, definition,
//!   completion from `values.schema.json`, diagnostics).
//! - [`schema`]: navigating and validating against `values.schema.json`.
//! - [`yaml_path`]: the key path at a cursor in a possibly broken YAML text.
//! - [`render`]: the incremental live render of a chart (diagnostics, preview).
//! - [`scope`]: what `.` and `$vars` stand for in a parsed template.
//! - [`template`]: completion, hover, definition, references, checks and
//!   symbols inside templates.
//! - [`builtins`]: docs of the built-in objects and the functions.

pub mod builtins;
pub mod render;
pub mod schema;
pub mod scope;
pub mod template;
pub mod values;
pub mod values_file;
pub mod workspace;
pub mod yaml_path;

use crate::source::Span;

/// How serious a diagnostic is (mirrors what editors show).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

/// A problem found in one text, located by byte span.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub span: Span,
    pub severity: Severity,
    pub message: String,
    /// A stable short code (`values-schema`, `yaml-parse`, …) for filtering.
    pub code: &'static str,
}

/// What kind of thing a completion item is (editors pick an icon from it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Field,
    Function,
    Variable,
    Keyword,
    Module,
    Property,
}

/// One completion candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown next to the label (a type, a signature).
    pub detail: Option<String>,
    /// Markdown shown on selection.
    pub documentation: Option<String>,
    /// Text to insert when different from the label.
    pub insert_text: Option<String>,
}
