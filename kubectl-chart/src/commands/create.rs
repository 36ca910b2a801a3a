//! `kubectl chart create NAME`: writes Helm's chart scaffold.

use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::Args;

#[derive(Args, Debug)]
pub struct CreateArgs {
    /// NAME: the chart directory to create (its last path element is the chart name)
    pub args: Vec<String>,
    /// the name or absolute path to Helm starter scaffold
    #[arg(short = 'p', long)]
    pub starter: Option<String>,
}

pub fn run(args: &CreateArgs) -> Result<()> {
    if args.args.len() != 1 {
        bail!(
            "\"kubectl chart create\" requires 1 argument\n\nUsage:  kubectl chart create NAME [flags]"
        );
    }
    let name = &args.args[0];
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "Creating {name}")?;
    if args.starter.is_some() {
        bail!("--starter is not supported yet: only the built-in scaffold can be created");
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    chart_core::create::create(name, &cwd, &mut out)?;
    Ok(())
}
