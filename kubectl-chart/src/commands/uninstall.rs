//! `uninstall RELEASE_NAME [...]`.

use anyhow::{Result, anyhow};
use chart_core::action::uninstall::Uninstall;
use clap::Args;

use super::cluster::{configuration, parse_duration};
use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct UninstallArgs {
    #[arg(required = true)]
    pub releases: Vec<String>,
    /// add a custom description
    #[arg(long, default_value = "")]
    pub description: String,
    /// simulate a uninstall
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub dry_run: bool,
    /// remove all associated resources and mark the release as deleted, but retain the release history
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub keep_history: bool,
    /// prevent hooks from running during uninstallation
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub no_hooks: bool,
    /// time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// if set, will wait until all the resources are deleted before returning
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub wait: bool,
}

pub fn run(global: &GlobalArgs, args: &UninstallArgs) -> Result<()> {
    let cfg = configuration(global, false)?;
    let mut u = Uninstall {
        disable_hooks: args.no_hooks,
        dry_run: args.dry_run,
        keep_history: args.keep_history,
        wait: args.wait,
        timeout: parse_duration(&args.timeout)?,
        description: args.description.clone(),
    };
    for name in &args.releases {
        let res = u.run(&cfg, name).map_err(|e| anyhow!("{e}"))?;
        if !res.info.is_empty() {
            println!("{}", res.info);
        }
        println!("release \"{name}\" uninstalled");
    }
    Ok(())
}
