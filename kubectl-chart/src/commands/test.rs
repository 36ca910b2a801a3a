//! `test RELEASE`: run the release's test hooks.

use anyhow::{Result, anyhow};
use chart_core::action::release_testing;
use clap::Args;

use super::cluster::{OutputFormat, configuration, parse_duration};
use super::status::print_release;
use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct TestArgs {
    pub release: String,
    /// specify tests by attribute (currently "name") using attribute=value syntax or '!attribute=value' to exclude a test
    #[arg(long, value_delimiter = ',')]
    pub filter: Vec<String>,
    /// dump the logs from test pods (this runs after all tests are complete, but before any cleanup)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub logs: bool,
    /// time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
}

pub fn run(global: &GlobalArgs, args: &TestArgs) -> Result<()> {
    let cfg = configuration(global, false)?;
    let mut only = Vec::new();
    let mut skip = Vec::new();
    for f in &args.filter {
        if let Some(n) = f.strip_prefix("name=") {
            only.push(n.to_string());
        } else if let Some(n) = f
            .strip_prefix("!name=")
            .or_else(|| f.strip_prefix("! name="))
        {
            skip.push(n.to_string());
        }
    }
    let timeout = parse_duration(&args.timeout)?;
    match release_testing::run(&cfg, &args.release, timeout, &only, &skip) {
        Ok(rel) => print_release(&rel, OutputFormat::Table, global.debug, false),
        Err(failure) => {
            if let Some(rel) = &failure.release {
                print_release(rel, OutputFormat::Table, global.debug, false)?;
            }
            Err(anyhow!("{}", failure.error))
        }
    }
}
