//! Semantic versions and version constraints with Masterminds/semver v3.1.1
//! semantics (the library behind Helm's `semverCompare`, `kubeVersion` checks
//! and dependency resolution).
//!
//! Masterminds differs from Cargo/npm semver in ways charts rely on: lenient
//! parsing (`v1.2` is `1.2.0`), comma- or space-separated AND, `||`, `~`, `^`,
//! x-ranges (`1.2.x`, `*`), hyphen ranges (`1.2 - 1.4`), and the prerelease
//! rule: a constraint without a prerelease never matches a prerelease version.
//! Error texts are Masterminds' own, since Helm prints them verbatim.

use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

// regex-lite: these short patterns run on a few short strings per process,
// where the full engine spent more time compiling them than rendering a chart.
use regex_lite::Regex;

/// A parse error, worded as Masterminds words it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SemverError {
    #[error("Invalid Semantic Version")]
    InvalidSemVer,
    #[error("Version segment starts with 0")]
    SegmentStartsZero,
    #[error("Invalid Prerelease string")]
    InvalidPrerelease,
    #[error("Invalid Metadata string")]
    InvalidMetadata,
    /// A numeric segment that does not fit in a `uint64`.
    #[error("Error parsing version segment: strconv.ParseUint: parsing {0:?}: value out of range")]
    SegmentRange(String),
    #[error("improper constraint: {0}")]
    ImproperConstraint(String),
    #[error("constraint Parser Error")]
    ConstraintParser,
}

// Go's `\s` is ASCII-only (no \v); Rust's is Unicode, so spell it out.
const WS: &str = r"[\t\n\f\r ]";
const SEMVER_RE: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const CV_RE: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
// The operator alternation in Masterminds' order; leftmost-first matching
// (Go's and the regex crate's) makes the order observable.
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

/// Compiles one of this module's constant patterns.
#[allow(clippy::expect_used)] // constant patterns, covered by the tests below
fn constant_regex(pattern: String) -> Regex {
    Regex::new(&pattern).expect("constant semver pattern compiles")
}

static VERSION: LazyLock<Regex> = LazyLock::new(|| constant_regex(format!("^{SEMVER_RE}$")));
static CONSTRAINT: LazyLock<Regex> =
    LazyLock::new(|| constant_regex(format!(r"^{WS}*({OPS}){WS}*({CV_RE}){WS}*$")));
static RANGE: LazyLock<Regex> =
    LazyLock::new(|| constant_regex(format!(r"{WS}*({CV_RE}){WS}+-{WS}+({CV_RE}){WS}*")));
static FIND: LazyLock<Regex> = LazyLock::new(|| constant_regex(format!(r"({OPS}){WS}*({CV_RE})")));
static VALID: LazyLock<Regex> =
    LazyLock::new(|| constant_regex(format!(r"^({WS}*({OPS}){WS}*({CV_RE}){WS}*,?)+$")));

/// A parsed version. Equality and ordering follow semver precedence
/// (build metadata ignored), like Masterminds' `Compare`.
#[derive(Clone, Debug)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

fn parse_segment(digits: &str) -> Result<u64, SemverError> {
    digits
        .parse::<u64>()
        .map_err(|_| SemverError::SegmentRange(digits.to_string()))
}

fn is_num(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn is_allowed(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn validate_prerelease(p: &str) -> Result<(), SemverError> {
    for part in p.split('.') {
        if is_num(part) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(SemverError::SegmentStartsZero);
            }
        } else if !is_allowed(part) {
            return Err(SemverError::InvalidPrerelease);
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), SemverError> {
    if m.split('.').all(is_allowed) {
        Ok(())
    } else {
        Err(SemverError::InvalidMetadata)
    }
}

impl Version {
    /// Masterminds `NewVersion`: lenient (`v` prefix, missing minor/patch).
    pub fn parse(s: &str) -> Result<Version, SemverError> {
        // The hand matcher gives the pattern's groups; the compiled pattern
        // (a sizeable part of a small chart's run) is left for what it
        // refuses, which the pattern refuses too.
        let groups = match split_version(s, |c| c.is_ascii_digit()) {
            Some([major, minor, patch, _, pre, metadata]) => [major, minor, patch, pre, metadata],
            None => {
                let caps = VERSION.captures(s).ok_or(SemverError::InvalidSemVer)?;
                let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
                [group(1), group(2), group(3), group(5), group(8)]
            }
        };
        let [major, minor, patch, pre, metadata] = groups;
        let major = parse_segment(major)?;
        let minor = match minor {
            "" => 0,
            m => parse_segment(m.trim_start_matches('.'))?,
        };
        let patch = match patch {
            "" => 0,
            p => parse_segment(p.trim_start_matches('.'))?,
        };
        let pre = pre.to_string();
        let metadata = metadata.to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: s.to_string(),
        })
    }

    pub fn major(&self) -> u64 {
        self.major
    }

    pub fn minor(&self) -> u64 {
        self.minor
    }

    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The prerelease without its `-` (empty when none).
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata without its `+` (empty when none).
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text the version was parsed from.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Masterminds `Compare`: -1, 0 or 1 as an `Ordering`.
    pub fn compare(&self, other: &Version) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let ap: Vec<&str> = a.split('.').collect();
    let bp: Vec<&str> = b.split('.').collect();
    for i in 0..ap.len().max(bp.len()) {
        let s = ap.get(i).copied().unwrap_or("");
        let o = bp.get(i).copied().unwrap_or("");
        let d = compare_pre_part(s, o);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => s.cmp(o),
        // Numeric identifiers sort before alphanumeric ones.
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(si), Ok(oi)) => {
            if si > oi {
                Ordering::Greater
            } else {
                // Masterminds returns -1 for equal numbers spelt differently.
                Ordering::Less
            }
        }
    }
}

/// Masterminds `String()`: canonical `MAJOR.MINOR.PATCH[-pre][+meta]`.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.compare(other) == Ordering::Equal
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.compare(other))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

impl Op {
    fn from_str(op: &str) -> Option<Op> {
        Some(match op {
            "" | "=" => Op::TildeOrEqual,
            "!=" => Op::NotEqual,
            ">" => Op::Greater,
            "<" => Op::Less,
            ">=" | "=>" => Op::GreaterEqual,
            "<=" | "=<" => Op::LessEqual,
            "~" | "~>" => Op::Tilde,
            "^" => Op::Caret,
            _ => return None,
        })
    }
}

/// One comparison, e.g. `>= 1.2.x`.
#[derive(Clone, Debug)]
struct Constraint {
    con: Version,
    orig: String,
    op_text: String,
    op: Op,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraint {
    fn parse(c: &str) -> Result<Constraint, SemverError> {
        let caps = CONSTRAINT
            .captures(c)
            .ok_or_else(|| SemverError::ImproperConstraint(c.to_string()))?;
        let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
        Constraint::from_groups(group(1), group(2), group(3), group(4), group(5), group(6))
    }

    /// A comparison from the constraint pattern's groups: operator, version
    /// text, major, `.minor`, `.patch`, `-prerelease`.
    fn from_groups(
        op_text: &str,
        orig: &str,
        maj: &str,
        min: &str,
        pat: &str,
        pre: &str,
    ) -> Result<Constraint, SemverError> {
        let (op_text, orig) = (op_text.to_string(), orig.to_string());
        let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
        let ver = if is_x(maj) || maj.is_empty() {
            dirty = true;
            "0.0.0".to_string()
        } else if is_x(min.trim_start_matches('.')) || min.is_empty() {
            minor_dirty = true;
            dirty = true;
            format!("{maj}.0.0{pre}")
        } else if is_x(pat.trim_start_matches('.')) || pat.is_empty() {
            dirty = true;
            patch_dirty = true;
            format!("{maj}{min}.0{pre}")
        } else {
            orig.clone()
        };
        let con = Version::parse(&ver).map_err(|_| SemverError::ConstraintParser)?;
        let op = Op::from_str(&op_text).ok_or(SemverError::ConstraintParser)?;
        Ok(Constraint {
            con,
            orig,
            op_text,
            op,
            minor_dirty,
            patch_dirty,
            dirty,
        })
    }

    fn check(&self, v: &Version) -> Result<(), String> {
        // The prerelease rule (Masterminds issue 21): a constraint without a
        // prerelease only admits release versions. Masterminds 3.1 applies it
        // to `!=` only when the constraint has wildcards.
        let applies = self.op != Op::NotEqual || self.dirty;
        if applies && !v.pre.is_empty() && self.con.pre.is_empty() {
            return Err(format!(
                "{v} is a prerelease version and the constraint is only looking for release versions"
            ));
        }
        match self.op {
            Op::TildeOrEqual => {
                if self.dirty {
                    return self.tilde(v);
                }
                if v == &self.con {
                    Ok(())
                } else {
                    Err(format!("{v} is not equal to {}", self.orig))
                }
            }
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => {
                if v.compare(&self.con) == Ordering::Less {
                    Ok(())
                } else {
                    Err(format!("{v} is greater than or equal to {}", self.orig))
                }
            }
            Op::GreaterEqual => {
                if v.compare(&self.con) != Ordering::Less {
                    Ok(())
                } else {
                    Err(format!("{v} is less than {}", self.orig))
                }
            }
            Op::LessEqual => self.less_equal(v),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> Result<(), String> {
        let equal = || Err(format!("{v} is equal to {}", self.orig));
        if self.dirty {
            if self.con.major != v.major {
                return Ok(());
            }
            if self.con.minor != v.minor && !self.minor_dirty {
                return Ok(());
            } else if self.minor_dirty {
                return equal();
            } else if self.con.patch != v.patch && !self.patch_dirty {
                return Ok(());
            } else if self.patch_dirty {
                if (!v.pre.is_empty() || !self.con.pre.is_empty())
                    && compare_prerelease(&v.pre, &self.con.pre) != Ordering::Equal
                {
                    return Ok(());
                }
                return equal();
            }
        }
        if v == &self.con { equal() } else { Ok(()) }
    }

    fn greater(&self, v: &Version) -> Result<(), String> {
        let fail = || Err(format!("{v} is less than or equal to {}", self.orig));
        if self.dirty {
            if v.major > self.con.major {
                return Ok(());
            } else if v.major < self.con.major || self.minor_dirty {
                return fail();
            } else if self.patch_dirty {
                return if v.minor > self.con.minor {
                    Ok(())
                } else {
                    fail()
                };
            }
        }
        if v.compare(&self.con) == Ordering::Greater {
            Ok(())
        } else {
            fail()
        }
    }

    fn less_equal(&self, v: &Version) -> Result<(), String> {
        let fail = || Err(format!("{v} is greater than {}", self.orig));
        if !self.dirty {
            return if v.compare(&self.con) != Ordering::Greater {
                Ok(())
            } else {
                fail()
            };
        }
        if v.major > self.con.major
            || (v.major == self.con.major && v.minor > self.con.minor && !self.minor_dirty)
        {
            return fail();
        }
        Ok(())
    }

    fn tilde(&self, v: &Version) -> Result<(), String> {
        if v.compare(&self.con) == Ordering::Less {
            return Err(format!("{v} is less than {}", self.orig));
        }
        // ~0.0.0 admits everything (>= 0.0.0).
        if self.con.major == 0
            && self.con.minor == 0
            && self.con.patch == 0
            && !self.minor_dirty
            && !self.patch_dirty
        {
            return Ok(());
        }
        if v.major != self.con.major {
            return Err(format!(
                "{v} does not have same major version as {}",
                self.orig
            ));
        }
        if v.minor != self.con.minor && !self.minor_dirty {
            return Err(format!(
                "{v} does not have same major and minor version as {}",
                self.orig
            ));
        }
        Ok(())
    }

    fn caret(&self, v: &Version) -> Result<(), String> {
        if v.compare(&self.con) == Ordering::Less {
            return Err(format!("{v} is less than {}", self.orig));
        }
        if self.con.major > 0 || self.minor_dirty {
            return if v.major == self.con.major {
                Ok(())
            } else {
                Err(format!(
                    "{v} does not have same major version as {}",
                    self.orig
                ))
            };
        }
        if v.major > 0 {
            return Err(format!(
                "{v} does not have same major version as {}",
                self.orig
            ));
        }
        if self.con.minor > 0 || self.patch_dirty {
            return if v.minor == self.con.minor {
                Ok(())
            } else {
                Err(format!(
                    "{v} does not have same minor version as {}. Expected minor versions to match when constraint major version is 0",
                    self.orig
                ))
            };
        }
        if v.patch == self.con.patch {
            Ok(())
        } else {
            Err(format!(
                "{v} does not equal {}. Expect version and constraint to equal when major and minor versions are 0",
                self.orig
            ))
        }
    }
}

/// The groups of an anchored match of `v?(N)(\.N)?(\.N)?(-(PRE))?(\+(META))?`
/// (N: one or more characters of `segment`): major, `.minor`, `.patch`,
/// `-prerelease`, `prerelease`, `metadata` — what the `VERSION` and
/// constraint patterns capture, without running a regex. `None` when the
/// pattern does not match the whole text.
fn split_version(s: &str, segment: fn(u8) -> bool) -> Option<[&str; 6]> {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'v'));
    let run = |from: usize, ok: &dyn Fn(u8) -> bool| {
        from + b[from..].iter().take_while(|&&c| ok(c)).count()
    };
    // Major, then up to two `.N`.
    let major_end = run(i, &|c| segment(c));
    if major_end == i {
        return None;
    }
    let major = &s[i..major_end];
    i = major_end;
    let mut dotted = ["", ""];
    for part in dotted.iter_mut() {
        if b.get(i) != Some(&b'.') {
            break;
        }
        let end = run(i + 1, &|c| segment(c));
        if end == i + 1 {
            return None;
        }
        *part = &s[i..end];
        i = end;
    }
    // Dot-separated identifiers of [0-9A-Za-z-], none empty.
    let idents = |from: usize| -> Option<usize> {
        let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
        let mut at = from;
        loop {
            let end = run(at, &ident);
            if end == at {
                return None;
            }
            at = end;
            if b.get(at) == Some(&b'.') {
                at += 1;
            } else {
                return Some(at);
            }
        }
    };
    let (mut pre_group, mut pre) = ("", "");
    if b.get(i) == Some(&b'-') {
        let end = idents(i + 1)?;
        pre_group = &s[i..end];
        pre = &s[i + 1..end];
        i = end;
    }
    let mut meta = "";
    if b.get(i) == Some(&b'+') {
        let end = idents(i + 1)?;
        meta = &s[i + 1..end];
        i = end;
    }
    (i == b.len()).then_some([major, dotted[0], dotted[1], pre_group, pre, meta])
}

/// Masterminds' comparison operators, longest spelling first where one is a
/// prefix of another.
const OP_TEXTS: [&str; 12] = [
    "!=", ">=", "=>", "<=", "=<", "~>", "=", ">", "<", "~", "^", "",
];

/// [`Constraints::parse`] for the common one-comparison form with no
/// spaces, commas or `|` (`>=1.21.0-0`, `2.x.x`, `^1.2`): the operator is
/// the text before the version (a version cannot start with an operator
/// character), and the patterns would match the whole text once, so the
/// comparison is built from the same groups without compiling them.
/// `None` for anything else.
fn parse_simple_constraint(s: &str) -> Option<Result<Constraints, SemverError>> {
    if s.bytes()
        .any(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b',' | b'|'))
    {
        return None;
    }
    let op_len = s.bytes().take_while(|c| b"=!<>~^".contains(c)).count();
    let (op_text, orig) = s.split_at(op_len);
    if !OP_TEXTS.contains(&op_text) {
        return None;
    }
    let [maj, min, pat, pre, _, _] = split_version(orig, |c| {
        c.is_ascii_digit() || matches!(c, b'x' | b'X' | b'*')
    })?;
    Some(
        Constraint::from_groups(op_text, orig, maj, min, pat, pre).map(|c| Constraints {
            any_of: vec![vec![c]],
        }),
    )
}

/// `a, b || c d`: a disjunction of conjunctions of comparisons.
#[derive(Clone, Debug)]
pub struct Constraints {
    any_of: Vec<Vec<Constraint>>,
}

/// Masterminds `rewriteRange`: `A - B` becomes `>= A, <= B`. The match eats
/// the whitespace around the range, exactly like the original.
fn rewrite_ranges(s: &str) -> String {
    let mut out = s.to_string();
    for caps in RANGE.captures_iter(s) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let from = caps.get(1).map_or("", |m| m.as_str());
        let to = caps.get(11).map_or("", |m| m.as_str());
        out = out.replacen(whole, &format!(">= {from}, <= {to}"), 1);
    }
    out
}

impl Constraints {
    /// Masterminds `NewConstraint`.
    pub fn parse(s: &str) -> Result<Constraints, SemverError> {
        if let Some(simple) = parse_simple_constraint(s) {
            return simple;
        }
        Constraints::parse_with_patterns(s)
    }

    /// Masterminds' parse, pattern by pattern.
    fn parse_with_patterns(s: &str) -> Result<Constraints, SemverError> {
        let rewritten = rewrite_ranges(s);
        let mut any_of = Vec::new();
        for part in rewritten.split("||") {
            if !VALID.is_match(part) {
                return Err(SemverError::ImproperConstraint(part.to_string()));
            }
            let mut all_of = Vec::new();
            for m in FIND.find_iter(part) {
                all_of.push(Constraint::parse(m.as_str())?);
            }
            if all_of.is_empty() {
                all_of.push(Constraint::parse(part)?);
            }
            any_of.push(all_of);
        }
        Ok(Constraints { any_of })
    }

    /// Masterminds `Check`: true when any `||` branch has all of its
    /// comparisons satisfied.
    pub fn matches(&self, v: &Version) -> bool {
        self.any_of
            .iter()
            .any(|all| all.iter().all(|c| c.check(v).is_ok()))
    }

    /// Masterminds `Validate`: like [`Constraints::matches`], plus the
    /// reasons each failing comparison gives (the prerelease reason once).
    pub fn validate(&self, v: &Version) -> Result<(), Vec<String>> {
        let mut reasons = Vec::new();
        let mut prerelease_said = false;
        for all in &self.any_of {
            let mut ok = true;
            for c in all {
                if c.con.pre.is_empty() && !v.pre.is_empty() {
                    if !prerelease_said {
                        reasons.push(format!("{v} is a prerelease version and the constraint is only looking for release versions"));
                        prerelease_said = true;
                    }
                    ok = false;
                } else if let Err(e) = c.check(v) {
                    reasons.push(e);
                    ok = false;
                }
            }
            if ok {
                return Ok(());
            }
        }
        Err(reasons)
    }
}

/// Masterminds `String()`: comparisons joined by spaces, branches by ` || `.
impl fmt::Display for Constraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, all) in self.any_of.iter().enumerate() {
            if i > 0 {
                f.write_str(" || ")?;
            }
            for (j, c) in all.iter().enumerate() {
                if j > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{}{}", c.op_text, c.orig)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The hand-matched paths give what the patterns give, on strings
    /// built from the characters that matter (and some that do not).
    #[test]
    fn hand_matching_agrees_with_the_patterns() {
        const PIECES: [&str; 24] = [
            "1",
            "0",
            "12",
            "01",
            ".",
            ".",
            "x",
            "X",
            "*",
            "v",
            "-",
            "+",
            "rc",
            "a",
            "=",
            ">",
            "<",
            "~",
            "^",
            "!",
            " ",
            ",",
            "|",
            "99999999999999999999",
        ];
        let mut rng = crate::test_rng::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| rng.below(n);
        let (mut simple, mut versions) = (0, 0);
        for _ in 0..200_000 {
            let len = 1 + next(9);
            let s: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            let want = VERSION.captures(&s).map(|caps| {
                let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
                [group(1), group(2), group(3), group(4), group(5), group(8)]
            });
            let got = split_version(&s, |c| c.is_ascii_digit());
            assert_eq!(got, want, "version {s:?}");
            versions += usize::from(got.is_some());
            if let Some(fast) = parse_simple_constraint(&s) {
                simple += 1;
                let slow = Constraints::parse_with_patterns(&s);
                assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "constraint {s:?}");
            }
        }
        assert!(simple > 10_000 && versions > 1_000, "{simple} {versions}");
        for s in [
            ">=1.21.0-0",
            "2.x.x",
            "^1.2.3",
            "~> 1.2",
            "1.2.3",
            "=v1",
            "<=2.0.0-rc.1+b",
        ] {
            let fast = Constraints::parse(s);
            let slow = Constraints::parse_with_patterns(s);
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{s}");
        }
    }

    fn check(c: &str, v: &str) -> bool {
        let c = Constraints::parse(c).unwrap();
        c.matches(&Version::parse(v).unwrap())
    }

    #[test]
    fn parses_leniently() {
        let v = Version::parse("v1.2").unwrap();
        assert_eq!(v.to_string(), "1.2.0");
        assert_eq!(v.original(), "v1.2");
        let v = Version::parse("1.2.3-beta.1+build.5").unwrap();
        assert_eq!(
            (
                v.major(),
                v.minor(),
                v.patch(),
                v.prerelease(),
                v.metadata()
            ),
            (1, 2, 3, "beta.1", "build.5")
        );
        assert_eq!(
            Version::parse("1.2.3.4").unwrap_err().to_string(),
            "Invalid Semantic Version"
        );
        assert_eq!(
            Version::parse("1.2.3-01").unwrap_err().to_string(),
            "Version segment starts with 0"
        );
        assert_eq!(
            Version::parse("99999999999999999999")
                .unwrap_err()
                .to_string(),
            "Error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range"
        );
    }

    #[test]
    fn prerelease_ordering() {
        let order = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for w in order.windows(2) {
            let a = Version::parse(w[0]).unwrap();
            let b = Version::parse(w[1]).unwrap();
            assert_eq!(a.compare(&b), Ordering::Less, "{} < {}", w[0], w[1]);
        }
    }

    #[test]
    fn constraint_forms() {
        assert!(check(">=1.2, <2", "1.5.0"));
        assert!(!check(">=1.2 <2", "2.0.0"));
        assert!(check("<1 || >=3", "3.1.0"));
        assert!(check("~1.2.3", "1.2.9"));
        assert!(!check("~1.2.3", "1.3.0"));
        assert!(check("^1.2", "1.9.0"));
        assert!(!check("^0.2.3", "0.3.0"));
        assert!(check("1.2.x", "1.2.7"));
        assert!(check("*", "4.0.0"));
        assert!(check("1.1 - 1.3", "1.3.0"));
        // `<= 1.3` has a wildcard patch (Helm agrees: 1.3.1 matches).
        assert!(check("1.1 - 1.3", "1.3.1"));
        assert!(!check("1.1 - 1.3", "1.4.0"));
        assert!(!check(">=1.0", "1.5.0-beta"));
        assert!(check(">=1.0-0", "1.5.0-beta"));
        assert!(check(">= 1.20.0-0", "v1.24.3-gke.100"));
    }

    #[test]
    fn constraint_errors() {
        assert_eq!(
            Constraints::parse("foo").unwrap_err().to_string(),
            "improper constraint: foo"
        );
        assert_eq!(
            Constraints::parse(">1 || ").unwrap_err().to_string(),
            "improper constraint:  "
        );
        assert_eq!(
            Constraints::parse(">=1.1 , <2 || 3.x").unwrap().to_string(),
            ">=1.1 <2 || 3.x"
        );
        assert!(check("!=1.2.3", "1.2.3-beta"));
    }

    #[test]
    fn validate_reasons() {
        let c = Constraints::parse("<1.2").unwrap();
        let reasons = c.validate(&Version::parse("1.3.0").unwrap()).unwrap_err();
        assert_eq!(reasons, vec!["1.3.0 is greater than or equal to 1.2"]);
    }
}
