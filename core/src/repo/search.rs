//! `helm search repo`: the in-memory search index over cached repository
//! indexes, Helm's literal and regexp matching with its score (which field
//! matched), sorting, and version-constraint filtering.

use std::collections::BTreeMap;

use super::index::{ChartVersion, IndexFile};
use crate::semver::{Constraints, Version};

/// Helm keeps matches scoring below this.
pub const MAX_SCORE: usize = 25;
const SEP: char = '\u{b}';
const VER_SEP: &str = "$$";

/// One search hit: `repo/chart` and the version found.
#[derive(Clone, Debug)]
pub struct SearchResult {
    pub name: String,
    pub score: usize,
    pub chart: ChartVersion,
}

/// The search index (Helm's `search.Index`).
#[derive(Default)]
pub struct SearchIndex {
    lines: BTreeMap<String, String>,
    charts: BTreeMap<String, ChartVersion>,
}

impl SearchIndex {
    pub fn new() -> SearchIndex {
        SearchIndex::default()
    }

    /// Adds a repository's charts: every version when `all`, else the newest.
    pub fn add_repo(&mut self, repo_name: &str, index: &IndexFile, all: bool) {
        let mut index = index.clone();
        index.sort_entries();
        for (name, versions) in &index.entries {
            let Some(newest) = versions.first() else {
                continue;
            };
            let fname = format!("{repo_name}/{name}");
            if !all {
                self.lines.insert(fname.clone(), line(repo_name, newest));
                self.charts.insert(fname, newest.clone());
                continue;
            }
            for cv in versions {
                let key = format!("{fname}{VER_SEP}{}", cv.version());
                self.lines.insert(key.clone(), line(repo_name, cv));
                self.charts.insert(key, cv.clone());
            }
        }
    }

    /// Every chart (`helm search repo` without a keyword).
    pub fn all(&self) -> Vec<SearchResult> {
        self.charts
            .iter()
            .map(|(k, cv)| SearchResult {
                name: k.split(VER_SEP).next().unwrap_or(k).to_string(),
                score: 0,
                chart: cv.clone(),
            })
            .collect()
    }

    /// Literal (case-insensitive) or regexp search. Like Helm, literal
    /// results carry the lower-cased `repo/chart` name.
    pub fn search(&self, term: &str, regexp: bool) -> Result<Vec<SearchResult>, String> {
        let mut out = Vec::new();
        if regexp {
            let re = crate::sprig::regex::compile(term)?;
            for (k, v) in &self.lines {
                if let Some(m) = re.find(v) {
                    let score = score(m.start(), v);
                    if score < MAX_SCORE {
                        out.push(self.result(k.split(VER_SEP).next().unwrap_or(k), k, score));
                    }
                }
            }
        } else {
            let term = term.to_lowercase();
            for (k, v) in &self.lines {
                let lv = v.to_lowercase();
                if let Some(i) = lv.find(&term) {
                    let score = score(i, &lv);
                    if score < MAX_SCORE {
                        let lk = k.to_lowercase();
                        out.push(self.result(lk.split(VER_SEP).next().unwrap_or(&lk), k, score));
                    }
                }
            }
        }
        Ok(out)
    }

    fn result(&self, name: &str, key: &str, score: usize) -> SearchResult {
        SearchResult {
            name: name.to_string(),
            score,
            chart: self.charts.get(key).cloned().unwrap_or_default(),
        }
    }
}

/// `name\vrepo/name\vdescription\vkeywords`.
fn line(repo: &str, cv: &ChartVersion) -> String {
    format!(
        "{name}{SEP}{repo}/{name}{SEP}{}{SEP}{}",
        cv.metadata.description,
        cv.metadata.keywords.join(" "),
        name = cv.name()
    )
}

/// Which field (0-based) the match at byte `index` falls in.
fn score(index: usize, line: &str) -> usize {
    let splits: Vec<usize> = line.match_indices(SEP).map(|(i, _)| i).collect();
    for (i, pos) in splits.iter().enumerate() {
        if index > *pos {
            continue;
        }
        return i;
    }
    splits.len()
}

/// Helm's ordering: score, then name, then newest version first.
pub fn sort_results(results: &mut [SearchResult]) {
    results.sort_by(|a, b| {
        a.score.cmp(&b.score).then_with(|| {
            if a.name == b.name {
                match (
                    Version::parse(a.chart.version()),
                    Version::parse(b.chart.version()),
                ) {
                    (Ok(x), Ok(y)) => y.compare(&x),
                    _ => std::cmp::Ordering::Equal,
                }
            } else {
                a.name.cmp(&b.name)
            }
        })
    });
}

/// Keeps results matching `constraint` (the first per chart unless
/// `versions`), as `applyConstraint`.
pub fn apply_constraint(
    results: Vec<SearchResult>,
    constraint: &str,
    versions: bool,
) -> Result<Vec<SearchResult>, String> {
    if constraint.is_empty() {
        return Ok(results);
    }
    let c = Constraints::parse(constraint)
        .map_err(|e| format!("an invalid version/constraint format: {e}"))?;
    let mut found = std::collections::HashSet::new();
    let mut out = Vec::new();
    for r in results {
        if !versions && found.contains(&r.name) {
            continue;
        }
        let Ok(v) = Version::parse(r.chart.version()) else {
            continue;
        };
        if c.matches(&v) {
            found.insert(r.name.clone());
            out.push(r);
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn index() -> IndexFile {
        IndexFile::parse(
            br#"apiVersion: v1
entries:
  pacman:
  - {name: pacman, version: 0.1.0, description: A Helm chart for Pacman, urls: [a]}
  - {name: pacman, version: 0.2.0-rc.1, description: A Helm chart for Pacman, urls: [b]}
  - {name: pacman, version: 0.0.9, description: A Helm chart for Pacman, urls: [c]}
  music:
  - {name: music, version: 1.0.0, description: songs, keywords: [pacman, db], urls: [d]}
"#,
            "t",
        )
        .unwrap()
    }

    #[test]
    fn literal_search_scores_and_sorts_like_helm() {
        let mut si = SearchIndex::new();
        si.add_repo("Local", &index(), true);
        let mut r = si.search("PACMAN", false).unwrap();
        sort_results(&mut r);
        let r = apply_constraint(r, ">0.0.0", false).unwrap();
        let got: Vec<(String, usize, String)> = r
            .iter()
            .map(|x| (x.name.clone(), x.score, x.chart.version().to_string()))
            .collect();
        // The name matches in field 0, keywords in field 3; the literal
        // search lower-cases the repo name, as Helm does.
        assert_eq!(
            got,
            vec![
                ("local/pacman".into(), 0, "0.1.0".into()),
                ("local/music".into(), 3, "1.0.0".into())
            ]
        );
    }

    #[test]
    fn devel_and_versions() {
        let mut si = SearchIndex::new();
        si.add_repo("r", &index(), true);
        let mut r = si.search("pacman", true).unwrap();
        sort_results(&mut r);
        let all = apply_constraint(r.clone(), ">0.0.0-0", true).unwrap();
        let v: Vec<&str> = all.iter().map(|x| x.chart.version()).collect();
        assert_eq!(v, ["0.2.0-rc.1", "0.1.0", "0.0.9", "1.0.0"]);
        assert!(si.search("(", true).is_err());
    }
}
