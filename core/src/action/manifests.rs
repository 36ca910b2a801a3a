//! Splitting a stored release manifest back into documents and ordering
//! them for deletion (Helm's `SplitManifests` + `SortManifests` with
//! `UninstallOrder`), and the `resource-policy` filter of uninstall.

use serde_json::Value as Json;

use crate::kube::resource::string_map;
use crate::manifest::{KindOrder, sort_by_kind, split_manifests};

/// One document of a manifest with the fields Helm reads from its head.
#[derive(Clone, Debug)]
pub struct ManifestDoc {
    pub content: String,
    pub kind: String,
    pub name: String,
    pub annotations: std::collections::BTreeMap<String, String>,
}

/// Parses and sorts documents by `order` (Helm's kind order, owned by
/// [`crate::manifest::kind_order`]).
pub fn sort_for(manifest: &str, order: KindOrder) -> Result<Vec<ManifestDoc>, String> {
    let mut docs = Vec::new();
    for content in split_manifests(manifest) {
        let content = content.to_string();
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
    sort_by_kind(&mut docs, order, |d| &d.kind);
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
