//! Splitting a stored release manifest back into documents and ordering
//! them for deletion (Helm's `SplitManifests` + `SortManifests` with
//! `UninstallOrder`), and the `resource-policy` filter of uninstall.

use regex::Regex;
use serde_json::Value as Json;

use crate::kube::resource::string_map;

/// Helm's `UninstallOrder`.
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

/// One document of a manifest with the fields Helm reads from its head.
#[derive(Clone, Debug)]
pub struct ManifestDoc {
    pub content: String,
    pub kind: String,
    pub name: String,
    pub annotations: std::collections::BTreeMap<String, String>,
}

/// Splits at `---` separators (Helm's `SplitManifests`), dropping empty documents.
pub fn split_manifests(manifest: &str) -> Vec<String> {
    let sep = Regex::new(r"(?:^|\s*\n)---\s*").ok();
    let parts: Vec<String> = match &sep {
        Some(re) => re.split(manifest).map(str::to_string).collect(),
        None => vec![manifest.to_string()],
    };
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn rank(kind: &str, order: &[&str]) -> Option<usize> {
    order.iter().position(|k| *k == kind)
}

/// Parses and sorts documents by `order` (stable; unknown kinds last,
/// alphabetically by kind).
pub fn sort_for(manifest: &str, order: &[&str]) -> Result<Vec<ManifestDoc>, String> {
    let mut docs = Vec::new();
    for content in split_manifests(manifest) {
        let head: Json = crate::kube::resource::parse_yaml_document(&content)?;
        docs.push(ManifestDoc {
            kind: head
                .get("kind")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            name: head
                .pointer("/metadata/name")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            annotations: string_map(&head, "/metadata/annotations"),
            content,
        });
    }
    docs.sort_by(|a, b| match (rank(&a.kind, order), rank(&b.kind, order)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.kind.cmp(&b.kind),
    });
    Ok(docs)
}

/// Splits documents into those a `helm.sh/resource-policy` keeps and those
/// to delete. As in Helm, a policy other than `keep` drops the document
/// from both lists (it is neither deleted nor reported).
pub fn filter_manifests_to_keep(docs: Vec<ManifestDoc>) -> (Vec<ManifestDoc>, Vec<ManifestDoc>) {
    let mut keep = Vec::new();
    let mut remaining = Vec::new();
    for d in docs {
        match d.annotations.get(crate::kube::apply::RESOURCE_POLICY_ANNO) {
            None => remaining.push(d),
            Some(p)
                if p.trim()
                    .eq_ignore_ascii_case(crate::kube::apply::KEEP_POLICY) =>
            {
                keep.push(d)
            }
            Some(_) => {}
        }
    }
    (keep, remaining)
}
