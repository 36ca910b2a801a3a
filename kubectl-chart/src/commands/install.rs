//! `install [NAME] [CHART]`: install a chart as a new release.

use anyhow::{Result, anyhow, bail};
use chart_core::action::Configuration;
use chart_core::action::chart_source::{LoadedChart, load_installable};
use chart_core::action::install::{Install, name_and_chart};
use chart_core::release::Release;
use chart_core::template::Map;
use chart_core::values::ValueOptions;
use clap::Args;

use super::cluster::{OutputFormat, configuration, handle_interrupt, parse_duration};
use super::status::print_release;
use crate::args::{GlobalArgs, InstallFlags, ValuesArgs};

#[derive(Args, Debug)]
pub struct InstallArgs {
    /// [NAME] [CHART]
    pub args: Vec<String>,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: OutputFormat,
    #[command(flatten)]
    pub install: InstallFlags,
}

/// `-f`/`--set*` as the values module takes them.
pub fn value_options(v: &ValuesArgs) -> ValueOptions {
    ValueOptions {
        value_files: v.values.clone(),
        json_values: v.set_json.clone(),
        values: v.set.clone(),
        string_values: v.set_string.clone(),
        file_values: v.set_file.clone(),
        literal_values: Vec::new(),
    }
}

/// Locates and loads a chart as install/upgrade do (repositories,
/// `--dependency-update`); dependency-update progress goes to stdout.
pub fn load_chart(
    chart_arg: &str,
    global: &GlobalArgs,
    flags: &InstallFlags,
) -> Result<LoadedChart> {
    let loc = flags.chart_location(global)?;
    let mut out = std::io::stdout();
    load_installable(chart_arg, &loc, &mut out).map_err(|e| anyhow!("{e}"))
}

/// Prints the warnings the chart's processing logged.
pub fn flush_chart_log(chart: &LoadedChart) {
    if let Ok(log) = chart.log.lock() {
        for l in log.iter() {
            eprintln!("{l}");
        }
    }
}

/// Helm's `runInstall`: everything after argument parsing.
pub fn run_install(
    global: &GlobalArgs,
    cfg: &Configuration,
    args: &[String],
    flags: &InstallFlags,
    is_upgrade: bool,
) -> Result<Release, anyhow::Error> {
    let (name, chart_arg) = name_and_chart(
        args,
        flags.generate_name,
        flags.name_template.as_deref().unwrap_or_default(),
    )
    .map_err(|e| anyhow!("{e}"))?;
    let chart = load_chart(&chart_arg, global, flags)?;
    let vals: Map = value_options(&flags.values)
        .merge_values()
        .map_err(|e| anyhow!("{e}"))?;
    let mut install = Install {
        release_name: name.clone(),
        namespace: cfg.kube().namespace().to_string(),
        create_namespace: flags.create_namespace,
        dry_run: flags.dry_run()?,
        post_renderer: flags.post_renderer()?,
        disable_hooks: flags.no_hooks,
        replace: flags.replace,
        wait: flags.wait,
        wait_for_jobs: flags.wait_for_jobs,
        timeout: parse_duration(&flags.timeout)?,
        description: flags.description.clone().unwrap_or_default(),
        atomic: flags.atomic,
        skip_crds: flags.skip_crds,
        sub_notes: flags.render_subchart_notes,
        is_upgrade,
    };
    handle_interrupt(&name);
    let result = install.run(cfg, &chart, &vals);
    flush_chart_log(&chart);
    result.map_err(|e| anyhow!("{e}"))
}

pub fn run(global: &GlobalArgs, args: &InstallArgs) -> Result<()> {
    // Flag values are checked before anything else, as cobra does.
    args.install.dry_run()?;
    args.install.post_renderer()?;
    if args.args.is_empty() {
        bail!(
            "\"kubectl chart install\" requires at least 1 argument\n\nUsage:  kubectl chart install [NAME] [CHART] [flags]"
        );
    }
    let cfg = configuration(global, false)?;
    let rel = run_install(global, &cfg, &args.args, &args.install, false)
        .map_err(|e| anyhow!("INSTALLATION FAILED: {e}"))?;
    print_release(&rel, args.output, global.debug, false)
}
