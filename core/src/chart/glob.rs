//! gobwas/glob patterns with `/` as separator, as `.Files.Glob` uses them:
//! `*` (no `/`), `**` (anything), `?`, `[abc]`, `[!a-z]`, `{a,b}`, `\` escapes.
//! Compiled to a `regex_lite::Regex`: these patterns are small and match
//! short file names, where the full `regex` crate's compile time (≈ 0.3 ms
//! per pattern) would dominate.

use regex_lite::Regex;

/// A compiled glob.
#[derive(Clone, Debug)]
pub struct Glob {
    re: Regex,
}

/// The pattern is malformed (Helm then falls back to `**`).
#[derive(Clone, Debug, PartialEq)]
pub struct GlobError;

impl Glob {
    pub fn compile(pattern: &str) -> Result<Glob, GlobError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut out = String::from("^");
        let mut i = 0;
        let mut depth = 0usize;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '*' => {
                    if chars.get(i + 1) == Some(&'*') {
                        out.push_str(".*");
                        i += 2;
                    } else {
                        out.push_str("[^/]*");
                        i += 1;
                    }
                    continue;
                }
                '?' => out.push_str("[^/]"),
                '[' => {
                    let mut j = i + 1;
                    let negate = chars.get(j) == Some(&'!');
                    if negate {
                        j += 1;
                    }
                    let mut class = String::new();
                    let mut closed = false;
                    while j < chars.len() {
                        match chars[j] {
                            ']' => {
                                closed = true;
                                break;
                            }
                            '\\' => {
                                j += 1;
                                let ch = *chars.get(j).ok_or(GlobError)?;
                                class.push_str(&regex_lite::escape(&ch.to_string()));
                            }
                            '-' => class.push('-'),
                            ch => class.push_str(&regex_lite::escape(&ch.to_string())),
                        }
                        j += 1;
                    }
                    if !closed || class.is_empty() {
                        return Err(GlobError);
                    }
                    out.push('[');
                    if negate {
                        out.push('^');
                    }
                    out.push_str(&class);
                    out.push(']');
                    i = j + 1;
                    continue;
                }
                '{' => {
                    depth += 1;
                    out.push_str("(?:");
                }
                '}' if depth > 0 => {
                    depth -= 1;
                    out.push(')');
                }
                ',' if depth > 0 => out.push('|'),
                '\\' => {
                    let ch = *chars.get(i + 1).ok_or(GlobError)?;
                    out.push_str(&regex_lite::escape(&ch.to_string()));
                    i += 2;
                    continue;
                }
                ch => out.push_str(&regex_lite::escape(&ch.to_string())),
            }
            i += 1;
        }
        if depth != 0 {
            return Err(GlobError);
        }
        out.push('$');
        Regex::new(&out)
            .map(|re| Glob { re })
            .map_err(|_| GlobError)
    }

    pub fn is_match(&self, name: &str) -> bool {
        self.re.is_match(name)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> bool {
        Glob::compile(p).unwrap().is_match(n)
    }

    #[test]
    fn gobwas_semantics() {
        assert!(m("files/*.conf", "files/a.conf"));
        assert!(!m("files/*.conf", "files/x/a.conf"));
        assert!(m("files/**.conf", "files/x/a.conf"));
        assert!(m("**", "any/thing"));
        assert!(m("*.{yaml,json}", "a.json"));
        assert!(m("[!a]b", "cb"));
        assert!(!m("[!a]b", "ab"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "a/c"));
        assert!(m("[a-c]x", "bx"));
        assert!(!m("[a-c]x", "dx"));
        assert!(m("[\\]]", "]"));
        assert!(m("[é-ü]", "ö"));
        assert!(m("a.b+(c)|d^$", "a.b+(c)|d^$"));
        assert!(!m("a.b", "axb"));
        assert!(m("ü*", "über.txt"));
        assert!(Glob::compile("[abc").is_err());
        assert!(Glob::compile("{a,b").is_err());
    }
}
