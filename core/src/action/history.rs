//! `history`: every revision of a release (Helm's `action.History`).

use super::{ActionError, Configuration, validate_release_name};
use crate::release::Release;
use crate::storage::sort_by_revision;

/// The revisions of `name`, newest `max` of them, oldest first.
pub fn run(cfg: &Configuration, name: &str, max: usize) -> Result<Vec<Release>, ActionError> {
    cfg.is_reachable()?;
    if validate_release_name(name).is_err() {
        return Err(ActionError::msg(format!("release name is invalid: {name}")));
    }
    let mut h = cfg.releases.history(name)?;
    sort_by_revision(&mut h);
    let skip = h.len().saturating_sub(max);
    Ok(h.split_off(skip))
}
