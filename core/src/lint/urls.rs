//! The URL and e-mail checks `helm lint` runs on Chart.yaml (`icon`,
//! `sources`, maintainers' `email`/`url`), modelled on Go's `net/url`
//! parsing and the govalidator predicates Helm 3.10 calls
//! (`IsRequestURL`, `IsURL`, `IsEmail`).

use std::sync::OnceLock;

use regex::Regex;

/// What Go's `url.Parse` keeps of a URL that we need.
struct GoUrl {
    scheme: String,
    host: String,
    path: String,
}

/// Go's `getScheme`: `Ok(None)` when the text has no scheme.
fn split_scheme(raw: &str) -> Result<Option<(&str, &str)>, ()> {
    for (i, c) in raw.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err(()),
            ':' => return Ok(Some((&raw[..i], &raw[i + 1..]))),
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// Characters Go accepts unescaped in a host name.
fn host_char_ok(c: char) -> bool {
    !c.is_ascii() || c.is_ascii_alphanumeric() || "-_.~!$&'()*+,;=:[]<>\"%".contains(c)
}

fn valid_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Go's `url.Parse` (`via_request` = `url.ParseRequestURI`), reduced to
/// success or failure plus scheme, host and path.
fn go_parse(raw: &str, via_request: bool) -> Option<GoUrl> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return None;
    }
    let mut rest = raw;
    if !via_request && let Some(i) = rest.find('#') {
        rest = &rest[..i];
    }
    if rest.is_empty() {
        return if via_request {
            None
        } else {
            Some(GoUrl {
                scheme: String::new(),
                host: String::new(),
                path: String::new(),
            })
        };
    }
    if rest == "*" {
        return Some(GoUrl {
            scheme: String::new(),
            host: String::new(),
            path: "*".into(),
        });
    }
    let (scheme, after) = match split_scheme(rest).ok()? {
        Some((s, a)) => (s.to_ascii_lowercase(), a),
        None => (String::new(), rest),
    };
    rest = after;
    if let Some(i) = rest.find('?') {
        rest = &rest[..i];
    }
    if !rest.starts_with('/') {
        if !scheme.is_empty() {
            // Opaque (`mailto:x`).
            return Some(GoUrl {
                scheme,
                host: String::new(),
                path: String::new(),
            });
        }
        if via_request {
            return None;
        }
        // A relative path's first segment may not hold a colon.
        let first = rest.split('/').next().unwrap_or("");
        if first.contains(':') {
            return None;
        }
    }
    let mut host = String::new();
    if (!scheme.is_empty() || !via_request && !rest.starts_with("///")) && rest.starts_with("//") {
        let authority_and_path = &rest[2..];
        let end = authority_and_path
            .find('/')
            .unwrap_or(authority_and_path.len());
        let authority = &authority_and_path[..end];
        rest = &authority_and_path[end..];
        let host_port = match authority.rfind('@') {
            Some(i) => &authority[i + 1..],
            None => authority,
        };
        let (h, port) = if host_port.starts_with('[') {
            let close = host_port.find(']')?;
            (&host_port[..=close], &host_port[close + 1..])
        } else {
            match host_port.rfind(':') {
                Some(i) => (&host_port[..i], &host_port[i..]),
                None => (host_port, ""),
            }
        };
        let port_ok = port.is_empty()
            || port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit());
        if !port_ok {
            return None;
        }
        if !h.chars().all(host_char_ok) || !valid_escapes(h) {
            return None;
        }
        host = h.to_string();
    }
    if !valid_escapes(rest) {
        return None;
    }
    Some(GoUrl {
        scheme,
        host,
        path: rest.to_string(),
    })
}

/// govalidator `IsRequestURL`: parses as a request URI and has a scheme.
pub fn is_request_url(raw: &str) -> bool {
    go_parse(raw, true).is_some_and(|u| !u.scheme.is_empty())
}

#[allow(clippy::expect_used)] // constant patterns, covered by the tests
fn url_shape() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Optional known scheme, optional user info, a host (dotted names of
        // letters, digits, `-`, `_`, or an IP), optional port, optional
        // path/query/fragment without spaces.
        Regex::new(
            r"^(?i:(?:ftp|tcp|udp|wss?|https?)://)?(?:\S+(?::\S*)?@)?(?:[\p{L}\p{N}_](?:[\p{L}\p{N}_-]*[\p{L}\p{N}_])?)(?:\.(?:[\p{L}\p{N}_](?:[\p{L}\p{N}_-]*[\p{L}\p{N}_])?))*\.?(?::\d{1,5})?(?:[/?#]\S*)?$",
        )
        .expect("valid URL pattern")
    })
}

/// govalidator `IsURL` (maintainer `url`).
pub fn is_url(raw: &str) -> bool {
    let runes = raw.chars().count();
    if raw.is_empty() || runes >= 2083 || raw.len() <= 3 || raw.starts_with('.') {
        return false;
    }
    let with_scheme;
    let parsed_from = if raw.contains(':') && !raw.contains("://") {
        with_scheme = format!("http://{raw}");
        with_scheme.as_str()
    } else {
        raw
    };
    let Some(u) = go_parse(parsed_from, false) else {
        return false;
    };
    if u.host.starts_with('.') {
        return false;
    }
    if u.host.is_empty() && !u.path.is_empty() && !u.path.contains('.') {
        return false;
    }
    url_shape().is_match(raw)
}

#[allow(clippy::expect_used)] // constant patterns, covered by the tests
fn email_shape() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Local part: dot-separated atoms (or a quoted string); domain: one or
        // more labels, each followed by a dot, then a label that starts and
        // ends with a letter; an optional final dot.
        let atom =
            r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u{A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}]+";
        let u = r"\u{A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}";
        let label = format!(r"(?:[A-Za-z0-9{u}]|[A-Za-z0-9{u}][A-Za-z0-9\-._~{u}]*[A-Za-z0-9{u}])");
        let tld = format!(r"(?:[A-Za-z{u}]|[A-Za-z{u}][A-Za-z0-9\-_~{u}]*[A-Za-z{u}])");
        Regex::new(&format!(
            r#"^(?:{atom}(?:\.{atom})*|"(?:[^"\\]|\\.)*")@(?:{label}\.)+{tld}\.?$"#
        ))
        .expect("valid e-mail pattern")
    })
}

/// govalidator `IsEmail` (maintainer `email`).
pub fn is_email(raw: &str) -> bool {
    email_shape().is_match(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_urls() {
        // Oracle-checked: accepted icons/sources and rejected ones.
        assert!(is_request_url("https://example.com/icon.png"));
        assert!(is_request_url("http://x/y.png"));
        assert!(is_request_url("mailto:x"));
        assert!(!is_request_url("not a url"));
        assert!(!is_request_url("notaurl"));
        assert!(!is_request_url(""));
        assert!(!is_request_url("::nope"));
    }

    #[test]
    fn emails_and_urls() {
        assert!(is_email("bob@example.com"));
        assert!(!is_email("bob-at-example"));
        assert!(!is_email("bob@example.c0m1"));
        assert!(is_url("https://github.com/bob"));
        assert!(is_url("example.com"));
        assert!(!is_url("::nope"));
        assert!(!is_url("nodots"));
    }
}
