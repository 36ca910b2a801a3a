//! Dependency rules (Helm's `rules.Dependencies`): every subchart under
//! `charts/` is declared in Chart.yaml, and every declared one is there.
//! Helm reports these under the chart's absolute directory.

use std::path::Path;

use super::{Linter, Severity};

pub fn check(l: &mut Linter, dir: &Path) {
    let chart = match crate::chart::load_dir(dir) {
        Ok(c) => c,
        Err(e) => {
            l.add(Severity::Error, "", format!("unable to load chart\n\t{e}"));
            return;
        }
    };
    let shown = dir.to_string_lossy();
    let declared: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .map(|d| d.name.as_str())
        .collect();
    let vendored: Vec<&str> = chart.dependencies.iter().map(|c| c.name()).collect();
    let undeclared: Vec<&str> = vendored
        .iter()
        .copied()
        .filter(|v| !declared.contains(v))
        .collect();
    if !undeclared.is_empty() {
        l.add(
            Severity::Error,
            &shown,
            format!(
                "chart metadata is missing these dependencies: {}",
                undeclared.join(",")
            ),
        );
    }
    let missing: Vec<&str> = declared
        .iter()
        .copied()
        .filter(|d| !vendored.contains(d))
        .collect();
    if !missing.is_empty() {
        l.add(
            Severity::Warning,
            &shown,
            format!(
                "chart directory is missing these dependencies: {}",
                missing.join(",")
            ),
        );
    }
}
