//! `kubectl chart dependency list|update|build`: manages `charts/` and
//! `Chart.lock` as Helm does.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use chart_core::action::dependency::{DepOptions, build, list, update};
use clap::{Args, Subcommand};

use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct DependencyArgs {
    #[command(subcommand)]
    pub command: DependencyCommand,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum DependencyCommand {
    /// rebuild the charts/ directory based on the Chart.lock file
    Build(DepUpdateArgs),
    /// list the dependencies for the given chart
    #[command(visible_alias = "ls")]
    List(DepListArgs),
    /// update charts/ based on the contents of Chart.yaml
    #[command(visible_alias = "up")]
    Update(DepUpdateArgs),
}

#[derive(Args, Debug)]
pub struct DepListArgs {
    /// CHART
    pub args: Vec<String>,
    /// maximum column width for output table
    #[arg(long, default_value_t = 80)]
    pub max_col_width: usize,
}

#[derive(Args, Debug)]
pub struct DepUpdateArgs {
    /// CHART
    pub args: Vec<String>,
    /// keyring containing public keys
    #[arg(long, default_value = "~/.gnupg/pubring.gpg")]
    pub keyring: String,
    /// do not refresh the local repository cache
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub skip_refresh: bool,
    /// verify the packages against signatures
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub verify: bool,
}

/// `filepath.Clean(args[0])`, or `.`.
fn chart_path(args: &[String]) -> String {
    args.first()
        .map(|a| chart_core::gopath::clean(a))
        .unwrap_or_else(|| ".".into())
}

pub fn run(global: &GlobalArgs, args: &DependencyArgs) -> Result<()> {
    let settings = super::repo::settings(global);
    match &args.command {
        DependencyCommand::List(a) => {
            super::repo::require_args(
                "dependency list",
                "dependency list CHART [flags]",
                a.args.len(),
                0,
                Some(1),
            )?;
            print!("{}", list(&chart_path(&a.args), a.max_col_width)?);
            Ok(())
        }
        DependencyCommand::Update(a) | DependencyCommand::Build(a) => {
            let is_build = matches!(args.command, DependencyCommand::Build(_));
            let (cmd, usage) = if is_build {
                ("dependency build", "dependency build CHART [flags]")
            } else {
                ("dependency update", "dependency update CHART [flags]")
            };
            super::repo::require_args(cmd, usage, a.args.len(), 0, Some(1))?;
            let opts = DepOptions {
                skip_refresh: a.skip_refresh,
                verify: a.verify,
                debug: global.debug,
            };
            let path = PathBuf::from(chart_path(&a.args));
            let stdout = std::io::stdout();
            let mut out = LineFlush(stdout.lock());
            if is_build {
                build(&path, &settings, &opts, &mut out)?;
            } else {
                update(&path, &settings, &opts, &mut out)?;
            }
            Ok(())
        }
    }
}

/// Flushes each write so progress appears as it happens.
struct LineFlush<W: Write>(W);

impl<W: Write> Write for LineFlush<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        self.0.flush()?;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
