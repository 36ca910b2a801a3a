//! Field ownership: `metadata.managedFields` (FieldsV1) recorded on every
//! write, and server-side apply (`application/apply-patch+yaml`) with
//! conflicts between field managers and `force`.
//!
//! A field set is a set of paths; each path is a list of FieldsV1 keys
//! (`f:name`, `k:{"name":"web"}`, `v:"x"`, `.`) ending at an owned leaf.

use crate::objects::{self, Write, present};
use crate::patch::merge_keys::{ListStrategy, list_strategy};
use crate::resources::ResourceType;
use crate::status::ApiError;
use crate::store::Store;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

type Path = Vec<String>;
type FieldSet = BTreeSet<Path>;

/// Fields no manager owns (identity and server-set metadata).
fn stripped(path: &[String]) -> bool {
    match path {
        [a, ..] if a == "f:apiVersion" || a == "f:kind" => true,
        [m, f, ..] if m == "f:metadata" => matches!(
            f.as_str(),
            "f:name"
                | "f:namespace"
                | "f:uid"
                | "f:resourceVersion"
                | "f:generation"
                | "f:creationTimestamp"
                | "f:managedFields"
                | "f:selfLink"
                | "f:deletionTimestamp"
                | "f:deletionGracePeriodSeconds"
        ),
        _ => false,
    }
}

fn names_of(path: &[String]) -> Vec<&str> {
    path.iter().filter_map(|p| p.strip_prefix("f:")).collect()
}

fn strategy(kind: &str, builtin: bool, path: &[String]) -> ListStrategy {
    if !builtin {
        return ListStrategy::Replace;
    }
    list_strategy(kind, &names_of(path))
}

/// The leaf paths an object sets.
pub fn fields_of(kind: &str, builtin: bool, obj: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    let mut path = Path::new();
    walk(kind, builtin, obj, &mut path, &mut out);
    out.retain(|p| !stripped(p));
    out
}

fn walk(kind: &str, builtin: bool, v: &Value, path: &mut Path, out: &mut FieldSet) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                path.push(format!("f:{k}"));
                walk(kind, builtin, child, path, out);
                path.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => match strategy(kind, builtin, path) {
            ListStrategy::MergeByKey(key) => {
                for item in items {
                    let Some(kv) = item.get(key) else {
                        out.insert(path.clone());
                        return;
                    };
                    let mut km = Map::new();
                    km.insert(key.to_string(), kv.clone());
                    path.push(format!("k:{}", Value::Object(km)));
                    path.push(".".into());
                    out.insert(path.clone());
                    path.pop();
                    walk(kind, builtin, item, path, out);
                    path.pop();
                }
            }
            ListStrategy::MergeScalars => {
                for item in items {
                    path.push(format!("v:{item}"));
                    out.insert(path.clone());
                    path.pop();
                }
            }
            ListStrategy::Replace => {
                out.insert(path.clone());
            }
        },
        _ => {
            out.insert(path.clone());
        }
    }
}

/// The value at a path, if present.
fn get_at<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(v);
    };
    if first == "." {
        return Some(v);
    }
    let next = if let Some(f) = first.strip_prefix("f:") {
        v.as_object()?.get(f)?
    } else if let Some(k) = first.strip_prefix("k:") {
        let want: Map<String, Value> = serde_json::from_str(k).ok()?;
        v.as_array()?
            .iter()
            .find(|item| want.iter().all(|(wk, wv)| item.get(wk) == Some(wv)))?
    } else if let Some(val) = first.strip_prefix("v:") {
        let want: Value = serde_json::from_str(val).ok()?;
        v.as_array()?.iter().find(|item| **item == want)?
    } else {
        return None;
    };
    get_at(next, rest)
}

/// Whether two objects agree at a path; a list item's own entry (`.`)
/// only asks that both have the item.
fn same_value(a: &Value, b: &Value, path: &[String]) -> bool {
    if path.last().is_some_and(|l| l == ".") {
        return get_at(a, path).is_some() == get_at(b, path).is_some();
    }
    get_at(a, path) == get_at(b, path)
}

/// Removes the value at a path (a whole list item for `k:…/.` and `v:…`).
fn remove_at(v: &mut Value, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let item_itself = rest.len() == 1 && rest[0] == ".";
    if let Some(f) = first.strip_prefix("f:") {
        let Some(m) = v.as_object_mut() else { return };
        if rest.is_empty() {
            m.shift_remove(f);
        } else if let Some(child) = m.get_mut(f) {
            remove_at(child, rest);
        }
    } else if let Some(k) = first.strip_prefix("k:") {
        let Ok(want) = serde_json::from_str::<Map<String, Value>>(k) else {
            return;
        };
        let Some(items) = v.as_array_mut() else {
            return;
        };
        let matches = |item: &Value| want.iter().all(|(wk, wv)| item.get(wk) == Some(wv));
        if item_itself {
            items.retain(|i| !matches(i));
        } else if let Some(item) = items.iter_mut().find(|i| matches(i)) {
            remove_at(item, rest);
        }
    } else if let Some(val) = first.strip_prefix("v:") {
        let Ok(want) = serde_json::from_str::<Value>(val) else {
            return;
        };
        if let Some(items) = v.as_array_mut() {
            items.retain(|i| *i != want);
        }
    }
}

/// FieldsV1 JSON of a field set.
fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut cur = &mut root;
        for seg in path {
            let entry = cur
                .entry(seg.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(m) = entry else { break };
            cur = m;
        }
    }
    Value::Object(root)
}

fn from_fields_v1(v: &Value) -> FieldSet {
    fn rec(v: &Value, path: &mut Path, out: &mut FieldSet) {
        match v.as_object() {
            Some(m) if !m.is_empty() => {
                for (k, child) in m {
                    path.push(k.clone());
                    rec(child, path, out);
                    path.pop();
                }
            }
            _ => {
                if !path.is_empty() {
                    out.insert(path.clone());
                }
            }
        }
    }
    let mut out = FieldSet::new();
    rec(v, &mut Path::new(), &mut out);
    out
}

/// `.spec.template.spec.containers[name="web"].image`, as Kubernetes prints paths.
fn print_path(path: &[String]) -> String {
    let mut s = String::new();
    for seg in path {
        if let Some(f) = seg.strip_prefix("f:") {
            s.push('.');
            s.push_str(f);
        } else if let Some(k) = seg.strip_prefix("k:") {
            let parts: Vec<String> = serde_json::from_str::<Map<String, Value>>(k)
                .map(|m| m.iter().map(|(a, b)| format!("{a}={b}")).collect())
                .unwrap_or_default();
            s.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(v) = seg.strip_prefix("v:") {
            s.push_str(&format!("[={v}]"));
        }
    }
    s
}

struct Entry {
    raw: Map<String, Value>,
    fields: FieldSet,
}

impl Entry {
    fn manager(&self) -> &str {
        self.raw
            .get("manager")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
    fn operation(&self) -> &str {
        self.raw
            .get("operation")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
    fn subresource(&self) -> &str {
        self.raw
            .get("subresource")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
    /// `"helm" using apps/v1` for updaters, `"kubectl"` for appliers.
    fn describe(&self) -> String {
        let mut s = format!("{:?}", self.manager());
        if !self.subresource().is_empty() {
            s.push_str(&format!(" with subresource {:?}", self.subresource()));
        }
        if self.operation() == "Update" {
            let v = self
                .raw
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or_default();
            s.push_str(&format!(" using {v}"));
        }
        s
    }
}

fn entries_of(obj: &Value) -> Vec<Entry> {
    obj["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let raw = e.as_object()?.clone();
            let fields = from_fields_v1(raw.get("fieldsV1").unwrap_or(&Value::Null));
            Some(Entry { raw, fields })
        })
        .collect()
}

fn store_entries(obj: &mut Value, entries: Vec<Entry>) {
    let list: Vec<Value> = entries
        .into_iter()
        .filter(|e| !e.fields.is_empty())
        .map(|mut e| {
            e.raw.insert("fieldsType".into(), json!("FieldsV1"));
            e.raw.insert("fieldsV1".into(), to_fields_v1(&e.fields));
            Value::Object(e.raw)
        })
        .collect();
    if list.is_empty() {
        if let Some(m) = obj["metadata"].as_object_mut() {
            m.shift_remove("managedFields");
        }
    } else {
        obj["metadata"]["managedFields"] = Value::Array(list);
    }
}

fn entry_for(
    entries: &mut Vec<Entry>,
    manager: &str,
    operation: &str,
    api_version: &str,
    subresource: Option<&str>,
) -> usize {
    let sub = subresource.unwrap_or_default();
    if let Some(i) = entries.iter().position(|e| {
        e.manager() == manager
            && e.operation() == operation
            && e.subresource() == sub
            && (operation == "Apply"
                || e.raw.get("apiVersion").and_then(Value::as_str) == Some(api_version))
    }) {
        return i;
    }
    let mut raw = Map::new();
    raw.insert("manager".into(), json!(manager));
    raw.insert("operation".into(), json!(operation));
    raw.insert("apiVersion".into(), json!(api_version));
    entries.push(Entry {
        raw,
        fields: FieldSet::new(),
    });
    entries.len() - 1
}

fn status_path(p: &Path) -> bool {
    p.first().is_some_and(|f| f == "f:status")
}

/// Records an Update by `manager`: it takes the fields it changed.
pub fn record_update(
    rt: &ResourceType,
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    subresource: Option<&str>,
) {
    if manager.is_empty() {
        return;
    }
    let new_fields = fields_of(&rt.kind, rt.builtin, new);
    let changed: FieldSet = new_fields
        .iter()
        .filter(|p| old.is_none_or(|o| get_at(o, p) != get_at(new, p)))
        .filter(|p| (subresource == Some("status")) == status_path(p) || !rt.has_status())
        .cloned()
        .collect();
    let mut entries = entries_of(new);
    for e in &mut entries {
        e.fields
            .retain(|p| new_fields.contains(p) && !changed.contains(p));
    }
    if !changed.is_empty() {
        let i = entry_for(
            &mut entries,
            manager,
            "Update",
            &rt.api_version(),
            subresource,
        );
        entries[i].fields.extend(changed);
        entries[i]
            .raw
            .insert("time".into(), json!(crate::clock::now_rfc3339()));
        if let Some(s) = subresource {
            entries[i].raw.insert("subresource".into(), json!(s));
        }
    }
    store_entries(new, entries);
}

/// Merges an applied configuration into the live object: maps merge, keyed
/// lists merge by key, other lists and scalars are replaced.
fn merge_config(kind: &str, builtin: bool, path: &mut Path, live: &mut Value, config: &Value) {
    match (live, config) {
        (Value::Object(l), Value::Object(c)) => {
            for (k, cv) in c {
                path.push(format!("f:{k}"));
                if cv.is_null() {
                    l.shift_remove(k);
                } else if let Some(lv) = l.get_mut(k) {
                    merge_config(kind, builtin, path, lv, cv);
                } else {
                    l.insert(k.clone(), cv.clone());
                }
                path.pop();
            }
        }
        (Value::Array(l), Value::Array(c)) => match strategy(kind, builtin, path) {
            ListStrategy::MergeByKey(key) => {
                for item in c {
                    match l
                        .iter_mut()
                        .find(|x| item.get(key).is_some() && x.get(key) == item.get(key))
                    {
                        Some(existing) => merge_config(kind, builtin, path, existing, item),
                        None => l.push(item.clone()),
                    }
                }
            }
            ListStrategy::MergeScalars => {
                for item in c {
                    if !l.contains(item) {
                        l.push(item.clone());
                    }
                }
            }
            ListStrategy::Replace => *l = c.clone(),
        },
        (live, config) => *live = config.clone(),
    }
}

fn conflict_error(conflicts: &[(String, Path)]) -> ApiError {
    let n = conflicts.len();
    let text = if n == 1 {
        format!(
            "conflict with {}: {}",
            conflicts[0].0,
            print_path(&conflicts[0].1)
        )
    } else {
        let mut managers: Vec<&String> = conflicts.iter().map(|c| &c.0).collect();
        managers.sort();
        managers.dedup();
        let mut lines = Vec::new();
        for m in managers {
            lines.push(format!("conflicts with {m}:"));
            for (cm, p) in conflicts {
                if cm == m {
                    lines.push(format!("- {}", print_path(p)));
                }
            }
        }
        lines.join("\n")
    };
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(m, p)| json!({"reason": "FieldManagerConflict", "message": format!("conflict with {m}"), "field": print_path(p)}))
        .collect();
    let mut e = ApiError::new(
        409,
        "Conflict",
        format!(
            "Apply failed with {n} conflict{}: {text}",
            if n == 1 { "" } else { "s" }
        ),
    );
    e.details = Some(json!({"causes": causes}));
    e
}

/// Server-side apply of `config` by `w.manager`.
pub fn server_side_apply(
    store: &mut Store,
    w: &Write,
    name: &str,
    current: Option<Value>,
    body: &Value,
    force: bool,
) -> Result<Value, ApiError> {
    let rt = w.rt;
    if w.manager.is_empty() {
        return Err(ApiError::bad_request(
            "PATCH requests of type apply must have a fieldManager",
        ));
    }
    let config = body;
    if !config.is_object() {
        return Err(ApiError::bad_request(
            "the body of an apply request must be an object",
        ));
    }
    let (cv, ck) = (config["apiVersion"].as_str(), config["kind"].as_str());
    if cv.is_none() || ck.is_none() {
        return Err(ApiError::bad_request(
            "apiVersion and kind must be set in an applied configuration",
        ));
    }
    if let Some(n) = config["metadata"]["name"].as_str()
        && n != name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({n}) does not match the name on the URL ({name})"
        )));
    }
    let applied = fields_of(&rt.kind, rt.builtin, config);
    let Some(live) = current else {
        let mut obj = config.clone();
        obj["metadata"]["name"] = json!(name);
        if let Some(m) = obj["metadata"].as_object_mut() {
            m.shift_remove("managedFields");
        }
        let create_w = Write {
            rt,
            namespace: w.namespace,
            manager: "",
            dry_run: true,
            subresource: w.subresource,
        };
        let mut created = objects::create(store, &create_w, obj)?;
        let mut entries = Vec::new();
        let i = entry_for(
            &mut entries,
            w.manager,
            "Apply",
            &rt.api_version(),
            w.subresource,
        );
        entries[i].fields = applied;
        entries[i]
            .raw
            .insert("time".into(), json!(crate::clock::now_rfc3339()));
        store_entries(&mut created, entries);
        if w.dry_run {
            return Ok(created);
        }
        let key = crate::store::ObjKey::new(&rt.group, &rt.plural, w.namespace, name);
        return Ok(store.put(key, created));
    };
    let live = present(rt, &live);
    let mut entries = entries_of(&live);
    let mut conflicts = Vec::new();
    for e in &entries {
        if e.manager() == w.manager && e.operation() == "Apply" {
            continue;
        }
        for p in applied.intersection(&e.fields) {
            if !same_value(&live, config, p) {
                conflicts.push((e.describe(), p.clone()));
            }
        }
    }
    if !conflicts.is_empty() && !force {
        return Err(conflict_error(&conflicts));
    }
    if force {
        for e in &mut entries {
            if e.manager() == w.manager && e.operation() == "Apply" {
                continue;
            }
            e.fields
                .retain(|p| !applied.contains(p) || same_value(&live, config, p));
        }
    }
    let mine = entries
        .iter()
        .position(|e| e.manager() == w.manager && e.operation() == "Apply");
    let previously: FieldSet = mine.map(|i| entries[i].fields.clone()).unwrap_or_default();
    let mut new = live.clone();
    for p in previously.difference(&applied) {
        let others_own = entries.iter().any(|e| {
            !(e.manager() == w.manager && e.operation() == "Apply") && e.fields.contains(p)
        });
        if !others_own {
            remove_at(&mut new, p);
        }
    }
    let mut cfg = config.clone();
    if let Some(m) = cfg["metadata"].as_object_mut() {
        for k in [
            "managedFields",
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "generation",
        ] {
            m.shift_remove(k);
        }
    }
    merge_config(&rt.kind, rt.builtin, &mut Path::new(), &mut new, &cfg);
    let i = entry_for(
        &mut entries,
        w.manager,
        "Apply",
        &rt.api_version(),
        w.subresource,
    );
    entries[i].fields = applied;
    entries[i]
        .raw
        .insert("time".into(), json!(crate::clock::now_rfc3339()));
    store_entries(&mut new, entries);
    let update_w = Write {
        rt,
        namespace: w.namespace,
        manager: "",
        dry_run: w.dry_run,
        subresource: w.subresource,
    };
    if let Some(m) = new["metadata"].as_object_mut() {
        m.shift_remove("resourceVersion");
    }
    objects::update(store, &update_w, name, new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_a_deployment() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "labels": {"a": "1"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "web", "image": "i"}]}}}});
        let f = fields_of("Deployment", true, &d);
        let printed: Vec<String> = f.iter().map(|p| print_path(p)).collect();
        assert!(
            printed.contains(&".spec.replicas".to_string()),
            "{printed:?}"
        );
        assert!(
            printed.contains(&".spec.template.spec.containers[name=\"web\"].image".to_string()),
            "{printed:?}"
        );
        assert!(
            printed.contains(&".metadata.labels.a".to_string()),
            "{printed:?}"
        );
        assert!(!printed.contains(&".metadata.name".to_string()));
        let v1 = to_fields_v1(&f);
        assert_eq!(from_fields_v1(&v1), f);
        assert_eq!(
            v1["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"web\"}"]["."],
            json!({})
        );
    }
}
