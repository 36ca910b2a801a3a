//! `helm dependency list`: the dependency table with each one's status
//! (`ok`, `missing`, `unpacked`, `wrong version`, …) and warnings for
//! charts in `charts/` that Chart.yaml does not declare.

use std::path::{Path, PathBuf};

use crate::chart::{Chart, Dependency};
use crate::repo::RepoError;
use crate::repo::table::Table;
use crate::semver::{Constraints, Version};

/// The text `helm dependency list CHART` prints. `chart_path` is the
/// cleaned argument (`.` by default); `max_col_width` the table limit.
pub fn list(chart_path: &str, max_col_width: usize) -> Result<String, RepoError> {
    let chart = crate::chart::load(chart_path).map_err(|e| RepoError::msg(e.to_string()))?;
    let mut out = String::new();
    if chart.metadata.dependencies.is_empty() {
        out.push_str(&format!(
            "WARNING: no dependencies at {}\n",
            crate::gopath::clean(&format!("{chart_path}/charts"))
        ));
        return Ok(out);
    }
    let mut table = Table::new(max_col_width);
    table.add_row(["NAME", "VERSION", "REPOSITORY", "STATUS"]);
    for dep in chart.metadata.dependencies.iter().flatten() {
        table.add_row([
            dep.name.clone(),
            dep.version.clone(),
            dep.repository.clone(),
            status(chart_path, dep, &chart),
        ]);
    }
    out.push_str(&table.render());
    out.push_str("\n\n");
    print_missing(chart_path, &chart, &mut out);
    Ok(out)
}

fn charts_dir(chart_path: &str) -> PathBuf {
    PathBuf::from(crate::gopath::clean(&format!("{chart_path}/charts")))
}

/// Sorted entries of `charts/` as `(shown path, path)`.
fn charts_entries(chart_path: &str) -> Vec<(String, PathBuf)> {
    let dir = charts_dir(chart_path);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let p = dir.join(&n);
            (p.display().to_string(), p)
        })
        .collect()
}

/// Masterminds `StrictNewVersion`: exactly `X.Y.Z[-pre][+meta]`, no `v`.
fn is_strict_semver(s: &str) -> bool {
    let core = s.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
        && Version::parse(s).is_ok()
}

fn status(chart_path: &str, dep: &Dependency, parent: &Chart) -> String {
    let prefix = format!("{}-", dep.name);
    let archives: Vec<PathBuf> = charts_entries(chart_path)
        .into_iter()
        .filter(|(_, p)| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".tgz"))
        })
        .map(|(_, p)| p)
        .collect();
    if archives.len() > 1 {
        let found: Vec<&PathBuf> = archives
            .iter()
            .filter(|a| {
                let base = a
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let v = base
                    .strip_suffix(".tgz")
                    .unwrap_or(&base)
                    .strip_prefix(&prefix)
                    .unwrap_or("");
                is_strict_semver(v)
            })
            .collect();
        if found.len() == 1 {
            if let Some(r) = archive_status(found[0], dep) {
                return r;
            }
        } else if found.len() > 1 {
            return "too many matches".into();
        }
    } else if let Some(a) = archives.first()
        && let Some(r) = archive_status(a, dep)
    {
        return r;
    }
    let Some(dep_chart) = parent
        .dependencies
        .iter()
        .rev()
        .find(|c| c.name() == dep.name)
    else {
        return "missing".into();
    };
    if dep_chart.metadata.version != dep.version {
        match version_check(&dep.version, &dep_chart.metadata.version) {
            Some(true) => {}
            Some(false) => return "wrong version".into(),
            None => return "invalid version".into(),
        }
    }
    "unpacked".into()
}

/// `Some(satisfied)`, or `None` when the constraint or version is invalid.
fn version_check(constraint: &str, version: &str) -> Option<bool> {
    let c = Constraints::parse(constraint).ok()?;
    let v = Version::parse(version).ok()?;
    Some(c.matches(&v))
}

fn archive_status(archive: &Path, dep: &Dependency) -> Option<String> {
    std::fs::metadata(archive).ok()?;
    let Ok(c) = crate::chart::load(archive) else {
        return Some("corrupt".into());
    };
    if c.name() != dep.name {
        return Some("misnamed".into());
    }
    if c.metadata.version != dep.version {
        match version_check(&dep.version, &c.metadata.version) {
            Some(true) => {}
            Some(false) => return Some("wrong version".into()),
            None => return Some("invalid version".into()),
        }
    }
    Some("ok".into())
}

fn print_missing(chart_path: &str, chart: &Chart, out: &mut String) {
    for (shown, path) in charts_entries(chart_path) {
        let is_dir = std::fs::metadata(&path).is_ok_and(|m| m.is_dir());
        if !is_dir && path.extension().is_none_or(|e| e != "tgz") {
            continue;
        }
        let Ok(c) = crate::chart::load(&path) else {
            out.push_str(&format!("WARNING: {shown:?} is not a chart.\n"));
            continue;
        };
        if !chart
            .metadata
            .dependencies
            .iter()
            .flatten()
            .any(|d| d.name == c.name())
        {
            out.push_str(&format!("WARNING: {shown:?} is not in Chart.yaml.\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_semver() {
        assert!(is_strict_semver("11.6.12"));
        assert!(is_strict_semver("1.0.0-rc.1+b"));
        assert!(!is_strict_semver("v1.0.0"));
        assert!(!is_strict_semver("1.0"));
        assert!(!is_strict_semver("01.0.0"));
    }
}
