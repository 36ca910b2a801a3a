//! `repositories.yaml` (Helm's `repo.File` and `repo.Entry`): reading,
//! adding/updating/removing entries, and writing with Helm's key order and
//! zero values, so Helm and kubectl-chart can share the file.

use std::path::Path;

use super::RepoError;
use super::decode::{self, DecodeError};
use crate::release::time::Timestamp;
use crate::template::{Map, Value};

/// One configured repository.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub url: String,
    pub username: String,
    pub password: String,
    pub cert_file: String,
    pub key_file: String,
    pub ca_file: String,
    pub insecure_skip_tls_verify: bool,
    pub pass_credentials_all: bool,
}

/// The repositories file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RepoFile {
    pub api_version: String,
    pub generated: Timestamp,
    pub repositories: Vec<Entry>,
}

impl Entry {
    fn decode(map: &Map) -> Result<Entry, DecodeError> {
        let p = |f: &str| format!("Entry.repositories.{f}");
        Ok(Entry {
            name: decode::string(map, "name", &p("name"))?,
            url: decode::string(map, "url", &p("url"))?,
            username: decode::string(map, "username", &p("username"))?,
            password: decode::string(map, "password", &p("password"))?,
            cert_file: decode::string(map, "certFile", &p("certFile"))?,
            key_file: decode::string(map, "keyFile", &p("keyFile"))?,
            ca_file: decode::string(map, "caFile", &p("caFile"))?,
            insecure_skip_tls_verify: decode::boolean(
                map,
                "insecure_skip_tls_verify",
                &p("insecure_skip_tls_verify"),
            )?,
            pass_credentials_all: decode::boolean(
                map,
                "pass_credentials_all",
                &p("pass_credentials_all"),
            )?,
        })
    }

    /// Go `encoding/json` view (every field, no omitempty).
    pub fn to_json_value(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in [
            ("name", &self.name),
            ("url", &self.url),
            ("username", &self.username),
            ("password", &self.password),
            ("certFile", &self.cert_file),
            ("keyFile", &self.key_file),
            ("caFile", &self.ca_file),
        ] {
            m.insert(k.into(), Value::str(v));
        }
        m.insert(
            "insecure_skip_tls_verify".into(),
            Value::Bool(self.insecure_skip_tls_verify),
        );
        m.insert(
            "pass_credentials_all".into(),
            Value::Bool(self.pass_credentials_all),
        );
        Value::map(m)
    }
}

impl RepoFile {
    /// A new file (`apiVersion: v1`, generated now), as `repo.NewFile`.
    pub fn new() -> RepoFile {
        RepoFile {
            api_version: "v1".into(),
            generated: Timestamp::now(),
            repositories: Vec::new(),
        }
    }

    /// Decodes file content; empty content is the zero file.
    pub fn parse(data: &[u8]) -> Result<RepoFile, DecodeError> {
        let doc = decode::parse(data)?;
        let mut f = RepoFile::default();
        let Some(map) = decode::object(&doc, "File", "repo.File")? else {
            return Ok(f);
        };
        let map = &*map;
        f.api_version = decode::string(map, "apiVersion", "File.apiVersion")?;
        let generated = decode::string(map, "generated", "File.generated")?;
        f.generated = Timestamp::parse(&generated).ok_or_else(|| {
            DecodeError(format!(
                "error unmarshaling JSON: while decoding JSON: parsing time \"\\\"{generated}\\\"\" as \"\\\"2006-01-02T15:04:05Z07:00\\\"\": cannot parse"
            ))
        })?;
        match decode::field(map, "repositories") {
            None | Some(Value::Nil) => {}
            Some(Value::List(items)) => {
                for item in items.iter() {
                    if let Some(m) = decode::object(item, "File.repositories", "repo.Entry")? {
                        f.repositories.push(Entry::decode(&m)?);
                    }
                }
            }
            Some(other) => {
                return Err(DecodeError(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field File.repositories of type []*repo.Entry",
                    if other.as_str().is_some() {
                        "string"
                    } else {
                        "object"
                    }
                )));
            }
        }
        Ok(f)
    }

    /// `repo.LoadFile`: `Ok(None)` when the file does not exist.
    pub fn load(path: &Path) -> Result<Option<RepoFile>, RepoError> {
        match std::fs::read(path) {
            Ok(data) => RepoFile::parse(&data).map(Some).map_err(|e| {
                RepoError::msg(format!(
                    "couldn't load repositories file ({}): {}",
                    path.display(),
                    e.0
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(RepoError::msg(format!(
                "couldn't load repositories file ({}): {}",
                path.display(),
                crate::chart::loader::go_io_message_pub(&e)
            ))),
        }
    }

    /// The file's YAML as `yaml.Marshal(repo.File)` writes it.
    pub fn to_yaml(&self) -> String {
        let mut m = Map::new();
        m.insert("apiVersion".into(), Value::str(&self.api_version));
        m.insert(
            "generated".into(),
            Value::str(&self.generated.rfc3339_nano()),
        );
        m.insert(
            "repositories".into(),
            Value::list(self.repositories.iter().map(Entry::to_json_value).collect()),
        );
        crate::yaml::marshal(&Value::map(m)).unwrap_or_default()
    }

    /// Writes the file (creating its folder), mode 0644.
    pub fn write(&self, path: &Path) -> Result<(), RepoError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| RepoError::io(format!("mkdir {}", dir.display()), e))?;
        }
        std::fs::write(path, self.to_yaml())
            .map_err(|e| RepoError::io(format!("open {}", path.display()), e))
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.repositories.iter().find(|e| e.name == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Replaces the entry with the same name, or appends.
    pub fn update(&mut self, entry: Entry) {
        match self.repositories.iter_mut().find(|e| e.name == entry.name) {
            Some(slot) => *slot = entry,
            None => self.repositories.push(entry),
        }
    }

    /// Removes the named entry; false when there was none.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.repositories.len();
        self.repositories.retain(|e| e.name != name);
        before != self.repositories.len()
    }
}

/// Holds `repositories.lock` (next to the file, extension replaced) while
/// the file is read, changed and written, as `helm repo add` does, so
/// concurrent adds from either tool do not lose entries.
pub struct RepoFileLock {
    _file: std::fs::File,
}

impl RepoFileLock {
    pub fn acquire(repo_file: &Path) -> Result<RepoFileLock, RepoError> {
        let lock_path = match repo_file.extension() {
            Some(_) if repo_file.file_stem().is_some_and(|s| !s.is_empty()) => {
                repo_file.with_extension("lock")
            }
            _ => {
                let mut p = repo_file.as_os_str().to_owned();
                p.push(".lock");
                p.into()
            }
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).truncate(false).read(true).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts
            .open(&lock_path)
            .map_err(|e| RepoError::io(format!("open {}", lock_path.display()), e))?;
        // Wait up to 30 seconds, as Helm does.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    if std::time::Instant::now() >= deadline {
                        return Err(RepoError::msg("context deadline exceeded"));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(RepoError::io(format!("flock {}", lock_path.display()), e));
                }
            }
        }
        Ok(RepoFileLock { _file: file })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn zero_file_written_like_helm_repo_add() {
        // `helm repo add local http://127.0.0.1:18931` on a fresh config
        // (Helm 3.10.1) writes exactly this.
        let mut f = RepoFile::parse(b"").unwrap();
        f.update(Entry {
            name: "local".into(),
            url: "http://127.0.0.1:18931".into(),
            ..Entry::default()
        });
        assert_eq!(
            f.to_yaml(),
            "apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories:\n- caFile: \"\"\n  certFile: \"\"\n  insecure_skip_tls_verify: false\n  keyFile: \"\"\n  name: local\n  pass_credentials_all: false\n  password: \"\"\n  url: http://127.0.0.1:18931\n  username: \"\"\n"
        );
        let back = RepoFile::parse(f.to_yaml().as_bytes()).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn remove_and_update() {
        let mut f = RepoFile::new();
        f.update(Entry {
            name: "a".into(),
            ..Entry::default()
        });
        f.update(Entry {
            name: "a".into(),
            url: "u".into(),
            ..Entry::default()
        });
        assert_eq!(f.repositories.len(), 1);
        assert_eq!(f.get("a").unwrap().url, "u");
        assert!(f.remove("a"));
        assert!(!f.remove("a"));
    }
}
