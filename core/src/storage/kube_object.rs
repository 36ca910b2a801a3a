//! The Secret and ConfigMap drivers: one object per revision in the
//! release namespace, named by the key, labelled `name`, `owner=helm`,
//! `status`, `version` (+ `createdAt` on create, `modifiedAt` on update).
//! A Secret (`type: helm.sh/release.v1`) holds the encoded release as its
//! bytes; a ConfigMap holds the same base64 text as a string.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{Value as Json, json};

use super::driver::{Driver, StorageError, system_labels};
use crate::kube::resource::string_map;
use crate::kube::{ApiResource, KubeClient, ListParams};
use crate::release::Release;
use crate::release::codec::{decode, encode};

/// Which object kind holds the records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    Secret,
    ConfigMap,
}

/// A Secret- or ConfigMap-backed driver in one namespace (`""` = all, for listing).
pub struct KubeObjectDriver {
    client: Arc<dyn KubeClient>,
    namespace: String,
    kind: ObjectKind,
}

impl KubeObjectDriver {
    pub fn secrets(client: Arc<dyn KubeClient>, namespace: &str) -> KubeObjectDriver {
        KubeObjectDriver {
            client,
            namespace: namespace.to_string(),
            kind: ObjectKind::Secret,
        }
    }

    pub fn config_maps(client: Arc<dyn KubeClient>, namespace: &str) -> KubeObjectDriver {
        KubeObjectDriver {
            client,
            namespace: namespace.to_string(),
            kind: ObjectKind::ConfigMap,
        }
    }

    fn resource(&self) -> ApiResource {
        match self.kind {
            ObjectKind::Secret => ApiResource::secrets(),
            ObjectKind::ConfigMap => ApiResource::config_maps(),
        }
    }

    /// The encoded release text stored in the object.
    fn payload(&self, obj: &Json) -> Option<String> {
        let raw = obj.pointer("/data/release").and_then(Json::as_str)?;
        match self.kind {
            // Secret data is base64 of the bytes, and the bytes are the base64 text.
            ObjectKind::Secret => base64::engine::general_purpose::STANDARD
                .decode(raw)
                .ok()
                .and_then(|b| String::from_utf8(b).ok()),
            ObjectKind::ConfigMap => Some(raw.to_string()),
        }
    }

    fn decode_object(&self, obj: &Json) -> Result<Release, String> {
        let payload = self
            .payload(obj)
            .ok_or_else(|| "no release data".to_string())?;
        let mut rel = decode(&payload).map_err(|e| e.to_string())?;
        rel.labels = string_map(obj, "/metadata/labels");
        Ok(rel)
    }

    fn to_object(
        &self,
        key: &str,
        rel: &Release,
        extra: (&str, String),
    ) -> Result<Json, StorageError> {
        let encoded = encode(rel).map_err(|source| StorageError::Codec {
            context: format!("create: failed to encode release {:?}", rel.name),
            source,
        })?;
        let mut labels: BTreeMap<String, String> = BTreeMap::new();
        labels.insert(extra.0.to_string(), extra.1);
        labels.extend(system_labels(rel));
        let meta = json!({"name": key, "labels": labels});
        Ok(match self.kind {
            ObjectKind::Secret => json!({
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": meta,
                "type": "helm.sh/release.v1",
                "data": {"release": base64::engine::general_purpose::STANDARD.encode(encoded)},
            }),
            ObjectKind::ConfigMap => json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": meta,
                "data": {"release": encoded},
            }),
        })
    }

    fn list_objects(&self, selector: &str) -> Result<Vec<Json>, crate::kube::KubeError> {
        self.client.list(
            &self.resource(),
            &self.namespace,
            &ListParams::labels(selector),
        )
    }
}

fn now_unix() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string()
}

/// Kubernetes label value syntax (≤63 chars, alphanumerics, `-_.` inside).
fn valid_label_value(v: &str) -> bool {
    v.len() <= 63
        && (v.is_empty()
            || (v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                && v.starts_with(|c: char| c.is_ascii_alphanumeric())
                && v.ends_with(|c: char| c.is_ascii_alphanumeric())))
}

impl Driver for KubeObjectDriver {
    fn name(&self) -> &'static str {
        match self.kind {
            ObjectKind::Secret => "Secret",
            ObjectKind::ConfigMap => "ConfigMap",
        }
    }

    fn get(&self, key: &str) -> Result<Release, StorageError> {
        let obj = self
            .client
            .get(&self.resource(), &self.namespace, key)
            .map_err(|source| StorageError::Kube {
                context: format!("get: failed to get {key:?}"),
                source,
            })?
            .ok_or(StorageError::NotFound)?;
        self.decode_object(&obj).map_err(|e| StorageError::Kube {
            context: format!("get: failed to decode data {key:?}"),
            source: crate::kube::KubeError::Transport(e),
        })
    }

    fn list(&self, filter: &dyn Fn(&Release) -> bool) -> Result<Vec<Release>, StorageError> {
        let objs = self
            .list_objects("owner=helm")
            .map_err(|source| StorageError::Kube {
                context: "list: failed to list".into(),
                source,
            })?;
        Ok(objs
            .iter()
            .filter_map(|o| self.decode_object(o).ok())
            .filter(|r| filter(r))
            .collect())
    }

    fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        for v in labels.values() {
            if !valid_label_value(v) {
                return Err(StorageError::InvalidLabel(v.clone()));
            }
        }
        let selector: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let objs = self
            .list_objects(&selector.join(","))
            .map_err(|source| StorageError::Kube {
                context: "query: failed to query with labels".into(),
                source,
            })?;
        if objs.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(objs
            .iter()
            .filter_map(|o| self.decode_object(o).ok())
            .collect())
    }

    fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let obj = self.to_object(key, rel, ("createdAt", now_unix()))?;
        match self.client.create(&self.resource(), &self.namespace, &obj) {
            Ok(_) => Ok(()),
            Err(e) if e.is_already_exists() => Err(StorageError::Exists),
            Err(source) => Err(StorageError::Kube {
                context: "create: failed to create".into(),
                source,
            }),
        }
    }

    fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let obj = self.to_object(key, rel, ("modifiedAt", now_unix()))?;
        self.client
            .replace(&self.resource(), &self.namespace, key, &obj)
            .map(|_| ())
            .map_err(|source| StorageError::Kube {
                context: "update: failed to update".into(),
                source,
            })
    }

    fn delete(&self, key: &str) -> Result<Release, StorageError> {
        let rel = self.get(key)?;
        self.client
            .delete(&self.resource(), &self.namespace, key)
            .map_err(|source| StorageError::Kube {
                context: format!("delete: failed to delete {key:?}"),
                source,
            })?;
        Ok(rel)
    }
}
