//! Type conversions: Sprig's `strval`/`strslice` and spf13/cast v1.3.1's
//! `ToInt64`/`ToInt`/`ToFloat64` (errors swallowed to zero, as Sprig does),
//! plus Go's `strconv` integer/float parsing and `strconv.Quote`, which the
//! other families reuse.

use super::{arg, arg_str, ok, string_list};
use crate::template::{FuncError, FuncResult, FuncTable, Signature, Ty, Value};

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    t.add("toString", Signature::fixed(&[Any]), |a| {
        ok(try_strval(arg(a, 0))?)
    });
    t.add("toStrings", Signature::fixed(&[Any]), |a| {
        Ok(string_list(try_strslice(arg(a, 0))?))
    });
    t.add("atoi", Signature::fixed(&[String]), atoi);
    t.add("int64", Signature::fixed(&[Any]), |a| {
        Ok(Value::Int64(to_int64(arg(a, 0))))
    });
    t.add("int", Signature::fixed(&[Any]), |a| {
        Ok(Value::Int(to_int64(arg(a, 0))))
    });
    t.add("float64", Signature::fixed(&[Any]), |a| {
        Ok(Value::Float(to_float64(arg(a, 0))))
    });
    t.add("toDecimal", Signature::fixed(&[Any]), |a| {
        let s = try_strval(arg(a, 0))?;
        Ok(Value::Int64(parse_int(&s, 8).unwrap_or(0)))
    });
}

fn atoi(a: &[Value]) -> FuncResult {
    let s = arg_str(a, 0)?;
    Ok(Value::Int(parse_int(s, 10).unwrap_or(0)))
}

/// Sprig `strval`: strings and bytes as text, everything else (Stringers
/// included, which our objects' `%v` covers) as Go `%v`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.to_go_string(),
    }
}

/// Fails where Go's `fmt` would recurse until its stack overflows: on a map
/// that (directly or through lists) contains itself. Only containers are
/// walked, so scalars cost nothing.
pub fn printable(v: &Value) -> Result<(), FuncError> {
    v.check_acyclic().map_err(|e| FuncError::new(e.to_string()))
}

/// [`strval`], failing on a map that contains itself (see [`printable`]).
pub fn try_strval(v: &Value) -> Result<String, FuncError> {
    printable(v)?;
    Ok(strval(v))
}

/// [`strslice`], failing on a map that contains itself (see [`printable`]).
pub fn try_strslice(v: &Value) -> Result<Vec<String>, FuncError> {
    printable(v)?;
    Ok(strslice(v))
}

/// Sprig `strslice` (`toStrings`, `join`, `sortAlpha`): list items as
/// strings with nils dropped; a scalar becomes a one-item list; nil → empty.
pub fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(items) => items.iter().filter(|i| !i.is_nil()).map(strval).collect(),
        // A []byte is a slice of uint8 for reflection.
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// Go's conversion of a float64 to int64 on amd64: truncation, and the
/// "integer indefinite" value for NaN and out-of-range inputs.
pub fn float_to_i64(f: f64) -> i64 {
    // 2^63 is the first float64 outside int64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// spf13/cast `ToInt64` (v1.3.1): numbers by Go conversion, strings by
/// `strconv.ParseInt(s, 0, 0)` (so `"0x1F"` and `"010"` are hex/octal),
/// booleans as 0/1, anything else (or a parse failure) as 0.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Float(f) => float_to_i64(*f),
        Value::String(s) => parse_int(s, 0).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// spf13/cast `ToFloat64` (v1.3.1).
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Go `strconv.ParseInt(s, base, 64)`; base 0 reads Go prefixes and
/// underscores. `None` on any syntax or range error.
pub fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let mag = parse_uint(body, base)?;
    if neg {
        if mag > 1u64 << 63 {
            None
        } else {
            Some((mag as i64).wrapping_neg())
        }
    } else if mag > i64::MAX as u64 {
        None
    } else {
        Some(mag as i64)
    }
}

fn parse_uint(s0: &str, base: u32) -> Option<u64> {
    if s0.is_empty() {
        return None;
    }
    let mut s = s0;
    let mut base = base;
    let base0 = base == 0;
    if base0 {
        base = 10;
        let b = s.as_bytes();
        if b[0] == b'0' {
            let prefix = b.get(1).map(u8::to_ascii_lowercase);
            if s.len() >= 3 && prefix == Some(b'b') {
                base = 2;
                s = &s[2..];
            } else if s.len() >= 3 && prefix == Some(b'o') {
                base = 8;
                s = &s[2..];
            } else if s.len() >= 3 && prefix == Some(b'x') {
                base = 16;
                s = &s[2..];
            } else {
                base = 8;
                s = &s[1..];
            }
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    for c in s.chars() {
        if c == '_' && base0 {
            underscores = true;
            continue;
        }
        let d = c.to_digit(36).filter(|d| *d < base)?;
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    Some(n)
}

/// Go's rule: underscores only between digits or after a base prefix.
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'+' | b'-') = b.first() {
        b = &b[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go `strconv.ParseFloat(s, 64)` for decimal input (hex floats are not
/// accepted here; nothing in charts uses them).
pub fn parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if lower.len() - unsigned.len() > 1 {
        return None;
    }
    match unsigned {
        "inf" | "infinity" => {
            return Some(if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        "nan" => {
            return if lower.len() == 3 {
                Some(f64::NAN)
            } else {
                None
            };
        }
        _ => {}
    }
    if !unsigned
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'_' | b'+' | b'-'))
    {
        return None;
    }
    let text = if s.contains('_') {
        if !underscore_ok(s) {
            return None;
        }
        s.replace('_', "")
    } else {
        s.to_string()
    };
    text.parse::<f64>().ok()
}

/// Go `strconv.Quote`: a double-quoted Go string literal.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\u{fffd}' => out.push('\u{fffd}'),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Approximates Go's `unicode.IsPrint` (letters, marks, numbers,
/// punctuation, symbols and ASCII space): controls, non-ASCII spaces,
/// format characters and private-use code points are not printable.
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let format_or_private = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F
        | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xD800..=0xDFFF | 0xFFFE | 0xFFFF);
    !format_or_private
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn go_parse_int() {
        assert_eq!(parse_int("0x1F", 0), Some(31));
        assert_eq!(parse_int("010", 0), Some(8));
        assert_eq!(parse_int("1_000", 0), Some(1000));
        assert_eq!(parse_int("_1", 0), None);
        assert_eq!(parse_int("-9223372036854775808", 10), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808", 10), None);
        assert_eq!(parse_int("1.5", 0), None);
        assert_eq!(parse_int("", 0), None);
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(
            go_quote("a\"b\\\n\u{1b}é\u{a0}"),
            "\"a\\\"b\\\\\\n\\x1bé\\u00a0\""
        );
    }
}
