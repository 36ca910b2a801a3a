//! `rollback <RELEASE> [REVISION]`.

use anyhow::{Result, anyhow};
use chart_core::action::rollback::Rollback;
use clap::Args;

use super::cluster::{configuration, parse_duration};
use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct RollbackArgs {
    pub release: String,
    pub revision: Option<String>,
    /// allow deletion of new resources created in this rollback when rollback fails
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub cleanup_on_fail: bool,
    /// simulate a rollback
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub dry_run: bool,
    /// force resource update through delete/recreate if needed
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub force: bool,
    /// limit the maximum number of revisions saved per release. Use 0 for no limit
    #[arg(long, env = "HELM_MAX_HISTORY", default_value_t = 10)]
    pub history_max: i64,
    /// prevent hooks from running during rollback
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub no_hooks: bool,
    /// performs pods restart for the resource if applicable
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub recreate_pods: bool,
    /// time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// if set, will wait until all resources are ready
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub wait: bool,
    /// if set and --wait enabled, will wait until all Jobs have been completed
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub wait_for_jobs: bool,
}

pub fn run(global: &GlobalArgs, args: &RollbackArgs) -> Result<()> {
    let mut cfg = configuration(global, false)?;
    let version = match &args.revision {
        None => 0,
        Some(r) => r
            .parse::<i64>()
            .map_err(|_| anyhow!("could not convert revision to a number: strconv.Atoi: parsing {r:?}: invalid syntax"))?,
    };
    let mut rb = Rollback {
        version,
        timeout: parse_duration(&args.timeout)?,
        wait: args.wait,
        wait_for_jobs: args.wait_for_jobs,
        disable_hooks: args.no_hooks,
        dry_run: args.dry_run,
        force: args.force,
        cleanup_on_fail: args.cleanup_on_fail,
        max_history: args.history_max,
        recreate_pods: args.recreate_pods,
    };
    rb.run(&mut cfg, &args.release)
        .map_err(|e| anyhow!("{e}"))?;
    println!("Rollback was a success! Happy Helming!");
    Ok(())
}
