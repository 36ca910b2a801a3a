//! `install`: render a chart, create its objects and record revision 1
//! (Helm's `action.Install`).

use std::time::Duration;

use serde_json::json;

use super::post_render::PostRenderer;
use super::uninstall::Uninstall;
use super::validate::{existing_resource_conflict, set_ownership_metadata};
use super::{
    ActionError, ChartSource, ClusterLookup, Configuration, DEFAULT_TIMEOUT, DryRun, ERR_PENDING,
    RenderOptions, hooks, validate_release_name,
};
use crate::kube::{ApiResource, ResourceInfo, apply, resource, wait};
use crate::release::{HookEvent, Info, Release, Status, Timestamp};
use crate::storage::sort_by_revision;
use crate::template::Map;

/// Options of an install.
#[derive(Clone, Debug)]
pub struct Install {
    pub release_name: String,
    pub namespace: String,
    pub create_namespace: bool,
    pub dry_run: DryRun,
    /// `--post-renderer`.
    pub post_renderer: Option<PostRenderer>,
    pub disable_hooks: bool,
    pub replace: bool,
    pub wait: bool,
    pub wait_for_jobs: bool,
    pub timeout: Duration,
    pub description: String,
    pub atomic: bool,
    pub skip_crds: bool,
    pub sub_notes: bool,
    /// Set by `upgrade --install --dry-run`: render as an upgrade.
    pub is_upgrade: bool,
}

impl Default for Install {
    fn default() -> Install {
        Install {
            release_name: String::new(),
            namespace: "default".into(),
            create_namespace: false,
            dry_run: DryRun::None,
            post_renderer: None,
            disable_hooks: false,
            replace: false,
            wait: false,
            wait_for_jobs: false,
            timeout: DEFAULT_TIMEOUT,
            description: String::new(),
            atomic: false,
            skip_crds: false,
            sub_notes: false,
            is_upgrade: false,
        }
    }
}

impl Install {
    /// Installs `chart` with the user-supplied values `vals`.
    pub fn run(
        &mut self,
        cfg: &Configuration,
        chart: &dyn ChartSource,
        vals: &Map,
    ) -> Result<Release, ActionError> {
        cfg.is_reachable()?;
        self.available_name(cfg)?;
        let stored_chart = chart.stored(vals)?;
        let crds = chart.crds();
        if !self.skip_crds && !crds.is_empty() {
            if self.dry_run.is_dry_run() {
                (cfg.log)(
                    "WARNING: This chart or one of its subcharts contains CRDs. Rendering may fail or contain inaccuracies.",
                );
            } else {
                install_crds(cfg, &crds)?;
            }
        }
        self.wait = self.wait || self.atomic;
        let caps = cfg.capabilities()?;
        let is_upgrade = self.is_upgrade && self.dry_run.is_dry_run();
        let opts = RenderOptions {
            name: self.release_name.clone(),
            namespace: self.namespace.clone(),
            revision: 1,
            is_install: !is_upgrade,
            is_upgrade,
            capabilities: caps,
            sub_notes: self.sub_notes,
            lookup: self
                .dry_run
                .cluster_lookups()
                .then(|| ClusterLookup::of(cfg)),
            post_renderer: self.post_renderer.clone(),
        };
        let ts = Timestamp::now();
        let mut rel = Release {
            name: self.release_name.clone(),
            namespace: self.namespace.clone(),
            chart: Some(stored_chart),
            config: vals.clone(),
            info: Some(Info {
                first_deployed: ts,
                last_deployed: ts,
                status: Status::Unknown,
                ..Default::default()
            }),
            version: 1,
            ..Default::default()
        };
        let rendered = chart.render(vals, None, &opts)?;
        rel.hooks = rendered.hooks;
        rel.manifest = rendered.manifest;
        rel.info_mut().notes = rendered.notes;
        rel.set_status(Status::PendingInstall, "Initial install underway");

        let mut resources = resource::build(cfg.kube(), &rel.manifest).map_err(|e| {
            ActionError::msg(format!(
                "unable to build kubernetes objects from release manifest: {e}"
            ))
        })?;
        set_ownership_metadata(&mut resources, &rel.name, &rel.namespace);
        let mut to_adopt = Vec::new();
        if !is_upgrade && !resources.is_empty() {
            to_adopt = existing_resource_conflict(cfg.kube(), &resources, &rel.name, &rel.namespace)
                .map_err(|e| {
                    e.wrap("rendered manifests contain a resource that already exists. Unable to continue with install")
                })?;
        }
        if self.dry_run.is_dry_run() {
            rel.info_mut().description = "Dry run complete".into();
            return Ok(rel);
        }
        if self.create_namespace {
            create_namespace(cfg, &self.namespace)?;
        }
        if self.replace {
            self.replace_release(cfg, &mut rel)?;
        }
        cfg.releases.create(&rel)?;
        match self.perform(cfg, &mut rel, &to_adopt, &resources) {
            Ok(()) => Ok(rel),
            Err(e) => Err(self.fail_release(cfg, &mut rel, e)),
        }
    }

    fn perform(
        &self,
        cfg: &Configuration,
        rel: &mut Release,
        to_adopt: &[ResourceInfo],
        resources: &[ResourceInfo],
    ) -> Result<(), ActionError> {
        if !self.disable_hooks {
            hooks::exec_hook(cfg, rel, HookEvent::PreInstall, self.timeout)
                .map_err(|e| ActionError::msg(format!("failed pre-install: {e}")))?;
        }
        if to_adopt.is_empty() {
            apply::create(cfg.kube(), resources)?;
        } else {
            apply::update(cfg.kube(), to_adopt, resources, false)
                .map_err(|e| ActionError::msg(e.message))?;
        }
        if self.wait {
            let mut progress = cfg.wait_progress();
            wait::wait_for_resources(
                cfg.kube(),
                resources,
                self.timeout,
                self.wait_for_jobs,
                &mut progress,
            )?;
        }
        if !self.disable_hooks {
            hooks::exec_hook(cfg, rel, HookEvent::PostInstall, self.timeout)
                .map_err(|e| ActionError::msg(format!("failed post-install: {e}")))?;
        }
        let desc = if self.description.is_empty() {
            "Install complete".to_string()
        } else {
            self.description.clone()
        };
        rel.set_status(Status::Deployed, desc);
        cfg.record_release(rel);
        Ok(())
    }

    fn fail_release(
        &self,
        cfg: &Configuration,
        rel: &mut Release,
        err: ActionError,
    ) -> ActionError {
        rel.set_status(
            Status::Failed,
            format!("Release {:?} failed: {err}", self.release_name),
        );
        if self.atomic {
            (cfg.log)("Install failed and atomic is set, uninstalling release");
            let mut un = Uninstall {
                disable_hooks: self.disable_hooks,
                keep_history: false,
                timeout: self.timeout,
                ..Default::default()
            };
            if let Err(ue) = un.run(cfg, &self.release_name) {
                return ActionError::msg(format!(
                    "an error occurred while uninstalling the release. original install error: {err}: {ue}"
                ));
            }
            return ActionError::msg(format!(
                "release {} failed, and has been uninstalled due to atomic being set: {err}",
                self.release_name
            ));
        }
        cfg.record_release(rel);
        err
    }

    /// Refuses names in use (unless `--replace` of an uninstalled/failed one).
    fn available_name(&self, cfg: &Configuration) -> Result<(), ActionError> {
        let name = &self.release_name;
        validate_release_name(name).map_err(|e| e.wrap(format!("release name {name:?}")))?;
        if self.dry_run.is_dry_run() {
            return Ok(());
        }
        let Ok(mut h) = cfg.releases.history(name) else {
            return Ok(());
        };
        sort_by_revision(&mut h);
        let Some(last) = h.last() else {
            return Ok(());
        };
        let st = last.status();
        if self.replace && matches!(st, Status::Uninstalled | Status::Failed) {
            return Ok(());
        }
        if st.is_pending() {
            (cfg.log)(ERR_PENDING);
        }
        Err(ActionError::msg(
            "cannot re-use a name that is still in use",
        ))
    }

    fn replace_release(&self, cfg: &Configuration, rel: &mut Release) -> Result<(), ActionError> {
        let Ok(mut hist) = cfg.releases.history(&rel.name) else {
            return Ok(());
        };
        sort_by_revision(&mut hist);
        let Some(mut last) = hist.pop() else {
            return Ok(());
        };
        rel.version = last.version + 1;
        if last.status() == Status::Failed {
            return Ok(());
        }
        last.set_status(Status::Superseded, "superseded by new release");
        cfg.releases.update(&last)?;
        Ok(())
    }
}

/// Helm's `Install.NameAndChart`: `[NAME] CHART`, `--generate-name`
/// (`<chart base name up to the first '.'>-<unix seconds>`) and
/// `--name-template` (a Sprig template executed without data).
pub fn name_and_chart(
    args: &[String],
    generate_name: bool,
    name_template: &str,
) -> Result<(String, String), ActionError> {
    if args.len() > 2 {
        return Err(ActionError::msg(format!(
            "expected at most two arguments, unexpected arguments: {}",
            args[2..].join(", ")
        )));
    }
    if let [name, chart] = args {
        if generate_name {
            return Err(ActionError::msg(
                "cannot set --generate-name and also specify a name",
            ));
        }
        if !name_template.is_empty() {
            return Err(ActionError::msg(
                "cannot set --name-template and also specify a name",
            ));
        }
        return Ok((name.clone(), chart.clone()));
    }
    let chart = args.first().cloned().unwrap_or_default();
    if !name_template.is_empty() {
        let name =
            super::template::render_name_template(name_template).map_err(ActionError::msg)?;
        return Ok((name, chart));
    }
    if !generate_name {
        return Err(ActionError::msg(
            "must either provide a name or specify --generate-name",
        ));
    }
    let base = std::path::Path::new(&chart)
        .file_name()
        .map(|b| b.to_string_lossy().into_owned())
        .filter(|b| !b.is_empty() && b != ".")
        .unwrap_or_else(|| "chart".to_string());
    let base = base.split('.').next().unwrap_or_default().to_string();
    Ok((format!("{base}-{}", Timestamp::now().unix()), chart))
}

/// Creates the release namespace (`--create-namespace`), labelled `name=<ns>`.
fn create_namespace(cfg: &Configuration, ns: &str) -> Result<(), ActionError> {
    let obj = json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": ns, "labels": {"name": ns}},
    });
    match cfg.kube().create(&ApiResource::namespaces(), "", &obj) {
        Ok(_) => Ok(()),
        Err(e) if e.is_already_exists() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Creates the chart's CRDs (skipping existing ones), then waits up to
/// 60 s for them to be established and refreshes discovery.
pub fn install_crds(cfg: &Configuration, crds: &[(String, String)]) -> Result<(), ActionError> {
    let mut created = Vec::new();
    for (name, content) in crds {
        let res = resource::build(cfg.kube(), content)
            .map_err(|e| ActionError::msg(format!("failed to install CRD {name}: {e}")))?;
        match apply::create(cfg.kube(), &res) {
            Ok(()) => created.extend(res),
            Err(e) if e.is_already_exists() => {
                (cfg.log)(&format!("CRD {name} is already present. Skipping."));
            }
            Err(e) => {
                return Err(ActionError::msg(format!(
                    "failed to install CRD {name}: {e}"
                )));
            }
        }
    }
    if !created.is_empty() {
        cfg.kube().reset_discovery();
        let mut progress = cfg.wait_progress();
        wait::wait_for_resources(
            cfg.kube(),
            &created,
            Duration::from_secs(60),
            false,
            &mut progress,
        )?;
        cfg.kube().reset_discovery();
    }
    Ok(())
}
