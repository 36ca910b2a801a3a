//! The one place where chart and values code call the YAML module: parse a
//! document with Helm's semantics, and Helm's engine `toYAML`.

use crate::source::LineCol;
use crate::template::Value;

/// A YAML failure: Helm's message text (after its own prefix) and position.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlFailure {
    pub helm_message: String,
    pub pos: Option<LineCol>,
}

/// Parses one YAML document the way `sigs.k8s.io/yaml.Unmarshal` does.
pub fn parse_document(text: &str) -> Result<Value, YamlFailure> {
    // Placeholder until the YAML module lands on main.
    if text.trim().is_empty() {
        return Ok(Value::Nil);
    }
    Err(YamlFailure {
        helm_message: "YAML support not available yet".into(),
        pos: None,
    })
}

/// Go `yaml.Marshal` output (with its trailing newline).
pub fn to_yaml(_v: &Value) -> String {
    String::new()
}
