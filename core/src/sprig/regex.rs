//! Regular expressions with Go `regexp` (RE2) semantics: `regexMatch
//! regexFind regexFindAll regexReplaceAll regexReplaceAllLiteral regexSplit
//! regexQuoteMeta` and the `must*` variants.
//!
//! The `regex` crate is RE2-like; the visible differences are handled here:
//! Go's `\d \w \s \b` are ASCII-only (translated to ASCII classes), and
//! compile errors are reworded into Go's `error parsing regexp: …` texts.
//! Non-`must` variants panic in Sprig (`regexp: Compile(…): …`), except
//! `regexMatch`, which returns false.

use std::sync::Arc;

use regex::Regex;

use super::{arg_int, arg_str, ok, string_list};
use crate::template::{Elem, FuncError, FuncResult, FuncTable, Signature, Ty, Value};

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    t.add("regexMatch", Signature::fixed(&[String, String]), |a| {
        let s = arg_str(a, 1)?;
        ok(compile(arg_str(a, 0)?).is_ok_and(|re| re.is_match(s)))
    });
    t.add("mustRegexMatch", Signature::fixed(&[String, String]), |a| {
        let re = compile(arg_str(a, 0)?).map_err(FuncError::new)?;
        ok(re.is_match(arg_str(a, 1)?))
    });
    t.add("regexFind", Signature::fixed(&[String, String]), |a| {
        find(a, true)
    });
    t.add("mustRegexFind", Signature::fixed(&[String, String]), |a| {
        find(a, false)
    });
    t.add(
        "regexFindAll",
        Signature::fixed(&[String, String, Int]),
        |a| find_all(a, true),
    );
    t.add(
        "mustRegexFindAll",
        Signature::fixed(&[String, String, Int]),
        |a| find_all(a, false),
    );
    t.add(
        "regexReplaceAll",
        Signature::fixed(&[String, String, String]),
        |a| replace(a, true, true),
    );
    t.add(
        "mustRegexReplaceAll",
        Signature::fixed(&[String, String, String]),
        |a| replace(a, false, true),
    );
    t.add(
        "regexReplaceAllLiteral",
        Signature::fixed(&[String, String, String]),
        |a| replace(a, true, false),
    );
    t.add(
        "mustRegexReplaceAllLiteral",
        Signature::fixed(&[String, String, String]),
        |a| replace(a, false, false),
    );
    t.add(
        "regexSplit",
        Signature::fixed(&[String, String, Int]),
        |a| split(a, true),
    );
    t.add(
        "mustRegexSplit",
        Signature::fixed(&[String, String, Int]),
        |a| split(a, false),
    );
    t.add("regexQuoteMeta", Signature::fixed(&[String]), |a| {
        ok(quote_meta(arg_str(a, 0)?))
    });
}

/// Compiles like `regexp.Compile`, as the non-`must` variants'
/// `regexp.MustCompile` panic (`panicking`) or the `must` variants' error.
fn compile_for(pattern: &str, panicking: bool) -> Result<Arc<Regex>, FuncError> {
    compile(pattern).map_err(|e| {
        if panicking {
            FuncError::new(format!("regexp: Compile({}): {e}", go_backquote(pattern)))
        } else {
            FuncError::new(e)
        }
    })
}

/// Go `strconv.Quote`-or-backquote as `regexp.MustCompile`'s panic uses it.
fn go_backquote(s: &str) -> std::string::String {
    if !s.contains('`') && !s.chars().any(|c| c.is_control() && c != '\t') {
        format!("`{s}`")
    } else {
        super::conversion::go_quote(s)
    }
}

fn find(a: &[Value], panicking: bool) -> FuncResult {
    let re = compile_for(arg_str(a, 0)?, panicking)?;
    let s = arg_str(a, 1)?;
    ok(re.find(s).map_or("", |m| m.as_str()))
}

fn find_all(a: &[Value], panicking: bool) -> FuncResult {
    let re = compile_for(arg_str(a, 0)?, panicking)?;
    let (s, n) = (arg_str(a, 1)?, arg_int(a, 2)?);
    let found: Vec<std::string::String> = go_matches(&re, s, n)
        .into_iter()
        .map(|(b, e)| s[b..e].to_string())
        .collect();
    if found.is_empty() {
        // Go's FindAllString returns nil when nothing matches.
        return Ok(Value::nil_typed_list(Elem::String));
    }
    Ok(string_list(found))
}

fn replace(a: &[Value], panicking: bool, expand: bool) -> FuncResult {
    let re = compile_for(arg_str(a, 0)?, panicking)?;
    let (s, repl) = (arg_str(a, 1)?, arg_str(a, 2)?);
    let mut out = std::string::String::new();
    let mut last = 0;
    for caps in go_captures(&re, s) {
        let Some(m) = caps.get(0) else { continue };
        out.push_str(&s[last..m.start()]);
        if expand {
            caps.expand(repl, &mut out);
        } else {
            out.push_str(repl);
        }
        last = m.end();
    }
    out.push_str(&s[last..]);
    ok(out)
}

fn split(a: &[Value], panicking: bool) -> FuncResult {
    let pattern = arg_str(a, 0)?;
    let re = compile_for(pattern, panicking)?;
    let (s, n) = (arg_str(a, 1)?, arg_int(a, 2)?);
    if n == 0 {
        // Go's Regexp.Split returns nil for n == 0.
        return Ok(Value::nil_typed_list(Elem::String));
    }
    if !pattern.is_empty() && s.is_empty() {
        return Ok(string_list([std::string::String::new()]));
    }
    let mut parts = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for (b, e) in go_matches(&re, s, n) {
        if n > 0 && parts.len() as i64 == n - 1 {
            break;
        }
        end = b;
        if e != 0 {
            parts.push(s[beg..end].to_string());
        }
        beg = e;
    }
    if end != s.len() {
        parts.push(s[beg..].to_string());
    }
    Ok(string_list(parts))
}

/// Go's `allMatches` rule: successive non-overlapping matches, where an
/// empty match right after the previous match is dropped; at most `n`
/// (all when `n < 0`).
fn go_matches(re: &Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    go_captures(re, s)
        .into_iter()
        .filter_map(|c| c.get(0).map(|m| (m.start(), m.end())))
        .take(if n < 0 { usize::MAX } else { n as usize })
        .collect()
}

fn go_captures<'h>(re: &Regex, s: &'h str) -> Vec<regex::Captures<'h>> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut prev_end: Option<usize> = None;
    while pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        let (b, e) = (m.start(), m.end());
        let accept = !(b == e && prev_end == Some(b));
        if e == b {
            // Step over one character after an empty match.
            pos = s[e..]
                .chars()
                .next()
                .map_or(s.len() + 1, |c| e + c.len_utf8());
        } else {
            pos = e;
        }
        if accept {
            prev_end = Some(e);
            out.push(caps);
        }
    }
    out
}

/// Go `regexp.QuoteMeta`.
pub fn quote_meta(s: &str) -> std::string::String {
    let mut out = std::string::String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Compiles a Go (RE2) pattern; the error is Go's message.
///
/// Templates call the regex functions in loops with a handful of constant
/// patterns, so results (errors too) are cached per pattern. The cache hands
/// out the one shared `Regex` (not a clone: a clone would build its own
/// match cache on every call, which costs more than a short match).
pub fn compile(pattern: &str) -> Result<Arc<Regex>, std::string::String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    /// Bound on cached patterns; past it the cache starts over, which only
    /// costs recompiling (charts use far fewer distinct patterns).
    const CAPACITY: usize = 256;
    type Cache = Mutex<HashMap<std::string::String, Result<Arc<Regex>, std::string::String>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked mid-insert; the
    // map itself is still a valid cache.
    let lookup = |c: &Cache| {
        c.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(pattern)
            .cloned()
    };
    if let Some(hit) = lookup(cache) {
        return hit;
    }
    let compiled = compile_uncached(pattern).map(Arc::new);
    let mut map = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(pattern.to_string(), compiled.clone());
    compiled
}

fn compile_uncached(pattern: &str) -> Result<Regex, std::string::String> {
    let pattern = &literal_dash_after_class(pattern);
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| go_error(pattern, &e))?;
    if let Some(frag) = nested_repetition(&ast, pattern) {
        return Err(format!(
            "error parsing regexp: invalid nested repetition operator: `{frag}`"
        ));
    }
    Regex::new(&translate(pattern)).map_err(|e| format!("error parsing regexp: {e}"))
}

/// In a bracket class, RE2 reads a `-` right after a class item (`\w`,
/// `\pL`, `[:alpha:]`) as a literal, so `[\w-.]` is word characters, `-`
/// and `.`; the `regex` crate rejects it as a bad range. Escapes such
/// dashes (a `-` before the closing `]` is literal in both already).
fn literal_dash_after_class(p: &str) -> std::borrow::Cow<'_, str> {
    if !p.contains('[') || !p.contains('-') {
        return std::borrow::Cow::Borrowed(p);
    }
    let chars: Vec<char> = p.chars().collect();
    let mut out = std::string::String::with_capacity(p.len() + 4);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // End of the class item just copied, if it was a class itself.
        let mut item_end = None;
        if c == '\\' {
            let e = chars.get(i + 1).copied();
            let mut end = (i + 2).min(chars.len());
            let mut is_class = matches!(e, Some('d' | 'D' | 's' | 'S' | 'w' | 'W'));
            if matches!(e, Some('p' | 'P')) {
                is_class = true;
                if chars.get(i + 2) == Some(&'{') {
                    end = chars[i..]
                        .iter()
                        .position(|&x| x == '}')
                        .map_or(chars.len(), |n| i + n + 1);
                } else {
                    end = (i + 3).min(chars.len());
                }
            }
            out.extend(&chars[i..end]);
            if in_class && is_class {
                item_end = Some(end);
            }
            i = end;
        } else if c == '[' && !in_class {
            in_class = true;
            out.push('[');
            i += 1;
            // A leading `^` and/or `]` belong to the class.
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            if chars.get(i) == Some(&']') {
                out.push(']');
                i += 1;
            }
        } else if c == '[' && chars.get(i + 1) == Some(&':') {
            let rest: std::string::String = chars[i..].iter().collect();
            let end = rest
                .find(":]")
                .map_or(i + 1, |n| i + rest[..n].chars().count() + 2);
            out.extend(&chars[i..end]);
            if end > i + 1 {
                item_end = Some(end);
            }
            i = end;
        } else {
            if c == ']' && in_class {
                in_class = false;
            }
            out.push(c);
            i += 1;
        }
        if let Some(end) = item_end
            && chars.get(end) == Some(&'-')
            && chars.get(end + 1).is_some_and(|&n| n != ']')
        {
            out.push_str("\\-");
            i = end + 1;
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Go rejects a repetition applied directly to a repetition (`a**`,
/// `a+{2}`); the `regex` crate accepts it. Returns Go's fragment.
fn nested_repetition(ast: &regex_syntax::ast::Ast, pattern: &str) -> Option<std::string::String> {
    use regex_syntax::ast::Ast;
    match ast {
        Ast::Repetition(rep) => {
            if let Ast::Repetition(inner) = &*rep.ast {
                return pattern
                    .get(inner.op.span.start.offset..rep.op.span.end.offset)
                    .map(str::to_string);
            }
            nested_repetition(&rep.ast, pattern)
        }
        Ast::Group(g) => nested_repetition(&g.ast, pattern),
        Ast::Alternation(a) => a.asts.iter().find_map(|x| nested_repetition(x, pattern)),
        Ast::Concat(c) => c.asts.iter().find_map(|x| nested_repetition(x, pattern)),
        _ => None,
    }
}

/// Rewrites Go's ASCII-only Perl classes and word boundaries for the
/// Unicode-aware `regex` crate.
fn translate(p: &str) -> std::string::String {
    let mut out = std::string::String::with_capacity(p.len() + 16);
    let mut chars = p.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                match e {
                    'd' => out.push_str("[0-9]"),
                    'D' => out.push_str("[^0-9]"),
                    'w' => out.push_str("[0-9A-Za-z_]"),
                    'W' => out.push_str("[^0-9A-Za-z_]"),
                    's' => out.push_str(r"[\t\n\f\r ]"),
                    'S' => out.push_str(r"[^\t\n\f\r ]"),
                    'b' if !in_class => out.push_str(r"(?-u:\b)"),
                    'B' if !in_class => out.push_str(r"(?-u:\B)"),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A leading `^` and/or `]` belong to the class.
                let rest = chars.as_str();
                let mut skip = 0;
                if rest.starts_with('^') {
                    out.push('^');
                    skip += 1;
                }
                if rest[skip..].starts_with(']') {
                    out.push_str(r"\]");
                    skip += 1;
                }
                for _ in 0..skip {
                    chars.next();
                }
            }
            '[' if in_class && chars.as_str().starts_with(':') => {
                // POSIX class `[:alpha:]`: copy through its closing `:]`.
                out.push('[');
                if let Some(end) = chars.as_str().find(":]") {
                    let body: std::string::String = chars.by_ref().take(end + 2).collect();
                    out.push_str(&body);
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            other => out.push(other),
        }
    }
    out
}

/// Go's `error parsing regexp: CODE: `FRAGMENT`` for a syntax error.
fn go_error(pattern: &str, e: &regex_syntax::ast::Error) -> std::string::String {
    use regex_syntax::ast::ErrorKind as K;
    let span = e.span();
    let frag = pattern
        .get(span.start.offset..span.end.offset)
        .unwrap_or(pattern);
    let tail = pattern.get(span.start.offset..).unwrap_or(pattern);
    let (code, text) = match e.kind() {
        K::GroupUnclosed => ("missing closing )", pattern),
        K::GroupUnopened => ("unexpected )", pattern),
        K::ClassUnclosed => ("missing closing ]", tail),
        K::ClassRangeInvalid => ("invalid character class range", frag),
        K::RepetitionMissing => (
            "missing argument to repetition operator",
            if frag.is_empty() {
                tail.get(..1).unwrap_or(tail)
            } else {
                frag
            },
        ),
        K::UnsupportedBackreference => ("invalid escape sequence", frag),
        // A class (`\w`) as a range end: Go cannot read it as a character.
        K::ClassEscapeInvalid | K::ClassRangeLiteral => ("invalid escape sequence", frag),
        K::RepetitionCountInvalid | K::RepetitionCountUnclosed | K::RepetitionCountDecimalEmpty => {
            ("invalid repeat count", frag)
        }
        K::EscapeUnrecognized
        | K::EscapeHexInvalid
        | K::EscapeHexInvalidDigit
        | K::EscapeHexEmpty => ("invalid escape sequence", frag),
        K::EscapeUnexpectedEof => ("trailing backslash at end of expression", ""),
        K::GroupNameInvalid
        | K::GroupNameEmpty
        | K::GroupNameDuplicate { .. }
        | K::GroupNameUnexpectedEof => ("invalid named capture", frag),
        K::FlagUnrecognized
        | K::FlagDanglingNegation
        | K::FlagRepeatedNegation { .. }
        | K::FlagDuplicate { .. }
        | K::FlagUnexpectedEof => ("invalid or unsupported Perl syntax", frag),
        K::NestLimitExceeded(_) => ("expression nests too deeply", pattern),
        _ => ("invalid or unsupported Perl syntax", frag),
    };
    format!("error parsing regexp: {code}: `{text}`")
}
