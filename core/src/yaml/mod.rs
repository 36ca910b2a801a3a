//! YAML with Go yaml.v2 semantics, as Helm sees it.
//!
//! - [`parse`]: values files, Chart.yaml, rendered manifests → [`Value`] with
//!   positions ([`PathIndex`]), after the same JSON round trip Helm does.
//! - [`resolve`]: YAML 1.1 implicit typing (shared by loader and emitter).
//! - [`error`]: positions plus the exact Go error text.

pub mod emit;
pub mod error;
pub mod fast;
pub mod funcs;
pub mod parse;
pub mod resolve;

pub use emit::{marshal, natural_cmp, to_yaml};
pub use error::{YamlError, YamlErrorKind};
pub use funcs::{from_json, from_json_array, from_yaml, from_yaml_array, register};
pub use parse::{Entry, Parsed, PathIndex, PathSeg, parse_documents, parse_value, parse_values};
