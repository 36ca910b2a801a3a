//! `helm dependency list|update|build` use cases (the work is in
//! [`crate::dependency`]).

use std::io::Write;
use std::path::Path;

pub use crate::dependency::DepOptions;
use crate::repo::{RepoError, RepoSettings};

/// `dependency list`: the text to print.
pub fn list(chart_path: &str, max_col_width: usize) -> Result<String, RepoError> {
    crate::dependency::list::list(chart_path, max_col_width)
}

/// `dependency update`.
pub fn update(
    chart_path: &Path,
    settings: &RepoSettings,
    opts: &DepOptions,
    out: &mut dyn Write,
) -> Result<(), RepoError> {
    crate::dependency::update(chart_path, settings, opts, out)
}

/// `dependency build`.
pub fn build(
    chart_path: &Path,
    settings: &RepoSettings,
    opts: &DepOptions,
    out: &mut dyn Write,
) -> Result<(), RepoError> {
    crate::dependency::build(chart_path, settings, opts, out)
}
