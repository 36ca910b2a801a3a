//! Cluster access for the release actions.
//!
//! [`KubeClient`] is the narrow, synchronous interface the actions and the
//! storage drivers need: discovery (kind → resource), CRUD, patch and list
//! on JSON objects. [`client::Client`] implements it over kube-rs against a
//! real API server; [`fake::FakeClient`] is an in-memory cluster for tests.
//! Helm's higher-level operations built on it live in [`resource`] (manifest
//! → objects), [`apply`] (create/update/delete like Helm's kube client),
//! [`patch`] (three-way strategic merge and JSON merge patches) and
//! [`wait`] (readiness rules of `--wait` and hook waiting), and [`lookup`]
//! (the template function `lookup` reading the cluster).

pub mod apply;
pub mod client;
pub mod config;
pub mod error;
pub mod fake;
pub mod lookup;
pub mod patch;
pub mod resource;
pub mod wait;

pub use error::KubeError;
pub use resource::{ResourceInfo, ResourceList};

use serde_json::Value as Json;

/// A resource type as discovery reports it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ApiResource {
    /// API group; `""` for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    /// URL path segment, e.g. `deployments`.
    pub plural: String,
    pub namespaced: bool,
}

impl ApiResource {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The collection URL path for `namespace` (ignored for cluster-scoped
    /// kinds; `""` lists across all namespaces).
    pub fn collection_path(&self, namespace: &str) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        if self.namespaced && !namespace.is_empty() {
            format!("{base}/namespaces/{namespace}/{}", self.plural)
        } else {
            format!("{base}/{}", self.plural)
        }
    }

    /// The object URL path.
    pub fn object_path(&self, namespace: &str, name: &str) -> String {
        format!("{}/{}", self.collection_path(namespace), name)
    }

    /// Core v1 Secrets (release storage).
    pub fn secrets() -> ApiResource {
        ApiResource::core("Secret", "secrets", true)
    }

    /// Core v1 ConfigMaps (release storage).
    pub fn config_maps() -> ApiResource {
        ApiResource::core("ConfigMap", "configmaps", true)
    }

    /// Core v1 Namespaces.
    pub fn namespaces() -> ApiResource {
        ApiResource::core("Namespace", "namespaces", false)
    }

    /// Core v1 Pods.
    pub fn pods() -> ApiResource {
        ApiResource::core("Pod", "pods", true)
    }

    fn core(kind: &str, plural: &str, namespaced: bool) -> ApiResource {
        ApiResource {
            group: String::new(),
            version: "v1".into(),
            kind: kind.into(),
            plural: plural.into(),
            namespaced,
        }
    }
}

/// How a patch body is to be interpreted by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchKind {
    /// `application/strategic-merge-patch+json` (built-in kinds).
    Strategic,
    /// `application/merge-patch+json` (RFC 7386).
    Merge,
    /// `application/json-patch+json` (RFC 6902).
    Json,
    /// `application/apply-patch+yaml` server-side apply with `force`.
    Apply { force: bool },
}

impl PatchKind {
    pub fn content_type(self) -> &'static str {
        match self {
            PatchKind::Strategic => "application/strategic-merge-patch+json",
            PatchKind::Merge => "application/merge-patch+json",
            PatchKind::Json => "application/json-patch+json",
            PatchKind::Apply { .. } => "application/apply-patch+yaml",
        }
    }
}

/// Label and field selectors of a list call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListParams {
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
}

impl ListParams {
    pub fn labels(selector: impl Into<String>) -> ListParams {
        ListParams {
            label_selector: Some(selector.into()),
            field_selector: None,
        }
    }
}

/// The server's version (`/version`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerVersion {
    pub git_version: String,
    pub major: String,
    pub minor: String,
}

/// The cluster operations releases need. Objects are JSON; `namespace` is
/// ignored for cluster-scoped resources. All calls block.
pub trait KubeClient: Send + Sync {
    /// The namespace of the command (flag, `HELM_NAMESPACE`, kubeconfig, `default`).
    fn namespace(&self) -> &str;
    /// `/version`; an error means the cluster is unreachable.
    fn server_version(&self) -> Result<ServerVersion, KubeError>;
    /// Every `group/version` and `group/version/Kind` the server serves.
    fn api_versions(&self) -> Result<Vec<String>, KubeError>;
    /// Maps an `apiVersion` and `kind` to its resource.
    fn resolve(&self, api_version: &str, kind: &str) -> Result<ApiResource, KubeError>;
    /// Forgets cached discovery (after CRDs were created).
    fn reset_discovery(&self);
    /// The object, or `None` if it does not exist.
    fn get(
        &self,
        res: &ApiResource,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Json>, KubeError>;
    /// Objects of a collection (`namespace` `""`: all namespaces).
    fn list(
        &self,
        res: &ApiResource,
        namespace: &str,
        params: &ListParams,
    ) -> Result<Vec<Json>, KubeError>;
    /// The collection as one list object (`apiVersion`, `kind: <Kind>List`,
    /// `metadata`, `items` with their apiVersion/kind), as the dynamic
    /// client returns it. The default builds it from [`KubeClient::list`]
    /// with empty list metadata.
    fn list_object(
        &self,
        res: &ApiResource,
        namespace: &str,
        params: &ListParams,
    ) -> Result<Json, KubeError> {
        let items = self.list(res, namespace, params)?;
        Ok(serde_json::json!({
            "apiVersion": res.api_version(),
            "kind": format!("{}List", res.kind),
            "metadata": {},
            "items": items,
        }))
    }
    fn create(&self, res: &ApiResource, namespace: &str, obj: &Json) -> Result<Json, KubeError>;
    /// PUT of the whole object.
    fn replace(
        &self,
        res: &ApiResource,
        namespace: &str,
        name: &str,
        obj: &Json,
    ) -> Result<Json, KubeError>;
    fn patch(
        &self,
        res: &ApiResource,
        namespace: &str,
        name: &str,
        kind: PatchKind,
        body: &Json,
    ) -> Result<Json, KubeError>;
    /// Deletes with background propagation.
    fn delete(&self, res: &ApiResource, namespace: &str, name: &str) -> Result<(), KubeError>;
}
