//! The command line, with Helm 3.10's command names, flag names, short forms
//! and defaults (see `../shared/docs/helm-cli/`). Global flags are flattened
//! into every command, as cobra's persistent flags are.
//!
//! Boolean flags accept `--flag`, `--flag=true` and `--flag=false` like pflag.

use std::ffi::OsString;

use clap::{Args, FromArgMatches, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "kubectl-chart",
    bin_name = "kubectl chart",
    version,
    about = "The Kubernetes package manager, as a kubectl plugin (Helm 3 compatible)",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line. Most runs name their command first
    /// (`kubectl chart template …`): those are parsed against a root that
    /// holds only that command, because clap copies every global flag into
    /// every subcommand of the root it parses with, and with nineteen
    /// commands that copying (and freeing it again) cost as much as the rest
    /// of parsing. Anything that root cannot parse (global flags before the
    /// command, `--help`, typos, bad values) is parsed again with the whole
    /// command tree, so help, suggestions and errors are the complete ones.
    pub fn parse_args(argv: Vec<OsString>) -> Result<Cli, clap::Error> {
        if let Some(cli) = Cli::parse_with_one_command(&argv) {
            return Ok(cli);
        }
        Cli::try_parse_from(argv)
    }

    fn parse_with_one_command(argv: &[OsString]) -> Option<Cli> {
        let name = argv.get(1)?.to_str()?;
        if name.starts_with('-') {
            return None;
        }
        // The commands alone (no global flags yet); each is a shell that
        // builds its own flags only when parsed.
        let all = <Command as Subcommand>::augment_subcommands(clap::Command::new("kubectl-chart"));
        let sub = all.find_subcommand(name)?.clone();
        let root = clap::Command::new("kubectl-chart")
            .bin_name("kubectl chart")
            .disable_help_subcommand(true)
            .subcommand_required(true);
        let mut root = GlobalArgs::augment_args(root).subcommand(sub);
        let parsed = root.try_get_matches_from_mut(argv).ok().and_then(|mut m| {
            let cli = Cli::from_arg_matches_mut(&mut m).ok();
            // The process ends after one command: freeing clap's tree
            // would only cost time.
            std::mem::forget(m);
            cli
        });
        std::mem::forget(root);
        std::mem::forget(all);
        parsed
    }
}

// Helm's persistent flags (`helm --help`, "Global Flags").
#[derive(Args, Debug, Clone, Default)]
pub struct GlobalArgs {
    /// client-side default throttling limit
    #[arg(long, global = true, default_value_t = 100, env = "HELM_BURST_LIMIT")]
    pub burst_limit: i64,
    /// enable verbose output
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set, env = "HELM_DEBUG")]
    pub debug: bool,
    /// the address and the port for the Kubernetes API server
    #[arg(long, global = true, env = "HELM_KUBEAPISERVER")]
    pub kube_apiserver: Option<String>,
    /// group to impersonate for the operation, this flag can be repeated to specify multiple groups.
    #[arg(long, global = true)]
    pub kube_as_group: Vec<String>,
    /// username to impersonate for the operation
    #[arg(long, global = true, env = "HELM_KUBEASUSER")]
    pub kube_as_user: Option<String>,
    /// the certificate authority file for the Kubernetes API server connection
    #[arg(long, global = true, env = "HELM_KUBECAFILE")]
    pub kube_ca_file: Option<String>,
    /// name of the kubeconfig context to use
    #[arg(long, global = true, env = "HELM_KUBECONTEXT")]
    pub kube_context: Option<String>,
    /// if true, the Kubernetes API server's certificate will not be checked for validity
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set, env = "HELM_KUBEINSECURE_SKIP_TLS_VERIFY")]
    pub kube_insecure_skip_tls_verify: bool,
    /// server name to use for Kubernetes API server certificate validation
    #[arg(long, global = true, env = "HELM_KUBETLS_SERVER_NAME")]
    pub kube_tls_server_name: Option<String>,
    /// bearer token used for authentication
    #[arg(long, global = true, env = "HELM_KUBETOKEN")]
    pub kube_token: Option<String>,
    /// path to the kubeconfig file
    #[arg(long, global = true, env = "KUBECONFIG")]
    pub kubeconfig: Option<String>,
    /// namespace scope for this request
    #[arg(short = 'n', long, global = true, env = "HELM_NAMESPACE")]
    pub namespace: Option<String>,
    /// path to the registry config file
    #[arg(long, global = true, env = "HELM_REGISTRY_CONFIG")]
    pub registry_config: Option<String>,
    /// path to the file containing cached repository indexes
    #[arg(long, global = true, env = "HELM_REPOSITORY_CACHE")]
    pub repository_cache: Option<String>,
    /// path to the file containing repository names and URLs
    #[arg(long, global = true, env = "HELM_REPOSITORY_CONFIG")]
    pub repository_config: Option<String>,
}

#[allow(dead_code)] // used by the cluster commands
impl GlobalArgs {
    /// Helm's repository settings from `--repository-config`/`--repository-cache`.
    pub fn repo_settings(&self) -> chart_core::repo::RepoSettings {
        let mut s = chart_core::repo::RepoSettings::with_overrides(
            self.repository_config.as_deref(),
            self.repository_cache.as_deref(),
        );
        s.debug = self.debug;
        s
    }

    /// The namespace in effect (`-n`, `$HELM_NAMESPACE`, else `default`).
    /// Helm also reads the kubeconfig context's namespace; without a
    /// kubeconfig that is `default`.
    pub fn namespace(&self) -> String {
        self.namespace
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "default".to_string())
    }
}

// `defer`: each subcommand's arguments are built only when that subcommand
// is the one invoked; building all of them cost more than rendering a
// small chart.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Command {
    /// create a new chart with the given name
    Create(crate::commands::create::CreateArgs),
    /// manage a chart's dependencies
    #[command(visible_aliases = ["dep", "dependencies"])]
    Dependency(crate::commands::dependency::DependencyArgs),
    /// examine a chart for possible issues
    Lint(crate::commands::lint::LintArgs),
    /// show information of a chart
    #[command(subcommand, visible_alias = "inspect")]
    Show(crate::commands::show::ShowCommand),
    /// download extended information of a named release
    Get(crate::commands::get::GetArgs),
    /// fetch release history
    #[command(visible_alias = "hist")]
    History(crate::commands::history::HistoryArgs),
    /// install a chart
    Install(crate::commands::install::InstallArgs),
    /// list releases
    #[command(visible_alias = "ls")]
    List(crate::commands::list::ListArgs),
    /// package a chart directory into a chart archive
    Package(crate::commands::package::PackageArgs),
    /// download a chart from a repository and (optionally) unpack it in local directory
    #[command(visible_alias = "fetch")]
    Pull(crate::commands::pull::PullArgs),
    /// add, list, remove, update, and index chart repositories
    Repo(crate::commands::repo::RepoArgs),
    /// roll back a release to a previous revision
    Rollback(crate::commands::rollback::RollbackArgs),
    /// search for a keyword in charts
    Search(crate::commands::search::SearchArgs),
    /// display the status of the named release
    Status(crate::commands::status::StatusArgs),
    /// locally render templates
    Template(crate::commands::template::TemplateArgs),
    /// run tests for a release
    Test(crate::commands::test::TestArgs),
    /// upgrade a release
    Upgrade(crate::commands::upgrade::UpgradeArgs),
    /// uninstall a release
    #[command(visible_aliases = ["del", "delete", "un"])]
    Uninstall(crate::commands::uninstall::UninstallArgs),
    /// print the client version information
    Version,
}

// `--values`/`--set*` (Helm's `values.Options`).
#[derive(Args, Debug, Clone, Default)]
pub struct ValuesArgs {
    /// specify values in a YAML file or a URL (can specify multiple)
    #[arg(short = 'f', long = "values", value_delimiter = ',')]
    pub values: Vec<String>,
    /// set values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)
    #[arg(long = "set")]
    pub set: Vec<String>,
    /// set STRING values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)
    #[arg(long = "set-string")]
    pub set_string: Vec<String>,
    /// set values from respective files specified via the command line (can specify multiple or separate values with commas: key1=path1,key2=path2)
    #[arg(long = "set-file")]
    pub set_file: Vec<String>,
    /// set JSON values on the command line (can specify multiple or separate values with commas: key1=jsonval1,key2=jsonval2)
    #[arg(long = "set-json")]
    pub set_json: Vec<String>,
}

// Where to find a chart (Helm's `ChartPathOptions`).
#[derive(Args, Debug, Clone, Default)]
pub struct ChartPathArgs {
    /// verify certificates of HTTPS-enabled servers using this CA bundle
    #[arg(long)]
    pub ca_file: Option<String>,
    /// identify HTTPS client using this SSL certificate file
    #[arg(long)]
    pub cert_file: Option<String>,
    /// identify HTTPS client using this SSL key file
    #[arg(long)]
    pub key_file: Option<String>,
    /// skip tls certificate checks for the chart download
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub insecure_skip_tls_verify: bool,
    /// location of public keys used for verification
    #[arg(long, default_value = "~/.gnupg/pubring.gpg")]
    pub keyring: String,
    /// pass credentials to all domains
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub pass_credentials: bool,
    /// chart repository password where to locate the requested chart
    #[arg(long)]
    pub password: Option<String>,
    /// chart repository url where to locate the requested chart
    #[arg(long)]
    pub repo: Option<String>,
    /// chart repository username where to locate the requested chart
    #[arg(long)]
    pub username: Option<String>,
    /// verify the package before using it
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub verify: bool,
    /// specify a version constraint for the chart version to use
    #[arg(long)]
    pub version: Option<String>,
    /// use development versions, too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub devel: bool,
}

impl ChartPathArgs {
    /// The library's chart location options.
    pub fn options(&self) -> chart_core::repo::ChartPathOptions {
        chart_core::repo::ChartPathOptions {
            version: self.version.clone().unwrap_or_default(),
            devel: self.devel,
            repo_url: self.repo.clone().unwrap_or_default(),
            username: self.username.clone().unwrap_or_default(),
            password: self.password.clone().unwrap_or_default(),
            pass_credentials_all: self.pass_credentials,
            ca_file: self.ca_file.clone().unwrap_or_default(),
            cert_file: self.cert_file.clone().unwrap_or_default(),
            key_file: self.key_file.clone().unwrap_or_default(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            verify: self.verify,
        }
    }
}

// The flags `helm install` and `helm template` share.
#[derive(Args, Debug, Clone, Default)]
pub struct InstallFlags {
    /// if set, the installation process deletes the installation on failure
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub atomic: bool,
    /// create the release namespace if not present
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub create_namespace: bool,
    /// update dependencies if they are missing before installing the chart
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub dependency_update: bool,
    /// add a custom description
    #[arg(long)]
    pub description: Option<String>,
    /// if set, the installation process will not validate rendered templates against the Kubernetes OpenAPI Schema
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub disable_openapi_validation: bool,
    /// simulate an install (`--dry-run` or `=client`: no cluster lookups; `=server`: with them)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: String,
    /// generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub generate_name: bool,
    /// specify template used to name the release
    #[arg(long)]
    pub name_template: Option<String>,
    /// prevent hooks from running during install
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub no_hooks: bool,
    /// the path to an executable to be used for post rendering
    #[arg(long)]
    pub post_renderer: Option<String>,
    /// an argument to the post-renderer (can specify multiple)
    #[arg(long)]
    pub post_renderer_args: Vec<String>,
    /// if set, render subchart notes along with the parent
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub render_subchart_notes: bool,
    /// re-use the given name, only if that name is a deleted release which remains in the history
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub replace: bool,
    /// if set, no CRDs will be installed. By default, CRDs are installed if not already present
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub skip_crds: bool,
    /// time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// if set, will wait until all Pods, PVCs, Services, and minimum number of Pods of a Deployment, StatefulSet, or ReplicaSet are in a ready state
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub wait: bool,
    /// if set and --wait enabled, will wait until all Jobs have been completed
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub wait_for_jobs: bool,
    #[command(flatten)]
    pub values: ValuesArgs,
    #[command(flatten)]
    pub chart: ChartPathArgs,
}

impl InstallFlags {
    /// `--dry-run[=…]`.
    pub fn dry_run(&self) -> anyhow::Result<chart_core::action::DryRun> {
        chart_core::action::DryRun::parse(&self.dry_run).map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// `--post-renderer` and its arguments, resolved as Helm does when it
    /// reads the flag.
    pub fn post_renderer(
        &self,
    ) -> anyhow::Result<Option<chart_core::action::post_render::PostRenderer>> {
        use chart_core::action::post_render::PostRenderer;
        match self.post_renderer.as_deref() {
            None | Some("") => Ok(None),
            Some(bin) => PostRenderer::new(bin, self.post_renderer_args.clone())
                .map(Some)
                .map_err(|e| anyhow::anyhow!(PostRenderer::flag_error(bin, &e))),
        }
    }

    /// Where the chart is looked up, from the working directory.
    pub fn chart_location(
        &self,
        global: &GlobalArgs,
    ) -> anyhow::Result<chart_core::action::chart_source::ChartLocation> {
        Ok(chart_core::action::chart_source::ChartLocation {
            cwd: std::env::current_dir()
                .map_err(|e| anyhow::anyhow!("cannot read the current directory: {e}"))?,
            options: self.chart.options(),
            settings: global.repo_settings(),
            dependency_update: self.dependency_update,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(line: &str) -> Vec<OsString> {
        std::iter::once("kubectl-chart")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect()
    }

    /// The one-command root must read every line exactly as the whole tree
    /// does, and leave to the whole tree whatever it cannot read.
    #[test]
    fn one_command_root_parses_as_the_whole_tree() {
        let lines = [
            "template",
            "template mychart ./chart",
            "template ./chart --namespace ns --kube-version 1.29.0 -f a.yaml,b.yaml --values c.yaml",
            "template r ./chart --set a=1 --set-string b=2 --set-json c={} --set-file d=f --show-only templates/x.yaml -s y",
            "template r ./chart --include-crds --skip-tests=false --is-upgrade --api-versions v1 -a apps/v1 --debug",
            "template r ./chart --output-dir out --release-name --name-template x -g --validate --burst-limit 7",
            "template r ./chart -n other --kubeconfig k --kube-context c --kube-token t --kube-insecure-skip-tls-verify",
            "install r ./chart --wait --timeout 2m --atomic --create-namespace -n x",
            "upgrade r ./chart --install --reuse-values --reset-values --history-max 3",
            "rollback r 2 --force --cleanup-on-fail",
            "uninstall r --keep-history",
            "un r",
            "delete r",
            "ls -a --all-namespaces -o json",
            "list --filter x -q --max 3",
            "history r -o yaml",
            "hist r",
            "status r --revision 2 --show-desc",
            "get values r --all",
            "get manifest r --revision 1",
            "show values ./chart",
            "inspect chart ./chart --version 1.2.3",
            "show all ./chart --devel",
            "create mychart",
            "create mychart -p starter",
            "lint a b --strict --with-subcharts --values v.yaml",
            "package ./chart -d out --version 1.0.0 --app-version 2",
            "dependency update ./chart --skip-refresh",
            "dep build ./chart",
            "dependencies list ./chart",
            "repo add name https://example.com --username u --password p",
            "repo update",
            "repo list -o json",
            "search repo nginx --versions --devel",
            "pull repo/chart --untar --untardir d",
            "fetch repo/chart --version 1",
            "test r --logs --filter name=x",
            "version",
            // What the one-command root cannot read; the whole tree decides.
            "-n ns template r ./chart",
            "--debug list",
            "template --help",
            "template r ./chart --bogus",
            "template r ./chart --set",
            "templat r ./chart",
            "show",
            "show nothing ./chart",
            "",
        ];
        let mut both = 0;
        for line in lines {
            let fast = Cli::parse_with_one_command(&argv(line));
            let full = Cli::try_parse_from(argv(line));
            match (&fast, &full) {
                (Some(f), Ok(w)) => {
                    assert_eq!(format!("{f:?}"), format!("{w:?}"), "{line}");
                    both += 1;
                }
                (Some(f), Err(e)) => panic!("{line}: one-command root gave {f:?}, whole tree: {e}"),
                (None, _) => {}
            }
            assert_eq!(
                format!("{:?}", Cli::parse_args(argv(line)).map_err(|e| e.kind())),
                format!("{:?}", full.map_err(|e| e.kind())),
                "{line}"
            );
        }
        // Every valid line above with the command first took the short path.
        assert_eq!(both, 38);
        // The common lines do take the one-command path.
        for line in [
            "template r ./chart -n x",
            "install r ./chart",
            "ls",
            "show values ./c",
        ] {
            assert!(Cli::parse_with_one_command(&argv(line)).is_some(), "{line}");
        }
    }
}
