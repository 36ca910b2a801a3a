//! `get` and `get values` (Helm's `action.Get`, `action.GetValues`).

use super::values::coalesce_values;
use super::{ActionError, Configuration};
use crate::release::Release;
use crate::template::Map;

/// The release at `version` (0 = latest).
pub fn run(cfg: &Configuration, name: &str, version: i64) -> Result<Release, ActionError> {
    cfg.is_reachable()?;
    cfg.release_content(name, version)
}

/// User-supplied values, or with `all` the values computed with the
/// stored chart's defaults.
pub fn values(
    cfg: &Configuration,
    name: &str,
    version: i64,
    all: bool,
) -> Result<Map, ActionError> {
    let rel = run(cfg, name, version)?;
    if all {
        let defaults = rel
            .chart
            .as_ref()
            .map(|c| c.default_values())
            .unwrap_or_default();
        return Ok(coalesce_values(&defaults, &rel.config));
    }
    Ok(rel.config)
}
