//! Building cluster objects from manifest text (Helm's `KubeClient.Build`):
//! split the YAML stream, decode each document, map its kind through
//! discovery and default the namespace of namespaced objects.

use serde_json::Value as Json;

use super::{ApiResource, KubeClient, KubeError};
use crate::source::SourceId;
use crate::template::Value;

/// One object of a manifest, resolved to its resource.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceInfo {
    pub resource: ApiResource,
    /// `""` for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
    pub object: Json,
}

/// Objects in manifest order.
pub type ResourceList = Vec<ResourceInfo>;

impl ResourceInfo {
    /// Helm's `objectKey`: `group/version/Kind/namespace/name`.
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.resource.api_version(),
            self.resource.kind,
            self.namespace,
            self.name
        )
    }

    /// Identity ignoring the version (Helm's `ResourceList.Get` compares
    /// group, kind, namespace and name).
    pub fn same_object(&self, other: &ResourceInfo) -> bool {
        self.resource.group == other.resource.group
            && self.resource.kind == other.resource.kind
            && self.namespace == other.namespace
            && self.name == other.name
    }

    /// `Kind "name" in namespace "ns"` as Helm's messages print it.
    pub fn describe(&self) -> String {
        format!(
            "{} {:?} in namespace {:?}",
            self.resource.kind, self.name, self.namespace
        )
    }

    pub fn kind(&self) -> &str {
        &self.resource.kind
    }

    /// Reads the live object.
    pub fn get(&self, client: &dyn KubeClient) -> Result<Option<Json>, KubeError> {
        client.get(&self.resource, &self.namespace, &self.name)
    }
}

/// Why a manifest could not become objects.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    #[error("error converting YAML to JSON: {0}")]
    Yaml(String),
    #[error("Object 'Kind' is missing in '{0}'")]
    MissingKind(String),
    /// No resource for the kind (client-go's mapping error; the namespace is
    /// the one written in the document).
    #[error(
        "resource mapping not found for name: {name:?} namespace: {namespace:?} from \"\": {source}\nensure CRDs are installed first"
    )]
    Unrecognized {
        name: String,
        namespace: String,
        source: KubeError,
    },
    #[error(transparent)]
    Kube(KubeError),
}

/// Splits a YAML stream at `---` lines (a line that is `---` plus only
/// whitespace), as the Kubernetes YAML reader does.
pub fn split_yaml_stream(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---")
            && rest.trim().is_empty()
        {
            docs.push(std::mem::take(&mut cur));
            continue;
        }
        cur.push_str(line);
    }
    docs.push(cur);
    docs
}

/// Builds the objects of a manifest. Empty documents are skipped; `List`
/// kinds are flattened; namespaced objects without a namespace get the
/// client's namespace; cluster-scoped objects lose theirs.
pub fn build(client: &dyn KubeClient, manifest: &str) -> Result<ResourceList, BuildError> {
    let mut out = Vec::new();
    for doc in split_yaml_stream(manifest) {
        if doc.trim().is_empty() {
            continue;
        }
        let obj = parse_yaml_document(&doc).map_err(BuildError::Yaml)?;
        if obj.is_null() {
            continue;
        }
        push_object(client, obj, &mut out)?;
    }
    Ok(out)
}

fn push_object(
    client: &dyn KubeClient,
    mut obj: Json,
    out: &mut ResourceList,
) -> Result<(), BuildError> {
    let kind = obj
        .get("kind")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let api_version = obj
        .get("apiVersion")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    if kind.is_empty() {
        return Err(BuildError::MissingKind(obj.to_string()));
    }
    if kind.ends_with("List")
        && let Some(items) = obj.get("items").and_then(Json::as_array)
    {
        for item in items.clone() {
            push_object(client, item, out)?;
        }
        return Ok(());
    }
    let name = obj
        .pointer("/metadata/name")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let resource = client.resolve(&api_version, &kind).map_err(|e| match e {
        KubeError::NoMatch { .. } => BuildError::Unrecognized {
            name: name.clone(),
            namespace: obj
                .pointer("/metadata/namespace")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            source: e,
        },
        other => BuildError::Kube(other),
    })?;
    let namespace = if resource.namespaced {
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or(client.namespace())
            .to_string();
        set_path(
            &mut obj,
            &["metadata", "namespace"],
            Json::String(ns.clone()),
        );
        ns
    } else {
        if let Some(meta) = obj.get_mut("metadata").and_then(Json::as_object_mut) {
            meta.remove("namespace");
        }
        String::new()
    };
    out.push(ResourceInfo {
        resource,
        namespace,
        name,
        object: obj,
    });
    Ok(())
}

/// Decodes one YAML document to JSON (`Null` when empty) with yaml.v2
/// semantics, as client-go's YAML decoder does.
pub fn parse_yaml_document(text: &str) -> Result<Json, String> {
    let parsed = crate::yaml::parse_value(text, SourceId(0)).map_err(|e| e.to_string())?;
    Ok(value_to_json(&parsed.value))
}

/// A Go value as JSON for the API server (integral floats as integers,
/// as Go's JSON encoding of float64 writes them).
pub fn value_to_json(v: &Value) -> Json {
    match v {
        Value::Nil => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) | Value::Int64(i) => Json::Number((*i).into()),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
                Json::Number((*f as i64).into())
            } else {
                serde_json::Number::from_f64(*f)
                    .map(Json::Number)
                    .unwrap_or(Json::Null)
            }
        }
        Value::String(s) => Json::String(s.to_string()),
        Value::Bytes(b) => {
            use base64::Engine as _;
            Json::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
        Value::List(items) => Json::Array(items.iter().map(value_to_json).collect()),
        Value::Map(m) => Json::Object(
            m.read()
                .iter()
                .map(|(k, v)| (k.to_string(), value_to_json(v)))
                .collect(),
        ),
        Value::Object(o) => value_to_json(&o.to_json_value()),
    }
}

/// Sets a nested field, creating objects on the way.
pub fn set_path(obj: &mut Json, path: &[&str], value: Json) {
    let mut cur = obj;
    for (i, seg) in path.iter().enumerate() {
        if !cur.is_object() {
            *cur = Json::Object(Default::default());
        }
        let Some(map) = cur.as_object_mut() else {
            return;
        };
        if i + 1 == path.len() {
            map.insert((*seg).to_string(), value);
            return;
        }
        cur = map
            .entry((*seg).to_string())
            .or_insert_with(|| Json::Object(Default::default()));
    }
}

/// A string map at `path` (labels, annotations), empty when absent.
pub fn string_map(obj: &Json, pointer: &str) -> std::collections::BTreeMap<String, String> {
    obj.pointer(pointer)
        .and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}
