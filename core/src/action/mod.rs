//! Release use cases, one file per command as in Helm's `pkg/action`:
//! install, upgrade, rollback, uninstall, list, history, status, get,
//! test, with the shared hook runner in [`hooks`] and ownership checks in
//! [`validate`].
//!
//! Actions see a chart only through [`ChartSource`] (its stored form, its
//! CRDs, and a render function), the cluster through [`KubeClient`] and
//! history through [`Storage`], so they run against the fake cluster and
//! memory storage in tests.

pub mod chart_source;
pub mod dependency;
pub mod get;
pub mod history;
pub mod hooks;
pub mod install;
pub mod lint;
pub mod list;
pub mod locate;
pub mod manifests;
pub mod package;
pub mod post_render;
pub mod pull;
pub mod release_testing;
pub mod repo;
pub mod rollback;
pub mod search;
pub mod show;
pub mod status;
pub mod template;
pub mod uninstall;
pub mod upgrade;
pub mod validate;
pub mod values;

use std::sync::Arc;
use std::time::Duration;

use crate::kube::wait::{Pending, WaitError};
use crate::kube::{KubeClient, KubeError};
use crate::release::{self, Hook, Release};
use crate::storage::{Storage, StorageError};
use crate::template::Map;

/// An action failed; the message is Helm's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ActionError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Kube(#[from] KubeError),
    #[error(transparent)]
    Wait(#[from] WaitError),
    #[error("{0}")]
    Message(String),
}

impl ActionError {
    pub fn msg(s: impl Into<String>) -> ActionError {
        ActionError::Message(s.into())
    }

    /// `context: self`, as Go's `errors.Wrap`.
    pub fn wrap(self, context: impl std::fmt::Display) -> ActionError {
        ActionError::Message(format!("{context}: {self}"))
    }
}

/// The error message of a pending release blocking another operation.
pub const ERR_PENDING: &str = "another operation (install/upgrade/rollback) is in progress";

/// What the cluster offers, for `.Capabilities`.
#[derive(Clone, Debug, Default)]
pub struct Capabilities {
    /// `v1.29.0`.
    pub kube_version: String,
    pub kube_major: String,
    pub kube_minor: String,
    /// `group/version` and `group/version/Kind` entries.
    pub api_versions: Vec<String>,
}

/// Options a render gets (Helm's `ReleaseOptions` plus capabilities).
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_install: bool,
    pub is_upgrade: bool,
    pub capabilities: Capabilities,
    /// `--render-subchart-notes`.
    pub sub_notes: bool,
    /// What `lookup` reads; `None` (template, client dry runs) gives empty maps.
    pub lookup: Option<ClusterLookup>,
    /// `--post-renderer`: rewrites the manifest (not the hooks).
    pub post_renderer: Option<post_render::PostRenderer>,
}

/// The cluster behind the template function `lookup`.
#[derive(Clone)]
pub struct ClusterLookup(pub crate::engine::LookupFn);

impl ClusterLookup {
    /// `lookup` against the configuration's cluster.
    pub fn of(cfg: &Configuration) -> ClusterLookup {
        ClusterLookup(crate::kube::lookup::lookup_fn(cfg.client.clone()))
    }
}

impl std::fmt::Debug for ClusterLookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClusterLookup")
    }
}

/// `--dry-run[=client|server]` (Helm 3.13's values; Helm 3.10 has only the
/// boolean, which is `client`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DryRun {
    /// A real operation.
    #[default]
    None,
    /// Render and check against the cluster, `lookup` empty, nothing stored.
    Client,
    /// As client, but `lookup` reads the cluster.
    Server,
}

impl DryRun {
    /// The flag's value: `none`/`false`, `client`/`true`, `server`.
    pub fn parse(value: &str) -> Result<DryRun, ActionError> {
        match value {
            "" | "false" | "none" => Ok(DryRun::None),
            "true" | "client" => Ok(DryRun::Client),
            "server" => Ok(DryRun::Server),
            _ => Err(ActionError::msg(
                "Invalid dry-run flag. Flag must one of the following: false, true, none, client, server",
            )),
        }
    }

    pub fn is_dry_run(self) -> bool {
        self != DryRun::None
    }

    /// Whether templates may read the cluster through `lookup`.
    pub fn cluster_lookups(self) -> bool {
        self != DryRun::Client
    }
}

/// A rendered release: hooks and manifest sorted by install order, notes.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub hooks: Vec<Hook>,
    /// `---\n# Source: path\n<doc>\n` per document.
    pub manifest: String,
    pub notes: String,
}

/// The chart an install/upgrade uses, seen from the actions.
pub trait ChartSource {
    /// The chart as the release stores it (after dependency processing for `vals`).
    fn stored(&self, vals: &Map) -> Result<release::Chart, ActionError>;
    /// CRD files (`crds/`), parent first: (display path, content).
    fn crds(&self) -> Vec<(String, String)>;
    /// Renders with the user-supplied `vals`. `defaults` replaces the
    /// chart's own default values when set (`--reuse-values`).
    fn render(
        &self,
        vals: &Map,
        defaults: Option<&Map>,
        opts: &RenderOptions,
    ) -> Result<Rendered, ActionError>;
    /// The chart's `type` (`application`, `library` or empty).
    fn chart_type(&self) -> String {
        String::new()
    }
}

/// Receives the resources `--wait` is still waiting for.
pub type ProgressFn = Box<dyn Fn(&[Pending]) + Send + Sync>;

/// Shared dependencies of every action (Helm's `action.Configuration`).
pub struct Configuration {
    pub client: Arc<dyn KubeClient>,
    pub releases: Storage,
    /// Receives `--wait` progress.
    pub progress: ProgressFn,
    /// Debug log (`--debug`).
    pub log: Box<dyn Fn(&str) + Send + Sync>,
}

impl Configuration {
    pub fn new(client: Arc<dyn KubeClient>, releases: Storage) -> Configuration {
        Configuration {
            client,
            releases,
            progress: Box::new(|_| {}),
            log: Box::new(|_| {}),
        }
    }

    pub fn kube(&self) -> &dyn KubeClient {
        self.client.as_ref()
    }

    /// Errors unless the API server answers (`IsReachable`).
    pub fn is_reachable(&self) -> Result<(), ActionError> {
        self.client
            .server_version()
            .map(|_| ())
            .map_err(|e| ActionError::msg(format!("Kubernetes cluster unreachable: {e}")))
    }

    /// Server version and API versions.
    pub fn capabilities(&self) -> Result<Capabilities, ActionError> {
        let v = self.client.server_version().map_err(|e| {
            ActionError::msg(format!("could not get server version from Kubernetes: {e}"))
        })?;
        let api_versions = self.client.api_versions().map_err(|e| {
            ActionError::msg(format!("could not get apiVersions from Kubernetes: {e}"))
        })?;
        Ok(Capabilities {
            kube_version: v.git_version,
            kube_major: v.major,
            kube_minor: v.minor,
            api_versions,
        })
    }

    /// Stores an updated record, logging failures (Helm's `recordRelease`).
    /// Unlike Helm it retries once: a transient API error here would
    /// otherwise leave two deployed revisions or a stale pending status.
    pub fn record_release(&self, rel: &Release) {
        if self.releases.update(rel).is_ok() {
            return;
        }
        if let Err(e) = self.releases.update(rel) {
            (self.log)(&format!(
                "warning: Failed to update release {}: {e}",
                rel.name
            ));
        }
    }

    /// Stores the final state of an operation, retrying once (see
    /// [`Configuration::record_release`]); the error is returned.
    pub fn store_final(&self, rel: &Release) -> Result<(), ActionError> {
        if self.releases.update(rel).is_ok() {
            return Ok(());
        }
        Ok(self.releases.update(rel)?)
    }

    /// The release at `version`, or the latest one for `version <= 0`.
    pub fn release_content(&self, name: &str, version: i64) -> Result<Release, ActionError> {
        if validate_release_name(name).is_err() {
            return Err(ActionError::msg(format!(
                "releaseContent: Release name is invalid: {name}"
            )));
        }
        if version <= 0 {
            return Ok(self.releases.last(name)?);
        }
        Ok(self.releases.get(name, version)?)
    }

    pub(crate) fn wait_progress(&self) -> impl FnMut(&[Pending]) + '_ {
        move |p: &[Pending]| (self.progress)(p)
    }
}

const VALID_NAME: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// Helm's `ValidateReleaseName`.
pub fn validate_release_name(name: &str) -> Result<(), ActionError> {
    if name.is_empty() {
        return Err(ActionError::msg("no name provided"));
    }
    // regex-lite: one short match, where compiling a full `regex` costs more.
    let ok = regex_lite::Regex::new(VALID_NAME)
        .map(|re| re.is_match(name))
        .unwrap_or(false);
    if name.len() > 53 || !ok {
        return Err(ActionError::msg(format!(
            "invalid release name, must match regex {VALID_NAME} and the length must not be longer than 53"
        )));
    }
    Ok(())
}

/// Default per-operation timeout (`--timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
