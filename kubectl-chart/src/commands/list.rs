//! `list`: releases of the namespace (or all namespaces), Helm's table,
//! JSON and YAML.

use anyhow::{Result, anyhow};
use chart_core::action::list::List;
use chart_core::json::JsonWriter;
use clap::Args;

use super::cluster::{OutputFormat, configuration, table, write_encoded};
use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct ListArgs {
    /// show all releases without any filter applied
    #[arg(short = 'a', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub all: bool,
    /// list releases across all namespaces
    #[arg(short = 'A', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub all_namespaces: bool,
    /// sort by release date
    #[arg(short = 'd', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub date: bool,
    /// show deployed releases. If no other is specified, this will be automatically enabled
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub deployed: bool,
    /// show failed releases
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub failed: bool,
    /// a regular expression (Perl compatible). Any releases that match the expression will be included in the results
    #[arg(short = 'f', long, default_value = "")]
    pub filter: String,
    /// maximum number of releases to fetch
    #[arg(short = 'm', long, default_value_t = 256)]
    pub max: usize,
    /// don't print headers when using the default output format
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub no_headers: bool,
    /// next release index in the list, used to offset from start value
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: OutputFormat,
    /// show pending releases
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub pending: bool,
    /// reverse the sort order
    #[arg(short = 'r', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub reverse: bool,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.
    #[arg(short = 'l', long, default_value = "")]
    pub selector: String,
    /// output short (quiet) listing format
    #[arg(short = 'q', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub short: bool,
    /// show superseded releases
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub superseded: bool,
    /// format time using golang time formatter
    #[arg(long, default_value = "")]
    pub time_format: String,
    /// show uninstalled releases (if 'helm uninstall --keep-history' was used)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub uninstalled: bool,
    /// show releases that are currently being uninstalled
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub uninstalling: bool,
}

pub fn run(global: &GlobalArgs, args: &ListArgs) -> Result<()> {
    let cfg = configuration(global, args.all_namespaces)?;
    let list = List {
        all: args.all,
        by_date: args.date,
        sort_reverse: args.reverse,
        limit: args.max,
        offset: args.offset,
        filter: args.filter.clone(),
        uninstalled: args.uninstalled,
        superseded: args.superseded,
        uninstalling: args.uninstalling,
        deployed: args.deployed,
        failed: args.failed,
        pending: args.pending,
        selector: args.selector.clone(),
    };
    let rels = list.run(&cfg).map_err(|e| anyhow!("{e}"))?;
    if args.short {
        let names: Vec<String> = rels.iter().map(|r| r.name.clone()).collect();
        return match args.output {
            OutputFormat::Table => {
                for n in names {
                    println!("{n}");
                }
                Ok(())
            }
            f => {
                let mut w = JsonWriter::new();
                w.strings(&names);
                write_encoded(f, &w.finish())
            }
        };
    }
    let rows: Vec<[String; 7]> = rels
        .iter()
        .map(|r| {
            let updated = match r.info.as_ref().map(|i| i.last_deployed) {
                Some(t) if !t.is_zero() => {
                    if args.time_format.is_empty() {
                        t.go_string()
                    } else {
                        t.format_go(&args.time_format)
                    }
                }
                _ => "-".to_string(),
            };
            [
                r.name.clone(),
                r.namespace.clone(),
                r.version.to_string(),
                updated,
                r.status().to_string(),
                r.chart_display_name(),
                r.app_version_display(),
            ]
        })
        .collect();
    match args.output {
        OutputFormat::Table => {
            let mut t = Vec::new();
            if !args.no_headers {
                t.push(
                    [
                        "NAME",
                        "NAMESPACE",
                        "REVISION",
                        "UPDATED",
                        "STATUS",
                        "CHART",
                        "APP VERSION",
                    ]
                    .map(String::from)
                    .to_vec(),
                );
            }
            t.extend(rows.iter().map(|r| r.to_vec()));
            print!("{}", table(&t));
            Ok(())
        }
        f => {
            let mut w = JsonWriter::new();
            w.begin_array();
            for r in &rows {
                w.begin_object();
                for (k, v) in [
                    "name",
                    "namespace",
                    "revision",
                    "updated",
                    "status",
                    "chart",
                    "app_version",
                ]
                .iter()
                .zip(r.iter())
                {
                    w.key(k);
                    w.string(v);
                }
                w.end_object();
            }
            w.end_array();
            write_encoded(f, &w.finish())
        }
    }
}
