//! Hooks as stored in a release: the manifest, its events, weight, delete
//! policies and the record of the last run. Parsing hook annotations
//! belongs to [`crate::manifest::hook`].

use super::time::Timestamp;

// Events and annotation parsing are owned by the manifest module; the
// release stores event names as text and only needs the enum to query them.
pub use crate::manifest::hook::HookEvent;

/// Helm's `HookDeletePolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HookDeletePolicy {
    HookSucceeded,
    HookFailed,
    BeforeHookCreation,
}

impl HookDeletePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            HookDeletePolicy::HookSucceeded => "hook-succeeded",
            HookDeletePolicy::HookFailed => "hook-failed",
            HookDeletePolicy::BeforeHookCreation => "before-hook-creation",
        }
    }

    pub fn parse(s: &str) -> Option<HookDeletePolicy> {
        [
            HookDeletePolicy::HookSucceeded,
            HookDeletePolicy::HookFailed,
            HookDeletePolicy::BeforeHookCreation,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// Helm's `HookPhase`; stored as text (an empty phase is possible).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HookPhase(pub String);

impl HookPhase {
    pub fn unknown() -> HookPhase {
        HookPhase("Unknown".into())
    }
    pub fn running() -> HookPhase {
        HookPhase("Running".into())
    }
    pub fn succeeded() -> HookPhase {
        HookPhase("Succeeded".into())
    }
    pub fn failed() -> HookPhase {
        HookPhase("Failed".into())
    }
}

/// `HookExecution`: when the hook last ran and how it ended.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct HookExecution {
    pub started_at: Timestamp,
    pub completed_at: Timestamp,
    pub phase: HookPhase,
}

/// A hook of a release.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Hook {
    pub name: String,
    pub kind: String,
    /// Template path, e.g. `mychart/templates/job.yaml`.
    pub path: String,
    pub manifest: String,
    /// Event names as stored (unknown ones survive a round trip).
    pub events: Vec<String>,
    pub last_run: HookExecution,
    pub weight: i64,
    /// Policy names as stored.
    pub delete_policies: Vec<String>,
    /// Newer Helm (3.13+) writes this; kept for round trips, omitted when empty.
    pub output_log_policies: Vec<String>,
}

impl Hook {
    pub fn has_event(&self, event: HookEvent) -> bool {
        self.events.iter().any(|e| e == event.as_str())
    }

    pub fn has_delete_policy(&self, policy: HookDeletePolicy) -> bool {
        self.delete_policies.iter().any(|p| p == policy.as_str())
    }
}
