//! `values.schema.json`: finding the sub-schema for a values path (through
//! `properties`, `items`, `additionalProperties`, local `$ref`s and the
//! `allOf`/`anyOf`/`oneOf` combinators) and validating values against it.

use serde_json::Value as Json;

use super::yaml_path::Step;
use crate::template::Value;

/// The sub-schemas that may apply at `path` (several when combinators or
/// `$ref`s are involved), each already `$ref`-resolved.
pub fn schemas_at<'a>(root: &'a Json, path: &[Step]) -> Vec<&'a Json> {
    let mut cur = expand(root, root);
    for step in path {
        let mut next = Vec::new();
        for s in cur {
            let child = match step {
                Step::Key(k) => s
                    .get("properties")
                    .and_then(|p| p.get(k.as_str()))
                    .or_else(|| s.get("additionalProperties").filter(|a| a.is_object())),
                Step::Item => s.get("items").filter(|i| i.is_object()),
            };
            if let Some(c) = child {
                next.extend(expand(root, c));
            }
        }
        cur = next;
    }
    cur
}

/// A schema plus everything its `$ref`/`allOf`/`anyOf`/`oneOf` pull in.
fn expand<'a>(root: &'a Json, schema: &'a Json) -> Vec<&'a Json> {
    let mut out = Vec::new();
    let mut stack = vec![schema];
    while let Some(s) = stack.pop() {
        if out.len() > 64 {
            break; // cyclic or absurd schemas: enough
        }
        out.push(s);
        if let Some(r) = s.get("$ref").and_then(Json::as_str)
            && let Some(target) = resolve_ref(root, r)
        {
            stack.push(target);
        }
        for comb in ["allOf", "anyOf", "oneOf"] {
            if let Some(list) = s.get(comb).and_then(Json::as_array) {
                stack.extend(list.iter().rev());
            }
        }
    }
    out
}

/// A local JSON pointer reference (`#/definitions/x`).
fn resolve_ref<'a>(root: &'a Json, r: &str) -> Option<&'a Json> {
    let pointer = r.strip_prefix('#')?;
    root.pointer(pointer)
}

/// One property a schema allows, for completion.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaProperty {
    pub name: String,
    pub type_name: Option<String>,
    pub description: Option<String>,
}

/// The properties the schemas at a path declare, sorted by name.
pub fn properties(root: &Json, path: &[Step]) -> Vec<SchemaProperty> {
    let mut out: Vec<SchemaProperty> = Vec::new();
    for s in schemas_at(root, path) {
        let Some(props) = s.get("properties").and_then(Json::as_object) else {
            continue;
        };
        for (name, sub) in props {
            if out.iter().any(|p| &p.name == name) {
                continue;
            }
            let subs = expand(root, sub);
            out.push(SchemaProperty {
                name: name.clone(),
                type_name: subs.iter().find_map(|s| type_name(s)),
                description: subs.iter().find_map(|s| description(s)),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The `type` of a schema as text (`string`, `integer | null`).
pub fn type_name(s: &Json) -> Option<String> {
    match s.get("type")? {
        Json::String(t) => Some(t.clone()),
        Json::Array(ts) => Some(
            ts.iter()
                .filter_map(Json::as_str)
                .collect::<Vec<_>>()
                .join(" | "),
        ),
        _ => None,
    }
}

/// The `description` (or `title`) of a schema.
pub fn description(s: &Json) -> Option<String> {
    s.get("description")
        .or_else(|| s.get("title"))
        .and_then(Json::as_str)
        .map(str::to_string)
}

/// One schema violation: where (a path of keys/indexes) and what.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub path: Vec<String>,
    pub message: String,
}

/// Validates `values` against `schema`; an unusable schema is one violation
/// at the root.
pub fn validate(schema: &Json, values: &Value) -> Vec<Violation> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => {
            return vec![Violation {
                path: Vec::new(),
                message: format!("values.schema.json is not a valid schema: {e}"),
            }];
        }
    };
    let instance = to_json(values);
    let mut out: Vec<Violation> = validator
        .iter_errors(&instance)
        .map(|e| Violation {
            path: split_pointer(e.instance_path().as_str()),
            message: e.to_string(),
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
    out.dedup();
    out
}

fn split_pointer(p: &str) -> Vec<String> {
    p.split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Values as JSON, the way Helm hands them to the schema validator.
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Nil => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) | Value::Int64(i) => Json::from(*i),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                Json::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number)
            }
        }
        Value::String(s) => Json::String(s.to_string()),
        Value::Bytes(b) => Json::String(String::from_utf8_lossy(b).into_owned()),
        Value::List(l) => Json::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(
            m.read()
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        ),
        Value::Object(_) => Json::String(v.to_go_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigates_refs_and_items() {
        let schema: Json = serde_json::json!({
            "type": "object",
            "properties": {
                "image": {"$ref": "#/definitions/image"},
                "ports": {"type": "array", "items": {"properties": {"port": {"type": "integer"}}}}
            },
            "definitions": {"image": {"properties": {
                "tag": {"type": "string", "description": "Image tag"},
                "repo": {"type": ["string", "null"]}
            }}}
        });
        let props = properties(&schema, &[Step::Key("image".into())]);
        assert_eq!(
            props,
            vec![
                SchemaProperty {
                    name: "repo".into(),
                    type_name: Some("string | null".into()),
                    description: None
                },
                SchemaProperty {
                    name: "tag".into(),
                    type_name: Some("string".into()),
                    description: Some("Image tag".into())
                },
            ]
        );
        let props = properties(&schema, &[Step::Key("ports".into()), Step::Item]);
        assert_eq!(props.len(), 1);
        assert_eq!(props[0].name, "port");
    }
}
