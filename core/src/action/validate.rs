//! Ownership metadata: the label and annotations Helm puts on every object
//! it applies (never in the stored manifest), and the check that refuses to
//! adopt objects owned by someone else.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::ActionError;
use crate::kube::resource::string_map;
use crate::kube::{KubeClient, ResourceInfo};

pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY_HELM: &str = "Helm";
pub const RELEASE_NAME_ANNOTATION: &str = "meta.helm.sh/release-name";
pub const RELEASE_NAMESPACE_ANNOTATION: &str = "meta.helm.sh/release-namespace";

fn require_value(meta: &BTreeMap<String, String>, k: &str, v: &str) -> Result<(), String> {
    match meta.get(k) {
        None => Err(format!("missing key {k:?}: must be set to {v:?}")),
        Some(actual) if actual != v => Err(format!(
            "key {k:?} must equal {v:?}: current value is {actual:?}"
        )),
        Some(_) => Ok(()),
    }
}

/// Helm's `checkOwnership` on a live object.
pub fn check_ownership(
    obj: &Json,
    release_name: &str,
    release_namespace: &str,
) -> Result<(), String> {
    let labels = string_map(obj, "/metadata/labels");
    let annos = string_map(obj, "/metadata/annotations");
    let mut errs = Vec::new();
    if let Err(e) = require_value(&labels, MANAGED_BY_LABEL, MANAGED_BY_HELM) {
        errs.push(format!("label validation error: {e}"));
    }
    if let Err(e) = require_value(&annos, RELEASE_NAME_ANNOTATION, release_name) {
        errs.push(format!("annotation validation error: {e}"));
    }
    if let Err(e) = require_value(&annos, RELEASE_NAMESPACE_ANNOTATION, release_namespace) {
        errs.push(format!("annotation validation error: {e}"));
    }
    if errs.is_empty() {
        return Ok(());
    }
    let mut msg = "invalid ownership metadata".to_string();
    for e in errs {
        msg.push_str("; ");
        msg.push_str(&e);
    }
    Err(msg)
}

fn merge_string_map(obj: &mut Json, field: &str, entries: &[(&str, &str)]) {
    let Some(meta) = obj.as_object_mut().map(|o| {
        o.entry("metadata")
            .or_insert_with(|| Json::Object(Default::default()))
    }) else {
        return;
    };
    if !meta.is_object() {
        *meta = Json::Object(Default::default());
    }
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let map = meta
        .entry(field)
        .or_insert_with(|| Json::Object(Default::default()));
    if !map.is_object() {
        *map = Json::Object(Default::default());
    }
    if let Some(map) = map.as_object_mut() {
        for (k, v) in entries {
            map.insert((*k).to_string(), Json::String((*v).to_string()));
        }
    }
}

/// Adds the ownership label and annotations (Helm's `setMetadataVisitor`).
pub fn set_ownership_metadata(
    resources: &mut [ResourceInfo],
    release_name: &str,
    release_namespace: &str,
) {
    for r in resources {
        merge_string_map(
            &mut r.object,
            "labels",
            &[(MANAGED_BY_LABEL, MANAGED_BY_HELM)],
        );
        merge_string_map(
            &mut r.object,
            "annotations",
            &[
                (RELEASE_NAME_ANNOTATION, release_name),
                (RELEASE_NAMESPACE_ANNOTATION, release_namespace),
            ],
        );
    }
}

/// Objects of `resources` that already exist and belong to this release
/// (to be updated rather than created); an error names the first one that
/// exists and belongs to someone else.
pub fn existing_resource_conflict(
    client: &dyn KubeClient,
    resources: &[ResourceInfo],
    release_name: &str,
    release_namespace: &str,
) -> Result<Vec<ResourceInfo>, ActionError> {
    let mut adopt = Vec::new();
    for r in resources {
        let existing = r.get(client).map_err(|e| {
            ActionError::msg(format!(
                "could not get information about the resource {}: {e}",
                r.describe()
            ))
        })?;
        let Some(existing) = existing else { continue };
        if let Err(e) = check_ownership(&existing, release_name, release_namespace) {
            return Err(ActionError::msg(format!(
                "{} exists and cannot be imported into the current release: {e}",
                r.describe()
            )));
        }
        adopt.push(r.clone());
    }
    Ok(adopt)
}
