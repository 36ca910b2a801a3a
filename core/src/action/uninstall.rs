//! `uninstall`: run delete hooks, delete the release's objects in
//! uninstall order (keeping `resource-policy: keep` ones) and purge or mark
//! its history (Helm's `action.Uninstall`).

use std::time::Duration;

use super::manifests::{filter_manifests_to_keep, sort_for};
use super::{ActionError, Configuration, DEFAULT_TIMEOUT, hooks, validate_release_name};
use crate::kube::{ResourceInfo, apply, resource, wait};
use crate::release::{HookEvent, Release, Status, Timestamp};
use crate::storage::sort_by_revision;

/// Options of an uninstall.
#[derive(Clone, Debug)]
pub struct Uninstall {
    pub disable_hooks: bool,
    pub dry_run: bool,
    pub keep_history: bool,
    pub wait: bool,
    pub timeout: Duration,
    pub description: String,
}

impl Default for Uninstall {
    fn default() -> Uninstall {
        Uninstall {
            disable_hooks: false,
            dry_run: false,
            keep_history: false,
            wait: false,
            timeout: DEFAULT_TIMEOUT,
            description: String::new(),
        }
    }
}

/// What an uninstall did.
#[derive(Debug, Default)]
pub struct UninstallResponse {
    pub release: Option<Release>,
    /// "These resources were kept due to the resource policy:\n[Kind] name\n…"
    pub info: String,
}

fn join_errors(errs: &[String]) -> String {
    errs.join("; ")
}

impl Uninstall {
    pub fn run(
        &mut self,
        cfg: &Configuration,
        name: &str,
    ) -> Result<UninstallResponse, ActionError> {
        cfg.is_reachable()?;
        if self.dry_run {
            let r = cfg.release_content(name, 0)?;
            return Ok(UninstallResponse {
                release: Some(r),
                info: String::new(),
            });
        }
        if validate_release_name(name).is_err() {
            return Err(ActionError::msg(format!(
                "uninstall: Release name is invalid: {name}"
            )));
        }
        let mut rels = cfg
            .releases
            .history(name)
            .map_err(|e| ActionError::msg(format!("uninstall: Release not loaded: {name}: {e}")))?;
        if rels.is_empty() {
            return Err(ActionError::msg("no release provided"));
        }
        sort_by_revision(&mut rels);
        let Some(mut rel) = rels.last().cloned() else {
            return Err(ActionError::msg("no release provided"));
        };
        if rel.status() == Status::Uninstalled {
            if !self.keep_history {
                self.purge(cfg, &rels)
                    .map_err(|e| e.wrap("uninstall: Failed to purge the release"))?;
                return Ok(UninstallResponse {
                    release: Some(rel),
                    info: String::new(),
                });
            }
            return Err(ActionError::msg(format!(
                "the release named {name:?} is already deleted"
            )));
        }
        (cfg.log)(&format!("uninstall: Deleting {name}"));
        rel.info_mut().status = Status::Uninstalling;
        rel.info_mut().deleted = Timestamp::now();
        rel.info_mut().description = "Deletion in progress (or silently failed)".into();
        if !self.disable_hooks {
            hooks::exec_hook(cfg, &mut rel, HookEvent::PreDelete, self.timeout)?;
        }
        if let Err(e) = cfg.releases.update(&rel) {
            (cfg.log)(&format!("uninstall: Failed to store updated release: {e}"));
        }
        let (deleted, kept, errs) = self.delete_release(cfg, &rel);
        if !errs.is_empty() {
            (cfg.log)(&format!(
                "uninstall: Failed to delete release: {}",
                join_errors(&errs)
            ));
            return Err(ActionError::msg(format!(
                "failed to delete release: {name}"
            )));
        }
        let mut errs: Vec<String> = Vec::new();
        let info = if kept.is_empty() {
            String::new()
        } else {
            format!("These resources were kept due to the resource policy:\n{kept}")
        };
        if self.wait {
            let mut progress = cfg.wait_progress();
            if let Err(e) = wait::wait_for_delete(cfg.kube(), &deleted, self.timeout, &mut progress)
            {
                errs.push(e.to_string());
            }
        }
        if !self.disable_hooks
            && let Err(e) = hooks::exec_hook(cfg, &mut rel, HookEvent::PostDelete, self.timeout)
        {
            errs.push(e.to_string());
        }
        rel.info_mut().status = Status::Uninstalled;
        rel.info_mut().description = if self.description.is_empty() {
            "Uninstallation complete".into()
        } else {
            self.description.clone()
        };
        if !self.keep_history {
            (cfg.log)(&format!("purge requested for {name}"));
            if let Err(e) = self.purge(cfg, &rels) {
                errs.push(format!("uninstall: Failed to purge the release: {e}"));
            }
        } else if let Err(e) = cfg.releases.update(&rel) {
            (cfg.log)(&format!("uninstall: Failed to store updated release: {e}"));
        }
        if !errs.is_empty() {
            return Err(ActionError::msg(format!(
                "uninstallation completed with {} error(s): {}",
                errs.len(),
                join_errors(&errs)
            )));
        }
        Ok(UninstallResponse {
            release: Some(rel),
            info,
        })
    }

    fn purge(&self, cfg: &Configuration, rels: &[Release]) -> Result<(), ActionError> {
        for r in rels {
            cfg.releases.delete(&r.name, r.version)?;
        }
        Ok(())
    }

    /// Deletes the manifest's objects; returns (deleted, kept list, errors).
    fn delete_release(
        &self,
        cfg: &Configuration,
        rel: &Release,
    ) -> (Vec<ResourceInfo>, String, Vec<String>) {
        let docs = match sort_for(&rel.manifest, crate::manifest::KindOrder::Uninstall) {
            Ok(d) => d,
            Err(e) => {
                return (
                    Vec::new(),
                    rel.manifest.clone(),
                    vec![format!(
                        "corrupted release record. You must manually delete the resources: {e}"
                    )],
                );
            }
        };
        let (keep, delete) = filter_manifests_to_keep(docs);
        let kept: String = keep
            .iter()
            .map(|d| format!("[{}] {}\n", d.kind, d.name))
            .collect();
        let mut text = String::new();
        for d in &delete {
            text.push_str("\n---\n");
            text.push_str(&d.content);
        }
        let resources = match resource::build(cfg.kube(), &text) {
            Ok(r) => r,
            Err(e) => {
                return (
                    Vec::new(),
                    String::new(),
                    vec![format!(
                        "unable to build kubernetes objects for delete: {e}"
                    )],
                );
            }
        };
        let errs: Vec<String> = if resources.is_empty() {
            Vec::new()
        } else {
            apply::delete(cfg.kube(), &resources)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        (resources, kept, errs)
    }
}
