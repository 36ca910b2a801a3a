//! `kubectl chart repo add|list|remove|update|index`: Helm's repository
//! commands on Helm's own repositories.yaml and cache, with its messages.

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use chart_core::json::JsonWriter;
use chart_core::repo::file::RepoFileLock;
use chart_core::repo::table::Table;
use chart_core::repo::{Entry, Getter, RepoFile, RepoSettings, download_index_file};
use clap::{Args, Subcommand};

use super::cluster::{OutputFormat, write_encoded};
use crate::args::GlobalArgs;

#[derive(Args, Debug)]
pub struct RepoArgs {
    #[command(subcommand)]
    pub command: RepoCommand,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum RepoCommand {
    /// add a chart repository
    Add(RepoAddArgs),
    /// generate an index file given a directory containing packaged charts
    Index(RepoIndexArgs),
    /// list chart repositories
    #[command(visible_alias = "ls")]
    List(RepoListArgs),
    /// remove one or more chart repositories
    #[command(visible_alias = "rm")]
    Remove(RepoRemoveArgs),
    /// update information of available charts locally from chart repositories
    #[command(visible_alias = "up")]
    Update(RepoUpdateArgs),
}

#[derive(Args, Debug)]
pub struct RepoAddArgs {
    /// [NAME] [URL]
    pub args: Vec<String>,
    /// by default, this command will not allow adding official repos that have been permanently deleted. This disables that behavior
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub allow_deprecated_repos: bool,
    /// verify certificates of HTTPS-enabled servers using this CA bundle
    #[arg(long, default_value = "")]
    pub ca_file: String,
    /// identify HTTPS client using this SSL certificate file
    #[arg(long, default_value = "")]
    pub cert_file: String,
    /// replace (overwrite) the repo if it already exists
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub force_update: bool,
    /// skip tls certificate checks for the repository
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub insecure_skip_tls_verify: bool,
    /// identify HTTPS client using this SSL key file
    #[arg(long, default_value = "")]
    pub key_file: String,
    /// Ignored. Formerly, it would disabled forced updates. It is deprecated by force-update.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub no_update: bool,
    /// pass credentials to all domains
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub pass_credentials: bool,
    /// chart repository password
    #[arg(long, default_value = "")]
    pub password: String,
    /// read chart repository password from stdin
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub password_stdin: bool,
    /// chart repository username
    #[arg(long, default_value = "")]
    pub username: String,
}

#[derive(Args, Debug)]
pub struct RepoIndexArgs {
    /// [DIR]
    pub args: Vec<String>,
    /// merge the generated index into the given index
    #[arg(long, default_value = "")]
    pub merge: String,
    /// url of chart repository
    #[arg(long, default_value = "")]
    pub url: String,
}

#[derive(Args, Debug)]
pub struct RepoListArgs {
    pub args: Vec<String>,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: OutputFormat,
}

#[derive(Args, Debug)]
pub struct RepoRemoveArgs {
    /// [REPO1 [REPO2 ...]]
    pub names: Vec<String>,
}

#[derive(Args, Debug)]
pub struct RepoUpdateArgs {
    /// [REPO1 [REPO2 ...]]
    pub names: Vec<String>,
    /// update fails if any of the repository updates fail
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false", action = clap::ArgAction::Set)]
    pub fail_on_repo_update_fail: bool,
}

/// Helm's repository settings from the global flags and environment.
pub fn settings(global: &GlobalArgs) -> RepoSettings {
    let mut s = RepoSettings::with_overrides(
        global.repository_config.as_deref(),
        global.repository_cache.as_deref(),
    );
    s.debug = global.debug;
    s
}

/// cobra's argument-count errors (`require.ExactArgs` and friends).
pub fn require_args(
    cmd: &str,
    usage: &str,
    got: usize,
    min: usize,
    max: Option<usize>,
) -> Result<()> {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let msg = match max {
        Some(0) if got > 0 => format!("\"kubectl chart {cmd}\" accepts no arguments"),
        Some(m) if m == min && got != m => {
            format!("\"kubectl chart {cmd}\" requires {m} {}", plural(m))
        }
        Some(m) if got > m => format!("\"kubectl chart {cmd}\" accepts at most {m} {}", plural(m)),
        _ if got < min => format!(
            "\"kubectl chart {cmd}\" requires at least {min} {}",
            plural(min)
        ),
        _ => return Ok(()),
    };
    bail!("{msg}\n\nUsage:  kubectl chart {usage}")
}

pub fn run(global: &GlobalArgs, args: &RepoArgs) -> Result<()> {
    let settings = settings(global);
    match &args.command {
        RepoCommand::Add(a) => add(&settings, a),
        RepoCommand::Index(a) => index(a),
        RepoCommand::List(a) => list(&settings, a),
        RepoCommand::Remove(a) => remove(&settings, a),
        RepoCommand::Update(a) => update(&settings, a),
    }
}

const DEPRECATED_REPOS: &[(&str, &str)] = &[
    (
        "//kubernetes-charts.storage.googleapis.com",
        "https://charts.helm.sh/stable",
    ),
    (
        "//kubernetes-charts-incubator.storage.googleapis.com",
        "https://charts.helm.sh/incubator",
    ),
];

fn add(settings: &RepoSettings, a: &RepoAddArgs) -> Result<()> {
    require_args(
        "repo add",
        "repo add [NAME] [URL] [flags]",
        a.args.len(),
        2,
        Some(2),
    )?;
    let (name, url) = (&a.args[0], &a.args[1]);
    if !a.allow_deprecated_repos {
        for (old, new) in DEPRECATED_REPOS {
            if url.contains(old) {
                bail!("repo {url:?} is no longer available; try {new:?} instead");
            }
        }
    }
    let repo_file = &settings.repository_config;
    if let Some(dir) = repo_file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let _lock = RepoFileLock::acquire(repo_file)?;
    let data = match std::fs::read(repo_file) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let mut file = RepoFile::parse(&data).map_err(|e| anyhow!("{}", e.0))?;
    let mut password = a.password.clone();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !a.username.is_empty() && password.is_empty() {
        if a.password_stdin {
            let mut all = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut all)?;
            let p = all.strip_suffix('\n').unwrap_or(&all);
            password = p.strip_suffix('\r').unwrap_or(p).to_string();
        } else {
            write!(out, "Password: ")?;
            out.flush()?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            writeln!(out)?;
            password = line.trim_end_matches(['\n', '\r']).to_string();
        }
    }
    let entry = Entry {
        name: name.clone(),
        url: url.clone(),
        username: a.username.clone(),
        password,
        cert_file: a.cert_file.clone(),
        key_file: a.key_file.clone(),
        ca_file: a.ca_file.clone(),
        insecure_skip_tls_verify: a.insecure_skip_tls_verify,
        pass_credentials_all: a.pass_credentials,
    };
    if name.contains('/') {
        bail!("repository name ({name}) contains '/', please specify a different name without '/'");
    }
    if !a.force_update
        && let Some(existing) = file.get(name)
    {
        if *existing != entry {
            bail!("repository name ({name}) already exists, please specify a different name");
        }
        writeln!(
            out,
            "{name:?} already exists with the same configuration, skipping"
        )?;
        return Ok(());
    }
    let getter = Getter::new();
    download_index_file(&entry, &settings.repository_cache, &getter).map_err(|e| {
        anyhow!("looks like {url:?} is not a valid chart repository or cannot be reached: {e}")
    })?;
    file.update(entry);
    file.write(repo_file)?;
    writeln!(out, "{name:?} has been added to your repositories")?;
    Ok(())
}

fn index(a: &RepoIndexArgs) -> Result<()> {
    require_args(
        "repo index",
        "repo index [DIR] [flags]",
        a.args.len(),
        1,
        Some(1),
    )?;
    let dir = std::path::absolute(&a.args[0])?;
    chart_core::action::repo::index(&dir, &a.url, &a.merge)?;
    Ok(())
}

fn list(settings: &RepoSettings, a: &RepoListArgs) -> Result<()> {
    require_args("repo list", "repo list [flags]", a.args.len(), 0, Some(0))?;
    let file = RepoFile::load(&settings.repository_config)
        .ok()
        .flatten()
        .unwrap_or_default();
    if file.repositories.is_empty() && a.output == OutputFormat::Table {
        bail!("no repositories to show");
    }
    match a.output {
        OutputFormat::Table => {
            let mut t = Table::new(0);
            t.add_row(["NAME", "URL"]);
            for r in &file.repositories {
                t.add_row([r.name.clone(), r.url.clone()]);
            }
            println!("{}", t.render());
            Ok(())
        }
        f => {
            let mut w = JsonWriter::new();
            w.begin_array();
            for r in &file.repositories {
                w.begin_object();
                w.key("name");
                w.string(&r.name);
                w.key("url");
                w.string(&r.url);
                w.end_object();
            }
            w.end_array();
            write_encoded(f, &w.finish())
        }
    }
}

fn remove(settings: &RepoSettings, a: &RepoRemoveArgs) -> Result<()> {
    require_args(
        "repo remove",
        "repo remove [REPO1 [REPO2 ...]] [flags]",
        a.names.len(),
        1,
        None,
    )?;
    let repo_file = &settings.repository_config;
    let mut file = match RepoFile::load(repo_file) {
        Ok(Some(f)) if !f.repositories.is_empty() => f,
        Ok(_) => bail!("no repositories configured"),
        Err(e) => return Err(e.into()),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for name in &a.names {
        if !file.remove(name) {
            bail!("no repo named {name:?} found");
        }
        file.write(repo_file)?;
        remove_cache(&settings.repository_cache, name)?;
        writeln!(out, "{name:?} has been removed from your repositories")?;
    }
    Ok(())
}

fn remove_cache(root: &Path, name: &str) -> Result<()> {
    let _ = std::fs::remove_file(root.join(chart_core::repo::paths::cache_charts_file(name)));
    let idx = root.join(chart_core::repo::paths::cache_index_file(name));
    match std::fs::remove_file(&idx) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => bail!("can't remove index file {}: {e}", idx.display()),
    }
}

fn update(settings: &RepoSettings, a: &RepoUpdateArgs) -> Result<()> {
    let file = match RepoFile::load(&settings.repository_config) {
        Ok(Some(f)) if !f.repositories.is_empty() => f,
        Ok(_) => bail!("no repositories found. You must add one before updating"),
        Err(e) => bail!(
            "failed loading file: {}: {e}",
            settings.repository_config.display()
        ),
    };
    for n in &a.names {
        if file.get(n).is_none() {
            bail!("no repositories found matching '{n}'.  Nothing will be updated");
        }
    }
    let repos: Vec<Entry> = file
        .repositories
        .iter()
        .filter(|r| a.names.is_empty() || a.names.contains(&r.name))
        .cloned()
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "Hang tight while we grab the latest from your chart repositories..."
    )?;
    out.flush()?;
    let results = chart_core::action::repo::update_all(&repos, &settings.repository_cache);
    let mut failed = Vec::new();
    for (entry, result) in results {
        match result {
            Ok(()) => writeln!(
                out,
                "...Successfully got an update from the {:?} chart repository",
                entry.name
            )?,
            Err(e) => {
                writeln!(
                    out,
                    "...Unable to get an update from the {:?} chart repository ({}):\n\t{e}",
                    entry.name, entry.url
                )?;
                failed.push(entry.url.clone());
            }
        }
    }
    if !failed.is_empty() && a.fail_on_repo_update_fail {
        bail!(
            "Failed to update the following repositories: [{}]",
            failed.join(" ")
        );
    }
    writeln!(out, "Update Complete. ⎈Happy Helming!⎈")?;
    Ok(())
}
