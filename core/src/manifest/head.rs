//! The head of a rendered document (`apiVersion`, `kind`, `metadata.name`,
//! `metadata.annotations`), read the way Helm reads it: YAML → JSON → Go
//! struct `releaseutil.SimpleHead`.
//!
//! That path has two observable consequences kept here: scalar values are
//! turned into strings where the struct wants a string (so an unquoted
//! `helm.sh/hook-weight: 5` works), and a map or list where a string is
//! expected fails with Go's `encoding/json` wording, e.g.
//! `json: cannot unmarshal object into Go struct field .metadata.annotations of type string`.

use std::collections::BTreeMap;

use crate::template::{Value, strconv};

/// What Helm reads from each rendered document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Head {
    pub api_version: String,
    pub kind: String,
    /// `None` when the document has no (or a null) `metadata`.
    pub metadata: Option<HeadMetadata>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeadMetadata {
    pub name: String,
    /// `None` when absent or null (Go's nil map).
    pub annotations: Option<BTreeMap<String, String>>,
}

impl Head {
    /// The annotations, empty when there are none.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.metadata
            .as_ref()
            .and_then(|m| m.annotations.as_ref())
            .and_then(|a| a.get(key))
            .map(String::as_str)
    }

    /// Helm's `hasAnyAnnotation`.
    pub fn has_any_annotation(&self) -> bool {
        self.metadata
            .as_ref()
            .and_then(|m| m.annotations.as_ref())
            .is_some_and(|a| !a.is_empty())
    }

    pub fn name(&self) -> &str {
        self.metadata
            .as_ref()
            .map(|m| m.name.as_str())
            .unwrap_or("")
    }
}

const METADATA_TYPE: &str = r#"struct { Name string "json:\"name\""; Annotations map[string]string "json:\"annotations\"" }"#;

fn unmarshal_error(kind: &str, field: &str, ty: &str) -> String {
    format!("json: cannot unmarshal {kind} into Go struct field {field} of type {ty}")
}

/// A scalar converted for a Go `string` target, as sigs.k8s.io/yaml does
/// before JSON decoding; `Err` carries the JSON kind for the error message.
fn to_go_string(v: &Value) -> Result<String, &'static str> {
    match v {
        Value::Nil => Ok(String::new()),
        Value::String(s) => Ok(s.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Int(i) | Value::Int64(i) => Ok(i.to_string()),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                // yaml.v2 decodes integers as Go ints, printed in decimal.
                Ok(format!("{}", *f as i64))
            } else {
                Ok(match strconv::format_float(*f, 'g', -1).as_str() {
                    "+Inf" => ".inf".to_string(),
                    "-Inf" => "-.inf".to_string(),
                    "NaN" => ".nan".to_string(),
                    s => s.to_string(),
                })
            }
        }
        other => Err(crate::json::json_kind(other)),
    }
}

/// Reads the head of one parsed document; the error text is the part after
/// `error unmarshaling JSON: while decoding JSON: `.
pub fn head_from_value(doc: &Value) -> Result<Head, String> {
    let map = match doc {
        Value::Nil => return Ok(Head::default()),
        Value::Map(m) => m.read(),
        other => {
            return Err(format!(
                "json: cannot unmarshal {} into Go value of type releaseutil.SimpleHead",
                crate::json::json_kind(other)
            ));
        }
    };
    let mut head = Head::default();
    if let Some(v) = map.get("apiVersion") {
        head.api_version =
            to_go_string(v).map_err(|k| unmarshal_error(k, "SimpleHead.apiVersion", "string"))?;
    }
    if let Some(v) = map.get("kind") {
        head.kind = to_go_string(v).map_err(|k| unmarshal_error(k, "SimpleHead.kind", "string"))?;
    }
    match map.get("metadata") {
        None | Some(Value::Nil) => {}
        Some(Value::Map(meta)) => {
            let mut md = HeadMetadata::default();
            match meta.get("annotations") {
                None | Some(Value::Nil) => {}
                Some(Value::Map(ann)) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in ann.read().iter() {
                        let s = to_go_string(v).map_err(|kind| {
                            unmarshal_error(kind, ".metadata.annotations", "string")
                        })?;
                        out.insert(k.to_string(), s);
                    }
                    md.annotations = Some(out);
                }
                Some(other) => {
                    return Err(unmarshal_error(
                        crate::json::json_kind(&other),
                        ".metadata.annotations",
                        "map[string]string",
                    ));
                }
            }
            // Go's decoder keeps the first type error in (sorted) key order,
            // so `annotations` is checked before `name`.
            if let Some(v) = meta.get("name") {
                md.name =
                    to_go_string(&v).map_err(|k| unmarshal_error(k, ".metadata.name", "string"))?;
            }
            head.metadata = Some(md);
        }
        Some(other) => {
            return Err(unmarshal_error(
                crate::json::json_kind(other),
                "SimpleHead.metadata",
                METADATA_TYPE,
            ));
        }
    }
    Ok(head)
}

/// The head the full loader reads: what the fast scans are checked against.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn full_loader_head(doc: &str) -> Head {
    head_from_value(&super::sorter::parse_yaml_doc(doc).unwrap()).unwrap()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::template::Map;

    fn map(pairs: Vec<(&str, Value)>) -> Value {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.insert(k.into(), v);
        }
        Value::map(m)
    }

    #[test]
    fn reads_head_and_stringifies_scalars() {
        let doc = map(vec![
            ("kind", Value::str("Pod")),
            (
                "metadata",
                map(vec![
                    ("name", Value::str("p")),
                    (
                        "annotations",
                        map(vec![
                            ("helm.sh/hook-weight", Value::Float(5.0)),
                            ("x", Value::Bool(true)),
                            ("n", Value::Nil),
                        ]),
                    ),
                ]),
            ),
        ]);
        let head = head_from_value(&doc).unwrap();
        assert_eq!(head.kind, "Pod");
        assert_eq!(head.name(), "p");
        assert_eq!(head.annotation("helm.sh/hook-weight"), Some("5"));
        assert_eq!(head.annotation("x"), Some("true"));
        assert_eq!(head.annotation("n"), Some(""));
    }

    #[test]
    fn go_json_errors() {
        // Messages recorded from the oracle (helm 3.10.1).
        let bad_ann = map(vec![(
            "metadata",
            map(vec![("annotations", map(vec![("a", map(vec![]))]))]),
        )]);
        assert_eq!(
            head_from_value(&bad_ann).unwrap_err(),
            "json: cannot unmarshal object into Go struct field .metadata.annotations of type string"
        );
        assert_eq!(
            head_from_value(&Value::list(vec![])).unwrap_err(),
            "json: cannot unmarshal array into Go value of type releaseutil.SimpleHead"
        );
        assert_eq!(
            head_from_value(&Value::Float(12.0)).unwrap_err(),
            "json: cannot unmarshal number into Go value of type releaseutil.SimpleHead"
        );
        assert_eq!(
            head_from_value(&map(vec![("metadata", Value::str("foo"))])).unwrap_err(),
            "json: cannot unmarshal string into Go struct field SimpleHead.metadata of type struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }"
        );
        assert_eq!(
            head_from_value(&map(vec![("kind", Value::list(vec![]))])).unwrap_err(),
            "json: cannot unmarshal array into Go struct field SimpleHead.kind of type string"
        );
        assert_eq!(
            head_from_value(&map(vec![(
                "metadata",
                map(vec![("annotations", Value::list(vec![]))])
            )]))
            .unwrap_err(),
            "json: cannot unmarshal array into Go struct field .metadata.annotations of type map[string]string"
        );
    }
}
