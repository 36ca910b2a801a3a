//! `kubectl chart lint PATH…`: Helm's chart linter, with Helm's report
//! layout (`==> Linting <path>`, `[SEVERITY] file: message`, summary).

use std::io::Write;

use anyhow::{Context, Result, bail};
use chart_core::action::lint::{LintRequest, Severity, lint_chart, lint_paths};
use clap::Args;

use crate::args::{GlobalArgs, ValuesArgs};
use crate::commands::template::value_options;

#[derive(Args, Debug)]
pub struct LintArgs {
    /// PATH: chart directories to lint (default `.`)
    pub paths: Vec<String>,
    /// print only warnings and errors
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub quiet: bool,
    /// fail on lint warnings
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub strict: bool,
    /// lint dependent charts
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub with_subcharts: bool,
    #[command(flatten)]
    pub values: ValuesArgs,
}

pub fn run(global: &GlobalArgs, args: &LintArgs) -> Result<()> {
    let req = LintRequest {
        paths: args.paths.clone(),
        strict: args.strict,
        with_subcharts: args.with_subcharts,
        quiet: args.quiet,
        namespace: global.namespace(),
        values: value_options(&args.values),
        cwd: std::env::current_dir().context("cannot read the current directory")?,
    };
    let user = req
        .values
        .merge_values()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let paths = lint_paths(&req);
    let mut report = String::new();
    let mut failed = 0;
    let mut warned = 0;
    let stderr = std::io::stderr();
    for path in &paths {
        let result = lint_chart(path, &req, &user);
        for line in &result.log {
            writeln!(stderr.lock(), "{line}")?;
        }
        let noisy = result.has_warnings_or_errors();
        if noisy {
            warned += 1;
        }
        if req.quiet && !noisy {
            continue;
        }
        report.push_str(&format!("==> Linting {path}\n"));
        if result.messages.is_empty() {
            for e in &result.fatal {
                report.push_str(&format!("Error {e}\n"));
            }
        }
        for m in &result.messages {
            if !req.quiet || m.severity > Severity::Info {
                report.push_str(&format!("{m}\n"));
            }
        }
        if result.failed(req.strict) {
            failed += 1;
        }
        report.push('\n');
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(report.as_bytes())?;
    let summary = format!("{} chart(s) linted, {failed} chart(s) failed", paths.len());
    if failed > 0 {
        out.flush()?;
        bail!(summary);
    }
    if !req.quiet || warned > 0 {
        writeln!(out, "{summary}")?;
    }
    Ok(())
}
