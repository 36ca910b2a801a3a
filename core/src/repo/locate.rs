//! [`locate_chart`]: Helm's `ChartPathOptions.LocateChart`, shared by
//! show, template, install, upgrade and pull. A chart reference is a local
//! directory or archive, `repo/chart` from a configured repository, an
//! absolute chart URL, or a chart name with `--repo URL`; remote charts
//! are downloaded (digest-checked) into the repository cache.

use std::path::PathBuf;

use super::download::ChartDownloader;
use super::http::{GetOptions, Getter};
use super::{RepoError, RepoSettings, is_oci, oci_unsupported};

/// Where to find a chart (Helm's `ChartPathOptions`).
#[derive(Clone, Debug, Default)]
pub struct ChartPathOptions {
    /// `--version`: a version or constraint; empty means the newest.
    pub version: String,
    /// `--devel`: allow pre-releases when no `--version` is given.
    pub devel: bool,
    /// `--repo`: a repository URL to look the chart up in.
    pub repo_url: String,
    pub username: String,
    pub password: String,
    pub pass_credentials_all: bool,
    pub ca_file: String,
    pub cert_file: String,
    pub key_file: String,
    pub insecure_skip_tls_verify: bool,
    /// `--verify` (provenance): not supported yet.
    pub verify: bool,
}

impl ChartPathOptions {
    /// The version constraint in effect (`--devel` means `>0.0.0-0`).
    pub fn effective_version(&self) -> String {
        let v = self.version.trim();
        if v.is_empty() && self.devel {
            ">0.0.0-0".into()
        } else {
            v.to_string()
        }
    }

    pub(crate) fn get_options(&self) -> GetOptions {
        GetOptions {
            repo_url: String::new(),
            username: self.username.clone(),
            password: self.password.clone(),
            pass_credentials_all: self.pass_credentials_all,
            ca_file: self.ca_file.clone(),
            cert_file: self.cert_file.clone(),
            key_file: self.key_file.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            progress: None,
        }
    }
}

/// Turns `name` into the absolute path of a chart directory or archive,
/// downloading it into the repository cache when it is remote.
///
/// - an existing path → that path, absolute;
/// - a path-looking name (`/…`, `.…`) that does not exist → `path "x" not found`;
/// - `oci://…` → a clear "not supported yet" error;
/// - otherwise `repo/chart`, a URL, or (with `--repo`) a chart name.
pub fn locate_chart(
    name: &str,
    opts: &ChartPathOptions,
    settings: &RepoSettings,
) -> Result<PathBuf, RepoError> {
    let name = name.trim();
    let version = opts.effective_version();
    if is_oci(name) {
        return Err(oci_unsupported(name));
    }
    if std::fs::metadata(name).is_ok() {
        if opts.verify {
            return Err(verify_unsupported());
        }
        return std::path::absolute(name).map_err(|e| RepoError::io(format!("abs {name}"), e));
    }
    if name.starts_with('/') || name.starts_with('.') {
        return Err(RepoError::msg(format!("path {name:?} not found")));
    }
    if opts.verify {
        return Err(verify_unsupported());
    }
    let getter = Getter::new();
    let dl = ChartDownloader {
        settings,
        getter: &getter,
        options: opts.get_options(),
        progress: true,
    };
    let resolved = if opts.repo_url.is_empty() {
        dl.resolve(name, &version)?
    } else {
        dl.find_in_repo_url(&opts.repo_url, name, &version)?
    };
    let cache = &settings.repository_cache;
    std::fs::create_dir_all(cache)
        .map_err(|e| RepoError::io(format!("mkdir {}", cache.display()), e))?;
    let path = dl.download_resolved(&resolved, cache)?;
    std::path::absolute(&path).map_err(|e| RepoError::io(format!("abs {}", path.display()), e))
}

fn verify_unsupported() -> RepoError {
    RepoError::msg(
        "--verify is not supported yet by kubectl-chart (provenance files cannot be checked)",
    )
}
