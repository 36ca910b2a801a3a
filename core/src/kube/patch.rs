//! Patches Helm sends on upgrade, computed client-side:
//! - built-in kinds: a three-way strategic merge patch (original = previous
//!   manifest, modified = new manifest, current = live object), with lists
//!   merged by their Kubernetes patch merge key;
//! - custom resources: a two-way JSON merge patch (RFC 7386) old → new.
//!
//! Also applies both kinds of patch (the in-memory fake cluster uses this).

use serde_json::{Map, Value as Json};

/// API groups whose kinds are compiled into Kubernetes (strategic merge
/// patch applies to them); anything else is a custom resource.
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "node.k8s.io",
    "certificates.k8s.io",
    "admissionregistration.k8s.io",
    "apiregistration.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "resource.k8s.io",
];

/// Whether Helm would use a strategic merge patch for this `apiVersion`
/// (built-in types, and v1 CRDs; not v1beta1 CRDs, not custom resources).
pub fn uses_strategic_merge(api_version: &str) -> bool {
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    if group == "apiextensions.k8s.io" {
        return version == "v1";
    }
    BUILTIN_GROUPS.contains(&group)
}

/// The patch merge key of list `field` whose items look like `sample`, or
/// `None` for lists that are replaced as a whole.
fn merge_key(field: &str, sample: Option<&Json>) -> Option<&'static str> {
    let has = |k: &str| sample.and_then(|s| s.get(k)).is_some();
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        "topologySpreadConstraints" => Some("topologyKey"),
        "ports" => {
            if has("containerPort") {
                Some("containerPort")
            } else if has("port") {
                Some("port")
            } else {
                None
            }
        }
        _ => None,
    }
}

fn key_of<'a>(item: &'a Json, key: &str) -> Option<&'a Json> {
    item.get(key)
}

/// Three-way strategic merge patch (Kubernetes' `CreateThreeWayMergePatch`
/// with overwrite): changes that make `current` match `modified`, plus
/// deletions of what `original` had and `modified` dropped.
pub fn three_way_strategic(original: &Json, modified: &Json, current: &Json) -> Json {
    let mut patch = Map::new();
    if let (Some(m), Some(c)) = (modified.as_object(), current.as_object()) {
        diff_additions(m, c, &mut patch);
    } else if modified != current {
        return modified.clone();
    }
    if let (Some(o), Some(m)) = (original.as_object(), modified.as_object()) {
        let mut deletions = Map::new();
        diff_deletions(o, m, &mut deletions);
        merge_into(&mut patch, deletions);
    }
    Json::Object(patch)
}

/// Fields of `modified` that `current` lacks or has differently.
fn diff_additions(
    modified: &Map<String, Json>,
    current: &Map<String, Json>,
    out: &mut Map<String, Json>,
) {
    for (k, mv) in modified {
        match current.get(k) {
            None => {
                out.insert(k.clone(), mv.clone());
            }
            Some(cv) if cv == mv => {}
            Some(cv) => match (mv, cv) {
                (Json::Object(mo), Json::Object(co)) => {
                    let mut sub = Map::new();
                    diff_additions(mo, co, &mut sub);
                    if !sub.is_empty() {
                        out.insert(k.clone(), Json::Object(sub));
                    }
                }
                (Json::Array(ml), Json::Array(cl)) => {
                    if let Some(key) = merge_key(k, ml.first().or(cl.first())) {
                        let items = diff_keyed_list(ml, cl, key);
                        // Kubernetes sends the wanted order along with any
                        // change, or alone when only the order changed.
                        if !items.is_empty() || !same_key_order(ml, cl, key) {
                            out.insert(set_element_order(k), element_order(ml, key));
                        }
                        if !items.is_empty() {
                            out.insert(k.clone(), Json::Array(items));
                        }
                    } else {
                        out.insert(k.clone(), mv.clone());
                    }
                }
                _ => {
                    out.insert(k.clone(), mv.clone());
                }
            },
        }
    }
}

fn diff_keyed_list(modified: &[Json], current: &[Json], key: &str) -> Vec<Json> {
    let mut items = Vec::new();
    for m in modified {
        let Some(mk) = key_of(m, key) else {
            items.push(m.clone());
            continue;
        };
        match current.iter().find(|c| key_of(c, key) == Some(mk)) {
            None => items.push(m.clone()),
            Some(c) if c == m => {}
            Some(c) => match (m.as_object(), c.as_object()) {
                (Some(mo), Some(co)) => {
                    let mut sub = Map::new();
                    diff_additions(mo, co, &mut sub);
                    if !sub.is_empty() {
                        sub.insert(key.to_string(), mk.clone());
                        items.push(Json::Object(sub));
                    }
                }
                _ => items.push(m.clone()),
            },
        }
    }
    items
}

/// Fields `original` had that `modified` no longer has (as `null`, or
/// `$patch: delete` items for keyed lists).
fn diff_deletions(
    original: &Map<String, Json>,
    modified: &Map<String, Json>,
    out: &mut Map<String, Json>,
) {
    for (k, ov) in original {
        match modified.get(k) {
            None => {
                out.insert(k.clone(), Json::Null);
            }
            Some(mv) => match (ov, mv) {
                (Json::Object(oo), Json::Object(mo)) => {
                    let mut sub = Map::new();
                    diff_deletions(oo, mo, &mut sub);
                    if !sub.is_empty() {
                        out.insert(k.clone(), Json::Object(sub));
                    }
                }
                (Json::Array(ol), Json::Array(ml)) => {
                    let Some(key) = merge_key(k, ol.first().or(ml.first())) else {
                        continue;
                    };
                    let mut items = Vec::new();
                    for o in ol {
                        let Some(ok) = key_of(o, key) else { continue };
                        match ml.iter().find(|m| key_of(m, key) == Some(ok)) {
                            None => {
                                let mut del = Map::new();
                                del.insert(key.to_string(), ok.clone());
                                del.insert("$patch".into(), Json::String("delete".into()));
                                items.push(Json::Object(del));
                            }
                            Some(m) => {
                                if let (Some(oo), Some(mo)) = (o.as_object(), m.as_object()) {
                                    let mut sub = Map::new();
                                    diff_deletions(oo, mo, &mut sub);
                                    if !sub.is_empty() {
                                        sub.insert(key.to_string(), ok.clone());
                                        items.push(Json::Object(sub));
                                    }
                                }
                            }
                        }
                    }
                    if !items.is_empty() {
                        out.insert(set_element_order(k), element_order(ml, key));
                        out.insert(k.clone(), Json::Array(items));
                    }
                }
                _ => {}
            },
        }
    }
}

/// The `$setElementOrder/<field>` directive key.
fn set_element_order(field: &str) -> String {
    format!("$setElementOrder/{field}")
}

/// The merge keys of `list` in order, as `$setElementOrder` lists them.
fn element_order(list: &[Json], key: &str) -> Json {
    Json::Array(
        list.iter()
            .filter_map(|item| key_of(item, key))
            .map(|k| {
                let mut m = Map::new();
                m.insert(key.to_string(), k.clone());
                Json::Object(m)
            })
            .collect(),
    )
}

/// Same length and the same merge key at every position.
fn same_key_order(a: &[Json], b: &[Json], key: &str) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| key_of(x, key) == key_of(y, key))
}

/// Merges a deletions map into an additions patch (additions win on
/// scalar conflicts; keyed list items are combined).
fn merge_into(patch: &mut Map<String, Json>, deletions: Map<String, Json>) {
    for (k, dv) in deletions {
        match (patch.get_mut(&k), dv) {
            (None, dv) => {
                patch.insert(k, dv);
            }
            // Both passes computed the same order from `modified`.
            (Some(_), _) if k.starts_with("$setElementOrder/") => {}
            (Some(Json::Object(po)), Json::Object(d)) => merge_into(po, d),
            (Some(Json::Array(pl)), Json::Array(dl)) => pl.extend(dl),
            _ => {}
        }
    }
}

/// Two-way JSON merge patch (RFC 7386) turning `original` into `modified`.
pub fn json_merge_diff(original: &Json, modified: &Json) -> Json {
    match (original.as_object(), modified.as_object()) {
        (Some(o), Some(m)) => {
            let mut out = Map::new();
            for (k, ov) in o {
                if !m.contains_key(k) {
                    out.insert(k.clone(), Json::Null);
                } else if let Some(mv) = m.get(k)
                    && mv != ov
                {
                    if ov.is_object() && mv.is_object() {
                        out.insert(k.clone(), json_merge_diff(ov, mv));
                    } else {
                        out.insert(k.clone(), mv.clone());
                    }
                }
            }
            for (k, mv) in m {
                if !o.contains_key(k) {
                    out.insert(k.clone(), mv.clone());
                }
            }
            Json::Object(out)
        }
        _ => modified.clone(),
    }
}

/// Applies an RFC 7386 merge patch.
pub fn apply_merge_patch(target: &Json, patch: &Json) -> Json {
    let Some(p) = patch.as_object() else {
        return patch.clone();
    };
    let mut out = target.as_object().cloned().unwrap_or_default();
    for (k, pv) in p {
        if pv.is_null() {
            out.remove(k);
        } else {
            let merged = apply_merge_patch(out.get(k).unwrap_or(&Json::Null), pv);
            out.insert(k.clone(), merged);
        }
    }
    Json::Object(out)
}

/// Applies a strategic merge patch as the API server does for the subset of
/// directives [`three_way_strategic`] produces (`null` deletes a field,
/// keyed lists merge by key, `$patch: delete` removes an item).
pub fn apply_strategic_patch(target: &Json, patch: &Json) -> Json {
    let Some(p) = patch.as_object() else {
        return patch.clone();
    };
    let mut out = target.as_object().cloned().unwrap_or_default();
    for (k, pv) in p {
        if k.starts_with("$setElementOrder/") || k == "$retainKeys" {
            continue;
        }
        if pv.is_null() {
            out.remove(k);
            continue;
        }
        let current = out.get(k).cloned().unwrap_or(Json::Null);
        let merged = match (pv, &current) {
            (Json::Object(_), Json::Object(_)) => apply_strategic_patch(&current, pv),
            (Json::Array(pl), Json::Array(cl)) => {
                match merge_key(
                    k,
                    pl.iter().find(|i| i.get("$patch").is_none()).or(cl.first()),
                ) {
                    Some(key) => apply_keyed_list(cl, pl, key),
                    None => pv.clone(),
                }
            }
            (Json::Object(_), _) => apply_strategic_patch(&Json::Null, pv),
            _ => strip_directives(pv),
        };
        out.insert(k.clone(), merged);
    }
    Json::Object(out)
}

fn apply_keyed_list(current: &[Json], patch: &[Json], key: &str) -> Json {
    let mut items: Vec<Json> = current.to_vec();
    for p in patch {
        let pk = key_of(p, key).cloned();
        let pos = pk
            .as_ref()
            .and_then(|pk| items.iter().position(|c| key_of(c, key) == Some(pk)));
        let delete = p.get("$patch").and_then(Json::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                items.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => {
                let merged = apply_strategic_patch(&items[i], p);
                items[i] = merged;
            }
            (None, false) => items.push(strip_directives(p)),
        }
    }
    Json::Array(items)
}

fn strip_directives(v: &Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(strip_directives).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn three_way_changes_image_and_keeps_live_fields() {
        let original = json!({"spec": {"replicas": 1, "template": {"spec": {"containers": [
            {"name": "web", "image": "a:1", "ports": [{"containerPort": 80}]}
        ]}}}});
        let modified = json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [
            {"name": "web", "image": "a:2", "ports": [{"containerPort": 80}]}
        ]}}}});
        let current = json!({"spec": {"replicas": 1, "template": {"spec": {"containers": [
            {"name": "web", "image": "a:1", "terminationMessagePath": "/dev/x", "ports": [{"containerPort": 80, "protocol": "TCP"}]},
            {"name": "sidecar", "image": "s"}
        ]}}}});
        let patch = three_way_strategic(&original, &modified, &current);
        assert_eq!(
            patch,
            json!({"spec": {"replicas": 2, "template": {"spec": {
                "$setElementOrder/containers": [{"name": "web"}],
                "containers": [{"name": "web", "image": "a:2"}]
            }}}})
        );
        let applied = apply_strategic_patch(&current, &patch);
        assert_eq!(
            applied["spec"]["template"]["spec"]["containers"][0]["image"],
            "a:2"
        );
        assert_eq!(
            applied["spec"]["template"]["spec"]["containers"][0]["terminationMessagePath"],
            "/dev/x"
        );
        assert_eq!(
            applied["spec"]["template"]["spec"]["containers"][1]["name"],
            "sidecar"
        );
    }

    #[test]
    fn three_way_deletes_what_the_chart_dropped() {
        let original = json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"containers": [
            {"name": "x"}, {"name": "y"}]}});
        let modified =
            json!({"metadata": {"labels": {"a": "1"}}, "spec": {"containers": [{"name": "x"}]}});
        let current = original.clone();
        let patch = three_way_strategic(&original, &modified, &current);
        assert_eq!(
            patch,
            json!({"metadata": {"labels": {"b": null}}, "spec": {
                "$setElementOrder/containers": [{"name": "x"}],
                "containers": [{"name": "y", "$patch": "delete"}]}})
        );
        assert_eq!(apply_strategic_patch(&current, &patch), modified);
    }

    #[test]
    fn keyed_list_changes_carry_the_element_order() {
        // The shape Kubernetes' CreateThreeWayMergePatch gives (and kubectl
        // apply / Helm send): order directive plus the changed item only.
        let orig = json!({"spec": {"containers": [
            {"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}});
        let modified = json!({"spec": {"containers": [
            {"name": "a", "image": "a:2"}, {"name": "b", "image": "b:1"}]}});
        let live = json!({"spec": {"containers": [
            {"name": "a", "image": "a:1", "imagePullPolicy": "IfNotPresent"},
            {"name": "b", "image": "b:1", "imagePullPolicy": "IfNotPresent"}]}});
        assert_eq!(
            three_way_strategic(&orig, &modified, &live),
            json!({"spec": {
                "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
                "containers": [{"name": "a", "image": "a:2"}]}})
        );
        // Only the order changed: the directive alone.
        let swapped = json!({"spec": {"containers": [
            {"name": "b", "image": "b:1"}, {"name": "a", "image": "a:1"}]}});
        assert_eq!(
            three_way_strategic(&orig, &swapped, &live),
            json!({"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}]}})
        );
        // A removed item: delete directive, order of what remains.
        let dropped = json!({"spec": {"containers": [{"name": "a", "image": "a:1"}]}});
        assert_eq!(
            three_way_strategic(&orig, &dropped, &live),
            json!({"spec": {
                "$setElementOrder/containers": [{"name": "a"}],
                "containers": [{"name": "b", "$patch": "delete"}]}})
        );
    }

    #[test]
    fn unchanged_is_empty_patch() {
        let o = json!({"a": {"b": [1, 2]}});
        assert_eq!(three_way_strategic(&o, &o, &o), json!({}));
        assert_eq!(json_merge_diff(&o, &o), json!({}));
    }

    #[test]
    fn merge_patch_round_trip() {
        let o = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1]});
        let m = json!({"a": 1, "b": {"c": 5}, "e": [2], "f": "x"});
        let p = json_merge_diff(&o, &m);
        assert_eq!(p, json!({"b": {"c": 5, "d": null}, "e": [2], "f": "x"}));
        assert_eq!(apply_merge_patch(&o, &p), m);
    }

    #[test]
    fn strategic_only_for_builtin_kinds() {
        assert!(uses_strategic_merge("v1"));
        assert!(uses_strategic_merge("apps/v1"));
        assert!(uses_strategic_merge("apiextensions.k8s.io/v1"));
        assert!(!uses_strategic_merge("apiextensions.k8s.io/v1beta1"));
        assert!(!uses_strategic_merge("example.com/v1"));
    }
}
