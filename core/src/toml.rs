//! Helm's `toToml`: the BurntSushi/toml encoder's layout (direct keys first,
//! then tables and arrays of tables, sorted; sub-tables indented two spaces
//! per level; floats always with a decimal point; nulls skipped).

use std::fmt::Write as _;

use crate::template::strconv::format_float;
use crate::template::{Map, Value};

/// An encoding failure, with BurntSushi's message.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct TomlError(pub String);

/// `toToml`: the document, or the error text (Helm returns `err.Error()`
/// as the function's result).
pub fn to_toml_string(v: &Value) -> String {
    match to_toml(v) {
        Ok(s) => s,
        Err(e) => e.0,
    }
}

/// Encodes a map as a TOML document.
pub fn to_toml(v: &Value) -> Result<String, TomlError> {
    // Go's encoder recurses forever on a map containing itself; we refuse
    // up front, so the walks below may hold read locks while recursing.
    v.check_acyclic()
        .map_err(|e| TomlError(format!("toml: {e}")))?;
    let v = plain(v);
    // The type check of the value (which rejects nil array elements) comes
    // before the top-level kind check, as in BurntSushi's encoder.
    kind_of(&v)?;
    let Value::Map(map) = &v else {
        return Err(TomlError(
            "toml: top-level values must be Go maps or structs".into(),
        ));
    };
    let mut enc = Encoder { out: String::new() };
    enc.map_body(&[], &map.read())?;
    Ok(enc.out)
}

/// Objects encode through their JSON view.
fn plain(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.to_json_value(),
        other => other.clone(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Nil,
    Table,
    ArrayOfTables,
    Other,
}

fn kind_of(v: &Value) -> Result<Kind, TomlError> {
    Ok(match v {
        Value::Nil => Kind::Nil,
        Value::Map(_) => Kind::Table,
        Value::Object(o) => kind_of(&o.to_json_value())?,
        Value::List(items) => {
            if items.is_empty() {
                return Ok(Kind::Other);
            }
            let mut all_tables = true;
            for item in items.iter() {
                match kind_of(item)? {
                    Kind::Nil => {
                        return Err(TomlError(
                            "toml: cannot encode array with nil element".into(),
                        ));
                    }
                    Kind::Table => {}
                    _ => all_tables = false,
                }
            }
            if all_tables {
                Kind::ArrayOfTables
            } else {
                Kind::Other
            }
        }
        _ => Kind::Other,
    })
}

fn is_bare(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

fn quote_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn key_part(out: &mut String, k: &str) {
    if is_bare(k) {
        out.push_str(k);
    } else {
        quote_into(out, k);
    }
}

fn dotted(path: &[&str]) -> String {
    let mut s = String::new();
    for (i, k) in path.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        key_part(&mut s, k);
    }
    s
}

struct Encoder {
    out: String,
}

impl Encoder {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(&mut self, depth: usize) {
        for _ in 1..depth {
            self.out.push_str("  ");
        }
    }

    /// Keys of a table: plain values first, then tables, each group sorted
    /// (the map is already sorted by byte order, like Go's sort.Strings).
    fn map_body(&mut self, path: &[&str], map: &Map) -> Result<(), TomlError> {
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, v) in map.iter() {
            match kind_of(v)? {
                Kind::Table | Kind::ArrayOfTables => sub.push((k, v)),
                _ => direct.push((k, v)),
            }
        }
        for (k, v) in direct.into_iter().chain(sub) {
            let mut p: Vec<&str> = path.to_vec();
            p.push(k);
            self.encode(&p, v)?;
        }
        Ok(())
    }

    fn encode(&mut self, path: &[&str], v: &Value) -> Result<(), TomlError> {
        match kind_of(v)? {
            Kind::Nil => Ok(()),
            Kind::Table => {
                let v = plain(v);
                let Value::Map(m) = &v else {
                    return Ok(());
                };
                if path.len() == 1 {
                    self.newline();
                }
                self.indent(path.len());
                let _ = write!(self.out, "[{}]", dotted(path));
                self.newline();
                self.map_body(path, &m.read())
            }
            Kind::ArrayOfTables => {
                let Value::List(items) = v else {
                    return Ok(());
                };
                for item in items.iter() {
                    let item = plain(item);
                    let Value::Map(m) = &item else {
                        continue;
                    };
                    self.newline();
                    self.indent(path.len());
                    let _ = write!(self.out, "[[{}]]", dotted(path));
                    self.newline();
                    self.map_body(path, &m.read())?;
                }
                Ok(())
            }
            Kind::Other => {
                self.indent(path.len());
                key_part(&mut self.out, path.last().copied().unwrap_or(""));
                self.out.push_str(" = ");
                self.element(v)?;
                self.newline();
                Ok(())
            }
        }
    }

    fn element(&mut self, v: &Value) -> Result<(), TomlError> {
        match v {
            Value::Nil => {
                return Err(TomlError(
                    "toml: cannot encode array with nil element".into(),
                ));
            }
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => {
                let _ = write!(self.out, "{i}");
            }
            Value::Float(f) => {
                if f.is_nan() {
                    self.out.push_str("nan");
                } else if f.is_infinite() {
                    self.out.push_str(if *f < 0.0 { "-inf" } else { "+inf" });
                } else {
                    let s = format_float(*f, 'f', -1);
                    self.out.push_str(&s);
                    if !s.contains('.') {
                        self.out.push_str(".0");
                    }
                }
            }
            Value::String(s) => quote_into(&mut self.out, s),
            Value::Bytes(b) => {
                self.out.push('[');
                for (i, byte) in b.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    let _ = write!(self.out, "{byte}");
                }
                self.out.push(']');
            }
            Value::List(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.element(item)?;
                    if i + 1 != items.len() {
                        self.out.push_str(", ");
                    }
                }
                self.out.push(']');
            }
            Value::Map(m) => self.inline_map(&m.read())?,
            Value::Object(o) => self.element(&o.to_json_value())?,
        }
        Ok(())
    }

    fn inline_map(&mut self, map: &Map) -> Result<(), TomlError> {
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, v) in map.iter() {
            match kind_of(v)? {
                Kind::Table | Kind::ArrayOfTables => sub.push((k, v)),
                _ => direct.push((k, v)),
            }
        }
        self.out.push('{');
        let trail = !sub.is_empty();
        for (group, trail_comma) in [(direct, trail), (sub, false)] {
            let n = group.len();
            for (i, (k, v)) in group.into_iter().enumerate() {
                if v.is_nil() {
                    continue;
                }
                key_part(&mut self.out, k);
                self.out.push_str(" = ");
                self.element(v)?;
                if trail_comma || i + 1 != n {
                    self.out.push_str(", ");
                }
            }
        }
        self.out.push('}');
        Ok(())
    }
}
