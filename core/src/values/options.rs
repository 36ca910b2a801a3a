//! The user's value sources, merged in Helm's fixed order (`pkg/cli/values`):
//! every `-f` file in order (deep-merged, no null deletion), then all
//! `--set-json`, `--set`, `--set-string`, `--set-file`, `--set-literal`,
//! whatever their position on the command line.

use std::path::Path;

use super::strvals;
use super::{ValuesError, parse_values_document};
use crate::template::{Map, Value};

/// The value flags of `install`/`upgrade`/`template`/`lint`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValueOptions {
    /// `-f/--values`
    pub value_files: Vec<String>,
    /// `--set-json`
    pub json_values: Vec<String>,
    /// `--set`
    pub values: Vec<String>,
    /// `--set-string`
    pub string_values: Vec<String>,
    /// `--set-file`
    pub file_values: Vec<String>,
    /// `--set-literal`
    pub literal_values: Vec<String>,
}

/// Reads a file named on the command line (`-` is stdin). Errors are Go's
/// `open x: no such file or directory` texts.
pub fn read_file(path: &str) -> Result<Vec<u8>, String> {
    if path.trim() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| format!("read /dev/stdin: {e}"))?;
        return Ok(buf);
    }
    std::fs::read(Path::new(path)).map_err(|e| {
        format!(
            "open {path}: {}",
            crate::chart::loader::go_io_message_pub(&e)
        )
    })
}

impl ValueOptions {
    pub fn is_empty(&self) -> bool {
        *self == ValueOptions::default()
    }

    /// Helm's `MergeValues`, reading files from disk.
    pub fn merge_values(&self) -> Result<Map, ValuesError> {
        self.merge_values_with(&mut |p| read_file(p))
    }

    /// Helm's `MergeValues` with a custom file reader (tests, editors).
    pub fn merge_values_with(
        &self,
        read: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Map, ValuesError> {
        let mut base = Map::new();
        for path in &self.value_files {
            let bytes = read(path).map_err(ValuesError)?;
            let text = String::from_utf8_lossy(&bytes);
            let current = parse_values_document(&text).map_err(|e| {
                ValuesError(format!("failed to parse {path}: {}", e.helm_message()))
            })?;
            base = merge_maps(&base, &current);
        }
        for value in &self.json_values {
            strvals::parse_json(value, &mut base)
                .map_err(|_| ValuesError(format!("failed parsing --set-json data {value}")))?;
        }
        for value in &self.values {
            strvals::parse_into(value, &mut base)
                .map_err(|e| ValuesError(format!("failed parsing --set data: {e}")))?;
        }
        for value in &self.string_values {
            strvals::parse_into_string(value, &mut base)
                .map_err(|e| ValuesError(format!("failed parsing --set-string data: {e}")))?;
        }
        for value in &self.file_values {
            let mut reader = |rs: &str| -> Result<Value, String> {
                let bytes = read(rs)?;
                Ok(Value::from_string(
                    String::from_utf8_lossy(&bytes).into_owned(),
                ))
            };
            strvals::parse_into_file(value, &mut base, &mut reader)
                .map_err(|e| ValuesError(format!("failed parsing --set-file data: {e}")))?;
        }
        for value in &self.literal_values {
            strvals::parse_literal(value, &mut base)
                .map_err(|e| ValuesError(format!("failed parsing --set-literal data: {e}")))?;
        }
        Ok(base)
    }
}

/// Helm's `mergeMaps`: maps merge recursively, anything else replaces.
pub fn merge_maps(a: &Map, b: &Map) -> Map {
    let mut out = a.clone();
    for (k, v) in b {
        if let Value::Map(bm) = v
            && let Some(Value::Map(am)) = out.get(k)
        {
            let merged = merge_maps(&am.read(), &bm.read());
            out.insert(k.clone(), Value::map(merged));
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    out
}
