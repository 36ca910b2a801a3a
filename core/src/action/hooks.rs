//! Running a release's hooks for one event (Helm's `execHook`): sorted by
//! weight then name, each deleted per `before-hook-creation`, created (not
//! applied), waited for (Jobs/Pods), its run recorded in the release, and
//! deleted per `hook-succeeded`/`hook-failed`.

use std::time::Duration;

use super::{ActionError, Configuration};
use crate::kube::{apply, resource, wait};
use crate::release::{
    Hook, HookDeletePolicy, HookEvent, HookExecution, HookPhase, Release, Timestamp,
};

fn delete_hook_by_policy(
    cfg: &Configuration,
    h: &Hook,
    policy: HookDeletePolicy,
) -> Result<(), ActionError> {
    if h.kind == "CustomResourceDefinition" || !h.has_delete_policy(policy) {
        return Ok(());
    }
    let resources = resource::build(cfg.kube(), &h.manifest).map_err(|e| {
        ActionError::msg(format!(
            "unable to build kubernetes object for deleting hook {}: {e}",
            h.path
        ))
    })?;
    let errs = apply::delete(cfg.kube(), &resources);
    if !errs.is_empty() {
        let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
        return Err(ActionError::msg(msgs.join("; ")));
    }
    Ok(())
}

/// Runs the hooks of `rel` for `event`, updating `rel.hooks[..].last_run`.
pub fn exec_hook(
    cfg: &Configuration,
    rel: &mut Release,
    event: HookEvent,
    timeout: Duration,
) -> Result<(), ActionError> {
    let mut executing: Vec<usize> = (0..rel.hooks.len())
        .filter(|i| rel.hooks[*i].has_event(event))
        .collect();
    // Stable sort by (weight, name), as Helm's hookByWeight.
    executing.sort_by(|a, b| {
        let (ha, hb) = (&rel.hooks[*a], &rel.hooks[*b]);
        ha.weight
            .cmp(&hb.weight)
            .then_with(|| ha.name.cmp(&hb.name))
    });
    for &i in &executing {
        if rel.hooks[i].delete_policies.is_empty() {
            rel.hooks[i].delete_policies =
                vec![HookDeletePolicy::BeforeHookCreation.as_str().to_string()];
        }
        let hook = rel.hooks[i].clone();
        delete_hook_by_policy(cfg, &hook, HookDeletePolicy::BeforeHookCreation)?;
        let resources = resource::build(cfg.kube(), &hook.manifest).map_err(|e| {
            ActionError::msg(format!(
                "unable to build kubernetes object for {} hook {}: {e}",
                event.as_str(),
                hook.path
            ))
        })?;
        rel.hooks[i].last_run = HookExecution {
            started_at: Timestamp::now(),
            completed_at: Timestamp::zero(),
            phase: HookPhase::running(),
        };
        cfg.record_release(rel);
        rel.hooks[i].last_run.phase = HookPhase::unknown();
        if let Err(e) = apply::create(cfg.kube(), &resources) {
            rel.hooks[i].last_run.completed_at = Timestamp::now();
            rel.hooks[i].last_run.phase = HookPhase::failed();
            return Err(ActionError::msg(format!(
                "warning: Hook {} {} failed: {e}",
                event.as_str(),
                hook.path
            )));
        }
        let mut result = Ok(());
        for r in &resources {
            if let Err(e) = wait::watch_until_ready(cfg.kube(), r, timeout) {
                result = Err(e);
                break;
            }
        }
        rel.hooks[i].last_run.completed_at = Timestamp::now();
        if let Err(e) = result {
            rel.hooks[i].last_run.phase = HookPhase::failed();
            delete_hook_by_policy(cfg, &hook, HookDeletePolicy::HookFailed)?;
            return Err(e.into());
        }
        rel.hooks[i].last_run.phase = HookPhase::succeeded();
    }
    for &i in &executing {
        let hook = rel.hooks[i].clone();
        delete_hook_by_policy(cfg, &hook, HookDeletePolicy::HookSucceeded)?;
    }
    Ok(())
}
