//! Reading repository YAML (repositories.yaml, index.yaml) the way
//! `sigs.k8s.io/yaml.Unmarshal` fills Go structs: YAML → JSON value, then
//! fields matched by JSON name (case-insensitively, as `encoding/json`),
//! with Go's type-mismatch wording.

use crate::template::{Map, Value};

/// A decoding failure with Go's message.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeError(pub String);

/// Parses YAML text with Helm's semantics (YAML 1.1 scalars, JSON round trip).
pub fn parse(text: &[u8]) -> Result<Value, DecodeError> {
    let text = String::from_utf8_lossy(text);
    crate::chart::yaml_bridge::parse_document(&text).map_err(|e| DecodeError(e.helm_message))
}

/// The value of `key` in `map`, matched exactly first, then ignoring ASCII case.
pub fn field<'a>(map: &'a Map, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::Nil => "null",
        _ => "number",
    }
}

fn mismatch(v: &Value, path: &str, go_type: &str) -> DecodeError {
    DecodeError(format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {path} of type {go_type}",
        json_kind(v)
    ))
}

/// A string field (`null` and absent are empty).
pub fn string(map: &Map, key: &str, path: &str) -> Result<String, DecodeError> {
    match field(map, key) {
        None | Some(Value::Nil) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        // sigs.k8s.io/yaml turns scalars into strings for string fields.
        Some(Value::Bool(b)) => Ok(b.to_string()),
        Some(Value::Int(i) | Value::Int64(i)) => Ok(i.to_string()),
        Some(Value::Float(f)) => Ok(number_string(*f)),
        Some(v) => Err(mismatch(v, path, "string")),
    }
}

/// A YAML number as the string sigs.k8s.io/yaml gives a string field.
fn number_string(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        return format!("{}", f as i64);
    }
    let short32 = format!("{:e}", f as f32);
    let reparsed: f64 = short32.parse().unwrap_or(f);
    crate::template::strconv::format_float(reparsed, 'g', -1)
}

/// A bool field.
pub fn boolean(map: &Map, key: &str, path: &str) -> Result<bool, DecodeError> {
    match field(map, key) {
        None | Some(Value::Nil) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(mismatch(v, path, "bool")),
    }
}

/// A `[]string` field.
pub fn strings(map: &Map, key: &str, path: &str) -> Result<Vec<String>, DecodeError> {
    match field(map, key) {
        None | Some(Value::Nil) => Ok(Vec::new()),
        Some(Value::List(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.to_string()),
                Value::Nil => Ok(String::new()),
                other => Err(mismatch(other, path, "string")),
            })
            .collect(),
        Some(v) => Err(mismatch(v, path, "[]string")),
    }
}

/// A `map[string]string` field.
pub fn string_map(
    map: &Map,
    key: &str,
    path: &str,
) -> Result<std::collections::BTreeMap<String, String>, DecodeError> {
    match field(map, key) {
        None | Some(Value::Nil) => Ok(Default::default()),
        Some(Value::Map(m)) => m
            .read()
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.to_string(), s.to_string())),
                other => Err(mismatch(other, path, "string")),
            })
            .collect(),
        Some(v) => Err(mismatch(v, path, "map[string]string")),
    }
}

/// An object field as a map.
pub fn object<'a>(
    v: &'a Value,
    path: &str,
    go_type: &str,
) -> Result<Option<crate::template::MapRead<'a>>, DecodeError> {
    match v {
        Value::Nil => Ok(None),
        Value::Map(m) => Ok(Some(m.read())),
        other => Err(mismatch(other, path, go_type)),
    }
}
