//! A fast reader for the plain block YAML that values files and rendered
//! manifests are nearly always written in.
//!
//! It produces exactly the events, with the same spans, that saphyr-parser
//! produces for the same text, or declines (`None`) as soon as the text
//! leaves its subset; the caller then reads the text with saphyr. So it
//! never decides what a document means: anything unusual (anchors, tags,
//! multi-line plain or quoted scalars, folded scalars, multi-line flow
//! collections, document markers, tabs, every syntax error) is saphyr's.
//! Being sure of "declines or agrees" is what the tests check, on real
//! charts and on generated variations of them.
//!
//! The subset: block mappings with plain or quoted one-line keys, block
//! sequences (indented, indentless, compact `- key: value`), one-line plain
//! and quoted scalars, one-line flow collections, literal block scalars,
//! comments and blank lines.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};

/// Deepest nesting of collections the fast reader follows.
const MAX_DEPTH: usize = 64;

/// An event with its byte span.
pub type Spanned<'a> = (Event<'a>, usize, usize);

/// The events of `text`, or `None` when it is not in the subset.
pub fn scan(text: &str) -> Option<Vec<Spanned<'_>>> {
    let b = text.as_bytes();
    // Control characters (tabs, CRs…), a byte-order mark, document markers
    // and directives are left to saphyr.
    if b.iter().any(|&c| c < 0x20 && c != b'\n')
        || b.starts_with(b"...")
        || b.starts_with(b"%")
        || memchr::memmem::find(b, b"\n...").is_some()
        || (!text.is_ascii() && text.chars().any(unusual_char))
    {
        return None;
    }
    let mut s = Scanner {
        text,
        b,
        events: Vec::with_capacity(b.len() / 8),
        cur: None,
        depth: 0,
    };
    s.stream()?;
    Some(s.events)
}

/// Characters whose handling differs between YAML readers (line breaks of
/// YAML 1.1, byte-order marks, non-printable characters).
fn unusual_char(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
    )
}

/// A line with content: where it starts, its indentation and where it ends
/// (the `\n` or the end of the text).
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    indent: usize,
    end: usize,
}

impl Line {
    fn content(&self) -> usize {
        self.start + self.indent
    }
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    events: Vec<Spanned<'a>>,
    /// The next line with content not yet consumed; `None` at the end.
    cur: Option<Line>,
    /// Open collections.
    depth: usize,
}

impl<'a> Scanner<'a> {
    fn push(&mut self, ev: Event<'a>, start: usize, end: usize) {
        self.events.push((ev, start, end));
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(b'\n')
    }

    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', &self.b[from.min(self.b.len())..]).map_or(self.b.len(), |i| from + i)
    }

    /// The first line at or after `from` (a line start) that has content
    /// other than spaces and comments.
    fn content_line(&self, mut from: usize) -> Option<Line> {
        while from < self.b.len() {
            let end = self.line_end(from);
            let mut i = from;
            while i < end && self.b[i] == b' ' {
                i += 1;
            }
            if i < end && self.b[i] != b'#' {
                return Some(Line {
                    start: from,
                    indent: i - from,
                    end,
                });
            }
            from = end + 1;
        }
        None
    }

    /// Moves to the next content line after the one holding `pos`.
    fn advance_from(&mut self, pos: usize) {
        let end = self.line_end(pos);
        self.cur = self.content_line(end + 1);
    }

    /// Where the next token starts: the next content line, or the end.
    fn next_token(&self) -> usize {
        self.cur.map_or(self.b.len(), |l| l.content())
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.b.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    }

    /// Nothing but spaces and perhaps a comment from `i` to the line end.
    fn rest_is_blank(&self, i: usize) -> bool {
        let j = self.skip_spaces(i);
        match self.at(j) {
            b'\n' => true,
            b'#' => j > i,
            _ => false,
        }
    }

    fn is_seq_entry(&self, line: Line) -> bool {
        let p = line.content();
        self.at(p) == b'-' && matches!(self.at(p + 1), b' ' | b'\n')
    }

    fn stream(&mut self) -> Option<()> {
        self.push(Event::StreamStart, 0, 0);
        let len = self.b.len();
        self.cur = self.content_line(0);
        let Some(mut first) = self.cur else {
            self.push(Event::StreamEnd, len, len);
            return Some(());
        };
        // One `---` may open the document; any other marker is saphyr's.
        let marker = |i: usize| i + 3 <= len && &self.b[i..i + 3] == b"---";
        if first.indent == 0 && marker(first.start) {
            let p = first.start;
            if !self.rest_is_blank(p + 3) {
                return None;
            }
            self.push(Event::DocumentStart(true), p, p + 3);
            self.advance_from(p);
            first = self.cur?;
        } else {
            self.push(
                Event::DocumentStart(false),
                first.content(),
                first.content(),
            );
        }
        let rest = first.start;
        if self.b[rest..].starts_with(b"---")
            || memchr::memmem::find(&self.b[rest..], b"\n---").is_some()
        {
            return None;
        }
        if self.is_seq_entry(first) {
            self.block_seq(first.indent, false)?;
        } else {
            self.block_map(first.indent, first.content())?;
        }
        if self.cur.is_some() {
            return None;
        }
        self.push(Event::DocumentEnd, len, len);
        self.push(Event::StreamEnd, len, len);
        Some(())
    }

    /// Runs `f` one nesting level deeper; deep nesting is left to saphyr
    /// (and keeps this reader's recursion shallow).
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn block_map(&mut self, indent: usize, first: usize) -> Option<()> {
        self.nested(|s| s.block_map_inner(indent, first))
    }

    fn block_seq(&mut self, indent: usize, indentless: bool) -> Option<()> {
        self.nested(|s| s.block_seq_inner(indent, indentless))
    }

    fn flow_collection(&mut self, p: usize, close: u8) -> Option<usize> {
        self.nested(|s| s.flow_collection_inner(p, close))
    }

    /// The nested block whose first line is `self.cur`.
    fn block_node(&mut self) -> Option<()> {
        let line = self.cur?;
        if self.is_seq_entry(line) {
            self.block_seq(line.indent, false)
        } else {
            self.block_map(line.indent, line.content())
        }
    }

    /// A block mapping whose keys are at column `indent`; the first key is
    /// at `first` (a line's content, or after `- ` for a compact mapping).
    fn block_map_inner(&mut self, indent: usize, first: usize) -> Option<()> {
        self.push(Event::MappingStart(0, None), first, first);
        let mut key_at = first;
        loop {
            self.map_entry(key_at, indent)?;
            match self.cur {
                Some(l) if l.indent == indent => {
                    if self.is_seq_entry(l) {
                        return None;
                    }
                    key_at = l.content();
                }
                Some(l) if l.indent > indent => return None,
                _ => break,
            }
        }
        let end = self.next_token();
        self.push(Event::MappingEnd, end, end);
        Some(())
    }

    /// One `key: value` whose key starts at `p`; leaves `self.cur` on the
    /// line after the value.
    fn map_entry(&mut self, p: usize, indent: usize) -> Option<()> {
        let (key, ks, ke, colon) = self.key(p)?;
        self.push(key, ks, ke);
        let q = self.skip_spaces(colon + 1);
        if matches!(self.at(q), b'\n' | b'#') {
            self.advance_from(q);
            match self.cur {
                // A flow collection on the next line (`key:` then `  {}`).
                Some(l) if l.indent > indent && matches!(self.at(l.content()), b'[' | b'{') => {
                    self.inline_value(l.content(), indent)?;
                }
                Some(l) if l.indent > indent => self.block_node()?,
                Some(l) if l.indent == indent && self.is_seq_entry(l) => {
                    self.block_seq(indent, true)?;
                }
                _ => self.push(empty_scalar(), colon, colon),
            }
            return Some(());
        }
        self.inline_value(q, indent)
    }

    /// A mapping key at `p` followed by `:` and a space or line end:
    /// the key event, its span and the colon's offset.
    fn key(&self, p: usize) -> Option<(Event<'a>, usize, usize, usize)> {
        match self.at(p) {
            b'"' | b'\'' => {
                let (ev, end) = self.quoted(p)?;
                if end - p > 1024 {
                    return None;
                }
                let colon = self.skip_spaces(end);
                if self.at(colon) == b':' && matches!(self.at(colon + 1), b' ' | b'\n') {
                    // saphyr's span of a quoted key runs on to the colon.
                    Some((ev, p, colon, colon))
                } else {
                    None
                }
            }
            c if starts_plain(c, self.at(p + 1)) => {
                let end = self.line_end(p);
                let mut i = p;
                while i < end {
                    match self.b[i] {
                        b':' if matches!(self.at(i + 1), b' ' | b'\n') => {
                            let ke = trim_end(self.b, p, i);
                            if ke - p > 1024 {
                                return None;
                            }
                            let ev = plain(&self.text[p..ke]);
                            return Some((ev, p, ke, i));
                        }
                        b'#' if self.b[i - 1] == b' ' => return None,
                        _ => i += 1,
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// A value written on the key's (or dash's) line at `q`; `indent` is
    /// the column of the enclosing block, which the next line must not
    /// exceed.
    fn inline_value(&mut self, q: usize, indent: usize) -> Option<()> {
        match self.at(q) {
            b'"' | b'\'' => {
                let (ev, end) = self.quoted(q)?;
                if !self.rest_is_blank(end) {
                    return None;
                }
                self.push(ev, q, end);
                self.take_comment(end);
                self.advance_from(end);
            }
            b'[' | b'{' => {
                let end = self.flow_node(q)?;
                if !self.rest_is_blank(end) {
                    return None;
                }
                self.take_comment(end);
                self.advance_from(end);
            }
            b'|' => return self.literal(q, indent),
            c if starts_plain(c, self.at(q + 1)) => {
                let end = self.line_end(q);
                let mut i = q;
                let mut stop = end;
                while i < end {
                    match self.b[i] {
                        b':' if matches!(self.at(i + 1), b' ' | b'\n') => return None,
                        b'#' if self.b[i - 1] == b' ' => {
                            stop = i;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                let e = trim_end(self.b, q, stop);
                self.push(plain(&self.text[q..e]), q, e);
                self.advance_from(q);
            }
            _ => return None,
        }
        match self.cur {
            Some(l) if l.indent > indent => None,
            _ => Some(()),
        }
    }

    /// A block sequence with dashes at column `indent`. An indentless one
    /// (`key:` then `- item` at the key's column) ends at the next key.
    fn block_seq_inner(&mut self, indent: usize, indentless: bool) -> Option<()> {
        let line = self.cur?;
        let start_at = if indentless {
            // saphyr places it at the first item's token.
            let q = self.skip_spaces(line.content() + 1);
            if matches!(self.at(q), b'\n' | b'#') {
                return None;
            }
            q
        } else {
            line.content()
        };
        self.push(Event::SequenceStart(0, None), start_at, start_at);
        while let Some(line) = self.cur {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            if !self.is_seq_entry(line) {
                if indentless {
                    break;
                }
                return None;
            }
            let dash = line.content();
            let q = self.skip_spaces(dash + 1);
            match self.at(q) {
                b'\n' | b'#' => {
                    // An empty item is placed at its line's end.
                    let at = self.line_end(q);
                    self.advance_from(q);
                    match self.cur {
                        Some(l) if l.indent > indent => self.block_node()?,
                        _ => self.push(empty_scalar(), at, at),
                    }
                }
                b'-' if matches!(self.at(q + 1), b' ' | b'\n') => return None,
                _ if self.key(q).is_some() => self.block_map(q - line.start, q)?,
                _ => self.inline_value(q, indent)?,
            }
        }
        let end = self.next_token();
        self.push(Event::SequenceEnd, end, end);
        Some(())
    }

    /// A literal block scalar whose `|` is at `q`, in a block at column
    /// `indent`.
    fn literal(&mut self, q: usize, indent: usize) -> Option<()> {
        let mut h = q + 1;
        let chomp = match self.at(h) {
            b'-' => {
                h += 1;
                Chomp::Strip
            }
            b'+' => {
                h += 1;
                Chomp::Keep
            }
            _ => Chomp::Clip,
        };
        if !matches!(self.at(h), b' ' | b'\n') || !self.rest_is_blank(h) {
            return None;
        }
        let len = self.b.len();
        let mut from = self.line_end(h) + 1;
        // Leading blank lines, then the first line with text sets the
        // content indentation.
        let mut leading = 0usize;
        let mut leading_max = 0usize;
        let first = loop {
            if from >= len {
                return None;
            }
            let end = self.line_end(from);
            let spaces = self.skip_spaces(from) - from;
            if from + spaces == end {
                leading += 1;
                leading_max = leading_max.max(spaces);
                from = end + 1;
                continue;
            }
            break Line {
                start: from,
                indent: spaces,
                end,
            };
        };
        let m = first.indent;
        if m <= indent {
            // No content: the scalar ends where the next token (or
            // comment) starts, holding only the blank lines' breaks for `|+`.
            if leading_max > 0 {
                return None;
            }
            let at = first.start + first.indent;
            let text = match chomp {
                Chomp::Keep => "\n".repeat(leading),
                _ => String::new(),
            };
            self.cur = if self.at(at) == b'#' {
                self.content_line(first.start)
            } else {
                Some(first)
            };
            self.push(
                Event::Scalar(Cow::Owned(text), ScalarStyle::Literal, 0, None),
                at,
                at,
            );
            return match self.cur {
                Some(l) if l.indent > indent => None,
                _ => Some(()),
            };
        }
        if leading_max > m {
            return None;
        }
        let mut out = String::new();
        for _ in 0..leading {
            out.push('\n');
        }
        // Blank lines after the last text line, kept for `|+`.
        let mut trailing = 0usize;
        let mut comment_at = None;
        let mut line = first;
        let next: Option<Line> = loop {
            let only_spaces = line.start + line.indent == line.end;
            if only_spaces && line.end == len {
                // Readers differ on a last line of spaces without a break.
                return None;
            } else if only_spaces && line.indent <= m {
                trailing += 1;
            } else if line.indent >= m {
                for _ in 0..trailing {
                    out.push('\n');
                }
                trailing = 0;
                out.push_str(self.text.get(line.start + m..line.end)?);
                out.push('\n');
            } else {
                if self.at(line.start + line.indent) == b'#' {
                    // Comment lines end the scalar (and its span); the
                    // next token is the next line with content.
                    comment_at = Some(line.start + line.indent);
                    break self.content_line(line.start);
                }
                break Some(line);
            }
            let from = line.end + 1;
            if from >= len {
                break None;
            }
            let end = self.line_end(from);
            let spaces = self.skip_spaces(from) - from;
            line = Line {
                start: from,
                indent: spaces,
                end,
            };
        };
        match chomp {
            Chomp::Strip => {
                out.pop();
            }
            Chomp::Clip => {}
            Chomp::Keep => {
                for _ in 0..trailing {
                    out.push('\n');
                }
            }
        }
        self.cur = next;
        let end = comment_at.unwrap_or_else(|| self.next_token());
        self.push(
            Event::Scalar(Cow::Owned(out), ScalarStyle::Literal, 0, None),
            first.start + m,
            end,
        );
        match self.cur {
            Some(l) if l.indent > indent => None,
            _ => Some(()),
        }
    }

    /// saphyr's span of a quoted scalar or closing bracket ending a line
    /// takes in the spaces and comment after it.
    fn take_comment(&mut self, end: usize) {
        let j = self.skip_spaces(end);
        if matches!(self.at(j), b'#' | b'\n') {
            let line_end = self.line_end(j);
            if let Some(last) = self.events.last_mut() {
                last.2 = line_end;
            }
        }
    }

    /// A one-line flow collection or scalar at `p`; returns where it ends.
    fn flow_node(&mut self, p: usize) -> Option<usize> {
        match self.at(p) {
            b'[' | b'{' => {
                let close = if self.at(p) == b'[' { b']' } else { b'}' };
                let end = self.flow_collection(p, close)?;
                // Like a quoted scalar's, the closing bracket's span runs on
                // over spaces.
                let to = self.skip_spaces(end);
                if let Some(last) = self.events.last_mut() {
                    last.2 = to;
                }
                Some(end)
            }
            b'"' | b'\'' => {
                // In a flow, saphyr's span runs on over spaces to the next token.
                let (ev, end) = self.quoted(p)?;
                self.push(ev, p, self.skip_spaces(end));
                Some(end)
            }
            c if starts_flow_plain(c, self.at(p + 1)) => {
                let end = self.flow_plain_end(p)?;
                self.push(plain(&self.text[p..end]), p, end);
                Some(end)
            }
            _ => None,
        }
    }

    /// Where a plain scalar in a flow collection ends (before a `,` or a
    /// closing bracket); `None` if it runs into anything else.
    fn flow_plain_end(&self, p: usize) -> Option<usize> {
        let mut i = p;
        loop {
            match self.at(i) {
                b',' | b']' | b'}' => return Some(trim_end(self.b, p, i)),
                b'[' | b'{' | b'\n' => return None,
                b':' => {
                    if matches!(
                        self.at(i + 1),
                        b' ' | b',' | b'[' | b']' | b'{' | b'}' | b'\n'
                    ) {
                        return None;
                    }
                    i += 1;
                }
                b'#' if self.b[i - 1] == b' ' => return None,
                _ => i += 1,
            }
        }
    }

    /// `[…]` or `{…}` on one line.
    fn flow_collection_inner(&mut self, p: usize, close: u8) -> Option<usize> {
        let is_map = close == b'}';
        let mut i = self.skip_spaces(p + 1);
        let start = if is_map {
            Event::MappingStart(0, None)
        } else {
            Event::SequenceStart(0, None)
        };
        self.push(start, p, i);
        let end_event = || {
            if is_map {
                Event::MappingEnd
            } else {
                Event::SequenceEnd
            }
        };
        if self.at(i) == close {
            self.push(end_event(), i, i + 1);
            return Some(i + 1);
        }
        loop {
            if is_map {
                // key: value
                let ke = match self.at(i) {
                    b'"' | b'\'' => {
                        let (ev, end) = self.quoted(i)?;
                        self.push(ev, i, end);
                        end
                    }
                    c if starts_flow_plain(c, self.at(i + 1)) => {
                        let mut j = i;
                        loop {
                            match self.at(j) {
                                b':' if self.at(j + 1) == b' ' => break,
                                b',' | b'[' | b']' | b'{' | b'}' | b'\n' | b':' => return None,
                                b'#' if self.b[j - 1] == b' ' => return None,
                                _ => j += 1,
                            }
                        }
                        let e = trim_end(self.b, i, j);
                        self.push(plain(&self.text[i..e]), i, e);
                        e
                    }
                    _ => return None,
                };
                let colon = self.skip_spaces(ke);
                if self.at(colon) != b':' || self.at(colon + 1) != b' ' {
                    return None;
                }
                i = self.skip_spaces(colon + 1);
            }
            if matches!(self.at(i), b',' | b']' | b'}' | b'\n' | b'#') {
                return None;
            }
            let end = self.flow_node(i)?;
            i = self.skip_spaces(end);
            match self.at(i) {
                b',' => {
                    i = self.skip_spaces(i + 1);
                    if matches!(self.at(i), b',' | b']' | b'}' | b'\n' | b'#') {
                        return None;
                    }
                }
                c if c == close => {
                    self.push(end_event(), i, i + 1);
                    return Some(i + 1);
                }
                _ => return None,
            }
        }
    }

    /// A one-line quoted scalar at `p`: the event and the offset after the
    /// closing quote.
    fn quoted(&self, p: usize) -> Option<(Event<'a>, usize)> {
        let quote = self.at(p);
        let mut i = p + 1;
        let mut owned: Option<String> = None;
        let mut run = i;
        loop {
            let c = self.at(i);
            if c == b'\n' {
                return None;
            }
            if c == quote {
                if quote == b'\'' && self.at(i + 1) == b'\'' {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(self.text.get(run..i)?);
                    s.push('\'');
                    i += 2;
                    run = i;
                    continue;
                }
                let body: Cow<'a, str> = match owned {
                    Some(mut s) => {
                        s.push_str(self.text.get(run..i)?);
                        Cow::Owned(s)
                    }
                    None => Cow::Borrowed(self.text.get(run..i)?),
                };
                let style = if quote == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                return Some((Event::Scalar(body, style, 0, None), i + 1));
            }
            if c == b'\\' && quote == b'"' {
                let decoded = match self.at(i + 1) {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'n' => '\n',
                    b't' => '\t',
                    _ => return None,
                };
                let s = owned.get_or_insert_with(String::new);
                s.push_str(self.text.get(run..i)?);
                s.push(decoded);
                i += 2;
                run = i;
                continue;
            }
            i += 1;
        }
    }
}

#[derive(Clone, Copy)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

fn plain(s: &str) -> Event<'_> {
    Event::Scalar(Cow::Borrowed(s), ScalarStyle::Plain, 0, None)
}

fn empty_scalar<'a>() -> Event<'a> {
    Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None)
}

/// Can a plain scalar start with `c` (followed by `next`)? Indicators
/// cannot, except `-` before a non-space; `?` and `:` are left to saphyr.
fn starts_plain(c: u8, next: u8) -> bool {
    match c {
        b'-' => !matches!(next, b' ' | b'\n'),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
        _ => true,
    }
}

/// [`starts_plain`] inside a flow collection, where `-` before a flow
/// indicator is not a scalar either.
fn starts_flow_plain(c: u8, next: u8) -> bool {
    starts_plain(c, next) && !(c == b'-' && matches!(next, b',' | b'[' | b']' | b'{' | b'}'))
}

/// `end` moved back over trailing spaces (not before `start`).
fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && b[end - 1] == b' ' {
        end -= 1;
    }
    end
}
