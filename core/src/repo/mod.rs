//! Chart repositories as Helm 3 knows them, sharing Helm's files:
//!
//! - [`paths`]: where `repositories.yaml` and the index cache live.
//! - [`file`]: `repositories.yaml` entries.
//! - [`index`]: `index.yaml` (load, generate, merge, write, lookups).
//! - [`http`]: HTTP(S) downloads (rustls/ring, auth, TLS options).
//! - [`url`]: Go/Helm URL joining and comparison.
//! - [`download`]: resolving `repo/chart` or URLs to archives, digest
//!   checked before anything is written.
//! - [`search`]: `helm search repo` matching and ordering.
//! - [`table`]: uitable-style tables (repo list, search, dependency list).
//! - [`locate`]: [`locate_chart`], turning a chart reference into a local
//!   path for show/template/install/upgrade/pull.

pub mod decode;
pub mod download;
pub mod file;
pub mod http;
pub mod index;
pub mod locate;
pub mod paths;
pub mod search;
pub mod table;
pub mod url;

pub use download::{ChartDownloader, Resolved};
pub use file::{Entry, RepoFile};
pub use http::{GetOptions, Getter};
pub use index::{ChartVersion, IndexFile};
pub use locate::{ChartPathOptions, locate_chart};
pub use paths::RepoSettings;

use std::path::PathBuf;

/// A repository operation failed; `Display` is Helm's message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RepoError {
    #[error("{0}")]
    Message(String),
    #[error("{context}: {message}")]
    Io { context: String, message: String },
}

impl RepoError {
    pub fn msg(s: impl Into<String>) -> RepoError {
        RepoError::Message(s.into())
    }

    /// An I/O failure, spelled as Go spells OS errors.
    pub fn io(context: impl Into<String>, e: std::io::Error) -> RepoError {
        RepoError::Io {
            context: context.into(),
            message: crate::chart::loader::go_io_message_pub(&e),
        }
    }

    /// `context: self`, as Go's `errors.Wrap`.
    pub fn wrap(self, context: impl std::fmt::Display) -> RepoError {
        RepoError::Message(format!("{context}: {self}"))
    }
}

/// `oci://` references: recognised, not supported yet (no registry client).
pub fn is_oci(reference: &str) -> bool {
    reference.starts_with("oci://")
}

/// The error every OCI operation gives for now.
pub fn oci_unsupported(reference: &str) -> RepoError {
    RepoError::msg(format!(
        "OCI registries are not supported yet by kubectl-chart: cannot use {reference:?} (use an HTTP chart repository or a local chart)"
    ))
}

/// Downloads a repository's `index.yaml`, checks that it parses, and
/// caches it as `<cache>/<name>-index.yaml` (the bytes as served) plus
/// `<name>-charts.txt` (one chart name per line), as Helm's
/// `ChartRepository.DownloadIndexFile`. Returns the cached index path.
pub fn download_index_file(
    entry: &Entry,
    cache_dir: &std::path::Path,
    getter: &Getter,
) -> Result<PathBuf, RepoError> {
    if ::url::Url::parse(&entry.url).is_err() {
        return Err(RepoError::msg(format!(
            "could not find protocol handler for: {}",
            entry.url.split("://").next().unwrap_or("")
        )));
    }
    let scheme = entry.url.split("://").next().unwrap_or("");
    if scheme != "http" && scheme != "https" {
        return Err(RepoError::msg(format!(
            "could not find protocol handler for: {scheme}"
        )));
    }
    let index_url = url::url_join(&entry.url, "index.yaml");
    let opts = GetOptions {
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
    let data = getter.get(&index_url, &opts)?;
    let index = IndexFile::parse(&data, &entry.url)?;
    std::fs::create_dir_all(cache_dir)
        .map_err(|e| RepoError::io(format!("mkdir {}", cache_dir.display()), e))?;
    let mut names = String::new();
    for name in index.entries.keys() {
        names.push_str(name);
        names.push('\n');
    }
    let charts = cache_dir.join(paths::cache_charts_file(&entry.name));
    crate::package::write_file_atomic(&charts, names.as_bytes())
        .map_err(|e| RepoError::io(format!("open {}", charts.display()), e))?;
    let dest = cache_dir.join(paths::cache_index_file(&entry.name));
    crate::package::write_file_atomic(&dest, &data)
        .map_err(|e| RepoError::io(format!("open {}", dest.display()), e))?;
    Ok(dest)
}
