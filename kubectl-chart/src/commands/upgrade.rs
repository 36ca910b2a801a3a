//! `upgrade [RELEASE] [CHART]`: upgrade a release (or install it with `--install`).

use anyhow::{Result, anyhow, bail};
use chart_core::action::ActionError;
use chart_core::action::history;
use chart_core::action::upgrade::Upgrade;
use chart_core::storage::StorageError;
use clap::Args;

use super::cluster::{OutputFormat, configuration, handle_interrupt, parse_duration};
use super::install::{flush_chart_log, load_chart, run_install, value_options};
use super::status::print_release;
use crate::args::{GlobalArgs, InstallFlags};

#[derive(Args, Debug)]
pub struct UpgradeArgs {
    /// [RELEASE] [CHART]
    pub args: Vec<String>,
    /// if a release by this name doesn't already exist, run an install
    #[arg(short = 'i', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub install: bool,
    /// allow deletion of new resources created in this upgrade when upgrade fails
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub cleanup_on_fail: bool,
    /// force resource updates through a replacement strategy
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub force: bool,
    /// limit the maximum number of revisions saved per release. Use 0 for no limit
    #[arg(long, env = "HELM_MAX_HISTORY", default_value_t = 10)]
    pub history_max: i64,
    /// performs pods restart for the resource if applicable
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub recreate_pods: bool,
    /// when upgrading, reset the values to the ones built into the chart
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub reset_values: bool,
    /// when upgrading, reuse the last release's values and merge in any overrides from the command line via --set and -f
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub reuse_values: bool,
    /// when upgrading, reset the values to the ones built into the chart, apply the last release's values and merge in any overrides
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub reset_then_reuse_values: bool,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: OutputFormat,
    #[command(flatten)]
    pub flags: InstallFlags,
}

pub fn run(global: &GlobalArgs, args: &UpgradeArgs) -> Result<()> {
    // Flag values are checked before anything else, as cobra does.
    args.flags.dry_run()?;
    args.flags.post_renderer()?;
    if args.recreate_pods {
        // cobra's notice for a deprecated flag, as Helm prints it.
        eprintln!(
            "Flag --recreate-pods has been deprecated, functionality will no longer be updated. Consult the documentation for other methods to recreate pods"
        );
    }
    if args.args.len() != 2 {
        bail!(
            "\"kubectl chart upgrade\" requires 2 arguments\n\nUsage:  kubectl chart upgrade [RELEASE] [CHART] [flags]"
        );
    }
    let name = &args.args[0];
    let mut cfg = configuration(global, false)?;
    if args.install {
        match history::run(&cfg, name, 1) {
            Err(ActionError::Storage(StorageError::NotFound)) => {
                if args.output == OutputFormat::Table {
                    println!("Release {name:?} does not exist. Installing it now.");
                }
                let rel = run_install(global, &cfg, &args.args, &args.flags, true)?;
                return print_release(&rel, args.output, global.debug, false);
            }
            Err(e) => return Err(anyhow!("{e}")),
            Ok(_) => {}
        }
    }
    let f = &args.flags;
    let vals = value_options(&f.values)
        .merge_values()
        .map_err(|e| anyhow!("{e}"))?;
    let chart = load_chart(&args.args[1], global, f)?;
    let mut up = Upgrade {
        namespace: cfg.kube().namespace().to_string(),
        skip_crds: f.skip_crds,
        timeout: parse_duration(&f.timeout)?,
        wait: f.wait,
        wait_for_jobs: f.wait_for_jobs,
        disable_hooks: f.no_hooks,
        dry_run: f.dry_run()?,
        post_renderer: f.post_renderer()?,
        recreate_pods: args.recreate_pods,
        force: args.force,
        reset_values: args.reset_values,
        reuse_values: args.reuse_values,
        reset_then_reuse_values: args.reset_then_reuse_values,
        max_history: args.history_max,
        atomic: f.atomic,
        cleanup_on_fail: args.cleanup_on_fail,
        sub_notes: f.render_subchart_notes,
        description: f.description.clone().unwrap_or_default(),
    };
    handle_interrupt(name);
    let result = up.run(&mut cfg, name, &chart, &vals);
    flush_chart_log(&chart);
    let rel = result.map_err(|e| anyhow!("UPGRADE FAILED: {e}"))?;
    if args.output == OutputFormat::Table {
        println!("Release {name:?} has been upgraded. Happy Helming!");
    }
    print_release(&rel, args.output, global.debug, false)
}
