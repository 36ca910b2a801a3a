//! Helm hooks as declared by annotations on rendered documents:
//! `helm.sh/hook` (events), `helm.sh/hook-weight` and
//! `helm.sh/hook-delete-policy`.

use std::fmt;

/// The annotation naming a document's hook events.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
/// The annotation giving a hook's weight (Go `strconv.Atoi`; invalid → 0).
pub const HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
/// The annotation listing a hook's delete policies.
pub const HOOK_DELETE_ANNOTATION: &str = "helm.sh/hook-delete-policy";

/// A lifecycle event a hook runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HookEvent {
    PreInstall,
    PostInstall,
    PreDelete,
    PostDelete,
    PreUpgrade,
    PostUpgrade,
    PreRollback,
    PostRollback,
    Test,
}

impl HookEvent {
    /// The annotation/serialised spelling (`pre-install`, `test`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::PreInstall => "pre-install",
            HookEvent::PostInstall => "post-install",
            HookEvent::PreDelete => "pre-delete",
            HookEvent::PostDelete => "post-delete",
            HookEvent::PreUpgrade => "pre-upgrade",
            HookEvent::PostUpgrade => "post-upgrade",
            HookEvent::PreRollback => "pre-rollback",
            HookEvent::PostRollback => "post-rollback",
            HookEvent::Test => "test",
        }
    }

    /// Parses one (already trimmed, lowercased) event name; `test-success` is
    /// Helm 2's spelling of `test`.
    pub fn parse(s: &str) -> Option<HookEvent> {
        Some(match s {
            "pre-install" => HookEvent::PreInstall,
            "post-install" => HookEvent::PostInstall,
            "pre-delete" => HookEvent::PreDelete,
            "post-delete" => HookEvent::PostDelete,
            "pre-upgrade" => HookEvent::PreUpgrade,
            "post-upgrade" => HookEvent::PostUpgrade,
            "pre-rollback" => HookEvent::PreRollback,
            "post-rollback" => HookEvent::PostRollback,
            "test" | "test-success" => HookEvent::Test,
            _ => return None,
        })
    }
}

impl fmt::Display for HookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rendered hook document.
#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    /// `metadata.name`.
    pub name: String,
    pub kind: String,
    /// Template path, e.g. `mychart/templates/tests/test-connection.yaml`.
    pub path: String,
    /// The document text (trimmed).
    pub manifest: String,
    pub events: Vec<HookEvent>,
    pub weight: i64,
    /// Lowercased, trimmed entries of `helm.sh/hook-delete-policy`, as
    /// written (Helm does not validate them here).
    pub delete_policies: Vec<String>,
}

impl Hook {
    pub fn is_test(&self) -> bool {
        self.events.contains(&HookEvent::Test)
    }
}

/// Go `strconv.Atoi` on a hook weight; anything invalid is 0, as in Helm.
pub fn parse_weight(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    s.parse::<i64>().unwrap_or(0)
}

/// Parses a `helm.sh/hook` value; `None` when one of the events is unknown
/// (Helm then skips the whole document).
pub fn parse_events(value: &str) -> Option<Vec<HookEvent>> {
    value
        .split(',')
        .map(|e| HookEvent::parse(&e.trim().to_lowercase()))
        .collect()
}

/// Splits a `helm.sh/hook-delete-policy` value.
pub fn parse_delete_policies(value: &str) -> Vec<String> {
    value.split(',').map(|p| p.trim().to_lowercase()).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn events_weights_policies() {
        assert_eq!(
            parse_events("pre-install, Post-Install"),
            Some(vec![HookEvent::PreInstall, HookEvent::PostInstall])
        );
        assert_eq!(parse_events("test-success"), Some(vec![HookEvent::Test]));
        assert!(parse_events("pre-install,bogus").is_none());
        assert_eq!(parse_weight("5"), 5);
        assert_eq!(parse_weight("-3"), -3);
        assert_eq!(parse_weight("+3"), 3);
        assert_eq!(parse_weight(" 3"), 0);
        assert_eq!(parse_weight("x"), 0);
        assert_eq!(
            parse_delete_policies("before-hook-creation, Hook-Succeeded"),
            vec!["before-hook-creation", "hook-succeeded"]
        );
    }
}
