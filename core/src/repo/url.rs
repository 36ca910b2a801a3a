//! URL helpers with Go `net/url` + Helm `urlutil` results: joining paths
//! onto a URL (`URLJoin`), comparing repository URLs (`urlutil.Equal`),
//! and making index URLs absolute.

use crate::gopath::clean as go_clean;

/// A URL split into `scheme://authority`, path and `?query#fragment`.
struct Parts<'a> {
    head: &'a str,
    path: &'a str,
    tail: &'a str,
}

fn split(u: &str) -> Parts<'_> {
    let tail_at = u.find(['?', '#']).unwrap_or(u.len());
    let (before, tail) = u.split_at(tail_at);
    let path_at = match before.find("://") {
        Some(i) => before[i + 3..]
            .find('/')
            .map_or(before.len(), |j| i + 3 + j),
        None => match before.find(':') {
            // `scheme:opaque` or a plain path
            Some(i) if !before[..i].contains('/') && i > 0 => i + 1,
            _ => 0,
        },
    };
    let (head, path) = before.split_at(path_at);
    Parts { head, path, tail }
}

/// Go `path.Join` over non-empty elements (`""` when all are empty).
fn path_join(elems: &[&str]) -> String {
    let nonempty: Vec<&str> = elems.iter().copied().filter(|e| !e.is_empty()).collect();
    if nonempty.is_empty() {
        return String::new();
    }
    go_clean(&nonempty.join("/"))
}

/// Helm's `urlutil.URLJoin(base, paths...)`: the URL's path joined with
/// the elements (cleaned), query and fragment kept.
pub fn url_join(base: &str, elem: &str) -> String {
    let p = split(base);
    let mut path = path_join(&[p.path, elem]);
    if p.head.contains("://") && !path.is_empty() && !path.starts_with('/') {
        path.insert(0, '/');
    }
    format!("{}{}{}", p.head, path, p.tail)
}

/// Helm's `urlutil.Equal`: URLs equal after cleaning their paths (an empty
/// path counts as `/`), so `https://x/charts/` equals `https://x/charts`.
pub fn url_equal(a: &str, b: &str) -> bool {
    normalize_for_compare(a) == normalize_for_compare(b)
}

fn normalize_for_compare(u: &str) -> String {
    let p = split(u);
    let path = if p.path.is_empty() {
        "/".to_string()
    } else {
        go_clean(p.path)
    };
    let head = match p.head.find("://") {
        Some(i) => format!("{}{}", p.head[..i].to_ascii_lowercase(), &p.head[i..]),
        None => p.head.to_string(),
    };
    format!("{head}{path}{}", p.tail)
}

/// Whether `s` is an absolute URL with a scheme and host.
pub fn is_absolute_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| u.has_host() && !u.cannot_be_a_base())
}

/// Helm's `repo.ResolveReferenceURL`: `ref` resolved against the
/// repository URL taken as a folder (`base/`).
pub fn resolve_reference(base: &str, reference: &str) -> Result<String, String> {
    let folder = format!("{}/", base.trim_end_matches('/'));
    let b = url::Url::parse(&folder).map_err(|e| format!("failed to parse {base} as URL: {e}"))?;
    let r = b
        .join(reference)
        .map_err(|e| format!("failed to parse {reference} as URL: {e}"))?;
    Ok(r.to_string())
}

/// Helm's chart-download resolution of an index URL: absolute URLs as
/// they are, relative ones against the repository folder, the
/// repository URL's query kept.
pub fn resolve_chart_url(repo_url: &str, chart_url: &str) -> Result<String, String> {
    if is_absolute_url(chart_url) {
        return Ok(chart_url.to_string());
    }
    let repo = url::Url::parse(repo_url).map_err(|e| format!("invalid chart URL format: {e}"))?;
    let query = repo.query().map(str::to_string);
    let mut folder = repo.clone();
    folder.set_query(None);
    folder.set_fragment(None);
    let path = format!("{}/", folder.path().trim_end_matches('/'));
    folder.set_path(&path);
    let mut u = folder
        .join(chart_url)
        .map_err(|_| format!("invalid chart URL format: {chart_url}"))?;
    if query.is_some() {
        u.set_query(query.as_deref());
    }
    Ok(u.to_string())
}

/// The dependency manager's `normalizeURL`: absolute URLs unchanged,
/// relative ones appended to the repository URL's path.
pub fn normalize_url(base: &str, url_or_path: &str) -> String {
    if is_absolute_url(url_or_path) {
        return url_or_path.to_string();
    }
    url_join(base, url_or_path)
}

/// The host (and port) part of a URL, for comparing origins.
pub fn origin(u: &str) -> (String, String) {
    match url::Url::parse(u) {
        Ok(p) => (
            p.scheme().to_string(),
            format!(
                "{}{}",
                p.host_str().unwrap_or(""),
                p.port().map(|x| format!(":{x}")).unwrap_or_default()
            ),
        ),
        Err(_) => (String::new(), String::new()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn join_like_helm() {
        assert_eq!(
            url_join("http://h/charts", "a.tgz"),
            "http://h/charts/a.tgz"
        );
        assert_eq!(url_join("http://h:8080", "a.tgz"), "http://h:8080/a.tgz");
        assert_eq!(url_join("http://h/c/", ""), "http://h/c");
        assert_eq!(url_join("", "sub"), "sub");
        assert_eq!(url_join("sub", "a.tgz"), "sub/a.tgz");
        assert_eq!(url_join("http://h/c?x=1", "a.tgz"), "http://h/c/a.tgz?x=1");
    }

    #[test]
    fn equal_ignores_trailing_slash() {
        assert!(url_equal("https://x/charts/", "https://x/charts"));
        assert!(url_equal("https://x", "https://x/"));
        assert!(!url_equal("https://x/a", "https://x/b"));
    }

    #[test]
    fn resolves_relative_chart_urls() {
        assert_eq!(
            resolve_chart_url("http://h:1/repo", "pacman-0.1.0.tgz").unwrap(),
            "http://h:1/repo/pacman-0.1.0.tgz"
        );
        assert_eq!(
            resolve_chart_url("http://h:1/repo?t=2", "c/x.tgz").unwrap(),
            "http://h:1/repo/c/x.tgz?t=2"
        );
        assert_eq!(
            resolve_chart_url("http://h:1/", "https://o/x.tgz").unwrap(),
            "https://o/x.tgz"
        );
        assert_eq!(
            resolve_reference("http://h:1/r", "x.tgz").unwrap(),
            "http://h:1/r/x.tgz"
        );
    }
}
