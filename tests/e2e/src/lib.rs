//! Helpers shared by the end-to-end tests: where the binaries and the shared
//! corpus are.

pub mod golden;
pub mod lsp_client;
pub mod repo_server;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Path of a workspace binary (`kubectl-chart`, `chart-lsp`,
/// `chart-test-apiserver`), built next to the running test executable.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/<profile>/deps/<test-exe> → target/<profile>/<name>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let path = profile_dir.join(name);
    assert!(
        path.exists(),
        "{} not built: run `cargo build --workspace --bins` first (the README's test command does)",
        path.display()
    );
    path
}

/// A `Command` for a workspace binary.
pub fn command(name: &str) -> Command {
    Command::new(bin(name))
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("../.."))
}

/// The shared folder (corpus, seed charts, oracle): `$CHART_SHARED_DIR`,
/// default `../shared` next to the checkout. `None` when absent.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CHART_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"));
    dir.is_dir().then_some(dir)
}

/// Reports loudly that `n` cases could not run because the shared folder is
/// missing. Returns `true` if CI requires it (then the caller must fail).
pub fn report_missing_shared(what: &str, n: usize) -> bool {
    eprintln!(
        "\n!!! {what}: shared folder not found (set CHART_SHARED_DIR or put it at ../shared): {n} case(s) NOT RUN — not counted as passed\n"
    );
    std::env::var_os("CI").is_some()
}

pub mod cluster;
