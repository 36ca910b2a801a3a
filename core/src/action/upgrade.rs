//! `upgrade`: render the chart again and move the release's objects from
//! the last deployed revision to the new one (Helm's `action.Upgrade`).

use std::time::Duration;

use super::post_render::PostRenderer;
use super::rollback::Rollback;
use super::validate::{existing_resource_conflict, set_ownership_metadata};
use super::values::{coalesce_tables, coalesce_values};
use super::{
    ActionError, ChartSource, ClusterLookup, Configuration, DEFAULT_TIMEOUT, DryRun, ERR_PENDING,
    RenderOptions, hooks, validate_release_name,
};
use crate::kube::{ApiResource, ListParams, ResourceInfo, apply, resource, wait};
use crate::release::{HookEvent, Info, Release, Status, Timestamp};
use crate::storage::{StorageError, sort_by_revision};
use crate::template::Map;

/// Options of an upgrade.
#[derive(Clone, Debug)]
pub struct Upgrade {
    pub namespace: String,
    pub skip_crds: bool,
    pub timeout: Duration,
    pub wait: bool,
    pub wait_for_jobs: bool,
    pub disable_hooks: bool,
    pub dry_run: DryRun,
    /// `--post-renderer`.
    pub post_renderer: Option<PostRenderer>,
    pub force: bool,
    pub reset_values: bool,
    pub reuse_values: bool,
    /// `--reset-then-reuse-values` (Helm 3.14).
    pub reset_then_reuse_values: bool,
    pub max_history: i64,
    pub atomic: bool,
    pub cleanup_on_fail: bool,
    pub sub_notes: bool,
    pub description: String,
    /// `--recreate-pods` (deprecated in Helm, still honoured): delete the
    /// pods of updated workloads so their controllers start new ones.
    pub recreate_pods: bool,
}

impl Default for Upgrade {
    fn default() -> Upgrade {
        Upgrade {
            namespace: "default".into(),
            skip_crds: false,
            timeout: DEFAULT_TIMEOUT,
            wait: false,
            wait_for_jobs: false,
            disable_hooks: false,
            dry_run: DryRun::None,
            post_renderer: None,
            force: false,
            reset_values: false,
            reuse_values: false,
            reset_then_reuse_values: false,
            max_history: 10,
            atomic: false,
            cleanup_on_fail: false,
            sub_notes: false,
            description: String::new(),
            recreate_pods: false,
        }
    }
}

impl Upgrade {
    pub fn run(
        &mut self,
        cfg: &mut Configuration,
        name: &str,
        chart: &dyn ChartSource,
        vals: &Map,
    ) -> Result<Release, ActionError> {
        cfg.is_reachable()?;
        self.wait = self.wait || self.atomic;
        if validate_release_name(name).is_err() {
            return Err(ActionError::msg(format!("release name is invalid: {name}")));
        }
        let (current, mut upgraded) = self.prepare(cfg, name, chart, vals)?;
        cfg.releases.max_history = self.max_history;
        let res = self.perform(cfg, current, &mut upgraded)?;
        if !self.dry_run.is_dry_run() {
            cfg.store_final(&res)?;
        }
        Ok(res)
    }

    fn prepare(
        &self,
        cfg: &Configuration,
        name: &str,
        chart: &dyn ChartSource,
        vals: &Map,
    ) -> Result<(Release, Release), ActionError> {
        let last = cfg.releases.last(name).map_err(|e| match e {
            StorageError::NotFound => StorageError::NoDeployedReleases {
                name: name.to_string(),
            },
            other => other,
        })?;
        if last.status().is_pending() {
            return Err(ActionError::msg(ERR_PENDING));
        }
        let current = if last.status() == Status::Deployed {
            last.clone()
        } else {
            match cfg.releases.deployed(name) {
                Ok(r) => r,
                Err(StorageError::NoDeployedReleases { .. })
                    if matches!(last.status(), Status::Failed | Status::Superseded) =>
                {
                    last.clone()
                }
                Err(e) => return Err(e.into()),
            }
        };
        let (vals, defaults) = self.reuse_values(cfg, &current, vals);
        let stored_chart = {
            let mut c = chart.stored(&vals)?;
            if let Some(d) = &defaults {
                c.values = Some(d.clone());
            }
            c
        };
        let revision = last.version + 1;
        let opts = RenderOptions {
            name: name.to_string(),
            namespace: current.namespace.clone(),
            revision,
            is_install: false,
            is_upgrade: true,
            capabilities: cfg.capabilities()?,
            sub_notes: self.sub_notes,
            lookup: self
                .dry_run
                .cluster_lookups()
                .then(|| ClusterLookup::of(cfg)),
            post_renderer: self.post_renderer.clone(),
        };
        let rendered = chart.render(&vals, defaults.as_ref(), &opts)?;
        let upgraded = Release {
            name: name.to_string(),
            namespace: current.namespace.clone(),
            chart: Some(stored_chart),
            config: vals,
            info: Some(Info {
                first_deployed: current
                    .info
                    .as_ref()
                    .map(|i| i.first_deployed)
                    .unwrap_or_default(),
                last_deployed: Timestamp::now(),
                status: Status::PendingUpgrade,
                description: "Preparing upgrade".into(),
                notes: rendered.notes,
                ..Default::default()
            }),
            version: revision,
            manifest: rendered.manifest,
            hooks: rendered.hooks,
            labels: Default::default(),
        };
        resource::build(cfg.kube(), &upgraded.manifest)
            .map_err(|e| ActionError::msg(e.to_string()))?;
        Ok((current, upgraded))
    }

    /// The values to render with and, for `--reuse-values`, the defaults
    /// that replace the new chart's (the old release's computed values).
    fn reuse_values(
        &self,
        cfg: &Configuration,
        current: &Release,
        new_vals: &Map,
    ) -> (Map, Option<Map>) {
        if self.reset_values {
            (cfg.log)("resetting values to the chart's original version");
            return (new_vals.clone(), None);
        }
        if self.reuse_values {
            (cfg.log)("reusing the old release's values");
            let old_defaults = current
                .chart
                .as_ref()
                .map(|c| c.default_values())
                .unwrap_or_default();
            let old_vals = coalesce_values(&old_defaults, &current.config);
            return (coalesce_tables(new_vals, &current.config), Some(old_vals));
        }
        if self.reset_then_reuse_values {
            return (coalesce_tables(new_vals, &current.config), None);
        }
        if new_vals.is_empty() && !current.config.is_empty() {
            (cfg.log)(&format!(
                "copying values from {} (v{}) to new release.",
                current.name, current.version
            ));
            return (current.config.clone(), None);
        }
        (new_vals.clone(), None)
    }

    fn perform(
        &self,
        cfg: &Configuration,
        mut original: Release,
        upgraded: &mut Release,
    ) -> Result<Release, ActionError> {
        let mut current = resource::build(cfg.kube(), &original.manifest).map_err(|e| {
            let msg = e.to_string();
            if msg.contains("no matches for kind") {
                ActionError::msg(format!("current release manifest contains removed kubernetes api(s) for this kubernetes version and it is therefore unable to build the kubernetes objects for performing the diff. error from kubernetes: {msg}"))
            } else {
                ActionError::msg(format!("unable to build kubernetes objects from current release manifest: {msg}"))
            }
        })?;
        let mut target = resource::build(cfg.kube(), &upgraded.manifest).map_err(|e| {
            ActionError::msg(format!(
                "unable to build kubernetes objects from new release manifest: {e}"
            ))
        })?;
        set_ownership_metadata(&mut target, &upgraded.name, &upgraded.namespace);
        let to_be_created: Vec<ResourceInfo> = target
            .iter()
            .filter(|t| !current.iter().any(|c| c.key() == t.key()))
            .cloned()
            .collect();
        let to_be_updated = existing_resource_conflict(cfg.kube(), &to_be_created, &upgraded.name, &upgraded.namespace)
            .map_err(|e| e.wrap("rendered manifests contain a resource that already exists. Unable to continue with update"))?;
        current.extend(to_be_updated);
        if self.dry_run.is_dry_run() {
            upgraded.info_mut().description = if self.description.is_empty() {
                "Dry run complete".into()
            } else {
                self.description.clone()
            };
            return Ok(upgraded.clone());
        }
        cfg.releases.create(upgraded)?;
        match self.releasing(cfg, upgraded, &current, &target, &mut original) {
            Ok(()) => Ok(upgraded.clone()),
            Err((created, e)) => Err(self.fail_release(cfg, upgraded, &created, e)),
        }
    }

    fn releasing(
        &self,
        cfg: &Configuration,
        upgraded: &mut Release,
        current: &[ResourceInfo],
        target: &[ResourceInfo],
        original: &mut Release,
    ) -> Result<(), (Vec<ResourceInfo>, ActionError)> {
        if !self.disable_hooks {
            hooks::exec_hook(cfg, upgraded, HookEvent::PreUpgrade, self.timeout).map_err(|e| {
                (
                    Vec::new(),
                    ActionError::msg(format!("pre-upgrade hooks failed: {e}")),
                )
            })?;
        }
        let results = match apply::update(cfg.kube(), current, target, self.force) {
            Ok(r) => r,
            Err(e) => {
                cfg.record_release(original);
                return Err((e.result.created, ActionError::msg(e.message)));
            }
        };
        if self.recreate_pods {
            // Not critical for the release: Helm only logs a failure here.
            if let Err(e) = recreate(cfg, &results.updated) {
                (cfg.log)(&e);
            }
        }
        if self.wait {
            let mut progress = cfg.wait_progress();
            if let Err(e) = wait::wait_for_resources(
                cfg.kube(),
                target,
                self.timeout,
                self.wait_for_jobs,
                &mut progress,
            ) {
                cfg.record_release(original);
                return Err((results.created, e.into()));
            }
        }
        if !self.disable_hooks {
            hooks::exec_hook(cfg, upgraded, HookEvent::PostUpgrade, self.timeout).map_err(|e| {
                (
                    results.created.clone(),
                    ActionError::msg(format!("post-upgrade hooks failed: {e}")),
                )
            })?;
        }
        original.info_mut().status = Status::Superseded;
        cfg.record_release(original);
        upgraded.info_mut().status = Status::Deployed;
        upgraded.info_mut().description = if self.description.is_empty() {
            "Upgrade complete".into()
        } else {
            self.description.clone()
        };
        Ok(())
    }

    fn fail_release(
        &self,
        cfg: &Configuration,
        rel: &mut Release,
        created: &[ResourceInfo],
        err: ActionError,
    ) -> ActionError {
        let msg = format!("Upgrade {:?} failed: {err}", rel.name);
        (cfg.log)(&format!("warning: {msg}"));
        rel.set_status(Status::Failed, msg);
        cfg.record_release(rel);
        if self.cleanup_on_fail && !created.is_empty() {
            (cfg.log)(&format!(
                "Cleanup on fail set, cleaning up {} resources",
                created.len()
            ));
            let errs = apply::delete(cfg.kube(), created);
            if !errs.is_empty() {
                let list: Vec<String> = errs.iter().map(ToString::to_string).collect();
                return ActionError::msg(format!(
                    "an error occurred while cleaning up resources. original upgrade error: {err}: unable to cleanup resources: {}",
                    list.join(", ")
                ));
            }
        }
        if self.atomic {
            (cfg.log)("Upgrade failed and atomic is set, rolling back to last successful release");
            let hist = match cfg.releases.history(&rel.name) {
                Ok(h) => h,
                Err(he) => {
                    return ActionError::msg(format!(
                        "an error occurred while finding last successful release. original upgrade error: {err}: {he}"
                    ));
                }
            };
            let mut ok: Vec<Release> = hist
                .into_iter()
                .filter(|r| matches!(r.status(), Status::Superseded | Status::Deployed))
                .collect();
            sort_by_revision(&mut ok);
            let Some(target) = ok.last() else {
                return ActionError::msg(format!(
                    "unable to find a previously successful release when attempting to rollback. original upgrade error: {err}"
                ));
            };
            let mut rb = Rollback {
                version: target.version,
                wait: true,
                wait_for_jobs: self.wait_for_jobs,
                disable_hooks: self.disable_hooks,
                force: self.force,
                timeout: self.timeout,
                max_history: self.max_history,
                ..Default::default()
            };
            if let Err(re) = rb.run_inner(cfg, &rel.name) {
                return ActionError::msg(format!(
                    "an error occurred while rolling back the release. original upgrade error: {err}: {re}"
                ));
            }
            return ActionError::msg(format!(
                "release {} failed, and has been rolled back due to atomic being set: {err}",
                rel.name
            ));
        }
        err
    }
}

/// Helm's `recreate`: deletes the pods selected by each updated object that
/// has a pod selector (workloads and Services), so they restart with the
/// new spec.
pub(crate) fn recreate(cfg: &Configuration, resources: &[ResourceInfo]) -> Result<(), String> {
    for r in resources {
        let Some(selector) = pod_selector(&r.object) else {
            continue;
        };
        let fail = |e: &dyn std::fmt::Display| {
            format!(
                "unable to recreate pods for object {}/{} because an error occurred: {e}",
                r.namespace, r.name
            )
        };
        let pods = cfg
            .kube()
            .list(
                &ApiResource::pods(),
                &r.namespace,
                &ListParams::labels(selector),
            )
            .map_err(|e| fail(&e))?;
        for pod in pods {
            let name = pod["metadata"]["name"].as_str().unwrap_or_default();
            let ns = pod["metadata"]["namespace"]
                .as_str()
                .unwrap_or(&r.namespace);
            cfg.kube()
                .delete(&ApiResource::pods(), ns, name)
                .map_err(|e| fail(&e))?;
        }
    }
    Ok(())
}

/// The label selector string of an object's pods (`SelectorsForObject`),
/// `None` for kinds without one.
fn pod_selector(obj: &serde_json::Value) -> Option<String> {
    let kind = obj["kind"].as_str().unwrap_or_default();
    let spec_selector = &obj["spec"]["selector"];
    match kind {
        "ReplicationController" | "Service" => {
            let m = spec_selector.as_object().filter(|m| !m.is_empty())?;
            let mut parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect();
            parts.sort();
            Some(parts.join(","))
        }
        "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Deployment" | "Job" => {
            label_selector(spec_selector)
        }
        _ => None,
    }
}

/// A `LabelSelector` (matchLabels + matchExpressions) in selector syntax.
fn label_selector(sel: &serde_json::Value) -> Option<String> {
    let mut parts: Vec<(String, String)> = Vec::new();
    if let Some(m) = sel["matchLabels"].as_object() {
        for (k, v) in m {
            parts.push((k.clone(), format!("{k}={}", v.as_str().unwrap_or_default())));
        }
    }
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let key = e["key"].as_str().unwrap_or_default().to_string();
        let mut values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        values.sort_unstable();
        let text = match e["operator"].as_str().unwrap_or_default() {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => return None,
        };
        parts.push((key, text));
    }
    if parts.is_empty() {
        return None;
    }
    parts.sort();
    Some(
        parts
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join(","),
    )
}
