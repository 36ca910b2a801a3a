//! Fetching chart archives (Helm's `ChartDownloader` and
//! `FindChartInRepoURL`): `repo/chart` through the cached index, absolute
//! URLs (credentials from the repository that lists them), `--repo URL`
//! through a temporary index. When the index gives a digest, the archive
//! is checked against it before anything is written; a mismatch is
//! refused.

use std::path::{Path, PathBuf};

use super::file::{Entry, RepoFile};
use super::http::{GetOptions, Getter};
use super::index::{IndexFile, digest_bytes};
use super::url::{is_absolute_url, resolve_chart_url, resolve_reference, url_equal};
use super::{RepoError, RepoSettings, download_index_file, is_oci, oci_unsupported};

/// A chart reference resolved to a download.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub url: String,
    /// Credentials and TLS options to use.
    pub options: GetOptions,
    /// The sha256 the index lists for the archive (hex), when known.
    pub digest: Option<String>,
}

/// Downloads charts as Helm's `ChartDownloader` does.
pub struct ChartDownloader<'a> {
    pub settings: &'a RepoSettings,
    pub getter: &'a Getter,
    /// Options from the command line (`--username`, `--ca-file`, …).
    pub options: GetOptions,
    /// Show a progress bar on a terminal.
    pub progress: bool,
}

impl ChartDownloader<'_> {
    fn repo_file(&self) -> Result<RepoFile, RepoError> {
        Ok(RepoFile::load(&self.settings.repository_config)?.unwrap_or_default())
    }

    /// `ResolveChartVersion`: the URL (and options, digest) for `reference`
    /// (`repo/chart` or an absolute URL) at `version` (a constraint; empty
    /// is the newest).
    pub fn resolve(&self, reference: &str, version: &str) -> Result<Resolved, RepoError> {
        if is_oci(reference) {
            return Err(oci_unsupported(reference));
        }
        let rf = self.repo_file()?;
        let mut options = self.options.clone();
        if is_absolute_url(reference) {
            options.repo_url = reference.to_string();
            let mut digest = None;
            if let Some((entry, d)) = self.scan_repos_for_url(reference, &rf)? {
                options.repo_url = entry.url.clone();
                apply_entry_credentials(&mut options, &entry);
                digest = d;
            }
            return Ok(Resolved {
                url: reference.to_string(),
                options,
                digest,
            });
        }
        let Some((repo_name, chart_name)) = reference.split_once('/') else {
            return Err(RepoError::msg(format!(
                "non-absolute URLs should be in form of repo_name/path_to_chart, got: {reference}"
            )));
        };
        let entry = rf
            .get(repo_name)
            .ok_or_else(|| RepoError::msg(format!("repo {repo_name} not found")))?;
        if entry.url.is_empty() {
            return Err(RepoError::msg(format!(
                "no URL found for repository {repo_name}"
            )));
        }
        options.repo_url = entry.url.clone();
        apply_entry_credentials(&mut options, entry);
        let index = IndexFile::load(&self.settings.index_file(&entry.name))
            .map_err(|e| e.wrap("no cached repo found. (try 'helm repo update')"))?;
        let cv = index.get(chart_name, version).map_err(|e| {
            RepoError::msg(format!(
                "chart \"{chart_name}\" matching {version} not found in {} index. (try 'helm repo update'): {e}",
                entry.name
            ))
        })?;
        let Some(first) = cv.urls.first() else {
            return Err(RepoError::msg(format!(
                "chart \"{reference}\" has no downloadable URLs"
            )));
        };
        let url = resolve_chart_url(&entry.url, first)
            .map_err(|_| RepoError::msg(format!("invalid chart URL format: {reference}")))?;
        Ok(Resolved {
            url,
            options,
            digest: digest_of(&cv.digest),
        })
    }

    /// The repository whose cached index lists `url`, and that entry's digest.
    fn scan_repos_for_url(
        &self,
        url: &str,
        rf: &RepoFile,
    ) -> Result<Option<(Entry, Option<String>)>, RepoError> {
        for entry in &rf.repositories {
            let index = IndexFile::load(&self.settings.index_file(&entry.name))
                .map_err(|e| e.wrap("no cached repo found. (try 'helm repo update')"))?;
            for versions in index.entries.values() {
                for cv in versions {
                    if cv.urls.iter().any(|u| url_equal(url, u)) {
                        return Ok(Some((entry.clone(), digest_of(&cv.digest))));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Fetches a resolved chart and checks its digest; returns the bytes.
    pub fn fetch(&self, resolved: &Resolved) -> Result<Vec<u8>, RepoError> {
        let scheme = resolved.url.split("://").next().unwrap_or("");
        if scheme != "http" && scheme != "https" {
            return Err(RepoError::msg(format!("scheme \"{scheme}\" not supported")));
        }
        let mut options = resolved.options.clone();
        if self.progress {
            options.progress = Some(format!("Downloading {}", file_name_of(&resolved.url)));
        }
        let data = self.getter.get(&resolved.url, &options)?;
        verify_digest(&resolved.url, &data, resolved.digest.as_deref())?;
        Ok(data)
    }

    /// `DownloadTo`: resolves, fetches, verifies and writes the archive into
    /// `dest` (named after the URL's last path element). Returns its path.
    pub fn download_to(
        &self,
        reference: &str,
        version: &str,
        dest: &Path,
    ) -> Result<PathBuf, RepoError> {
        let resolved = self.resolve(reference, version)?;
        self.download_resolved(&resolved, dest)
    }

    /// Fetches a resolved chart into `dest`.
    pub fn download_resolved(
        &self,
        resolved: &Resolved,
        dest: &Path,
    ) -> Result<PathBuf, RepoError> {
        let data = self.fetch(resolved)?;
        let path = dest.join(file_name_of(&resolved.url));
        crate::package::write_file_atomic(&path, &data)
            .map_err(|e| RepoError::io(format!("open {}", path.display()), e))?;
        Ok(path)
    }

    /// `FindChartInAuthAndTLSAndPassRepoURL` (`--repo URL`): fetches the
    /// repository's index into a temporary cache entry (removed again),
    /// finds the chart and returns its absolute URL and digest.
    pub fn find_in_repo_url(
        &self,
        repo_url: &str,
        chart_name: &str,
        version: &str,
    ) -> Result<Resolved, RepoError> {
        let entry = Entry {
            name: temp_repo_name(),
            url: repo_url.to_string(),
            username: self.options.username.clone(),
            password: self.options.password.clone(),
            cert_file: self.options.cert_file.clone(),
            key_file: self.options.key_file.clone(),
            ca_file: self.options.ca_file.clone(),
            insecure_skip_tls_verify: self.options.insecure_skip_tls_verify,
            pass_credentials_all: self.options.pass_credentials_all,
        };
        let cache = &self.settings.repository_cache;
        let fetched = download_index_file(&entry, cache, self.getter);
        let cleanup = || {
            let _ = std::fs::remove_file(cache.join(super::paths::cache_charts_file(&entry.name)));
            let _ = std::fs::remove_file(cache.join(super::paths::cache_index_file(&entry.name)));
        };
        let idx_path = match fetched {
            Ok(p) => p,
            Err(e) => {
                cleanup();
                return Err(e.wrap(format!(
                    "looks like {repo_url:?} is not a valid chart repository or cannot be reached"
                )));
            }
        };
        let index = IndexFile::load(&idx_path);
        cleanup();
        let index = index?;
        let mut what = format!("chart {chart_name:?}");
        if !version.is_empty() {
            what = format!("{what} version {version:?}");
        }
        let cv = index
            .get(chart_name, version)
            .map_err(|_| RepoError::msg(format!("{what} not found in {repo_url} repository")))?;
        let Some(first) = cv.urls.first() else {
            return Err(RepoError::msg(format!("{what} has no downloadable URLs")));
        };
        let url = resolve_reference(repo_url, first)
            .map_err(|e| RepoError::msg(format!("failed to make chart URL absolute: {e}")))?;
        let mut options = self.options.clone();
        options.repo_url = repo_url.to_string();
        // Credentials go to another origin only with --pass-credentials.
        if !options.pass_credentials_all && super::url::origin(repo_url) != super::url::origin(&url)
        {
            options.username.clear();
            options.password.clear();
        }
        Ok(Resolved {
            url,
            options,
            digest: digest_of(&cv.digest),
        })
    }
}

fn apply_entry_credentials(options: &mut GetOptions, entry: &Entry) {
    if !entry.cert_file.is_empty() || !entry.key_file.is_empty() || !entry.ca_file.is_empty() {
        options.cert_file = entry.cert_file.clone();
        options.key_file = entry.key_file.clone();
        options.ca_file = entry.ca_file.clone();
    }
    if !entry.username.is_empty() && !entry.password.is_empty() {
        options.username = entry.username.clone();
        options.password = entry.password.clone();
        options.pass_credentials_all = entry.pass_credentials_all;
    }
    if entry.insecure_skip_tls_verify {
        options.insecure_skip_tls_verify = true;
    }
}

/// The hex digest of an index `digest` field (`sha256:` prefix allowed).
fn digest_of(d: &str) -> Option<String> {
    let d = d.trim();
    let hex = d.strip_prefix("sha256:").unwrap_or(d);
    (!hex.is_empty()).then(|| hex.to_ascii_lowercase())
}

/// Refuses bytes whose sha256 differs from the index's digest.
pub fn verify_digest(url: &str, data: &[u8], expected: Option<&str>) -> Result<(), RepoError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let actual = digest_bytes(data);
    if actual != expected {
        return Err(RepoError::msg(format!(
            "digest mismatch for {url}: the repository index lists sha256 {expected} but the downloaded archive is sha256 {actual}; refusing to use it (the archive or the index was changed; run 'helm repo update' and retry)"
        )));
    }
    Ok(())
}

/// The last path element of a URL (`filepath.Base(u.Path)`).
pub fn file_name_of(url: &str) -> String {
    let path = ::url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| url.to_string());
    let base = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let base = percent_encoding::percent_decode_str(base)
        .decode_utf8_lossy()
        .into_owned();
    if base.is_empty() || base == "." || base == ".." {
        "chart.tgz".into()
    } else {
        base
    }
}

/// A random cache name like Helm's (base64 of 20 random bytes, `/` → `-`).
fn temp_repo_name() -> String {
    use base64::Engine as _;
    let bytes: [u8; 20] = rand::random();
    base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .replace('/', "-")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn digest_mismatch_is_refused() {
        let data = b"archive";
        let good = digest_bytes(data);
        assert!(verify_digest("u", data, Some(&good)).is_ok());
        let err = verify_digest("http://x/a.tgz", data, Some("00")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("digest mismatch for http://x/a.tgz")
        );
        assert!(verify_digest("u", data, None).is_ok());
        assert_eq!(digest_of("sha256:ABC"), Some("abc".into()));
        assert_eq!(digest_of(""), None);
    }

    #[test]
    fn file_names_from_urls() {
        assert_eq!(
            file_name_of("http://h/c/pacman-0.1.0.tgz?x=1"),
            "pacman-0.1.0.tgz"
        );
        assert_eq!(file_name_of("http://h/"), "chart.tgz");
    }
}
