//! Where Helm keeps repository state, so both tools share it:
//! `repositories.yaml` under the config home and `<name>-index.yaml` /
//! `<name>-charts.txt` under `<cache home>/repository`, with Helm's
//! `HELM_CONFIG_HOME`/`HELM_CACHE_HOME`, `HELM_REPOSITORY_CONFIG`/
//! `HELM_REPOSITORY_CACHE` and XDG fallbacks (macOS: `~/Library/…`).

use std::path::PathBuf;

/// Paths of the repository configuration and cache (Helm's `EnvSettings`
/// fields `RepositoryConfig` and `RepositoryCache`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoSettings {
    /// `repositories.yaml`.
    pub repository_config: PathBuf,
    /// The folder with cached indexes and downloaded charts.
    pub repository_cache: PathBuf,
    /// `--debug`.
    pub debug: bool,
}

impl RepoSettings {
    /// Settings from the environment, as Helm computes its defaults.
    pub fn from_env() -> RepoSettings {
        RepoSettings::with_overrides(None, None)
    }

    /// Settings with `--repository-config` / `--repository-cache` values
    /// (empty strings count as unset, as with Helm's env fallbacks).
    pub fn with_overrides(config: Option<&str>, cache: Option<&str>) -> RepoSettings {
        let config = config
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .or_else(|| env_path("HELM_REPOSITORY_CONFIG"))
            .unwrap_or_else(|| config_path("repositories.yaml"));
        let cache = cache
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .or_else(|| env_path("HELM_REPOSITORY_CACHE"))
            .unwrap_or_else(|| cache_path("repository"));
        RepoSettings {
            repository_config: config,
            repository_cache: cache,
            debug: false,
        }
    }

    /// `<cache>/<name>-index.yaml`.
    pub fn index_file(&self, repo_name: &str) -> PathBuf {
        self.repository_cache.join(cache_index_file(repo_name))
    }

    /// `<cache>/<name>-charts.txt`.
    pub fn charts_file(&self, repo_name: &str) -> PathBuf {
        self.repository_cache.join(cache_charts_file(repo_name))
    }
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// `<name>-index.yaml` (Helm's `CacheIndexFile`).
pub fn cache_index_file(name: &str) -> String {
    format!("{name}-index.yaml")
}

/// `<name>-charts.txt` (Helm's `CacheChartsFile`).
pub fn cache_charts_file(name: &str) -> String {
    format!("{name}-charts.txt")
}

fn home_dir() -> PathBuf {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// Helm's `lazypath`: `$HELM_X_HOME/elem`, else `$XDG_X_HOME/helm/elem`,
/// else the platform default `/helm/elem`.
fn lazy_path(helm_var: &str, xdg_var: &str, default: PathBuf, elem: &str) -> PathBuf {
    if let Some(base) = env_path(helm_var) {
        return base.join(elem);
    }
    let base = env_path(xdg_var).unwrap_or(default);
    base.join("helm").join(elem)
}

/// A path under Helm's config home.
pub fn config_path(elem: &str) -> PathBuf {
    let default = if cfg!(target_os = "macos") {
        home_dir().join("Library").join("Preferences")
    } else {
        home_dir().join(".config")
    };
    lazy_path("HELM_CONFIG_HOME", "XDG_CONFIG_HOME", default, elem)
}

/// A path under Helm's cache home.
pub fn cache_path(elem: &str) -> PathBuf {
    let default = if cfg!(target_os = "macos") {
        home_dir().join("Library").join("Caches")
    } else {
        home_dir().join(".cache")
    };
    lazy_path("HELM_CACHE_HOME", "XDG_CACHE_HOME", default, elem)
}
