//! `status RELEASE_NAME`, and Helm's status printer shared by install,
//! upgrade, test and `get all`.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use chart_core::action::status;
use chart_core::action::values::coalesce_values;
use chart_core::json::JsonWriter;
use chart_core::release::schema::release_to_json;
use chart_core::release::{HookEvent, Release};
use chart_core::template::{Map, Value};
use clap::Args;

use super::cluster::{OutputFormat, configuration, json_to_yaml, write_encoded};
use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct StatusArgs {
    pub release: String,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: OutputFormat,
    /// if set, display the status of the named release with revision
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
    /// if set, display the description message of the named release
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub show_desc: bool,
}

pub fn run(global: &GlobalArgs, args: &StatusArgs) -> Result<()> {
    let cfg = configuration(global, false)?;
    let mut rel = status::run(&cfg, &args.release, args.revision).map_err(|e| anyhow!("{e}"))?;
    rel.chart = None;
    print_release(&rel, args.output, false, args.show_desc)
}

/// YAML of a values map as `output.EncodeYAML` prints it (`null` for none).
pub fn values_yaml(m: &Map, nil_when_empty: bool) -> Result<String> {
    if m.is_empty() && nil_when_empty {
        return Ok("null\n".to_string());
    }
    json_to_yaml(&JsonWriter::encode(&Value::map(m.clone())))
}

/// Helm's `statusPrinter` in the given format.
pub fn print_release(
    rel: &Release,
    format: OutputFormat,
    debug: bool,
    show_desc: bool,
) -> Result<()> {
    match format {
        OutputFormat::Table => {
            print!("{}", status_table(rel, debug, show_desc)?);
            Ok(())
        }
        other => write_encoded(other, &release_to_json(rel)),
    }
}

/// The table form of a release's status.
pub fn status_table(rel: &Release, debug: bool, show_desc: bool) -> Result<String> {
    let mut out = String::new();
    let info = rel.info.clone().unwrap_or_default();
    writeln!(out, "NAME: {}", rel.name)?;
    if !info.last_deployed.is_zero() {
        writeln!(out, "LAST DEPLOYED: {}", info.last_deployed.ansic())?;
    }
    writeln!(out, "NAMESPACE: {}", rel.namespace)?;
    writeln!(out, "STATUS: {}", info.status)?;
    writeln!(out, "REVISION: {}", rel.version)?;
    if show_desc {
        writeln!(out, "DESCRIPTION: {}", info.description)?;
    }
    let tests: Vec<_> = rel
        .hooks
        .iter()
        .filter(|h| h.has_event(HookEvent::Test))
        .collect();
    if tests.is_empty() {
        writeln!(out, "TEST SUITE: None")?;
    } else {
        for h in tests {
            if h.last_run.started_at.is_zero() {
                continue;
            }
            writeln!(out, "TEST SUITE:     {}", h.name)?;
            writeln!(out, "Last Started:   {}", h.last_run.started_at.ansic())?;
            writeln!(out, "Last Completed: {}", h.last_run.completed_at.ansic())?;
            writeln!(out, "Phase:          {}", h.last_run.phase.0)?;
        }
    }
    if debug {
        writeln!(out, "USER-SUPPLIED VALUES:")?;
        out.push_str(&values_yaml(&rel.config, true)?);
        writeln!(out)?;
        let defaults = rel
            .chart
            .as_ref()
            .map(|c| c.default_values())
            .unwrap_or_default();
        writeln!(out, "COMPUTED VALUES:")?;
        out.push_str(&values_yaml(
            &coalesce_values(&defaults, &rel.config),
            false,
        )?);
        writeln!(out)?;
    }
    if info.description.eq_ignore_ascii_case("Dry run complete") || debug {
        writeln!(out, "HOOKS:")?;
        for h in &rel.hooks {
            write!(out, "---\n# Source: {}\n{}\n", h.path, h.manifest)?;
        }
        write!(out, "MANIFEST:\n{}\n", rel.manifest)?;
    }
    if !info.notes.is_empty() {
        write!(out, "NOTES:\n{}\n", info.notes.trim())?;
    }
    Ok(out)
}
