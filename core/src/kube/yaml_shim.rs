//! Stop-gap YAML → JSON reader for rendered manifest documents, until the
//! shared `yaml` module (yaml.v2 semantics) is available to this module.
//! Handles what manifests use: maps, lists, anchors/aliases, plain scalars
//! resolved with YAML 1.1 booleans/null and numbers.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value as Json};

/// Parses the first document of `text` into JSON (`Null` for an empty document).
pub fn parse_document(text: &str) -> Result<Json, String> {
    enum Frame {
        Seq(Vec<Json>, usize),
        Map(Map<String, Json>, Option<String>, usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Json> = HashMap::new();
    let mut root: Option<Json> = None;
    let parser = Parser::new_from_str(text);
    for ev in parser {
        let (ev, span) =
            ev.map_err(|e| format!("yaml: line {}: {}", e.marker().line(), e.info()))?;
        let _ = span;
        let (value, anchor) = match ev {
            Event::Scalar(text, style, anchor, _) => (resolve(&text, style), anchor),
            Event::Alias(id) => (anchors.get(&id).cloned().unwrap_or(Json::Null), 0),
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq(Vec::new(), anchor));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map(Map::new(), None, anchor));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items, anchor)) => (Json::Array(items), anchor),
                Some(Frame::Map(m, _, anchor)) => (Json::Object(m), anchor),
                None => continue,
            },
            Event::DocumentEnd => break,
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(m, key, _)) => match key.take() {
                None => *key = Some(key_text(&value)),
                Some(k) => {
                    if k == "<<" {
                        merge_key(m, value);
                    } else {
                        m.insert(k, value);
                    }
                }
            },
        }
    }
    Ok(root.unwrap_or(Json::Null))
}

fn merge_key(m: &mut Map<String, Json>, value: Json) {
    let sources = match value {
        Json::Array(items) => items,
        other => vec![other],
    };
    for src in sources {
        if let Json::Object(src) = src {
            for (k, v) in src {
                m.entry(k).or_insert(v);
            }
        }
    }
}

fn key_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => "null".to_string(),
        other => other.to_string(),
    }
}

fn resolve(text: &str, style: ScalarStyle) -> Json {
    if style != ScalarStyle::Plain {
        return Json::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Json::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Json::Bool(false);
        }
        _ => {}
    }
    let clean = text.replace('_', "");
    if let Ok(i) = clean.parse::<i64>()
        && !(clean.len() > 1 && clean.starts_with('0'))
    {
        return Json::Number(i.into());
    }
    if let Some(hex) = clean.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Json::Number(i.into());
    }
    if clean.len() > 1
        && clean.starts_with('0')
        && clean.chars().all(|c| c.is_ascii_digit())
        && let Ok(i) = i64::from_str_radix(&clean[1..], 8)
    {
        return Json::Number(i.into());
    }
    let looks_float = clean
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && clean.chars().any(|c| c.is_ascii_digit());
    if looks_float
        && let Ok(f) = clean.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Json::Number(n);
    }
    Json::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn manifest_document() {
        let doc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels: &l\n    a: \"1\"\nspec:\n  ports:\n  - port: 80\n    name: http\n  selector: *l\n  flag: yes\n  ratio: 0.5\n";
        assert_eq!(
            parse_document(doc).unwrap_or_default(),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x", "labels": {"a": "1"}},
                   "spec": {"ports": [{"port": 80, "name": "http"}], "selector": {"a": "1"}, "flag": true, "ratio": 0.5}})
        );
        assert!(parse_document("a: [").is_err());
    }
}
