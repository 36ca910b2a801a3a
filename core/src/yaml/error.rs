//! YAML errors: a position for our own messages (`file:line:col`) and the
//! text Go's yaml.v2 / sigs.k8s.io/yaml would print, which Helm shows verbatim.

use crate::source::{LineCol, Span};

/// Which layer of Go's pipeline the failure belongs to; it decides Helm's
/// message prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// libyaml scanner (tokens): yaml.v2 reports the 1-based line.
    Scan,
    /// libyaml parser (structure): yaml.v2 reports the 0-based line.
    Parse,
    /// yaml.v2 decoding (anchors, merge keys, tags, map keys).
    Decode,
    /// sigs.k8s.io/yaml converting to JSON (unsupported keys, NaN/Inf).
    Convert,
    /// Decoding the JSON into the target type (e.g. a list where a map is needed).
    Unmarshal,
}

/// A YAML failure with its position and both message styles.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct YamlError {
    pub kind: YamlErrorKind,
    /// Where it happened (an empty span at the point of failure for syntax errors).
    pub span: Span,
    /// 1-based line and byte column of `span.start`.
    pub pos: LineCol,
    /// Our message (what was expected).
    pub message: String,
    /// Exactly what Go prints after `error converting YAML to JSON: ` or
    /// `error unmarshaling JSON: `, e.g. `yaml: line 3: did not find expected key`.
    pub go_message: String,
}

impl YamlError {
    /// The full text Helm prints after its own prefix (`failed to parse f: `,
    /// `YAML parse error on t.yaml: `, `cannot load values.yaml: `).
    pub fn helm_message(&self) -> String {
        match self.kind {
            YamlErrorKind::Unmarshal => format!("error unmarshaling JSON: {}", self.go_message),
            _ => format!("error converting YAML to JSON: {}", self.go_message),
        }
    }

    /// `path:line:col: message`, for our own diagnostics.
    pub fn display_with(&self, path: &str) -> String {
        format!("{path}:{}: {}", self.pos, self.message)
    }
}
