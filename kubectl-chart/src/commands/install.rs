//! `install [NAME] [CHART]`: install a chart as a new release.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Result, anyhow, bail};
use chart_core::action::chart_source::LoadedChart;
use chart_core::action::install::Install;
use chart_core::action::locate::locate_chart;
use chart_core::action::{ChartSource, Configuration};
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

/// Helm's `NameAndChart` for install.
fn name_and_chart(args: &[String], flags: &InstallFlags) -> Result<(String, String)> {
    let name_template = flags.name_template.clone().unwrap_or_default();
    if args.len() > 2 {
        bail!(
            "expected at most two arguments, unexpected arguments: {}",
            args[2..].join(", ")
        );
    }
    if let [name, chart] = args {
        if flags.generate_name {
            bail!("cannot set --generate-name and also specify a name");
        }
        if !name_template.is_empty() {
            bail!("cannot set --name-template and also specify a name");
        }
        return Ok((name.clone(), chart.clone()));
    }
    let chart = args.first().cloned().unwrap_or_default();
    if !name_template.is_empty() {
        bail!("--name-template is not supported yet");
    }
    if !flags.generate_name {
        bail!("must either provide a name or specify --generate-name");
    }
    let base = std::path::Path::new(&chart)
        .file_name()
        .map(|b| b.to_string_lossy().into_owned())
        .filter(|b| !b.is_empty() && b != ".")
        .unwrap_or_else(|| "chart".to_string());
    let base = base.split('.').next().unwrap_or("chart").to_string();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Ok((format!("{base}-{now}"), chart))
}

/// Locates, loads and checks a chart; prints Helm's warnings.
pub fn load_chart(chart_arg: &str) -> Result<LoadedChart> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let path = locate_chart(chart_arg, &cwd).map_err(|e| anyhow!(e))?;
    let chart = LoadedChart::load(&path).map_err(|e| anyhow!("{e}"))?;
    let ty = chart.chart_type();
    if !(ty.is_empty() || ty == "application") {
        bail!("{ty} charts are not installable");
    }
    let model = chart.model();
    if model.metadata.deprecated {
        eprintln!("WARNING: This chart is deprecated");
    }
    let missing: Vec<&str> = model
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|d| !model.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.as_str())
        .collect();
    if !missing.is_empty() {
        bail!(
            "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        );
    }
    Ok(chart)
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
    cfg: &Configuration,
    args: &[String],
    flags: &InstallFlags,
    is_upgrade: bool,
) -> Result<Release, anyhow::Error> {
    let (name, chart_arg) = name_and_chart(args, flags)?;
    let vals: Map = value_options(&flags.values)
        .merge_values()
        .map_err(|e| anyhow!("{e}"))?;
    let chart = load_chart(&chart_arg)?;
    let mut install = Install {
        release_name: name.clone(),
        namespace: cfg.kube().namespace().to_string(),
        create_namespace: flags.create_namespace,
        dry_run: flags.dry_run,
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
    if args.args.is_empty() {
        bail!(
            "\"kubectl chart install\" requires at least 1 argument\n\nUsage:  kubectl chart install [NAME] [CHART] [flags]"
        );
    }
    let cfg = configuration(global, false)?;
    let rel = run_install(&cfg, &args.args, &args.install, false)
        .map_err(|e| anyhow!("INSTALLATION FAILED: {e}"))?;
    print_release(&rel, args.output, global.debug, false)
}
