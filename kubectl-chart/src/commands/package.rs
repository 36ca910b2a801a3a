//! `kubectl chart package`: writes chart archives as `helm package` does.

use anyhow::{Result, bail};
use chart_core::action::package::{PackageOptions, run as package};
use clap::Args;

use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct PackageArgs {
    /// [CHART_PATH] [...]
    pub paths: Vec<String>,
    /// set the appVersion on the chart to this version
    #[arg(long, default_value = "")]
    pub app_version: String,
    /// update dependencies from "Chart.yaml" to dir "charts/" before packaging
    #[arg(short = 'u', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub dependency_update: bool,
    /// location to write the chart.
    #[arg(short = 'd', long, default_value = ".")]
    pub destination: String,
    /// name of the key to use when signing. Used if --sign is true
    #[arg(long, default_value = "")]
    pub key: String,
    /// location of a public keyring
    #[arg(long, default_value = "~/.gnupg/pubring.gpg")]
    pub keyring: String,
    /// location of a file which contains the passphrase for the signing key. Use "-" in order to read from stdin.
    #[arg(long, default_value = "")]
    pub passphrase_file: String,
    /// use a PGP private key to sign this package
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub sign: bool,
    /// set the version on the chart to this semver version
    #[arg(long, default_value = "")]
    pub version: String,
}

pub fn run(global: &GlobalArgs, args: &PackageArgs) -> Result<()> {
    if args.paths.is_empty() {
        bail!("need at least one argument, the path to the chart");
    }
    if args.sign {
        bail!("--sign is not supported yet by kubectl-chart (provenance files)");
    }
    let settings = super::repo::settings(global);
    let opts = PackageOptions {
        version: args.version.clone(),
        app_version: args.app_version.clone(),
        destination: args.destination.clone(),
        dependency_update: args.dependency_update,
    };
    for p in &args.paths {
        let saved = package(p, &opts, &settings)?;
        println!(
            "Successfully packaged chart and saved it to: {}",
            saved.display()
        );
    }
    Ok(())
}
