//! The order in which Helm 3.10 installs and uninstalls resource kinds
//! (`releaseutil.InstallOrder` / `UninstallOrder`) and its stable sort.
//!
//! Known kinds sort by their position in the list; unknown kinds go after all
//! known ones, alphabetically by kind, keeping the original order within one
//! kind. Helm 3.10 does not know `PriorityClass` yet (added in 3.13); the
//! oracle confirms it sorts with the unknown kinds.

use std::cmp::Ordering;

/// Helm's install order.
pub const INSTALL_ORDER: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// Helm's uninstall order: the reverse of the install order, except that
/// `Service` moves up right after `IngressClass`.
pub const UNINSTALL_ORDER: &[&str] = &[
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
];

/// Which of the two orders to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindOrder {
    Install,
    Uninstall,
}

impl KindOrder {
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            KindOrder::Install => INSTALL_ORDER,
            KindOrder::Uninstall => UNINSTALL_ORDER,
        }
    }

    fn rank(self, kind: &str) -> Option<usize> {
        self.kinds().iter().position(|k| *k == kind)
    }

    /// Helm's `lessByKind` as a total order on kinds.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match (self.rank(a), self.rank(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            // Go compares strings bytewise, as `str::cmp` does.
            (None, None) => a.cmp(b),
        }
    }
}

/// Stable-sorts items by kind in the given order.
pub fn sort_by_kind<T>(items: &mut [T], order: KindOrder, kind: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| order.compare(kind(a), kind(b)));
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn install_order_matches_the_oracle() {
        // Order printed by `helm template` (3.10.1) for one file holding every
        // kind in shuffled order plus `Zebra`, `Alpha` and `PriorityClass`.
        let mut kinds: Vec<&str> = INSTALL_ORDER.iter().rev().copied().collect();
        kinds.extend(["Zebra", "PriorityClass", "Alpha"]);
        sort_by_kind(&mut kinds, KindOrder::Install, |k| k);
        let mut expected: Vec<&str> = INSTALL_ORDER.to_vec();
        expected.extend(["Alpha", "PriorityClass", "Zebra"]);
        assert_eq!(kinds, expected);
    }

    #[test]
    fn stable_within_a_kind_and_uninstall_moves_service() {
        let mut items = vec![("Pod", 1), ("X", 2), ("Pod", 3), ("", 4), ("Service", 5)];
        sort_by_kind(&mut items, KindOrder::Install, |i| i.0);
        assert_eq!(
            items,
            vec![("Service", 5), ("Pod", 1), ("Pod", 3), ("", 4), ("X", 2)]
        );
        let mut u = vec!["Namespace", "Deployment", "Service", "Ingress"];
        sort_by_kind(&mut u, KindOrder::Uninstall, |k| k);
        assert_eq!(u, vec!["Ingress", "Service", "Deployment", "Namespace"]);
    }
}
