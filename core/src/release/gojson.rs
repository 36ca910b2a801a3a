//! Go `encoding/json` output, byte for byte, for what Helm serialises: the
//! release record, CLI JSON output and values maps.
//!
//! Go escapes `<`, `>` and `&` (HTML-safe), U+2028/U+2029, control
//! characters as `\u00XX` (except `\n`, `\r`, `\t`), sorts map keys, prints
//! `[]byte` as standard base64 and floats in its shortest `f`/`e` form.
//! Reading goes through `serde_json` (numbers become `float64`, as in Go).

use base64::Engine as _;

use crate::template::strconv::format_float;
use crate::template::{Map, Value};

/// Appends Go-encoded JSON to a string.
#[derive(Default)]
pub struct JsonWriter {
    out: String,
    /// Per open object/array: whether no member was written yet.
    first: Vec<bool>,
    /// A key was just written; its value needs no separator.
    after_key: bool,
}

impl JsonWriter {
    pub fn new() -> JsonWriter {
        JsonWriter::default()
    }

    /// The JSON text written so far.
    pub fn finish(self) -> String {
        self.out
    }

    fn value_prefix(&mut self) {
        if self.after_key {
            self.after_key = false;
        } else {
            self.sep();
        }
    }

    fn sep(&mut self) {
        if let Some(first) = self.first.last_mut() {
            if *first {
                *first = false;
            } else {
                self.out.push(',');
            }
        }
    }

    pub fn begin_object(&mut self) {
        self.value_prefix();
        self.out.push('{');
        self.first.push(true);
    }

    pub fn end_object(&mut self) {
        self.first.pop();
        self.out.push('}');
    }

    pub fn begin_array(&mut self) {
        self.value_prefix();
        self.out.push('[');
        self.first.push(true);
    }

    pub fn end_array(&mut self) {
        self.first.pop();
        self.out.push(']');
    }

    /// Writes `"key":`; the value written next is not separated again.
    pub fn key(&mut self, key: &str) {
        self.sep();
        write_string(&mut self.out, key);
        self.out.push(':');
        self.after_key = true;
    }

    pub fn string(&mut self, s: &str) {
        self.value_prefix();
        write_string(&mut self.out, s);
    }

    pub fn raw(&mut self, text: &str) {
        self.value_prefix();
        self.out.push_str(text);
    }

    pub fn null(&mut self) {
        self.raw("null");
    }

    pub fn bool(&mut self, b: bool) {
        self.raw(if b { "true" } else { "false" });
    }

    pub fn int(&mut self, i: i64) {
        self.raw(&i.to_string());
    }

    pub fn float(&mut self, f: f64) {
        self.raw(&format_json_float(f));
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.string(&base64::engine::general_purpose::STANDARD.encode(b));
    }

    /// A list of strings (`[]string`).
    pub fn strings(&mut self, items: &[String]) {
        self.begin_array();
        for s in items {
            self.string(s);
        }
        self.end_array();
    }

    /// A Go `interface{}` value.
    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Nil => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Int(i) | Value::Int64(i) => self.int(*i),
            Value::Float(f) => self.float(*f),
            Value::String(s) => self.string(s),
            Value::Bytes(b) => self.bytes(b),
            Value::List(items) => {
                self.begin_array();
                for item in items.iter() {
                    self.value(item);
                }
                self.end_array();
            }
            Value::Map(m) => self.map(m),
            Value::Object(o) => self.value(&o.to_json_value()),
        }
    }

    /// A `map[string]interface{}` (keys sorted, as Go does).
    pub fn map(&mut self, m: &Map) {
        self.begin_object();
        for (k, v) in m.iter() {
            self.key(k);
            self.value(v);
        }
        self.end_object();
    }

    /// A `map[string]string` (keys sorted).
    pub fn string_map<'a>(&mut self, m: impl IntoIterator<Item = (&'a String, &'a String)>) {
        let mut entries: Vec<_> = m.into_iter().collect();
        entries.sort();
        self.begin_object();
        for (k, v) in entries {
            self.key(k);
            self.string(v);
        }
        self.end_object();
    }
}

/// Go's `encoding/json` float64 text: shortest digits, `e` notation only
/// below 1e-6 or from 1e21 on, with a two-digit minimum exponent trimmed.
pub fn format_json_float(f: f64) -> String {
    let abs = f.abs();
    let exp_form = abs != 0.0 && !(1e-6..1e21).contains(&abs);
    let mut s = format_float(f, if exp_form { 'e' } else { 'f' }, -1);
    if exp_form {
        // Go prints e-07; JSON wants e-7.
        if let Some(pos) = s.find("e-0") {
            s.remove(pos + 2);
        }
    }
    s
}

/// Writes a Go-escaped JSON string literal (HTML-safe, as `json.Marshal`).
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Converts parsed JSON to a Go value the way `json.Unmarshal` into
/// `interface{}` does: every number is a `float64`.
pub fn value_from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(items) => Value::list(items.iter().map(value_from_json).collect()),
        serde_json::Value::Object(m) => Value::map(map_from_json(m)),
    }
}

/// A JSON object as a Go `map[string]interface{}`.
pub fn map_from_json(m: &serde_json::Map<String, serde_json::Value>) -> Map {
    m.iter()
        .map(|(k, v)| (k.as_str().into(), value_from_json(v)))
        .collect()
}

/// Go-encodes a value (`json.Marshal`).
pub fn to_json(v: &Value) -> String {
    let mut w = JsonWriter::new();
    w.value(v);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_html_escaped_like_go() {
        let mut s = String::new();
        write_string(&mut s, "<a href=\"x\">&\u{1}\u{8}\u{2028}é\n\t");
        assert_eq!(
            s,
            r#""\u003ca href=\"x\"\u003e\u0026\u0001\u0008\u2028é\n\t""#
        );
    }

    #[test]
    fn floats_match_go() {
        assert_eq!(format_json_float(2.0), "2");
        assert_eq!(format_json_float(1.5), "1.5");
        assert_eq!(format_json_float(1e6), "1000000");
        assert_eq!(format_json_float(1e21), "1e+21");
        assert_eq!(format_json_float(1e20), "100000000000000000000");
        assert_eq!(format_json_float(1e-7), "1e-7");
        assert_eq!(format_json_float(0.000001), "0.000001");
        assert_eq!(format_json_float(-0.5), "-0.5");
        assert_eq!(format_json_float(0.0), "0");
    }

    #[test]
    fn nested_values_and_sorted_keys() {
        let mut m = Map::new();
        m.insert("b".into(), Value::list(vec![Value::Int64(1), Value::Nil]));
        m.insert("a".into(), Value::map(Map::new()));
        m.insert("c".into(), Value::Bool(true));
        assert_eq!(to_json(&Value::map(m)), r#"{"a":{},"b":[1,null],"c":true}"#);
    }
}
