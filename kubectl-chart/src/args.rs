//! The command line, with Helm 3.10's command names, flag names, short forms
//! and defaults (see `../shared/docs/helm-cli/`). Global flags are flattened
//! into every command, as cobra's persistent flags are.
//!
//! Boolean flags accept `--flag`, `--flag=true` and `--flag=false` like pflag.

use clap::{Args, Parser, Subcommand};

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
