//! Decoding a YAML-derived [`Value`] into Go struct fields the way Helm's
//! `sigs.k8s.io/yaml.Unmarshal` + `encoding/json` do.
//!
//! sigs.k8s.io/yaml converts YAML scalars to strings when the target field is
//! a string (so `appVersion: 1.10` becomes `"1.1"`: floats are printed as
//! float32 shortest), then `encoding/json` fills the struct and reports type
//! mismatches as `json: cannot unmarshal array into Go struct field
//! Metadata.name of type string`.

use crate::template::strconv::format_float;
use crate::template::{Map, Value};

/// A Go `encoding/json` type mismatch, already worded as Go words it.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeError(pub String);

/// Where a field sits: innermost Go struct name and dotted json path.
#[derive(Clone, Copy)]
pub struct FieldCtx<'a> {
    pub struct_name: &'a str,
    pub path: &'a str,
}

fn mismatch(v: &Value, ctx: FieldCtx<'_>, go_type: &str) -> DecodeError {
    DecodeError(format!(
        "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
        crate::json::json_kind(v),
        ctx.struct_name,
        ctx.path,
        go_type
    ))
}

/// sigs.k8s.io/yaml's scalar-to-string conversion for a float: integral
/// values print as integers (yaml.v2 decoded them as ints), others as
/// float32 shortest `%g`.
pub fn yaml_number_string(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        return format!("{}", f as i64);
    }
    let short32 = format!("{:e}", f as f32);
    let reparsed: f64 = short32.parse().unwrap_or(f);
    format_float(reparsed, 'g', -1)
}

/// A Go `string` field.
pub fn string(v: &Value, ctx: FieldCtx<'_>) -> Result<String, DecodeError> {
    match v {
        Value::Nil => Ok(String::new()),
        Value::String(s) => Ok(s.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Int(i) | Value::Int64(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(yaml_number_string(*f)),
        _ => Err(mismatch(v, ctx, "string")),
    }
}

/// A Go `bool` field.
pub fn boolean(v: &Value, ctx: FieldCtx<'_>) -> Result<bool, DecodeError> {
    match v {
        Value::Nil => Ok(false),
        Value::Bool(b) => Ok(*b),
        _ => Err(mismatch(v, ctx, "bool")),
    }
}

/// A Go `[]string` field (nil for null).
pub fn string_list(v: &Value, ctx: FieldCtx<'_>) -> Result<Vec<String>, DecodeError> {
    match v {
        Value::Nil => Ok(Vec::new()),
        Value::List(items) => items.iter().map(|i| string(i, ctx)).collect(),
        _ => Err(mismatch(v, ctx, "[]string")),
    }
}

/// A Go `map[string]string` field.
pub fn string_map(v: &Value, ctx: FieldCtx<'_>) -> Result<Vec<(String, String)>, DecodeError> {
    match v {
        Value::Nil => Ok(Vec::new()),
        Value::Map(m) => m
            .read()
            .iter()
            .map(|(k, val)| Ok((k.to_string(), string(val, ctx)?)))
            .collect(),
        _ => Err(mismatch(v, ctx, "map[string]string")),
    }
}

/// A Go `[]interface{}` field (kept as values).
pub fn any_list(v: &Value, ctx: FieldCtx<'_>) -> Result<Vec<Value>, DecodeError> {
    match v {
        Value::Nil => Ok(Vec::new()),
        Value::List(items) => Ok(items.to_vec()),
        _ => Err(mismatch(v, ctx, "[]interface {}")),
    }
}

/// A Go slice of struct pointers: each element is `None` for a JSON null.
pub fn object_list<'v>(
    v: &'v Value,
    ctx: FieldCtx<'_>,
    go_type: &str,
) -> Result<Vec<Option<crate::template::MapRead<'v>>>, DecodeError> {
    match v {
        Value::Nil => Ok(Vec::new()),
        Value::List(items) => items
            .iter()
            .map(|item| match item {
                Value::Nil => Ok(None),
                Value::Map(m) => Ok(Some(m.read())),
                other => Err(mismatch(other, ctx, go_type.trim_start_matches("[]*"))),
            })
            .collect(),
        _ => Err(mismatch(v, ctx, go_type)),
    }
}

/// The fields of a JSON object as `encoding/json` matches them to struct
/// fields: exact json name first, else ASCII case-insensitively; keys are
/// visited in sorted order so a later duplicate wins as in Go.
pub fn fields<'m>(map: &'m Map, names: &[&'static str]) -> Vec<(&'static str, &'m Value)> {
    let mut out = Vec::new();
    for (key, val) in map.iter() {
        let found = names
            .iter()
            .find(|n| **n == &**key)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(key)));
        if let Some(name) = found {
            out.push((*name, val));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_strings_like_sigs_yaml() {
        assert_eq!(yaml_number_string(1.1), "1.1");
        assert_eq!(yaml_number_string(1.10), "1.1");
        assert_eq!(yaml_number_string(1.234567891234), "1.2345679");
        assert_eq!(yaml_number_string(12.0), "12");
    }
}
