//! Reading chart archives (`.tgz`) safely.
//!
//! Entry names lose their first path component (the chart directory), as in
//! Helm. Unlike Helm 3.10 we also refuse links and special files, and cap
//! the decompressed size (the limits newer Helm versions enforce), so a
//! hostile archive can neither escape the chart nor exhaust memory.

use std::io::Read;

use flate2::read::GzDecoder;

use super::{BufferedFile, LoadError};
use crate::gopath::clean;

/// Largest total decompressed size accepted (Helm's default, 100 MiB).
pub const MAX_DECOMPRESSED_CHART_SIZE: u64 = 100 * 1024 * 1024;
/// Largest single decompressed file accepted (Helm's default, 5 MiB).
pub const MAX_DECOMPRESSED_FILE_SIZE: u64 = 5 * 1024 * 1024;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Helm's `ensureArchive`: a friendly error when the file is not gzip.
pub(super) fn ensure_archive(name: &str, raw: &[u8]) -> Result<(), LoadError> {
    if raw.starts_with(&[0x1f, 0x8b, 0x08]) {
        return Ok(());
    }
    let ext = name
        .rsplit('/')
        .next()
        .and_then(|b| b.rfind('.').map(|i| &b[i..]))
        .unwrap_or("");
    if ext == ".yaml" || ext == ".yml" {
        return Err(LoadError::msg(format!(
            "file '{name}' seems to be a YAML file, but expected a gzipped archive"
        )));
    }
    Err(LoadError::msg(format!(
        "file '{name}' does not appear to be a gzipped archive; got '{}'",
        detect_content_type(raw)
    )))
}

/// A small subset of Go's `http.DetectContentType`, enough for messages.
fn detect_content_type(raw: &[u8]) -> &'static str {
    let head = &raw[..raw.len().min(512)];
    if head.starts_with(b"PK\x03\x04") {
        return "application/zip";
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return "image/png";
    }
    if head.starts_with(b"%PDF-") {
        return "application/pdf";
    }
    if head.starts_with(b"BZh") {
        return "application/x-bzip2";
    }
    if head.len() > 262 && &head[257..262] == b"ustar" {
        return "application/x-tar";
    }
    let binary = head.iter().any(|&b| {
        b <= 0x08 || b == 0x0B || (0x0E..=0x1A).contains(&b) || (0x1C..=0x1F).contains(&b)
    });
    if binary {
        "application/octet-stream"
    } else {
        "text/plain; charset=utf-8"
    }
}

fn is_drive_path(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

fn tar_error(e: &std::io::Error) -> LoadError {
    let msg = e.to_string();
    if msg.contains("invalid gzip header") {
        return LoadError::msg("gzip: invalid header");
    }
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        return LoadError::msg("unexpected EOF");
    }
    LoadError::msg(format!("error reading chart archive: {msg}"))
}

/// The files of a gzipped tar chart archive, names relative to the chart root.
pub fn archive_files(raw: &[u8]) -> Result<Vec<BufferedFile>, LoadError> {
    // Go's gzip reader: a short header is an unexpected EOF, a wrong magic
    // an invalid header.
    if raw.len() < 10 {
        return Err(LoadError::msg("unexpected EOF"));
    }
    if !raw.starts_with(&[0x1f, 0x8b, 0x08]) {
        return Err(LoadError::msg("gzip: invalid header"));
    }
    let mut archive = tar::Archive::new(GzDecoder::new(raw));
    let entries = archive.entries().map_err(|e| tar_error(&e))?;
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for entry in entries {
        let mut entry = entry.map_err(|e| tar_error(&e))?;
        let header_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if kind.is_gnu_longname() || kind.is_gnu_longlink() {
            continue;
        }

        let delimiter = if header_name.contains('\\') {
            '\\'
        } else {
            '/'
        };
        let mut parts = header_name.split(delimiter);
        let first = parts.next().unwrap_or("");
        let n: Vec<&str> = parts.collect();
        let n = n.join("/");

        if n.starts_with('/') {
            return Err(LoadError::msg("chart illegally contains absolute paths"));
        }
        let n = clean(&n);
        if n == "." {
            return Err(LoadError::msg(format!(
                "chart illegally contains content outside the base directory: {}",
                super::super::metadata::go_quote(&header_name)
            )));
        }
        if n.starts_with("..") {
            return Err(LoadError::msg(
                "chart illegally references parent directory",
            ));
        }
        if is_drive_path(&n) {
            return Err(LoadError::msg("chart contains illegally named files"));
        }
        if first == "Chart.yaml" {
            return Err(LoadError::msg("chart yaml not in base directory"));
        }
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(LoadError::msg(format!(
                "chart archive entry {} is a link; links are not allowed in charts",
                super::super::metadata::go_quote(&header_name)
            )));
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            return Err(LoadError::msg(format!(
                "chart archive entry {} is not a regular file",
                super::super::metadata::go_quote(&header_name)
            )));
        }

        let mut data = Vec::new();
        let read = (&mut entry)
            .take(MAX_DECOMPRESSED_FILE_SIZE + 1)
            .read_to_end(&mut data)
            .map_err(|e| tar_error(&e))? as u64;
        if read > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(LoadError::msg(format!(
                "decompressed chart file {} is larger than the maximum file size {MAX_DECOMPRESSED_FILE_SIZE}",
                super::super::metadata::go_quote(&header_name)
            )));
        }
        total += read;
        if total > MAX_DECOMPRESSED_CHART_SIZE {
            return Err(LoadError::msg(format!(
                "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
            )));
        }
        if data.starts_with(UTF8_BOM) {
            data.drain(..UTF8_BOM.len());
        }
        files.push(BufferedFile { name: n, data });
    }
    if files.is_empty() {
        return Err(LoadError::msg("no files in chart archive"));
    }
    Ok(files)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn go_clean() {
        assert_eq!(clean("a/../b"), "b");
        assert_eq!(clean(""), ".");
        assert_eq!(clean("../x"), "../x");
        assert_eq!(clean("a/./b/"), "a/b");
        assert_eq!(clean("/a/../../b"), "/b");
    }
}
