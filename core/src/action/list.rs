//! `list`: the latest revision of each release, filtered by status, name
//! regex and storage labels, sorted (Helm's `action.List`).

use std::collections::BTreeMap;

use regex::Regex;

use super::{ActionError, Configuration};
use crate::kube::fake::label_selector_matches;
use crate::release::{Release, Status};

/// Sort orders of `helm list`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sorter {
    #[default]
    ByNameAsc,
    ByNameDesc,
    ByDateAsc,
    ByDateDesc,
}

/// Options of a listing.
#[derive(Clone, Debug, Default)]
pub struct List {
    pub all: bool,
    pub by_date: bool,
    pub sort_reverse: bool,
    pub limit: usize,
    pub offset: usize,
    pub filter: String,
    pub uninstalled: bool,
    pub superseded: bool,
    pub uninstalling: bool,
    pub deployed: bool,
    pub failed: bool,
    pub pending: bool,
    pub selector: String,
}

impl List {
    /// The statuses to show (Helm's `SetStateMask`).
    pub fn state_mask(&self) -> Vec<Status> {
        if self.all {
            return Status::ALL
                .into_iter()
                .filter(|s| *s != Status::Unknown)
                .collect();
        }
        let mut m = Vec::new();
        if self.deployed {
            m.push(Status::Deployed);
        }
        if self.uninstalled {
            m.push(Status::Uninstalled);
        }
        if self.uninstalling {
            m.push(Status::Uninstalling);
        }
        if self.pending {
            m.extend([
                Status::PendingInstall,
                Status::PendingRollback,
                Status::PendingUpgrade,
            ]);
        }
        if self.failed {
            m.push(Status::Failed);
        }
        if self.superseded {
            m.push(Status::Superseded);
        }
        if m.is_empty() {
            m = vec![Status::Deployed, Status::Failed];
        }
        m
    }

    pub fn run(&self, cfg: &Configuration) -> Result<Vec<Release>, ActionError> {
        cfg.is_reachable()?;
        let filter = if self.filter.is_empty() {
            None
        } else {
            Some(Regex::new(&self.filter).map_err(|e| ActionError::msg(e.to_string()))?)
        };
        let mut results = cfg
            .releases
            .driver
            .list(&|r: &Release| filter.as_ref().is_none_or(|re| re.is_match(&r.name)))?;
        let mask = self.state_mask();
        if mask != vec![Status::Superseded] {
            results = latest_per_release(results);
        }
        results.retain(|r| mask.contains(&r.status()));
        if !self.selector.is_empty() {
            results.retain(|r| label_selector_matches(&self.selector, &r.labels));
        }
        self.sort(&mut results);
        if self.offset >= results.len() {
            return Ok(Vec::new());
        }
        let mut end = results.len();
        if self.limit > 0 && self.offset + self.limit < end {
            end = self.offset + self.limit;
        }
        Ok(results[self.offset..end].to_vec())
    }

    fn sort(&self, rels: &mut [Release]) {
        let mut sorter = Sorter::ByNameAsc;
        if self.sort_reverse {
            sorter = Sorter::ByNameDesc;
        }
        if self.by_date {
            sorter = if self.sort_reverse {
                Sorter::ByDateAsc
            } else {
                Sorter::ByDateDesc
            };
        }
        let date = |r: &Release| {
            r.info
                .as_ref()
                .map(|i| i.last_deployed.unix_nanos())
                .unwrap_or(0)
        };
        match sorter {
            Sorter::ByNameAsc => rels.sort_by(|a, b| a.name.cmp(&b.name)),
            Sorter::ByNameDesc => rels.sort_by(|a, b| b.name.cmp(&a.name)),
            // Helm's SortByDate sorts ascending; ByDateDesc uses it as is.
            Sorter::ByDateDesc => rels.sort_by_key(date),
            Sorter::ByDateAsc => rels.sort_by_key(|r| std::cmp::Reverse(date(r))),
        }
    }
}

/// Keeps the newest revision per namespace/name.
fn latest_per_release(rels: Vec<Release>) -> Vec<Release> {
    let mut latest: BTreeMap<(String, String), Release> = BTreeMap::new();
    for r in rels {
        let key = (r.namespace.clone(), r.name.clone());
        match latest.get(&key) {
            Some(l) if l.version > r.version => {}
            _ => {
                latest.insert(key, r);
            }
        }
    }
    latest.into_values().collect()
}
