//! Use cases, one per file, as in Helm's `pkg/action`: each takes plain
//! options and returns plain results; the CLI prints them.

pub mod show;
pub mod template;
