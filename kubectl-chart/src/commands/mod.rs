//! One module per subcommand: each maps its arguments onto `chart_core`
//! and prints the result the way Helm does.

pub mod create;
pub mod lint;
pub mod show;
pub mod template;

use anyhow::Result;

use crate::args::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Create(args) => create::run(args),
        Command::Template(args) => template::run(&cli.global, args),
        Command::Show(cmd) => show::run(cmd),
        Command::Lint(args) => lint::run(&cli.global, args),
        Command::Version => {
            println!("kubectl-chart {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
    }
}
