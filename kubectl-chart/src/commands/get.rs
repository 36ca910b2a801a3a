//! `get all|values|manifest|notes|hooks|metadata RELEASE_NAME`.

use anyhow::{Result, anyhow};
use chart_core::action::get;
use chart_core::json::JsonWriter;
use chart_core::template::Value;
use clap::{Args, Subcommand};

use super::cluster::{OutputFormat, configuration, write_encoded};
use super::status::{status_table, values_yaml};
use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct GetArgs {
    #[command(subcommand)]
    pub command: GetCommand,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum GetCommand {
    /// download all information for a named release
    All(GetRelease),
    /// download all hooks for a named release
    Hooks(GetRelease),
    /// download the manifest for a named release
    Manifest(GetRelease),
    /// download the notes for a named release
    Notes(GetRelease),
    /// download the values file for a named release
    Values(GetValuesArgs),
    /// fetch metadata for a given release
    Metadata(GetMetadataArgs),
}

#[derive(Args, Debug)]
pub struct GetRelease {
    pub release: String,
    /// get the named release with revision
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
}

#[derive(Args, Debug)]
pub struct GetValuesArgs {
    pub release: String,
    /// get the named release with revision
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
    /// dump all (computed) values
    #[arg(short = 'a', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub all: bool,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: OutputFormat,
}

#[derive(Args, Debug)]
pub struct GetMetadataArgs {
    pub release: String,
    /// specify release revision
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: OutputFormat,
}

pub fn run(global: &GlobalArgs, args: &GetArgs) -> Result<()> {
    let cfg = configuration(global, false)?;
    let fetch = |name: &str, rev: i64| get::run(&cfg, name, rev).map_err(|e| anyhow!("{e}"));
    match &args.command {
        GetCommand::All(a) => {
            let rel = fetch(&a.release, a.revision)?;
            print!("{}", status_table(&rel, true, false)?);
        }
        GetCommand::Hooks(a) => {
            let rel = fetch(&a.release, a.revision)?;
            for h in &rel.hooks {
                print!("---\n# Source: {}\n{}\n", h.path, h.manifest);
            }
        }
        GetCommand::Manifest(a) => {
            let rel = fetch(&a.release, a.revision)?;
            println!("{}", rel.manifest);
        }
        GetCommand::Notes(a) => {
            let rel = fetch(&a.release, a.revision)?;
            let notes = rel.info.map(|i| i.notes).unwrap_or_default();
            if !notes.is_empty() {
                print!("NOTES:\n{notes}\n");
            }
        }
        GetCommand::Values(a) => {
            let vals =
                get::values(&cfg, &a.release, a.revision, a.all).map_err(|e| anyhow!("{e}"))?;
            // A stored release without values decodes to Go's nil map.
            let nil = vals.is_empty() && !a.all;
            match a.output {
                OutputFormat::Table => {
                    println!(
                        "{}",
                        if a.all {
                            "COMPUTED VALUES:"
                        } else {
                            "USER-SUPPLIED VALUES:"
                        }
                    );
                    print!("{}", values_yaml(&vals, nil)?);
                }
                f => {
                    let json = if nil {
                        "null".to_string()
                    } else {
                        JsonWriter::encode(&Value::map(vals))
                    };
                    write_encoded(f, &json)?;
                }
            }
        }
        GetCommand::Metadata(a) => {
            let rel = fetch(&a.release, a.revision)?;
            let chart = rel.chart.clone().unwrap_or_default();
            let deployed = rel
                .info
                .as_ref()
                .map(|i| i.last_deployed.format_go("2006-01-02T15:04:05Z07:00"))
                .unwrap_or_default();
            let fields = [
                ("name", "NAME", rel.name.clone()),
                ("chart", "CHART", chart.name().to_string()),
                ("version", "VERSION", chart.version().to_string()),
                ("appVersion", "APP_VERSION", chart.app_version().to_string()),
                ("namespace", "NAMESPACE", rel.namespace.clone()),
                ("revision", "REVISION", rel.version.to_string()),
                ("status", "STATUS", rel.status().to_string()),
                ("deployedAt", "DEPLOYED_AT", deployed),
            ];
            match a.output {
                OutputFormat::Table => {
                    for (_, label, v) in &fields {
                        println!("{label}: {v}");
                    }
                }
                f => {
                    let mut w = JsonWriter::new();
                    w.begin_object();
                    for (k, _, v) in &fields {
                        w.key(k);
                        if *k == "revision" {
                            w.int(rel.version);
                        } else {
                            w.string(v);
                        }
                    }
                    w.end_object();
                    write_encoded(f, &w.finish())?;
                }
            }
        }
    }
    Ok(())
}
