//! `kubectl chart search repo`: searches the configured repositories'
//! cached indexes; table, JSON or YAML output as Helm prints them.

use anyhow::{Result, bail};
use chart_core::action::search::{SearchOptions, search_repo};
use chart_core::json::JsonWriter;
use chart_core::repo::table::Table;
use clap::{Args, Subcommand};

use super::cluster::{OutputFormat, write_encoded};
use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct SearchArgs {
    #[command(subcommand)]
    pub command: SearchCommand,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum SearchCommand {
    /// search for charts in the Artifact Hub or your own hub instance
    Hub(SearchHubArgs),
    /// search repositories for a keyword in charts
    Repo(SearchRepoArgs),
}

#[derive(Args, Debug)]
pub struct SearchHubArgs {
    /// [KEYWORD]
    pub args: Vec<String>,
}

#[derive(Args, Debug)]
pub struct SearchRepoArgs {
    /// [keyword]
    pub keywords: Vec<String>,
    /// use development versions (alpha, beta, and release candidate releases), too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub devel: bool,
    /// maximum column width for output table
    #[arg(long, default_value_t = 50)]
    pub max_col_width: usize,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: OutputFormat,
    /// use regular expressions for searching repositories you have added
    #[arg(short = 'r', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub regexp: bool,
    /// search using semantic versioning constraints on repositories you have added
    #[arg(long, default_value = "")]
    pub version: String,
    /// show the long listing, with each version of each chart on its own line, for repositories you have added
    #[arg(short = 'l', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub versions: bool,
}

pub fn run(global: &GlobalArgs, args: &SearchArgs) -> Result<()> {
    match &args.command {
        SearchCommand::Hub(_) => {
            bail!(
                "search hub is not supported yet by kubectl-chart: use 'kubectl chart search repo'"
            )
        }
        SearchCommand::Repo(a) => repo(global, a),
    }
}

fn repo(global: &GlobalArgs, a: &SearchRepoArgs) -> Result<()> {
    let settings = super::repo::settings(global);
    let opts = SearchOptions {
        regexp: a.regexp,
        versions: a.versions,
        devel: a.devel,
        version: a.version.clone(),
    };
    let outcome = search_repo(&settings, &a.keywords, &opts)?;
    for w in &outcome.warnings {
        eprintln!("WARNING: {w}");
    }
    match a.output {
        OutputFormat::Table => {
            if outcome.results.is_empty() {
                println!("No results found");
                return Ok(());
            }
            let mut t = Table::new(a.max_col_width);
            t.add_row(["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"]);
            for r in &outcome.results {
                t.add_row([
                    r.name.clone(),
                    r.chart.metadata.version.clone(),
                    r.chart.metadata.app_version.clone(),
                    r.chart.metadata.description.clone(),
                ]);
            }
            println!("{}", t.render());
            Ok(())
        }
        f => {
            let mut w = JsonWriter::new();
            w.begin_array();
            for r in &outcome.results {
                w.begin_object();
                w.key("name");
                w.string(&r.name);
                w.key("version");
                w.string(&r.chart.metadata.version);
                w.key("app_version");
                w.string(&r.chart.metadata.app_version);
                w.key("description");
                w.string(&r.chart.metadata.description);
                w.end_object();
            }
            w.end_array();
            write_encoded(f, &w.finish())
        }
    }
}
