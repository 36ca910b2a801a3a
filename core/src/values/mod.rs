//! Values: the `--set` grammar ([`strvals`]), the user's value sources in
//! Helm's order ([`options`]), Helm's coalescing ([`coalesce`]), dependency
//! enabling/aliasing/import-values ([`dependencies`]) and
//! `values.schema.json` validation ([`schema`]).
//!
//! The usual pipeline (what `helm template`/`install` do):
//! 1. `options::ValueOptions::merge_values` → the user's values;
//! 2. `dependencies::process_dependencies(&mut chart, &user)`;
//! 3. `coalesce::coalesce_values(&mut chart, &user)` → `.Values`;
//! 4. `schema::validate_against_schema(&chart, &values)`.
//!
//! Warnings Helm logs on the way (`coalesce.go:223: warning: …`) are
//! collected in a [`Log`] for the CLI to print on stderr.

pub mod coalesce;
pub mod dependencies;
mod graph;
pub mod options;
pub mod schema;
pub mod schema_fast;
pub mod strvals;

pub use coalesce::{coalesce_tables, coalesce_values, coalesce_values_ref};
pub use dependencies::process_dependencies;
pub use options::ValueOptions;
pub use schema::{SchemaError, validate_against_schema, validate_single_schema};

use crate::template::{Map, Value};

/// Messages Helm writes to its log (stderr) while processing values, each a
/// full line such as `coalesce.go:223: warning: destination for a is a table.
/// Ignoring non-table value (1)`.
pub type Log = Vec<String>;

/// A values failure (Helm's wording).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ValuesError(pub String);

/// The Go type name in a failed type assertion's panic text.
pub(crate) fn go_type_for_assertion(v: &Value) -> &str {
    match v {
        Value::Nil => "nil",
        other => other.type_name(),
    }
}

/// Helm's `Values.Table`: the map at a dotted path, or `"seg" is not a table`.
pub fn table(values: &Map, path: &str) -> Result<Map, String> {
    let mut cur = values.clone();
    for seg in path.split('.') {
        match cur.get(seg) {
            Some(Value::Map(m)) => cur = m.snapshot(),
            _ => {
                return Err(format!(
                    "{} is not a table",
                    crate::chart::metadata::go_quote(seg)
                ));
            }
        }
    }
    Ok(cur)
}

/// Helm's `Values.PathValue`: a non-map value at a dotted path.
pub fn path_value(values: &Map, path: &str) -> Option<Value> {
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table(values, p).ok()?, k),
        None => (values.clone(), path),
    };
    match parent.get(key) {
        Some(Value::Map(_)) | None => None,
        Some(v) => Some(v.clone()),
    }
}

/// Parses a values document (values.yaml or a `-f` file) with Helm's YAML
/// semantics; a null document is an empty map.
pub fn parse_values_document(text: &str) -> Result<Map, ParseValuesError> {
    match crate::chart::yaml_bridge::parse_values(text) {
        Ok(Value::Map(m)) => Ok(m.into_map()),
        Ok(Value::Nil) => Ok(Map::new()),
        Ok(other) => Err(ParseValuesError::NotAMap(crate::json::json_kind(&other))),
        Err(e) => Err(ParseValuesError::Yaml(e)),
    }
}

/// Why a values document could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum ParseValuesError {
    Yaml(crate::chart::yaml_bridge::YamlFailure),
    /// The document is a list or scalar (its JSON kind).
    NotAMap(&'static str),
}

impl ParseValuesError {
    /// Helm's text after its own prefix (`failed to parse f: `).
    pub fn helm_message(&self) -> String {
        match self {
            ParseValuesError::Yaml(e) => e.helm_message.clone(),
            ParseValuesError::NotAMap(kind) => format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
            ),
        }
    }
}
