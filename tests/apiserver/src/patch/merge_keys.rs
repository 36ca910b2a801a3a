//! Patch strategies of built-in kinds' lists, from the Kubernetes API types'
//! `patchStrategy`/`patchMergeKey` tags (the ones charts and Helm touch).
//! Lists not named here are atomic: a patch replaces them.

/// How a list field merges under a strategic merge patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStrategy {
    /// The patch's list replaces the live one.
    Replace,
    /// Elements are objects matched by this key.
    MergeByKey(&'static str),
    /// A set of scalars: the patch's values are added.
    MergeScalars,
}

/// Where a PodSpec starts inside objects of each workload kind.
fn pod_spec_prefix(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "PodTemplate" => &["template", "spec"],
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "Job"
        | "ReplicationController" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

fn pod_spec_list(rest: &[&str]) -> ListStrategy {
    use ListStrategy::*;
    match rest {
        [c] if CONTAINER_LISTS.contains(c) => MergeByKey("name"),
        ["volumes"] | ["imagePullSecrets"] | ["resourceClaims"] | ["schedulingGates"] => {
            MergeByKey("name")
        }
        ["hostAliases"] => MergeByKey("ip"),
        ["topologySpreadConstraints"] => MergeByKey("topologyKey"),
        [c, "ports"] if CONTAINER_LISTS.contains(c) => MergeByKey("containerPort"),
        [c, "env"] if CONTAINER_LISTS.contains(c) => MergeByKey("name"),
        [c, "volumeMounts"] if CONTAINER_LISTS.contains(c) => MergeByKey("mountPath"),
        [c, "volumeDevices"] if CONTAINER_LISTS.contains(c) => MergeByKey("devicePath"),
        _ => Replace,
    }
}

/// The strategy of the list at `path` (field names from the object root,
/// list indices left out) in an object of `kind`.
pub fn list_strategy(kind: &str, path: &[&str]) -> ListStrategy {
    use ListStrategy::*;
    match path {
        ["metadata", "ownerReferences"] => return MergeByKey("uid"),
        ["metadata", "finalizers"] => return MergeScalars,
        ["status", "conditions"] => return MergeByKey("type"),
        _ => {}
    }
    if let Some(prefix) = pod_spec_prefix(kind)
        && path.len() > prefix.len()
        && path[..prefix.len()] == *prefix
    {
        return pod_spec_list(&path[prefix.len()..]);
    }
    match (kind, path) {
        ("Service", ["spec", "ports"]) => MergeByKey("port"),
        ("ServiceAccount", ["secrets"] | ["imagePullSecrets"]) => MergeByKey("name"),
        ("Node", ["spec", "taints"]) => MergeByKey("key"),
        _ => Replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_lists() {
        assert_eq!(
            list_strategy("Deployment", &["spec", "template", "spec", "containers"]),
            ListStrategy::MergeByKey("name")
        );
        assert_eq!(
            list_strategy(
                "Deployment",
                &["spec", "template", "spec", "containers", "ports"]
            ),
            ListStrategy::MergeByKey("containerPort")
        );
        assert_eq!(
            list_strategy("Service", &["spec", "ports"]),
            ListStrategy::MergeByKey("port")
        );
        assert_eq!(
            list_strategy(
                "CronJob",
                &["spec", "jobTemplate", "spec", "template", "spec", "volumes"]
            ),
            ListStrategy::MergeByKey("name")
        );
        assert_eq!(
            list_strategy("Deployment", &["spec", "template", "spec", "tolerations"]),
            ListStrategy::Replace
        );
    }
}
