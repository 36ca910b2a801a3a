//! Helm's render layer: the template set of a chart and its subcharts, the
//! top-level objects (`.Values`, `.Release`, `.Chart`, `.Capabilities`,
//! `.Template`, `.Files`, `.Subcharts`), Helm's context-dependent functions
//! (`required`, `fail`, `lookup`; `include`/`tpl` come from the template
//! engine), lint/strict modes and Helm's error rewriting.
//!
//! It knows nothing about manifests (see [`crate::manifest`]) or the CLI.

pub mod capabilities;
pub mod host;
pub mod render;

pub use capabilities::{Capabilities, HelmVersion, KubeVersion, parse_kube_version};
pub use host::LookupFn;
pub use render::{
    DELIMITERS_ANNOTATION, EngineOptions, ReleaseOptions, RenderError, RenderedChart, RenderedFile,
    helm_funcs, queue_templates, render, render_with_lookup,
};
