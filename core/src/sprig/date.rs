//! Dates and durations with Go `time` semantics: `now date dateInZone
//! htmlDate htmlDateInZone dateModify mustDateModify toDate mustToDate
//! unixEpoch ago duration durationRound` (plus the snake_case aliases).
//!
//! Go layouts (`"2006-01-02T15:04:05Z07:00"`) are formatted and parsed by
//! our own port of Go's layout rules; time zones are read from the system
//! zoneinfo files as Go does (`Local` from `TZ` or `/etc/localtime`).
//! A `time.Time` is a [`GoTime`] object that prints like Go's `String()`.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike};

use super::{arg, arg_str, ok};
use crate::template::{FuncError, FuncTable, Object, Signature, Ty, Value};

/// Go's `time.Time` parameter type (a [`GoTime`] object converts).
const TIME: Ty = Ty::Struct("time.Time");

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    t.add("now", Signature::fixed(&[]), |_| {
        Ok(GoTime::now().into_value())
    });
    t.add("date", Signature::fixed(&[String, Any]), |a| {
        ok(date_in_zone(arg_str(a, 0)?, arg(a, 1), "Local"))
    });
    for name in ["dateInZone", "date_in_zone"] {
        t.add(name, Signature::fixed(&[String, Any, String]), |a| {
            ok(date_in_zone(arg_str(a, 0)?, arg(a, 1), arg_str(a, 2)?))
        });
    }
    t.add("htmlDate", Signature::fixed(&[Any]), |a| {
        ok(date_in_zone("2006-01-02", arg(a, 0), "Local"))
    });
    t.add("htmlDateInZone", Signature::fixed(&[Any, String]), |a| {
        ok(date_in_zone("2006-01-02", arg(a, 0), arg_str(a, 1)?))
    });
    for name in ["dateModify", "date_modify"] {
        t.add(name, Signature::fixed(&[String, TIME]), |a| {
            let t = arg_time(a, 1)?;
            Ok(match parse_duration(arg_str(a, 0)?) {
                Ok(d) => t.add_nanos(d),
                Err(_) => t,
            }
            .into_value())
        });
    }
    for name in ["mustDateModify", "must_date_modify"] {
        t.add(name, Signature::fixed(&[String, TIME]), |a| {
            let t = arg_time(a, 1)?;
            let d = parse_duration(arg_str(a, 0)?).map_err(FuncError::new)?;
            Ok(t.add_nanos(d).into_value())
        });
    }
    t.add("toDate", Signature::fixed(&[String, String]), |a| {
        let t = parse_in_location(arg_str(a, 0)?, arg_str(a, 1)?, &Location::local())
            .unwrap_or_else(|_| GoTime::zero());
        Ok(t.into_value())
    });
    t.add("mustToDate", Signature::fixed(&[String, String]), |a| {
        parse_in_location(arg_str(a, 0)?, arg_str(a, 1)?, &Location::local())
            .map(GoTime::into_value)
            .map_err(FuncError::new)
    });
    t.add("unixEpoch", Signature::fixed(&[TIME]), |a| {
        ok(arg_time(a, 0)?.secs.to_string())
    });
    t.add("ago", Signature::fixed(&[Any]), |a| {
        let t = match arg(a, 0) {
            Value::Object(o) => time_of(o.as_ref()).unwrap_or_else(GoTime::now),
            Value::Int64(n) | Value::Int(n) => GoTime::unix(*n, 0, Location::local()),
            _ => GoTime::now(),
        };
        let since = GoTime::now().nanos_since(&t);
        ok(format_duration(round_duration(since, 1_000_000_000)))
    });
    t.add("duration", Signature::fixed(&[Any]), |a| {
        let n = match arg(a, 0) {
            Value::String(s) => s.parse::<i64>().unwrap_or(0),
            Value::Int64(n) => *n,
            _ => 0,
        };
        ok(format_duration(n.wrapping_mul(1_000_000_000)))
    });
    t.add("durationRound", Signature::fixed(&[Any]), |a| {
        let d = match arg(a, 0) {
            Value::String(s) => parse_duration(s).unwrap_or(0),
            Value::Int64(n) => *n,
            Value::Object(o) => time_of(o.as_ref()).map_or(0, |t| GoTime::now().nanos_since(&t)),
            _ => 0,
        };
        ok(duration_round(d))
    });
}

// ---- locations ------------------------------------------------------------------

/// A Go `*time.Location`: a name and its zone rules.
#[derive(Debug)]
pub struct Location {
    name: String,
    /// (start, zone index), sorted.
    transitions: Vec<(i64, usize)>,
    /// (offset seconds, is DST, abbreviation).
    zones: Vec<(i32, bool, String)>,
}

impl Location {
    pub fn utc() -> Arc<Location> {
        Arc::new(Location {
            name: "UTC".into(),
            transitions: Vec::new(),
            zones: vec![(0, false, "UTC".into())],
        })
    }

    fn fixed(name: &str, offset: i32) -> Arc<Location> {
        Arc::new(Location {
            name: name.into(),
            transitions: Vec::new(),
            zones: vec![(offset, false, name.into())],
        })
    }

    /// Go's `time.Local`: `TZ` (empty → UTC), else `/etc/localtime`.
    pub fn local() -> Arc<Location> {
        let from_file = |path: &str| {
            std::fs::read(path)
                .ok()
                .and_then(|b| parse_tzif(&b, "Local"))
                .map(Arc::new)
        };
        match std::env::var("TZ") {
            Ok(tz) if tz.is_empty() || tz == "UTC" => Location::utc(),
            Ok(tz) => {
                let name = tz.trim_start_matches(':');
                let loaded = if name.starts_with('/') {
                    from_file(name)
                } else {
                    load_zoneinfo(name).map(|mut l| {
                        l.name = "Local".into();
                        Arc::new(l)
                    })
                };
                loaded.unwrap_or_else(Location::utc)
            }
            Err(_) => from_file("/etc/localtime").unwrap_or_else(Location::utc),
        }
    }

    /// Go `time.LoadLocation`; `None` when Go would fail.
    pub fn load(name: &str) -> Option<Arc<Location>> {
        match name {
            "" | "UTC" => Some(Location::utc()),
            "Local" => Some(Location::local()),
            _ => load_zoneinfo(name).map(Arc::new),
        }
    }

    /// Offset, DST flag and abbreviation in effect at `secs`.
    fn lookup(&self, secs: i64) -> (i32, &str) {
        let idx = match self.transitions.partition_point(|(t, _)| *t <= secs) {
            0 => self.zones.iter().position(|z| !z.1).unwrap_or(0),
            n => self.transitions[n - 1].1,
        };
        match self.zones.get(idx) {
            Some((off, _, abbr)) => (*off, abbr),
            None => (0, "UTC"),
        }
    }
}

fn load_zoneinfo(name: &str) -> Option<Location> {
    if name.contains("..") || name.starts_with('/') {
        return None;
    }
    let dirs = [
        "/usr/share/zoneinfo/",
        "/usr/share/lib/zoneinfo/",
        "/usr/lib/locale/TZ/",
    ];
    let mut roots: Vec<String> = std::env::var("ZONEINFO").ok().into_iter().collect();
    roots.extend(dirs.iter().map(|d| d.to_string()));
    roots.iter().find_map(|d| {
        let path = std::path::Path::new(d).join(name);
        std::fs::read(path).ok().and_then(|b| parse_tzif(&b, name))
    })
}

/// Reads a TZif file (v1 32-bit data, or the v2+ 64-bit block).
fn parse_tzif(b: &[u8], name: &str) -> Option<Location> {
    if b.get(..4)? != b"TZif" {
        return None;
    }
    let be32 = |at: usize| -> Option<i64> {
        Some(i64::from(i32::from_be_bytes(
            b.get(at..at + 4)?.try_into().ok()?,
        )))
    };
    let counts = |at: usize| -> Option<[usize; 6]> {
        let mut c = [0usize; 6];
        for (i, slot) in c.iter_mut().enumerate() {
            *slot = usize::try_from(be32(at + 20 + 4 * i)?).ok()?;
        }
        Some(c)
    };
    let version = *b.get(4)?;
    let [isutc, isstd, leap, timecnt, typecnt, charcnt] = counts(0)?;
    let v1_len = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isutc;
    let (base, tsize) = if version >= b'2' { (v1_len, 8) } else { (0, 4) };
    let [isutc, isstd, leap, timecnt, typecnt, charcnt] = counts(base)?;
    let _ = (isutc, isstd, leap);
    let mut p = base + 44;
    let mut times = Vec::with_capacity(timecnt);
    for i in 0..timecnt {
        let at = p + i * tsize;
        let t = if tsize == 8 {
            i64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?)
        } else {
            be32(at)?
        };
        times.push(t);
    }
    p += timecnt * tsize;
    let idxs = b.get(p..p + timecnt)?.to_vec();
    p += timecnt;
    let mut raw_zones = Vec::with_capacity(typecnt);
    for i in 0..typecnt {
        let at = p + i * 6;
        let off = i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?);
        raw_zones.push((off, *b.get(at + 4)? != 0, usize::from(*b.get(at + 5)?)));
    }
    p += typecnt * 6;
    let chars = b.get(p..p + charcnt)?;
    let zones = raw_zones
        .into_iter()
        .map(|(off, dst, ai)| {
            let end = chars[ai.min(chars.len())..]
                .iter()
                .position(|&c| c == 0)
                .map_or(chars.len(), |e| ai + e);
            let abbr = String::from_utf8_lossy(chars.get(ai..end).unwrap_or(b"")).into_owned();
            (off, dst, abbr)
        })
        .collect();
    let transitions = times
        .into_iter()
        .zip(idxs.into_iter().map(usize::from))
        .collect();
    Some(Location {
        name: name.into(),
        transitions,
        zones,
    })
}

// ---- time values ------------------------------------------------------------------

/// Go `time.Time`: an instant, a location, and whether it carries a
/// monotonic reading (only `now` does; `String()` then shows `m=+…`).
#[derive(Clone, Debug)]
pub struct GoTime {
    secs: i64,
    nanos: u32,
    loc: Arc<Location>,
    mono: Option<f64>,
}

/// Unix seconds of Go's zero time, January 1, year 1, 00:00:00 UTC.
const ZERO_SECS: i64 = -62_135_596_800;

impl GoTime {
    pub fn now() -> GoTime {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        GoTime {
            secs: d.as_secs() as i64,
            nanos: d.subsec_nanos(),
            loc: Location::local(),
            mono: Some(monotonic_seconds()),
        }
    }

    pub fn unix(secs: i64, nanos: u32, loc: Arc<Location>) -> GoTime {
        GoTime {
            secs,
            nanos,
            loc,
            mono: None,
        }
    }

    pub fn zero() -> GoTime {
        GoTime::unix(ZERO_SECS, 0, Location::utc())
    }

    fn into_value(self) -> Value {
        Value::Object(Arc::new(self))
    }

    fn in_loc(&self, loc: Arc<Location>) -> GoTime {
        GoTime {
            loc,
            mono: None,
            ..self.clone()
        }
    }

    fn add_nanos(&self, d: i64) -> GoTime {
        let total = i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos) + i128::from(d);
        GoTime {
            secs: total.div_euclid(1_000_000_000) as i64,
            nanos: total.rem_euclid(1_000_000_000) as u32,
            loc: self.loc.clone(),
            mono: self.mono.map(|m| m + d as f64 / 1e9),
        }
    }

    fn nanos_since(&self, earlier: &GoTime) -> i64 {
        let a = i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos);
        let b = i128::from(earlier.secs) * 1_000_000_000 + i128::from(earlier.nanos);
        (a - b).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// Civil fields in the time's own zone.
    fn civil(&self) -> (NaiveDateTime, i32, String) {
        let (off, abbr) = self.loc.lookup(self.secs);
        let naive = DateTime::from_timestamp(self.secs + i64::from(off), self.nanos)
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        // A fixed zone created by parsing has no name: Go prints the offset.
        (naive, off, abbr.to_string())
    }

    /// Go `Time.Format`.
    pub fn format(&self, layout: &str) -> String {
        let (dt, off, abbr) = self.civil();
        format_layout(layout, &dt, off, &abbr)
    }

    fn go_string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            s.push_str(&format!(
                " m={}{:.9}",
                if m < 0.0 { "-" } else { "+" },
                m.abs()
            ));
        }
        s
    }
}

fn monotonic_seconds() -> f64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}

impl Object for GoTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        let (dt, _, _) = self.civil();
        let v = match name {
            "Unix" => Value::Int64(self.secs),
            "UnixNano" => Value::Int64(
                self.secs
                    .wrapping_mul(1_000_000_000)
                    .wrapping_add(i64::from(self.nanos)),
            ),
            "Year" => Value::Int(i64::from(dt.year())),
            "YearDay" => Value::Int(i64::from(dt.ordinal())),
            "Day" => Value::Int(i64::from(dt.day())),
            "Hour" => Value::Int(i64::from(dt.hour())),
            "Minute" => Value::Int(i64::from(dt.minute())),
            "Second" => Value::Int(i64::from(dt.second())),
            "Nanosecond" => Value::Int(i64::from(self.nanos)),
            "IsZero" => Value::Bool(self.secs == ZERO_SECS && self.nanos == 0),
            "UTC" => self.in_loc(Location::utc()).into_value(),
            "Local" => self.in_loc(Location::local()).into_value(),
            "String" => Value::from_string(self.go_string()),
            "Format" => match args.first() {
                Some(Value::String(l)) => Value::from_string(self.format(l)),
                _ => {
                    return Some(Err(FuncError::new(
                        "wrong number of args for Format: want 1 got 0",
                    )));
                }
            },
            _ => return None,
        };
        Some(Ok(v))
    }

    fn to_json_value(&self) -> Value {
        Value::from_string(self.format("2006-01-02T15:04:05.999999999Z07:00"))
    }

    fn fmt_v(&self, out: &mut String) {
        out.push_str(&self.go_string());
    }
}

fn time_of(o: &dyn Object) -> Option<GoTime> {
    if o.type_name() != "time.Time" {
        return None;
    }
    // Objects carry no downcast: re-read the instant from its RFC 3339 view.
    let text = o.to_json_value().to_go_string();
    parse_in_location(
        "2006-01-02T15:04:05.999999999Z07:00",
        &text,
        &Location::utc(),
    )
    .ok()
}

/// A `time.Time` parameter.
fn arg_time(a: &[Value], i: usize) -> Result<GoTime, FuncError> {
    match arg(a, i) {
        Value::Object(o) => time_of(o.as_ref()).ok_or_else(|| {
            FuncError::new(format!(
                "wrong type for value; expected time.Time; got {}",
                o.type_name()
            ))
        }),
        Value::Nil => Err(FuncError::new("invalid value; expected time.Time")),
        other => Err(FuncError::new(format!(
            "wrong type for value; expected time.Time; got {}",
            other.type_name()
        ))),
    }
}

/// Sprig `dateInZone`: time.Time, or unix seconds as int/int64; anything
/// else means now. An unknown zone falls back to UTC.
fn date_in_zone(layout: &str, date: &Value, zone: &str) -> String {
    let t = match date {
        Value::Object(o) => time_of(o.as_ref()).unwrap_or_else(GoTime::now),
        Value::Int64(n) | Value::Int(n) => GoTime::unix(*n, 0, Location::local()),
        _ => GoTime::now(),
    };
    let loc = Location::load(zone).unwrap_or_else(Location::utc);
    t.in_loc(loc).format(layout)
}

// ---- layouts ------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz,
    /// Numeric zone: (ISO `Z` form, colons, with seconds, hours only).
    NumTz(bool, bool, bool, bool),
    /// Fractional seconds: (digits, trim zeros, separator).
    Frac(usize, bool, u8),
}

/// Go `nextStdChunk`: literal prefix, the element, and the rest.
fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let starts = |i: usize, s: &str| layout[i..].starts_with(s);
    let lower_after = |i: usize| b.get(i).is_some_and(u8::is_ascii_lowercase);
    for i in 0..b.len() {
        let found = match b[i] {
            b'J' if starts(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if starts(i, "Jan") && !lower_after(i + 3) => Some((Std::Month, 3)),
            b'M' if starts(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if starts(i, "Mon") && !lower_after(i + 3) => Some((Std::WeekDay, 3)),
            b'M' if starts(i, "MST") => Some((Std::Tz, 3)),
            b'0' if matches!(b.get(i + 1), Some(b'1'..=b'6')) => Some((
                match b[i + 1] {
                    b'1' => Std::ZeroMonth,
                    b'2' => Std::ZeroDay,
                    b'3' => Std::ZeroHour12,
                    b'4' => Std::ZeroMinute,
                    b'5' => Std::ZeroSecond,
                    _ => Std::Year,
                },
                2,
            )),
            b'0' if starts(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if b.get(i + 1) == Some(&b'5') => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if starts(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if starts(i, "_2006") => {
                return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
            }
            b'_' if starts(i, "_2") => Some((Std::UnderDay, 2)),
            b'_' if starts(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if b.get(i + 1) == Some(&b'M') => Some((Std::PM, 2)),
            b'p' if b.get(i + 1) == Some(&b'm') => Some((Std::Pm, 2)),
            b'-' | b'Z' => {
                let iso = b[i] == b'Z';
                let forms: [(&str, bool, bool, bool); 5] = [
                    ("070000", false, true, false),
                    ("07:00:00", true, true, false),
                    ("0700", false, false, false),
                    ("07:00", true, false, false),
                    ("07", false, false, true),
                ];
                forms.iter().find_map(|(f, colon, secs, short)| {
                    starts(i + 1, f)
                        .then_some((Std::NumTz(iso, *colon, *secs, *short), f.len() + 1))
                })
            }
            b'.' | b',' if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    Some((Std::Frac(j - i - 1, ch == b'9', b[i]), j - i))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
    }
    (layout, None, "")
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

fn pad(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
    }
    out.push_str(&format!("{:0width$}", n.unsigned_abs()));
}

fn format_layout(layout: &str, dt: &NaiveDateTime, off: i32, abbr: &str) -> String {
    let mut out = String::new();
    let mut rest = layout;
    loop {
        let (prefix, std, next) = next_chunk(rest);
        out.push_str(prefix);
        let Some(std) = std else { break };
        rest = next;
        let (year, month, day) = (
            i64::from(dt.year()),
            dt.month() as usize,
            i64::from(dt.day()),
        );
        let (hour, min, sec) = (
            i64::from(dt.hour()),
            i64::from(dt.minute()),
            i64::from(dt.second()),
        );
        let yday = i64::from(dt.ordinal());
        match std {
            Std::LongMonth => out.push_str(MONTHS[month - 1]),
            Std::Month => out.push_str(&MONTHS[month - 1][..3]),
            Std::NumMonth => pad(&mut out, month as i64, 0),
            Std::ZeroMonth => pad(&mut out, month as i64, 2),
            Std::LongWeekDay => out.push_str(DAYS[dt.weekday().num_days_from_sunday() as usize]),
            Std::WeekDay => out.push_str(&DAYS[dt.weekday().num_days_from_sunday() as usize][..3]),
            Std::Day => pad(&mut out, day, 0),
            Std::UnderDay => {
                if day < 10 {
                    out.push(' ');
                }
                pad(&mut out, day, 0);
            }
            Std::ZeroDay => pad(&mut out, day, 2),
            Std::UnderYearDay => out.push_str(&format!("{yday:>3}")),
            Std::ZeroYearDay => pad(&mut out, yday, 3),
            Std::Hour => pad(&mut out, hour, 2),
            Std::Hour12 => pad(&mut out, if hour % 12 == 0 { 12 } else { hour % 12 }, 0),
            Std::ZeroHour12 => pad(&mut out, if hour % 12 == 0 { 12 } else { hour % 12 }, 2),
            Std::Minute => pad(&mut out, min, 0),
            Std::ZeroMinute => pad(&mut out, min, 2),
            Std::Second => pad(&mut out, sec, 0),
            Std::ZeroSecond => pad(&mut out, sec, 2),
            Std::LongYear => pad(&mut out, year, 4),
            Std::Year => pad(&mut out, year.rem_euclid(100), 2),
            Std::PM => out.push_str(if hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if hour >= 12 { "pm" } else { "am" }),
            Std::Tz => {
                if abbr.is_empty() {
                    let z = off / 60;
                    out.push(if z < 0 { '-' } else { '+' });
                    pad(&mut out, i64::from(z.abs() / 60), 2);
                    pad(&mut out, i64::from(z.abs() % 60), 2);
                } else {
                    out.push_str(abbr);
                }
            }
            Std::NumTz(iso, colon, secs, short) => {
                if iso && off == 0 {
                    out.push('Z');
                    continue;
                }
                let z = off / 60;
                out.push(if z < 0 { '-' } else { '+' });
                let z = z.abs();
                pad(&mut out, i64::from(z / 60), 2);
                if !short {
                    if colon {
                        out.push(':');
                    }
                    pad(&mut out, i64::from(z % 60), 2);
                }
                if secs {
                    if colon {
                        out.push(':');
                    }
                    pad(&mut out, i64::from(off.abs() % 60), 2);
                }
            }
            Std::Frac(n, trim, sep) => {
                let digits = format!("{:09}", dt.nanosecond() % 1_000_000_000);
                let mut d = &digits[..n.min(9)];
                if trim {
                    d = d.trim_end_matches('0');
                    if d.is_empty() {
                        continue;
                    }
                }
                out.push(char::from(sep));
                out.push_str(d);
            }
        }
    }
    out
}

// ---- parsing ------------------------------------------------------------------------

fn parse_error(value: &str, layout: &str, elem: &str, rest: &str, msg: &str) -> String {
    parse_error_bytes(value, layout, elem, rest.as_bytes(), msg)
}

/// [`parse_error`] for a rest that Go cut inside a character.
fn parse_error_bytes(value: &str, layout: &str, elem: &str, rest: &[u8], msg: &str) -> String {
    if msg.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            time_quote(value.as_bytes()),
            time_quote(layout.as_bytes()),
            time_quote(rest),
            time_quote(elem.as_bytes())
        )
    } else {
        format!("parsing time {}{msg}", time_quote(value.as_bytes()))
    }
}

/// Go `time.quote`: like a Go string literal, but every byte of a non-ASCII
/// or control character (and of invalid UTF-8) is written as `\xNN`.
fn time_quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    fn hex(bytes: &[u8], out: &mut String) {
        for b in bytes {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            if !c.is_ascii() || c < ' ' {
                hex(c.encode_utf8(&mut [0; 4]).as_bytes(), &mut out);
            } else {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        hex(chunk.invalid(), &mut out);
    }
    out.push('"');
    out
}

/// Leading digits of `s`: exactly `fixed` of them, or 1..=`max`.
fn take_num(s: &str, fixed: bool, width: usize) -> Option<(i64, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    let take = if fixed {
        if n < width {
            return None;
        }
        width
    } else {
        if n == 0 {
            return None;
        }
        n.min(width)
    };
    Some((s[..take].parse().ok()?, &s[take..]))
}

fn take_name<'a>(s: &'a str, names: &[&str], short: bool) -> Option<(usize, &'a str)> {
    names.iter().enumerate().find_map(|(i, n)| {
        let n = if short { &n[..3] } else { n };
        let head = s.get(..n.len())?;
        head.eq_ignore_ascii_case(n).then(|| (i, &s[n.len()..]))
    })
}

/// Go `time.ParseInLocation` for the common layout elements.
pub fn parse_in_location(layout: &str, value: &str, loc: &Arc<Location>) -> Result<GoTime, String> {
    let (mut year, mut month, mut day, mut yday) = (1i64, 1i64, 1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut zone_off: Option<i32> = None;
    let mut zone_name: Option<String> = None;
    let mut rest_layout = layout;
    let mut v = value;
    loop {
        let (prefix, std, next) = next_chunk(rest_layout);
        let elem = &rest_layout[prefix.len()..rest_layout.len() - next.len()];
        match v.strip_prefix(prefix) {
            Some(r) => v = r,
            None => return Err(parse_error(value, layout, prefix, v, "")),
        }
        let Some(std) = std else {
            if !v.is_empty() {
                return Err(parse_error(
                    value,
                    layout,
                    "",
                    "",
                    &format!(": extra text: {}", time_quote(v.as_bytes())),
                ));
            }
            break;
        };
        rest_layout = next;
        let fail = || parse_error(value, layout, elem, v, "");
        let range =
            |what: &str| parse_error(value, layout, "", "", &format!(": {what} out of range"));
        match std {
            Std::LongYear => {
                if v.len() < 4 || !v.as_bytes()[0].is_ascii_digit() {
                    return Err(fail());
                }
                // Go consumes four bytes even when they end inside a
                // character; those are not all digits, so it is an error.
                if !v.is_char_boundary(4) {
                    return Err(parse_error_bytes(
                        value,
                        layout,
                        elem,
                        &v.as_bytes()[4..],
                        "",
                    ));
                }
                // Go consumes four bytes before checking them.
                let (digits, r) = v.split_at(4);
                v = r;
                year = digits
                    .parse()
                    .map_err(|_| parse_error(value, layout, elem, v, ""))?;
            }
            Std::Year => {
                let (y, r) = take_num(v, true, 2).ok_or_else(fail)?;
                year = if y >= 69 { y + 1900 } else { y + 2000 };
                v = r;
            }
            Std::LongMonth | Std::Month => {
                let (m, r) = take_name(v, &MONTHS, std == Std::Month).ok_or_else(fail)?;
                month = m as i64 + 1;
                v = r;
            }
            Std::LongWeekDay | Std::WeekDay => {
                let (_, r) = take_name(v, &DAYS, std == Std::WeekDay).ok_or_else(fail)?;
                v = r;
            }
            Std::NumMonth | Std::ZeroMonth => {
                let (m, r) = take_num(v, std == Std::ZeroMonth, 2).ok_or_else(fail)?;
                if !(1..=12).contains(&m) {
                    return Err(range("month"));
                }
                month = m;
                v = r;
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay && v.starts_with(' ') {
                    v = &v[1..];
                }
                let (d, r) = take_num(v, std == Std::ZeroDay, 2).ok_or_else(fail)?;
                day = d;
                v = r;
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                let trimmed = if std == Std::UnderYearDay {
                    v.trim_start_matches(' ')
                } else {
                    v
                };
                let (d, r) = take_num(trimmed, std == Std::ZeroYearDay, 3).ok_or_else(fail)?;
                yday = d;
                v = r;
            }
            Std::Hour => {
                let (h, r) = take_num(v, false, 2).ok_or_else(fail)?;
                if h > 23 {
                    return Err(range("hour"));
                }
                hour = h;
                v = r;
            }
            Std::Hour12 | Std::ZeroHour12 => {
                let (h, r) = take_num(v, std == Std::ZeroHour12, 2).ok_or_else(fail)?;
                if h > 12 {
                    return Err(range("hour"));
                }
                hour = h;
                v = r;
            }
            Std::Minute | Std::ZeroMinute => {
                let (m, r) = take_num(v, std == Std::ZeroMinute, 2).ok_or_else(fail)?;
                if m > 59 {
                    return Err(range("minute"));
                }
                min = m;
                v = r;
            }
            Std::Second | Std::ZeroSecond => {
                let (s, r) = take_num(v, std == Std::ZeroSecond, 2).ok_or_else(fail)?;
                if s > 59 {
                    return Err(range("second"));
                }
                sec = s;
                v = r;
                // A fractional second may follow even if the layout has none.
                if (v.starts_with('.') || v.starts_with(','))
                    && !matches!(next_chunk(rest_layout).1, Some(Std::Frac(..)))
                    && v.as_bytes().get(1).is_some_and(u8::is_ascii_digit)
                {
                    let n = v[1..].bytes().take_while(u8::is_ascii_digit).count();
                    nsec = frac_nanos(&v[1..1 + n]);
                    v = &v[1 + n..];
                }
            }
            Std::PM | Std::Pm => {
                let head = v.get(..2).ok_or_else(fail)?;
                pm = Some(match head {
                    "PM" | "pm" if (std == Std::PM) == (head == "PM") => true,
                    "AM" | "am" if (std == Std::PM) == (head == "AM") => false,
                    _ => return Err(fail()),
                });
                v = &v[2..];
            }
            Std::NumTz(iso, colon, secs, short) => {
                if iso && v.starts_with('Z') {
                    v = &v[1..];
                    zone_off = Some(0);
                    zone_name = Some("UTC".into());
                    continue;
                }
                let sign = match v.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(fail()),
                };
                let mut r = &v[1..];
                let (hh, r2) = take_num(r, true, 2).ok_or_else(fail)?;
                r = r2;
                let mut mm = 0;
                let mut ss = 0;
                if !short {
                    if colon {
                        r = r.strip_prefix(':').ok_or_else(fail)?;
                    }
                    let (m2, r3) = take_num(r, true, 2).ok_or_else(fail)?;
                    mm = m2;
                    r = r3;
                }
                if secs {
                    if colon {
                        r = r.strip_prefix(':').ok_or_else(fail)?;
                    }
                    let (s2, r3) = take_num(r, true, 2).ok_or_else(fail)?;
                    ss = s2;
                    r = r3;
                }
                v = r;
                zone_off = Some(sign * (hh * 3600 + mm * 60 + ss) as i32);
            }
            Std::Tz => {
                if v.starts_with("UTC") {
                    zone_name = Some("UTC".into());
                    v = &v[3..];
                    continue;
                }
                let n = v.bytes().take_while(u8::is_ascii_uppercase).count();
                if n < 3 {
                    return Err(fail());
                }
                zone_name = Some(v[..n].to_string());
                v = &v[n..];
            }
            Std::Frac(n, trim, sep) => {
                let Some(r) = v.strip_prefix(char::from(sep)) else {
                    if trim {
                        continue;
                    }
                    return Err(fail());
                };
                let digits = r.bytes().take_while(u8::is_ascii_digit).count();
                if !trim && digits < n {
                    return Err(fail());
                }
                let take = if trim { digits } else { n };
                nsec = frac_nanos(&r[..take]);
                v = &r[take..];
            }
        }
    }
    if let Some(p) = pm {
        if p && hour < 12 {
            hour += 12;
        } else if !p && hour == 12 {
            hour = 0;
        }
    }
    let date = if yday >= 0 {
        NaiveDate::from_yo_opt(year as i32, yday as u32)
    } else {
        NaiveDate::from_ymd_opt(year as i32, month as u32, 1).and_then(|d| {
            if day < 1 || day > i64::from(days_in_month(d)) {
                None
            } else {
                d.with_day(day as u32)
            }
        })
    };
    let Some(date) = date else {
        return Err(parse_error(value, layout, "", "", ": day out of range"));
    };
    let naive = date
        .and_hms_opt(hour as u32, min as u32, sec as u32)
        .ok_or_else(|| parse_error(value, layout, "", "", ": hour out of range"))?;
    let local_secs = naive.and_utc().timestamp();
    let t = match (zone_off, zone_name) {
        (Some(off), _) => {
            let secs = local_secs - i64::from(off);
            // Go keeps `loc` when it has this offset at that instant.
            let (loc_off, _) = loc.lookup(secs);
            let l = if loc_off == off {
                loc.clone()
            } else if off == 0 {
                Location::utc()
            } else {
                Location::fixed("", off)
            };
            GoTime::unix(secs, nsec as u32, l)
        }
        (None, Some(name)) => {
            if name == "UTC" {
                GoTime::unix(local_secs, nsec as u32, Location::utc())
            } else {
                // A known abbreviation of `loc` gets its offset; else offset 0.
                let off = loc.zones.iter().find(|z| z.2 == name).map_or(0, |z| z.0);
                GoTime::unix(
                    local_secs - i64::from(off),
                    nsec as u32,
                    Location::fixed(&name, off),
                )
            }
        }
        (None, None) => {
            // Interpret the civil time in `loc`.
            let (off, _) = loc.lookup(local_secs);
            let secs = local_secs - i64::from(off);
            let (off2, _) = loc.lookup(secs);
            GoTime::unix(local_secs - i64::from(off2), nsec as u32, loc.clone())
        }
    };
    Ok(t)
}

fn frac_nanos(digits: &str) -> i64 {
    let mut d: String = digits.chars().take(9).collect();
    while d.len() < 9 {
        d.push('0');
    }
    d.parse().unwrap_or(0)
}

fn days_in_month(d: NaiveDate) -> u32 {
    let (y, m) = (d.year(), d.month());
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).map_or(31, |l| l.day())
}

// ---- durations ----------------------------------------------------------------------

/// Go `time.Duration.String()`.
pub fn format_duration(d: i64) -> String {
    let neg = d < 0;
    let u = d.unsigned_abs();
    let frac = |u: u64, prec: u32| -> (String, u64) {
        let pow = 10u64.pow(prec);
        let f = u % pow;
        let mut s = if f == 0 {
            String::new()
        } else {
            format!(".{:0width$}", f, width = prec as usize)
                .trim_end_matches('0')
                .to_string()
        };
        if s == "." {
            s.clear();
        }
        (s, u / pow)
    };
    let mut out = if u < 1_000_000_000 {
        let (unit, prec) = match u {
            0 => return "0s".into(),
            1..=999 => ("ns", 0),
            1_000..=999_999 => ("µs", 3),
            _ => ("ms", 6),
        };
        let (f, whole) = frac(u, prec);
        format!("{whole}{f}{unit}")
    } else {
        let (f, secs) = frac(u, 9);
        let (s, mins) = (secs % 60, secs / 60);
        if mins == 0 {
            format!("{s}{f}s")
        } else {
            let (m, hours) = (mins % 60, mins / 60);
            if hours == 0 {
                format!("{m}m{s}{f}s")
            } else {
                format!("{hours}h{m}m{s}{f}s")
            }
        }
    };
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go `Duration.Round(m)` (halves away from zero, saturating).
fn round_duration(d: i64, m: i64) -> i64 {
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if r + r < m {
            return d + r;
        }
        return d.checked_sub(m - r).unwrap_or(i64::MIN);
    }
    if r + r < m {
        return d - r;
    }
    d.checked_add(m - r).unwrap_or(i64::MAX)
}

/// Sprig `durationRound`: the largest whole unit (y, mo, d, h, m, s).
fn duration_round(d: i64) -> String {
    let u = d.unsigned_abs();
    const SEC: u64 = 1_000_000_000;
    let units: [(u64, &str); 6] = [
        (SEC * 3600 * 24 * 365, "y"),
        (SEC * 3600 * 24 * 30, "mo"),
        (SEC * 3600 * 24, "d"),
        (SEC * 3600, "h"),
        (SEC * 60, "m"),
        (SEC, "s"),
    ];
    for (size, name) in units {
        if u > size {
            return format!("{}{name}", u / size);
        }
    }
    "0s".into()
}

/// Go `time.ParseDuration`, with Go's error texts.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let quoted = || super::conversion::go_quote(orig);
    let invalid = || format!("time: invalid duration {}", quoted());
    let mut s = s;
    let mut neg = false;
    if let Some(c @ ('-' | '+')) = s.chars().next() {
        neg = c == '-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &s[..int_len];
        s = &s[int_len..];
        let mut frac_part = "";
        if let Some(r) = s.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &r[..n];
            s = &r[n..];
            if int_part.is_empty() && frac_part.is_empty() {
                return Err(invalid());
            }
        } else if int_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = s
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map_or(s.len(), |(i, _)| i);
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", quoted()));
        }
        let scale: u64 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    super::conversion::go_quote(unit),
                    quoted()
                ));
            }
        };
        let v: u64 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut val = v.checked_mul(scale).ok_or_else(invalid)?;
        if !frac_part.is_empty() {
            let mut f = 0f64;
            let mut sc = 1f64;
            for c in frac_part.bytes().take(18) {
                f = f * 10.0 + f64::from(c - b'0');
                sc *= 10.0;
            }
            val = val
                .checked_add((f * (scale as f64 / sc)) as u64)
                .ok_or_else(invalid)?;
        }
        total = total.checked_add(val).ok_or_else(invalid)?;
        if total > 1u64 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        Ok((total as i64).wrapping_neg())
    } else if total > i64::MAX as u64 {
        Err(invalid())
    } else {
        Ok(total as i64)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn go_duration_strings() {
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(1_500), "1.5µs");
        assert_eq!(format_duration(90 * 1_000_000_000), "1m30s");
        assert_eq!(format_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(format_duration(-1_500_000_000), "-1.5s");
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("1.5h").unwrap(), 5_400_000_000_000);
        assert!(parse_duration("1d").is_err());
    }

    #[test]
    fn formats_go_layouts() {
        let t = GoTime::unix(1_234_567_890, 123_000_000, Location::utc());
        assert_eq!(
            t.format("2006-01-02T15:04:05.000Z07:00"),
            "2009-02-13T23:31:30.123Z"
        );
        assert_eq!(t.format("Mon Jan _2 3:04PM MST"), "Fri Feb 13 11:31PM UTC");
    }
}
