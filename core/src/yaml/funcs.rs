//! The template functions built on the YAML/JSON/TOML codecs, with Helm's
//! and Sprig's error conventions (Helm's `from*` put the error in the result,
//! Sprig's `must*` return it).

use crate::json;
use crate::source::SourceId;
use crate::template::{FuncError, FuncResult, FuncTable, Map, MapRef, Signature, Ty, Value};
use crate::toml;

use super::emit::to_yaml;
use super::parse::{parse_value, unmarshal_error};

const ANY: Signature = Signature::fixed(&[Ty::Any]);
const STRING: Signature = Signature::fixed(&[Ty::String]);

/// Registers Helm's YAML/JSON/TOML functions and Sprig's JSON ones. Call it
/// after the Sprig table is registered: Helm's versions override Sprig's.
pub fn register(table: &mut FuncTable) {
    table.add("toYaml", ANY, to_yaml_fn);
    table.add("fromYaml", STRING, from_yaml_fn);
    table.add("fromYamlArray", STRING, from_yaml_array_fn);
    table.add("toJson", ANY, to_json_fn);
    table.add("fromJson", STRING, from_json_fn);
    table.add("fromJsonArray", STRING, from_json_array_fn);
    table.add("toToml", ANY, to_toml_fn);
    table.add("toPrettyJson", ANY, to_pretty_json_fn);
    table.add("toRawJson", ANY, to_raw_json_fn);
    table.add("mustToJson", ANY, must_to_json_fn);
    table.add("mustToPrettyJson", ANY, must_to_pretty_json_fn);
    table.add("mustToRawJson", ANY, must_to_raw_json_fn);
    table.add("mustFromJson", STRING, must_from_json_fn);
}

fn arg_str(args: &[Value]) -> &str {
    args.first().and_then(Value::as_str).unwrap_or("")
}

fn arg(args: &[Value]) -> &Value {
    args.first().unwrap_or(&Value::Nil)
}

fn to_yaml_fn(args: &[Value]) -> FuncResult {
    Ok(Value::from_string(to_yaml(arg(args))))
}

fn error_map(msg: String) -> Value {
    let mut m = Map::new();
    m.insert("Error".into(), Value::from_string(msg));
    Value::map(m)
}

/// `fromYaml`: a map, or `{"Error": msg}`.
pub fn from_yaml(text: &str) -> Value {
    match parse_value(text, SourceId::default()) {
        Ok(p) => match p.value {
            Value::Map(_) => p.value,
            Value::Nil => Value::empty_map(),
            other => error_map(
                unmarshal_error(&other, "map[string]interface {}", p.span, text).helm_message(),
            ),
        },
        Err(e) => error_map(e.helm_message()),
    }
}

/// `fromYamlArray`: a list, or `[msg]`.
pub fn from_yaml_array(text: &str) -> Value {
    match parse_value(text, SourceId::default()) {
        Ok(p) => match p.value {
            Value::List(_) => p.value,
            Value::Nil => Value::list(Vec::new()),
            other => Value::list(vec![Value::from_string(
                unmarshal_error(&other, "[]interface {}", p.span, text).helm_message(),
            )]),
        },
        Err(e) => Value::list(vec![Value::from_string(e.helm_message())]),
    }
}

fn from_yaml_fn(args: &[Value]) -> FuncResult {
    Ok(from_yaml(arg_str(args)))
}

fn from_yaml_array_fn(args: &[Value]) -> FuncResult {
    Ok(from_yaml_array(arg_str(args)))
}

fn to_json_fn(args: &[Value]) -> FuncResult {
    Ok(Value::from_string(
        json::to_json(arg(args)).unwrap_or_default(),
    ))
}

fn to_pretty_json_fn(args: &[Value]) -> FuncResult {
    Ok(Value::from_string(
        json::to_pretty_json(arg(args)).unwrap_or_default(),
    ))
}

/// Sprig's `toRawJson` panics on an encoding error (unlike Helm's `toJson`,
/// which returns ""), so the error reaches the template.
fn to_raw_json_fn(args: &[Value]) -> FuncResult {
    must(json::to_raw_json(arg(args)))
}

fn must(r: Result<String, json::JsonError>) -> FuncResult {
    r.map(Value::from_string)
        .map_err(|e| FuncError::new(e.message))
}

fn must_to_json_fn(args: &[Value]) -> FuncResult {
    must(json::to_json(arg(args)))
}

fn must_to_pretty_json_fn(args: &[Value]) -> FuncResult {
    must(json::to_pretty_json(arg(args)))
}

fn must_to_raw_json_fn(args: &[Value]) -> FuncResult {
    must(json::to_raw_json(arg(args)))
}

/// `fromJson`: a map, or `{"Error": msg}`. For `null` Go's map becomes a nil
/// map (prints as `map[]`, encodes as `null`).
pub fn from_json(text: &str) -> Value {
    if let Ok(Value::Nil) = json::from_json(text) {
        return Value::Map(MapRef::nil());
    }
    match json::from_json_object(text) {
        Ok(m) => Value::map(m),
        Err(e) => error_map(e.message),
    }
}

/// `fromJsonArray`: a list, or `[msg]`. For `null` Go's slice becomes nil,
/// which prints as `[]`; an empty list is the closest value we have (its
/// `toJson` is `[]` where Go's is `null`).
pub fn from_json_array(text: &str) -> Value {
    if let Ok(Value::Nil) = json::from_json(text) {
        return Value::nil_list();
    }
    match json::from_json_array(text) {
        Ok(l) => Value::list(l),
        Err(e) => Value::list(vec![Value::from_string(e.message)]),
    }
}

fn from_json_fn(args: &[Value]) -> FuncResult {
    Ok(from_json(arg_str(args)))
}

fn from_json_array_fn(args: &[Value]) -> FuncResult {
    Ok(from_json_array(arg_str(args)))
}

fn must_from_json_fn(args: &[Value]) -> FuncResult {
    json::from_json(arg_str(args)).map_err(|e| FuncError::new(e.message))
}

fn to_toml_fn(args: &[Value]) -> FuncResult {
    if arg(args).is_nil() {
        // BurntSushi's encoder panics on a bare nil; Go's template engine
        // reports the panic as the call's error.
        return Err(FuncError::new(
            "reflect: call of reflect.Value.Interface on zero Value",
        ));
    }
    // BurntSushi's encoder recurses into a map that contains itself until
    // Go's stack overflows; fail the call instead of printing the error.
    arg(args)
        .check_acyclic()
        .map_err(|e| FuncError::new(e.to_string()))?;
    Ok(Value::from_string(toml::to_toml_string(arg(args))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_error_conventions() {
        // Recorded from helm 3.10.1 (see scripts/oracle-yaml funcs).
        assert_eq!(
            json::to_json(&from_yaml("a: [1")).ok().as_deref(),
            Some(
                r#"{"Error":"error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"}"#
            )
        );
        assert_eq!(
            json::to_json(&from_yaml_array("a: 1")).ok().as_deref(),
            Some(
                r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#
            )
        );
        assert_eq!(from_yaml(""), Value::empty_map());
    }
}
