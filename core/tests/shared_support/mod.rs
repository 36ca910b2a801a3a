//! Shared by the test files that read the shared folder (golden corpus,
//! seed charts): where it is, what to say when it is not there, and a small
//! random generator for the randomized ones. (Each test file uses a part.)

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `$CHART_SHARED_DIR`, default `../shared` beside the repository; `None`
/// when it is not there (the caller then reports what it could not run).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CHART_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    dir.is_dir().then_some(dir)
}

/// Says loudly that `n` case(s) of `what` could not run (no shared folder),
/// and fails in CI, where the folder must be there.
pub fn missing(what: &str, n: usize) {
    eprintln!(
        "\n!!! {what}: shared folder not found: {n} case(s) NOT RUN — not counted as passed\n"
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "shared folder required in CI"
    );
}

/// A small deterministic generator (xorshift), so failures reproduce.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
