//! String functions: Go `strings` wrappers, Sprig's own (`trunc`, `substr`,
//! `quote`, `cat`, `indent`, `split`…), and the goutils/xstrings helpers
//! Sprig delegates to (`abbrev`, `wrap`, `initials`, `swapcase`,
//! `snakecase`, `camelcase`, `kebabcase`, the `rand*` strings).
//!
//! Several of these work on bytes in Go (`trunc`, `substr`, `abbrev`,
//! `wrap`, `initials`, `nospace`); we keep the byte semantics and repair any
//! split UTF-8 sequence lossily, since Rust strings must stay valid.

use rand::RngExt;

use super::conversion::{go_quote, printable, try_strslice, try_strval};
use super::{arg, arg_int, arg_str, ok, string_list};
use crate::template::{Elem, FuncError, FuncResult, FuncTable, Map, MapRef, Signature, Ty, Value};

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    t.add("hello", Signature::fixed(&[]), |_| ok("Hello!"));
    t.add("abbrev", Signature::fixed(&[Int, String]), |a| {
        let (w, s) = (arg_int(a, 0)?, arg_str(a, 1)?);
        ok(if w < 4 {
            s.to_string()
        } else {
            abbreviate(s, 0, w)
        })
    });
    t.add("abbrevboth", Signature::fixed(&[Int, Int, String]), |a| {
        let (l, r, s) = (arg_int(a, 0)?, arg_int(a, 1)?, arg_str(a, 2)?);
        ok(if r < 4 || (l > 0 && r < 7) {
            s.to_string()
        } else {
            abbreviate(s, l, r)
        })
    });
    t.add("trunc", Signature::fixed(&[Int, String]), trunc);
    t.add("trim", Signature::fixed(&[String]), |a| {
        ok(arg_str(a, 0)?.trim())
    });
    t.add("upper", Signature::fixed(&[String]), |a| {
        ok(arg_str(a, 0)?
            .chars()
            .map(go_upper)
            .collect::<std::string::String>())
    });
    t.add("lower", Signature::fixed(&[String]), |a| {
        ok(arg_str(a, 0)?
            .chars()
            .map(go_lower)
            .collect::<std::string::String>())
    });
    t.add("title", Signature::fixed(&[String]), |a| {
        ok(title(arg_str(a, 0)?))
    });
    t.add("untitle", Signature::fixed(&[String]), |a| {
        ok(untitle(arg_str(a, 0)?))
    });
    t.add("substr", Signature::fixed(&[Int, Int, String]), substr);
    t.add("repeat", Signature::fixed(&[Int, String]), |a| {
        let (n, s) = (arg_int(a, 0)?, arg_str(a, 1)?);
        Ok(Value::from_string(repeat(s, n)?))
    });
    t.add("trimall", Signature::fixed(&[String, String]), trim_all);
    t.add("trimAll", Signature::fixed(&[String, String]), trim_all);
    t.add("trimSuffix", Signature::fixed(&[String, String]), |a| {
        let (suf, s) = (arg_str(a, 0)?, arg_str(a, 1)?);
        ok(s.strip_suffix(suf).unwrap_or(s))
    });
    t.add("trimPrefix", Signature::fixed(&[String, String]), |a| {
        let (pre, s) = (arg_str(a, 0)?, arg_str(a, 1)?);
        ok(s.strip_prefix(pre).unwrap_or(s))
    });
    t.add("nospace", Signature::fixed(&[String]), |a| {
        ok(nospace(arg_str(a, 0)?))
    });
    t.add("initials", Signature::fixed(&[String]), |a| {
        ok(initials(arg_str(a, 0)?))
    });
    t.add("randAlphaNum", Signature::fixed(&[Int]), |a| {
        ok(random_string(arg_int(a, 0)?, ALPHANUM))
    });
    t.add("randAlpha", Signature::fixed(&[Int]), |a| {
        ok(random_string(arg_int(a, 0)?, &ALPHANUM[10..]))
    });
    t.add("randNumeric", Signature::fixed(&[Int]), |a| {
        ok(random_string(arg_int(a, 0)?, &ALPHANUM[..10]))
    });
    t.add("randAscii", Signature::fixed(&[Int]), |a| {
        ok(random_string(arg_int(a, 0)?, ASCII_PRINTABLE))
    });
    t.add("swapcase", Signature::fixed(&[String]), |a| {
        ok(swapcase(arg_str(a, 0)?))
    });
    t.add("shuffle", Signature::fixed(&[String]), |a| {
        ok(shuffle(arg_str(a, 0)?))
    });
    t.add("snakecase", Signature::fixed(&[String]), |a| {
        ok(to_lower_case_words(arg_str(a, 0)?, '_'))
    });
    t.add("kebabcase", Signature::fixed(&[String]), |a| {
        ok(to_lower_case_words(arg_str(a, 0)?, '-'))
    });
    t.add("camelcase", Signature::fixed(&[String]), |a| {
        ok(camelcase(arg_str(a, 0)?))
    });
    t.add("wrap", Signature::fixed(&[Int, String]), |a| {
        ok(wrap_custom(arg_str(a, 1)?, arg_int(a, 0)?, "", false))
    });
    t.add("wrapWith", Signature::fixed(&[Int, String, String]), |a| {
        ok(wrap_custom(
            arg_str(a, 2)?,
            arg_int(a, 0)?,
            arg_str(a, 1)?,
            true,
        ))
    });
    t.add("contains", Signature::fixed(&[String, String]), |a| {
        ok(arg_str(a, 1)?.contains(arg_str(a, 0)?))
    });
    t.add("hasPrefix", Signature::fixed(&[String, String]), |a| {
        ok(arg_str(a, 1)?.starts_with(arg_str(a, 0)?))
    });
    t.add("hasSuffix", Signature::fixed(&[String, String]), |a| {
        ok(arg_str(a, 1)?.ends_with(arg_str(a, 0)?))
    });
    t.add("quote", Signature::variadic(&[], Any), |a| {
        let parts: Vec<std::string::String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| try_strval(v).map(|s| go_quote(&s)))
            .collect::<Result<_, _>>()?;
        ok(parts.join(" "))
    });
    t.add("squote", Signature::variadic(&[], Any), |a| {
        let parts: Vec<std::string::String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| printable(v).map(|()| format!("'{}'", v.to_go_string())))
            .collect::<Result<_, _>>()?;
        ok(parts.join(" "))
    });
    t.add("cat", Signature::variadic(&[], Any), |a| {
        let parts: Vec<std::string::String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| printable(v).map(|()| v.to_go_string()))
            .collect::<Result<_, _>>()?;
        ok(parts.join(" "))
    });
    t.add("indent", Signature::fixed(&[Int, String]), |a| {
        Ok(Value::from_string(indent(arg_int(a, 0)?, arg_str(a, 1)?)?))
    });
    t.add("nindent", Signature::fixed(&[Int, String]), |a| {
        Ok(Value::from_string(format!(
            "\n{}",
            indent(arg_int(a, 0)?, arg_str(a, 1)?)?
        )))
    });
    t.add(
        "replace",
        Signature::fixed(&[String, String, String]),
        |a| {
            let (old, new, src) = (arg_str(a, 0)?, arg_str(a, 1)?, arg_str(a, 2)?);
            ok(src.replace(old, new))
        },
    );
    t.add("plural", Signature::fixed(&[String, String, Int]), |a| {
        let (one, many, n) = (arg_str(a, 0)?, arg_str(a, 1)?, arg_int(a, 2)?);
        ok(if n == 1 { one } else { many })
    });
    t.add("split", Signature::fixed(&[String, String]), |a| {
        let parts = go_split_n(arg_str(a, 1)?, arg_str(a, 0)?, -1);
        Ok(indexed_map(parts))
    });
    t.add("splitn", Signature::fixed(&[String, Int, String]), |a| {
        let parts = go_split_n(arg_str(a, 2)?, arg_str(a, 0)?, arg_int(a, 1)?);
        Ok(indexed_map(parts))
    });
    t.add("splitList", Signature::fixed(&[String, String]), |a| {
        let parts = go_split_n(arg_str(a, 1)?, arg_str(a, 0)?, -1);
        Ok(string_list(parts.into_iter().map(str::to_string)))
    });
    t.add("join", Signature::fixed(&[String, Any]), |a| {
        ok(try_strslice(arg(a, 1))?.join(arg_str(a, 0)?))
    });
}

// ---- Go unicode helpers --------------------------------------------------------

/// Go `unicode.ToUpper`: a single-rune mapping (no `ß` → `SS`).
pub(crate) fn go_upper(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go `unicode.ToLower`: a single-rune mapping.
pub(crate) fn go_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go `unicode.IsSpace`.
pub(crate) fn go_is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go `unicode.IsPunct` (category P). ASCII `$+<=>^`|~` are symbols in
/// Unicode, not punctuation; outside ASCII the common ranges are covered.
pub(crate) fn go_is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c);
    }
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x37E | 0x387
        | 0x55A..=0x55F | 0x589 | 0x58A | 0x5BE | 0x5C0 | 0x5C3 | 0x5C6 | 0x5F3 | 0x5F4
        | 0x609 | 0x60A | 0x60C | 0x60D | 0x61B | 0x61D..=0x61F | 0x66A..=0x66D | 0x6D4
        | 0x964 | 0x965 | 0x970 | 0xE4F | 0xE5A | 0xE5B
        | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205E
        | 0x207D | 0x207E | 0x208D | 0x208E | 0x2308..=0x230B | 0x2329 | 0x232A
        | 0x2768..=0x2775 | 0x27C5 | 0x27C6 | 0x27E6..=0x27EF | 0x2983..=0x2998
        | 0x29D8..=0x29DB | 0x29FC | 0x29FD | 0x2CF9..=0x2CFC | 0x2CFE | 0x2CFF
        | 0x2E00..=0x2E2E | 0x2E30..=0x2E4F | 0x3001..=0x3003 | 0x3008..=0x3011
        | 0x3014..=0x301F | 0x3030 | 0x303D | 0x30A0 | 0x30FB
        | 0xFE10..=0xFE19 | 0xFE30..=0xFE52 | 0xFE54..=0xFE61 | 0xFE63 | 0xFE68 | 0xFE6A | 0xFE6B
        | 0xFF01..=0xFF03 | 0xFF05..=0xFF0A | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F | 0xFF20
        | 0xFF3B..=0xFF3D | 0xFF3F | 0xFF5B | 0xFF5D | 0xFF5F..=0xFF65)
}

/// Bytes back to a string; Go keeps invalid UTF-8, we substitute U+FFFD.
fn lossy(b: &[u8]) -> std::string::String {
    std::string::String::from_utf8_lossy(b).into_owned()
}

/// A byte as Go's `rune(str[i])`: Latin-1.
fn latin1(b: u8) -> char {
    char::from(b)
}

// ---- Sprig's functions -----------------------------------------------------------

fn trunc(a: &[Value]) -> FuncResult {
    let (c, s) = (arg_int(a, 0)?, arg_str(a, 1)?);
    let len = s.len() as i64;
    let b = s.as_bytes();
    if c < 0 && len + c > 0 {
        return ok(lossy(&b[(len + c) as usize..]));
    }
    if c >= 0 && len > c {
        return ok(lossy(&b[..c as usize]));
    }
    ok(s)
}

/// Go's runtime message for a failed string slice `s[lo:hi]`.
pub(crate) fn slice_bounds(lo: Option<i64>, hi: Option<i64>, len: usize) -> Result<(), FuncError> {
    let len = len as i64;
    let hi_v = hi.unwrap_or(len);
    if let Some(h) = hi {
        if h < 0 {
            return Err(FuncError::new(format!(
                "runtime error: slice bounds out of range [:{h}]"
            )));
        }
        if h > len {
            return Err(FuncError::new(format!(
                "runtime error: slice bounds out of range [:{h}] with length {len}"
            )));
        }
    }
    if let Some(l) = lo {
        if l < 0 {
            return Err(FuncError::new(format!(
                "runtime error: slice bounds out of range [{l}:]"
            )));
        }
        if l > hi_v {
            return Err(FuncError::new(format!(
                "runtime error: slice bounds out of range [{l}:{hi_v}]"
            )));
        }
    }
    Ok(())
}

fn substr(a: &[Value]) -> FuncResult {
    let (start, end, s) = (arg_int(a, 0)?, arg_int(a, 1)?, arg_str(a, 2)?);
    let b = s.as_bytes();
    if start < 0 {
        slice_bounds(None, Some(end), b.len())?;
        return ok(lossy(&b[..end as usize]));
    }
    if end < 0 || end > b.len() as i64 {
        slice_bounds(Some(start), None, b.len())?;
        return ok(lossy(&b[start as usize..]));
    }
    slice_bounds(Some(start), Some(end), b.len())?;
    ok(lossy(&b[start as usize..end as usize]))
}

fn repeat(s: &str, n: i64) -> Result<std::string::String, FuncError> {
    if n < 0 {
        return Err(FuncError::new("strings: negative Repeat count"));
    }
    let total = (s.len() as u64).checked_mul(n as u64);
    match total {
        Some(t) if t <= (1u64 << 31) => Ok(s.repeat(n as usize)),
        _ => Err(FuncError::new("strings: Repeat output length overflow")),
    }
}

fn indent(n: i64, s: &str) -> Result<std::string::String, FuncError> {
    let pad = repeat(" ", n)?;
    Ok(format!("{pad}{}", s.replace('\n', &format!("\n{pad}"))))
}

fn trim_all(a: &[Value]) -> FuncResult {
    let (cut, s) = (arg_str(a, 0)?, arg_str(a, 1)?);
    ok(s.trim_matches(|c| cut.contains(c)))
}

/// Go `strings.SplitN` (n < 0: all; n == 0: none; "" separator: runes).
pub(crate) fn go_split_n<'a>(s: &'a str, sep: &str, n: i64) -> Vec<&'a str> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if n > 0 && out.len() as i64 == n - 1 {
                break;
            }
            let (head, tail) = rest.split_at(c.len_utf8());
            out.push(head);
            rest = tail;
        }
        if !rest.is_empty() {
            out.push(rest);
        }
        return out;
    }
    if n < 0 {
        s.split(sep).collect()
    } else {
        s.splitn(n as usize, sep).collect()
    }
}

/// Sprig's `split` result: `map[string]string` keyed `_0`, `_1`, …
fn indexed_map(parts: Vec<&str>) -> Value {
    let mut m = Map::new();
    for (i, p) in parts.into_iter().enumerate() {
        m.insert(format!("_{i}").into(), Value::str(p));
    }
    // Sprig's `split`/`splitn` return a `map[string]string`.
    Value::Map(MapRef::typed(Elem::String, m))
}

/// goutils `AbbreviateFull` (byte offsets, as in Go).
fn abbreviate(s: &str, offset: i64, max_width: i64) -> std::string::String {
    let b = s.as_bytes();
    let len = b.len() as i64;
    if s.is_empty() || max_width < 4 {
        return std::string::String::new();
    }
    if len <= max_width {
        return s.to_string();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return format!("{}...", lossy(&b[..(max_width - 3) as usize]));
    }
    if max_width < 7 {
        return std::string::String::new();
    }
    if offset + max_width - 3 < len {
        let rest = lossy(&b[offset as usize..]);
        return format!("...{}", abbreviate(&rest, 0, max_width - 3));
    }
    format!("...{}", lossy(&b[(len - (max_width - 3)) as usize..]))
}

/// Go `strings.Title`: upper-case the first letter of each word.
fn title(s: &str) -> std::string::String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let sep = if prev.is_ascii() {
                !(prev.is_ascii_alphanumeric() || prev == '_')
            } else {
                go_is_space(prev)
            };
            prev = c;
            if sep { go_upper(c) } else { c }
        })
        .collect()
}

/// goutils `Uncapitalize`: lower-case the first rune of each space-separated word.
fn untitle(s: &str) -> std::string::String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if go_is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                go_lower(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils `DeleteWhiteSpace`: byte-wise, each kept byte re-encoded as a
/// Latin-1 rune (so non-ASCII text changes, exactly as in Sprig).
fn nospace(s: &str) -> std::string::String {
    let b = s.as_bytes();
    if !b.iter().any(|&x| go_is_space(latin1(x))) {
        return s.to_string();
    }
    b.iter()
        .map(|&x| latin1(x))
        .filter(|c| !go_is_space(*c))
        .collect()
}

/// goutils `Initials`: byte-wise, first byte of each space-separated word.
fn initials(s: &str) -> std::string::String {
    let mut gap = true;
    let mut out = std::string::String::new();
    for &x in s.as_bytes() {
        let c = latin1(x);
        if go_is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

/// goutils `SwapCase`.
fn swapcase(s: &str) -> std::string::String {
    let mut whitespace = true;
    s.chars()
        .map(|c| {
            if c.is_uppercase() {
                whitespace = false;
                go_lower(c)
            } else if c.is_lowercase() {
                let out = go_upper(c);
                whitespace = false;
                out
            } else {
                whitespace = go_is_space(c);
                c
            }
        })
        .collect()
}

/// goutils `WrapCustom`.
fn wrap_custom(s: &str, width: i64, newline: &str, wrap_long: bool) -> std::string::String {
    if s.is_empty() {
        return std::string::String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::new();
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        match b[offset..end].iter().rposition(|&x| x == b' ') {
            Some(i) => {
                out.extend_from_slice(&b[offset..offset + i]);
                out.extend_from_slice(newline.as_bytes());
                offset += i + 1;
            }
            None if wrap_long => {
                out.extend_from_slice(&b[offset..offset + width]);
                out.extend_from_slice(newline.as_bytes());
                offset += width;
            }
            None => {
                let end = width + offset;
                match b[end..].iter().position(|&x| x == b' ') {
                    None => {
                        out.extend_from_slice(&b[offset..]);
                        offset = len;
                    }
                    Some(i) => {
                        out.extend_from_slice(&b[offset..end + i]);
                        out.extend_from_slice(newline.as_bytes());
                        offset = end + i + 1;
                    }
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    lossy(&out)
}

const ALPHANUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ASCII_PRINTABLE: &[u8] = b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// goutils `CryptoRandom*`: uniform over the alphabet; a negative count is
/// an error Sprig swallows into "".
fn random_string(count: i64, alphabet: &[u8]) -> std::string::String {
    if count <= 0 {
        return std::string::String::new();
    }
    let mut rng = rand::rng();
    (0..count)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// xstrings `Shuffle`: a Fisher–Yates shuffle of the runes.
fn shuffle(s: &str) -> std::string::String {
    let mut runes: Vec<char> = s.chars().collect();
    let mut rng = rand::rng();
    for i in (1..runes.len()).rev() {
        let j = rng.random_range(0..=i);
        runes.swap(i, j);
    }
    runes.into_iter().collect()
}

// ---- xstrings case conversion ----------------------------------------------------

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || go_is_space(c)
}

/// xstrings `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !c.is_alphabetic() {
        return false;
    }
    let u = c as u32;
    !(matches!(u, 0x4E00..=0x9FCC | 0x3400..=0x4D85 | 0x20000..=0x2B81D | 0xF900..=0xFAFF))
}

/// xstrings `ToCamelCase`.
fn camelcase(s: &str) -> std::string::String {
    let mut out = std::string::String::new();
    let mut chars = s.chars();
    let mut r0 = None;
    for c in chars.by_ref() {
        if !is_connector(c) {
            r0 = Some(go_upper(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = r0 else {
        // All connectors: xstrings writes the last one a second time.
        if let Some(last) = s.chars().last() {
            out.push(last);
        }
        return out;
    };
    for c in chars {
        let r1 = r0;
        if is_connector(c) && is_connector(r1) {
            out.push(r1);
            r0 = c;
            continue;
        }
        if is_connector(r1) {
            r0 = go_upper(c);
        } else {
            r0 = go_lower(c);
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings `nextWord`: the next word, its kind and the rest of the text.
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, r)) = it.next() else {
        return (Word::Invalid, "", "");
    };
    let mut end = r.len_utf8();
    let take_while = |end: &mut usize, pred: &dyn Fn(char) -> bool| {
        for c in s[*end..].chars() {
            if !pred(c) {
                break;
            }
            *end += c.len_utf8();
        }
    };
    let kind = if is_connector(r) {
        take_while(&mut end, &is_connector);
        Word::Connector
    } else if go_is_punct(r) {
        take_while(&mut end, &go_is_punct);
        Word::Punct
    } else if r.is_uppercase() {
        if let Some(c) = s[end..].chars().next() {
            if c.is_uppercase() {
                // A run of capitals; its last one starts the next word when
                // a lower-case letter follows ("HTTPServer" → "HTTP", "Server").
                let mut prev_size = c.len_utf8();
                end += prev_size;
                let mut next = None;
                for c in s[end..].chars() {
                    if !c.is_uppercase() {
                        next = Some(c);
                        break;
                    }
                    prev_size = c.len_utf8();
                    end += prev_size;
                }
                if next.is_some_and(is_alphabet) {
                    end -= prev_size;
                }
            } else if is_alphabet(c) {
                take_while(&mut end, &|c: char| is_alphabet(c) && !c.is_uppercase());
            }
        }
        Word::Upper
    } else if is_alphabet(r) {
        take_while(&mut end, &|c: char| is_alphabet(c) && !c.is_uppercase());
        Word::Alphabet
    } else if r.is_numeric() {
        take_while(&mut end, &char::is_numeric);
        Word::Number
    } else {
        take_while(&mut end, &|c: char| {
            !(is_connector(c) || is_alphabet(c) || c.is_numeric() || go_is_punct(c))
        });
        Word::Other
    };
    (kind, &s[..end], &s[end..])
}

fn push_lower(out: &mut std::string::String, kind: Word, word: &str, connector: char) {
    if kind != Word::Upper && kind != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if c.is_uppercase() {
            out.push(go_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase` (`snakecase`, `kebabcase`).
fn to_lower_case_words(s: &str, connector: char) -> std::string::String {
    let mut out = std::string::String::new();
    if s.is_empty() {
        return out;
    }
    let (mut wt, mut word, mut rest) = next_word(s);
    while !rest.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, rest) = next_word(rest);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if wt != Word::Invalid && wt != Word::Punct {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, rest) = next_word(rest);
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                push_lower(&mut out, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions() {
        assert_eq!(to_lower_case_words("FirstName", '_'), "first_name");
        assert_eq!(to_lower_case_words("HTTPServer", '-'), "http-server");
        assert_eq!(camelcase("http_server"), "HttpServer");
    }

    #[test]
    fn split_like_go() {
        assert_eq!(go_split_n("abc", "", -1), vec!["a", "b", "c"]);
        assert_eq!(go_split_n("abc", "", 2), vec!["a", "bc"]);
        assert_eq!(go_split_n("a,b,c", ",", 2), vec!["a", "b,c"]);
        assert!(go_split_n("a", ",", 0).is_empty());
        assert_eq!(go_split_n("", ",", -1), vec![""]);
    }
}
