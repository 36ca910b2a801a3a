//! A repository's `index.yaml` (Helm's `repo.IndexFile`/`ChartVersion`):
//! loading with Helm's validation (invalid entries skipped), newest-first
//! ordering, lookups by version constraint, `helm repo index` generation
//! from a folder of archives, `--merge`, and writing as Helm writes it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::RepoError;
use super::decode::{self, DecodeError};
use crate::chart::Metadata;
use crate::release::time::Timestamp;
use crate::semver::{Constraints, Version};
use crate::template::{Map, Value};

/// One chart version in an index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartVersion {
    pub metadata: Metadata,
    pub urls: Vec<String>,
    pub created: Timestamp,
    pub removed: bool,
    pub digest: String,
    /// Deprecated fields, kept so a merged index loses nothing.
    pub checksum: String,
    pub engine: String,
    pub tiller_version: String,
    pub url: String,
}

/// An index file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexFile {
    pub server_info: Option<Map>,
    pub api_version: String,
    pub generated: Timestamp,
    /// Chart name → versions, newest first after [`IndexFile::sort_entries`].
    pub entries: BTreeMap<String, Vec<ChartVersion>>,
    pub public_keys: Vec<String>,
    pub annotations: BTreeMap<String, String>,
    /// Entries skipped while loading, with Helm's log line.
    pub warnings: Vec<String>,
}

impl ChartVersion {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn version(&self) -> &str {
        &self.metadata.version
    }

    fn decode(map: &Map) -> Result<ChartVersion, DecodeError> {
        let mut metadata = Metadata::default();
        metadata
            .decode_into(&Value::map(map.clone()))
            .map_err(|e| {
                DecodeError(format!(
                    "error unmarshaling JSON: while decoding JSON: {}",
                    e.0
                ))
            })?;
        let p = |f: &str| format!("ChartVersion.entries.{f}");
        let created = decode::string(map, "created", &p("created"))?;
        Ok(ChartVersion {
            metadata,
            urls: decode::strings(map, "urls", &p("urls"))?,
            created: parse_time(&created)?,
            removed: decode::boolean(map, "removed", &p("removed"))?,
            digest: decode::string(map, "digest", &p("digest"))?,
            checksum: decode::string(map, "checksum", &p("checksum"))?,
            engine: decode::string(map, "engine", &p("engine"))?,
            tiller_version: decode::string(map, "tillerVersion", &p("tillerVersion"))?,
            url: decode::string(map, "url", &p("url"))?,
        })
    }

    /// Go `encoding/json` view: the metadata fields plus the entry's own.
    pub fn to_json_value(&self) -> Value {
        let mut m: Map = self
            .metadata
            .json_fields()
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect();
        m.insert(
            "urls".into(),
            Value::list(self.urls.iter().map(|u| Value::str(u)).collect()),
        );
        m.insert("created".into(), Value::str(&self.created.rfc3339_nano()));
        if self.removed {
            m.insert("removed".into(), Value::Bool(true));
        }
        for (k, v) in [
            ("digest", &self.digest),
            ("checksum", &self.checksum),
            ("engine", &self.engine),
            ("tillerVersion", &self.tiller_version),
            ("url", &self.url),
        ] {
            if !v.is_empty() {
                m.insert(k.into(), Value::str(v));
            }
        }
        Value::map(m)
    }
}

fn parse_time(text: &str) -> Result<Timestamp, DecodeError> {
    if text.is_empty() {
        return Ok(Timestamp::zero());
    }
    Timestamp::parse(text).ok_or_else(|| {
        DecodeError(format!(
            "error unmarshaling JSON: while decoding JSON: parsing time \"\\\"{text}\\\"\" as \"\\\"2006-01-02T15:04:05Z07:00\\\"\": cannot parse"
        ))
    })
}

/// Newest first by semantic version (invalid versions last); stable for ties.
fn sort_newest_first(versions: &mut [ChartVersion]) {
    versions.sort_by(|a, b| {
        let va = Version::parse(a.version()).ok();
        let vb = Version::parse(b.version()).ok();
        match (va, vb) {
            (Some(x), Some(y)) => y.compare(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
}

/// Why a lookup failed (Helm's errors).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LookupError {
    #[error("no chart name found")]
    NoChartName,
    #[error("no chart version found")]
    NoChartVersion,
    #[error("no chart version found for {0}-{1}")]
    NoMatch(String, String),
    #[error("{0}")]
    BadConstraint(String),
}

impl IndexFile {
    /// `repo.NewIndexFile`: `apiVersion: v1`, generated now, no entries.
    pub fn new() -> IndexFile {
        IndexFile {
            api_version: "v1".into(),
            generated: Timestamp::now(),
            ..IndexFile::default()
        }
    }

    /// Parses index content (`loadIndex`): entries failing chart metadata
    /// validation are skipped with a warning; versions sorted newest first.
    /// `source` names the index in warnings.
    pub fn parse(data: &[u8], source: &str) -> Result<IndexFile, RepoError> {
        if data.is_empty() {
            return Err(RepoError::msg("empty index.yaml file"));
        }
        let doc = decode::parse(data).map_err(|e| RepoError::msg(e.0))?;
        let mut index = IndexFile::default();
        let map =
            decode::object(&doc, "IndexFile", "repo.IndexFile").map_err(|e| RepoError::msg(e.0))?;
        if let Some(map) = map {
            index
                .decode_fields(&map, source)
                .map_err(|e| RepoError::msg(e.0))?;
        }
        index.sort_entries();
        if index.api_version.is_empty() {
            return Err(RepoError::msg("no API version specified"));
        }
        Ok(index)
    }

    fn decode_fields(&mut self, map: &Map, source: &str) -> Result<(), DecodeError> {
        self.api_version = decode::string(map, "apiVersion", "IndexFile.apiVersion")?;
        self.generated = parse_time(&decode::string(map, "generated", "IndexFile.generated")?)?;
        self.public_keys = decode::strings(map, "publicKeys", "IndexFile.publicKeys")?;
        self.annotations = decode::string_map(map, "annotations", "IndexFile.annotations")?;
        if let Some(v) = decode::field(map, "serverInfo")
            && let Some(m) = decode::object(v, "IndexFile.serverInfo", "map[string]interface {}")?
        {
            self.server_info = Some((*m).clone());
        }
        let Some(entries) = decode::field(map, "entries") else {
            return Ok(());
        };
        let Some(entries) = decode::object(
            entries,
            "IndexFile.entries",
            "map[string]repo.ChartVersions",
        )?
        else {
            return Ok(());
        };
        for (name, list) in entries.iter() {
            let items: &[Value] = match list {
                Value::Nil => &[],
                Value::List(items) => items,
                _ => {
                    return Err(DecodeError(
                        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go struct field IndexFile.entries of type repo.ChartVersions".into(),
                    ));
                }
            };
            let mut versions = Vec::new();
            for item in items {
                let Some(m) = decode::object(item, "IndexFile.entries", "repo.ChartVersion")?
                else {
                    continue;
                };
                let mut cv = ChartVersion::decode(&m)?;
                if cv.metadata.api_version.is_empty() {
                    cv.metadata.api_version = "v1".into();
                }
                match cv.metadata.validate() {
                    Ok(()) => versions.push(cv),
                    Err(e) => self.warnings.push(format!(
                        "skipping loading invalid entry for chart {} {} from {source}: validation: {e}",
                        go_quote(name),
                        go_quote(cv.version())
                    )),
                }
            }
            self.entries.insert(name.to_string(), versions);
        }
        Ok(())
    }

    /// `repo.LoadIndexFile`: reads and parses; errors read
    /// `error loading <path>: …`.
    pub fn load(path: &Path) -> Result<IndexFile, RepoError> {
        let data = std::fs::read(path).map_err(|e| {
            RepoError::msg(format!(
                "open {}: {}",
                path.display(),
                crate::chart::loader::go_io_message_pub(&e)
            ))
        })?;
        IndexFile::parse(&data, &path.display().to_string())
            .map_err(|e| RepoError::msg(format!("error loading {}: {e}", path.display())))
    }

    /// Sorts every chart's versions newest first.
    pub fn sort_entries(&mut self) {
        for versions in self.entries.values_mut() {
            sort_newest_first(versions);
        }
    }

    /// `IndexFile.Get`: an exact version string first, else the first
    /// (newest) version satisfying the constraint (`""` means any).
    pub fn get(&self, name: &str, version: &str) -> Result<&ChartVersion, LookupError> {
        let versions = self.entries.get(name).ok_or(LookupError::NoChartName)?;
        if versions.is_empty() {
            return Err(LookupError::NoChartVersion);
        }
        let constraint = Constraints::parse(if version.is_empty() { "*" } else { version })
            .map_err(|e| LookupError::BadConstraint(e.to_string()))?;
        if !version.is_empty()
            && let Some(cv) = versions.iter().find(|cv| cv.version() == version)
        {
            return Ok(cv);
        }
        versions
            .iter()
            .find(|cv| Version::parse(cv.version()).is_ok_and(|v| constraint.matches(&v)))
            .ok_or_else(|| LookupError::NoMatch(name.to_string(), version.to_string()))
    }

    pub fn has(&self, name: &str, version: &str) -> bool {
        self.get(name, version).is_ok()
    }

    /// `MustAdd`: validates the metadata and appends a version whose URL is
    /// `filename` joined to `base_url` (when set).
    pub fn must_add(
        &mut self,
        metadata: &Metadata,
        filename: &str,
        base_url: &str,
        digest: &str,
    ) -> Result<(), RepoError> {
        let mut md = metadata.clone();
        if md.api_version.is_empty() {
            md.api_version = "v1".into();
        }
        md.validate().map_err(|e| {
            RepoError::msg(format!("validate failed for {filename}: validation: {e}"))
        })?;
        let url = if base_url.is_empty() {
            filename.to_string()
        } else {
            let file = filename.rsplit('/').next().unwrap_or(filename);
            super::url::url_join(base_url, file)
        };
        let cv = ChartVersion {
            metadata: md,
            urls: vec![url],
            created: Timestamp::now(),
            digest: digest.to_string(),
            ..ChartVersion::default()
        };
        self.entries
            .entry(cv.metadata.name.clone())
            .or_default()
            .push(cv);
        Ok(())
    }

    /// `Merge`: adds the versions of `other` this index does not have.
    pub fn merge(&mut self, other: &IndexFile) {
        for versions in other.entries.values() {
            for cv in versions {
                if !self.has(cv.name(), cv.version()) {
                    self.entries
                        .entry(cv.name().to_string())
                        .or_default()
                        .push(cv.clone());
                }
            }
        }
    }

    /// Go `encoding/json` view of the whole index.
    pub fn to_json_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(si) = self.server_info.as_ref().filter(|s| !s.is_empty()) {
            m.insert("serverInfo".into(), Value::map(si.clone()));
        }
        m.insert("apiVersion".into(), Value::str(&self.api_version));
        m.insert(
            "generated".into(),
            Value::str(&self.generated.rfc3339_nano()),
        );
        let entries: Map = self
            .entries
            .iter()
            .map(|(k, vs)| {
                (
                    k.as_str().into(),
                    Value::list(vs.iter().map(ChartVersion::to_json_value).collect()),
                )
            })
            .collect();
        m.insert("entries".into(), Value::map(entries));
        if !self.public_keys.is_empty() {
            m.insert(
                "publicKeys".into(),
                Value::list(self.public_keys.iter().map(|k| Value::str(k)).collect()),
            );
        }
        if !self.annotations.is_empty() {
            m.insert(
                "annotations".into(),
                Value::map(
                    self.annotations
                        .iter()
                        .map(|(k, v)| (k.as_str().into(), Value::str(v)))
                        .collect(),
                ),
            );
        }
        Value::map(m)
    }

    /// The YAML Helm writes (`yaml.Marshal(IndexFile)`).
    pub fn to_yaml(&self) -> Result<String, RepoError> {
        crate::yaml::marshal(&self.to_json_value()).map_err(|e| RepoError::msg(e.to_string()))
    }

    /// Writes the index (atomically, mode 0644).
    pub fn write(&self, path: &Path) -> Result<(), RepoError> {
        let text = self.to_yaml()?;
        crate::package::write_file_atomic(path, text.as_bytes())
            .map_err(|e| RepoError::io(format!("open {}", path.display()), e))
    }

    /// `IndexDirectory`: indexes `dir/*.tgz` and `dir/*/*.tgz` (archives
    /// that fail to load are skipped, as in Helm).
    pub fn index_directory(dir: &Path, base_url: &str) -> Result<IndexFile, RepoError> {
        let mut archives = glob_tgz(dir, false)?;
        archives.extend(glob_tgz(dir, true)?);
        let mut index = IndexFile::new();
        for (rel_dir, path) in archives {
            let fname = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let parent_url = if base_url.is_empty() && rel_dir.is_empty() {
                String::new()
            } else {
                super::url::url_join(base_url, &rel_dir)
            };
            let Ok(chart) = crate::chart::load_file(&path) else {
                continue;
            };
            let digest = digest_file(&path)?;
            index
                .must_add(&chart.metadata, &fname, &parent_url, &digest)
                .map_err(|e| RepoError::msg(format!("failed adding to {fname} to index: {e}")))?;
        }
        Ok(index)
    }
}

/// `(relative folder, path)` of `*.tgz` in `dir` (or one level below).
fn glob_tgz(dir: &Path, nested: bool) -> Result<Vec<(String, PathBuf)>, RepoError> {
    let mut out = Vec::new();
    let dirs: Vec<(String, PathBuf)> = if nested {
        sorted_entries(dir)
            .into_iter()
            .filter(|(_, p)| p.is_dir())
            .collect()
    } else {
        vec![(String::new(), dir.to_path_buf())]
    };
    for (rel, d) in dirs {
        for (name, p) in sorted_entries(&d) {
            if name.ends_with(".tgz") && p.is_file() {
                out.push((rel.clone(), p));
            }
        }
    }
    Ok(out)
}

fn sorted_entries(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The sha256 hex digest of a file (Helm's `provenance.DigestFile`).
pub fn digest_file(path: &Path) -> Result<String, RepoError> {
    let data =
        std::fs::read(path).map_err(|e| RepoError::io(format!("open {}", path.display()), e))?;
    Ok(digest_bytes(&data))
}

/// The sha256 hex digest of bytes.
pub fn digest_bytes(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn go_quote(s: &str) -> String {
    crate::chart::metadata::go_quote(s)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const INDEX: &str = r#"apiVersion: v1
entries:
  nginx:
  - urls: [https://example.com/nginx-0.1.0.tgz]
    name: nginx
    version: 0.1.0
    created: "2016-10-06T16:23:20.499814565-06:00"
    digest: sha256:abc
  - urls: [https://example.com/nginx-0.2.0.tgz]
    name: nginx
    version: 0.2.0
    apiVersion: v2
  - urls: [https://example.com/nginx-bad.tgz]
    name: nginx
    version: not-a-version
generated: "2016-10-06T16:23:20.499029981-06:00"
"#;

    #[test]
    fn loads_sorts_and_skips_invalid() {
        let idx = IndexFile::parse(INDEX.as_bytes(), "test").unwrap();
        let v: Vec<&str> = idx.entries["nginx"].iter().map(|c| c.version()).collect();
        assert_eq!(v, ["0.2.0", "0.1.0"]);
        assert_eq!(idx.entries["nginx"][1].metadata.api_version, "v1");
        assert_eq!(idx.warnings.len(), 1);
        assert!(idx.warnings[0].contains("\"not-a-version\""));
    }

    #[test]
    fn get_by_constraint_and_exact() {
        let idx = IndexFile::parse(INDEX.as_bytes(), "test").unwrap();
        assert_eq!(idx.get("nginx", "").unwrap().version(), "0.2.0");
        assert_eq!(idx.get("nginx", "~0.1").unwrap().version(), "0.1.0");
        assert_eq!(idx.get("nginx", "0.1.0").unwrap().version(), "0.1.0");
        assert_eq!(
            idx.get("nginx", "9.9.9").unwrap_err().to_string(),
            "no chart version found for nginx-9.9.9"
        );
        assert_eq!(
            idx.get("other", "").unwrap_err().to_string(),
            "no chart name found"
        );
    }

    #[test]
    fn round_trip_keeps_timestamps() {
        let idx = IndexFile::parse(INDEX.as_bytes(), "test").unwrap();
        let y = idx.to_yaml().unwrap();
        assert!(
            y.contains("created: \"2016-10-06T16:23:20.499814565-06:00\""),
            "{y}"
        );
        assert!(y.contains("generated: \"2016-10-06T16:23:20.499029981-06:00\""));
        let back = IndexFile::parse(y.as_bytes(), "test").unwrap();
        assert_eq!(back.entries, idx.entries);
    }

    #[test]
    fn empty_and_versionless_indexes_fail_like_helm() {
        assert_eq!(
            IndexFile::parse(b"", "x").unwrap_err().to_string(),
            "empty index.yaml file"
        );
        assert_eq!(
            IndexFile::parse(b"entries: {}\n", "x")
                .unwrap_err()
                .to_string(),
            "no API version specified"
        );
    }
}
