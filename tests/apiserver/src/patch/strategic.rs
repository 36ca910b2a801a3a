//! Kubernetes strategic merge patch applied to a live object: maps merge,
//! lists merge by their patch merge key (see `merge_keys`), and the
//! directives `$patch` (replace/delete/merge), `$retainKeys`,
//! `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` are honoured.

use super::merge_keys::{ListStrategy, list_strategy};
use serde_json::{Map, Value};

/// Applies `patch` to `original` (an object of `kind`).
pub fn apply(kind: &str, original: &Value, patch: &Value) -> Result<Value, String> {
    let mut out = original.clone();
    let Value::Object(p) = patch else {
        return Err("strategic merge patch must be a JSON object".into());
    };
    if !out.is_object() {
        out = Value::Object(Map::new());
    }
    let mut path = Vec::new();
    if let Value::Object(o) = &mut out
        && merge_map(kind, &mut path, o, p)? == Outcome::Delete
    {
        return Ok(Value::Object(Map::new()));
    }
    Ok(out)
}

#[derive(PartialEq)]
enum Outcome {
    Keep,
    Delete,
}

fn merge_map(
    kind: &str,
    path: &mut Vec<String>,
    orig: &mut Map<String, Value>,
    patch: &Map<String, Value>,
) -> Result<Outcome, String> {
    match patch.get("$patch").and_then(Value::as_str) {
        Some("delete") => return Ok(Outcome::Delete),
        Some("replace") => {
            orig.clear();
            let mut fresh = Map::new();
            let mut stripped = patch.clone();
            stripped.remove("$patch");
            merge_map(kind, path, &mut fresh, &stripped)?;
            *orig = fresh;
            return Ok(Outcome::Keep);
        }
        Some("merge") | None => {}
        Some(other) => return Err(format!("Unknown patch type: {other}")),
    }
    let mut orders: Vec<(String, Vec<Value>)> = Vec::new();
    for (k, pv) in patch {
        if k == "$patch" || k == "$retainKeys" {
            continue;
        }
        if let Some(field) = k.strip_prefix("$setElementOrder/") {
            orders.push((
                field.to_string(),
                pv.as_array().cloned().unwrap_or_default(),
            ));
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(del)) = (orig.get_mut(field), pv.as_array()) {
                list.retain(|x| !del.contains(x));
            }
            continue;
        }
        if pv.is_null() {
            orig.shift_remove(k);
            continue;
        }
        path.push(k.clone());
        match pv {
            Value::Object(pm) => {
                if let Some(Value::Object(child)) = orig.get_mut(k) {
                    if merge_map(kind, path, child, pm)? == Outcome::Delete {
                        orig.shift_remove(k);
                    }
                } else {
                    let mut child = Map::new();
                    if merge_map(kind, path, &mut child, pm)? == Outcome::Keep {
                        orig.insert(k.clone(), Value::Object(child));
                    }
                }
            }
            Value::Array(pl) => {
                let current = match orig.get(k) {
                    Some(Value::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                let merged = merge_list(kind, path, current, pl)?;
                orig.insert(k.clone(), Value::Array(merged));
            }
            scalar => {
                orig.insert(k.clone(), scalar.clone());
            }
        }
        path.pop();
    }
    if let Some(Value::Array(keep)) = patch.get("$retainKeys") {
        let keep: Vec<&str> = keep.iter().filter_map(Value::as_str).collect();
        orig.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (field, order) in orders {
        path.push(field.clone());
        let strategy = strategy_at(kind, path);
        path.pop();
        if let Some(Value::Array(list)) = orig.get_mut(&field) {
            reorder(list, &order, strategy);
        }
    }
    Ok(Outcome::Keep)
}

fn strategy_at(kind: &str, path: &[String]) -> ListStrategy {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    list_strategy(kind, &p)
}

fn key_of<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object().and_then(|m| m.get(key))
}

fn merge_list(
    kind: &str,
    path: &mut Vec<String>,
    mut orig: Vec<Value>,
    patch: &[Value],
) -> Result<Vec<Value>, String> {
    let strategy = strategy_at(kind, path);
    let is_replace_directive =
        |v: &Value| key_of(v, "$patch").and_then(Value::as_str) == Some("replace");
    match strategy {
        ListStrategy::Replace => Ok(strip_all(kind, path, patch)?),
        ListStrategy::MergeScalars => {
            if patch.iter().any(is_replace_directive) {
                return Ok(patch.iter().filter(|v| !v.is_object()).cloned().collect());
            }
            for v in patch {
                if !orig.contains(v) {
                    orig.push(v.clone());
                }
            }
            Ok(orig)
        }
        ListStrategy::MergeByKey(key) => {
            if patch.iter().any(is_replace_directive) {
                let rest: Vec<Value> = patch
                    .iter()
                    .filter(|v| !is_replace_directive(v))
                    .cloned()
                    .collect();
                return strip_all(kind, path, &rest);
            }
            for pv in patch {
                let Value::Object(pm) = pv else {
                    // Scalars in a keyed list: treat as a plain append.
                    orig.push(pv.clone());
                    continue;
                };
                let want = pm.get(key);
                let pos = want.and_then(|w| orig.iter().position(|o| key_of(o, key) == Some(w)));
                if pm.get("$patch").and_then(Value::as_str) == Some("delete") {
                    if let Some(w) = want {
                        orig.retain(|o| key_of(o, key) != Some(w));
                    }
                    continue;
                }
                match pos {
                    Some(i) => {
                        let mut m = match orig[i].take() {
                            Value::Object(m) => m,
                            _ => Map::new(),
                        };
                        if merge_map(kind, path, &mut m, pm)? == Outcome::Keep {
                            orig[i] = Value::Object(m);
                        } else {
                            orig.remove(i);
                        }
                    }
                    None => {
                        let mut m = Map::new();
                        if merge_map(kind, path, &mut m, pm)? == Outcome::Keep {
                            orig.push(Value::Object(m));
                        }
                    }
                }
            }
            Ok(orig)
        }
    }
}

/// A list taken whole from the patch, with directives removed from its maps.
fn strip_all(kind: &str, path: &mut Vec<String>, list: &[Value]) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for v in list {
        match v {
            Value::Object(pm) => {
                let mut m = Map::new();
                if merge_map(kind, path, &mut m, pm)? == Outcome::Keep {
                    out.push(Value::Object(m));
                }
            }
            other => out.push(other.clone()),
        }
    }
    Ok(out)
}

/// `$setElementOrder`: listed elements first in the given order, the rest after.
fn reorder(list: &mut Vec<Value>, order: &[Value], strategy: ListStrategy) {
    let ident = |v: &Value| -> Option<Value> {
        match strategy {
            ListStrategy::MergeByKey(k) => key_of(v, k).cloned(),
            _ => Some(v.clone()),
        }
    };
    let mut rest = std::mem::take(list);
    for o in order {
        let Some(id) = ident(o) else { continue };
        if let Some(i) = rest.iter().position(|v| ident(v).as_ref() == Some(&id)) {
            list.push(rest.remove(i));
        }
    }
    list.extend(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy(containers: Value) -> Value {
        json!({"kind": "Deployment", "spec": {"replicas": 1, "template": {"spec": {"containers": containers}}}})
    }

    #[test]
    fn containers_merge_by_name() {
        let live = deploy(json!([
            {"name": "a", "image": "a:1", "env": [{"name": "X", "value": "1"}]},
            {"name": "b", "image": "b:1"}
        ]));
        let patch = json!({"spec": {"replicas": 2, "template": {"spec": {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
            "containers": [{"name": "a", "image": "a:2", "env": [{"name": "Y", "value": "2"}]}]
        }}}});
        let out = apply("Deployment", &live, &patch);
        assert_eq!(
            out,
            Ok(deploy(json!([
                {"name": "b", "image": "b:1"},
                {"name": "a", "image": "a:2", "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}]}
            ]))
            .as_object()
            .map(|o| {
                let mut o = o.clone();
                o["spec"]["replicas"] = json!(2);
                Value::Object(o)
            })
            .unwrap_or_default())
        );
    }

    #[test]
    fn delete_and_replace_directives() {
        let live = deploy(json!([{"name": "a"}, {"name": "b"}]));
        let del = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}}});
        assert_eq!(
            apply("Deployment", &live, &del),
            Ok(deploy(json!([{"name": "b"}])))
        );
        let rep = json!({"spec": {"template": {"spec": {"containers": [{"$patch": "replace"}, {"name": "c"}]}}}});
        assert_eq!(
            apply("Deployment", &live, &rep),
            Ok(deploy(json!([{"name": "c"}])))
        );
        let null = json!({"spec": {"replicas": null}});
        assert_eq!(
            apply("Deployment", &live, &null),
            Ok(
                json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}}})
            )
        );
    }

    #[test]
    fn retain_keys_and_atomic_lists() {
        let live = json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}, "x": [1, 2]}});
        let patch =
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}, "x": [3]}});
        assert_eq!(
            apply("Deployment", &live, &patch),
            Ok(json!({"spec": {"strategy": {"type": "Recreate"}, "x": [3]}}))
        );
    }

    #[test]
    fn finalizers_are_a_set() {
        let live = json!({"metadata": {"finalizers": ["a"]}});
        let add = json!({"metadata": {"finalizers": ["b", "a"]}});
        assert_eq!(
            apply("ConfigMap", &live, &add),
            Ok(json!({"metadata": {"finalizers": ["a", "b"]}}))
        );
        let del = json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}});
        assert_eq!(
            apply("ConfigMap", &live, &del),
            Ok(json!({"metadata": {"finalizers": []}}))
        );
    }
}
