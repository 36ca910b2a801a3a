//! Chart dependencies (`helm dependency list|update|build`, Helm's
//! `downloader.Manager` and `resolver`): resolving Chart.yaml ranges with
//! Masterminds constraints against cached repository indexes, `file://`
//! charts, `@name`/`alias:name` repository references, repositories not
//! in repositories.yaml (fetched ad hoc), downloading into `charts/`
//! through a temporary folder (archives digest-checked; on any error
//! nothing is moved into `charts/`), and `Chart.lock` with Helm's digest.
//!
//! [`hash`] computes the lock digest; [`list`] is `dependency list`.

pub mod hash;
pub mod list;

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::chart::{Chart, Dependency, Lock};
use crate::release::time::Timestamp;
use crate::repo::download::ChartDownloader;
use crate::repo::url::{normalize_url, url_equal};
use crate::repo::{
    Entry, GetOptions, Getter, IndexFile, RepoError, RepoFile, RepoSettings, download_index_file,
    is_oci, oci_unsupported,
};
use crate::semver::{Constraints, Version};

pub use hash::hash_req;

/// Prefix of the cache names of repositories not in repositories.yaml.
const MANAGER_KEY_PREFIX: &str = "helm-manager-";

/// `dependency update|build` flags.
#[derive(Clone, Debug, Default)]
pub struct DepOptions {
    /// `--skip-refresh`: do not download repository indexes first.
    pub skip_refresh: bool,
    /// `--verify`: provenance checks (not supported yet).
    pub verify: bool,
    /// `--debug`.
    pub debug: bool,
}

/// `dependency update`: resolves Chart.yaml's dependencies, downloads them
/// into `charts/` and writes `Chart.lock` (only when its digest changes).
pub fn update(
    chart_path: &Path,
    settings: &RepoSettings,
    opts: &DepOptions,
    out: &mut dyn Write,
) -> Result<(), RepoError> {
    Manager::new(chart_path, settings, opts, out).update()
}

/// `dependency build`: downloads exactly what `Chart.lock` lists (after
/// checking it matches Chart.yaml); without a lock it is `update`.
pub fn build(
    chart_path: &Path,
    settings: &RepoSettings,
    opts: &DepOptions,
    out: &mut dyn Write,
) -> Result<(), RepoError> {
    Manager::new(chart_path, settings, opts, out).build()
}

struct Manager<'a> {
    chart_path: PathBuf,
    settings: &'a RepoSettings,
    opts: &'a DepOptions,
    out: &'a mut dyn Write,
    getter: Getter,
}

/// Writes a progress line; output failures (closed pipe) do not stop the work.
macro_rules! say {
    ($m:expr, $($arg:tt)*) => {{
        let _ = writeln!($m.out, $($arg)*);
    }};
}

impl<'a> Manager<'a> {
    fn new(
        chart_path: &Path,
        settings: &'a RepoSettings,
        opts: &'a DepOptions,
        out: &'a mut dyn Write,
    ) -> Manager<'a> {
        Manager {
            chart_path: chart_path.to_path_buf(),
            settings,
            opts,
            out,
            getter: Getter::new(),
        }
    }

    fn load_chart_dir(&self) -> Result<Chart, RepoError> {
        let p = &self.chart_path;
        match std::fs::metadata(p) {
            Err(e) => {
                return Err(RepoError::io(format!("stat {}", p.display()), e)
                    .wrap(format!("could not find {}", p.display())));
            }
            Ok(m) if !m.is_dir() => {
                return Err(RepoError::msg("only unpacked charts can be updated"));
            }
            Ok(_) => {}
        }
        crate::chart::load_dir(p).map_err(|e| RepoError::msg(e.to_string()))
    }

    fn repo_file(&self) -> Result<RepoFile, RepoError> {
        Ok(RepoFile::load(&self.settings.repository_config)?.unwrap_or_default())
    }

    fn update(&mut self) -> Result<(), RepoError> {
        if self.opts.verify {
            return Err(verify_unsupported());
        }
        let chart = self.load_chart_dir()?;
        let mut req: Vec<Option<Dependency>> = chart.metadata.dependencies.clone();
        if req.is_empty() {
            return Ok(());
        }
        let repo_names = self.resolve_repo_names(&mut req)?;
        let repo_names = self.ensure_missing_repos(repo_names, &req)?;
        if !self.opts.skip_refresh {
            self.update_repositories()?;
        }
        let mut lock = self.resolve(&req, &repo_names)?;
        self.download_all(&mut lock.dependencies)?;
        lock.digest = hash_req(&req, &lock.dependencies);
        if chart
            .lock
            .as_ref()
            .is_some_and(|old| old.digest == lock.digest)
        {
            return Ok(());
        }
        self.write_lock(&lock, chart.metadata.api_version == "v1")
    }

    fn build(&mut self) -> Result<(), RepoError> {
        if self.opts.verify {
            return Err(verify_unsupported());
        }
        let chart = self.load_chart_dir()?;
        let Some(lock) = chart.lock.clone() else {
            return self.update();
        };
        let v1 = chart.metadata.api_version == "v1";
        let mut req = chart.metadata.dependencies.clone();
        self.resolve_repo_names(&mut req)?;
        if hash_req(&req, &lock.dependencies) != lock.digest {
            return Err(RepoError::msg(if v1 {
                "the lock file (requirements.lock) is out of sync with the dependencies file (requirements.yaml). Please update the dependencies"
            } else {
                "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies"
            }));
        }
        self.has_all_repos(&lock.dependencies)?;
        if !self.opts.skip_refresh {
            self.update_repositories()?;
        }
        let mut deps = lock.dependencies.clone();
        self.download_all(&mut deps)
    }

    /// Maps each dependency to a repository name; rewrites `@name` and
    /// `alias:name` references to the repository URL (as Helm does before
    /// hashing). File and OCI references map to themselves.
    fn resolve_repo_names(
        &mut self,
        deps: &mut [Option<Dependency>],
    ) -> Result<BTreeMap<String, String>, RepoError> {
        let rf = self.repo_file()?;
        let mut names = BTreeMap::new();
        let mut missing = Vec::new();
        for dd in deps.iter_mut().flatten() {
            if dd.repository.is_empty() {
                continue;
            }
            if dd.repository.starts_with("file://") {
                local_path(&dd.repository, &self.chart_path)?;
                if self.opts.debug {
                    say!(self, "Repository from local path: {}", dd.repository);
                }
                names.insert(dd.name.clone(), dd.repository.clone());
                continue;
            }
            if is_oci(&dd.repository) {
                names.insert(dd.name.clone(), dd.repository.clone());
                continue;
            }
            let alias = dd
                .repository
                .strip_prefix('@')
                .or_else(|| dd.repository.strip_prefix("alias:"));
            let found = rf.repositories.iter().find(|r| match alias {
                Some(a) => a == r.name,
                None => url_equal(&r.url, &dd.repository),
            });
            match found {
                Some(r) => {
                    if alias.is_some() {
                        dd.repository = r.url.clone();
                    }
                    names.insert(dd.name.clone(), r.name.clone());
                }
                None => {
                    if alias.is_none() && is_request_uri(&dd.repository) {
                        names.insert(dd.repository.clone(), dd.repository.clone());
                    } else {
                        missing.push(dd.repository.clone());
                    }
                }
            }
        }
        if !missing.is_empty() {
            let mut msg = format!(
                "no repository definition for {}. Please add them via 'helm repo add'",
                missing.join(", ")
            );
            if missing
                .iter()
                .any(|r| !r.contains("//") && !r.starts_with('@') && !r.starts_with("alias:"))
            {
                msg.push_str("\nNote that repositories must be URLs or aliases. For example, to refer to the \"example\"\nrepository, use \"https://charts.example.com/\" or \"@example\" instead of\n\"example\". Don't forget to add the repo, too ('helm repo add').");
            }
            return Err(RepoError::msg(msg));
        }
        Ok(names)
    }

    /// Repositories referenced by URL but not configured get a cache entry
    /// `helm-manager-<sha256(url)>` and are fetched.
    fn ensure_missing_repos(
        &mut self,
        mut names: BTreeMap<String, String>,
        deps: &[Option<Dependency>],
    ) -> Result<BTreeMap<String, String>, RepoError> {
        let mut unmanaged = Vec::new();
        for dd in deps.iter().flatten() {
            if dd.repository.is_empty() || names.contains_key(&dd.name) {
                continue;
            }
            let rn = format!(
                "{MANAGER_KEY_PREFIX}{}",
                hex::encode(Sha256::digest(dd.repository.as_bytes()))
            );
            names.insert(dd.name.clone(), rn.clone());
            unmanaged.push(Entry {
                name: rn,
                url: dd.repository.clone(),
                ..Entry::default()
            });
        }
        if !self.opts.skip_refresh && !unmanaged.is_empty() {
            say!(self, "Getting updates for unmanaged Helm repositories...");
            self.parallel_repo_update(&unmanaged);
        }
        Ok(names)
    }

    fn update_repositories(&mut self) -> Result<(), RepoError> {
        let rf = self.repo_file()?;
        if !rf.repositories.is_empty() {
            say!(
                self,
                "Hang tight while we grab the latest from your chart repositories..."
            );
            self.parallel_repo_update(&rf.repositories);
            say!(self, "Update Complete. ⎈Happy Helming!⎈");
        }
        Ok(())
    }

    /// Fetches indexes concurrently; failures are reported, not fatal.
    fn parallel_repo_update(&mut self, repos: &[Entry]) {
        let cache = self.settings.repository_cache.clone();
        let results: Vec<(Entry, Result<PathBuf, RepoError>)> = std::thread::scope(|s| {
            let handles: Vec<_> = repos
                .iter()
                .map(|e| {
                    let cache = &cache;
                    s.spawn(move || {
                        let getter = Getter::new();
                        (e.clone(), download_index_file(e, cache, &getter))
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        for (e, r) in results {
            let managed = e.name.starts_with(MANAGER_KEY_PREFIX);
            match (r, managed) {
                (Ok(_), true) => say!(
                    self,
                    "...Successfully got an update from the {:?} chart repository",
                    e.url
                ),
                (Ok(_), false) => say!(
                    self,
                    "...Successfully got an update from the {:?} chart repository",
                    e.name
                ),
                (Err(err), true) => say!(
                    self,
                    "...Unable to get an update from the {:?} chart repository:\n\t{err}",
                    e.url
                ),
                (Err(err), false) => say!(
                    self,
                    "...Unable to get an update from the {:?} chart repository ({}):\n\t{err}",
                    e.name,
                    e.url
                ),
            }
        }
    }

    /// Helm's `resolver.Resolve`: picks the newest version satisfying each
    /// constraint.
    fn resolve(
        &self,
        req: &[Option<Dependency>],
        names: &BTreeMap<String, String>,
    ) -> Result<Lock, RepoError> {
        let mut locked: Vec<Option<Dependency>> = Vec::with_capacity(req.len());
        let mut missing = Vec::new();
        for d in req {
            let Some(d) = d else {
                locked.push(None);
                continue;
            };
            let constraint = Constraints::parse(&d.version).map_err(|e| {
                RepoError::msg(format!(
                    "dependency {:?} has an invalid version/constraint format: {e}",
                    d.name
                ))
            })?;
            let lock_dep = |version: &str| Dependency {
                name: d.name.clone(),
                repository: d.repository.clone(),
                version: version.to_string(),
                ..Dependency::default()
            };
            if d.repository.is_empty() {
                local_path(&format!("charts/{}", d.name), &self.chart_path)?;
                locked.push(Some(lock_dep(&d.version)));
                continue;
            }
            if d.repository.starts_with("file://") {
                let dir = local_path(&d.repository, &self.chart_path)?;
                let ch = crate::chart::load_dir(&dir).map_err(|e| RepoError::msg(e.to_string()))?;
                let Ok(v) = Version::parse(&ch.metadata.version) else {
                    locked.push(None);
                    continue;
                };
                if !constraint.matches(&v) {
                    missing.push(d.name.clone());
                    locked.push(None);
                    continue;
                }
                locked.push(Some(lock_dep(&ch.metadata.version)));
                continue;
            }
            if is_oci(&d.repository) {
                return Err(oci_unsupported(&d.repository));
            }
            let repo_name = names.get(&d.name).cloned().unwrap_or_default();
            if repo_name.is_empty() {
                locked.push(Some(lock_dep(&d.version)));
                continue;
            }
            let index = IndexFile::load(&self.settings.index_file(&repo_name)).map_err(|e| {
                e.wrap(format!(
                    "no cached repository for {repo_name} found. (try 'helm repo update')"
                ))
            })?;
            let Some(versions) = index.entries.get(&d.name) else {
                return Err(RepoError::msg(format!(
                    "{} chart not found in repo {}",
                    d.name, d.repository
                )));
            };
            let found = versions.iter().find(|cv| {
                !cv.urls.is_empty()
                    && Version::parse(cv.version()).is_ok_and(|v| constraint.matches(&v))
            });
            match found {
                Some(cv) => locked.push(Some(lock_dep(cv.version()))),
                None => {
                    missing.push(d.name.clone());
                    locked.push(Some(lock_dep("")));
                }
            }
        }
        if !missing.is_empty() {
            return Err(RepoError::msg(format!(
                "can't get a valid version for repositories {}. Try changing the version constraint in Chart.yaml",
                missing.join(", ")
            )));
        }
        Ok(Lock {
            generated: Timestamp::now().rfc3339_nano(),
            digest: hash_req(req, &locked),
            dependencies: locked,
        })
    }

    /// Helm's `hasAllRepos` (for `build`).
    fn has_all_repos(&self, deps: &[Option<Dependency>]) -> Result<(), RepoError> {
        let rf = self.repo_file()?;
        let missing: Vec<String> = deps
            .iter()
            .flatten()
            .filter(|d| {
                !(d.repository.is_empty()
                    || d.repository.starts_with("file://")
                    || is_oci(&d.repository))
            })
            .filter(|d| {
                let want = d.repository.trim_end_matches('/');
                !rf.repositories.iter().any(|r| url_equal(&r.url, want))
            })
            .map(|d| d.repository.clone())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(RepoError::msg(format!(
                "no repository definition for {}. Please add the missing repos via 'helm repo add'",
                missing.join(", ")
            )))
        }
    }

    /// Downloads every locked dependency into `charts/tmpcharts`-style
    /// staging, then moves them into `charts/` only if all succeeded.
    fn download_all(&mut self, deps: &mut [Option<Dependency>]) -> Result<(), RepoError> {
        let rf = self.repo_file()?;
        let mut indexes: Vec<(Entry, IndexFile)> = Vec::new();
        for e in &rf.repositories {
            indexes.push((
                e.clone(),
                IndexFile::load(&self.settings.index_file(&e.name))?,
            ));
        }
        let dest = self.chart_path.join("charts");
        let tmp = self.chart_path.join("tmpcharts");
        match std::fs::metadata(&dest) {
            Ok(m) if !m.is_dir() => {
                return Err(RepoError::msg(format!(
                    "{:?} is not a directory",
                    dest.display().to_string()
                )));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&dest)
                    .map_err(|e| RepoError::io(format!("mkdir {}", dest.display()), e))?;
            }
            Err(e) => {
                return Err(RepoError::msg(format!(
                    "unable to retrieve file info for '{}': {}",
                    dest.display(),
                    crate::chart::loader::go_io_message_pub(&e)
                )));
            }
        }
        std::fs::create_dir_all(&tmp)
            .map_err(|e| RepoError::io(format!("mkdir {}", tmp.display()), e))?;
        let result = self.download_into(deps, &indexes, &dest, &tmp);
        let result = result.and_then(|()| self.safe_move_deps(deps, &tmp, &dest));
        let _ = std::fs::remove_dir_all(&tmp);
        result
    }

    fn download_into(
        &mut self,
        deps: &mut [Option<Dependency>],
        indexes: &[(Entry, IndexFile)],
        dest: &Path,
        tmp: &Path,
    ) -> Result<(), RepoError> {
        say!(self, "Saving {} charts", deps.len());
        let mut seen: HashSet<String> = HashSet::new();
        let mut save_error: Option<RepoError> = None;
        for dep in deps.iter_mut().flatten() {
            if dep.repository.is_empty() {
                say!(
                    self,
                    "Dependency {} did not declare a repository. Assuming it exists in the charts directory",
                    dep.name
                );
                let path = dest.join(&dep.name);
                let ch = crate::chart::load_dir(&path).map_err(|e| {
                    RepoError::msg(format!("unable to load chart '{}': {e}", path.display()))
                })?;
                let constraint = Constraints::parse(&dep.version).map_err(|e| {
                    RepoError::msg(format!(
                        "dependency {} has an invalid version/constraint format: {e}",
                        dep.name
                    ))
                })?;
                let v = Version::parse(&ch.metadata.version).map_err(|e| {
                    RepoError::msg(format!(
                        "invalid version {} for dependency {}: {e}",
                        dep.version, dep.name
                    ))
                })?;
                if !constraint.matches(&v) {
                    save_error = Some(RepoError::msg(format!(
                        "dependency {} at version {} does not satisfy the constraint {}",
                        dep.name, ch.metadata.version, dep.version
                    )));
                    break;
                }
                continue;
            }
            if dep.repository.starts_with("file://") {
                if self.opts.debug {
                    say!(self, "Archiving {} from repo {}", dep.name, dep.repository);
                }
                match tar_from_local_dir(&self.chart_path, dep, tmp) {
                    Ok(v) => dep.version = v,
                    Err(e) => {
                        save_error = Some(e);
                        break;
                    }
                }
                continue;
            }
            if is_oci(&dep.repository) {
                save_error = Some(oci_unsupported(&dep.repository));
                break;
            }
            let found = self.find_chart_url(dep, indexes);
            let (url, options, digest) = match found {
                Ok(x) => x,
                Err((url, e)) => {
                    save_error = Some(e.wrap(format!("could not find {url}")));
                    break;
                }
            };
            if seen.contains(&url) {
                say!(
                    self,
                    "Already downloaded {} from repo {}",
                    dep.name,
                    dep.repository
                );
                continue;
            }
            say!(
                self,
                "Downloading {} from repo {}",
                dep.name,
                dep.repository
            );
            let dl = ChartDownloader {
                settings: self.settings,
                getter: &self.getter,
                options: options.clone(),
                progress: true,
            };
            let resolved = crate::repo::Resolved {
                url: url.clone(),
                options,
                digest,
            };
            if let Err(e) = dl.download_resolved(&resolved, tmp) {
                save_error = Some(e.wrap(format!("could not download {url}")));
                break;
            }
            seen.insert(url);
        }
        match save_error {
            None => Ok(()),
            Some(e) => {
                say!(self, "Save error occurred:  {e}");
                Err(e)
            }
        }
    }

    /// Helm's `findChartURL`: the chart's URL, credentials and digest from
    /// the configured repository with this URL, else from the repository's
    /// index fetched directly.
    #[allow(clippy::type_complexity)]
    fn find_chart_url(
        &self,
        dep: &Dependency,
        indexes: &[(Entry, IndexFile)],
    ) -> Result<(String, GetOptions, Option<String>), (String, RepoError)> {
        for (entry, index) in indexes {
            if !url_equal(&dep.repository, &entry.url) {
                continue;
            }
            let versions = index
                .entries
                .get(&dep.name)
                .ok_or_else(|| (String::new(), RepoError::msg("entry not found")))?;
            let cv = versions
                .iter()
                .find(|cv| {
                    !cv.urls.is_empty()
                        && (dep.version.is_empty() || version_equals(&dep.version, cv.version()))
                })
                .ok_or_else(|| (String::new(), RepoError::msg("no matching version")))?;
            let url = normalize_url(&dep.repository, &cv.urls[0]);
            let options = GetOptions {
                repo_url: entry.url.clone(),
                username: entry.username.clone(),
                password: entry.password.clone(),
                pass_credentials_all: entry.pass_credentials_all,
                ca_file: entry.ca_file.clone(),
                cert_file: entry.cert_file.clone(),
                key_file: entry.key_file.clone(),
                insecure_skip_tls_verify: entry.insecure_skip_tls_verify,
                progress: None,
            };
            let digest = (!cv.digest.is_empty())
                .then(|| cv.digest.trim_start_matches("sha256:").to_ascii_lowercase());
            return Ok((url, options, digest));
        }
        let dl = ChartDownloader {
            settings: self.settings,
            getter: &self.getter,
            options: GetOptions::default(),
            progress: false,
        };
        match dl.find_in_repo_url(&dep.repository, &dep.name, &dep.version) {
            Ok(r) => Ok((r.url, r.options, r.digest)),
            Err(e) => Err((
                String::new(),
                RepoError::msg(format!(
                    "chart {} not found in {}: {e}",
                    dep.name, dep.repository
                )),
            )),
        }
    }

    /// Moves verified archives from staging into `charts/` and deletes
    /// archives there that were not part of this download (except charts
    /// of dependencies without a repository).
    fn safe_move_deps(
        &mut self,
        deps: &[Option<Dependency>],
        source: &Path,
        dest: &Path,
    ) -> Result<(), RepoError> {
        let local: HashSet<&str> = deps
            .iter()
            .flatten()
            .filter(|d| d.repository.is_empty())
            .map(|d| d.name.as_str())
            .collect();
        let list = |dir: &Path| -> Result<Vec<(String, PathBuf, bool)>, RepoError> {
            let mut v: Vec<(String, PathBuf, bool)> = std::fs::read_dir(dir)
                .map_err(|e| RepoError::io(format!("open {}", dir.display()), e))?
                .filter_map(Result::ok)
                .map(|e| {
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        e.path(),
                        is_dir,
                    )
                })
                .collect();
            v.sort();
            Ok(v)
        };
        let sources = list(source)?;
        let dests = list(dest)?;
        let mut moved: HashSet<String> = HashSet::new();
        for (name, path, is_dir) in &sources {
            if *is_dir {
                continue;
            }
            moved.insert(name.clone());
            if let Err(e) = crate::chart::load_file(path) {
                let _ = write!(
                    self.out,
                    "Could not verify {} for moving: {e} (Skipping)",
                    path.display()
                );
                continue;
            }
            if let Err(e) = move_file(path, &dest.join(name)) {
                let _ = write!(
                    self.out,
                    "Unable to move {} to charts dir {} (Skipping)",
                    path.display(),
                    crate::chart::loader::go_io_message_pub(&e)
                );
            }
        }
        say!(self, "Deleting outdated charts");
        for (name, path, is_dir) in &dests {
            if *is_dir || moved.contains(name) {
                continue;
            }
            let ch = match crate::chart::load_file(path) {
                Ok(c) => c,
                Err(e) => {
                    say!(
                        self,
                        "Could not verify {} for deletion: {e} (Skipping)",
                        path.display()
                    );
                    continue;
                }
            };
            if local.contains(ch.name()) {
                continue;
            }
            if let Err(e) = std::fs::remove_file(path) {
                let _ = write!(
                    self.out,
                    "Could not delete {}: {} (Skipping)",
                    path.display(),
                    crate::chart::loader::go_io_message_pub(&e)
                );
            }
        }
        Ok(())
    }

    fn write_lock(&self, lock: &Lock, legacy: bool) -> Result<(), RepoError> {
        let data = crate::package::lock_yaml(lock).map_err(|e| RepoError::msg(e.to_string()))?;
        let name = if legacy {
            "requirements.lock"
        } else {
            "Chart.lock"
        };
        let dest = self.chart_path.join(name);
        std::fs::write(&dest, data)
            .map_err(|e| RepoError::io(format!("open {}", dest.display()), e))
    }
}

fn move_file(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(_) => {
            std::fs::copy(from, to)?;
            std::fs::remove_file(from)
        }
    }
}

/// `url.ParseRequestURI` success: an absolute URL or an absolute path.
fn is_request_uri(s: &str) -> bool {
    s.starts_with('/') || ::url::Url::parse(s).is_ok()
}

/// Masterminds equality of two versions (string equality when unparsable).
fn version_equals(a: &str, b: &str) -> bool {
    match (Version::parse(a), Version::parse(b)) {
        (Ok(x), Ok(y)) => x.compare(&y) == std::cmp::Ordering::Equal,
        (Err(_), _) => a == b,
        _ => false,
    }
}

/// Helm's `GetLocalPath`: a `file://` reference (or `charts/x`) as a path,
/// relative references against the chart folder; it must exist.
pub fn local_path(repo: &str, chart_path: &Path) -> Result<PathBuf, RepoError> {
    let p = repo.strip_prefix("file://").unwrap_or(repo);
    let path = if p.starts_with('/') {
        PathBuf::from(crate::gopath::clean(p))
    } else {
        crate::package::go_clean_join(chart_path, p)
    };
    match std::fs::metadata(&path) {
        Ok(_) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(RepoError::msg(format!(
            "directory {} not found",
            path.display()
        ))),
        Err(e) => Err(RepoError::io(format!("stat {}", path.display()), e)),
    }
}

/// Packages a `file://` dependency into `dest`; returns its version.
fn tar_from_local_dir(
    chart_path: &Path,
    dep: &Dependency,
    dest: &Path,
) -> Result<String, RepoError> {
    let orig = local_path(&dep.repository, chart_path)?;
    let ch = crate::chart::load_dir(&orig).map_err(|e| RepoError::msg(e.to_string()))?;
    let constraint = Constraints::parse(&dep.version).map_err(|e| {
        RepoError::msg(format!(
            "dependency {} has an invalid version/constraint format: {e}",
            dep.name
        ))
    })?;
    let v = Version::parse(&ch.metadata.version).map_err(|e| RepoError::msg(e.to_string()))?;
    if !constraint.matches(&v) {
        return Err(RepoError::msg(format!(
            "can't get a valid version for dependency {}",
            dep.name
        )));
    }
    crate::package::save(&ch, dest).map_err(|e| RepoError::msg(e.to_string()))?;
    Ok(ch.metadata.version.clone())
}

fn verify_unsupported() -> RepoError {
    RepoError::msg(
        "--verify is not supported yet by kubectl-chart (provenance files cannot be checked)",
    )
}
