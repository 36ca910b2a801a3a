//! `kubectl chart pull`: downloads a chart from a repository (digest
//! checked) and optionally unpacks it.

use anyhow::Result;
use chart_core::action::pull::{PullOptions, run as pull};
use clap::Args;

use crate::args::{ChartPathArgs, GlobalArgs};

#[derive(Args, Debug)]
pub struct PullArgs {
    /// [chart URL | repo/chartname] [...]
    pub charts: Vec<String>,
    /// location to write the chart. If this and untardir are specified, untardir is appended to this
    #[arg(short = 'd', long, default_value = ".")]
    pub destination: String,
    /// fetch the provenance file, but don't perform verification
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub prov: bool,
    /// if set to true, will untar the chart after downloading it
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub untar: bool,
    /// if untar is specified, this flag specifies the name of the directory into which the chart is expanded
    #[arg(long, default_value = ".")]
    pub untardir: String,
    #[command(flatten)]
    pub chart: ChartPathArgs,
}

/// Maps Helm's chart-location flags onto the library's options.
pub fn chart_path_options(c: &ChartPathArgs) -> chart_core::repo::ChartPathOptions {
    c.options()
}

pub fn run(global: &GlobalArgs, args: &PullArgs) -> Result<()> {
    super::repo::require_args(
        "pull",
        "pull [chart URL | repo/chartname] [...] [flags]",
        args.charts.len(),
        1,
        None,
    )?;
    let settings = super::repo::settings(global);
    let opts = PullOptions {
        chart: chart_path_options(&args.chart),
        destination: args.destination.clone(),
        untar: args.untar,
        untar_dir: args.untardir.clone(),
        prov: args.prov,
    };
    for c in &args.charts {
        print!("{}", pull(c, &opts, &settings)?);
    }
    Ok(())
}
