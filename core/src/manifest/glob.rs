//! Go's `filepath.Match` (Unix flavour, separator `/`), used by
//! `--show-only`. A malformed pattern matches nothing, as Helm ignores the
//! `ErrBadPattern`.

/// One parsed pattern element.
#[derive(Debug)]
enum Tok {
    Star,
    Any,
    Lit(char),
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

fn parse(pattern: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push(Tok::Star),
            '?' => out.push(Tok::Any),
            '\\' => out.push(Tok::Lit(chars.next()?)),
            '[' => {
                let negated = chars.peek() == Some(&'^');
                if negated {
                    chars.next();
                }
                let mut ranges = Vec::new();
                loop {
                    let lo = match chars.next()? {
                        ']' if !ranges.is_empty() => break,
                        ']' | '-' => return None,
                        '\\' => chars.next()?,
                        c => c,
                    };
                    let hi = if chars.peek() == Some(&'-') {
                        chars.next();
                        match chars.next()? {
                            ']' | '-' => return None,
                            '\\' => chars.next()?,
                            c => c,
                        }
                    } else {
                        lo
                    };
                    ranges.push((lo, hi));
                }
                out.push(Tok::Class { negated, ranges });
            }
            c => out.push(Tok::Lit(c)),
        }
    }
    Some(out)
}

fn matches(toks: &[Tok], name: &[char]) -> bool {
    match toks.split_first() {
        None => name.is_empty(),
        Some((Tok::Star, rest)) => {
            // `*` never crosses a `/`.
            for i in 0..=name.len() {
                if matches(rest, &name[i..]) {
                    return true;
                }
                if name.get(i) == Some(&'/') {
                    return false;
                }
            }
            false
        }
        Some((tok, rest)) => {
            let Some((&c, tail)) = name.split_first() else {
                return false;
            };
            let ok = match tok {
                Tok::Any => c != '/',
                Tok::Lit(l) => c == *l,
                Tok::Class { negated, ranges } => {
                    let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                    c != '/' && inside != *negated
                }
                Tok::Star => false,
            };
            ok && matches(rest, tail)
        }
    }
}

/// Does `name` match the whole `pattern`?
pub fn go_path_match(pattern: &str, name: &str) -> bool {
    let Some(toks) = parse(pattern) else {
        return false;
    };
    let name: Vec<char> = name.chars().collect();
    matches(&toks, &name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::go_path_match as m;

    #[test]
    fn go_match_semantics() {
        assert!(m("templates/service.yaml", "templates/service.yaml"));
        assert!(m("templates/*.yaml", "templates/service.yaml"));
        assert!(!m("templates/*", "templates/tests/t.yaml"));
        assert!(m("templates/*/t.yaml", "templates/tests/t.yaml"));
        assert!(m(
            "charts/*/templates/?.yaml",
            "charts/sub/templates/a.yaml"
        ));
        assert!(m("templates/[a-c]*.yaml", "templates/b.yaml"));
        assert!(!m("templates/[^a-c]*.yaml", "templates/b.yaml"));
        assert!(m("templates/\\*.yaml", "templates/*.yaml"));
        assert!(!m("templates/[.yaml", "templates/[.yaml"));
        assert!(!m("templates", "templates/service.yaml"));
    }
}
