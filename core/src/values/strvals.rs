//! The `--set` family's grammar (Helm's `pkg/strvals`), exactly.
//!
//! `a.b=1,c[0].d=x,e={1,2},f\.g=h`: pairs split on `,`, paths on `.` and
//! `[i]`, `\` escapes the next character. `--set` infers types (`true`,
//! `false`, `null` in any case, `0` and base-10 integers not starting with
//! `0` become int64; everything else is a string), `--set-string` keeps
//! strings, `--set-json` decodes one JSON value per key, `--set-file` reads
//! files, `--set-literal` takes the rest of the argument verbatim.
//!
//! Where Go's parser panics on a type assertion (setting `a.b` when `a` is a
//! string), Helm recovers and reports `unable to parse key: interface
//! conversion: …`; we produce the same text without panicking.

use crate::template::{Map, Value};

use super::go_type_for_assertion as go_type;

/// Helm's `strvals.MaxIndex`.
pub const MAX_INDEX: i64 = 65536;

/// A parse failure, worded as Helm's `strvals` words it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct StrvalsError(pub String);

/// Reads a `--set-file` value (the path as written) into a value.
pub type FileReader<'a> = dyn FnMut(&str) -> Result<Value, String> + 'a;

enum Mode<'r, 'a> {
    Typed,
    Strings,
    Json,
    File(&'r mut FileReader<'a>),
}

#[derive(Debug)]
enum PErr {
    Eof,
    Msg(String),
}

type PResult<T> = Result<T, PErr>;

fn msg(s: impl Into<String>) -> PErr {
    PErr::Msg(s.into())
}

fn wrap(prefix: &str, e: PErr) -> PErr {
    match e {
        PErr::Eof => msg(format!("{prefix}: EOF")),
        PErr::Msg(m) => msg(format!("{prefix}: {m}")),
    }
}

fn assertion(v: &Value, want: &str) -> PErr {
    msg(format!(
        "unable to parse key: interface conversion: interface {{}} is {}, not {want}",
        go_type(v)
    ))
}

const MAP_T: &str = "map[string]interface {}";
const LIST_T: &str = "[]interface {}";

struct Parser<'r, 'a> {
    chars: Vec<char>,
    pos: usize,
    mode: Mode<'r, 'a>,
}

impl Parser<'_, '_> {
    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// Go `runesUntil`: (runes, stop rune or None at EOF).
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') => match self.read() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn convert(&mut self, rs: &str) -> Result<Value, String> {
        match &mut self.mode {
            Mode::Typed => Ok(typed_val(rs)),
            Mode::Strings | Mode::Json => Ok(Value::str(rs)),
            Mode::File(reader) => reader(rs),
        }
    }

    fn parse(&mut self, data: &mut Map) -> Result<(), StrvalsError> {
        loop {
            match self.key(data) {
                Ok(()) => continue,
                Err(PErr::Eof) => return Ok(()),
                Err(PErr::Msg(m)) => return Err(StrvalsError(m)),
            }
        }
    }

    fn key(&mut self, data: &mut Map) -> PResult<()> {
        let (k, last) = self.until(&['=', '[', ',', '.']);
        let Some(last) = last else {
            if k.is_empty() {
                return Err(PErr::Eof);
            }
            return Err(msg(format!("key {} has no value", quote(&k))));
        };
        match last {
            '[' => {
                let i = self
                    .key_index()
                    .map_err(|e| wrap("error parsing index", e))?;
                let list = match data.get(k.as_str()) {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.to_vec(),
                    Some(other) => return Err(assertion(other, LIST_T)),
                };
                let (list, res) = self.list_item(list, i);
                set(data, &k, Value::list(list));
                res
            }
            '=' => {
                if matches!(self.mode, Mode::Json) {
                    let v = self.json_value()?;
                    set(data, &k, v);
                    return self.after_json();
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &k, Value::list(vl));
                        Ok(())
                    }
                    Err(ListErr::Eof) => {
                        set(data, &k, Value::str(""));
                        Err(PErr::Eof)
                    }
                    Err(ListErr::NotList) => {
                        let (rs, _) = self.until(&[',']);
                        let v = self.convert(&rs);
                        match v {
                            Ok(v) => {
                                set(data, &k, v);
                                Ok(())
                            }
                            Err(e) => {
                                set(data, &k, Value::Nil);
                                Err(msg(e))
                            }
                        }
                    }
                    Err(ListErr::Other(m)) => Err(msg(m)),
                }
            }
            ',' => {
                set(data, &k, Value::str(""));
                Err(msg(format!(
                    "key {} has no value (cannot end with ,)",
                    quote(&k)
                )))
            }
            _ => {
                // '.': descend into (or create) a map.
                let mut inner = match data.get(k.as_str()) {
                    None => Map::new(),
                    Some(Value::Map(m)) => m.snapshot(),
                    Some(other) => return Err(assertion(other, MAP_T)),
                };
                let e = self.key(&mut inner);
                if inner.is_empty() {
                    return Err(msg(format!("key map {} has no value", quote(&k))));
                }
                set(data, &k, Value::map(inner));
                e
            }
        }
    }

    /// The JSON value after `=` for `--set-json` (an empty value is null).
    fn json_value(&mut self) -> PResult<Value> {
        if self.empty_val() {
            return Ok(Value::Nil);
        }
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        let v = match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(msg(e.to_string())),
            None => return Err(msg("unexpected end of JSON input")),
        };
        let consumed = stream.byte_offset();
        self.pos += rest[..consumed.min(rest.len())].chars().count();
        Ok(json_to_value(v))
    }

    /// After a JSON value: skip blanks and one comma.
    fn after_json(&mut self) -> PResult<()> {
        self.empty_val();
        Ok(())
    }

    /// Go `emptyVal`: consumes spaces and a comma; true at `,` or EOF.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    fn key_index(&mut self) -> PResult<i64> {
        let (v, last) = self.until(&[']']);
        if last.is_none() {
            return Err(PErr::Eof);
        }
        go_atoi(&v).map_err(msg)
    }

    fn list_item(&mut self, mut list: Vec<Value>, i: i64) -> (Vec<Value>, PResult<()>) {
        if i < 0 {
            return (list, Err(msg(format!("negative {i} index not allowed"))));
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Err(msg(format!(
                    "unexpected data at end of array index: {}",
                    quote_runes(&k)
                ))),
            );
        }
        let Some(last) = last else {
            return (list, Err(PErr::Eof));
        };
        match last {
            '=' => {
                if matches!(self.mode, Mode::Json) {
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return (list, Err(e)),
                    };
                    if let Err(e) = set_index(&mut list, i, v) {
                        return (list, Err(e));
                    }
                    let r = self.after_json();
                    return (list, r);
                }
                let v = match self.val_list() {
                    Ok(vl) => Value::list(vl),
                    Err(ListErr::Eof) => Value::str(""),
                    Err(ListErr::NotList) => {
                        let (rs, _) = self.until(&[',']);
                        match self.convert(&rs) {
                            Ok(v) => v,
                            Err(e) => return (list, Err(msg(e))),
                        }
                    }
                    Err(ListErr::Other(m)) => return (list, Err(msg(m))),
                };
                let r = set_index(&mut list, i, v);
                (list, r)
            }
            '[' => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(wrap("error parsing index", e))),
                };
                let current = match list.get(i as usize) {
                    None | Some(Value::Nil) => Vec::new(),
                    Some(Value::List(l)) => l.to_vec(),
                    Some(other) => {
                        let e = assertion(other, LIST_T);
                        return (list, Err(e));
                    }
                };
                let (inner, res) = self.list_item(current, next);
                if let Err(e) = res {
                    return (list, Err(e));
                }
                let r = set_index(&mut list, i, Value::list(inner));
                (list, r)
            }
            _ => {
                // '.': a map inside the list.
                let mut inner = match list.get(i as usize) {
                    Some(Value::Map(m)) => m.snapshot(),
                    _ => Map::new(),
                };
                if let Some(slot) = list.get_mut(i as usize)
                    && !matches!(slot, Value::Map(_))
                {
                    *slot = Value::empty_map();
                }
                if let Err(e) = self.key(&mut inner) {
                    return (list, Err(e));
                }
                let r = set_index(&mut list, i, Value::map(inner));
                (list, r)
            }
        }
    }

    fn val_list(&mut self) -> Result<Vec<Value>, ListErr> {
        match self.read() {
            None => return Err(ListErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(ListErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}']);
            match last {
                None => return Err(ListErr::Other("list must terminate with '}'".into())),
                Some('}') => {
                    match self.read() {
                        Some(',') | None => {}
                        Some(_) => self.unread(),
                    }
                    let v = self.convert(&rs).map_err(ListErr::Other)?;
                    list.push(v);
                    return Ok(list);
                }
                Some(_) => {
                    let v = self.convert(&rs).map_err(ListErr::Other)?;
                    list.push(v);
                }
            }
        }
    }
}

enum ListErr {
    Eof,
    NotList,
    Other(String),
}

fn set(data: &mut Map, key: &str, v: Value) {
    if !key.is_empty() {
        data.insert(key.into(), v);
    }
}

fn set_index(list: &mut Vec<Value>, i: i64, v: Value) -> PResult<()> {
    if i < 0 {
        return Err(msg(format!("negative {i} index not allowed")));
    }
    if i > MAX_INDEX {
        return Err(msg(format!(
            "index of {i} is greater than maximum supported index of {MAX_INDEX}"
        )));
    }
    let i = i as usize;
    if list.len() <= i {
        list.resize(i + 1, Value::Nil);
    }
    list[i] = v;
    Ok(())
}

/// Go `strconv.Atoi` with its error text.
fn go_atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            quote(s)
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", quote(s)))
}

/// Helm's `typedVal` for `--set`.
pub fn typed_val(s: &str) -> Value {
    if s.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if s.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if s.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if s == "0" {
        return Value::Int64(0);
    }
    if !s.is_empty() && !s.starts_with('0') {
        let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(i) = s.parse::<i64>()
        {
            return Value::Int64(i);
        }
    }
    Value::str(s)
}

/// JSON (as decoded by Go into `interface{}`) to a value: numbers are float64.
pub fn json_to_value(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::from_string(s),
        serde_json::Value::Array(a) => Value::list(a.into_iter().map(json_to_value).collect()),
        serde_json::Value::Object(o) => Value::map(
            o.into_iter()
                .map(|(k, v)| (k.into(), json_to_value(v)))
                .collect(),
        ),
    }
}

fn quote(s: &str) -> String {
    crate::chart::metadata::go_quote(s)
}

/// Go `%q` of a `[]rune`: each rune as a quoted character, `['a' 'b']`.
fn quote_runes(s: &str) -> String {
    let items: Vec<String> = s
        .chars()
        .map(|c| match c {
            '\'' => "'\\''".to_string(),
            '"' => "'\"'".to_string(),
            c => {
                let q = quote(&c.to_string());
                format!("'{}'", &q[1..q.len() - 1])
            }
        })
        .collect();
    format!("[{}]", items.join(" "))
}

fn run(s: &str, dest: &mut Map, mode: Mode<'_, '_>) -> Result<(), StrvalsError> {
    let mut p = Parser {
        chars: s.chars().collect(),
        pos: 0,
        mode,
    };
    p.parse(dest)
}

/// `--set`: typed values merged into `dest` (Helm's `ParseInto`).
pub fn parse_into(s: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    run(s, dest, Mode::Typed)
}

/// `--set-string`: string values (Helm's `ParseIntoString`).
pub fn parse_into_string(s: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    run(s, dest, Mode::Strings)
}

/// `--set-json`: one JSON value per key (Helm's `ParseJSON`).
pub fn parse_json(s: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    run(s, dest, Mode::Json)
}

/// `--set-file`: each value is a path handed to `reader` (Helm's `ParseIntoFile`).
pub fn parse_into_file(
    s: &str,
    dest: &mut Map,
    reader: &mut FileReader<'_>,
) -> Result<(), StrvalsError> {
    run(s, dest, Mode::File(reader))
}

/// `--set` into a fresh map (Helm's `Parse`).
pub fn parse(s: &str) -> Result<Map, StrvalsError> {
    let mut m = Map::new();
    parse_into(s, &mut m)?;
    Ok(m)
}

/// `--set-string` into a fresh map (Helm's `ParseString`).
pub fn parse_string(s: &str) -> Result<Map, StrvalsError> {
    let mut m = Map::new();
    parse_into_string(s, &mut m)?;
    Ok(m)
}

/// `--set-literal` (Helm ≥ 3.11): the key path uses `.` and `[i]` (no
/// escapes); the value is the whole rest of the argument, verbatim.
pub fn parse_literal(s: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    let chars: Vec<char> = s.chars().collect();
    literal_key(&chars, 0, dest).map(|_| ())
}

fn literal_until(chars: &[char], mut pos: usize, stop: &[char]) -> (String, Option<char>, usize) {
    let mut v = String::new();
    while let Some(&c) = chars.get(pos) {
        pos += 1;
        if stop.contains(&c) {
            return (v, Some(c), pos);
        }
        v.push(c);
    }
    (v, None, pos)
}

fn literal_key(chars: &[char], pos: usize, data: &mut Map) -> Result<usize, StrvalsError> {
    let (k, last, pos) = literal_until(chars, pos, &['=', '[', '.']);
    match last {
        None => {
            if k.is_empty() {
                Ok(pos)
            } else {
                Err(StrvalsError(format!("key {} has no value", quote(&k))))
            }
        }
        Some('=') => {
            let rest: String = chars[pos..].iter().collect();
            set(data, &k, Value::from_string(rest));
            Ok(chars.len())
        }
        Some('.') => {
            let mut inner = match data.get(k.as_str()) {
                None => Map::new(),
                Some(Value::Map(m)) => m.snapshot(),
                Some(other) => {
                    return Err(StrvalsError(format!(
                        "key {} has no value (not a map, but {})",
                        quote(&k),
                        go_type(other)
                    )));
                }
            };
            let pos = literal_key(chars, pos, &mut inner)?;
            if inner.is_empty() {
                return Err(StrvalsError(format!("key map {} has no value", quote(&k))));
            }
            set(data, &k, Value::map(inner));
            Ok(pos)
        }
        Some(_) => {
            // '['
            let (idx, close, pos) = literal_until(chars, pos, &[']']);
            if close.is_none() {
                return Err(StrvalsError("error parsing index: EOF".into()));
            }
            let i = go_atoi(&idx).map_err(|e| StrvalsError(format!("error parsing index: {e}")))?;
            let mut list = match data.get(k.as_str()) {
                None => Vec::new(),
                Some(Value::List(l)) => l.to_vec(),
                Some(other) => {
                    return Err(StrvalsError(format!(
                        "key {} has no value (not a list, but {})",
                        quote(&k),
                        go_type(other)
                    )));
                }
            };
            let (rest, last, pos2) = literal_until(chars, pos, &['=', '.', '[']);
            if !rest.is_empty() {
                return Err(StrvalsError(format!(
                    "unexpected data at end of array index: {}",
                    quote_runes(&rest)
                )));
            }
            let end = match last {
                Some('=') => {
                    let v: String = chars[pos2..].iter().collect();
                    set_index(&mut list, i, Value::from_string(v))
                        .map_err(|e| StrvalsError(perr_text(e)))?;
                    chars.len()
                }
                Some('.') => {
                    let mut inner = match list.get(i.max(0) as usize) {
                        Some(Value::Map(m)) => m.snapshot(),
                        _ => Map::new(),
                    };
                    let end = literal_key(chars, pos2, &mut inner)?;
                    set_index(&mut list, i, Value::map(inner))
                        .map_err(|e| StrvalsError(perr_text(e)))?;
                    end
                }
                _ => {
                    return Err(StrvalsError(format!(
                        "key {} has no value",
                        quote(&format!("{k}[{idx}]"))
                    )));
                }
            };
            set(data, &k, Value::list(list));
            Ok(end)
        }
    }
}

fn perr_text(e: PErr) -> String {
    match e {
        PErr::Eof => "EOF".into(),
        PErr::Msg(m) => m,
    }
}
