//! `test`: run the `test` hooks of the latest revision, optionally filtered
//! by name (Helm's `action.ReleaseTesting`).

use std::time::Duration;

use super::{ActionError, Configuration, hooks, validate_release_name};
use crate::release::{HookEvent, Release};

/// A failed test run: the release (with runs recorded) when it was loaded.
#[derive(Debug)]
pub struct TestFailure {
    pub release: Option<Release>,
    pub error: ActionError,
}

/// Runs the tests; the release (with test runs recorded) is returned
/// alongside the error when a test fails.
pub fn run(
    cfg: &Configuration,
    name: &str,
    timeout: Duration,
    only: &[String],
    skip: &[String],
) -> Result<Release, Box<TestFailure>> {
    let fail =
        |release: Option<Release>, error: ActionError| Box::new(TestFailure { release, error });
    cfg.is_reachable().map_err(|e| fail(None, e))?;
    if validate_release_name(name).is_err() {
        return Err(fail(
            None,
            ActionError::msg(format!("releaseTest: Release name is invalid: {name}")),
        ));
    }
    let mut rel = cfg.releases.last(name).map_err(|e| fail(None, e.into()))?;
    let mut skipped = Vec::new();
    let mut executing = std::mem::take(&mut rel.hooks);
    if !skip.is_empty() {
        let (s, e): (Vec<_>, Vec<_>) = executing.into_iter().partition(|h| skip.contains(&h.name));
        skipped.extend(s);
        executing = e;
    }
    if !only.is_empty() {
        let (e, s): (Vec<_>, Vec<_>) = executing.into_iter().partition(|h| only.contains(&h.name));
        skipped.extend(s);
        executing = e;
    }
    rel.hooks = executing;
    let result = hooks::exec_hook(cfg, &mut rel, HookEvent::Test, timeout);
    let mut all = skipped;
    all.append(&mut rel.hooks);
    rel.hooks = all;
    let stored = cfg.releases.update(&rel);
    match (result, stored) {
        (Err(e), _) => Err(fail(Some(rel), e)),
        (Ok(()), Err(e)) => Err(fail(Some(rel), e.into())),
        (Ok(()), Ok(())) => Ok(rel),
    }
}
