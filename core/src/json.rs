//! Go `encoding/json`, as Helm and Sprig use it: encoding a [`Value`]
//! (`toJson`, `toRawJson`, `toPrettyJson`, release storage) and decoding into
//! `interface{}` (`fromJson`, `--set-json`, `values.schema.json`), where every
//! number becomes `float64` and syntax errors read like Go's.

use std::fmt::Write as _;

use crate::template::strconv::format_float;
use crate::template::{Map, Str, Value};

/// An encoding or decoding failure, with Go's message text.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    /// Go's `err.Error()` text, e.g. `json: unsupported value: NaN`.
    pub message: String,
    /// Byte offset of a syntax error in the input (decoding only).
    pub offset: Option<usize>,
}

impl JsonError {
    /// Go's error for a map that contains itself.
    pub(crate) fn cycle() -> JsonError {
        JsonError::new("json: unsupported value: encountered a cycle via map[string]interface {}")
    }

    fn new(message: impl Into<String>) -> JsonError {
        JsonError {
            message: message.into(),
            offset: None,
        }
    }
}

// ---------------------------------------------------------------------------
// Encoding

/// Output options of `json.Marshal` / `Encoder`.
#[derive(Clone, Copy, Debug)]
pub struct EncodeOptions {
    /// Escape `<`, `>`, `&` as `\u003c`… (`json.Marshal` does; `toRawJson` not).
    pub escape_html: bool,
    /// `json.MarshalIndent(v, "", indent)`; `None` is compact.
    pub indent: Option<&'static str>,
}

impl EncodeOptions {
    pub const MARSHAL: EncodeOptions = EncodeOptions {
        escape_html: true,
        indent: None,
    };
    pub const RAW: EncodeOptions = EncodeOptions {
        escape_html: false,
        indent: None,
    };
    pub const PRETTY: EncodeOptions = EncodeOptions {
        escape_html: true,
        indent: Some("  "),
    };
}

/// `json.Marshal(v)`.
pub fn to_json(v: &Value) -> Result<String, JsonError> {
    encode(v, EncodeOptions::MARSHAL)
}

/// `json.Marshal` without HTML escaping (Sprig's `toRawJson`).
pub fn to_raw_json(v: &Value) -> Result<String, JsonError> {
    encode(v, EncodeOptions::RAW)
}

/// `json.MarshalIndent(v, "", "  ")` (Sprig's `toPrettyJson`).
pub fn to_pretty_json(v: &Value) -> Result<String, JsonError> {
    encode(v, EncodeOptions::PRETTY)
}

/// Encodes with the given options.
pub fn encode(v: &Value, opts: EncodeOptions) -> Result<String, JsonError> {
    let mut out = String::new();
    encode_value(&mut out, v, opts, 0)?;
    Ok(out)
}

fn newline(out: &mut String, opts: EncodeOptions, depth: usize) {
    if let Some(ind) = opts.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn encode_value(
    out: &mut String,
    v: &Value,
    opts: EncodeOptions,
    depth: usize,
) -> Result<(), JsonError> {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_json_float(*f)?),
        Value::String(s) => write_json_string(out, s, opts.escape_html),
        Value::Bytes(b) => {
            use base64::Engine;
            out.push('"');
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(b));
            out.push('"');
        }
        // A Go nil slice marshals as `null`.
        v @ Value::List(_) if v.is_nil_list() => out.push_str("null"),
        Value::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, opts, depth + 1);
                encode_value(out, item, opts, depth + 1)?;
            }
            newline(out, opts, depth);
            out.push(']');
        }
        Value::Map(map) if map.is_nil() => out.push_str("null"),
        Value::Map(map) => {
            let _on_path = map.enter().map_err(|_| JsonError::cycle())?;
            encode_map(out, &map.read(), opts, depth)?
        }
        Value::Object(o) => match o.json_fields() {
            Some(fields) => encode_fields(out, fields.iter().map(|(k, v)| (*k, v)), opts, depth)?,
            None => encode_value(out, &o.to_json_value(), opts, depth)?,
        },
    }
    Ok(())
}

fn encode_map(
    out: &mut String,
    map: &Map,
    opts: EncodeOptions,
    depth: usize,
) -> Result<(), JsonError> {
    // BTreeMap<Str> iterates in byte order, which is Go's sort.Strings order.
    encode_fields(out, map.iter().map(|(k, v)| (&**k, v)), opts, depth)
}

/// A JSON object with the members in the given order.
fn encode_fields<'v>(
    out: &mut String,
    fields: impl Iterator<Item = (&'v str, &'v Value)>,
    opts: EncodeOptions,
    depth: usize,
) -> Result<(), JsonError> {
    out.push('{');
    let mut any = false;
    for (k, v) in fields {
        if any {
            out.push(',');
        }
        any = true;
        newline(out, opts, depth + 1);
        write_json_string(out, k, opts.escape_html);
        out.push(':');
        if opts.indent.is_some() {
            out.push(' ');
        }
        encode_value(out, v, opts, depth + 1)?;
    }
    if any {
        newline(out, opts, depth);
    }
    out.push('}');
    Ok(())
}

/// A float64 as `encoding/json` writes it: shortest digits, `%f` style
/// unless the exponent is < -6 or ≥ 21, with `e-07` cleaned to `e-7`.
pub fn format_json_float(f: f64) -> Result<String, JsonError> {
    if !f.is_finite() {
        return Err(JsonError::new(format!(
            "json: unsupported value: {}",
            format_float(f, 'g', -1)
        )));
    }
    let abs = f.abs();
    let fmt = if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        'e'
    } else {
        'f'
    };
    let mut s = format_float(f, fmt, -1);
    if fmt == 'e' {
        let b = s.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
    }
    Ok(s)
}

/// A JSON string literal as Go writes it (`\u00XX` for control bytes,
/// U+2028/2029 escaped, `<>&` escaped when `escape_html`).
pub fn write_json_string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => {
                let _ = write!(out, "\\u00{:02x}", c as u32);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u00{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A small streaming JSON writer for struct-shaped output in a fixed field
/// order (Helm's release JSON), compact, with Go's escaping.
#[derive(Debug, Default)]
pub struct JsonWriter {
    out: String,
    /// One entry per open object/array: whether a member was written yet.
    first: Vec<bool>,
    escape_html: bool,
}

impl JsonWriter {
    /// A writer that escapes `<>&` like `json.Marshal`.
    pub fn new() -> JsonWriter {
        JsonWriter {
            out: String::new(),
            first: Vec::new(),
            escape_html: true,
        }
    }

    fn sep(&mut self) {
        if let Some(first) = self.first.last_mut() {
            if !*first {
                self.out.push(',');
            }
            *first = false;
        }
    }

    pub fn begin_object(&mut self) -> &mut Self {
        self.sep();
        self.out.push('{');
        self.first.push(true);
        self
    }

    pub fn end_object(&mut self) -> &mut Self {
        self.first.pop();
        self.out.push('}');
        self
    }

    pub fn begin_array(&mut self) -> &mut Self {
        self.sep();
        self.out.push('[');
        self.first.push(true);
        self
    }

    pub fn end_array(&mut self) -> &mut Self {
        self.first.pop();
        self.out.push(']');
        self
    }

    /// Writes `"key":`; the next write is its value.
    pub fn write_key(&mut self, key: &str) -> &mut Self {
        self.sep();
        write_json_string(&mut self.out, key, self.escape_html);
        self.out.push(':');
        // The value that follows must not add a comma.
        if let Some(first) = self.first.last_mut() {
            *first = true;
        }
        self
    }

    fn after_value(&mut self) {
        if let Some(first) = self.first.last_mut() {
            *first = false;
        }
    }

    pub fn write_string(&mut self, s: &str) -> &mut Self {
        self.sep();
        write_json_string(&mut self.out, s, self.escape_html);
        self.after_value();
        self
    }

    pub fn write_bool(&mut self, b: bool) -> &mut Self {
        self.sep();
        self.out.push_str(if b { "true" } else { "false" });
        self.after_value();
        self
    }

    pub fn write_int(&mut self, i: i64) -> &mut Self {
        self.sep();
        let _ = write!(self.out, "{i}");
        self.after_value();
        self
    }

    pub fn write_null(&mut self) -> &mut Self {
        self.sep();
        self.out.push_str("null");
        self.after_value();
        self
    }

    /// Writes a whole value as `json.Marshal` would.
    pub fn write_value(&mut self, v: &Value) -> Result<&mut Self, JsonError> {
        self.sep();
        let opts = EncodeOptions {
            escape_html: self.escape_html,
            indent: None,
        };
        encode_value(&mut self.out, v, opts, 0)?;
        self.after_value();
        Ok(self)
    }

    /// Appends already-encoded JSON (e.g. a `json.RawMessage`).
    pub fn write_raw(&mut self, json: &str) -> &mut Self {
        self.sep();
        self.out.push_str(json);
        self.after_value();
        self
    }

    pub fn finish(self) -> String {
        self.out
    }

    pub fn as_str(&self) -> &str {
        &self.out
    }

    // Infallible conveniences for struct-shaped output (release records, CLI
    // `-o json`). A non-finite float cannot come from JSON or YAML input
    // Helm accepts; it is written as Go's `%v` text rather than failing.

    /// Writes `"key":` (same as [`JsonWriter::write_key`]).
    pub fn key(&mut self, key: &str) {
        self.write_key(key);
    }

    pub fn string(&mut self, s: &str) {
        self.write_string(s);
    }

    pub fn raw(&mut self, json: &str) {
        self.write_raw(json);
    }

    pub fn null(&mut self) {
        self.write_null();
    }

    pub fn bool(&mut self, b: bool) {
        self.write_bool(b);
    }

    pub fn int(&mut self, i: i64) {
        self.write_int(i);
    }

    pub fn float(&mut self, f: f64) {
        let text = format_json_float(f).unwrap_or_else(|_| format_float(f, 'g', -1));
        self.write_raw(&text);
    }

    /// A `[]byte`: standard base64 in a string.
    pub fn bytes(&mut self, b: &[u8]) {
        use base64::Engine;
        self.write_string(&base64::engine::general_purpose::STANDARD.encode(b));
    }

    /// A `[]string`.
    pub fn strings(&mut self, items: &[String]) {
        self.begin_array();
        for s in items {
            self.write_string(s);
        }
        self.end_array();
    }

    /// A Go `interface{}` value (maps with sorted keys).
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
            Value::Map(m) if m.is_nil() => self.null(),
            Value::Map(m) => match m.enter() {
                Ok(_on_path) => self.map(&m.read()),
                // Stored data never contains itself; write something valid.
                Err(_) => self.null(),
            },
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

    /// Go-encodes one value (`json.Marshal`) with [`JsonWriter::value`].
    pub fn encode(v: &Value) -> String {
        let mut w = JsonWriter::new();
        w.value(v);
        w.finish()
    }
}

// ---------------------------------------------------------------------------
// Decoding

/// Converts `serde_json` output to a Go value the way `json.Unmarshal` into
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

/// A `serde_json` object as a Go `map[string]interface{}`.
pub fn map_from_json(m: &serde_json::Map<String, serde_json::Value>) -> Map {
    m.iter()
        .map(|(k, v)| (k.as_str().into(), value_from_json(v)))
        .collect()
}

/// `json.Unmarshal` into `interface{}`: objects → maps, every number →
/// `float64`. Errors carry Go's text (`invalid character 'x' looking for
/// beginning of value`, `unexpected end of JSON input`).
pub fn from_json(text: &str) -> Result<Value, JsonError> {
    let mut p = JsonParser {
        b: text.as_bytes(),
        text,
        i: 0,
        depth: 0,
    };
    p.skip_ws();
    let v = p.value()?;
    p.skip_ws();
    if p.i < p.b.len() {
        return Err(p.invalid("after top-level value"));
    }
    Ok(v)
}

/// `json.Unmarshal` into a `map[string]interface{}` (Helm's `fromJson`).
pub fn from_json_object(text: &str) -> Result<Map, JsonError> {
    match from_json(text)? {
        Value::Map(m) => Ok(m.into_map()),
        // `null` leaves the target map untouched.
        Value::Nil => Ok(Map::new()),
        other => Err(JsonError::new(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        ))),
    }
}

/// `json.Unmarshal` into a `[]interface{}` (Helm's `fromJsonArray`).
pub fn from_json_array(text: &str) -> Result<Vec<Value>, JsonError> {
    match from_json(text)? {
        Value::List(l) => Ok(l.to_vec()),
        Value::Nil => Ok(Vec::new()),
        other => Err(JsonError::new(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))),
    }
}

/// The JSON kind word Go uses in `cannot unmarshal X into …`.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "array",
        Value::Map(_) | Value::Object(_) => "object",
        Value::String(_) | Value::Bytes(_) => "string",
        Value::Bool(_) => "bool",
        Value::Nil => "null",
        _ => "number",
    }
}

/// Go's json nesting limit.
const MAX_DEPTH: usize = 10_000;

struct JsonParser<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
}

/// Go's `quoteChar`.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c if (c as u32) < 0x20 || c == '\u{7f}' => format!("'{}'", go_escape_char(c)),
        c => format!("'{c}'"),
    }
}

fn go_escape_char(c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\t' => "\\t".into(),
        '\r' => "\\r".into(),
        '\u{7}' => "\\a".into(),
        '\u{8}' => "\\b".into(),
        '\u{c}' => "\\f".into(),
        '\u{b}' => "\\v".into(),
        c => format!("\\x{:02x}", c as u32),
    }
}

impl JsonParser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn err(&self, msg: String) -> JsonError {
        JsonError {
            message: msg,
            offset: Some(self.i),
        }
    }

    fn eof(&self) -> JsonError {
        self.err("unexpected end of JSON input".into())
    }

    fn cur_char(&self) -> Option<char> {
        self.text.get(self.i..).and_then(|s| s.chars().next())
    }

    fn invalid(&self, context: &str) -> JsonError {
        match self.cur_char() {
            None => self.eof(),
            Some(c) => self.err(format!("invalid character {} {context}", quote_char(c))),
        }
    }

    fn value(&mut self) -> Result<Value, JsonError> {
        let Some(&c) = self.b.get(self.i) else {
            return Err(self.eof());
        };
        match c {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => Ok(Value::from_string(self.string()?)),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Nil),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.invalid("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, JsonError> {
        let w = word.as_bytes();
        self.i += 1;
        for &expect in &w[1..] {
            match self.b.get(self.i) {
                None => return Err(self.eof()),
                Some(&c) if c == expect => self.i += 1,
                Some(_) => {
                    return Err(self.invalid(&format!(
                        "in literal {word} (expecting '{}')",
                        expect as char
                    )));
                }
            }
        }
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i - s
        };
        if self.b[self.i] == b'-' {
            self.i += 1;
            match self.b.get(self.i) {
                None => return Err(self.eof()),
                Some(c) if c.is_ascii_digit() => {}
                Some(_) => return Err(self.invalid("in numeric literal")),
            }
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else {
            digits(self);
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            match self.b.get(self.i) {
                None => return Err(self.eof()),
                Some(c) if c.is_ascii_digit() => {}
                Some(_) => return Err(self.invalid("after decimal point in numeric literal")),
            }
            digits(self);
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            match self.b.get(self.i) {
                None => return Err(self.eof()),
                Some(c) if c.is_ascii_digit() => {}
                Some(_) => return Err(self.invalid("in exponent of numeric literal")),
            }
            digits(self);
        }
        let text = &self.text[start..self.i];
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(JsonError {
                message: format!(
                    "json: cannot unmarshal number {text} into Go value of type float64"
                ),
                offset: Some(start),
            }),
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let Some(c) = self.cur_char() else {
                return Err(self.eof());
            };
            match c {
                '"' => {
                    self.i += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.i += 1;
                    let Some(e) = self.b.get(self.i).copied() else {
                        return Err(self.eof());
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                } else {
                                    out.push('\u{FFFD}');
                                    self.i = save;
                                }
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{FFFD}'));
                            }
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.invalid("in string escape code"));
                        }
                    }
                }
                c if (c as u32) < 0x20 => return Err(self.invalid("in string literal")),
                c => {
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let Some(&c) = self.b.get(self.i) else {
                return Err(self.eof());
            };
            let d = match (c as char).to_digit(16) {
                Some(d) => d,
                None => return Err(self.invalid("in \\u hexadecimal character escape")),
            };
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("exceeded max depth".into()));
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Value, JsonError> {
        self.enter()?;
        self.i += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::list(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.b.get(self.i) {
                None => return Err(self.eof()),
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::list(items));
                }
                Some(_) => return Err(self.invalid("after array element")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, JsonError> {
        self.enter()?;
        self.i += 1;
        let mut map = Map::new();
        self.skip_ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::map(map));
        }
        loop {
            self.skip_ws();
            match self.b.get(self.i) {
                None => return Err(self.eof()),
                Some(b'"') => {}
                Some(_) => return Err(self.invalid("looking for beginning of object key string")),
            }
            let key = self.string()?;
            self.skip_ws();
            match self.b.get(self.i) {
                None => return Err(self.eof()),
                Some(b':') => self.i += 1,
                Some(_) => return Err(self.invalid("after object key")),
            }
            self.skip_ws();
            let v = self.value()?;
            map.insert(Str::from(key), v);
            self.skip_ws();
            match self.b.get(self.i) {
                None => return Err(self.eof()),
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::map(map));
                }
                Some(_) => return Err(self.invalid("after object key:value pair")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_go() {
        assert_eq!(format_json_float(1e6).ok().as_deref(), Some("1000000"));
        assert_eq!(format_json_float(1e21).ok().as_deref(), Some("1e+21"));
        assert_eq!(format_json_float(1e-7).ok().as_deref(), Some("1e-7"));
        assert_eq!(
            format_json_float(0.000001).ok().as_deref(),
            Some("0.000001")
        );
        assert_eq!(format_json_float(-0.0).ok().as_deref(), Some("-0"));
        assert!(format_json_float(f64::NAN).is_err());
    }

    #[test]
    fn writer_order() {
        let mut w = JsonWriter::new();
        w.begin_object();
        w.write_key("name").write_string("a<b");
        w.write_key("n").write_int(1);
        w.write_key("l")
            .begin_array()
            .write_bool(true)
            .write_null()
            .end_array();
        w.end_object();
        assert_eq!(w.finish(), r#"{"name":"a\u003cb","n":1,"l":[true,null]}"#);
    }

    #[test]
    fn strings_are_html_escaped_like_go() {
        let mut s = String::new();
        write_json_string(&mut s, "<a href=\"x\">&\u{1}\u{8}\u{2028}é\n\t", true);
        assert_eq!(
            s,
            r#""\u003ca href=\"x\"\u003e\u0026\u0001\u0008\u2028é\n\t""#
        );
    }

    #[test]
    fn writer_floats_match_go() {
        let f = |x: f64| JsonWriter::encode(&Value::Float(x));
        assert_eq!(f(2.0), "2");
        assert_eq!(f(1.5), "1.5");
        assert_eq!(f(1e6), "1000000");
        assert_eq!(f(1e21), "1e+21");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(f(1e-7), "1e-7");
        assert_eq!(f(0.000001), "0.000001");
        assert_eq!(f(-0.5), "-0.5");
        assert_eq!(f(0.0), "0");
    }

    #[test]
    fn writer_nested_values_and_sorted_keys() {
        let mut m = Map::new();
        m.insert("b".into(), Value::list(vec![Value::Int64(1), Value::Nil]));
        m.insert("a".into(), Value::map(Map::new()));
        m.insert("c".into(), Value::Bool(true));
        assert_eq!(
            JsonWriter::encode(&Value::map(m)),
            r#"{"a":{},"b":[1,null],"c":true}"#
        );
    }

    #[test]
    fn go_syntax_errors() {
        let e = |s: &str| from_json(s).err().map(|e| e.message);
        assert_eq!(e("").as_deref(), Some("unexpected end of JSON input"));
        assert_eq!(e("{").as_deref(), Some("unexpected end of JSON input"));
        assert_eq!(
            e("x").as_deref(),
            Some("invalid character 'x' looking for beginning of value")
        );
        assert_eq!(
            e("{\"a\" 1}").as_deref(),
            Some("invalid character '1' after object key")
        );
        assert_eq!(
            e("[1] 2").as_deref(),
            Some("invalid character '2' after top-level value")
        );
    }
}
