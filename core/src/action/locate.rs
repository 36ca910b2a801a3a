//! Helm's `LocateChart` for local charts: a path that exists is used as
//! is; otherwise Helm's errors for a missing path or a repository reference
//! (repositories are not searched by `template`/`show`/`lint`).

use std::path::{Path, PathBuf};

/// Resolves a chart argument against `cwd`.
pub fn locate_chart(name: &str, cwd: &Path) -> Result<PathBuf, String> {
    let name = name.trim();
    let path = cwd.join(name);
    if path.exists() {
        return Ok(path);
    }
    if Path::new(name).is_absolute() || name.starts_with('.') {
        return Err(format!(
            "path {} not found",
            crate::chart::metadata::go_quote(name)
        ));
    }
    match name.split_once('/') {
        None => Err(format!(
            "non-absolute URLs should be in form of repo_name/path_to_chart, got: {name}"
        )),
        Some((repo, _)) => Err(format!("repo {repo} not found")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_like_helm() {
        let cwd = std::env::temp_dir();
        // Messages recorded from the oracle.
        assert_eq!(
            locate_chart("./nonexist-chart-x", &cwd).unwrap_err(),
            "path \"./nonexist-chart-x\" not found"
        );
        assert_eq!(
            locate_chart("nonexist-chart-x", &cwd).unwrap_err(),
            "non-absolute URLs should be in form of repo_name/path_to_chart, got: nonexist-chart-x"
        );
    }
}
