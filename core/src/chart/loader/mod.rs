//! Loading a chart from a directory, a `.tgz` archive or in-memory files,
//! with Helm's file classification, subchart handling and error wording.

mod archive;
mod dir;

use std::path::Path;

pub use archive::{MAX_DECOMPRESSED_CHART_SIZE, MAX_DECOMPRESSED_FILE_SIZE, archive_files};
pub use dir::dir_files;

use super::godecode::DecodeError;
use super::metadata::{API_VERSION_V1, Lock, Metadata};
use super::{Chart, File};
use crate::source::LineCol;
use crate::template::Value;

/// Where in a file a load error points.
#[derive(Clone, Debug, PartialEq)]
pub struct Location {
    /// The file as the user knows it (a filesystem path when loading from a
    /// directory, otherwise the chart-relative name).
    pub file: String,
    pub pos: Option<LineCol>,
}

/// A chart loading failure. `Display` is Helm's message.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LoadError {
    /// A message worded as Helm words it.
    #[error("{message}")]
    Helm {
        message: String,
        location: Option<Location>,
    },
    /// A subchart failed: `error unpacking sub in parent: …`.
    #[error("error unpacking {name} in {parent}: {source}")]
    Subchart {
        name: String,
        parent: String,
        source: Box<LoadError>,
    },
}

impl LoadError {
    pub fn msg(message: impl Into<String>) -> LoadError {
        LoadError::Helm {
            message: message.into(),
            location: None,
        }
    }

    fn at(message: impl Into<String>, file: &str, pos: Option<LineCol>) -> LoadError {
        LoadError::Helm {
            message: message.into(),
            location: Some(Location {
                file: file.to_string(),
                pos,
            }),
        }
    }

    /// The innermost file position, if the error is tied to a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            LoadError::Helm { location, .. } => location.as_ref(),
            LoadError::Subchart { source, .. } => source.location(),
        }
    }
}

/// An in-memory chart file before classification (Helm's `BufferedFile`).
#[derive(Clone, Debug)]
pub struct BufferedFile {
    pub name: String,
    pub data: Vec<u8>,
}

/// Told about each chart's `templates/` files as soon as its Chart.yaml is
/// read, before its values are parsed, with the full name a render gives
/// the chart (`parent/charts/child`) and its metadata: the engine starts
/// parsing them while loading goes on ([`load_with`]).
pub type TemplateSink<'a> = dyn FnMut(&str, &Metadata, &[File]) + 'a;

/// Loads a chart from a directory or an archive, as `loader.Load`.
pub fn load(path: impl AsRef<Path>) -> Result<Chart, LoadError> {
    load_with(path, &mut |_, _, _| {})
}

/// [`load`], handing each chart's templates to `sink` on the way.
pub fn load_with(path: impl AsRef<Path>, sink: &mut TemplateSink<'_>) -> Result<Chart, LoadError> {
    let path = path.as_ref();
    let meta = std::fs::metadata(path).map_err(|e| io_error("stat", path, &e))?;
    if meta.is_dir() {
        load_shared(dir_files(path)?, None, sink)
    } else {
        load_file_with(path, sink)
    }
}

/// A guess, from a few directory entries and no file contents, whether the
/// chart at `path` has enough templates to be worth parsing on a second
/// thread (≈ 100 KB): it has subcharts, or many template files, or is an
/// archive of some size. Wrong guesses only cost time.
pub fn looks_large(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if !meta.is_dir() {
        // Template text compresses about four to one.
        return meta.len() >= 24 * 1024;
    }
    let entries = |dir: &str| {
        std::fs::read_dir(path.join(dir))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    entries("charts") > 0 || entries("templates") >= 24
}

/// Loads a chart directory, honouring its `.helmignore`.
pub fn load_dir(path: impl AsRef<Path>) -> Result<Chart, LoadError> {
    load_shared(dir_files(path.as_ref())?, None, &mut |_, _, _| {})
}

/// Loads a `.tgz` chart archive from disk.
pub fn load_file(path: impl AsRef<Path>) -> Result<Chart, LoadError> {
    load_file_with(path.as_ref(), &mut |_, _, _| {})
}

fn load_file_with(path: &Path, sink: &mut TemplateSink<'_>) -> Result<Chart, LoadError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io_error("stat", path, &e))?;
    if meta.is_dir() {
        return Err(LoadError::msg("cannot load a directory"));
    }
    let raw = std::fs::read(path).map_err(|e| io_error("open", path, &e))?;
    archive::ensure_archive(&shown, &raw)?;
    load_buffered(archive_files(&raw)?, None, sink).map_err(|e| match e {
        LoadError::Helm { message, .. } if message == "gzip: invalid header" => LoadError::msg(
            format!("file '{shown}' does not appear to be a valid chart file (details: {message})"),
        ),
        other => other,
    })
}

/// Loads a chart from the bytes of a `.tgz` archive.
pub fn load_archive_bytes(raw: &[u8]) -> Result<Chart, LoadError> {
    load_files(archive_files(raw)?)
}

/// Go's `*PathError` text: `stat x: no such file or directory`.
pub(crate) fn io_error(op: &str, path: &Path, e: &std::io::Error) -> LoadError {
    LoadError::msg(format!("{op} {}: {}", path.display(), go_io_message(e)))
}

/// The Go spelling of common OS errors (`no such file or directory`).
pub fn go_io_message_pub(e: &std::io::Error) -> String {
    go_io_message(e)
}

/// The Go spelling of common OS errors.
pub(crate) fn go_io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            // Rust appends " (os error N)"; Go does not.
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

/// Parses YAML text with Helm's (sigs.k8s.io/yaml) semantics.
fn parse_yaml(data: &[u8], file: &str) -> Result<Value, LoadError> {
    let text = crate::source::lossy_utf8(data);
    crate::chart::yaml_bridge::parse_document(&text).map_err(|e| {
        LoadError::at(
            format!("cannot load {file}: {}", e.helm_message),
            file,
            e.pos,
        )
    })
}

fn decode_error(file: &str, e: DecodeError) -> LoadError {
    LoadError::at(
        format!(
            "cannot load {file}: error unmarshaling JSON: while decoding JSON: {}",
            e.0
        ),
        file,
        None,
    )
}

/// Helm's `chartutil.LoadChartfile` on Chart.yaml bytes: decoded metadata
/// without validation or defaults; the error is Helm's text
/// (`error converting YAML to JSON: …`).
pub fn parse_chartfile(data: &[u8]) -> Result<crate::chart::metadata::Metadata, String> {
    let text = crate::source::lossy_utf8(data);
    let doc = crate::chart::yaml_bridge::parse_document(&text).map_err(|e| e.helm_message)?;
    let mut m = crate::chart::metadata::Metadata::default();
    m.decode_into(&doc)
        .map_err(|e| format!("error unmarshaling JSON: while decoding JSON: {}", e.0))?;
    Ok(m)
}

/// Classifies files into a chart and loads subcharts, as `loader.LoadFiles`.
pub fn load_files(files: Vec<BufferedFile>) -> Result<Chart, LoadError> {
    load_buffered(files, None, &mut |_, _, _| {})
}

/// [`load_files`] for a chart whose parent's full name is `parent`.
fn load_buffered(
    files: Vec<BufferedFile>,
    parent: Option<&str>,
    sink: &mut TemplateSink<'_>,
) -> Result<Chart, LoadError> {
    load_shared(
        files
            .into_iter()
            .map(|f| File::from_vec(f.name, f.data))
            .collect(),
        parent,
        sink,
    )
}

/// [`load_files`] on shared buffers, so subcharts (recursively) reuse the
/// parent's file data instead of copying it at every level.
fn load_shared(
    files: Vec<File>,
    parent: Option<&str>,
    sink: &mut TemplateSink<'_>,
) -> Result<Chart, LoadError> {
    let mut c = Chart {
        values: Value::empty_map(),
        ..Chart::default()
    };
    let mut have_metadata = false;
    let mut subcharts: std::collections::BTreeMap<String, Vec<File>> = Default::default();

    // Chart.yaml first, wherever it sits in the list.
    for file in &files {
        c.raw.push(file.clone());
        if file.name == "Chart.yaml" {
            have_metadata = true;
            let doc = parse_yaml(&file.data, "Chart.yaml")?;
            c.metadata
                .decode_into(&doc)
                .map_err(|e| decode_error("Chart.yaml", e))?;
            if c.metadata.api_version.is_empty() {
                c.metadata.api_version = API_VERSION_V1.to_string();
            }
        }
    }

    let full_name = match parent {
        None => c.metadata.name.clone(),
        Some(p) => format!("{p}/charts/{}", c.metadata.name),
    };
    if have_metadata {
        let templates: Vec<File> = files
            .iter()
            .filter(|f| f.name.starts_with("templates/"))
            .cloned()
            .collect();
        sink(&full_name, &c.metadata, &templates);
    }

    for file in files {
        let name = file.name.as_str();
        match name {
            "Chart.yaml" => {}
            "Chart.lock" | "requirements.lock" => {
                let doc = parse_yaml(&file.data, name)?;
                c.lock = Some(Lock::decode(&doc).map_err(|e| decode_error(name, e))?);
                if name == "requirements.lock" {
                    have_metadata = true;
                    if c.metadata.api_version == API_VERSION_V1 {
                        c.files.push(file);
                    }
                }
            }
            "values.yaml" => {
                let text = file.text();
                c.values = crate::chart::yaml_bridge::parse_values(&text).map_err(|e| {
                    LoadError::at(
                        format!("cannot load values.yaml: {}", e.helm_message),
                        "values.yaml",
                        e.pos,
                    )
                })?;
            }
            "values.schema.json" => c.schema = Some(file.data),
            "requirements.yaml" => {
                have_metadata = true;
                let doc = parse_yaml(&file.data, "requirements.yaml")?;
                c.metadata
                    .decode_into(&doc)
                    .map_err(|e| decode_error("requirements.yaml", e))?;
                if c.metadata.api_version == API_VERSION_V1 {
                    c.files.push(file);
                }
            }
            n if n.starts_with("templates/") => c.templates.push(file),
            n if n.starts_with("charts/") => {
                if go_ext(n) == ".prov" {
                    c.files.push(file);
                    continue;
                }
                let rest = &n["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or(rest).to_string();
                let sub = file.renamed(rest);
                subcharts.entry(cname).or_default().push(sub);
            }
            _ => c.files.push(file),
        }
    }

    if !have_metadata {
        return Err(LoadError::msg("Chart.yaml file is missing"));
    }
    c.metadata
        .validate()
        .map_err(|m| LoadError::at(format!("validation: {m}"), "Chart.yaml", None))?;

    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let result = if go_ext(&n) == ".tgz" {
            match files.first() {
                Some(f) if f.name == n => {
                    archive_files(&f.data).and_then(|fs| load_buffered(fs, Some(&full_name), sink))
                }
                Some(File { name, .. }) => {
                    return Err(LoadError::msg(format!(
                        "error unpacking tar in {}: expected {n}, got {name}",
                        c.name(),
                    )));
                }
                None => continue,
            }
        } else {
            let buff: Vec<File> = files
                .iter()
                .filter_map(|f| f.name.split_once('/').map(|(_, rest)| f.renamed(rest)))
                .collect();
            load_shared(buff, Some(&full_name), sink)
        };
        match result {
            Ok(sc) => c.dependencies.push(sc),
            Err(e) => {
                return Err(LoadError::Subchart {
                    name: n,
                    parent: c.name().to_string(),
                    source: Box::new(e),
                });
            }
        }
    }
    Ok(c)
}

/// Go `filepath.Ext`.
fn go_ext(name: &str) -> &str {
    let base_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[base_start..].rfind('.') {
        Some(i) => &name[base_start + i..],
        None => "",
    }
}
