//! `helm search repo`: searches the cached indexes of the configured
//! repositories.

use crate::repo::search::{SearchIndex, SearchResult, apply_constraint, sort_results};
use crate::repo::{IndexFile, RepoError, RepoFile, RepoSettings};

/// `helm search repo` flags.
#[derive(Clone, Debug, Default)]
pub struct SearchOptions {
    pub regexp: bool,
    pub versions: bool,
    pub devel: bool,
    pub version: String,
}

/// Results plus the warnings Helm prints for unreadable caches.
#[derive(Debug, Default)]
pub struct SearchOutcome {
    pub results: Vec<SearchResult>,
    pub warnings: Vec<String>,
}

/// Runs a search for `keywords` (joined by spaces; none lists everything).
pub fn search_repo(
    settings: &RepoSettings,
    keywords: &[String],
    opts: &SearchOptions,
) -> Result<SearchOutcome, RepoError> {
    let version = if !opts.version.is_empty() {
        opts.version.clone()
    } else if opts.devel {
        ">0.0.0-0".to_string()
    } else {
        ">0.0.0".to_string()
    };
    let file = match RepoFile::load(&settings.repository_config) {
        Ok(Some(f)) if !f.repositories.is_empty() => f,
        _ => return Err(RepoError::msg("no repositories configured")),
    };
    let mut outcome = SearchOutcome::default();
    let mut index = SearchIndex::new();
    for repo in &file.repositories {
        match IndexFile::load(&settings.index_file(&repo.name)) {
            Ok(idx) => index.add_repo(&repo.name, &idx, opts.versions || !version.is_empty()),
            Err(e) => {
                outcome.warnings.push(format!(
                    "Repo {:?} is corrupt or missing. Try 'helm repo update'.",
                    repo.name
                ));
                outcome.warnings.push(e.to_string());
            }
        }
    }
    let mut results = if keywords.is_empty() {
        index.all()
    } else {
        index
            .search(&keywords.join(" "), opts.regexp)
            .map_err(RepoError::msg)?
    };
    sort_results(&mut results);
    outcome.results = apply_constraint(results, &version, opts.versions).map_err(RepoError::msg)?;
    Ok(outcome)
}
