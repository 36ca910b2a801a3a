//! `kubectl chart show all|chart|crds|readme|values CHART`.

use std::io::Write;

use anyhow::{Context, Result, bail};
use chart_core::action::locate::locate_chart;
use chart_core::action::show::{ShowFormat, show};
use clap::{Args, Subcommand};

use crate::args::{ChartPathArgs, GlobalArgs};

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum ShowCommand {
    /// show all information of the chart
    All(ShowArgs),
    /// show the chart's definition
    Chart(ShowArgs),
    /// show the chart's CRDs
    Crds(ShowArgs),
    /// show the chart's README
    Readme(ShowArgs),
    /// show the chart's values
    Values(ShowValuesArgs),
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// CHART
    pub args: Vec<String>,
    #[command(flatten)]
    pub chart: ChartPathArgs,
}

#[derive(Args, Debug)]
pub struct ShowValuesArgs {
    #[command(flatten)]
    pub show: ShowArgs,
    /// supply a JSONPath expression to filter the output
    #[arg(long)]
    pub jsonpath: Option<String>,
}

pub fn run(global: &GlobalArgs, cmd: &ShowCommand) -> Result<()> {
    let (name, format, args) = match cmd {
        ShowCommand::All(a) => ("all", ShowFormat::All, a),
        ShowCommand::Chart(a) => ("chart", ShowFormat::Chart, a),
        ShowCommand::Crds(a) => ("crds", ShowFormat::Crds, a),
        ShowCommand::Readme(a) => ("readme", ShowFormat::Readme, a),
        ShowCommand::Values(v) => {
            if v.jsonpath.is_some() {
                bail!("--jsonpath is not supported yet");
            }
            ("values", ShowFormat::Values, &v.show)
        }
    };
    let [chart] = args.args.as_slice() else {
        bail!(
            "\"kubectl chart show {name}\" requires 1 argument\n\nUsage:  kubectl chart show {name} [CHART] [flags]"
        );
    };
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let path = locate_chart(chart, &cwd, &args.chart.options(), &global.repo_settings())
        .map_err(anyhow::Error::msg)?;
    let text = show(&path, format).map_err(anyhow::Error::msg)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
