//! chart-core: everything kubectl-chart and chart-lsp know about Helm.
//!
//! The binaries only parse arguments / speak LSP and call into this crate.
//! Module map (one concept per module):
//! - [`template`]: Go `text/template` — lexer, parser, AST with spans, evaluator,
//!   the [`template::Value`] model and the pluggable function table.
//! - [`sprig`]: the Sprig function library as Helm exposes it.
//! - [`yaml`]: YAML with Go yaml.v2 semantics (parser with positions, emitter
//!   byte-compatible with Helm's `toYaml`) and Go `encoding/json` output.
//! - [`chart`]: chart model and loader (directories, archives, `.helmignore`).
//! - [`values`]: values coalescing, `--set` parsing, schema validation.
//! - [`engine`]: Helm's render layer (`include`, `tpl`, `.Files`, manifests).
//! - [`lint`]: Helm's chart linter rules (`kubectl chart lint`).
//! - [`dependency`]: `dependency list|update|build`, Chart.lock digests.
//! - [`package`]: chart archives as `helm package` writes them.
//! - [`repo`]: chart repositories, indexes, downloads, [`repo::locate_chart`].

pub mod action;
pub mod chart;
pub mod create;
pub mod dependency;
pub mod engine;
pub mod gopath;
pub mod ide;
pub mod json;
pub mod kube;
pub mod lint;
pub mod manifest;
pub mod package;
pub mod release;
pub mod repo;
pub mod semver;
pub mod source;
pub mod sprig;
pub mod storage;
pub mod template;
#[cfg(test)]
mod test_rng;
pub mod toml;
pub mod values;
pub mod yaml;
