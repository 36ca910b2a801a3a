//! One module per subcommand: each maps its arguments onto `chart_core`
//! and prints the result the way Helm does.

pub mod cluster;
pub mod create;
pub mod dependency;
pub mod get;
pub mod history;
pub mod install;
pub mod lint;
pub mod list;
pub mod package;
pub mod pull;
pub mod repo;
pub mod rollback;
pub mod search;
pub mod show;
pub mod status;
pub mod template;
pub mod test;
pub mod uninstall;
pub mod upgrade;

use anyhow::Result;

use crate::args::{Cli, Command};
use crate::error::CliError;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> std::result::Result<(), CliError> {
    match &cli.command {
        // Its chart and render errors stay text (see `CliError`).
        Command::Template(args) => template::run(&cli.global, args),
        _ => run_other(&cli).map_err(CliError::from),
    }
}

fn run_other(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Create(args) => create::run(args),
        Command::Dependency(args) => dependency::run(&cli.global, args),
        Command::Package(args) => package::run(&cli.global, args),
        Command::Pull(args) => pull::run(&cli.global, args),
        Command::Repo(args) => repo::run(&cli.global, args),
        Command::Search(args) => search::run(&cli.global, args),
        Command::Template(args) => template::run(&cli.global, args).map_err(|e| match e {
            CliError::Message(m) => anyhow::Error::msg(m),
            CliError::Other(e) => e,
        }),
        Command::Show(cmd) => show::run(&cli.global, cmd),
        Command::Lint(args) => lint::run(&cli.global, args),
        Command::Get(args) => get::run(&cli.global, args),
        Command::History(args) => history::run(&cli.global, args),
        Command::Install(args) => install::run(&cli.global, args),
        Command::Upgrade(args) => upgrade::run(&cli.global, args),
        Command::List(args) => list::run(&cli.global, args),
        Command::Rollback(args) => rollback::run(&cli.global, args),
        Command::Status(args) => status::run(&cli.global, args),
        Command::Test(args) => test::run(&cli.global, args),
        Command::Uninstall(args) => uninstall::run(&cli.global, args),
        Command::Version => {
            println!("kubectl-chart {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
    }
}
