//! `.helmignore` rules with Helm's semantics and quirks.
//!
//! One Go `filepath.Match` glob per line, `#` comments, blank lines skipped.
//! `**` is rejected. A trailing `/` restricts a rule to directories; a leading
//! `/` or any inner `/` matches the whole relative path, otherwise only the
//! base name. Helm evaluates rules in order and stops at the first match;
//! a negated rule `!p` ignores every path it does *not* match (Helm's bug,
//! kept for compatibility). The built-in rule `templates/.?*` comes last.

/// A parse error (Helm's wording).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct IgnoreError {
    pub message: String,
    /// 1-based line of the offending rule.
    pub line: usize,
}

#[derive(Clone, Debug)]
struct Rule {
    pattern: String,
    /// The pattern as characters, for [`match_from`] (rules are checked
    /// against every file of a chart).
    chars: Vec<char>,
    /// No glob syntax at all: a plain comparison.
    literal: bool,
    negate: bool,
    must_dir: bool,
    kind: MatchKind,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum MatchKind {
    /// Leading `/` or an inner `/`: match against the whole path.
    FullPath,
    /// No `/`: match against the base name.
    BaseName,
}

/// An ordered rule set.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    rules: Vec<Rule>,
}

impl Rules {
    pub fn empty() -> Rules {
        Rules::default()
    }

    /// Parses a `.helmignore` file's content.
    pub fn parse(text: &str) -> Result<Rules, IgnoreError> {
        let mut rules = Rules::empty();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            rules.add_rule(line).map_err(|message| IgnoreError {
                message,
                line: i + 1,
            })?;
        }
        Ok(rules)
    }

    /// Adds Helm's default rule (dotfiles in `templates/`).
    pub fn add_defaults(&mut self) {
        let _ = self.add_rule("templates/.?*");
    }

    fn add_rule(&mut self, rule: &str) -> Result<(), String> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        if go_match(rule, "abc").is_err() {
            return Err("syntax error in pattern".into());
        }
        let mut pattern = rule;
        let negate = pattern.starts_with('!');
        if negate {
            pattern = &pattern[1..];
        }
        let must_dir = pattern.ends_with('/');
        if must_dir {
            pattern = &pattern[..pattern.len() - 1];
        }
        let kind = if pattern.contains('/') {
            MatchKind::FullPath
        } else {
            MatchKind::BaseName
        };
        let pattern = pattern.strip_prefix('/').unwrap_or(pattern).to_string();
        self.rules.push(Rule {
            chars: pattern.chars().collect(),
            literal: !pattern.contains(['*', '?', '[', '\\']),
            pattern,
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Whether the path (relative, `/`-separated) is ignored.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        let base = go_base(path);
        // Subjects as characters, made once per path for all glob rules.
        let (mut full_chars, mut base_chars) = (None, None);
        for r in &self.rules {
            let subject = match r.kind {
                MatchKind::FullPath => path,
                MatchKind::BaseName => base,
            };
            // Patterns were validated when the rules were parsed.
            let matched = if r.literal {
                r.pattern == subject
            } else {
                let chars = match r.kind {
                    MatchKind::FullPath => &mut full_chars,
                    MatchKind::BaseName => &mut base_chars,
                };
                let chars: &Vec<char> = chars.get_or_insert_with(|| subject.chars().collect());
                match_from(&r.chars, chars)
            };
            if r.negate {
                if r.must_dir && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if r.must_dir && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

/// Go `filepath.Base` for `/` paths.
fn go_base(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// Go's `filepath.ErrBadPattern`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPattern;

/// Go `path/filepath.Match` on Unix: `*` and `?` never match `/`,
/// `[...]`/`[^...]` classes with ranges, `\` escapes. `Err` for a malformed
/// pattern (Go's `ErrBadPattern`), checked over the whole pattern.
pub fn go_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    validate(pattern)?;
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    Ok(match_from(&p, &n))
}

fn validate(p: &str) -> Result<(), BadPattern> {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if i + 1 >= chars.len() {
                    return Err(BadPattern);
                }
                i += 2;
            }
            '[' => {
                let (_, next) = parse_class(&chars, i)?;
                i = next;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// A parsed character class: (negated, ranges); returns the index after `]`.
type Class = (bool, Vec<(char, char)>);

fn parse_class(p: &[char], start: usize) -> Result<(Class, usize), BadPattern> {
    let mut i = start + 1;
    let negated = p.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *p.get(i).ok_or(BadPattern)?;
        if c == ']' && !first {
            return Ok(((negated, ranges), i + 1));
        }
        first = false;
        let (lo, after) = class_char(p, i)?;
        i = after;
        let mut hi = lo;
        if p.get(i) == Some(&'-') {
            let (h, after) = class_char(p, i + 1)?;
            hi = h;
            i = after;
            if hi < lo {
                return Err(BadPattern);
            }
        }
        ranges.push((lo, hi));
    }
}

fn class_char(p: &[char], i: usize) -> Result<(char, usize), BadPattern> {
    match p.get(i) {
        None | Some('-') | Some(']') => Err(BadPattern),
        Some('\\') => p.get(i + 1).map(|c| (*c, i + 2)).ok_or(BadPattern),
        Some(c) => Ok((*c, i + 1)),
    }
}

fn match_from(p: &[char], n: &[char]) -> bool {
    // Iterative glob matching with backtracking over the last `*`.
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' if n[ni] != '/' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Ok(((neg, ranges), next)) = parse_class(p, pi) {
                        let c = n[ni];
                        let inside = ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi);
                        if c != '/' && inside != neg {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    }
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                c if c != '\\' && c != '?' && c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        // Backtrack: let the last `*` swallow one more non-separator char.
        match star {
            Some((sp, sn)) if n[sn] != '/' => {
                star = Some((sp, sn + 1));
                pi = sp + 1;
                ni = sn + 1;
            }
            _ => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn go_match_basics() {
        assert_eq!(go_match("*.txt", "a.txt"), Ok(true));
        assert_eq!(go_match("*.txt", "d/a.txt"), Ok(false));
        assert_eq!(go_match("a?c", "abc"), Ok(true));
        assert_eq!(go_match("[a-c]x", "bx"), Ok(true));
        assert_eq!(go_match("[^a-c]x", "bx"), Ok(false));
        assert_eq!(go_match("a\\*", "a*"), Ok(true));
        assert_eq!(go_match("[", "a"), Err(BadPattern));
        assert_eq!(go_match("templates/.?*", "templates/.git"), Ok(true));
        assert_eq!(go_match("templates/.?*", "templates/."), Ok(false));
    }

    #[test]
    fn rules_follow_helm() {
        let mut r = Rules::parse("# c\n*.tgz\nsecret/\n/top.txt\ndocs/*.md\n").unwrap();
        r.add_defaults();
        assert!(r.ignore("charts/x.tgz", false));
        assert!(r.ignore("secret", true));
        assert!(!r.ignore("secret", false));
        assert!(r.ignore("top.txt", false));
        assert!(!r.ignore("sub/top.txt", false));
        assert!(r.ignore("docs/a.md", false));
        assert!(!r.ignore("docs/x/a.md", false));
        assert!(r.ignore("templates/.hidden", false));
        assert!(!r.ignore("templates/x.yaml", false));
        assert!(Rules::parse("a/**/b").is_err());
    }

    #[test]
    fn negation_quirk_ignores_non_matches() {
        let r = Rules::parse("!keep.txt\n").unwrap();
        assert!(r.ignore("other.txt", false));
        assert!(!r.ignore("keep.txt", false));
    }
}
