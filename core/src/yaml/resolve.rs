//! yaml.v2's implicit scalar resolution (YAML 1.1 flavoured), shared by the
//! loader (what a plain scalar means) and the emitter (whether a string must
//! be quoted so that it reads back as a string).

/// What a plain scalar resolves to, before any JSON round trip.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    /// Go `int`/`int64`.
    Int(i64),
    /// Go `uint64` (only for values above `i64::MAX`).
    Uint(u64),
    Float(f64),
    /// A YAML 1.1 timestamp; yaml.v2 hands these to `interface{}` as strings.
    Timestamp,
    /// The merge key `<<`.
    Merge,
    Str,
}

impl Resolved {
    /// True when the text stays a string (yaml.v2's `!!str` tag).
    pub fn is_str(&self) -> bool {
        matches!(self, Resolved::Str)
    }
}

fn lookup_map(s: &str) -> Option<Resolved> {
    // No word below is longer than five bytes; most keys and values that
    // get here (`type`, `format`, `name`…) are, and skip the comparisons.
    if s.len() > 5 {
        return None;
    }
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// Resolves an untagged plain scalar exactly as yaml.v2's `resolve("", s)`.
pub fn resolve_plain(s: &str) -> Resolved {
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint == 0 {
        return Resolved::Str;
    }
    if let Some(r) = lookup_map(s) {
        return r;
    }
    match hint {
        b'.' => match go_parse_float(s) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'D' | b'S' => resolve_number(s),
        _ => Resolved::Str,
    }
}

fn resolve_number(s: &str) -> Resolved {
    if is_timestamp(s) {
        return Resolved::Timestamp;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return Resolved::Int(i);
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Resolved::Uint(u);
    }
    if is_yaml_style_float(&plain)
        && let Some(f) = go_parse_float(&plain)
    {
        return Resolved::Float(f);
    }
    // `0b` forms are already handled by Go's base-0 parsing; nothing left.
    Resolved::Str
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go `strconv.ParseUint(s, 0, 64)` (no underscores: callers strip them).
pub fn go_parse_uint(s: &str) -> Option<u64> {
    let (digits, base) = split_base(s)?;
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(digits, base).ok()
}

fn split_base(s: &str) -> Option<(&str, u32)> {
    if s.is_empty() || s.starts_with('+') || s.starts_with('-') {
        return None;
    }
    let lower = |p: &str| s.len() >= 2 && s[..2].eq_ignore_ascii_case(p);
    Some(if lower("0x") {
        (&s[2..], 16)
    } else if lower("0o") {
        (&s[2..], 8)
    } else if lower("0b") {
        (&s[2..], 2)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    })
}

/// Go `strconv.ParseInt(s, 0, 64)` (no underscores: callers strip them).
pub fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint(rest)?;
    if neg {
        if u <= i64::MAX as u64 + 1 {
            Some((u as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// Go `strconv.ParseFloat(s, 64)` for the decimal forms YAML can reach
/// (also `inf`/`nan` spellings, which Go accepts).
pub fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.trim_start_matches(['+', '-']);
    if s.len() - body.len() > 1 {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return s.parse::<f64>().ok();
    }
    // Rust accepts the same decimal grammar, minus Go's hex floats and
    // underscores (which need a base prefix in Go and never reach here).
    if body.starts_with("0x") || body.starts_with("0X") || body.contains('_') {
        return None;
    }
    if !body
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: yaml.v2 quotes these
/// when emitting because YAML 1.1 readers take them as base-60 numbers.
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]
        match (b.get(i), b.get(i + 1)) {
            (Some(a), Some(c)) if (b'0'..=b'5').contains(a) && c.is_ascii_digit() => i += 2,
            (Some(a), _) if a.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// yaml.v2's timestamp check: `YYYY-` then one of Go layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (also lower `t`), `2006-1-2 15:4:5.999999999`,
/// `2006-1-2`, with Go's range checks.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: i64 = s[..4].parse().unwrap_or(0);
    let mut p = Cursor { b, i: 5 };
    let Some(month) = p.num12() else {
        return false;
    };
    if !(1..=12).contains(&month) || !p.eat(b'-') {
        return false;
    }
    let Some(day) = p.num12() else {
        return false;
    };
    if day < 1 || day > days_in(month, year) {
        return false;
    }
    if p.done() {
        return true;
    }
    let sep = b[p.i];
    p.i += 1;
    let zone = match sep {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    if !p.time() {
        return false;
    }
    if zone {
        if p.eat(b'Z') {
            return p.done();
        }
        let Some(&sign) = b.get(p.i) else {
            return false;
        };
        if sign != b'+' && sign != b'-' {
            return false;
        }
        p.i += 1;
        let ok = p.two_digits().is_some_and(|h| h <= 24)
            && p.eat(b':')
            && p.two_digits().is_some_and(|m| m <= 59);
        return ok && p.done();
    }
    p.done()
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Go's `getnum(value, false)`: one or two digits.
    fn num12(&mut self) -> Option<u32> {
        let d0 = self.b.get(self.i).filter(|c| c.is_ascii_digit())?;
        self.i += 1;
        let mut n = u32::from(d0 - b'0');
        if let Some(d1) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
            self.i += 1;
            n = n * 10 + u32::from(d1 - b'0');
        }
        Some(n)
    }
    fn two_digits(&mut self) -> Option<u32> {
        let d0 = self.b.get(self.i).filter(|c| c.is_ascii_digit())?;
        let d1 = self.b.get(self.i + 1).filter(|c| c.is_ascii_digit())?;
        self.i += 2;
        Some(u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'))
    }
    /// `15:4:5` plus an optional `.digits` fraction.
    fn time(&mut self) -> bool {
        let ok = self.num12().is_some_and(|h| h < 24)
            && self.eat(b':')
            && self.num12().is_some_and(|m| m < 60)
            && self.eat(b':')
            && self.num12().is_some_and(|s| s < 60);
        if !ok {
            return false;
        }
        if self.b.get(self.i) == Some(&b'.')
            && self.b.get(self.i + 1).is_some_and(u8::is_ascii_digit)
        {
            self.i += 1;
            while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
        }
        true
    }
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_scalars() {
        assert_eq!(resolve_plain("yes"), Resolved::Bool(true));
        assert_eq!(resolve_plain("Off"), Resolved::Bool(false));
        assert_eq!(resolve_plain("0755"), Resolved::Int(493));
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("0o17"), Resolved::Int(15));
        assert_eq!(resolve_plain("-0b11"), Resolved::Int(-3));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("08"), Resolved::Float(8.0));
        assert_eq!(
            resolve_plain("12345678901234567890"),
            Resolved::Uint(12345678901234567890)
        );
        assert_eq!(resolve_plain(".5"), Resolved::Float(0.5));
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain("12:30"), Resolved::Str);
        assert_eq!(resolve_plain("2001-12-14"), Resolved::Timestamp);
        assert_eq!(resolve_plain("2001-13-14"), Resolved::Str);
        assert_eq!(
            resolve_plain("2001-12-14T21:59:43.10-05:00"),
            Resolved::Timestamp
        );
        assert_eq!(resolve_plain("2001-12-14 21:59:43.10"), Resolved::Timestamp);
        assert_eq!(resolve_plain("infinity"), Resolved::Str);
        assert_eq!(resolve_plain("-"), Resolved::Str);
        assert!(is_base60_float("12:30"));
        assert!(is_base60_float("190:20:30.15"));
        assert!(!is_base60_float("12:60"));
    }
}
