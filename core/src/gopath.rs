//! Go's `path.Clean` for `/`-separated paths: the one lexical path cleaner
//! used by the chart loader (archive entry names), packaging and repository
//! URLs (`filepath.Join`), and Sprig's `clean`/`osClean`.

/// Go `path.Clean`: the shortest lexically equivalent path (`.` for empty,
/// `..` kept at the front of relative paths, dropped at the root).
pub fn clean(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}
