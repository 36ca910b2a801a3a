//! `kubectl chart template [NAME] CHART`: renders a chart locally and prints
//! the manifests exactly as `helm template` does.

use std::io::Write;

use anyhow::{Context, Result, bail};
use chart_core::action::template::TemplateRequest;
use chart_core::action::{ClusterLookup, DryRun};
use chart_core::manifest::{FileWrite, OutputOptions, TemplateOutput};
use chart_core::values::ValueOptions;
use clap::Args;

use super::cluster::configuration;
use crate::args::{GlobalArgs, InstallFlags, ValuesArgs};
use crate::error::CliError;

#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// [NAME] [CHART]
    pub args: Vec<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions
    #[arg(short = 'a', long = "api-versions")]
    pub api_versions: Vec<String>,
    /// include CRDs in the templated output
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub include_crds: bool,
    /// set .Release.IsUpgrade instead of .Release.IsInstall
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub is_upgrade: bool,
    /// Kubernetes version used for Capabilities.KubeVersion
    #[arg(long)]
    pub kube_version: Option<String>,
    /// writes the executed templates to files in output-dir instead of stdout
    #[arg(long)]
    pub output_dir: Option<String>,
    /// use release name in the output-dir path.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub release_name: bool,
    /// only show manifests rendered from the given templates
    #[arg(short = 's', long = "show-only")]
    pub show_only: Vec<String>,
    /// skip tests from templated output
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub skip_tests: bool,
    /// validate your manifests against the Kubernetes cluster you are currently pointing at
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub validate: bool,
    #[command(flatten)]
    pub install: InstallFlags,
}

pub fn run(global: &GlobalArgs, args: &TemplateArgs) -> std::result::Result<(), CliError> {
    let req = request(global, args)?;
    let run = chart_core::action::template::run(&req);
    if !run.progress.is_empty() {
        print!("{}", run.progress);
    }
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for w in &run.warnings {
        writeln!(err, "{w}")?;
    }
    match run.result {
        Ok(out) => Ok(write_output(&out)?),
        Err(e) => {
            if global.debug
                && let Some(dump) = &e.debug_output
            {
                print!("{dump}");
            }
            Err(CliError::Message(e.message))
        }
    }
}

/// The request the flags describe.
fn request(global: &GlobalArgs, args: &TemplateArgs) -> Result<TemplateRequest> {
    // Flag values are checked before anything else, as cobra does.
    let post_renderer = args.install.post_renderer()?;
    args.install.dry_run()?;
    if args.args.is_empty() {
        bail!(
            "\"kubectl chart template\" requires at least 1 argument\n\nUsage:  kubectl chart template [NAME] [CHART] [flags]"
        );
    }
    let i = &args.install;
    if args.validate {
        bail!("--validate needs a cluster connection, which `template` does not support yet");
    }
    let req = TemplateRequest {
        args: args.args.clone(),
        name_template: i.name_template.clone(),
        generate_name: i.generate_name,
        namespace: global.namespace(),
        values: value_options(&i.values),
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        is_upgrade: args.is_upgrade,
        render_subchart_notes: i.render_subchart_notes,
        output: OutputOptions {
            include_crds: args.include_crds,
            skip_tests: args.skip_tests,
            no_hooks: i.no_hooks,
            show_only: args.show_only.clone(),
            output_dir: args.output_dir.clone(),
            use_release_name: args.release_name,
            release_name: String::new(),
        },
        cwd: std::env::current_dir().context("cannot read the current directory")?,
        chart_options: i.chart.options(),
        repo_settings: Some(global.repo_settings()),
        dependency_update: i.dependency_update,
        post_renderer,
        // Helm 3.13+: `template --dry-run=server` lets `lookup` read the
        // cluster (capabilities stay the client-only defaults).
        lookup: if i.dry_run()? == DryRun::Server {
            Some(ClusterLookup::of(&configuration(global, false)?))
        } else {
            None
        },
    };
    Ok(req)
}

/// Writes the rendered files (`--output-dir`) and the manifests.
fn write_output(out: &TemplateOutput) -> Result<()> {
    let stdout = std::io::stdout();
    let mut so = stdout.lock();
    for w in &out.writes {
        write_file(w)?;
        writeln!(so, "wrote {}", w.path)?;
    }
    match &out.stdout {
        Ok(text) => so.write_all(text.as_bytes())?,
        Err(e) => return Err(e.clone().into()),
    }
    so.flush()?;
    Ok(())
}

/// The `--values`/`--set*` flags as chart-core's value options.
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

/// Writes one `--output-dir` file as Helm does (create, or append).
fn write_file(w: &FileWrite) -> Result<()> {
    let path = std::path::Path::new(&w.path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("mkdir {}", dir.display()))?;
    }
    let mut f = if w.append {
        std::fs::OpenOptions::new().append(true).open(path)
    } else {
        std::fs::File::create(path)
    }
    .with_context(|| format!("open {}", w.path))?;
    f.write_all(w.content.as_bytes())?;
    Ok(())
}
