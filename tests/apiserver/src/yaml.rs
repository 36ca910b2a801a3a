//! Server-side apply bodies are YAML (`application/apply-patch+yaml`); most
//! clients send JSON, which is YAML too. This reads the first document into
//! JSON with YAML 1.2 core-schema scalars.

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

pub fn to_json(text: &str) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<(Value, Option<String>, usize)> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut result: Option<Value> = None;
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| format!("yaml: {e}"))?;
        let done = |v: Value,
                    anchor: usize,
                    stack: &mut Vec<(Value, Option<String>, usize)>,
                    anchors: &mut HashMap<usize, Value>|
         -> Result<Option<Value>, String> {
            if anchor > 0 {
                anchors.insert(anchor, v.clone());
            }
            push_value(stack, v)
        };
        let finished = match ev {
            Event::Scalar(s, style, anchor, _) => {
                let v = if style == ScalarStyle::Plain {
                    plain(&s)
                } else {
                    Value::String(s.to_string())
                };
                done(v, anchor, &mut stack, &mut anchors)?
            }
            Event::Alias(id) => {
                let v = anchors.get(&id).cloned().unwrap_or(Value::Null);
                push_value(&mut stack, v)?
            }
            Event::SequenceStart(anchor, _) => {
                stack.push((Value::Array(Vec::new()), None, anchor));
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push((Value::Object(Map::new()), None, anchor));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((v, _, anchor)) = stack.pop() else {
                    return Err(format!(
                        "yaml: unbalanced collection at line {}",
                        span.start.line()
                    ));
                };
                done(v, anchor, &mut stack, &mut anchors)?
            }
            Event::DocumentEnd => {
                if result.is_some() {
                    break;
                }
                None
            }
            _ => None,
        };
        if let Some(v) = finished {
            result = Some(v);
        }
    }
    Ok(result.unwrap_or(Value::Null))
}

/// Adds a finished value to the open collection; returns it when it is the root.
fn push_value(
    stack: &mut [(Value, Option<String>, usize)],
    v: Value,
) -> Result<Option<Value>, String> {
    let Some((top, pending_key, _)) = stack.last_mut() else {
        return Ok(Some(v));
    };
    match top {
        Value::Array(a) => a.push(v),
        Value::Object(m) => match pending_key.take() {
            None => {
                let key = match v {
                    Value::String(s) => s,
                    Value::Null => "null".to_string(),
                    other => other.to_string(),
                };
                *pending_key = Some(key);
            }
            Some(k) => {
                m.insert(k, v);
            }
        },
        _ => return Err("yaml: scalar parent".into()),
    }
    Ok(None)
}

fn plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = s.parse::<i64>() {
        return Value::Number(i.into());
    }
    let looks_numeric = s
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && s.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric && let Some(n) = s.parse::<f64>().ok().and_then(Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_block_yaml() {
        let y = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {a: \"1\"}\ndata:\n  k: v\n  n: 3\nlist:\n- a\n- true\n";
        assert_eq!(
            to_json(y),
            Ok(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "labels": {"a": "1"}}, "data": {"k": "v", "n": 3}, "list": ["a", true]})
            )
        );
    }
}
