//! `helm create`: the Helm 3.10 chart scaffold, byte for byte, with the chart
//! name substituted.
//!
//! The scaffold files under `scaffold/` are the oracle's output of
//! `helm create mychart` with every `mychart` replaced by `<CHARTNAME>`.
//! Behaviour kept from Helm: the name is the last path element of the
//! argument and must match `^[a-zA-Z0-9._-]+$` (1 to 250 characters), the
//! parent directory must exist, existing files are overwritten with a
//! `WARNING: File "<abs path>" already exists. Overwriting.` line, and an
//! empty `charts/` directory is created.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

const PLACEHOLDER: &str = "<CHARTNAME>";
const MAX_CHART_NAME_LENGTH: usize = 250;

/// The scaffold in the order Helm writes it (the order of its warnings).
const SCAFFOLD: &[(&str, &str)] = &[
    ("Chart.yaml", include_str!("scaffold/Chart.yaml")),
    ("values.yaml", include_str!("scaffold/values.yaml")),
    (".helmignore", include_str!("scaffold/helmignore")),
    (
        "templates/ingress.yaml",
        include_str!("scaffold/templates/ingress.yaml"),
    ),
    (
        "templates/deployment.yaml",
        include_str!("scaffold/templates/deployment.yaml"),
    ),
    (
        "templates/service.yaml",
        include_str!("scaffold/templates/service.yaml"),
    ),
    (
        "templates/serviceaccount.yaml",
        include_str!("scaffold/templates/serviceaccount.yaml"),
    ),
    (
        "templates/hpa.yaml",
        include_str!("scaffold/templates/hpa.yaml"),
    ),
    (
        "templates/NOTES.txt",
        include_str!("scaffold/templates/NOTES.txt"),
    ),
    (
        "templates/_helpers.tpl",
        include_str!("scaffold/templates/_helpers.tpl"),
    ),
    (
        "templates/tests/test-connection.yaml",
        include_str!("scaffold/templates/tests/test-connection.yaml"),
    ),
];

/// Why `create` failed; messages are Helm's.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CreateError {
    #[error("chart name must be between 1 and {MAX_CHART_NAME_LENGTH} characters")]
    NameLength,
    #[error("chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\"")]
    NameChars,
    /// Go's `os.Stat` error text: `stat <path>: no such file or directory`.
    #[error("stat {}: {}", path.display(), go_io_message(err))]
    Stat { path: PathBuf, err: io::Error },
    #[error("no such directory {}", .0.display())]
    NotADirectory(PathBuf),
    #[error("file {} already exists and is not a directory", .0.display())]
    FileExists(PathBuf),
    #[error("{op} {}: {}", path.display(), go_io_message(err))]
    Io {
        op: &'static str,
        path: PathBuf,
        err: io::Error,
    },
}

/// Go's wording for common OS errors.
fn go_io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::NotADirectory => "not a directory".to_string(),
        _ => e.to_string(),
    }
}

/// The scaffold file contents for a chart name.
pub fn scaffold(name: &str) -> Vec<(&'static str, String)> {
    SCAFFOLD
        .iter()
        .map(|(path, text)| (*path, text.replace(PLACEHOLDER, name)))
        .collect()
}

fn validate_chart_name(name: &str) -> Result<(), CreateError> {
    if name.is_empty() || name.len() > MAX_CHART_NAME_LENGTH {
        return Err(CreateError::NameLength);
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(CreateError::NameChars);
    }
    Ok(())
}

/// Go `filepath.Base`.
pub fn go_base(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// Go `filepath.Dir` (without the final `Clean`, which `absolute` applies).
fn go_dir(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => ".",
    }
}

/// Go `filepath.Abs`: joined with the working directory and cleaned.
fn absolute(dir: &str, cwd: &Path) -> PathBuf {
    let joined = if dir.starts_with('/') {
        PathBuf::from(dir)
    } else {
        cwd.join(dir)
    };
    let mut out = PathBuf::from("/");
    for comp in joined.components() {
        match comp {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Creates the chart `name_arg` (a path whose last element is the chart
/// name) relative to `cwd`. Overwrite warnings are written to `out`.
/// Returns the chart directory.
pub fn create(name_arg: &str, cwd: &Path, out: &mut dyn Write) -> Result<PathBuf, CreateError> {
    let name = go_base(name_arg);
    validate_chart_name(name)?;
    let parent = absolute(go_dir(name_arg), cwd);
    match std::fs::metadata(&parent) {
        Err(err) => {
            return Err(CreateError::Stat { path: parent, err });
        }
        Ok(md) if !md.is_dir() => return Err(CreateError::NotADirectory(parent)),
        Ok(_) => {}
    }
    let chart_dir = parent.join(name);
    if let Ok(md) = std::fs::metadata(&chart_dir)
        && !md.is_dir()
    {
        return Err(CreateError::FileExists(chart_dir));
    }
    for (rel, content) in scaffold(name) {
        let path = chart_dir.join(rel);
        if path.exists() {
            // Helm prints this on stdout, where `create` writes.
            let _ = writeln!(
                out,
                "WARNING: File \"{}\" already exists. Overwriting.",
                path.display()
            );
        }
        write_file(&path, content.as_bytes())?;
    }
    let charts = chart_dir.join("charts");
    std::fs::create_dir_all(&charts).map_err(|err| CreateError::Io {
        op: "mkdir",
        path: charts,
        err,
    })?;
    Ok(chart_dir)
}

fn write_file(path: &Path, content: &[u8]) -> Result<(), CreateError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|err| CreateError::Io {
            op: "mkdir",
            path: dir.to_path_buf(),
            err,
        })?;
    }
    std::fs::write(path, content).map_err(|err| CreateError::Io {
        op: "open",
        path: path.to_path_buf(),
        err,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        assert_eq!(go_base("a/b"), "b");
        assert_eq!(go_base("a/b/"), "b");
        assert_eq!(go_dir("mychart"), ".");
        assert_eq!(go_dir("a/b"), "a");
        assert!(matches!(
            validate_chart_name("Bad Name"),
            Err(CreateError::NameChars)
        ));
        assert!(matches!(
            validate_chart_name(&"a".repeat(251)),
            Err(CreateError::NameLength)
        ));
        assert!(validate_chart_name("x.y").is_ok());
    }

    #[test]
    fn substitutes_the_name_everywhere() {
        let files = scaffold("web");
        assert_eq!(files.len(), 11);
        assert!(files.iter().all(|(_, t)| !t.contains(PLACEHOLDER)));
        let chart = &files[0].1;
        assert!(chart.starts_with("apiVersion: v2\nname: web\n"));
        let helpers = files
            .iter()
            .find(|(p, _)| *p == "templates/_helpers.tpl")
            .map(|(_, t)| t.as_str())
            .unwrap_or_default();
        assert!(helpers.contains("{{- define \"web.fullname\" -}}"));
    }
}
