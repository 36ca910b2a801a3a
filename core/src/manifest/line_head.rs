//! The fastest path for document heads: one line-by-line pass over
//! block-style YAML, the shape nearly every rendered manifest has (keys,
//! `- ` items, plain and one-line quoted scalars, `|`/`>` block scalars,
//! comments). It proves the document well-formed and reads `apiVersion`,
//! `kind`, `metadata.name` and `metadata.annotations` at a few instructions
//! per byte, where the event parser of [`super::fast_head`] spends about a
//! hundred (most of a CRD-heavy chart's run).
//!
//! It is sound rather than complete: whatever it does not model exactly
//! (flow collections other than `[]`/`{}`, multi-line flow or quoted
//! scalars, anchors, aliases, tags, `?` keys, document markers, directives,
//! tabs, control or line-separator characters, unusual indentation, and
//! anything the event path would refuse) makes it answer `None`, and the
//! caller falls back to the event path.

use std::collections::BTreeMap;

use super::fast_head::{key_ok, scalar_string, value_ok};
use super::head::{Head, HeadMetadata};
use crate::yaml::resolve::{Resolved, resolve_plain};
use saphyr_parser::ScalarStyle;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Other,
    ApiVersion,
    Kind,
    Metadata,
    Name,
    Annotations,
    Annotation,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

struct Frame {
    kind: Kind,
    indent: usize,
    /// What this collection is (the root map, `metadata`, `annotations`).
    slot: Slot,
    depth: usize,
}

/// A key or `-` whose value starts on a later line.
struct Pending {
    indent: usize,
    from_key: bool,
    slot: Slot,
    depth: usize,
}

struct Scan {
    stack: Vec<Frame>,
    head: Head,
    annotation_key: String,
    pending: Option<Pending>,
    /// After a scalar: lines must not be indented deeper than this (a deeper
    /// line would continue the scalar, or be an error).
    max_indent: Option<usize>,
    /// The root collection has been opened (a second one is an error).
    had_root: bool,
    /// After a plain scalar: lines indented deeper than this continue it.
    continuation: Option<usize>,
    /// Inside a quoted scalar left open at the end of a line: the quote,
    /// and the columns its parent sits at.
    open_quote: Option<(u8, usize)>,
}

/// `split('\n')` with memchr directly: the generic char searcher's set-up
/// per line showed up in CRD-sized output.
struct Lines<'a>(Option<&'a str>);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => {
                self.0 = rest.get(i + 1..);
                rest.get(..i)
            }
            None => {
                self.0 = None;
                Some(rest)
            }
        }
    }
}

/// Space trimming byte by byte: `trim_start_matches(' ')` decodes
/// characters, and it runs on every line of every rendered document.
trait SpaceTrim {
    fn trim_ascii_start_spaces(&self) -> &str;
    fn trim_ascii_end_spaces(&self) -> &str;
}

impl SpaceTrim for str {
    fn trim_ascii_start_spaces(&self) -> &str {
        let n = self.bytes().take_while(|&b| b == b' ').count();
        // Spaces are one byte each: `n` is a character boundary.
        self.get(n..).unwrap_or("")
    }

    fn trim_ascii_end_spaces(&self) -> &str {
        let n = self.bytes().rev().take_while(|&b| b == b' ').count();
        self.get(..self.len() - n).unwrap_or("")
    }
}

/// Reads the head of one document; `None` means "ask the event path".
pub fn scan_head(doc: &str) -> Option<Head> {
    if !plain_text(doc) {
        return None;
    }
    let mut scan = Scan {
        stack: Vec::new(),
        head: Head::default(),
        annotation_key: String::new(),
        pending: None,
        max_indent: None,
        had_root: false,
        continuation: None,
        open_quote: None,
    };
    let mut lines = Lines(Some(doc)).peekable();
    while let Some(line) = lines.next() {
        let content = line.trim_ascii_start_spaces();
        if content.is_empty() {
            continue;
        }
        let indent = line.len() - content.len();
        if let Some((quote, parent)) = scan.open_quote {
            if indent <= parent {
                return None;
            }
            let end = if quote == b'"' {
                double_quote_end(content)?
            } else {
                single_quote_end(content)
            };
            if let Some(end) = end {
                if !only_comment_after(&content[end + 1..]) {
                    return None;
                }
                scan.open_quote = None;
                scan.max_indent = Some(parent);
            }
            continue;
        }
        if let Some(parent) = scan.continuation {
            if indent > parent {
                if !continues_plain(content) {
                    return None;
                }
                continue;
            }
            scan.continuation = None;
        }
        if scan.max_indent.is_some_and(|max| indent > max) {
            return None;
        }
        if content.starts_with('#') {
            continue;
        }
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            return None;
        }
        scan.max_indent = None;
        if let Some(block_indent) = scan.line(indent, content)? {
            skip_block_scalar(&mut lines, block_indent)?;
            scan.max_indent = Some(block_indent);
        }
    }
    if scan.open_quote.is_some() {
        return None;
    }
    if let Some(p) = scan.pending.take() {
        scan.null_value(p.slot)?;
    }
    match scan.stack.first() {
        None => Some(Head::default()),
        Some(root) if root.kind == Kind::Map => Some(scan.head),
        // A list document: the full loader words Go's error.
        Some(_) => None,
    }
}

/// No characters YAML treats as line breaks or refuses: controls other
/// than `\n`, DEL, C1 controls (NEL among them), LS/PS, BOM, U+FFFE/FFFF.
fn plain_text(doc: &str) -> bool {
    let b = doc.as_bytes();
    // Eight bytes at a time: a word of printable ASCII and `\n` (nearly
    // every word of a manifest) needs no byte-wise look.
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if !printable_word(u64::from_le_bytes(word)) && !plain_bytes(b, at, at + 8) {
            return false;
        }
        at += 8;
    }
    plain_bytes(b, at, b.len())
}

/// Are all eight bytes of `w` printable ASCII (0x20–0x7e) or `\n`? Each
/// byte is tested on its own (no carry crosses a byte), so the answer is
/// exact.
fn printable_word(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x80 * ONES;
    const LOW7: u64 = 0x7f * ONES;
    if w & HIGH != 0 {
        return false;
    }
    // High bit set where a 7-bit byte is 0x20 or more / equals zero.
    let at_least_space = (w + 0x60 * ONES) & HIGH;
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x) & HIGH;
    let newline = zero(w ^ (b'\n' as u64 * ONES));
    let del = zero(w ^ (0x7f * ONES));
    (at_least_space | newline) == HIGH && del == 0
}

/// [`plain_text`] for `b[from..to]`, byte by byte; a character may run on
/// past `to`.
fn plain_bytes(b: &[u8], from: usize, to: usize) -> bool {
    for i in from..to.min(b.len()) {
        let bad = match b[i] {
            b'\n' => false,
            0..=0x1f | 0x7f => true,
            0xc2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
            0xe2 => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)),
            0xef => {
                (b.get(i + 1) == Some(&0xbb) && b.get(i + 2) == Some(&0xbf))
                    || (b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf)))
            }
            _ => false,
        };
        if bad {
            return false;
        }
    }
    true
}

/// Where `s` has a space followed by `#` (a comment starts): `#` is the
/// rarer byte, so it is the one searched for.
fn find_space_hash(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    memchr::memchr_iter(b'#', b)
        .find(|&i| i > 0 && b[i - 1] == b' ')
        .map(|i| i - 1)
}

/// Does `s` hold a `: ` (a mapping indicator inside plain text)?
fn has_colon_space(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b':', b).any(|i| b.get(i + 1) == Some(&b' '))
}

/// Can `content` be a further line of a multi-line plain scalar (folded
/// into it)? Not if it holds a comment, a `: ` or starts like an item.
fn continues_plain(content: &str) -> bool {
    !(content.starts_with('#')
        || find_space_hash(content).is_some()
        || has_colon_space(content)
        || content.ends_with(':')
        || content == "-"
        || content.starts_with("- "))
}

/// Past a one-line flow sequence of quoted and simple plain scalars
/// (`["sysctl", "-w", x.y=1]`): the text after its `]`.
fn skip_flow_seq(v: &str) -> Option<&str> {
    let mut rest = v.strip_prefix('[')?;
    loop {
        rest = rest.trim_ascii_start_spaces();
        let b = rest.as_bytes();
        match *b.first()? {
            b'"' | b'\'' => {
                let end = closing_quote(rest)?;
                unquote(&rest[..=end])?;
                rest = &rest[end + 1..];
            }
            c => {
                let starts_plain = c.is_ascii_alphanumeric()
                    || matches!(c, b'/' | b'.' | b'_')
                    || (c == b'-'
                        && b.get(1)
                            .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'-'));
                if !starts_plain {
                    return None;
                }
                let len = b
                    .iter()
                    .position(|&c| !(c.is_ascii_alphanumeric() || b"-_./=+~^$".contains(&c)))
                    .unwrap_or(b.len());
                if !value_ok(&rest[..len], ScalarStyle::Plain) {
                    return None;
                }
                rest = &rest[len..];
            }
        }
        rest = rest.trim_ascii_start_spaces();
        match rest.as_bytes().first()? {
            b',' => rest = &rest[1..],
            b']' => return Some(&rest[1..]),
            _ => return None,
        }
    }
}

/// Moves past the lines of a block scalar whose parent sits at `parent`
/// columns: blank lines and lines indented deeper. A leading blank line
/// indented deeper than the first text line is left to the event path.
fn skip_block_scalar<'a>(
    lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
    parent: usize,
) -> Option<()> {
    let mut widest_blank = 0;
    // The first text line sets the indentation of all the others.
    let mut text_indent = None;
    while let Some(line) = lines.peek() {
        let content = line.trim_ascii_start_spaces();
        let indent = line.len() - content.len();
        if content.is_empty() {
            if text_indent.is_none() {
                widest_blank = widest_blank.max(indent);
            }
        } else if indent > parent {
            match text_indent {
                None if widest_blank > indent => return None,
                None => text_indent = Some(indent),
                // Less indented than the text, more than the parent: an error.
                Some(text) if indent < text => return None,
                Some(_) => {}
            }
        } else {
            break;
        }
        lines.next();
    }
    Some(())
}

/// Where a plain or quoted key ends: the byte index of its `:` indicator.
fn key_colon(content: &str) -> Option<usize> {
    let bytes = content.as_bytes();
    let start = match bytes.first()? {
        b'"' | b'\'' => closing_quote(content)? + 1,
        _ => 0,
    };
    let mut at = start;
    while let Some(off) = memchr::memchr(b':', &bytes[at..]) {
        let colon = at + off;
        match bytes.get(colon + 1) {
            None | Some(b' ') => return Some(colon),
            _ => at = colon + 1,
        }
        if start > 0 {
            // After a quoted key only `:` may follow.
            return None;
        }
    }
    None
}

/// The index of the quote closing a one-line quoted scalar at the start.
fn closing_quote(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let quote = *bytes.first()?;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            q if q == quote => {
                if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Where the single-quoted scalar that `s` is inside of ends (`''` is an
/// escaped quote).
fn single_quote_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'\'', &bytes[i..]) {
        let at = i + off;
        if bytes.get(at + 1) == Some(&b'\'') {
            i = at + 2;
        } else {
            return Some(at);
        }
    }
    None
}

/// Where the double-quoted scalar that `s` is inside of ends: `Some(None)`
/// when it goes on past the line, `None` for an escape YAML refuses.
fn double_quote_end(s: &str) -> Option<Option<usize>> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some(Some(i)),
            // A `\` ending the line escapes the line break.
            b'\\' if i + 1 == bytes.len() => return Some(None),
            b'\\' => {
                let digits = match bytes[i + 1] {
                    b'x' => 2,
                    b'u' => 4,
                    b'U' => 8,
                    b'0' | b'a' | b'b' | b't' | b'n' | b'v' | b'f' | b'r' | b'e' | b' ' | b'"'
                    | b'/' | b'\\' | b'N' | b'_' | b'L' | b'P' => 0,
                    _ => return None,
                };
                let hex = bytes.get(i + 2..i + 2 + digits)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                i += 2 + digits;
            }
            _ => i += 1,
        }
    }
    Some(None)
}

/// A one-line quoted scalar's value; `None` for an escape YAML refuses.
fn unquote(s: &str) -> Option<String> {
    let inner = s.get(1..s.len().checked_sub(1)?)?;
    if s.starts_with('\'') {
        return Some(inner.replace("''", "'"));
    }
    if !inner.contains('\\') {
        return Some(inner.to_string());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let hex = |n: usize, chars: &mut std::str::Chars<'_>| -> Option<char> {
            let digits: String = chars.by_ref().take(n).collect();
            if digits.len() != n || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
        };
        out.push(match e {
            '0' => '\0',
            'a' => '\x07',
            'b' => '\x08',
            't' | '\t' => '\t',
            'n' => '\n',
            'v' => '\x0b',
            'f' => '\x0c',
            'r' => '\r',
            'e' => '\x1b',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(2, &mut chars)?,
            'u' => hex(4, &mut chars)?,
            'U' => hex(8, &mut chars)?,
            _ => return None,
        });
    }
    Some(out)
}

/// What follows a scalar on its line may only be spaces and a comment.
fn only_comment_after(rest: &str) -> bool {
    let trimmed = rest.trim_ascii_start_spaces();
    trimmed.is_empty() || (trimmed.len() < rest.len() && trimmed.starts_with('#'))
}

/// A value as written after `key: ` or `- `.
enum ValueText<'a> {
    /// Nothing (or only a comment): the value is on later lines, or null.
    Empty,
    /// `|` or `>`: a block scalar follows.
    Block,
    /// `[]` or `{}`.
    EmptyFlow(Kind),
    /// A one-line flow sequence of scalars.
    FlowSeq,
    /// A quoted scalar that goes on over the next lines.
    OpenQuote(u8),
    Scalar(&'a str, ScalarStyle),
}

fn value_text(v: &str) -> Option<ValueText<'_>> {
    let v = v.trim_ascii_start_spaces();
    let Some(&first) = v.as_bytes().first() else {
        return Some(ValueText::Empty);
    };
    match first {
        b'#' => Some(ValueText::Empty),
        b'"' | b'\'' => {
            let Some(end) = closing_quote(v) else {
                if first == b'"' {
                    double_quote_end(&v[1..])?;
                }
                return Some(ValueText::OpenQuote(first));
            };
            if !only_comment_after(&v[end + 1..]) {
                return None;
            }
            let style = if first == b'"' {
                ScalarStyle::DoubleQuoted
            } else {
                ScalarStyle::SingleQuoted
            };
            Some(ValueText::Scalar(&v[..=end], style))
        }
        b'|' | b'>' => {
            // Chomping indicator at most; an explicit indentation digit is
            // left to the event path.
            let rest = v[1..].strip_prefix(['-', '+']).unwrap_or(&v[1..]);
            only_comment_after(rest).then_some(ValueText::Block)
        }
        b'[' | b'{' => {
            let close = if first == b'[' { "]" } else { "}" };
            let kind = if first == b'[' { Kind::Seq } else { Kind::Map };
            if let Some(rest) = v[1..].strip_prefix(close) {
                return only_comment_after(rest).then_some(ValueText::EmptyFlow(kind));
            }
            if kind == Kind::Map {
                return None;
            }
            only_comment_after(skip_flow_seq(v)?).then_some(ValueText::FlowSeq)
        }
        b']' | b'}' | b',' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' => None,
        b'-' | b'?' | b':' if v.len() == 1 || v.as_bytes()[1] == b' ' => None,
        _ => {
            let text = match find_space_hash(v) {
                Some(i) => &v[..i],
                None => v,
            };
            let text = text.trim_ascii_end_spaces();
            if has_colon_space(text) || text.ends_with(':') {
                return None;
            }
            Some(ValueText::Scalar(text, ScalarStyle::Plain))
        }
    }
}

/// Is `raw` a key this path models (see [`key_string`])?
fn key_valid(raw: &str) -> bool {
    let raw = raw.trim_ascii_end_spaces();
    match raw.as_bytes().first() {
        Some(b'"') => {
            closing_quote(raw).is_some_and(|end| end + 1 == raw.len())
                && double_quote_end(&raw[1..]).is_some()
        }
        Some(b'\'') => closing_quote(raw).is_some_and(|end| end + 1 == raw.len()),
        Some(
            b'[' | b']' | b'{' | b'}' | b',' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b'|'
            | b'>' | b'#',
        )
        | None => false,
        Some(b'-' | b'?' | b':') if raw.len() == 1 || raw.as_bytes()[1] == b' ' => false,
        Some(_) => find_space_hash(raw).is_none() && key_ok(raw, ScalarStyle::Plain),
    }
}

/// Does a line's content start with a `key:`?
fn starts_key(content: &str) -> bool {
    let plain_start = !matches!(
        content.bytes().next(),
        None | Some(b'|' | b'>' | b'[' | b'{' | b'#')
    );
    plain_start && key_colon(content).is_some()
}

/// A key's text as a Go string, if it is one this path models.
fn key_string(raw: &str) -> Option<String> {
    if !key_valid(raw) {
        return None;
    }
    let raw = raw.trim_ascii_end_spaces();
    if raw.starts_with(['"', '\'']) {
        unquote(raw)
    } else {
        scalar_string(raw, ScalarStyle::Plain)
    }
}

impl Scan {
    /// One content line at `indent`. `Some(Some(parent))` when a block
    /// scalar starts whose parent sits at `parent` columns.
    fn line(&mut self, indent: usize, content: &str) -> Option<Option<usize>> {
        let is_item = content == "-" || content.starts_with("- ");
        if let Some(p) = self.pending.take() {
            let nested = indent > p.indent || (p.from_key && is_item && indent == p.indent);
            if nested && !is_item && !starts_key(content) {
                // The value alone on its line.
                return match value_text(content)? {
                    ValueText::Empty | ValueText::Block => None,
                    value => self.value(value, p.slot, p.indent, p.depth),
                };
            }
            if nested {
                let kind = if is_item { Kind::Seq } else { Kind::Map };
                self.open(kind, indent, p.slot, p.depth)?;
            } else {
                self.null_value(p.slot)?;
            }
        }
        while self.stack.last().is_some_and(|f| f.indent > indent) {
            self.stack.pop();
        }
        if self.stack.is_empty() {
            // The root collection.
            if is_item || self.had_root {
                return None;
            }
            self.had_root = true;
            self.open(Kind::Map, indent, Slot::Other, 0)?;
        }
        let top = self.stack.last()?;
        if top.indent != indent {
            return None;
        }
        if top.kind == Kind::Seq && !is_item {
            // A sequence at its parent key's indentation ends here.
            self.stack.pop();
            let parent = self.stack.last()?;
            if parent.kind != Kind::Map || parent.indent != indent {
                return None;
            }
        }
        let top = self.stack.last()?;
        match top.kind {
            Kind::Map if is_item => None,
            Kind::Map => self.key_line(indent, content),
            Kind::Seq => self.item_line(indent, content),
        }
    }

    fn item_line(&mut self, indent: usize, content: &str) -> Option<Option<usize>> {
        let depth = self.stack.len();
        let rest = content.get(1..)?;
        let body = rest.trim_ascii_start_spaces();
        let body_indent = indent + 1 + (rest.len() - body.len());
        if body == "-" || body.starts_with("- ") {
            return None;
        }
        let plain_start = !matches!(
            body.bytes().next(),
            None | Some(b'|' | b'>' | b'[' | b'{' | b'#')
        );
        if plain_start && key_colon(body).is_some() {
            // `- key: value`: a map whose keys sit at the key's column.
            self.open(Kind::Map, body_indent, Slot::Other, depth)?;
            return self.key_line(body_indent, body);
        }
        self.value(value_text(body)?, Slot::Other, indent, depth)
    }

    fn key_line(&mut self, indent: usize, content: &str) -> Option<Option<usize>> {
        let colon = key_colon(content)?;
        let frame = self.stack.last()?;
        let depth = self.stack.len();
        // Only keys of the root, `metadata` and `annotations` are read;
        // the others need only be valid.
        let slot = if frame.depth != 0 && frame.slot == Slot::Other {
            if !key_valid(&content[..colon]) {
                return None;
            }
            Slot::Other
        } else {
            let key = key_string(&content[..colon])?;
            match (frame.slot, frame.depth, key.as_str()) {
                (Slot::Other, 0, "apiVersion") => Slot::ApiVersion,
                (Slot::Other, 0, "kind") => Slot::Kind,
                (Slot::Other, 0, "metadata") => Slot::Metadata,
                (Slot::Metadata, _, "name") => Slot::Name,
                (Slot::Metadata, _, "annotations") => Slot::Annotations,
                (Slot::Annotations, _, _) => {
                    self.annotation_key = key;
                    Slot::Annotation
                }
                _ => Slot::Other,
            }
        };
        let value = value_text(&content[colon + 1..])?;
        if let ValueText::Empty = value {
            self.pending = Some(Pending {
                indent,
                from_key: true,
                slot,
                depth,
            });
            return Some(None);
        }
        self.value(value, slot, indent, depth)
    }

    /// A value written on the line of its key or `-` (at `indent`).
    fn value(
        &mut self,
        value: ValueText<'_>,
        slot: Slot,
        indent: usize,
        depth: usize,
    ) -> Option<Option<usize>> {
        match value {
            ValueText::Empty => {
                self.pending = Some(Pending {
                    indent,
                    from_key: false,
                    slot,
                    depth,
                });
                Some(None)
            }
            ValueText::Block => (slot == Slot::Other).then_some(Some(indent)),
            ValueText::FlowSeq => {
                if slot != Slot::Other {
                    return None;
                }
                self.max_indent = Some(indent);
                Some(None)
            }
            ValueText::OpenQuote(quote) => {
                if slot != Slot::Other {
                    return None;
                }
                self.open_quote = Some((quote, indent));
                Some(None)
            }
            ValueText::EmptyFlow(kind) => {
                self.start_collection(kind, slot)?;
                self.max_indent = Some(indent);
                Some(None)
            }
            ValueText::Scalar(raw, style) => {
                let text = match style {
                    ScalarStyle::Plain => {
                        if !value_ok(raw, style) {
                            return None;
                        }
                        None
                    }
                    _ if slot != Slot::Other => Some(unquote(raw)?),
                    // Only the escapes need checking.
                    ScalarStyle::DoubleQuoted => {
                        double_quote_end(&raw[1..])?;
                        None
                    }
                    _ => None,
                };
                if slot != Slot::Other {
                    let value = match text {
                        Some(t) => t,
                        None => scalar_string(raw, style)?,
                    };
                    self.set(slot, value, raw, style)?;
                    // A head field folded over lines is left to the event path.
                    self.max_indent = Some(indent);
                } else if style == ScalarStyle::Plain {
                    self.continuation = Some(indent);
                } else {
                    self.max_indent = Some(indent);
                }
                Some(None)
            }
        }
    }

    fn set(&mut self, slot: Slot, value: String, raw: &str, style: ScalarStyle) -> Option<()> {
        match slot {
            Slot::ApiVersion => self.head.api_version = value,
            Slot::Kind => self.head.kind = value,
            Slot::Name => {
                self.head
                    .metadata
                    .get_or_insert_with(HeadMetadata::default)
                    .name = value;
            }
            Slot::Annotation => {
                let key = std::mem::take(&mut self.annotation_key);
                self.annotations().insert(key, value);
            }
            Slot::Metadata | Slot::Annotations => {
                // A scalar where a map is wanted: only null is fine.
                if style != ScalarStyle::Plain || resolve_plain(raw) != Resolved::Null {
                    return None;
                }
            }
            Slot::Other => {}
        }
        Some(())
    }

    /// A key or `-` with no value at all.
    fn null_value(&mut self, slot: Slot) -> Option<()> {
        self.set(slot, String::new(), "", ScalarStyle::Plain)
    }

    fn annotations(&mut self) -> &mut BTreeMap<String, String> {
        self.head
            .metadata
            .get_or_insert_with(HeadMetadata::default)
            .annotations
            .get_or_insert_with(BTreeMap::new)
    }

    /// A collection starts as the value of `slot`: `metadata` and
    /// `annotations` maps now exist; a collection where a string is
    /// wanted is Go's error (`None`).
    fn start_collection(&mut self, kind: Kind, slot: Slot) -> Option<()> {
        match (slot, kind) {
            (Slot::Other, _) => {}
            (Slot::Metadata, Kind::Map) => {
                self.head.metadata.get_or_insert_with(HeadMetadata::default);
            }
            (Slot::Annotations, Kind::Map) => {
                self.annotations();
            }
            _ => return None,
        }
        Some(())
    }

    fn open(&mut self, kind: Kind, indent: usize, slot: Slot, depth: usize) -> Option<()> {
        self.start_collection(kind, slot)?;
        let slot = match slot {
            Slot::Metadata | Slot::Annotations => slot,
            _ => Slot::Other,
        };
        self.stack.push(Frame {
            kind,
            indent,
            slot,
            depth,
        });
        Some(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::manifest::fast_head::scan_events;
    use crate::manifest::head::full_loader_head;

    /// The word-at-a-time checks answer as the plain byte loops and
    /// substring searches they replace, on random text rich in the bytes
    /// that matter (controls, DEL, the lead bytes of NEL/LS/PS/BOM).
    #[test]
    fn word_checks_agree_with_byte_checks() {
        let alphabet: &[u8] = b"\n\t\r\x00\x1f\x7f #:a- \xc2\x85\xe2\x80\xa8\xef\xbb\xbf\xbe~";
        let mut rng = crate::test_rng::Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut next = move || rng.next();
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 3 == 0 {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    } else {
                        b'a' + (r >> 8) as u8 % 26
                    }
                })
                .collect();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            assert_eq!(
                plain_text(&text),
                plain_bytes(text.as_bytes(), 0, text.len()),
                "{text:?}"
            );
            assert_eq!(find_space_hash(&text), text.find(" #"), "{text:?}");
            assert_eq!(has_colon_space(&text), text.contains(": "), "{text:?}");
            assert_eq!(
                Lines(Some(&text)).collect::<Vec<_>>(),
                text.split('\n').collect::<Vec<_>>()
            );
            assert_eq!(text.trim_ascii_start_spaces(), text.trim_start_matches(' '));
            assert_eq!(text.trim_ascii_end_spaces(), text.trim_end_matches(' '));
        }
        // Every pair of neighbouring bytes, at every place in a word.
        let ok = |b: u8| b == b'\n' || (0x20..0x7f).contains(&b);
        for first in 0..=255u8 {
            for second in 0..=255u8 {
                for at in 0..7 {
                    let mut word = *b"ab c\nd e";
                    word[at] = first;
                    word[at + 1] = second;
                    let w = u64::from_le_bytes(word);
                    assert_eq!(
                        printable_word(w),
                        ok(first) && ok(second),
                        "{first:#x} {second:#x} at {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn reads_block_yaml_as_the_full_loader_does() {
        for doc in [
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    helm.sh/hook: test\n    helm.sh/hook-weight: 5\n    x: true\n    n: ~\n    e:\nspec:\n  containers:\n  - name: a\n    args:\n      - \"--x\"\n      - '-y'\n",
            "# Source: x/templates/a.yaml\nkind: Service\nmetadata:\n  labels: {}\n  name: \"quo\\\"ted\\u00e9\"\n",
            "# only a comment",
            "",
            "metadata: ~\nkind: X",
            "metadata: {}\nkind: X\n",
            "metadata:\n  annotations: {}\n",
            "kind: 'it''s'\ndata:\n  a: |\n    line: one\n\n    - two # not a comment\n  b: >-\n    folded\nc: 1\n",
            "kind: 1.5\nmetadata:\n  name: 0x10\n",
            "list:\n- a\n- b: 1\n  c: 2\n-\n  d: 3\n- - \nkind: K\n",
            "  kind: indented root\n  apiVersion: v1\n",
            "a: http://x:80/y # c\nb: x#y\nkind: K # comment\n",
            "metadata:\n  name:\n  annotations:\n    \"a b\": 'c'\n    'd': \"e\"\n",
            "a: b\n  c\nkind: K\n",
            "a: 'x\n  it''s # y'\nkind: K\n",
            "a: \"x\\\n  \\ty\"\nkind: K\n",
            "args: [\"a\", '-b', c.d=1]\nkind: K\n",
            "a:\n  {}\nb:\n  plain\n    more\nkind:\n  K\n",
        ] {
            let Some(fast) = scan_head(doc) else {
                // Refusing is always sound; these shapes must be taken.
                assert!(doc.contains("- - "), "refused {doc:?}");
                continue;
            };
            assert_eq!(fast, full_loader_head(doc), "{doc:?}");
            assert_eq!(Some(fast), scan_events(doc), "{doc:?}");
        }
    }

    #[test]
    fn refuses_what_it_does_not_model_or_yaml_rejects() {
        for doc in [
            "a: b\n c: d\n",
            "a:\n\tb: c\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "kind: [1]\n",
            "kind: [a, b]\n",
            "a: {b: c}\n",
            "- a\n- b\n",
            "metadata:\n  annotations: [1]\n",
            "metadata:\n  annotations:\n  - a\n",
            "a: .inf\n",
            "~: 1\n",
            "<<: {}\n",
            "a: b: c\n",
            "a: \"unclosed\n",
            "a: 'x'y\n",
            "a: \"bad \\q escape\"\n",
            "a: |2\n   x\n",
            "kind: |\n  block\n",
            "a: 1\n---\nb: 2\n",
            "a: 1\r\n",
            "a: x\u{85}y\n",
            "a:\n  b: 1\n c: 2\n",
            "a: 1\n  # deeper comment\n",
            "  a: 1\nb: 2\n",
            "? a\n: b\n",
            "a:\n  - x\n  y: 1\n",
            "a: - b\n",
            "plain scalar document\n",
            "a: 'x\ny'\n",
            "a: \"x\\q\n  y\"\n",
            "a: [b, {c: d}]\n",
            "kind:\n  K\n    more\n",
            "kind: 'K\n  more'\n",
        ] {
            assert_eq!(scan_head(doc), None, "{doc:?}");
        }
    }
}
