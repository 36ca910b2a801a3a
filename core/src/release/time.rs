//! Helm's `helmtime.Time`: a timestamp that keeps its UTC offset and prints
//! as Go does (RFC 3339 with nanoseconds in JSON, `""` when zero, ANSIC in
//! tables, `Time.String()` in `helm list`).

use chrono::{DateTime, FixedOffset, Local, Timelike};

/// A point in time with the offset it was recorded in; `None` is Go's zero time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timestamp(pub Option<DateTime<FixedOffset>>);

impl Timestamp {
    /// The current time in the local zone (Go's `time.Now()`).
    pub fn now() -> Timestamp {
        let now = Local::now();
        Timestamp(Some(now.with_timezone(now.offset())))
    }

    pub fn zero() -> Timestamp {
        Timestamp(None)
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_none()
    }

    /// Parses Go's JSON form (RFC 3339, any fraction); `""`/null are zero.
    pub fn parse(text: &str) -> Option<Timestamp> {
        if text.is_empty() {
            return Some(Timestamp(None));
        }
        let t = DateTime::parse_from_rfc3339(text).ok()?;
        if is_go_zero(&t) {
            return Some(Timestamp(None));
        }
        Some(Timestamp(Some(t)))
    }

    /// `time.RFC3339Nano`: fraction without trailing zeros, `Z` for UTC.
    pub fn rfc3339_nano(&self) -> String {
        match self.0 {
            None => "0001-01-01T00:00:00Z".to_string(),
            Some(t) => {
                let mut s = t.format("%Y-%m-%dT%H:%M:%S").to_string();
                push_fraction(&mut s, t.nanosecond());
                push_offset(&mut s, t.offset().local_minus_utc(), true);
                s
            }
        }
    }

    /// The JSON text Helm writes (`helmtime.Time.MarshalJSON`), quotes included.
    pub fn json(&self) -> String {
        if self.is_zero() {
            "\"\"".to_string()
        } else {
            format!("\"{}\"", self.rfc3339_nano())
        }
    }

    /// `time.ANSIC`: `Mon Jan _2 15:04:05 2006`.
    pub fn ansic(&self) -> String {
        match self.0 {
            None => "Mon Jan  1 00:00:00 0001".to_string(),
            Some(t) => t.format("%a %b %e %H:%M:%S %Y").to_string(),
        }
    }

    /// Go's `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`.
    pub fn go_string(&self) -> String {
        match self.0 {
            None => "0001-01-01 00:00:00 +0000 UTC".to_string(),
            Some(t) => {
                let mut s = t.format("%Y-%m-%d %H:%M:%S").to_string();
                push_fraction(&mut s, t.nanosecond());
                s.push(' ');
                let off = t.offset().local_minus_utc();
                push_offset(&mut s, off, false);
                s.push(' ');
                // Go names the zone; UTC is "UTC", a fabricated zone repeats the offset.
                if off == 0 {
                    s.push_str("UTC");
                } else {
                    push_offset(&mut s, off, false);
                }
                s
            }
        }
    }

    /// Nanoseconds since the Unix epoch (for sorting; 0 for the zero time).
    pub fn unix_nanos(&self) -> i64 {
        self.0.and_then(|t| t.timestamp_nanos_opt()).unwrap_or(0)
    }

    /// Seconds since the Unix epoch (0 for the zero time).
    pub fn unix(&self) -> i64 {
        self.0.map(|t| t.timestamp()).unwrap_or(0)
    }

    /// Formats with a Go layout string (`--time-format`).
    pub fn format_go(&self, layout: &str) -> String {
        let Some(t) = self.0 else {
            return String::new();
        };
        go_layout(&t, layout)
    }
}

fn is_go_zero(t: &DateTime<FixedOffset>) -> bool {
    t.timestamp() == -62135596800 && t.nanosecond() == 0
}

fn push_fraction(s: &mut String, nanos: u32) {
    if nanos == 0 {
        return;
    }
    let frac = format!("{:09}", nanos % 1_000_000_000);
    s.push('.');
    s.push_str(frac.trim_end_matches('0'));
}

fn push_offset(s: &mut String, secs: i32, rfc3339: bool) {
    if rfc3339 && secs == 0 {
        s.push('Z');
        return;
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.unsigned_abs() / 60;
    if rfc3339 {
        s.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
    } else {
        s.push_str(&format!("{sign}{:02}{:02}", m / 60, m % 60));
    }
}

/// A subset of Go's reference-time layout: the common elements.
fn go_layout(t: &DateTime<FixedOffset>, layout: &str) -> String {
    // Longest tokens first so "2006" wins over "2" and "Jan" over "J".
    const TOKENS: &[(&str, &str)] = &[
        ("2006", "%Y"),
        ("Monday", "%A"),
        ("January", "%B"),
        ("-07:00", "%:z"),
        ("Z07:00", "Z:z"),
        ("-0700", "%z"),
        ("Z0700", "Zz"),
        ("Mon", "%a"),
        ("Jan", "%b"),
        ("MST", "ZONE"),
        ("01", "%m"),
        ("02", "%d"),
        ("_2", "%e"),
        ("15", "%H"),
        ("03", "%I"),
        ("04", "%M"),
        ("05", "%S"),
        ("06", "%y"),
        ("PM", "%p"),
        ("pm", "%P"),
    ];
    let off = t.offset().local_minus_utc();
    let mut out = String::new();
    let mut rest = layout;
    'outer: while !rest.is_empty() {
        if let Some(after) = rest
            .strip_prefix(".000000000")
            .or(rest.strip_prefix(".999999999"))
        {
            let nines = rest.starts_with(".9");
            let frac = format!("{:09}", t.nanosecond() % 1_000_000_000);
            if nines {
                let trimmed = frac.trim_end_matches('0');
                if !trimmed.is_empty() {
                    out.push('.');
                    out.push_str(trimmed);
                }
            } else {
                out.push('.');
                out.push_str(&frac);
            }
            rest = after;
            continue;
        }
        for (tok, fmt) in TOKENS {
            if let Some(after) = rest.strip_prefix(tok) {
                match *fmt {
                    "ZONE" => out.push_str(&if off == 0 {
                        "UTC".to_string()
                    } else {
                        t.format("%z").to_string()
                    }),
                    "Z:z" | "Zz" if off == 0 => out.push('Z'),
                    "Z:z" => out.push_str(&t.format("%:z").to_string()),
                    "Zz" => out.push_str(&t.format("%z").to_string()),
                    f => out.push_str(&t.format(f).to_string()),
                }
                rest = after;
                continue 'outer;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap_or_default()
    }

    #[test]
    fn rfc3339_nano_trims_fraction() {
        assert_eq!(
            ts("2024-03-05T07:08:09.120000000Z").rfc3339_nano(),
            "2024-03-05T07:08:09.12Z"
        );
        assert_eq!(
            ts("2024-03-05T07:08:09+02:00").rfc3339_nano(),
            "2024-03-05T07:08:09+02:00"
        );
        assert_eq!(Timestamp::zero().json(), "\"\"");
        assert!(ts("").is_zero());
        assert!(ts("0001-01-01T00:00:00Z").is_zero());
    }

    #[test]
    fn go_text_forms() {
        let t = ts("2016-10-03T10:15:13.125134977Z");
        assert_eq!(t.ansic(), "Mon Oct  3 10:15:13 2016");
        assert_eq!(t.go_string(), "2016-10-03 10:15:13.125134977 +0000 UTC");
        assert_eq!(
            t.format_go("2006-01-02 15:04:05Z0700"),
            "2016-10-03 10:15:13Z"
        );
        assert_eq!(
            ts("2016-10-03T10:15:13-07:00").go_string(),
            "2016-10-03 10:15:13 -0700 -0700"
        );
    }
}
