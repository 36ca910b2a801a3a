//! The lexer: template text → tokens with byte spans.
//!
//! It follows Go's `text/template/parse` lexer state by state, because the
//! exact token boundaries decide trimming (`{{- ` / ` -}}`), which characters
//! end a field (`.a.b` is two field tokens) and the wording of lexical errors.
//! Delimiters are a parameter ([`Delims`]). Comments are kept as tokens (the
//! language server wants them); the parser skips them as Go does.

/// The Chart.yaml annotation by which a chart opts into other delimiters,
/// e.g. `kubectl-chart.io/delimiters: "<< >>"` (see [`Delims::from_annotation`]).
pub const DELIMITERS_ANNOTATION: &str = "kubectl-chart.io/delimiters";

/// The action delimiters of a template, `{{ }}` by default.
///
/// A chart opts into `<< >>` with the Chart.yaml annotation
/// `kubectl-chart.io/delimiters: "<< >>"`; the Helm layer reads it and hands
/// the pair to the engine.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Delims {
    pub left: String,
    pub right: String,
}

impl Default for Delims {
    fn default() -> Delims {
        Delims {
            left: "{{".to_string(),
            right: "}}".to_string(),
        }
    }
}

impl Delims {
    pub fn new(left: &str, right: &str) -> Delims {
        Delims {
            left: if left.is_empty() { "{{" } else { left }.to_string(),
            right: if right.is_empty() { "}}" } else { right }.to_string(),
        }
    }

    /// Parses an annotation value such as `"<< >>"` (two words separated by
    /// whitespace). `None` when it is not exactly two non-empty words.
    pub fn from_annotation(value: &str) -> Option<Delims> {
        let mut words = value.split_whitespace();
        let left = words.next()?;
        let right = words.next()?;
        if words.next().is_some() {
            return None;
        }
        Some(Delims::new(left, right))
    }
}

/// Keywords of the template language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    Block,
    Break,
    Continue,
    Define,
    Else,
    End,
    If,
    Range,
    Template,
    With,
}

/// Token kinds, named after Go's `itemType`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Plain text outside actions (already trimmed by trim markers).
    Text,
    LeftDelim,
    RightDelim,
    /// A `{{/* … */}}` comment (the whole action).
    Comment,
    /// A run of spaces inside an action.
    Space,
    Bool,
    /// A printable ASCII character Go lexes as `itemChar` (`,` and friends).
    Char,
    /// A character constant `'a'`.
    CharConstant,
    Number,
    /// A complex constant `1+2i` (parsed only to be rejected).
    Complex,
    String,
    RawString,
    Identifier,
    /// `.name`
    Field,
    /// `$` or `$name`
    Variable,
    Dot,
    Nil,
    Pipe,
    LeftParen,
    RightParen,
    /// `=`
    Assign,
    /// `:=`
    Declare,
    Keyword(Keyword),
    Eof,
    /// A lexical error; the message is in [`Lexed::error`].
    Error,
}

/// One token: kind and byte range in the template text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: u32,
    pub end: u32,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

/// The token stream of a template. When lexing fails the stream ends with an
/// [`TokenKind::Error`] token and `error` holds Go's message.
#[derive(Clone, Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub error: Option<String>,
}

/// Lexes `src`. `break_continue` is false when a function named `break`
/// exists, as in Go (the words then lex as identifiers).
pub fn lex(src: &str, delims: &Delims, break_continue: bool) -> Lexed {
    lex_into(src, delims, break_continue, Vec::new())
}

/// [`lex`] into `tokens` (cleared first): a caller lexing many texts hands
/// back the previous stream's buffer instead of growing a new one each time.
pub fn lex_into(src: &str, delims: &Delims, break_continue: bool, mut tokens: Vec<Token>) -> Lexed {
    tokens.clear();
    let mut l = Lexer {
        src,
        bytes: src.as_bytes(),
        left: delims.left.as_bytes(),
        right: delims.right.as_bytes(),
        right_first: delims.right.chars().next(),
        left_finder: memchr::memmem::Finder::new(delims.left.as_bytes()),
        pos: 0,
        start: 0,
        paren_depth: 0,
        break_continue,
        out: Lexed {
            tokens,
            error: None,
        },
    };
    l.run();
    l.out
}

const LEFT_COMMENT: &[u8] = b"/*";
const RIGHT_COMMENT: &[u8] = b"*/";

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// Go's `%#U` rendering of a rune: `U+0041 'A'`.
pub(crate) fn fmt_rune_u(c: char) -> String {
    let code = format!("U+{:04X}", c as u32);
    if is_go_print(c) {
        format!("{code} '{c}'")
    } else {
        code
    }
}

/// ASCII letters, digits and `_`: names are most of an action's bytes.
static WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    left: &'a [u8],
    right: &'a [u8],
    /// The right delimiter's first character (it ends an operand).
    right_first: Option<char>,
    /// Searcher for the left delimiter, built once per text.
    left_finder: memchr::memmem::Finder<'a>,
    pos: usize,
    start: usize,
    paren_depth: i32,
    break_continue: bool,
    out: Lexed,
}

enum State {
    Text,
    LeftDelim,
    InsideAction,
    Done,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
    }

    fn at(&self, off: usize) -> &'a [u8] {
        self.bytes.get(off..).unwrap_or(&[])
    }

    fn peek_char(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn emit(&mut self, kind: TokenKind) {
        self.out.tokens.push(Token {
            kind,
            start: self.start as u32,
            end: self.pos as u32,
        });
        self.start = self.pos;
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    fn error(&mut self, msg: String) -> State {
        self.out.tokens.push(Token {
            kind: TokenKind::Error,
            start: self.start as u32,
            end: self.pos.max(self.start) as u32,
        });
        self.out.error = Some(msg);
        State::Done
    }

    fn run(&mut self) {
        let mut state = State::Text;
        loop {
            state = match state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::Done => return,
            }
        }
    }

    fn has_left_trim(s: &[u8]) -> bool {
        s.len() >= 2 && s[0] == b'-' && is_space(s[1])
    }

    fn has_right_trim(s: &[u8]) -> bool {
        s.len() >= 2 && is_space(s[0]) && s[1] == b'-'
    }

    /// Are we at the right delimiter, possibly preceded by a trim marker?
    #[inline(always)]
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        // Asked before every token of an action: reject on the first byte,
        // or for a space on the second (a trim marker's `-`).
        match rest.first() {
            Some(&c) if self.right.first() == Some(&c) => {}
            Some(&c) if is_space(c) => {
                let trimmed = Self::has_right_trim(rest) && rest[2..].starts_with(self.right);
                return (trimmed, trimmed);
            }
            _ => return (false, false),
        }
        if Self::has_right_trim(rest) && rest[2..].starts_with(self.right) {
            return (true, true);
        }
        (rest.starts_with(self.right), false)
    }

    fn lex_text(&mut self) -> State {
        let rest = self.rest();
        match self.left_finder.find(rest) {
            Some(x) => {
                let delim_at = self.pos + x;
                let mut text_end = delim_at;
                if Self::has_left_trim(self.at(delim_at + self.left.len())) {
                    while text_end > self.start && is_space(self.bytes[text_end - 1]) {
                        text_end -= 1;
                    }
                }
                self.pos = text_end;
                if self.pos > self.start {
                    self.emit(TokenKind::Text);
                }
                self.pos = delim_at;
                self.ignore();
                State::LeftDelim
            }
            None => {
                self.pos = self.bytes.len();
                if self.pos > self.start {
                    self.emit(TokenKind::Text);
                }
                self.emit(TokenKind::Eof);
                State::Done
            }
        }
    }

    fn skip_left_trim_space(&mut self) {
        while self.pos < self.bytes.len() && is_space(self.bytes[self.pos]) {
            self.pos += 1;
        }
    }

    fn lex_left_delim(&mut self) -> State {
        let delim_start = self.pos;
        self.pos += self.left.len();
        let trim = Self::has_left_trim(self.rest());
        let after_marker = if trim { 2 } else { 0 };
        if self.at(self.pos + after_marker).starts_with(LEFT_COMMENT) {
            self.start = delim_start;
            self.pos += after_marker + LEFT_COMMENT.len();
            let Some(x) = find(self.rest(), RIGHT_COMMENT) else {
                return self.error("unclosed comment".into());
            };
            self.pos += x + RIGHT_COMMENT.len();
            let (delim, trim_right) = self.at_right_delim();
            if !delim {
                return self.error("comment ends before closing delimiter".into());
            }
            if trim_right {
                self.pos += 2;
            }
            self.pos += self.right.len();
            self.emit(TokenKind::Comment);
            if trim_right {
                self.skip_left_trim_space();
                self.ignore();
            }
            return State::Text;
        }
        self.emit(TokenKind::LeftDelim);
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        State::InsideAction
    }

    fn lex_right_delim(&mut self) -> State {
        let trim = Self::has_right_trim(self.rest());
        if trim {
            self.pos += 2;
            self.ignore();
        }
        self.pos += self.right.len();
        self.emit(TokenKind::RightDelim);
        if trim {
            self.skip_left_trim_space();
            self.ignore();
        }
        State::Text
    }

    fn lex_inside_action(&mut self) -> State {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim();
            }
            return self.error("unclosed left paren".into());
        }
        let Some(c) = self.next_char() else {
            return self.error("unclosed action".into());
        };
        match c {
            c if c.is_ascii() && is_space(c as u8) => {
                self.pos -= 1;
                return self.lex_space();
            }
            '=' => self.emit(TokenKind::Assign),
            ':' => {
                if self.next_char() != Some('=') {
                    return self.error("expected :=".into());
                }
                self.emit(TokenKind::Declare);
            }
            '|' => self.emit(TokenKind::Pipe),
            '"' => return self.lex_quote(),
            '`' => return self.lex_raw_quote(),
            '$' => return self.lex_field_or_variable(TokenKind::Variable),
            '\'' => return self.lex_char(),
            '.' => {
                let digit_next = self.bytes.get(self.pos).is_some_and(|b| b.is_ascii_digit());
                if !digit_next {
                    return self.lex_field_or_variable(TokenKind::Field);
                }
                self.pos -= 1;
                return self.lex_number();
            }
            '+' | '-' | '0'..='9' => {
                self.pos -= 1;
                return self.lex_number();
            }
            c if is_alnum(c) => {
                self.pos -= c.len_utf8();
                return self.lex_identifier();
            }
            '(' => {
                self.emit(TokenKind::LeftParen);
                self.paren_depth += 1;
            }
            ')' => {
                self.emit(TokenKind::RightParen);
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.error(format!("unexpected right paren {}", fmt_rune_u(c)));
                }
            }
            c if c.is_ascii() && !c.is_ascii_control() => self.emit(TokenKind::Char),
            c => {
                return self.error(format!(
                    "unrecognized character in action: {}",
                    fmt_rune_u(c)
                ));
            }
        }
        State::InsideAction
    }

    fn lex_space(&mut self) -> State {
        let mut num = 0;
        while self.pos < self.bytes.len() && is_space(self.bytes[self.pos]) {
            self.pos += 1;
            num += 1;
        }
        // A trim-marked right delimiter starts with the last space.
        let last = self.pos - 1;
        if Self::has_right_trim(self.at(last)) && self.at(last + 2).starts_with(self.right) {
            self.pos = last;
            if num == 1 {
                return self.lex_right_delim();
            }
        }
        self.emit(TokenKind::Space);
        State::InsideAction
    }

    fn at_terminator(&self) -> bool {
        let Some(c) = self.peek_char() else {
            return true;
        };
        if c.is_ascii() && is_space(c as u8) {
            return true;
        }
        if matches!(c, '.' | ',' | '|' | ':' | ')' | '(') {
            return true;
        }
        self.right_first == Some(c)
    }

    /// Moves past letters, digits and `_` (Go's `isAlphaNumeric`); ASCII,
    /// nearly all of it, without decoding characters.
    fn skip_alnum(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if WORD_BYTE[b as usize] {
                self.pos += 1;
            } else if b.is_ascii() {
                break;
            } else {
                match self.peek_char() {
                    Some(c) if is_alnum(c) => self.pos += c.len_utf8(),
                    _ => break,
                }
            }
        }
    }

    fn lex_identifier(&mut self) -> State {
        self.skip_alnum();
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or('\0');
            self.pos += c.len_utf8();
            return self.error(format!("bad character {}", fmt_rune_u(c)));
        }
        let word = &self.src[self.start..self.pos];
        let kind = match word {
            "block" => TokenKind::Keyword(Keyword::Block),
            "break" if self.break_continue => TokenKind::Keyword(Keyword::Break),
            "continue" if self.break_continue => TokenKind::Keyword(Keyword::Continue),
            "define" => TokenKind::Keyword(Keyword::Define),
            "else" => TokenKind::Keyword(Keyword::Else),
            "end" => TokenKind::Keyword(Keyword::End),
            "if" => TokenKind::Keyword(Keyword::If),
            "range" => TokenKind::Keyword(Keyword::Range),
            "template" => TokenKind::Keyword(Keyword::Template),
            "with" => TokenKind::Keyword(Keyword::With),
            "nil" => TokenKind::Nil,
            "true" | "false" => TokenKind::Bool,
            _ => TokenKind::Identifier,
        };
        self.emit(kind);
        State::InsideAction
    }

    fn lex_field_or_variable(&mut self, kind: TokenKind) -> State {
        if self.at_terminator() {
            self.emit(if kind == TokenKind::Variable {
                TokenKind::Variable
            } else {
                TokenKind::Dot
            });
            return State::InsideAction;
        }
        self.skip_alnum();
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or('\0');
            self.pos += c.len_utf8();
            return self.error(format!("bad character {}", fmt_rune_u(c)));
        }
        self.emit(kind);
        State::InsideAction
    }

    fn lex_char(&mut self) -> State {
        loop {
            match self.next_char() {
                Some('\\') => match self.next_char() {
                    Some('\n') | None => {
                        return self.error("unterminated character constant".into());
                    }
                    Some(_) => {}
                },
                Some('\n') | None => return self.error("unterminated character constant".into()),
                Some('\'') => break,
                Some(_) => {}
            }
        }
        self.emit(TokenKind::CharConstant);
        State::InsideAction
    }

    fn lex_quote(&mut self) -> State {
        loop {
            match self.next_char() {
                Some('\\') => match self.next_char() {
                    Some('\n') | None => return self.error("unterminated quoted string".into()),
                    Some(_) => {}
                },
                Some('\n') | None => return self.error("unterminated quoted string".into()),
                Some('"') => break,
                Some(_) => {}
            }
        }
        self.emit(TokenKind::String);
        State::InsideAction
    }

    fn lex_raw_quote(&mut self) -> State {
        loop {
            match self.next_char() {
                None => return self.error("unterminated raw quoted string".into()),
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(TokenKind::RawString);
        State::InsideAction
    }

    fn accept(&mut self, valid: &[u8]) -> bool {
        if let Some(&b) = self.bytes.get(self.pos)
            && valid.contains(&b)
        {
            self.pos += 1;
            return true;
        }
        false
    }

    fn accept_run(&mut self, valid: &[u8]) {
        while self.accept(valid) {}
    }

    fn scan_number(&mut self) -> bool {
        self.accept(b"+-");
        let mut digits: &[u8] = b"0123456789_";
        if self.accept(b"0") {
            if self.accept(b"xX") {
                digits = b"0123456789abcdefABCDEF_";
            } else if self.accept(b"oO") {
                digits = b"01234567_";
            } else if self.accept(b"bB") {
                digits = b"01_";
            }
        }
        self.accept_run(digits);
        if self.accept(b".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept(b"eE") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        if digits.len() == 23 && self.accept(b"pP") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        self.accept(b"i");
        if let Some(c) = self.peek_char()
            && is_alnum(c)
        {
            self.pos += c.len_utf8();
            return false;
        }
        true
    }

    fn lex_number(&mut self) -> State {
        if !self.scan_number() {
            let text = self.src[self.start..self.pos].to_string();
            return self.error(format!("bad number syntax: {}", go_quote(&text)));
        }
        if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
            if !self.scan_number() || self.bytes.get(self.pos.wrapping_sub(1)) != Some(&b'i') {
                let text = self.src[self.start..self.pos].to_string();
                return self.error(format!("bad number syntax: {}", go_quote(&text)));
            }
            self.emit(TokenKind::Complex);
        } else {
            self.emit(TokenKind::Number);
        }
        State::InsideAction
    }
}

/// First occurrence of `needle` (a delimiter) in `hay`; text between
/// actions is most of a template, so this is the lexer's hot loop.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Go's `strconv.Quote` (`%q` of a string).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    go_quote_into(&mut out, s, '"', false);
    out.push('"');
    out
}

/// Appends `s` escaped as inside a Go quoted literal with the given quote.
pub(crate) fn go_quote_into(out: &mut String, s: &str, quote: char, ascii_only: bool) {
    for c in s.chars() {
        go_quote_rune_into(out, c, quote, ascii_only);
    }
}

pub(crate) fn go_quote_rune_into(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if ascii_only {
        if c.is_ascii() && is_go_print(c) {
            out.push(c);
            return;
        }
    } else if is_go_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            out.push_str(&format!("\\x{:02x}", c as u32));
        }
        '\u{FFFD}' => out.push_str("\\ufffd"),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// An approximation of Go's `strconv.IsPrint`: letters, marks, numbers,
/// punctuation, symbols and the ASCII space.
pub(crate) fn is_go_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    // Unassigned/format/private-use ranges Go treats as non-printable.
    !matches!(u, 0xAD | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xFFFE | 0xFFFF | 0xD800..=0xDFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        lex(src, &Delims::default(), true)
            .tokens
            .iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn fields_split_and_trim() {
        use TokenKind::*;
        assert_eq!(
            kinds("a {{- .x.y -}} b"),
            vec![Text, LeftDelim, Field, Field, RightDelim, Text, Eof]
        );
        let l = lex("a  {{- 1 -}}  b", &Delims::default(), true);
        assert_eq!(l.tokens[0].text("a  {{- 1 -}}  b"), "a");
        assert_eq!(l.tokens[4].text("a  {{- 1 -}}  b"), "b");
    }

    #[test]
    fn errors() {
        assert_eq!(
            lex("{{ 1", &Delims::default(), true).error.as_deref(),
            Some("unclosed action")
        );
        assert_eq!(
            lex("{{ 3x }}", &Delims::default(), true).error.as_deref(),
            Some("bad number syntax: \"3x\"")
        );
        assert_eq!(
            lex("{{ .a@ }}", &Delims::default(), true).error.as_deref(),
            Some("bad character U+0040 '@'")
        );
    }

    #[test]
    fn custom_delims() {
        use TokenKind::*;
        assert_eq!(
            kinds("<< .x >>{{ y }}"),
            vec![Text, LeftDelim, Space, Identifier, Space, RightDelim, Eof],
            "default delimiters ignore << >>"
        );
        let l = lex("<< .x >>{{ y }}", &Delims::new("<<", ">>"), true);
        let k: Vec<_> = l.tokens.iter().map(|t| t.kind).collect();
        assert_eq!(
            k,
            vec![LeftDelim, Space, Field, Space, RightDelim, Text, Eof]
        );
    }
}
