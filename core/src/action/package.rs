//! `helm package`: loads a chart directory, applies `--version` /
//! `--app-version`, checks that declared dependencies are present in
//! `charts/`, optionally updates them first (`-u`), and writes the archive.

use std::path::{Path, PathBuf};

use crate::repo::{RepoError, RepoSettings};

/// `helm package` flags.
#[derive(Clone, Debug)]
pub struct PackageOptions {
    pub version: String,
    pub app_version: String,
    /// `-d`: `.` means the current directory.
    pub destination: String,
    pub dependency_update: bool,
}

impl Default for PackageOptions {
    fn default() -> PackageOptions {
        PackageOptions {
            version: String::new(),
            app_version: String::new(),
            destination: ".".into(),
            dependency_update: false,
        }
    }
}

/// Packages the chart at `path`; returns the archive path as Helm prints it.
pub fn run(
    path: &str,
    opts: &PackageOptions,
    settings: &RepoSettings,
) -> Result<PathBuf, RepoError> {
    let abs = std::path::absolute(path).map_err(|e| RepoError::io(format!("abs {path}"), e))?;
    std::fs::metadata(path).map_err(|e| RepoError::io(format!("stat {path}"), e))?;
    if opts.dependency_update {
        let mut sink = std::io::sink();
        crate::dependency::update(
            &abs,
            settings,
            &crate::dependency::DepOptions::default(),
            &mut sink,
        )?;
    }
    let mut chart = crate::chart::load_dir(&abs).map_err(|e| RepoError::msg(e.to_string()))?;
    if !opts.version.is_empty() {
        chart.metadata.version = opts.version.clone();
    }
    crate::semver::Version::parse(&chart.metadata.version)
        .map_err(|e| RepoError::msg(e.to_string()))?;
    if !opts.app_version.is_empty() {
        chart.metadata.app_version = opts.app_version.clone();
    }
    check_dependencies(&chart)?;
    let dest = if opts.destination == "." {
        std::env::current_dir().map_err(|e| RepoError::io("getwd", e))?
    } else {
        PathBuf::from(&opts.destination)
    };
    crate::package::save(&chart, Path::new(&dest)).map_err(|e| match e {
        crate::package::PackageError::Message(m) if m.starts_with("chart validation") => {
            RepoError::msg(format!("failed to save: {m}"))
        }
        other => RepoError::msg(format!("failed to save: {other}")),
    })
}

/// Helm's `CheckDependencies`: every Chart.yaml dependency is in `charts/`.
pub fn check_dependencies(chart: &crate::chart::Chart) -> Result<(), RepoError> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(RepoError::msg(format!(
            "found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )))
    }
}
