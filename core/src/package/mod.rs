//! Chart archives as `helm package` writes them (`chartutil.Save`):
//! `<name>-<version>.tgz`, entries under `<name>/` in Helm's order
//! (Chart.yaml and Chart.lock re-serialised, raw values.yaml, schema,
//! templates, other files, then subcharts expanded under `charts/<dep>/`),
//! mode 0644, packaging time as mtime, and the gzip header Helm writes
//! (comment `Helm`, its fixed extra field).
//!
//! [`tar`] lays out the tar headers like Go's `archive/tar`.

pub mod tar;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use flate2::{Compression, GzBuilder};

use crate::chart::metadata::API_VERSION_V1;
use crate::chart::{Chart, Lock};
use crate::release::time::Timestamp;
use crate::template::Value;

/// The gzip "extra" field Helm writes into every chart archive.
pub const GZIP_EXTRA: &[u8] = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";
/// The gzip comment Helm writes.
pub const GZIP_COMMENT: &str = "Helm";

/// A packaging failure; `Display` is Helm's message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    #[error("{0}")]
    Message(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

impl PackageError {
    fn io(context: impl Into<String>, source: std::io::Error) -> PackageError {
        PackageError::Io {
            context: context.into(),
            source,
        }
    }
}

/// `<name>-<version>.tgz`.
pub fn archive_name(chart: &Chart) -> String {
    format!("{}-{}.tgz", chart.name(), chart.metadata.version)
}

/// The archive bytes of `chart`, every entry stamped with `mtime` (Unix
/// seconds).
pub fn archive_bytes(chart: &Chart, mtime: i64) -> Result<Vec<u8>, PackageError> {
    let mut entries = Vec::new();
    collect_entries(chart, "", &mut entries)?;
    let gz = GzBuilder::new()
        .extra(GZIP_EXTRA)
        .comment(GZIP_COMMENT)
        .write(Vec::new(), Compression::default());
    let mut tw = tar::TarWriter::new(gz);
    for (name, data) in &entries {
        tw.append_file(name, data, mtime)
            .map_err(|e| PackageError::io("failed to write archive", e))?;
    }
    let gz = tw
        .finish()
        .map_err(|e| PackageError::io("failed to write archive", e))?;
    gz.finish()
        .map_err(|e| PackageError::io("failed to write archive", e))
}

/// The archive's entries in Helm's order: `(path, bytes)`.
pub fn archive_entries(chart: &Chart) -> Result<Vec<(String, Vec<u8>)>, PackageError> {
    let mut entries = Vec::new();
    collect_entries(chart, "", &mut entries)?;
    Ok(entries)
}

fn collect_entries(
    chart: &Chart,
    prefix: &str,
    out: &mut Vec<(String, Vec<u8>)>,
) -> Result<(), PackageError> {
    let base = join(prefix, chart.name());
    let mut metadata = chart.metadata.clone();
    if metadata.api_version == API_VERSION_V1 {
        // v1 charts keep their dependencies in requirements.yaml.
        metadata.dependencies.clear();
    }
    out.push((join(&base, "Chart.yaml"), chart_yaml(&metadata)?));
    if chart.metadata.api_version == crate::chart::metadata::API_VERSION_V2
        && let Some(lock) = &chart.lock
    {
        out.push((join(&base, "Chart.lock"), lock_yaml(lock)?));
    }
    if let Some(values) = chart.values_raw() {
        out.push((join(&base, "values.yaml"), values.data.to_vec()));
    }
    if let Some(schema) = &chart.schema {
        if serde_json::from_slice::<serde_json::Value>(schema).is_err() {
            return Err(PackageError::Message(
                "Invalid JSON in values.schema.json".into(),
            ));
        }
        out.push((join(&base, "values.schema.json"), schema.to_vec()));
    }
    for f in chart.templates.iter().chain(chart.files.iter()) {
        out.push((join(&base, &f.name), f.data.to_vec()));
    }
    let charts = join(&base, "charts");
    for dep in &chart.dependencies {
        collect_entries(dep, &charts, out)?;
    }
    Ok(())
}

/// `Chart.yaml` as `yaml.Marshal(chart.Metadata)` writes it.
pub fn chart_yaml(metadata: &crate::chart::Metadata) -> Result<Vec<u8>, PackageError> {
    crate::yaml::marshal(&metadata.to_json_value())
        .map(String::into_bytes)
        .map_err(|e| PackageError::Message(e.to_string()))
}

/// A lock file as `yaml.Marshal(chart.Lock)` writes it (the timestamp in
/// Go's RFC 3339 form with nanoseconds).
pub fn lock_yaml(lock: &Lock) -> Result<Vec<u8>, PackageError> {
    let mut v = lock.to_json_value();
    if let Value::Map(m) = &mut v {
        let generated = Timestamp::parse(&lock.generated)
            .map(|t| t.rfc3339_nano())
            .unwrap_or_else(|| lock.generated.clone());
        m.insert("generated".into(), Value::str(&generated));
    }
    crate::yaml::marshal(&v)
        .map(String::into_bytes)
        .map_err(|e| PackageError::Message(e.to_string()))
}

/// Go `filepath.Join` for the `/`-separated names used inside archives.
fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

/// The current time rounded to the second, as Go's tar writer stores it.
pub fn now_unix() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.as_secs() as i64 + i64::from(now.subsec_nanos() >= 500_000_000)
}

/// `chartutil.Save`: writes `<out_dir>/<name>-<version>.tgz` (creating
/// `out_dir`) and returns its path, `out_dir` joined as Go's
/// `filepath.Join` does. A failed write leaves no file behind.
pub fn save(chart: &Chart, out_dir: &Path) -> Result<PathBuf, PackageError> {
    let mut metadata = chart.metadata.clone();
    metadata
        .validate()
        .map_err(|m| PackageError::Message(format!("chart validation: validation: {m}")))?;
    let filename = go_clean_join(out_dir, &archive_name(chart));
    let dir = filename.parent().map(Path::to_path_buf).unwrap_or_default();
    match std::fs::metadata(&dir) {
        Ok(m) if !m.is_dir() => {
            return Err(PackageError::Message(format!(
                "is not a directory: {}",
                dir.display()
            )));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| PackageError::io(format!("mkdir {}", dir.display()), e))?;
        }
        Err(e) => return Err(PackageError::io(format!("stat {}", dir.display()), e)),
    }
    let bytes = archive_bytes(chart, now_unix())?;
    write_file_atomic(&filename, &bytes)
        .map_err(|e| PackageError::io(format!("open {}", filename.display()), e))?;
    Ok(filename)
}

/// Writes through a temporary file in the same directory, then renames.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp_name = format!(".{name}.tmp-{}", std::process::id());
    let tmp = match dir {
        Some(d) => d.join(tmp_name),
        None => PathBuf::from(tmp_name),
    };
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Go's `filepath.Join(dir, file)`: cleans `.`/`..` lexically and drops a
/// leading `./`, so `.` + `x.tgz` is `x.tgz`.
pub fn go_clean_join(dir: &Path, file: &str) -> PathBuf {
    let joined = format!("{}/{file}", dir.display());
    PathBuf::from(crate::gopath::clean(&joined))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn go_clean_matches_go() {
        assert_eq!(crate::gopath::clean("./a/../b/"), "b");
        assert_eq!(crate::gopath::clean("/a/./b/.."), "/a");
        assert_eq!(crate::gopath::clean("../x"), "../x");
        assert_eq!(crate::gopath::clean(""), ".");
        assert_eq!(
            go_clean_join(Path::new("goldens/pacman-repo"), "p-0.1.0.tgz"),
            PathBuf::from("goldens/pacman-repo/p-0.1.0.tgz")
        );
    }

    #[test]
    fn gzip_header_is_helms() {
        let chart = crate::chart::load_files(vec![crate::chart::loader::BufferedFile {
            name: "Chart.yaml".into(),
            data: b"apiVersion: v2\nname: x\nversion: 1.0.0\n".to_vec(),
        }])
        .unwrap();
        let bytes = archive_bytes(&chart, 1_700_000_000).unwrap();
        // Recorded from `helm package` (Helm 3.10.1): flags FEXTRA|FCOMMENT,
        // mtime 0, XFL 0, OS 255, the extra field, then "Helm\0".
        let mut want = vec![0x1f, 0x8b, 0x08, 0x14, 0, 0, 0, 0, 0, 0xff, 0x29, 0x00];
        want.extend_from_slice(GZIP_EXTRA);
        want.extend_from_slice(b"Helm\0");
        assert_eq!(&bytes[..want.len()], &want[..]);
        let back = crate::chart::load_archive_bytes(&bytes).unwrap();
        assert_eq!(back.name(), "x");
    }
}
