//! values.yaml rules (Helm's `rules.ValuesWithOverrides`): the file exists,
//! parses, and — user values coalesced over it, top level only — meets
//! `values.schema.json`.

use std::path::Path;

use super::{Linter, Severity};
use crate::template::Map;

const F: &str = "values.yaml";

pub fn check(l: &mut Linter, dir: &Path, user: &Map) {
    let path = dir.join(F);
    if std::fs::metadata(&path).is_err() {
        l.add(Severity::Info, F, "file does not exist");
        return;
    }
    let base = match std::fs::read(&path) {
        Err(e) => Err(crate::chart::loader::go_io_message_pub(&e)),
        Ok(raw) => crate::values::parse_values_document(&String::from_utf8_lossy(&raw))
            .map_err(|e| e.helm_message()),
    };
    let base = match base {
        Ok(b) => b,
        Err(e) => {
            l.add(Severity::Error, F, format!("unable to parse YAML: {e}"));
            return;
        }
    };
    let mut log = Vec::new();
    let merged = crate::values::coalesce_tables(&Map::new(), user, &mut log);
    let merged = crate::values::coalesce_tables(&merged, &base, &mut log);
    let schema = std::fs::read(dir.join("values.schema.json")).unwrap_or_default();
    if schema.is_empty() {
        return;
    }
    if let Err(e) = crate::values::validate_single_schema(&merged, &schema) {
        l.add(Severity::Error, F, e);
    }
}
