//! Alternate representations clients ask for in `Accept`: `as=Table`
//! (kubectl get) and `as=PartialObjectMetadata[List]` (metadata-only clients).

use crate::clock::{human_age, parse_rfc3339, unix_now};
use crate::resources::ResourceType;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum As {
    Full,
    Table,
    Metadata,
}

impl As {
    pub fn from_accept(accept: &str) -> Self {
        // The first acceptable alternative wins, as the server negotiates in order.
        for part in accept.split(',') {
            if part.contains("as=Table") {
                return As::Table;
            }
            if part.contains("as=PartialObjectMetadata") {
                return As::Metadata;
            }
            let base = part.split(';').next().unwrap_or_default().trim();
            if base == "application/json" || base == "*/*" || base.is_empty() {
                return As::Full;
            }
        }
        As::Full
    }
}

pub fn partial(obj: &Value) -> Value {
    json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]})
}

pub fn partial_list(items: &[Value], rv: &str) -> Value {
    let items: Vec<Value> = items.iter().map(partial).collect();
    json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": rv}, "items": items})
}

fn age(obj: &Value) -> String {
    obj["metadata"]["creationTimestamp"]
        .as_str()
        .and_then(parse_rfc3339)
        .map(|t| human_age(unix_now() - t))
        .unwrap_or_else(|| "<unknown>".into())
}

fn columns(rt: &ResourceType) -> Vec<(&'static str, &'static str)> {
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("apps", "Deployment") => vec![
            ("Ready", "string"),
            ("Up-to-date", "integer"),
            ("Available", "integer"),
        ],
        ("", "Pod") => vec![
            ("Ready", "string"),
            ("Status", "string"),
            ("Restarts", "string"),
        ],
        ("", "Service") => vec![("Type", "string"), ("Cluster-IP", "string")],
        ("", "Secret") => vec![("Type", "string"), ("Data", "string")],
        ("", "ConfigMap") => vec![("Data", "integer")],
        _ => vec![],
    }
}

fn cells(rt: &ResourceType, o: &Value) -> Vec<Value> {
    let n = |v: &Value| v.as_i64().unwrap_or(0);
    let mut c = vec![o["metadata"]["name"].clone()];
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("apps", "Deployment") => {
            c.push(json!(format!(
                "{}/{}",
                n(&o["status"]["readyReplicas"]),
                n(&o["spec"]["replicas"])
            )));
            c.push(json!(n(&o["status"]["updatedReplicas"])));
            c.push(json!(n(&o["status"]["availableReplicas"])));
        }
        ("", "Pod") => {
            let statuses = o["status"]["containerStatuses"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let ready = statuses.iter().filter(|s| s["ready"] == true).count();
            let total = o["spec"]["containers"]
                .as_array()
                .map(Vec::len)
                .unwrap_or(0);
            c.push(json!(format!("{ready}/{total}")));
            c.push(o["status"]["phase"].clone());
            c.push(json!("0"));
        }
        ("", "Service") => {
            c.push(o["spec"]["type"].clone());
            c.push(o["spec"]["clusterIP"].clone());
        }
        ("", "Secret") => {
            c.push(o["type"].clone());
            c.push(json!(
                o["data"]
                    .as_object()
                    .map(|m| m.len())
                    .unwrap_or(0)
                    .to_string()
            ));
        }
        ("", "ConfigMap") => {
            let d = o["data"].as_object().map(|m| m.len()).unwrap_or(0)
                + o["binaryData"].as_object().map(|m| m.len()).unwrap_or(0);
            c.push(json!(d));
        }
        _ => {}
    }
    c.push(json!(age(o)));
    c
}

/// A `meta.k8s.io/v1` Table of `items`.
pub fn table(rt: &ResourceType, items: &[Value], rv: &str, include_object: &str) -> Value {
    let mut defs = vec![
        json!({"name": "Name", "type": "string", "format": "name", "description": "Name must be unique within a namespace.", "priority": 0}),
    ];
    for (name, ty) in columns(rt) {
        defs.push(
            json!({"name": name, "type": ty, "format": "", "description": "", "priority": 0}),
        );
    }
    defs.push(json!({"name": "Age", "type": "string", "format": "", "description": "CreationTimestamp is a timestamp representing the server time when this object was created.", "priority": 0}));
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let object = match include_object {
                "None" => Value::Null,
                "Object" => o.clone(),
                _ => partial(o),
            };
            json!({"cells": cells(rt, o), "object": object})
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": rv}, "columnDefinitions": defs, "rows": rows})
}
