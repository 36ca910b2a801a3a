//! The chart model: Helm's `chart.Chart` with its metadata, raw files,
//! templates, default values, schema, lock and subcharts.
//!
//! Loading lives in [`loader`]; `.helmignore` in [`helmignore`]; the `.Files`
//! template object in [`files`]; the `.Chart` template object in [`object`];
//! the `kubeVersion` check in [`kubeversion`].

pub mod files;
pub mod glob;
pub mod godecode;
pub mod helmignore;
pub mod kubeversion;
pub mod loader;
pub mod metadata;
pub mod object;
pub mod yaml_bridge;

use std::sync::Arc;

pub use files::Files;
pub use loader::{
    LoadError, TemplateSink, load, load_archive_bytes, load_dir, load_file, load_files, load_with,
};
pub use metadata::{Dependency, Lock, Maintainer, Metadata};
pub use object::ChartObject;

use crate::template::Value;

/// A file of the chart: path relative to the chart root with `/`
/// separators (`templates/x.yaml`), and its bytes (UTF-8 BOM stripped).
#[derive(Clone, Debug)]
pub struct File {
    pub name: String,
    pub data: Arc<[u8]>,
    /// The same bytes as text when the loader found them valid UTF-8: one
    /// allocation shared with `data`, so the engine parses a template
    /// without copying it (CRD templates run to megabytes).
    text: Option<Arc<str>>,
}

impl PartialEq for File {
    fn eq(&self, other: &File) -> bool {
        self.name == other.name && self.data == other.data
    }
}

impl File {
    pub fn new(name: impl Into<String>, data: impl Into<Arc<[u8]>>) -> File {
        File {
            name: name.into(),
            data: data.into(),
            text: None,
        }
    }

    /// A file from freshly read bytes: valid UTF-8 is kept once, as text
    /// and bytes over the same allocation.
    pub fn from_vec(name: impl Into<String>, data: Vec<u8>) -> File {
        // Moving the bytes into the shared allocation copies them anyway.
        File::from_slice(name, &data)
    }

    /// [`from_vec`](Self::from_vec) for bytes read elsewhere: one
    /// allocation of exactly their size.
    pub fn from_slice(name: impl Into<String>, data: &[u8]) -> File {
        match std::str::from_utf8(data) {
            Ok(s) => {
                let text: Arc<str> = Arc::from(s);
                File {
                    name: name.into(),
                    data: Arc::from(text.clone()),
                    text: Some(text),
                }
            }
            Err(_) => File::new(name, data),
        }
    }

    /// The content as text (lossy for invalid UTF-8, as Go's `string(b)`
    /// keeps bytes but templates only ever see valid text in practice).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.text {
            Some(t) => std::borrow::Cow::Borrowed(t),
            None => crate::source::lossy_utf8(&self.data),
        }
    }

    /// The content as shared text: no copy when the loader kept it as text.
    pub fn shared_text(&self) -> Arc<str> {
        match &self.text {
            Some(t) => t.clone(),
            None => Arc::from(crate::source::lossy_utf8(&self.data)),
        }
    }

    /// The same file under another name (subcharts see their files
    /// relative to their own root); the contents stay shared.
    pub fn renamed(&self, name: impl Into<String>) -> File {
        File {
            name: name.into(),
            ..self.clone()
        }
    }
}

/// A loaded chart. Subcharts are owned; the root is the chart without a
/// parent (the engine walks from the root, so no parent pointer is kept).
#[derive(Clone, Debug, Default)]
pub struct Chart {
    /// Every file as read, in load order (Helm's `Raw`).
    pub raw: Vec<File>,
    pub metadata: Metadata,
    /// `Chart.lock` (or `requirements.lock` for v1 charts).
    pub lock: Option<Lock>,
    /// Files under `templates/`, in load order.
    pub templates: Vec<File>,
    /// Default values (`values.yaml`), a map (empty when absent).
    pub values: Value,
    /// `values.schema.json` bytes.
    pub schema: Option<Arc<[u8]>>,
    /// Every other file (what `.Files` sees, incl. `crds/`).
    pub files: Vec<File>,
    /// Subcharts (from `charts/`), sorted by directory/archive name.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    /// `Chart.Name()`: the metadata name (the alias once dependencies are
    /// processed).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn app_version(&self) -> &str {
        &self.metadata.app_version
    }

    pub fn is_library(&self) -> bool {
        self.metadata.is_library()
    }

    /// The raw text of `values.yaml` as read, if the chart has one.
    pub fn values_raw(&self) -> Option<&File> {
        self.raw.iter().find(|f| f.name == "values.yaml")
    }

    /// Files in `crds/` with a manifest extension (`.yaml`, `.yml`,
    /// `.json`, any case), this chart's first, then its subcharts' (Helm's
    /// `CRDObjects`).
    pub fn crds(&self) -> Vec<Crd<'_>> {
        let mut out = Vec::new();
        self.collect_crds(self.name(), &mut out);
        out
    }

    fn collect_crds<'a>(&'a self, full_path: &str, out: &mut Vec<Crd<'a>>) {
        for f in &self.files {
            if f.name.starts_with("crds/") && has_manifest_extension(&f.name) {
                out.push(Crd {
                    name: f.name.clone(),
                    filename: format!("{full_path}/{}", f.name),
                    file: f,
                });
            }
        }
        for dep in &self.dependencies {
            dep.collect_crds(&format!("{full_path}/charts/{}", dep.name()), out);
        }
    }

    /// Every template with its full name as Helm's engine names it
    /// (`chart/templates/x.yaml`, `chart/charts/sub/templates/x.yaml`),
    /// with the chart it belongs to and that chart's dotted value path from
    /// the root (empty for the root, `sub.subsub` below).
    pub fn all_templates(&self) -> Vec<TemplateRef<'_>> {
        let mut out = Vec::new();
        self.collect_templates(self.name().to_string(), Vec::new(), &mut out);
        out
    }

    fn collect_templates<'a>(
        &'a self,
        full_path: String,
        value_path: Vec<&'a str>,
        out: &mut Vec<TemplateRef<'a>>,
    ) {
        for t in &self.templates {
            out.push(TemplateRef {
                name: format!("{full_path}/{}", t.name),
                file: t,
                chart: self,
                value_path: value_path.clone(),
                base_path: format!("{full_path}/templates"),
            });
        }
        for dep in &self.dependencies {
            let mut vp = value_path.clone();
            vp.push(dep.name());
            dep.collect_templates(format!("{full_path}/charts/{}", dep.name()), vp, out);
        }
    }

    /// Finds a subchart by name (after aliasing).
    pub fn dependency(&self, name: &str) -> Option<&Chart> {
        self.dependencies.iter().find(|d| d.name() == name)
    }
}

/// A CRD file (Helm's `chart.CRD`).
#[derive(Clone, Debug)]
pub struct Crd<'a> {
    /// Relative name, `crds/x.yaml` (what `helm template --include-crds`
    /// prints after `# Source:`).
    pub name: String,
    /// Full path, `chart/charts/sub/crds/x.yaml`.
    pub filename: String,
    pub file: &'a File,
}

/// A template of the chart tree with its engine name.
#[derive(Clone, Debug)]
pub struct TemplateRef<'a> {
    /// `chart/templates/x.yaml` or `chart/charts/sub/templates/x.yaml`.
    pub name: String,
    pub file: &'a File,
    /// The chart (root or subchart) the template belongs to.
    pub chart: &'a Chart,
    /// Subchart names from the root down to `chart` (empty for the root).
    pub value_path: Vec<&'a str>,
    /// `.Template.BasePath`: `chart/templates`.
    pub base_path: String,
}

fn has_manifest_extension(name: &str) -> bool {
    let ext = name
        .rsplit('/')
        .next()
        .and_then(|b| b.rfind('.').map(|i| &b[i..]))
        .unwrap_or("");
    ext.eq_ignore_ascii_case(".yaml")
        || ext.eq_ignore_ascii_case(".yml")
        || ext.eq_ignore_ascii_case(".json")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::File;

    #[test]
    fn text_files_share_one_buffer() {
        let f = File::from_vec("templates/a.yaml", b"kind: A\n".to_vec());
        let text = f.shared_text();
        assert_eq!(&*text, "kind: A\n");
        // The template text handed to the engine is the file's own bytes.
        assert_eq!(text.as_ptr(), f.data.as_ptr());
        assert_eq!(f, File::new("templates/a.yaml", b"kind: A\n".to_vec()));
    }

    #[test]
    fn invalid_utf8_stays_bytes_and_reads_lossily() {
        let f = File::from_vec("files/bin", vec![b'a', 0xff, b'b']);
        assert_eq!(&*f.data, &[b'a', 0xff, b'b']);
        assert_eq!(f.text(), "a\u{fffd}b");
        assert_eq!(&*f.shared_text(), "a\u{fffd}b");
    }

    #[test]
    fn renamed_keeps_contents() {
        let f = File::from_vec("charts/sub/values.yaml", b"a: 1\n".to_vec());
        let g = f.renamed("sub/values.yaml");
        assert_eq!(g.name, "sub/values.yaml");
        assert_eq!(g.shared_text().as_ptr(), f.data.as_ptr());
    }
}
