//! The release model with Helm's exact storage format.
//!
//! A [`Release`] is one revision of a named release. [`schema`] writes and
//! reads the JSON exactly as Helm 3's Go structs do; [`codec`] wraps it in
//! gzip and base64 for the Secret/ConfigMap drivers. This module knows
//! nothing about Kubernetes or charts on disk.

pub mod chart;
pub mod codec;
pub mod hook;
pub mod info;
pub mod record;
pub mod schema;
pub mod status;
pub mod time;

pub use chart::Chart;
pub use hook::{Hook, HookDeletePolicy, HookEvent, HookExecution, HookPhase};
pub use info::Info;
pub use record::Release;
pub use status::Status;
pub use time::Timestamp;
