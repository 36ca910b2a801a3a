//! What the API does to objects: create, update (PUT), patch, delete and
//! deletecollection, with names, uids, resourceVersions, generations,
//! namespaces, finalizers and cascading deletion as kube-apiserver does.

use crate::apply;
use crate::defaults;
use crate::patch::{json_patch, merge_patch, strategic};
use crate::resources::ResourceType;
use crate::status::{self, ApiError, Target};
use crate::store::{ObjKey, Store};
use serde_json::{Map, Value, json};

/// The request-level facts of one write.
pub struct Write<'a> {
    pub rt: &'a ResourceType,
    /// Empty for cluster-scoped resources.
    pub namespace: &'a str,
    pub manager: &'a str,
    pub dry_run: bool,
    /// `status` when writing the status subresource.
    pub subresource: Option<&'a str>,
}

impl Write<'_> {
    fn target<'b>(&'b self, name: &'b str) -> Target<'b> {
        Target {
            group: &self.rt.group,
            resource: &self.rt.plural,
            name,
        }
    }

    fn key(&self, name: &str) -> ObjKey {
        ObjKey::new(&self.rt.group, &self.rt.plural, self.namespace, name)
    }
}

/// The object as served for `rt`'s version: `apiVersion` and `kind` first.
pub fn present(rt: &ResourceType, obj: &Value) -> Value {
    let mut m = Map::new();
    m.insert("apiVersion".into(), json!(rt.api_version()));
    m.insert("kind".into(), json!(rt.kind));
    if let Value::Object(o) = obj {
        for (k, v) in o {
            if k != "apiVersion" && k != "kind" {
                m.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(m)
}

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

fn is_label(s: &str, first_alpha: bool) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && (if first_alpha {
            b[0].is_ascii_lowercase()
        } else {
            b[0] != b'-'
        })
        && b[b.len() - 1] != b'-'
}

fn name_problem(rt: &ResourceType, name: &str) -> Option<String> {
    let quoted = format!("Invalid value: \"{name}\": ");
    if rt.group.starts_with("rbac.") {
        if name == "." || name == ".." || name.contains('/') || name.contains('%') {
            return Some(format!("{quoted}may not contain '/' or '%'"));
        }
        return None;
    }
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Namespace") => {
            if name.len() > 63 {
                return Some(format!("{quoted}must be no more than 63 characters"));
            }
            (!is_label(name, false)).then(|| format!("{quoted}{LABEL_MSG}"))
        }
        ("", "Service") => {
            if name.len() > 63 {
                return Some(format!("{quoted}must be no more than 63 characters"));
            }
            (!is_label(name, true)).then(|| format!("{quoted}{DNS1035_MSG}"))
        }
        _ => {
            if name.len() > 253 {
                return Some(format!("{quoted}must be no more than 253 characters"));
            }
            (!name.split('.').all(|l| is_label(l, false)))
                .then(|| format!("{quoted}{SUBDOMAIN_MSG}"))
        }
    }
}

fn invalid(rt: &ResourceType, name: &str, field: &str, reason: &str, msg: String) -> ApiError {
    ApiError::invalid(
        &rt.kind,
        name,
        &rt.group,
        vec![(reason.to_string(), field.to_string(), msg)],
    )
}

/// Whether objects of this type carry `metadata.generation`.
fn has_generation(rt: &ResourceType, obj: &Value) -> bool {
    !rt.builtin || obj.get("spec").is_some() || rt.has_status()
}

/// The part of an object whose change bumps `generation`.
fn generation_part(rt: &ResourceType, obj: &Value) -> Value {
    if rt.builtin {
        obj.get("spec").cloned().unwrap_or(Value::Null)
    } else {
        let mut o = obj.clone();
        if let Some(m) = o.as_object_mut() {
            m.shift_remove("metadata");
            m.shift_remove("status");
            m.shift_remove("apiVersion");
            m.shift_remove("kind");
        }
        o
    }
}

pub fn get(
    store: &Store,
    rt: &ResourceType,
    namespace: &str,
    name: &str,
) -> Result<Value, ApiError> {
    let key = ObjKey::new(&rt.group, &rt.plural, namespace, name);
    store.get(&key).map(|o| present(rt, o)).ok_or_else(|| {
        ApiError::not_found(&Target {
            group: &rt.group,
            resource: &rt.plural,
            name,
        })
    })
}

fn namespace_exists(store: &Store, ns: &str) -> bool {
    store.get(&ObjKey::new("", "namespaces", "", ns)).is_some()
}

fn namespace_missing(ns: &str) -> ApiError {
    ApiError::not_found(&Target {
        group: "",
        resource: "namespaces",
        name: ns,
    })
}

pub fn create(store: &mut Store, w: &Write, mut obj: Value) -> Result<Value, ApiError> {
    let rt = w.rt;
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    if let Some(k) = obj["kind"].as_str()
        && k != rt.kind
    {
        return Err(ApiError::bad_request(format!(
            "the kind of the provided object ({k}) does not match the resource ({})",
            rt.plural
        )));
    }
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    if rt.namespaced {
        if let Some(ns) = obj["metadata"]["namespace"].as_str()
            && !ns.is_empty()
            && ns != w.namespace
        {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        obj["metadata"]["namespace"] = json!(w.namespace);
    } else if let Some(m) = obj["metadata"].as_object_mut() {
        m.shift_remove("namespace");
    }
    let mut name = obj["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if name.is_empty() {
        match obj["metadata"]["generateName"].as_str() {
            Some(prefix) if !prefix.is_empty() => {
                name = format!("{prefix}{}", crate::ids::suffix(5));
                obj["metadata"]["name"] = json!(name);
            }
            _ => {
                return Err(invalid(
                    rt,
                    "",
                    "metadata.name",
                    "FieldValueRequired",
                    "Required value: name or generateName is required".into(),
                ));
            }
        }
    }
    if let Some(problem) = name_problem(rt, &name) {
        return Err(invalid(
            rt,
            &name,
            "metadata.name",
            "FieldValueInvalid",
            problem,
        ));
    }
    if rt.namespaced && !namespace_exists(store, w.namespace) {
        return Err(namespace_missing(w.namespace));
    }
    let key = w.key(&name);
    if store.get(&key).is_some() {
        return Err(ApiError::already_exists(&w.target(&name)));
    }
    {
        let meta = &mut obj["metadata"];
        if let Some(m) = meta.as_object_mut() {
            for k in [
                "resourceVersion",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "selfLink",
            ] {
                m.shift_remove(k);
            }
        }
        meta["uid"] = json!(crate::ids::uuid());
        meta["creationTimestamp"] = json!(crate::clock::now_rfc3339());
    }
    if rt.has_status()
        && let Some(m) = obj.as_object_mut()
    {
        m.shift_remove("status");
    }
    if has_generation(rt, &obj) {
        obj["metadata"]["generation"] = json!(1);
    }
    defaults::on_create(rt, &mut obj, store);
    apply::record_update(rt, None, &mut obj, w.manager, w.subresource);
    let obj = present(rt, &obj);
    if w.dry_run {
        return Ok(obj);
    }
    let stored = store.put(key, obj);
    Ok(stored)
}

/// PUT: replaces the object (or its status) after the resourceVersion check.
pub fn update(store: &mut Store, w: &Write, name: &str, mut obj: Value) -> Result<Value, ApiError> {
    let rt = w.rt;
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    let key = w.key(name);
    let Some(old) = store.get(&key).cloned() else {
        return Err(ApiError::not_found(&w.target(name)));
    };
    if let Some(n) = obj["metadata"]["name"].as_str()
        && n != name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({n}) does not match the name on the URL ({name})"
        )));
    }
    if let Some(rv) = obj["metadata"]["resourceVersion"].as_str()
        && !rv.is_empty()
        && Some(rv) != old["metadata"]["resourceVersion"].as_str()
    {
        return Err(ApiError::conflict(&w.target(name)));
    }
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    let mut new = if w.subresource == Some("status") {
        let mut n = old.clone();
        n["status"] = obj.get("status").cloned().unwrap_or(Value::Null);
        n
    } else {
        let meta = &mut obj["metadata"];
        meta["name"] = json!(name);
        for k in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            match old["metadata"].get(k) {
                Some(v) => meta[k] = v.clone(),
                None => {
                    if let Some(m) = meta.as_object_mut() {
                        m.shift_remove(k);
                    }
                }
            }
        }
        if rt.namespaced {
            meta["namespace"] = json!(w.namespace);
        }
        if let Some(g) = old["metadata"].get("generation") {
            meta["generation"] = g.clone();
        }
        if rt.has_status() {
            match old.get("status") {
                Some(s) => obj["status"] = s.clone(),
                None => {
                    if let Some(m) = obj.as_object_mut() {
                        m.shift_remove("status");
                    }
                }
            }
        }
        if obj["metadata"].get("managedFields").is_none()
            && let Some(mf) = old["metadata"].get("managedFields")
        {
            obj["metadata"]["managedFields"] = mf.clone();
        }
        defaults::on_update(rt, &old, &mut obj, store);
        obj
    };
    if new["metadata"].get("generation").is_some()
        && generation_part(rt, &new) != generation_part(rt, &old)
    {
        let g = old["metadata"]["generation"].as_i64().unwrap_or(0) + 1;
        new["metadata"]["generation"] = json!(g);
    }
    apply::record_update(rt, Some(&old), &mut new, w.manager, w.subresource);
    let mut new = present(rt, &new);
    new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
    if without_volatile(&new) == without_volatile(&present(rt, &old)) {
        return Ok(present(rt, &old));
    }
    if w.dry_run {
        return Ok(new);
    }
    let finalizers_done = new["metadata"]["finalizers"]
        .as_array()
        .is_none_or(Vec::is_empty);
    if new["metadata"].get("deletionTimestamp").is_some() && finalizers_done {
        store.put(key.clone(), new);
        return finish_delete(store, w.rt, &key, "Background");
    }
    Ok(store.put(key, new))
}

/// The object without fields that change on every write (for no-op detection).
fn without_volatile(obj: &Value) -> Value {
    let mut o = obj.clone();
    if let Some(m) = o["metadata"].as_object_mut() {
        m.shift_remove("resourceVersion");
    }
    for e in o["metadata"]["managedFields"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        if let Some(m) = e.as_object_mut() {
            m.shift_remove("time");
        }
    }
    o
}

/// The patch content types the API accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
    Apply,
}

impl PatchType {
    pub fn from_content_type(ct: &str) -> Option<Self> {
        let base = ct.split(';').next().unwrap_or_default().trim();
        Some(match base {
            "application/json-patch+json" => PatchType::Json,
            "application/merge-patch+json" => PatchType::Merge,
            "application/strategic-merge-patch+json" => PatchType::Strategic,
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => PatchType::Apply,
            _ => return None,
        })
    }
}

pub fn patch(
    store: &mut Store,
    w: &Write,
    name: &str,
    ptype: PatchType,
    body: &Value,
    force: bool,
) -> Result<Value, ApiError> {
    let rt = w.rt;
    let key = w.key(name);
    let current = store.get(&key).cloned();
    if ptype == PatchType::Apply {
        return apply::server_side_apply(store, w, name, current, body, force);
    }
    let Some(current) = current else {
        return Err(ApiError::not_found(&w.target(name)));
    };
    let current = present(rt, &current);
    let patched = match ptype {
        PatchType::Merge => {
            let mut t = current.clone();
            merge_patch::apply(&mut t, body);
            t
        }
        PatchType::Json => {
            let mut t = current.clone();
            json_patch::apply(&mut t, body).map_err(|e| ApiError::new(422, "Invalid", e))?;
            t
        }
        PatchType::Strategic => {
            if !rt.builtin {
                return Err(ApiError::unsupported_media(
                    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                ));
            }
            strategic::apply(&rt.kind, &current, body)
                .map_err(|e| ApiError::new(422, "Invalid", e))?
        }
        PatchType::Apply => current.clone(),
    };
    update(store, w, name, patched)
}

/// Objects whose ownerReferences name `uid`.
fn dependents(store: &Store, uid: &str) -> Vec<ObjKey> {
    store
        .objects
        .iter()
        .filter(|(_, o)| {
            o["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|refs| refs.iter().any(|r| r["uid"] == uid))
        })
        .map(|(k, _)| k.clone())
        .collect()
}

pub fn delete(
    store: &mut Store,
    w: &Write,
    name: &str,
    opts: &Value,
    query_policy: Option<&str>,
) -> Result<Value, ApiError> {
    let key = w.key(name);
    let Some(old) = store.get(&key).cloned() else {
        return Err(ApiError::not_found(&w.target(name)));
    };
    let pre = &opts["preconditions"];
    if let Some(uid) = pre["uid"].as_str()
        && Some(uid) != old["metadata"]["uid"].as_str()
    {
        let mut e = ApiError::conflict(&w.target(name));
        e.message = format!(
            "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
            old["metadata"]["uid"].as_str().unwrap_or_default()
        );
        return Err(e);
    }
    if let Some(rv) = pre["resourceVersion"].as_str()
        && Some(rv) != old["metadata"]["resourceVersion"].as_str()
    {
        let mut e = ApiError::conflict(&w.target(name));
        e.message = format!(
            "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
            old["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or_default()
        );
        return Err(e);
    }
    if w.dry_run {
        return Ok(status::success(
            &w.target(name),
            old["metadata"]["uid"].as_str().unwrap_or_default(),
        ));
    }
    let policy = opts["propagationPolicy"]
        .as_str()
        .or(query_policy)
        .or_else(|| match opts["orphanDependents"].as_bool() {
            Some(true) => Some("Orphan"),
            _ => None,
        })
        .unwrap_or("Background")
        .to_string();
    if old["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|f| !f.is_empty())
    {
        // Kept until the finalizers are removed, as in Kubernetes.
        let mut o = old.clone();
        if o["metadata"].get("deletionTimestamp").is_none() {
            o["metadata"]["deletionTimestamp"] = json!(crate::clock::now_rfc3339());
            o["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            o = store.put(key, o);
        }
        return Ok(present(w.rt, &o));
    }
    finish_delete(store, w.rt, &key, &policy)
}

/// Removes the object, its dependents (unless orphaned) and, for a
/// Namespace, everything in it.
fn finish_delete(
    store: &mut Store,
    rt: &ResourceType,
    key: &ObjKey,
    policy: &str,
) -> Result<Value, ApiError> {
    let Some(old) = store.get(key).cloned() else {
        return Err(ApiError::not_found(&Target {
            group: &key.group,
            resource: &key.resource,
            name: &key.name,
        }));
    };
    let uid = old["metadata"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    cascade(store, &uid, policy);
    if key.group.is_empty() && key.resource == "namespaces" {
        let inside: Vec<ObjKey> = store
            .objects
            .keys()
            .filter(|k| k.namespace == key.name)
            .cloned()
            .collect();
        for k in inside {
            store.remove(&k);
        }
    }
    store.remove(key);
    Ok(status::success(
        &Target {
            group: &rt.group,
            resource: &rt.plural,
            name: &key.name,
        },
        &uid,
    ))
}

fn cascade(store: &mut Store, uid: &str, policy: &str) {
    for dep in dependents(store, uid) {
        if policy == "Orphan" {
            if let Some(mut o) = store.get(&dep).cloned() {
                if let Some(refs) = o["metadata"]["ownerReferences"].as_array_mut() {
                    refs.retain(|r| r["uid"] != uid);
                }
                store.put(dep, o);
            }
        } else if let Some(o) = store.get(&dep).cloned() {
            let dep_uid = o["metadata"]["uid"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            cascade(store, &dep_uid, policy);
            store.remove(&dep);
        }
    }
}
