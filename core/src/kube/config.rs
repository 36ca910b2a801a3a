//! Cluster connection settings resolved as kubectl/Helm do: `--kubeconfig`
//! (or the `KUBECONFIG` list, merged first-wins), else `~/.kube/config`,
//! else in-cluster service account; `--kube-context`; the namespace from
//! `-n`/`HELM_NAMESPACE`, else the context's, else `default`; and Helm's
//! `--kube-*` overrides.

use std::path::PathBuf;

use kube::config::{Config, KubeConfigOptions, Kubeconfig};

use super::KubeError;

/// What the command line and environment say about the cluster.
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    /// `--kubeconfig` or `$KUBECONFIG` (a `:`-separated list).
    pub kubeconfig: Option<String>,
    /// `--kube-context`.
    pub context: Option<String>,
    /// `-n`/`--namespace` or `$HELM_NAMESPACE`.
    pub namespace: Option<String>,
    pub api_server: Option<String>,
    pub token: Option<String>,
    pub ca_file: Option<String>,
    pub insecure_skip_tls_verify: bool,
    pub tls_server_name: Option<String>,
    pub as_user: Option<String>,
    pub as_groups: Vec<String>,
}

/// A resolved connection: kube-rs config plus the namespace in effect.
pub struct Resolved {
    pub config: Config,
    pub namespace: String,
}

fn home_kubeconfig() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let p = PathBuf::from(home).join(".kube").join("config");
    p.is_file().then_some(p)
}

fn load_kubeconfig(list: &str) -> Result<Option<Kubeconfig>, KubeError> {
    let mut merged: Option<Kubeconfig> = None;
    for path in std::env::split_paths(list) {
        if path.as_os_str().is_empty() || !path.exists() {
            continue;
        }
        let kc = Kubeconfig::read_from(&path).map_err(|e| {
            KubeError::Config(format!(
                "error loading config file {:?}: {e}",
                path.display().to_string()
            ))
        })?;
        merged = Some(match merged {
            None => kc,
            Some(m) => m.merge(kc).map_err(|e| KubeError::Config(e.to_string()))?,
        });
    }
    Ok(merged)
}

/// Resolves the connection; `runtime` runs kube-rs' async loaders.
pub fn resolve(
    opts: &ConnectOptions,
    runtime: &tokio::runtime::Runtime,
) -> Result<Resolved, KubeError> {
    let kubeconfig = match &opts.kubeconfig {
        Some(list) if !list.is_empty() => load_kubeconfig(list)?,
        _ => match home_kubeconfig() {
            Some(p) => load_kubeconfig(&p.to_string_lossy())?,
            None => None,
        },
    };
    let (mut config, context_ns) = match kubeconfig {
        Some(kc) => {
            let ctx_name = opts.context.clone().or_else(|| kc.current_context.clone());
            let ctx_ns = kc
                .contexts
                .iter()
                .find(|c| Some(&c.name) == ctx_name.as_ref())
                .and_then(|c| c.context.as_ref())
                .and_then(|c| c.namespace.clone());
            let kopts = KubeConfigOptions {
                context: opts.context.clone(),
                cluster: None,
                user: None,
            };
            let cfg = runtime
                .block_on(Config::from_custom_kubeconfig(kc, &kopts))
                .map_err(|e| KubeError::Config(e.to_string()))?;
            (cfg, ctx_ns)
        }
        None => match Config::incluster() {
            Ok(cfg) => {
                let ns = cfg.default_namespace.clone();
                (cfg, Some(ns))
            }
            // client-go's fallback when nothing is configured.
            Err(_) => {
                let uri = "http://localhost:8080"
                    .parse()
                    .map_err(|e: http::uri::InvalidUri| KubeError::Config(e.to_string()))?;
                (Config::new(uri), None)
            }
        },
    };
    if let Some(server) = &opts.api_server {
        config.cluster_url = server
            .parse()
            .map_err(|e: http::uri::InvalidUri| KubeError::Config(e.to_string()))?;
    }
    if let Some(token) = &opts.token {
        config.auth_info.token = Some(token.clone().into());
    }
    if let Some(ca) = &opts.ca_file {
        let pem = std::fs::read(ca).map_err(|e| KubeError::Config(format!("{ca}: {e}")))?;
        config.root_cert = Some(pem_certificates(&pem));
    }
    if opts.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
    }
    if let Some(name) = &opts.tls_server_name {
        config.tls_server_name = Some(name.clone());
    }
    if let Some(user) = &opts.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !opts.as_groups.is_empty() {
        config.auth_info.impersonate_groups = Some(opts.as_groups.clone());
    }
    let namespace = opts
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .or(context_ns)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_string());
    config.default_namespace = namespace.clone();
    Ok(Resolved { config, namespace })
}

/// DER certificates of a PEM bundle.
fn pem_certificates(pem: &[u8]) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let text = String::from_utf8_lossy(pem);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("-----BEGIN CERTIFICATE") {
            inside = true;
            cur.clear();
        } else if line.starts_with("-----END CERTIFICATE") {
            inside = false;
            if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(cur.trim()) {
                out.push(der);
            }
        } else if inside {
            cur.push_str(line.trim());
        }
    }
    out
}
