//! Discovery documents: `/version`, `/api`, `/apis`, group-version resource
//! lists, and the minimal OpenAPI documents clients fetch.

use crate::resources::{Registry, ResourceType};
use serde_json::{Map, Value, json};

pub fn version(kube_version: &str) -> Value {
    let minor = kube_version
        .trim_start_matches('v')
        .split('.')
        .nth(1)
        .unwrap_or("32")
        .to_string();
    json!({
        "major": "1",
        "minor": minor,
        "gitVersion": kube_version,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2024-01-01T00:00:00Z",
        "goVersion": "go1.22.0",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

pub fn core_versions(addr: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": addr}]
    })
}

fn group_doc(name: &str, versions: &[String]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{name}/{v}"), "version": v}))
        .collect();
    let preferred = vs.first().cloned().unwrap_or(Value::Null);
    json!({"name": name, "versions": vs, "preferredVersion": preferred})
}

pub fn group_list(reg: &Registry) -> Value {
    let groups: Vec<Value> = reg
        .groups()
        .iter()
        .map(|(g, vs)| group_doc(g, vs))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn group(reg: &Registry, name: &str) -> Option<Value> {
    let (g, vs) = reg.groups().into_iter().find(|(g, _)| g == name)?;
    let mut doc = group_doc(&g, &vs);
    if let Some(o) = doc.as_object_mut() {
        let mut m = Map::new();
        m.insert("kind".into(), json!("APIGroup"));
        m.insert("apiVersion".into(), json!("v1"));
        m.extend(std::mem::take(o));
        return Some(Value::Object(m));
    }
    Some(doc)
}

fn sub_entry(t: &ResourceType, sub: &str) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(format!("{}/{}", t.plural, sub)));
    m.insert("singularName".into(), json!(""));
    m.insert("namespaced".into(), json!(t.namespaced));
    let (group, version, kind, verbs): (Option<&str>, Option<&str>, &str, &[&str]) = match sub {
        "scale" => (
            Some("autoscaling"),
            Some("v1"),
            "Scale",
            &["get", "patch", "update"],
        ),
        "log" => (None, None, "Pod", &["get"]),
        "eviction" => (Some("policy"), Some("v1"), "Eviction", &["create"]),
        "token" => (
            Some("authentication.k8s.io"),
            Some("v1"),
            "TokenRequest",
            &["create"],
        ),
        "finalize" => (None, None, &t.kind, &["update"]),
        _ => (None, None, &t.kind, &["get", "patch", "update"]),
    };
    if let Some(g) = group {
        m.insert("group".into(), json!(g));
    }
    if let Some(v) = version {
        m.insert("version".into(), json!(v));
    }
    m.insert("kind".into(), json!(kind));
    m.insert("verbs".into(), json!(verbs));
    Value::Object(m)
}

/// `APIResourceList` for `/api/v1` or `/apis/<group>/<version>`; `None` if unserved.
pub fn resource_list(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let mut resources = Vec::new();
    for t in reg.in_group_version(group, version) {
        let mut m = Map::new();
        m.insert("name".into(), json!(t.plural));
        m.insert("singularName".into(), json!(t.singular));
        m.insert("namespaced".into(), json!(t.namespaced));
        m.insert("kind".into(), json!(t.kind));
        m.insert("verbs".into(), json!(t.verbs));
        if !t.short_names.is_empty() {
            m.insert("shortNames".into(), json!(t.short_names));
        }
        if !t.categories.is_empty() {
            m.insert("categories".into(), json!(t.categories));
        }
        resources.push(Value::Object(m));
        for sub in &t.subresources {
            resources.push(sub_entry(t, sub));
        }
    }
    if resources.is_empty() {
        return None;
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
    )
}

/// The OpenAPI v2 document as JSON: no definitions, so clients skip
/// client-side schema validation (as they do for unknown kinds).
pub fn openapi_v2_json(kube_version: &str) -> Value {
    json!({"swagger": "2.0", "info": {"title": "Kubernetes", "version": kube_version}, "paths": {}, "definitions": {}})
}

/// The same document in gnostic's protobuf encoding (client-go asks for
/// `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`).
pub fn openapi_v2_proto(kube_version: &str) -> Vec<u8> {
    fn field(out: &mut Vec<u8>, number: u8, bytes: &[u8]) {
        out.push((number << 3) | 2);
        let mut len = bytes.len();
        loop {
            let b = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
        out.extend_from_slice(bytes);
    }
    let mut info = Vec::new();
    field(&mut info, 1, b"Kubernetes");
    field(&mut info, 2, kube_version.as_bytes());
    let mut doc = Vec::new();
    field(&mut doc, 1, b"2.0");
    field(&mut doc, 2, &info);
    doc
}

/// `/openapi/v3`: the index of per-group-version documents (none served).
pub fn openapi_v3_index() -> Value {
    json!({"paths": {}})
}
