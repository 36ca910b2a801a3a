//! Helm's `toYaml`, byte for byte: `json.Marshal`, then yaml.v2 `Unmarshal`
//! into `interface{}`, then yaml.v2 `Marshal` (a port of libyaml's emitter
//! decisions: natural key order, indentless sequences under keys, scalar
//! style analysis, 80-column folding, block scalar hints).

use std::cmp::Ordering;

use super::resolve::{Resolved, is_base60_float, resolve_plain};
use crate::json::{JsonError, format_json_float};
use crate::template::Value;
use crate::template::strconv::format_float;

/// `toYaml`: the YAML text without its final newline (`""` when the value
/// cannot be encoded, as Helm swallows the error).
pub fn to_yaml(v: &Value) -> String {
    match marshal(v) {
        Ok(mut s) => {
            if s.ends_with('\n') {
                s.pop();
            }
            s
        }
        Err(_) => String::new(),
    }
}

/// sigs.k8s.io/yaml `Marshal`: the full document text (with final newline),
/// or the JSON encoding error.
pub fn marshal(v: &Value) -> Result<String, JsonError> {
    let node = json_round_trip(v)?;
    let mut e = Emitter::new();
    e.node(&node, false, false);
    // Document end: finish the last line.
    e.indent = -1;
    e.write_indent();
    Ok(e.out)
}

/// A value as yaml.v2 decodes the JSON text of a Go value.
#[derive(Debug)]
enum Node {
    /// A scalar emitted plain (null, bools, numbers).
    Plain(String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

fn json_round_trip(v: &Value) -> Result<Node, JsonError> {
    Ok(match v {
        Value::Nil => Node::Plain("null".into()),
        Value::Bool(b) => Node::Plain(if *b { "true" } else { "false" }.into()),
        Value::Int(i) | Value::Int64(i) => Node::Plain(i.to_string()),
        Value::Float(f) => {
            let text = format_json_float(*f)?;
            Node::Plain(match resolve_plain(&text) {
                Resolved::Int(i) => i.to_string(),
                Resolved::Uint(u) => u.to_string(),
                Resolved::Float(f) => yaml_float(f),
                _ => text,
            })
        }
        Value::String(s) => Node::Str(reread_json_string(s)?),
        Value::Bytes(b) => {
            use base64::Engine;
            Node::Str(base64::engine::general_purpose::STANDARD.encode(b))
        }
        // A Go nil slice marshals as JSON `null`.
        v @ Value::List(_) if v.is_nil_list() => Node::Plain("null".into()),
        Value::List(items) => Node::Seq(
            items
                .iter()
                .map(json_round_trip)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        // A Go nil map marshals as JSON `null`.
        Value::Map(map) if map.is_nil() => Node::Plain("null".into()),
        Value::Map(map) => {
            let _on_path = map.enter().map_err(|_| JsonError::cycle())?;
            let map = map.read();
            let mut pairs = Vec::with_capacity(map.len());
            for (k, v) in map.iter() {
                pairs.push((reread_json_string(k)?, json_round_trip(v)?));
            }
            pairs.sort_by(|a, b| natural_cmp(&a.0, &b.0));
            Node::Map(pairs)
        }
        Value::Object(o) => json_round_trip(&o.to_json_value())?,
    })
}

/// What yaml.v2 reads back from the JSON text of a string: JSON leaves NEL
/// (U+0085) raw, which a double-quoted YAML scalar folds like a line break,
/// and libyaml's reader rejects C1 controls, DEL and U+FFFE/FFFF outright.
fn reread_json_string(s: &str) -> Result<String, JsonError> {
    if s.chars().any(|c| {
        let u = c as u32;
        u == 0x7F || (0x80..=0x9F).contains(&u) && u != 0x85 || u == 0xFFFE || u == 0xFFFF
    }) {
        return Err(JsonError {
            message: "yaml: control characters are not allowed".into(),
            offset: None,
        });
    }
    if !s.contains('\u{85}') {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            i += 1;
            continue;
        }
        // A run of blanks and breaks.
        let start = i;
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
            i += 1;
        }
        let breaks = chars[start..i].iter().filter(|&&c| c == '\u{85}').count();
        match breaks {
            0 => out.extend(&chars[start..i]),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
    Ok(out)
}

/// yaml.v2's float text: `%g` shortest, `.inf`/`.nan` spellings.
fn yaml_float(f: f64) -> String {
    let s = format_float(f, 'g', -1);
    match s.as_str() {
        "+Inf" => ".inf".into(),
        "-Inf" => "-.inf".into(),
        "NaN" => ".nan".into(),
        _ => s,
    }
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

fn digit_value(c: char) -> i64 {
    i64::from(c as u32) - i64::from(b'0')
}

/// yaml.v2's key order (`keyList.Less`) for string keys: letters by code
/// point, non-letters before letters, digit runs compared as numbers.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    if natural_less(a, b) {
        Ordering::Less
    } else if natural_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn natural_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // Nearly every key: its bytes are its characters, nothing to decode.
        return natural_less_in(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    natural_less_in(&ar, &br)
}

/// [`natural_less`] over the characters of the two keys.
fn natural_less_in<C: Copy + Into<char>>(a: &[C], b: &[C]) -> bool {
    let ar = |j: usize| -> char { a[j].into() };
    let br = |j: usize| -> char { b[j].into() };
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if ar(i) == br(i) {
            i += 1;
            continue;
        }
        let al = is_letter(ar(i));
        let bl = is_letter(br(i));
        if al && bl {
            return ar(i) < br(i);
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar(i) == '0' || br(i) == '0' {
            let mut j = i;
            while j > 0 {
                j -= 1;
                if !is_digit(ar(j)) {
                    break;
                }
                if ar(j) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < a.len() && is_digit(ar(ai)) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(ar(ai)));
            ai += 1;
        }
        let mut bi = i;
        while bi < b.len() && is_digit(br(bi)) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(br(bi)));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar(i) < br(i);
    }
    a.len() < b.len()
}

// ---------------------------------------------------------------------------
// Scalar analysis (libyaml `yaml_emitter_analyze_scalar`)

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

#[derive(Debug)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable` on UTF-8 (tab, CR, NEL, 4-byte chars, BOM and
/// U+FFFE/FFFF are not).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut chars = value.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let last = next.is_none();
        let followed_by_whitespace = next.is_none_or(|d| is_blank(d) || is_break(d));
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            if first {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if first {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c);
        first = false;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The style yaml.v2's encoder asks for a string (`stringv`).
fn requested_string_style(s: &str) -> Style {
    let can_use_plain = resolve_plain(s).is_str() && !is_base60_float(s);
    if s.contains('\n') {
        Style::Literal
    } else if can_use_plain {
        Style::Plain
    } else {
        Style::Double
    }
}

// ---------------------------------------------------------------------------
// The emitter proper

const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i32,
    indents: Vec<i32>,
    mapping_context: bool,
    simple_key_context: bool,
}

impl Emitter {
    fn new() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
            indents: Vec::new(),
            mapping_context: false,
            simple_key_context: false,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        ind: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, node: &Node, mapping: bool, simple_key: bool) {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match node {
            Node::Plain(s) => self.scalar(s, Style::Plain),
            Node::Str(s) => self.scalar(s, requested_string_style(s)),
            Node::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            Node::Map(pairs) if pairs.is_empty() => self.empty_flow("{", "}"),
            Node::Seq(items) => self.block_sequence(items),
            Node::Map(pairs) => self.block_mapping(pairs),
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Node]) {
        let indentless = self.mapping_context && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, false, false);
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, pairs: &[(String, Node)]) {
        self.increase_indent(false, false);
        for (k, v) in pairs {
            self.write_indent();
            let key = Node::Str(k.clone());
            let simple = k.len() <= 128 && !analyze(k).multiline;
            if simple {
                self.node(&key, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.node(&key, true, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(v, true, false);
        }
        self.pop_indent();
    }

    fn scalar(&mut self, value: &str, requested: Style) {
        let a = analyze(value);
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if !a.block_plain_allowed {
                style = Style::Single;
            }
            if value.is_empty() && self.simple_key_context {
                style = Style::Single;
            }
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || self.simple_key_context) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::Single => self.write_single(value, allow_breaks),
            Style::Double => self.write_double(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        // A line can only be broken at a space once past the best width:
        // without spaces, or ending before that width, the text goes as is.
        let width = value.chars().count();
        if !value.contains(' ') || !allow_breaks || self.column + width <= BEST_WIDTH {
            self.out.push_str(value);
            self.column += width;
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < n
                    && !next_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        // yaml.v2's `is_bom` looks at the first character whatever the
        // position, so a leading BOM escapes the whole string.
        let bom = chars.first() == Some(&'\u{FEFF}');
        for (i, &c) in chars.iter().enumerate() {
            if bom || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let u = c as u32;
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{A0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let (letter, width) = if u <= 0xFF {
                            ('x', 2)
                        } else if u <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..width).rev() {
                            let d = (u >> (k * 4)) & 0xF;
                            let ch = char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase();
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i + 1 != n {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: indentation when the text starts with a space
        // or break, chomping from the trailing breaks.
        let first = value.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let mut rev = value.chars().rev();
        let chomp = match rev.next() {
            None => Some("-"),
            Some(last) if !is_break(last) => Some("-"),
            Some(_) => match rev.next() {
                None => Some("+"),
                Some(prev) if is_break(prev) => Some("+"),
                Some(_) => None,
            },
        };
        if let Some(ch) = chomp {
            self.write_indicator(ch, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    breaks = false;
                }
                self.put(c);
                self.indention = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Map;

    #[test]
    fn natural_order() {
        let mut keys = vec!["b", "a10", "A", "a9", "_x"];
        keys.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(keys, vec!["_x", "A", "a9", "a10", "b"]);
    }

    #[test]
    fn reference_example() {
        let mut m = Map::new();
        m.insert("b".into(), Value::Float(1.0));
        m.insert(
            "a".into(),
            Value::list(vec![
                Value::str("x"),
                Value::str("yes"),
                Value::str(""),
                Value::str("007"),
                Value::str("foo: bar"),
                Value::str("l1\nl2"),
                Value::Float(1e6),
            ]),
        );
        assert_eq!(
            to_yaml(&Value::map(m)),
            "a:\n- x\n- \"yes\"\n- \"\"\n- \"007\"\n- 'foo: bar'\n- |-\n  l1\n  l2\n- 1000000\nb: 1"
        );
    }
}
