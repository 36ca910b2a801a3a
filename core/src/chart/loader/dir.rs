//! Reading a chart directory: lexical walk that follows symbolic links (as
//! Helm's `sympath.Walk`), `.helmignore` applied, BOMs stripped.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{LoadError, go_io_message, io_error};
use crate::chart::File;
use crate::chart::helmignore::Rules;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
/// Guards against symlink cycles.
const MAX_DEPTH: usize = 64;

/// The directory's absolute path and its ignore rules.
fn open_dir(dir: &Path) -> Result<(PathBuf, Rules), LoadError> {
    let top = std::path::absolute(dir).map_err(|e| io_error("abs", dir, &e))?;
    let ignore_file = top.join(".helmignore");
    let mut rules = if ignore_file.exists() {
        let text = std::fs::read(&ignore_file).map_err(|e| io_error("open", &ignore_file, &e))?;
        Rules::parse(&String::from_utf8_lossy(&text)).map_err(|e| LoadError::Helm {
            message: e.message.clone(),
            location: Some(super::Location {
                file: ignore_file.display().to_string(),
                pos: Some(crate::source::LineCol {
                    line: e.line as u32,
                    col: 1,
                }),
            }),
        })?
    } else {
        Rules::empty()
    };
    rules.add_defaults();

    let meta = std::fs::metadata(&top).map_err(|e| io_error("lstat", &top, &e))?;
    if !meta.is_dir() {
        return Err(LoadError::msg(format!(
            "{} is not a directory",
            top.display()
        )));
    }
    Ok((top, rules))
}

/// The files of a chart directory, names relative to it with `/`. Each file
/// is read into one reused buffer and copied once into its shared
/// allocation: reading into a fresh buffer per file and then copying touched
/// every page of a chart twice (megabytes for charts with CRDs, where fresh
/// pages are most of the cost).
pub fn dir_files(dir: &Path) -> Result<Vec<File>, LoadError> {
    let (top, rules) = open_dir(dir)?;
    let mut files = Vec::new();
    walk(&top, "", &rules, &mut files, &mut Vec::new(), 0)?;
    Ok(files)
}

fn walk(
    dir: &Path,
    rel: &str,
    rules: &Rules,
    out: &mut Vec<File>,
    buf: &mut Vec<u8>,
    depth: usize,
) -> Result<(), LoadError> {
    if depth > MAX_DEPTH {
        return Err(LoadError::msg(format!(
            "too many levels of symbolic links or nested directories at {}",
            dir.display()
        )));
    }
    // The directory entry's type saves a `stat` per file; only links (and
    // file systems that do not report types) need one.
    let mut names: Vec<(Vec<u8>, PathBuf, Option<std::fs::FileType>)> = std::fs::read_dir(dir)
        .map_err(|e| io_error("open", dir, &e))?
        .filter_map(|e| e.ok())
        .map(|e| {
            let ty = e.file_type().ok().filter(|t| !t.is_symlink());
            (e.file_name().as_encoded_bytes().to_vec(), e.path(), ty)
        })
        .collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, path, ty) in names {
        let name = String::from_utf8_lossy(&name).into_owned();
        let n = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let ty = match ty {
            Some(ty) => ty,
            // Follow symbolic links, as Helm does.
            None => {
                let meta = std::fs::metadata(&path).map_err(|e| {
                    LoadError::msg(format!(
                        "error evaluating symlink {}: {}",
                        path.display(),
                        go_io_message(&e)
                    ))
                })?;
                meta.file_type()
            }
        };
        if ty.is_dir() {
            if rules.ignore(&n, true) {
                continue;
            }
            walk(&path, &n, rules, out, buf, depth + 1)?;
            continue;
        }
        if rules.ignore(&n, false) {
            continue;
        }
        if !ty.is_file() {
            return Err(LoadError::msg(format!(
                "cannot load irregular file {} as it has file mode type bits set",
                path.display()
            )));
        }
        buf.clear();
        std::fs::File::open(&path)
            // Through `take`: `File`'s own read_to_end first asks the size (an
            // `fstat` and an `lseek` per file), which the reused buffer does
            // not need.
            .and_then(|f| f.take(u64::MAX).read_to_end(buf))
            .map_err(|e| LoadError::msg(format!("error reading {n}: {}", go_io_message(&e))))?;
        let data = buf.strip_prefix(UTF8_BOM).unwrap_or(buf);
        out.push(File::from_slice(n, data));
    }
    Ok(())
}
