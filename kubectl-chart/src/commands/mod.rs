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

use crate::args::{Cli, Command};
use crate::error::CliError;

/// Runs the parsed command line. `template`'s chart and render errors stay
/// text (see [`CliError`]); the other commands' `anyhow` errors pass through.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let g = &cli.global;
    match &cli.command {
        Command::Template(args) => template::run(g, args),
        Command::Create(args) => Ok(create::run(args)?),
        Command::Dependency(args) => Ok(dependency::run(g, args)?),
        Command::Package(args) => Ok(package::run(g, args)?),
        Command::Pull(args) => Ok(pull::run(g, args)?),
        Command::Repo(args) => Ok(repo::run(g, args)?),
        Command::Search(args) => Ok(search::run(g, args)?),
        Command::Show(cmd) => Ok(show::run(g, cmd)?),
        Command::Lint(args) => Ok(lint::run(g, args)?),
        Command::Get(args) => Ok(get::run(g, args)?),
        Command::History(args) => Ok(history::run(g, args)?),
        Command::Install(args) => Ok(install::run(g, args)?),
        Command::Upgrade(args) => Ok(upgrade::run(g, args)?),
        Command::List(args) => Ok(list::run(g, args)?),
        Command::Rollback(args) => Ok(rollback::run(g, args)?),
        Command::Status(args) => Ok(status::run(g, args)?),
        Command::Test(args) => Ok(test::run(g, args)?),
        Command::Uninstall(args) => Ok(uninstall::run(g, args)?),
        Command::Version => {
            println!("kubectl-chart {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
    }
}
