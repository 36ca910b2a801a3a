//! Go's `fmt` printing (`Sprint`, `Sprintln`, `Sprintf`) over [`Value`]s.
//!
//! Templates print with `fmt.Fprint`, and `printf` is `fmt.Sprintf`, so every
//! verb, flag, width/precision and error spelling (`%!d(string=x)`,
//! `%!v(MISSING)`, `%!(EXTRA int=1)`) must match Go. Values inside lists and
//! maps are formatted with the same verb, as Go does.

use super::lexer::{go_quote_into, go_quote_rune_into, is_go_print};
use super::strconv::format_float;
use super::value::{CycleError, Elem, Value};

/// Go `fmt.Sprint(args...)`: spaces between operands when neither is a string.
/// A map that contains itself prints as `<cycle>` (see [`try_sprint`]).
pub fn sprint(args: &[Value]) -> String {
    sprint_printer(args).buf
}

/// [`sprint`], failing where Go would recurse until its stack overflows:
/// on a map that contains itself (the template functions `print`, `printf`
/// and `println` report that as an error rather than print a marker).
pub fn try_sprint(args: &[Value]) -> Result<String, CycleError> {
    sprint_printer(args).finish()
}

/// [`sprintln`], failing on a map that contains itself.
pub fn try_sprintln(args: &[Value]) -> Result<String, CycleError> {
    sprintln_printer(args).finish()
}

/// [`sprintf`], failing on a map that contains itself.
pub fn try_sprintf(format: &str, args: &[Value]) -> Result<String, CycleError> {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.finish()
}

fn sprint_printer(args: &[Value]) -> Printer {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
        prev_string = is_string;
    }
    p
}

/// Go `fmt.Sprintln(args...)`: always spaces, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    sprintln_printer(args).buf
}

fn sprintln_printer(args: &[Value]) -> Printer {
    let mut p = Printer::default();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
    }
    p.buf.push('\n');
    p
}

/// Go `fmt.Sprintf(format, args...)`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf
}

#[derive(Default, Clone, Copy)]
struct Flags {
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    sharp_v: bool,
    plus_v: bool,
    wid: usize,
    wid_present: bool,
    prec: usize,
    prec_present: bool,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    good_arg_num: bool,
    reordered: bool,
    /// Set when a map that contains itself was cut short as `<cycle>`.
    cycle: bool,
}

impl Printer {
    fn finish(self) -> Result<String, CycleError> {
        if self.cycle {
            Err(CycleError)
        } else {
            Ok(self.buf)
        }
    }
}

fn too_large(n: i64) -> bool {
    !(-1_000_000..=1_000_000).contains(&n)
}

/// Parses a decimal number at `s[start..end]`.
fn parse_num(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    let mut i = start;
    let mut num: i64 = 0;
    let mut ok = false;
    while i < end && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, end);
        }
        num = num * 10 + (s[i] - b'0') as i64;
        ok = true;
        i += 1;
    }
    (num as usize, ok, i)
}

fn parse_arg_number(s: &[u8]) -> (i64, usize, bool) {
    if s.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..s.len() {
        if s[i] == b']' {
            let (w, ok, newi) = parse_num(s, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (w as i64 - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

impl Printer {
    fn arg_number(&mut self, arg_num: usize, s: &[u8], i: usize, n: usize) -> (usize, usize, bool) {
        if s.len() <= i || s[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&s[i..]);
        if ok && 0 <= index && (index as usize) < n {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    fn do_printf(&mut self, format: &str, a: &[Value]) {
        let s = format.as_bytes();
        let end = s.len();
        let mut arg_num = 0usize;
        let mut after_index;
        let mut i = 0;
        'format: while i < end {
            self.good_arg_num = true;
            let last = i;
            while i < end && s[i] != b'%' {
                i += 1;
            }
            if i > last {
                self.buf.push_str(&format[last..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            // Flags and the fast path for simple verbs.
            while i < end {
                let c = s[i];
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < a.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&a[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format;
                        }
                        break;
                    }
                }
                i += 1;
            }
            (arg_num, i, after_index) = self.arg_number(arg_num, s, i, a.len());
            if i < end && s[i] == b'*' {
                i += 1;
                let (w, ok, n) = int_from_arg(a, arg_num);
                arg_num = n;
                self.f.wid_present = ok;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if w < 0 {
                    self.f.wid = w.unsigned_abs() as usize;
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = w as usize;
                }
                after_index = false;
            } else {
                let (w, ok, ni) = parse_num(s, i, end);
                self.f.wid = w;
                self.f.wid_present = ok;
                i = ni;
                if after_index && ok {
                    self.good_arg_num = false;
                }
            }
            if i + 1 < end && s[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, s, i, a.len());
                if i < end && s[i] == b'*' {
                    i += 1;
                    let (p, ok, n) = int_from_arg(a, arg_num);
                    arg_num = n;
                    self.f.prec_present = ok;
                    if p < 0 {
                        self.f.prec = 0;
                        self.f.prec_present = false;
                    } else {
                        self.f.prec = p as usize;
                    }
                    if !self.f.prec_present {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, ok, ni) = parse_num(s, i, end);
                    i = ni;
                    self.f.prec = if ok { p } else { 0 };
                    self.f.prec_present = true;
                }
            }
            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, s, i, a.len());
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('?');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(BADINDEX)");
            } else if arg_num >= a.len() {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(MISSING)");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&a[arg_num], verb);
                arg_num += 1;
            }
        }
        if !self.reordered && arg_num < a.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in a[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(arg.type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    // ---- padding ---------------------------------------------------------

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero { '0' } else { ' ' };
        for _ in 0..n {
            self.buf.push(c);
        }
    }

    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid.saturating_sub(s.chars().count());
        if !self.f.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            let z = self.f.zero;
            self.f.zero = false;
            self.write_padding(width);
            self.f.zero = z;
        }
    }

    // ---- dispatch --------------------------------------------------------

    fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(arg, verb),
            }
            return;
        }
        if verb == 'T' {
            let t = arg.type_name().to_string();
            self.fmt_s(&t);
            return;
        }
        if verb == 'p' {
            // Addresses are not reproducible; Go prints the pointer for maps
            // and slices and a bad-verb for the rest.
            self.bad_verb(arg, verb);
            return;
        }
        self.print_value(arg, verb, 0);
    }

    fn bad_verb(&mut self, arg: &Value, verb: char) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if arg.is_nil() {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(arg.type_name());
            self.buf.push('=');
            self.print_arg(arg, 'v');
        }
        self.buf.push(')');
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        match v {
            Value::Nil => {
                // A nil element of a list or map.
                if depth == 0 {
                    self.buf.push_str("<invalid reflect.Value>");
                } else if verb == 'v' && self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::List(items) if verb == 'v' && self.f.sharp_v && items.is_nil() => {
                self.buf.push_str(items.type_name());
                self.buf.push_str("(nil)");
            }
            // Go syntax: `[]interface {}{1, "x"}`, `map[string]interface {}{"k":1}`.
            Value::List(items) if verb == 'v' && self.f.sharp_v => {
                self.buf.push_str(items.type_name());
                self.buf.push('{');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.buf.push_str(", ");
                    }
                    match (item, items.elem()) {
                        // A nil pointer element: `(*chart.Maintainer)(nil)`.
                        (Value::Nil, Elem::Named(n)) => {
                            self.buf.push('(');
                            self.buf.push_str(n.name);
                            self.buf.push_str(")(nil)");
                        }
                        _ => self.print_value(item, verb, depth + 1),
                    }
                }
                self.buf.push('}');
            }
            Value::Map(m) if verb == 'v' && self.f.sharp_v && m.is_nil() => {
                self.buf.push_str(m.type_name());
                self.buf.push_str("(nil)");
            }
            Value::Map(m) if verb == 'v' && self.f.sharp_v => {
                let Ok(_on_path) = m.enter() else {
                    self.cycle = true;
                    self.buf.push_str("<cycle>");
                    return;
                };
                self.buf.push_str(m.type_name());
                self.buf.push('{');
                for (i, (k, val)) in m.read().iter().enumerate() {
                    if i > 0 {
                        self.buf.push_str(", ");
                    }
                    self.print_value(&Value::String(k.clone()), verb, depth + 1);
                    self.buf.push(':');
                    self.print_value(val, verb, depth + 1);
                }
                self.buf.push('}');
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { "true" } else { "false" }),
                _ => self.bad_verb(v, verb),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i, v, verb),
            Value::Float(x) => self.fmt_float_verb(*x, v, verb),
            Value::String(s) => self.fmt_string(s, v, verb),
            Value::Bytes(b) => self.fmt_bytes(b, v, verb),
            Value::List(items) => {
                self.buf.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    self.print_value(item, verb, depth + 1);
                }
                self.buf.push(']');
            }
            Value::Map(m) => {
                let Ok(_on_path) = m.enter() else {
                    // Go recurses until its stack runs out; we stop.
                    self.cycle = true;
                    self.buf.push_str("<cycle>");
                    return;
                };
                self.buf.push_str("map[");
                for (i, (k, val)) in m.read().iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    let key = Value::String(k.clone());
                    self.print_value(&key, verb, depth + 1);
                    self.buf.push(':');
                    self.print_value(val, verb, depth + 1);
                }
                self.buf.push(']');
            }
            Value::Object(o) => {
                let mut s = String::new();
                o.fmt_v(&mut s);
                self.pad(&s);
            }
        }
    }

    // ---- integers --------------------------------------------------------

    fn fmt_integer(&mut self, i: i64, v: &Value, verb: char) {
        match verb {
            'v' | 'd' => self.fmt_int_base(i, 10, verb, false),
            'b' => self.fmt_int_base(i, 2, verb, false),
            'o' | 'O' => self.fmt_int_base(i, 8, verb, false),
            'x' => self.fmt_int_base(i, 16, verb, false),
            'X' => self.fmt_int_base(i, 16, verb, true),
            'c' => {
                let c = char::from_u32(i as u32)
                    .filter(|_| (0..=0x10FFFF).contains(&i))
                    .unwrap_or('\u{FFFD}');
                let mut s = String::new();
                s.push(c);
                self.pad(&s);
            }
            'q' => {
                let c = char::from_u32(i as u32)
                    .filter(|_| (0..=0x10FFFF).contains(&i))
                    .unwrap_or('\u{FFFD}');
                let mut s = String::from('\'');
                if self.f.sharp && is_go_print(c) {
                    s.push(c);
                } else {
                    go_quote_rune_into(&mut s, c, '\'', self.f.plus);
                }
                s.push('\'');
                self.pad(&s);
            }
            'U' => {
                let u = i as u64;
                let mut s = format!("U+{u:04X}");
                if self.f.prec_present && self.f.prec > 4 {
                    s = format!("U+{u:0width$X}", width = self.f.prec.min(64));
                }
                if self.f.sharp
                    && let Some(c) = char::from_u32(u as u32).filter(|_| u <= 0x10FFFF)
                    && is_go_print(c)
                {
                    s.push_str(" '");
                    s.push(c);
                    s.push('\'');
                }
                let z = self.f.zero;
                self.f.zero = false;
                self.pad(&s);
                self.f.zero = z;
            }
            _ => self.bad_verb(v, verb),
        }
    }

    fn fmt_int_base(&mut self, i: i64, base: u32, verb: char, upper: bool) {
        let negative = i < 0;
        let u = i.unsigned_abs();
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let z = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid);
                self.f.zero = z;
                return;
            }
        } else if self.f.zero && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut digits = match base {
            2 => format!("{u:b}"),
            8 => format!("{u:o}"),
            16 if upper => format!("{u:X}"),
            16 => format!("{u:x}"),
            _ => u.to_string(),
        };
        if digits.len() < prec {
            digits = format!("{}{digits}", "0".repeat(prec - digits.len()));
        }
        let mut prefix = String::new();
        if self.f.sharp {
            match base {
                2 => prefix.push_str("0b"),
                8 if !digits.starts_with('0') => prefix.push('0'),
                16 => prefix.push_str(if upper { "0X" } else { "0x" }),
                _ => {}
            }
        }
        if verb == 'O' {
            prefix = format!("0o{prefix}");
        }
        let sign = if negative {
            "-"
        } else if self.f.plus {
            "+"
        } else if self.f.space {
            " "
        } else {
            ""
        };
        let s = format!("{sign}{prefix}{digits}");
        let z = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = z;
    }

    // ---- floats ----------------------------------------------------------

    fn fmt_float_verb(&mut self, x: f64, v: &Value, verb: char) {
        match verb {
            'v' => self.fmt_float(x, 'g', -1),
            'g' | 'G' => self.fmt_float(x, verb, -1),
            'f' | 'F' | 'e' | 'E' => self.fmt_float(x, verb, 6),
            'b' | 'x' | 'X' => {
                let body = if verb == 'b' {
                    float_b(x)
                } else {
                    float_hex(x, verb == 'X', self.f.prec_present.then_some(self.f.prec))
                };
                let signed = if body.starts_with('-') {
                    body
                } else if self.f.plus {
                    format!("+{body}")
                } else if self.f.space {
                    format!(" {body}")
                } else {
                    body
                };
                self.pad(&signed);
            }
            _ => self.bad_verb(v, verb),
        }
    }

    fn fmt_float(&mut self, x: f64, verb: char, prec: i32) {
        let prec = if self.f.prec_present {
            self.f.prec as i32
        } else {
            prec
        };
        let fverb = if verb == 'F' { 'f' } else { verb };
        let body = format_float(x, fverb, prec);
        let mut num = if body.starts_with('-') || body.starts_with('+') {
            body
        } else {
            format!("+{body}")
        };
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        if num[1..].starts_with('I') || num[1..].starts_with('N') {
            let z = self.f.zero;
            self.f.zero = false;
            if num[1..].starts_with('N') && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&num);
            self.f.zero = z;
            return;
        }
        if self.f.sharp && !num.contains('.') {
            // `%#g`/`%#f`: force a decimal point.
            let (mant, exp) = match num.find(['e', 'E']) {
                Some(i) => (num[..i].to_string(), num[i..].to_string()),
                None => (num.clone(), String::new()),
            };
            num = format!("{mant}.{exp}");
        }
        if self.f.plus || !num.starts_with('+') {
            if self.f.zero && self.f.wid_present && self.f.wid > num.len() {
                let (sign, rest) = num.split_at(1);
                let rest = rest.to_string();
                self.buf.push_str(sign);
                self.write_padding(self.f.wid - num.len());
                self.buf.push_str(&rest);
                return;
            }
            let n = num.clone();
            self.pad(&n);
            return;
        }
        let n = num[1..].to_string();
        if self.f.zero && self.f.wid_present && self.f.wid > n.len() {
            self.write_padding(self.f.wid - n.len());
            self.buf.push_str(&n);
            return;
        }
        self.pad(&n);
    }

    // ---- strings ---------------------------------------------------------

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present
            && let Some((i, _)) = s.char_indices().nth(self.f.prec)
        {
            return &s[..i];
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        self.pad(&s);
    }

    fn fmt_sx(&mut self, b: &[u8], upper: bool) {
        let mut len = b.len();
        if self.f.prec_present && self.f.prec < len {
            len = self.f.prec;
        }
        let mut out = String::new();
        for (i, byte) in b[..len].iter().enumerate() {
            if self.f.space && i > 0 {
                out.push(' ');
            }
            if self.f.sharp && (self.f.space || i == 0) {
                out.push_str(if upper { "0X" } else { "0x" });
            }
            if upper {
                out.push_str(&format!("{byte:02X}"));
            } else {
                out.push_str(&format!("{byte:02x}"));
            }
        }
        let z = self.f.zero;
        self.f.zero = false;
        self.pad(&out);
        self.f.zero = z;
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        let mut out = String::new();
        if self.f.sharp && !s.contains('`') && s.chars().all(|c| c == '\t' || !c.is_control()) {
            out.push('`');
            out.push_str(s);
            out.push('`');
        } else {
            out.push('"');
            go_quote_into(&mut out, s, '"', self.f.plus);
            out.push('"');
        }
        self.pad(&out);
    }

    fn fmt_string(&mut self, s: &str, v: &Value, verb: char) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s)
                } else {
                    self.fmt_s(s)
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sx(s.as_bytes(), false),
            'X' => self.fmt_sx(s.as_bytes(), true),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(v, verb),
        }
    }

    fn fmt_bytes(&mut self, b: &[u8], v: &Value, verb: char) {
        match verb {
            'v' | 'd' => {
                self.buf.push('[');
                for (i, c) in b.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    self.fmt_int_base(*c as i64, 10, verb, false);
                }
                self.buf.push(']');
            }
            's' => {
                let s = String::from_utf8_lossy(b).into_owned();
                self.fmt_s(&s);
            }
            'x' => self.fmt_sx(b, false),
            'X' => self.fmt_sx(b, true),
            'q' => {
                let s = String::from_utf8_lossy(b).into_owned();
                self.fmt_q(&s);
            }
            _ => {
                self.buf.push('[');
                for (i, c) in b.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    let item = Value::Int(*c as i64);
                    // Elements are uint8; a bad verb names that type.
                    match verb {
                        'b' | 'o' | 'O' | 'x' | 'X' | 'c' | 'q' | 'U' => {
                            self.fmt_integer(*c as i64, &item, verb)
                        }
                        _ => {
                            self.buf.push_str("%!");
                            self.buf.push(verb);
                            self.buf.push_str(&format!("(uint8={c})"));
                        }
                    }
                }
                self.buf.push(']');
                let _ = v;
            }
        }
    }
}

/// Go's `%b` for floats: decimal mantissa and binary exponent (`4503599627370496p-52`).
fn float_b(x: f64) -> String {
    let bits = x.to_bits();
    let neg = bits >> 63 != 0;
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    let e = if exp == 0 {
        -1074
    } else {
        mant |= 1u64 << 52;
        exp - 1075
    };
    format!(
        "{}{mant}p{}{}",
        if neg { "-" } else { "" },
        if e >= 0 { "+" } else { "" },
        e
    )
}

/// Go's `%x`/`%X` for floats: `0x1.8p+01`.
fn float_hex(x: f64, upper: bool, prec: Option<usize>) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let bits = x.to_bits();
    let neg = bits >> 63 != 0;
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    let mut exp: i64;
    if exp_bits == 0 {
        if mant == 0 {
            exp = 0;
        } else {
            // Subnormal: normalise so the leading bit is bit 52.
            exp = -1022;
            while mant & (1u64 << 52) == 0 {
                mant <<= 1;
                exp -= 1;
            }
            mant &= (1u64 << 52) - 1;
        }
    } else {
        exp = exp_bits - 1023;
    }
    let mut lead = if x == 0.0 { 0u64 } else { 1u64 };
    // 13 hex digits of fraction.
    let mut digits: Vec<u8> = (0..13)
        .rev()
        .map(|i| ((mant >> (i * 4)) & 0xf) as u8)
        .collect();
    match prec {
        None => {
            while digits.last() == Some(&0) {
                digits.pop();
            }
        }
        Some(p) if p < 13 => {
            // Round half to even on the dropped digits.
            let full: u128 = ((lead as u128) << 52) | mant as u128;
            let shift = (13 - p) * 4;
            let mut kept = full >> shift;
            let rem = full & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            if rem > half || (rem == half && kept & 1 == 1) {
                kept += 1;
            }
            if kept >> (p * 4) >= 2 {
                kept >>= 1;
                exp += 1;
            }
            lead = (kept >> (p * 4)) as u64;
            digits = (0..p)
                .rev()
                .map(|i| ((kept >> (i * 4)) & 0xf) as u8)
                .collect();
        }
        Some(p) => digits.resize(p, 0),
    }
    let hex = |d: u8| -> char {
        let c = char::from_digit(d as u32, 16).unwrap_or('0');
        if upper { c.to_ascii_uppercase() } else { c }
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(if upper { "0X" } else { "0x" });
    out.push(hex(lead as u8));
    if !digits.is_empty() {
        out.push('.');
        for d in digits {
            out.push(hex(d));
        }
    }
    out.push(if upper { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
    out
}

fn int_from_arg(a: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num < a.len() {
        let (mut num, mut ok) = match &a[arg_num] {
            Value::Int(i) | Value::Int64(i) => (*i, true),
            _ => (0, false),
        };
        if too_large(num) {
            num = 0;
            ok = false;
        }
        return (num, ok, arg_num + 1);
    }
    (0, false, arg_num)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn verbs() {
        assert_eq!(
            sprintf(
                "%d|%5d|%-5d|%05d",
                &[Value::Int(3), Value::Int(-3), Value::Int(3), Value::Int(-3)]
            ),
            "3|   -3|3    |-0003"
        );
        assert_eq!(
            sprintf(
                "%x %X %o %b %#x",
                &[
                    Value::Int(255),
                    Value::Int(255),
                    Value::Int(8),
                    Value::Int(5),
                    Value::Int(255)
                ]
            ),
            "ff FF 10 101 0xff"
        );
        assert_eq!(
            sprintf("%s %q %v", &[s("a"), s("b\n"), s("c")]),
            "a \"b\\n\" c"
        );
        assert_eq!(
            sprintf(
                "%.2f %e %g",
                &[
                    Value::Float(2.61828),
                    Value::Float(1234.5),
                    Value::Float(1e6)
                ]
            ),
            "2.62 1.234500e+03 1e+06"
        );
        assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%d %s", &[Value::Int(1)]), "1 %!s(MISSING)");
        assert_eq!(
            sprintf("%d", &[Value::Int(1), s("x"), Value::Nil]),
            "1%!(EXTRA string=x, <nil>)"
        );
        assert_eq!(
            sprintf("%v %d", &[Value::Nil, Value::Nil]),
            "<nil> %!d(<nil>)"
        );
        assert_eq!(
            sprintf("%5.1f|%-8.3s|", &[Value::Float(2.61828), s("abcdef")]),
            "  2.6|abc     |"
        );
        assert_eq!(sprintf("100%%", &[]), "100%");
        assert_eq!(sprintf("%", &[]), "%!(NOVERB)");
        assert_eq!(
            sprintf("%[2]d %[1]d", &[Value::Int(1), Value::Int(2)]),
            "2 1"
        );
        assert_eq!(
            sprintf(
                "%d",
                &[Value::list(vec![s("a"), Value::Int(1), Value::Nil])]
            ),
            "[%!d(string=a) 1 <nil>]"
        );
        assert_eq!(
            sprintf(
                "%c %U %#U",
                &[Value::Int(65), Value::Int(65), Value::Int(65)]
            ),
            "A U+0041 U+0041 'A'"
        );
        assert_eq!(
            sprintf("%t %v", &[Value::Bool(true), Value::Float(1.5)]),
            "true 1.5"
        );
        assert_eq!(sprintf("%x", &[s("hi")]), "6869");
        assert_eq!(
            sprintf("%T %T %T", &[Value::Int(1), Value::Float(1.0), Value::Nil]),
            "int float64 <nil>"
        );
    }

    #[test]
    fn print_spacing() {
        assert_eq!(
            sprint(&[Value::Int(1), Value::Int(2), s("a"), Value::Int(3)]),
            "1 2a3"
        );
        assert_eq!(sprintln(&[Value::Int(1), s("a")]), "1 a\n");
    }
}
