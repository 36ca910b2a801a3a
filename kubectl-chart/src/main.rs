//! `kubectl chart`: parses the command line, runs the command, and reports
//! errors the way Helm does (`Error: …` on stderr, exit status 1).

mod args;
mod commands;
mod error;

use std::process::ExitCode;

use clap::error::ErrorKind;

fn main() -> ExitCode {
    let cli = match args::Cli::parse_args(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    // The process ends right after the command: its render state need not
    // be freed (a sizeable part of a `template` run). Output is written and
    // flushed by the command itself, files closed, before it returns.
    chart_core::action::template::leak_on_exit();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if err.is_broken_pipe() {
                return ExitCode::SUCCESS;
            }
            eprintln!("Error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// Prints clap's help/version as is, and turns parse errors into cobra's
/// wording where Helm users would recognise it.
fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::UnknownArgument => {
            let arg = e
                .get(clap::error::ContextKind::InvalidArg)
                .map(|v| v.to_string())
                .unwrap_or_default();
            let flag = arg.split('=').next().unwrap_or_default();
            if flag.starts_with("--") {
                eprintln!("Error: unknown flag: {flag}");
            } else if let Some(short) = flag.strip_prefix('-') {
                eprintln!("Error: unknown shorthand flag: '{short}' in {arg}");
            } else {
                eprintln!(
                    "Error: {}",
                    e.render().to_string().trim_start_matches("error: ").trim()
                );
            }
            ExitCode::from(1)
        }
        ErrorKind::InvalidValue
            if e.get(clap::error::ContextKind::InvalidValue)
                .is_some_and(|v| v.to_string().is_empty()) =>
        {
            let arg = e
                .get(clap::error::ContextKind::InvalidArg)
                .map(|v| v.to_string())
                .unwrap_or_default();
            let flag = arg
                .split(' ')
                .next()
                .unwrap_or_default()
                .split(['<', '='])
                .next()
                .unwrap_or_default();
            eprintln!("Error: flag needs an argument: {flag}");
            ExitCode::from(1)
        }
        _ => {
            eprintln!(
                "Error: {}",
                e.render().to_string().trim_start_matches("error: ").trim()
            );
            ExitCode::from(1)
        }
    }
}
