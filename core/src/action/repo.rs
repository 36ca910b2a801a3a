//! `helm repo index` and `helm repo update` use cases.

use std::path::Path;

use crate::repo::{Entry, Getter, IndexFile, RepoError, download_index_file};

/// `helm repo index DIR [--url U] [--merge F]`: writes `DIR/index.yaml`
/// for the archives in `DIR` (and one level below), merged into `F` when
/// given (a missing `F` is created empty first, as Helm does).
pub fn index(dir: &Path, url: &str, merge: &str) -> Result<(), RepoError> {
    let out = dir.join("index.yaml");
    let mut idx = IndexFile::index_directory(dir, url)?;
    if !merge.is_empty() {
        let merge_path = Path::new(merge);
        let other = if merge_path.exists() {
            IndexFile::load(merge_path).map_err(|e| e.wrap("merge failed"))?
        } else {
            let fresh = IndexFile::new();
            let _ = fresh.write(merge_path);
            fresh
        };
        idx.merge(&other);
    }
    idx.sort_entries();
    idx.write(&out)
}

/// Downloads every repository's index concurrently into `cache`; results
/// in the order given.
pub fn update_all(repos: &[Entry], cache: &Path) -> Vec<(Entry, Result<(), RepoError>)> {
    std::thread::scope(|s| {
        let handles: Vec<_> = repos
            .iter()
            .map(|e| {
                s.spawn(move || {
                    let getter = Getter::new();
                    download_index_file(e, cache, &getter).map(|_| ())
                })
            })
            .collect();
        repos
            .iter()
            .cloned()
            .zip(handles)
            .map(|(e, h)| {
                let r = h
                    .join()
                    .unwrap_or_else(|_| Err(RepoError::msg("repository update panicked")));
                (e, r)
            })
            .collect()
    })
}
