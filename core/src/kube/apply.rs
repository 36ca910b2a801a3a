//! Helm's kube client operations over [`KubeClient`]: create a list of
//! objects, update the previous release's objects to the new ones (create
//! what is new, patch what changed, delete what is gone unless kept) and
//! delete a list, with Helm's error messages.

use serde_json::Value as Json;

use super::patch::{json_merge_diff, three_way_strategic, uses_strategic_merge};
use super::resource::{ResourceInfo, string_map};
use super::{KubeClient, KubeError, PatchKind};

/// Annotation that keeps an object when its release drops it.
pub const RESOURCE_POLICY_ANNO: &str = "helm.sh/resource-policy";
pub const KEEP_POLICY: &str = "keep";

/// What an update did.
#[derive(Debug, Default)]
pub struct UpdateResult {
    pub created: Vec<ResourceInfo>,
    pub updated: Vec<ResourceInfo>,
    pub deleted: Vec<ResourceInfo>,
}

/// Creates every object in order (Helm's `Create`).
pub fn create(client: &dyn KubeClient, resources: &[ResourceInfo]) -> Result<(), KubeError> {
    for r in resources {
        client.create(&r.resource, &r.namespace, &r.object)?;
    }
    Ok(())
}

/// Deletes every object, ignoring ones already gone (Helm's `Delete`).
/// Returns the errors of the deletes that failed.
pub fn delete(client: &dyn KubeClient, resources: &[ResourceInfo]) -> Vec<KubeError> {
    resources
        .iter()
        .filter_map(
            |r| match client.delete(&r.resource, &r.namespace, &r.name) {
                Err(e) if !e.is_not_found() => Some(e),
                _ => None,
            },
        )
        .collect()
}

/// Why an update failed; the partial result says what was created before.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UpdateError {
    pub message: String,
    pub result: UpdateResult,
}

/// The patch Helm would send to turn `live` into `target`, given the
/// previous manifest's object (`None` when the patch would be empty).
pub fn make_patch(
    original: &Json,
    target: &ResourceInfo,
    live: &Json,
) -> Option<(PatchKind, Json)> {
    let api_version = target
        .object
        .get("apiVersion")
        .and_then(Json::as_str)
        .unwrap_or("");
    let (kind, patch) = if uses_strategic_merge(api_version) {
        (
            PatchKind::Strategic,
            three_way_strategic(original, &target.object, live),
        )
    } else {
        (PatchKind::Merge, json_merge_diff(original, &target.object))
    };
    match &patch {
        Json::Object(m) if m.is_empty() => None,
        Json::Null => None,
        _ => Some((kind, patch)),
    }
}

/// Helm's `Update(original, target, force)`.
pub fn update(
    client: &dyn KubeClient,
    original: &[ResourceInfo],
    target: &[ResourceInfo],
    force: bool,
) -> Result<UpdateResult, UpdateError> {
    let mut res = UpdateResult::default();
    let mut update_errors = Vec::new();
    for info in target {
        let live = match info.get(client) {
            Ok(live) => live,
            Err(e) => {
                return Err(UpdateError {
                    message: format!("could not get information about the resource: {e}"),
                    result: res,
                });
            }
        };
        let Some(live) = live else {
            res.created.push(info.clone());
            if let Err(e) = client.create(&info.resource, &info.namespace, &info.object) {
                return Err(UpdateError {
                    message: format!("failed to create resource: {e}"),
                    result: res,
                });
            }
            continue;
        };
        let Some(orig) = original.iter().find(|o| o.same_object(info)) else {
            return Err(UpdateError {
                message: format!("no {} with the name {:?} found", info.kind(), info.name),
                result: res,
            });
        };
        let outcome = if force {
            client
                .replace(&info.resource, &info.namespace, &info.name, &info.object)
                .map(|_| ())
                .map_err(|e| format!("failed to replace object: {e}"))
        } else {
            match make_patch(&orig.object, info, &live) {
                None => Ok(()),
                Some((kind, patch)) => client
                    .patch(&info.resource, &info.namespace, &info.name, kind, &patch)
                    .map(|_| ())
                    .map_err(|e| {
                        format!(
                            "cannot patch {:?} with kind {}: {e}",
                            info.name,
                            info.kind()
                        )
                    }),
            }
        };
        if let Err(e) = outcome {
            update_errors.push(e);
        }
        res.updated.push(info.clone());
    }
    if !update_errors.is_empty() {
        return Err(UpdateError {
            message: update_errors.join(" && "),
            result: res,
        });
    }
    for info in original
        .iter()
        .filter(|o| !target.iter().any(|t| t.same_object(o)))
    {
        // The live object decides: a keep policy there protects it.
        let Ok(Some(live)) = info.get(client) else {
            continue;
        };
        let annos = string_map(&live, "/metadata/annotations");
        if annos.get(RESOURCE_POLICY_ANNO).map(String::as_str) == Some(KEEP_POLICY) {
            continue;
        }
        if client
            .delete(&info.resource, &info.namespace, &info.name)
            .is_err()
        {
            continue;
        }
        res.deleted.push(info.clone());
    }
    Ok(res)
}
