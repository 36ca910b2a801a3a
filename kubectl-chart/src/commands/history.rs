//! `history RELEASE_NAME`: the revisions of a release.

use anyhow::{Result, anyhow};
use chart_core::action::history;
use chart_core::json::JsonWriter;
use clap::Args;

use super::cluster::{OutputFormat, configuration, table, write_encoded};
use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct HistoryArgs {
    pub release: String,
    /// maximum number of revision to include in history
    #[arg(long, default_value_t = 256)]
    pub max: usize,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: OutputFormat,
}

pub fn run(global: &GlobalArgs, args: &HistoryArgs) -> Result<()> {
    let cfg = configuration(global, false)?;
    let rels = history::run(&cfg, &args.release, args.max).map_err(|e| anyhow!("{e}"))?;
    match args.output {
        OutputFormat::Table => {
            let mut rows = vec![
                [
                    "REVISION",
                    "UPDATED",
                    "STATUS",
                    "CHART",
                    "APP VERSION",
                    "DESCRIPTION",
                ]
                .map(String::from)
                .to_vec(),
            ];
            for r in &rels {
                let updated = r.info.as_ref().map(|i| i.last_deployed).unwrap_or_default();
                rows.push(vec![
                    r.version.to_string(),
                    updated.ansic(),
                    r.status().to_string(),
                    r.chart_display_name(),
                    r.app_version_display(),
                    r.description().to_string(),
                ]);
            }
            print!("{}", table(&rows));
            Ok(())
        }
        f => {
            let mut w = JsonWriter::new();
            w.begin_array();
            for r in &rels {
                let updated = r.info.as_ref().map(|i| i.last_deployed).unwrap_or_default();
                w.begin_object();
                w.key("revision");
                w.int(r.version);
                w.key("updated");
                w.raw(&updated.json());
                w.key("status");
                w.string(r.status().as_str());
                w.key("chart");
                w.string(&r.chart_display_name());
                w.key("app_version");
                w.string(&r.app_version_display());
                w.key("description");
                w.string(r.description());
                w.end_object();
            }
            w.end_array();
            write_encoded(f, &w.finish())
        }
    }
}
