//! Go `strconv.FormatFloat`, digit for digit.
//!
//! Helm prints floats in many places (`%v`, `printf`, `toString`, `toJson`);
//! each must match Go's formatting exactly. Rust's formatter gives us the
//! correctly rounded (or shortest round-trip) decimal digits; this module
//! lays them out the way Go's `strconv` does.

/// Decimal digits of |f| without trailing zeros, and the decimal point
/// position: value = 0.d1d2…dn × 10^dp. Zero has no digits and dp = 0.
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

fn digits_from_exp_format(s: &str) -> Digits {
    // s looks like "1.2345e6" or "1e-7"
    let (mant, exp) = match s.split_once('e') {
        Some(parts) => parts,
        None => (s, "0"),
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

/// Shortest digits that round-trip.
fn shortest(f: f64) -> Digits {
    digits_from_exp_format(&format!("{:e}", f.abs()))
}

/// Every f64 has an exact decimal expansion of at most 767 significant
/// digits and 1074 fractional ones; beyond that all digits are zero. Rust's
/// formatter caps precision at 65535, Go's at 1e6, so we compute at most
/// this many digits and pad with zeros.
const MAX_EXACT_DIGITS: usize = 1100;

/// Digits rounded to `n` significant figures (n ≥ 1).
fn significant(f: f64, n: usize) -> Digits {
    let n = n.min(MAX_EXACT_DIGITS);
    digits_from_exp_format(&format!("{:.*e}", n.saturating_sub(1), f.abs()))
}

fn fmt_e(out: &mut String, digs: &Digits, prec: i32, e: char) {
    out.push(*digs.d.first().unwrap_or(&b'0') as char);
    if prec > 0 {
        out.push('.');
        let mut i = 1usize;
        let m = digs.d.len().min(prec as usize + 1);
        while i < m {
            out.push(digs.d[i] as char);
            i += 1;
        }
        while i <= prec as usize {
            out.push('0');
            i += 1;
        }
    }
    out.push(e);
    let exp = if digs.d.is_empty() { 0 } else { digs.dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let exp = exp.unsigned_abs();
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn fmt_f(out: &mut String, digs: &Digits, prec: i32) {
    if digs.dp > 0 {
        let m = (digs.dp as usize).min(digs.d.len());
        for &c in &digs.d[..m] {
            out.push(c as char);
        }
        for _ in m..digs.dp as usize {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = digs.dp + i - 1;
            let c = if j >= 0 && (j as usize) < digs.d.len() {
                digs.d[j as usize] as char
            } else {
                '0'
            };
            out.push(c);
        }
    }
}

/// Go `strconv.FormatFloat(f, fmt, prec, 64)` for fmt in `e E f g G`.
/// `prec < 0` means the shortest representation that round-trips.
pub fn format_float(f: f64, fmt: char, prec: i32) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    let shortest_mode = prec < 0;
    match fmt {
        'e' | 'E' => {
            let digs = if shortest_mode {
                shortest(f)
            } else {
                significant(f, prec as usize + 1)
            };
            let p = if shortest_mode {
                digs.d.len() as i32 - 1
            } else {
                prec
            };
            fmt_e(&mut out, &digs, p, fmt);
        }
        'f' | 'F' => {
            if shortest_mode {
                let digs = shortest(f);
                let p = (digs.d.len() as i32 - digs.dp).max(0);
                fmt_f(&mut out, &digs, p);
            } else {
                let p = prec as usize;
                out.push_str(&format!("{:.*}", p.min(MAX_EXACT_DIGITS), f.abs()));
                for _ in MAX_EXACT_DIGITS..p {
                    out.push('0');
                }
            }
        }
        _ => {
            // 'g' / 'G'
            let e = if fmt == 'G' { 'E' } else { 'e' };
            let mut prec = prec;
            let digs = if shortest_mode {
                shortest(f)
            } else {
                if prec == 0 {
                    prec = 1;
                }
                significant(f, prec as usize)
            };
            let nd = digs.d.len() as i32;
            let mut eprec = if shortest_mode { nd } else { prec };
            if eprec > nd && nd >= digs.dp {
                eprec = nd;
            }
            if shortest_mode {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            if shortest_mode {
                prec = nd;
            }
            if nd > 0 && (exp < -4 || exp >= eprec) || (nd == 0 && eprec <= -1) {
                if prec > nd {
                    prec = nd;
                }
                fmt_e(&mut out, &digs, prec - 1, e);
            } else {
                if prec > digs.dp {
                    prec = nd;
                }
                fmt_f(&mut out, &digs, (prec - digs.dp).max(0));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_float as ff;

    #[test]
    fn shortest_g_matches_go() {
        assert_eq!(ff(1e6, 'g', -1), "1e+06");
        assert_eq!(ff(123456.0, 'g', -1), "123456");
        assert_eq!(ff(1234567.0, 'g', -1), "1.234567e+06");
        assert_eq!(ff(0.00001, 'g', -1), "1e-05");
        assert_eq!(ff(0.0001, 'g', -1), "0.0001");
        assert_eq!(ff(0.0, 'g', -1), "0");
        assert_eq!(ff(-0.0, 'g', -1), "-0");
        assert_eq!(ff(1.5, 'g', -1), "1.5");
        assert_eq!(ff(100.0, 'g', -1), "100");
        assert_eq!(ff(1e21, 'g', -1), "1e+21");
    }

    #[test]
    fn fixed_precision() {
        assert_eq!(ff(1.23456, 'f', 2), "1.23");
        assert_eq!(ff(2.5, 'f', 0), "2");
        assert_eq!(ff(1.0, 'f', -1), "1");
        assert_eq!(ff(1234.5678, 'e', 3), "1.235e+03");
        assert_eq!(ff(1234.5678, 'e', -1), "1.2345678e+03");
        assert_eq!(ff(1.0, 'g', 3), "1");
        assert_eq!(ff(1234.5678, 'g', 3), "1.23e+03");
        assert_eq!(ff(0.0, 'e', -1), "0e+00");
    }

    #[test]
    fn huge_precision_pads_with_zeros() {
        let s = ff(0.5, 'f', 100_000);
        assert_eq!(s.len(), 100_002);
        assert!(s.starts_with("0.5000"));
        let e = ff(1.5, 'e', 70_000);
        assert!(e.starts_with("1.5000") && e.ends_with("e+00"));
        assert_eq!(e.len(), 70_006);
        let g = ff(0.1, 'g', 70_000);
        assert!(g.starts_with("0.1000000000000000055511151231257827"));
    }
}
