//! `rollback`: a new revision that re-applies an earlier one's chart,
//! values, manifest and hooks (Helm's `action.Rollback`).

use std::time::Duration;

use super::validate::set_ownership_metadata;
use super::{ActionError, Configuration, DEFAULT_TIMEOUT, hooks, validate_release_name};
use crate::kube::{apply, resource, wait};
use crate::release::{HookEvent, Info, Release, Status, Timestamp};
use crate::storage::StorageError;

/// Options of a rollback.
#[derive(Clone, Debug)]
pub struct Rollback {
    /// Target revision; 0 = the one before the latest.
    pub version: i64,
    pub timeout: Duration,
    pub wait: bool,
    pub wait_for_jobs: bool,
    pub disable_hooks: bool,
    pub dry_run: bool,
    pub force: bool,
    pub cleanup_on_fail: bool,
    pub max_history: i64,
    /// `--recreate-pods` (deprecated in Helm, still honoured).
    pub recreate_pods: bool,
}

impl Default for Rollback {
    fn default() -> Rollback {
        Rollback {
            version: 0,
            timeout: DEFAULT_TIMEOUT,
            wait: false,
            wait_for_jobs: false,
            disable_hooks: false,
            dry_run: false,
            force: false,
            cleanup_on_fail: false,
            max_history: 10,
            recreate_pods: false,
        }
    }
}

impl Rollback {
    pub fn run(&mut self, cfg: &mut Configuration, name: &str) -> Result<(), ActionError> {
        cfg.releases.max_history = self.max_history;
        self.run_inner(cfg, name)
    }

    /// The rollback itself, with the storage's history limit as set.
    pub fn run_inner(&mut self, cfg: &Configuration, name: &str) -> Result<(), ActionError> {
        cfg.is_reachable()?;
        let (mut current, mut target) = self.prepare(cfg, name)?;
        if !self.dry_run {
            cfg.releases.create(&target)?;
        }
        self.perform(cfg, &mut current, &mut target)?;
        if !self.dry_run {
            cfg.store_final(&target)?;
        }
        Ok(())
    }

    fn prepare(&self, cfg: &Configuration, name: &str) -> Result<(Release, Release), ActionError> {
        if validate_release_name(name).is_err() {
            return Err(ActionError::msg(format!(
                "prepareRollback: Release name is invalid: {name}"
            )));
        }
        if self.version < 0 {
            return Err(ActionError::msg("invalid release revision"));
        }
        let current = cfg.releases.last(name)?;
        let previous_version = if self.version == 0 {
            current.version - 1
        } else {
            self.version
        };
        (cfg.log)(&format!(
            "rolling back {name} (current: v{}, target: v{previous_version})",
            current.version
        ));
        let previous = cfg.releases.get(name, previous_version)?;
        let target = Release {
            name: name.to_string(),
            namespace: current.namespace.clone(),
            chart: previous.chart.clone(),
            config: previous.config.clone(),
            info: Some(Info {
                first_deployed: current
                    .info
                    .as_ref()
                    .map(|i| i.first_deployed)
                    .unwrap_or_default(),
                last_deployed: Timestamp::now(),
                status: Status::PendingRollback,
                notes: previous
                    .info
                    .as_ref()
                    .map(|i| i.notes.clone())
                    .unwrap_or_default(),
                description: format!("Rollback to {previous_version}"),
                ..Default::default()
            }),
            version: current.version + 1,
            manifest: previous.manifest.clone(),
            hooks: previous.hooks.clone(),
            labels: Default::default(),
        };
        Ok((current, target))
    }

    fn perform(
        &self,
        cfg: &Configuration,
        current: &mut Release,
        target: &mut Release,
    ) -> Result<(), ActionError> {
        if self.dry_run {
            return Ok(());
        }
        let current_res = resource::build(cfg.kube(), &current.manifest).map_err(|e| {
            ActionError::msg(format!(
                "unable to build kubernetes objects from current release manifest: {e}"
            ))
        })?;
        let mut target_res = resource::build(cfg.kube(), &target.manifest).map_err(|e| {
            ActionError::msg(format!(
                "unable to build kubernetes objects from new release manifest: {e}"
            ))
        })?;
        if !self.disable_hooks {
            hooks::exec_hook(cfg, target, HookEvent::PreRollback, self.timeout)?;
        }
        set_ownership_metadata(&mut target_res, &target.name, &target.namespace);
        let results = match apply::update(cfg.kube(), &current_res, &target_res, self.force) {
            Ok(r) => r,
            Err(e) => {
                let msg = format!("Rollback {:?} failed: {}", target.name, e.message);
                (cfg.log)(&format!("warning: {msg}"));
                current.info_mut().status = Status::Superseded;
                target.set_status(Status::Failed, msg);
                cfg.record_release(current);
                cfg.record_release(target);
                if self.cleanup_on_fail {
                    let errs = apply::delete(cfg.kube(), &e.result.created);
                    if !errs.is_empty() {
                        let list: Vec<String> = errs.iter().map(ToString::to_string).collect();
                        return Err(ActionError::msg(format!(
                            "an error occurred while cleaning up resources. original rollback error: {}: unable to cleanup resources: {}",
                            e.message,
                            list.join(", ")
                        )));
                    }
                }
                return Err(ActionError::msg(e.message));
            }
        };
        if self.recreate_pods {
            // Not critical for the release: Helm only logs a failure here.
            if let Err(e) = super::upgrade::recreate(cfg, &results.updated) {
                (cfg.log)(&e);
            }
        }
        if self.wait {
            let mut progress = cfg.wait_progress();
            if let Err(e) = wait::wait_for_resources(
                cfg.kube(),
                &target_res,
                self.timeout,
                self.wait_for_jobs,
                &mut progress,
            ) {
                target.set_status(
                    Status::Failed,
                    format!("Release {:?} failed: {e}", target.name),
                );
                cfg.record_release(current);
                cfg.record_release(target);
                return Err(ActionError::msg(format!(
                    "release {} failed: {e}",
                    target.name
                )));
            }
        }
        if !self.disable_hooks {
            hooks::exec_hook(cfg, target, HookEvent::PostRollback, self.timeout)?;
        }
        let deployed = match cfg.releases.deployed_all(&current.name) {
            Ok(d) => d,
            Err(StorageError::NoDeployedReleases { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        for mut rel in deployed {
            (cfg.log)(&format!("superseding previous deployment {}", rel.version));
            rel.info_mut().status = Status::Superseded;
            cfg.record_release(&rel);
        }
        target.info_mut().status = Status::Deployed;
        Ok(())
    }
}
