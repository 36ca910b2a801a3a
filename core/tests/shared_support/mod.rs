//! Shared by the test files that read the shared folder (golden corpus,
//! seed charts): where it is.

use std::path::{Path, PathBuf};

/// `$CHART_SHARED_DIR`, default `../shared` beside the repository; `None`
/// when it is not there (the caller then reports what it could not run).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CHART_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    dir.is_dir().then_some(dir)
}
