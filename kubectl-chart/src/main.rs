//! `kubectl chart`: parses the command line and calls chart-core.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "kubectl-chart",
    version,
    about = "Helm charts, the kubectl way"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the client version
    Version,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Version => {
            println!("kubectl-chart {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
    }
}
