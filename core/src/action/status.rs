//! `status`: one revision of a release, without its chart (Helm's
//! `action.Status`).

use super::{ActionError, Configuration};
use crate::release::Release;

/// The release at `version` (0 = latest).
pub fn run(cfg: &Configuration, name: &str, version: i64) -> Result<Release, ActionError> {
    cfg.is_reachable()?;
    cfg.release_content(name, version)
}
