//! Rendered output → Kubernetes documents, the way Helm handles it.
//!
//! Owns: splitting rendered files into documents ([`split`]), reading each
//! document's head ([`head`]), hooks ([`hook`]), Helm's install/uninstall
//! kind order ([`kind_order`]), sorting files into hooks and manifests
//! ([`sorter`]) and the exact `helm template` output ([`output`]).
//! Knows nothing about templates or charts: input is (path, text) pairs.

pub mod fast_head;
pub mod glob;
pub mod head;
pub mod hook;
pub mod kind_order;
pub mod line_head;
pub mod output;
pub mod sorter;
pub mod split;

pub use head::Head;
pub use hook::{Hook, HookEvent};
pub use kind_order::{INSTALL_ORDER, KindOrder, UNINSTALL_ORDER, sort_by_kind};
pub use output::{
    CrdFile, FileWrite, OutputOptions, ShowOnlyError, TemplateOutput, manifest_text, show_only,
    template_output,
};
pub use sorter::{
    DocError, Manifest, ManifestError, ParseDoc, Sorted, parse_yaml_doc, sort_owned_manifests,
};
pub use split::{Document, split_documents, split_manifests};
