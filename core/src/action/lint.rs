//! `helm lint`: which paths get linted (`--with-subcharts` walks `charts/`
//! for Chart.yaml files and archives), unpacking archives, and the guard
//! that a path is a chart. The rules themselves live in [`crate::lint`].

use std::path::{Path, PathBuf};

pub use crate::lint::{ChartLint, LintMessage, Severity};
use crate::lint::{LintOptions, lint_dir};
use crate::template::Map;
use crate::values::ValueOptions;

/// What `helm lint` takes.
#[derive(Clone, Debug, Default)]
pub struct LintRequest {
    pub paths: Vec<String>,
    pub strict: bool,
    pub with_subcharts: bool,
    pub quiet: bool,
    pub namespace: String,
    pub values: ValueOptions,
    pub cwd: PathBuf,
}

/// The chart paths to lint: the given ones (`.` by default), plus with
/// `--with-subcharts` every directory holding a `Chart.yaml` and every
/// archive below their `charts/`, in `filepath.Walk` order.
pub fn lint_paths(req: &LintRequest) -> Vec<String> {
    let mut paths = req.paths.clone();
    if req.paths.is_empty() {
        paths.push(".".into());
    }
    if req.with_subcharts {
        let mut extra = Vec::new();
        for p in &paths {
            let root = crate::gopath::clean(&format!("{p}/charts"));
            walk(&req.cwd, &root, &mut extra);
        }
        paths.extend(extra);
    }
    paths
}

fn is_archive(path: &str) -> bool {
    path.ends_with(".tgz") || path.ends_with(".tar.gz")
}

fn walk(cwd: &Path, shown: &str, out: &mut Vec<String>) {
    let full = cwd.join(shown);
    let Ok(meta) = std::fs::symlink_metadata(&full) else {
        return;
    };
    let base = shown.rsplit('/').next().unwrap_or(shown);
    if base == "Chart.yaml" {
        let dir = shown.rsplit_once('/').map(|(d, _)| d).unwrap_or(".");
        out.push(dir.to_string());
    } else if is_archive(shown) {
        out.push(shown.to_string());
    }
    if !meta.is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(&full) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for n in names {
        walk(cwd, &format!("{shown}/{n}"), out);
    }
}

/// Lints one chart directory or archive.
pub fn lint_chart(path: &str, req: &LintRequest, user: &Map) -> ChartLint {
    let opts = LintOptions {
        namespace: req.namespace.clone(),
        strict: req.strict,
    };
    let fatal = |msg: String| ChartLint {
        path: path.to_string(),
        fatal: vec![msg],
        ..ChartLint::default()
    };
    let mut scratch = None;
    let dir = if is_archive(path) {
        match unpack(&req.cwd.join(path), path) {
            Ok((tmp, dir)) => {
                scratch = Some(tmp);
                dir
            }
            Err(e) => return fatal(e),
        }
    } else {
        req.cwd.join(path)
    };
    let result = if let Err(e) = std::fs::metadata(dir.join("Chart.yaml")) {
        let shown = if scratch.is_some() {
            dir.join("Chart.yaml").display().to_string()
        } else {
            Path::new(path).join("Chart.yaml").display().to_string()
        };
        fatal(format!(
            "unable to check Chart.yaml file in chart: stat {shown}: {}",
            crate::chart::loader::go_io_message_pub(&e)
        ))
    } else {
        lint_dir(&dir, path, user, &opts)
    };
    if let Some(tmp) = scratch {
        let _ = std::fs::remove_dir_all(tmp);
    }
    result
}

/// Unpacks an archive into a fresh temporary directory; returns that
/// directory and the chart directory inside it.
fn unpack(archive: &Path, shown: &str) -> Result<(PathBuf, PathBuf), String> {
    let data = std::fs::read(archive).map_err(|e| {
        format!(
            "unable to open tarball: open {shown}: {}",
            crate::chart::loader::go_io_message_pub(&e)
        )
    })?;
    let tmp = std::env::temp_dir().join(format!(
        "helm-lint{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&tmp)
        .map_err(|e| format!("unable to create temp dir to extract tarball: {e}"))?;
    if let Err(e) = crate::action::pull::expand(&tmp, &data) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(format!("unable to extract tarball: {e}"));
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(&tmp)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    match names.first() {
        Some(first) if first.is_dir() => Ok((tmp.clone(), first.clone())),
        _ => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err("unable to extract tarball: no chart directory".into())
        }
    }
}
