//! YAML with Go yaml.v2 semantics, as Helm sees it.
//!
//! - [`parse`]: values files, Chart.yaml, rendered manifests → [`Value`] with
//!   positions ([`PathIndex`]), after the same JSON round trip Helm does.
//! - [`resolve`]: YAML 1.1 implicit typing (shared by loader and emitter).
//! - [`error`]: positions plus the exact Go error text.

pub mod error;
pub mod parse;
pub mod resolve;

pub use error::{YamlError, YamlErrorKind};
pub use parse::{Entry, Parsed, PathIndex, PathSeg, parse_documents, parse_value, parse_values};

#[allow(unused_imports)]
use crate::template::Value;
