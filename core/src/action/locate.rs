//! Helm's `ChartPathOptions.LocateChart` as `show`, `template`, `install`
//! and `upgrade` use it: a path that exists (relative to the command's
//! working directory) is used as is; a path-looking name that does not
//! exist is Helm's `path "x" not found`; anything else is looked up in a
//! repository (`repo/chart` from repositories.yaml, or a chart name with
//! `--repo URL`), downloaded into the repository cache and checked against
//! the index digest by [`crate::repo::locate_chart`].

use std::path::{Path, PathBuf};

use crate::repo::{ChartPathOptions, RepoSettings};

/// Resolves a chart argument against `cwd`, falling back to repositories.
pub fn locate_chart(
    name: &str,
    cwd: &Path,
    opts: &ChartPathOptions,
    settings: &RepoSettings,
) -> Result<PathBuf, String> {
    let name = name.trim();
    let path = cwd.join(name);
    if !name.is_empty() && path.exists() {
        if opts.verify {
            return Err(
                "--verify is not supported yet by kubectl-chart (provenance files cannot be checked)"
                    .into(),
            );
        }
        return Ok(path);
    }
    if Path::new(name).is_absolute() || name.starts_with('.') {
        return Err(format!(
            "path {} not found",
            crate::chart::metadata::go_quote(name)
        ));
    }
    crate::repo::locate_chart(name, opts, settings).map_err(|e| e.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn isolated() -> (PathBuf, RepoSettings) {
        let dir = std::env::temp_dir().join(format!("locate-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let settings = RepoSettings {
            repository_config: dir.join("repositories.yaml"),
            repository_cache: dir.join("cache"),
            debug: false,
        };
        (dir, settings)
    }

    #[test]
    fn errors_read_like_helm() {
        let (cwd, settings) = isolated();
        let opts = ChartPathOptions::default();
        // Messages recorded from the oracle (helm 3.10.1 template/install).
        assert_eq!(
            locate_chart("./nonexist-chart-x", &cwd, &opts, &settings).unwrap_err(),
            "path \"./nonexist-chart-x\" not found"
        );
        assert_eq!(
            locate_chart("nonexist-chart-x", &cwd, &opts, &settings).unwrap_err(),
            "non-absolute URLs should be in form of repo_name/path_to_chart, got: nonexist-chart-x"
        );
        assert_eq!(
            locate_chart("nope/pacman", &cwd, &opts, &settings).unwrap_err(),
            "repo nope not found"
        );
    }

    #[test]
    fn existing_paths_win_over_repositories() {
        let (cwd, settings) = isolated();
        std::fs::create_dir_all(cwd.join("local/pacman")).unwrap();
        let p = locate_chart(
            "local/pacman",
            &cwd,
            &ChartPathOptions::default(),
            &settings,
        )
        .unwrap();
        assert_eq!(p, cwd.join("local/pacman"));
    }
}
