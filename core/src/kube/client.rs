//! The real cluster client: kube-rs transport (rustls + ring) with raw
//! REST calls and our own discovery, behind the blocking [`KubeClient`]
//! interface. Writes carry `fieldManager=kubectl-chart`.

use std::collections::HashMap;
use std::sync::Mutex;

use http::{Method, Request};
use serde_json::Value as Json;

use super::config::{ConnectOptions, resolve};
use super::{ApiResource, KubeClient, KubeError, ListParams, PatchKind, ServerVersion};

/// Field manager of our writes (Helm uses its binary name).
pub const FIELD_MANAGER: &str = "kubectl-chart";

#[derive(Default)]
struct Discovery {
    /// groupVersion → resources of that version.
    versions: HashMap<String, Vec<ApiResource>>,
    /// Every groupVersion the server lists, in order.
    order: Vec<String>,
    complete: bool,
}

/// A connection to an API server.
pub struct Client {
    rt: tokio::runtime::Runtime,
    inner: kube::Client,
    namespace: String,
    cluster_url: String,
    discovery: Mutex<Discovery>,
}

fn transport(e: impl std::fmt::Display) -> KubeError {
    KubeError::Transport(e.to_string())
}

fn pct(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Client {
    /// Connects as kubectl would with these options (no request is made yet).
    pub fn connect(opts: &ConnectOptions) -> Result<Client, KubeError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(transport)?;
        let resolved = resolve(opts, &rt)?;
        let cluster_url = resolved.config.cluster_url.to_string();
        let inner = {
            let _guard = rt.enter();
            kube::Client::try_from(resolved.config).map_err(|e| KubeError::Config(e.to_string()))?
        };
        Ok(Client {
            rt,
            inner,
            namespace: resolved.namespace,
            cluster_url,
            discovery: Mutex::new(Discovery::default()),
        })
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Json, KubeError> {
        let method_name = method.as_str().to_string();
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("Accept", "application/json");
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        let req = req.body(body).map_err(transport)?;
        let text = self
            .rt
            .block_on(self.inner.request_text(req))
            .map_err(|e| match e {
                kube::Error::Api(status) => KubeError::Api {
                    code: status.code,
                    reason: status.reason.clone(),
                    message: status.message.clone(),
                },
                other => KubeError::Transport(self.describe_transport(&method_name, path, &other)),
            })?;
        if text.trim().is_empty() {
            return Ok(Json::Null);
        }
        serde_json::from_str(&text).map_err(transport)
    }

    /// Go's `url.Error` form: `Get "https://host/path": dial tcp …`.
    fn describe_transport(&self, method: &str, path: &str, err: &kube::Error) -> String {
        let verb = {
            let lower = method.to_ascii_lowercase();
            let mut c = lower.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        };
        let base = self.cluster_url.trim_end_matches('/');
        let mut cause = err.to_string();
        let mut src: Option<&dyn std::error::Error> = Some(err);
        while let Some(e) = src {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::ConnectionRefused {
                    cause = format!(
                        "dial tcp {}: connect: connection refused",
                        self.socket_addr()
                    );
                } else {
                    cause = io.to_string();
                }
                break;
            }
            src = e.source();
        }
        format!("{verb} \"{base}{path}\": {cause}")
    }

    fn socket_addr(&self) -> String {
        use std::net::ToSocketAddrs;
        let uri: http::Uri = match self.cluster_url.parse() {
            Ok(u) => u,
            Err(_) => return self.cluster_url.clone(),
        };
        let host = uri.host().unwrap_or("localhost");
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("http") {
                80
            } else {
                443
            });
        (host, port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .map(|a| a.to_string())
            .unwrap_or_else(|| format!("{host}:{port}"))
    }

    fn get_json(&self, path: &str) -> Result<Json, KubeError> {
        self.send(Method::GET, path, None, Vec::new())
    }

    fn discovery_lock(&self) -> std::sync::MutexGuard<'_, Discovery> {
        match self.discovery.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    fn resources_of(&self, group_version: &str) -> Result<Vec<ApiResource>, KubeError> {
        if let Some(r) = self.discovery_lock().versions.get(group_version) {
            return Ok(r.clone());
        }
        let path = if group_version.contains('/') {
            format!("/apis/{group_version}")
        } else {
            format!("/api/{group_version}")
        };
        let list = match self.get_json(&path) {
            Ok(l) => l,
            Err(e) if e.is_not_found() => Json::Null,
            Err(e) => return Err(e),
        };
        let (group, version) = group_version.split_once('/').unwrap_or(("", group_version));
        let resources: Vec<ApiResource> = list
            .get("resources")
            .and_then(Json::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|r| {
                        let name = r.get("name")?.as_str()?;
                        if name.contains('/') {
                            return None;
                        }
                        Some(ApiResource {
                            group: group.to_string(),
                            version: version.to_string(),
                            kind: r.get("kind")?.as_str()?.to_string(),
                            plural: name.to_string(),
                            namespaced: r
                                .get("namespaced")
                                .and_then(Json::as_bool)
                                .unwrap_or(false),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.discovery_lock()
            .versions
            .insert(group_version.to_string(), resources.clone());
        Ok(resources)
    }

    fn all_group_versions(&self) -> Result<Vec<String>, KubeError> {
        if self.discovery_lock().complete {
            return Ok(self.discovery_lock().order.clone());
        }
        let mut order = Vec::new();
        let core = self.get_json("/api")?;
        for v in core
            .get("versions")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(v) = v.as_str() {
                order.push(v.to_string());
            }
        }
        let groups = self.get_json("/apis")?;
        for g in groups
            .get("groups")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            for v in g
                .get("versions")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(gv) = v.get("groupVersion").and_then(Json::as_str) {
                    order.push(gv.to_string());
                }
            }
        }
        let mut d = self.discovery_lock();
        d.order = order.clone();
        d.complete = true;
        Ok(order)
    }

    fn with_manager(path: String) -> String {
        format!("{path}?fieldManager={FIELD_MANAGER}")
    }
}

impl KubeClient for Client {
    fn namespace(&self) -> &str {
        &self.namespace
    }

    fn server_version(&self) -> Result<ServerVersion, KubeError> {
        let v = self.get_json("/version")?;
        let s = |k: &str| v.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        Ok(ServerVersion {
            git_version: s("gitVersion"),
            major: s("major"),
            minor: s("minor"),
        })
    }

    fn api_versions(&self) -> Result<Vec<String>, KubeError> {
        let mut out = Vec::new();
        for gv in self.all_group_versions()? {
            out.push(gv.clone());
            for r in self.resources_of(&gv)? {
                let id = format!("{gv}/{}", r.kind);
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        Ok(out)
    }

    fn resolve(&self, api_version: &str, kind: &str) -> Result<ApiResource, KubeError> {
        let no_match = || KubeError::NoMatch {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
        };
        if api_version.is_empty() {
            return Err(no_match());
        }
        let found = self
            .resources_of(api_version)?
            .into_iter()
            .find(|r| r.kind == kind);
        if let Some(r) = found {
            return Ok(r);
        }
        // A CRD may have been created since the version was cached.
        self.discovery_lock().versions.remove(api_version);
        self.resources_of(api_version)?
            .into_iter()
            .find(|r| r.kind == kind)
            .ok_or_else(no_match)
    }

    fn reset_discovery(&self) {
        *self.discovery_lock() = Discovery::default();
    }

    fn get(
        &self,
        res: &ApiResource,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Json>, KubeError> {
        KubeError::require_name(name)?;
        match self.get_json(&res.object_path(namespace, name)) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn list(
        &self,
        res: &ApiResource,
        namespace: &str,
        params: &ListParams,
    ) -> Result<Vec<Json>, KubeError> {
        let list = self.list_object(res, namespace, params)?;
        Ok(list
            .get("items")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default())
    }

    fn list_object(
        &self,
        res: &ApiResource,
        namespace: &str,
        params: &ListParams,
    ) -> Result<Json, KubeError> {
        let mut query = Vec::new();
        if let Some(l) = &params.label_selector {
            query.push(format!("labelSelector={}", pct(l)));
        }
        if let Some(f) = &params.field_selector {
            query.push(format!("fieldSelector={}", pct(f)));
        }
        let mut path = res.collection_path(namespace);
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let mut list = self.get_json(&path)?;
        let kind = res.kind.clone();
        let api_version = res.api_version();
        if let Some(items) = list.get_mut("items").and_then(Json::as_array_mut) {
            for item in items {
                // List items come without apiVersion/kind; restore them.
                if let Some(o) = item.as_object_mut() {
                    o.entry("apiVersion")
                        .or_insert(Json::String(api_version.clone()));
                    o.entry("kind").or_insert(Json::String(kind.clone()));
                }
            }
        }
        Ok(list)
    }

    fn create(&self, res: &ApiResource, namespace: &str, obj: &Json) -> Result<Json, KubeError> {
        let body = serde_json::to_vec(obj).map_err(transport)?;
        self.send(
            Method::POST,
            &Self::with_manager(res.collection_path(namespace)),
            Some("application/json"),
            body,
        )
    }

    fn replace(
        &self,
        res: &ApiResource,
        namespace: &str,
        name: &str,
        obj: &Json,
    ) -> Result<Json, KubeError> {
        KubeError::require_name(name)?;
        let mut obj = obj.clone();
        // PUT needs the current resourceVersion unless the object has one.
        if obj.pointer("/metadata/resourceVersion").is_none()
            && let Some(live) = self.get(res, namespace, name)?
            && let Some(rv) = live.pointer("/metadata/resourceVersion").cloned()
            && let Some(meta) = obj.get_mut("metadata").and_then(Json::as_object_mut)
        {
            meta.insert("resourceVersion".into(), rv);
        }
        let body = serde_json::to_vec(&obj).map_err(transport)?;
        self.send(
            Method::PUT,
            &Self::with_manager(res.object_path(namespace, name)),
            Some("application/json"),
            body,
        )
    }

    fn patch(
        &self,
        res: &ApiResource,
        namespace: &str,
        name: &str,
        kind: PatchKind,
        body: &Json,
    ) -> Result<Json, KubeError> {
        KubeError::require_name(name)?;
        let mut path = Self::with_manager(res.object_path(namespace, name));
        if let PatchKind::Apply { force: true } = kind {
            path.push_str("&force=true");
        }
        let body = serde_json::to_vec(body).map_err(transport)?;
        self.send(Method::PATCH, &path, Some(kind.content_type()), body)
    }

    fn delete(&self, res: &ApiResource, namespace: &str, name: &str) -> Result<(), KubeError> {
        KubeError::require_name(name)?;
        let body = serde_json::to_vec(&serde_json::json!({
            "kind": "DeleteOptions",
            "apiVersion": "v1",
            "propagationPolicy": "Background",
        }))
        .map_err(transport)?;
        self.send(
            Method::DELETE,
            &res.object_path(namespace, name),
            Some("application/json"),
            body,
        )
        .map(|_| ())
    }
}
