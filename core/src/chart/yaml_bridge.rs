//! The one place where chart and values code call the YAML module: parse a
//! document with Helm's semantics, and Helm's engine `toYAML`.

use crate::source::{LineCol, SourceId};
use crate::template::Value;

/// A YAML failure: Helm's message text (after its own prefix) and position.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlFailure {
    /// e.g. `error converting YAML to JSON: yaml: line 3: …`.
    pub helm_message: String,
    pub pos: Option<LineCol>,
    /// Our own explanation (what was expected).
    pub message: String,
}

impl From<crate::yaml::YamlError> for YamlFailure {
    fn from(e: crate::yaml::YamlError) -> YamlFailure {
        YamlFailure {
            helm_message: e.helm_message(),
            pos: Some(e.pos),
            message: e.message,
        }
    }
}

/// Parses one YAML document the way `sigs.k8s.io/yaml.Unmarshal` into
/// `interface{}` does (empty text is `Nil`).
pub fn parse_document(text: &str) -> Result<Value, YamlFailure> {
    crate::yaml::parse::parse_value_unindexed(text, SourceId(0))
        .map(|p| p.value)
        .map_err(YamlFailure::from)
}

/// Parses a values document (must be a map; empty gives `{}`).
pub fn parse_values(text: &str) -> Result<Value, YamlFailure> {
    crate::yaml::parse::parse_values_unindexed(text, SourceId(0))
        .map(|p| p.value)
        .map_err(YamlFailure::from)
}

/// Go `yaml.Marshal` output (with its trailing newline).
pub fn to_yaml(v: &Value) -> String {
    crate::yaml::marshal(v).unwrap_or_default()
}
