//! Rendered files → hooks and ordinary manifests, sorted as Helm's
//! `releaseutil.SortManifests` does.
//!
//! Files are visited in path order; partials (`_*`) and whitespace-only files
//! are skipped; each file is split into documents whose heads are read.
//! Documents with a `helm.sh/hook` annotation become hooks (an unknown event
//! skips the document, reported in [`Sorted::skipped_hooks`]); the rest are
//! manifests. Both lists are then stable-sorted by kind.

use std::fmt;

use super::head::{Head, head_from_value};
use super::hook::{
    HOOK_ANNOTATION, HOOK_DELETE_ANNOTATION, HOOK_WEIGHT_ANNOTATION, Hook, parse_delete_policies,
    parse_events, parse_weight,
};
use super::kind_order::{KindOrder, sort_by_kind};
use super::split::split_documents;
use crate::template::Value;

/// One ordinary (non-hook) rendered document.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// Template path, e.g. `mychart/templates/service.yaml`.
    pub name: String,
    /// The document text (trimmed).
    pub content: String,
    pub head: Head,
}

/// The result of sorting.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sorted {
    pub hooks: Vec<Hook>,
    pub manifests: Vec<Manifest>,
    /// `helm.sh/hook` values that named an unknown event; Helm logs
    /// `info: skipping unknown hook: "<value>"` for each.
    pub skipped_hooks: Vec<String>,
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct DocError {
    /// The message after `YAML parse error on <path>: `, in Helm's wording,
    /// e.g. `error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context`.
    pub message: String,
    /// 1-based line inside the document, when the YAML parser gave one.
    pub line: Option<usize>,
}

/// A rendered document that is not valid YAML, or whose head has the wrong
/// shape. Displays exactly as Helm's message.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestError {
    /// Template path of the file.
    pub path: String,
    /// Byte offset of the document inside the rendered file.
    pub doc_offset: usize,
    pub error: DocError,
}

impl ManifestError {
    /// Byte offset in the rendered file of the line the YAML error names.
    pub fn rendered_offset(&self, rendered: &str) -> usize {
        let Some(line) = self.error.line else {
            return self.doc_offset;
        };
        let mut offset = self.doc_offset;
        for _ in 1..line {
            match rendered.get(offset..).and_then(|rest| rest.find('\n')) {
                Some(nl) => offset += nl + 1,
                None => break,
            }
        }
        offset.min(rendered.len())
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "YAML parse error on {}: {}",
            self.path, self.error.message
        )
    }
}

impl std::error::Error for ManifestError {}

/// Parses one YAML document into a value (Go yaml.v2 semantics). The error
/// message starts with `yaml: ` as yaml.v2's do.
pub type ParseDoc<'p> = &'p dyn Fn(&str) -> Result<Value, DocError>;

/// The standard document parser: Helm's YAML semantics from [`crate::yaml`].
pub fn parse_yaml_doc(text: &str) -> Result<Value, DocError> {
    crate::yaml::parse::parse_value_unindexed(text, crate::source::SourceId::default())
        .map(|p| p.value)
        .map_err(|e| DocError {
            message: e.helm_message(),
            line: Some(e.pos.line as usize),
        })
}

/// Is the path a partial (`_helpers.tpl`)?
pub fn is_partial(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|b| b.starts_with('_'))
}

/// Sorts rendered files (path, text) into hooks and manifests.
pub fn sort_manifests<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    order: KindOrder,
    parse: ParseDoc<'_>,
) -> Result<Sorted, ManifestError> {
    let mut files: Vec<(&str, &str)> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Sorted::default();
    let docs: Vec<(&str, super::split::Document<'_>)> = files
        .into_iter()
        .filter(|(path, content)| !is_partial(path) && !content.trim().is_empty())
        .flat_map(|(path, content)| split_documents(content).into_iter().map(move |d| (path, d)))
        .collect();
    let fast = scan_heads(&docs);
    for ((path, doc), fast) in docs.into_iter().zip(fast) {
        let head = match fast {
            Some(h) => Ok(h),
            None => parse(doc.text).and_then(|v| {
                head_from_value(&v).map_err(|m| DocError {
                    message: format!("error unmarshaling JSON: while decoding JSON: {m}"),
                    line: None,
                })
            }),
        }
        .map_err(|error| ManifestError {
            path: path.to_string(),
            doc_offset: doc.offset,
            error,
        })?;
        classify(path, doc.text, head, &mut out);
    }
    sort_by_kind(&mut out.hooks, order, |h| &h.kind);
    sort_by_kind(&mut out.manifests, order, |m| &m.head.kind);
    Ok(out)
}

/// Runs the fast head scan over every document, on two threads when there
/// is enough text to pay for one (big CRD sets): the scan is pure and the
/// results keep document order, so errors are still reported first-first.
fn scan_heads(docs: &[(&str, super::split::Document<'_>)]) -> Vec<Option<Head>> {
    const PARALLEL_BYTES: usize = 256 * 1024;
    let total: usize = docs.iter().map(|(_, d)| d.text.len()).sum();
    let scan = |part: &[(&str, super::split::Document<'_>)]| -> Vec<Option<Head>> {
        part.iter()
            .map(|(_, d)| super::fast_head::scan_head(d.text))
            .collect()
    };
    if total < PARALLEL_BYTES || docs.len() < 2 {
        return scan(docs);
    }
    // Split where half of the bytes lie.
    let mut acc = 0;
    let mid = docs
        .iter()
        .position(|(_, d)| {
            acc += d.text.len();
            acc * 2 >= total
        })
        .map_or(docs.len() / 2, |i| (i + 1).min(docs.len() - 1));
    let (first, second) = docs.split_at(mid);
    std::thread::scope(|s| {
        let other = std::thread::Builder::new().spawn_scoped(s, || scan(second));
        let mut heads = scan(first);
        match other.ok().map(|h| h.join()) {
            Some(Ok(rest)) => heads.extend(rest),
            // No thread, or a panic in it: scan that half here instead.
            _ => heads.extend(scan(second)),
        }
        heads
    })
}

fn classify(path: &str, text: &str, head: Head, out: &mut Sorted) {
    let hook_value = if head.has_any_annotation() {
        head.annotation(HOOK_ANNOTATION).map(str::to_string)
    } else {
        None
    };
    let Some(hook_value) = hook_value else {
        out.manifests.push(Manifest {
            name: path.to_string(),
            content: text.to_string(),
            head,
        });
        return;
    };
    let Some(events) = parse_events(&hook_value) else {
        out.skipped_hooks.push(hook_value);
        return;
    };
    let weight = head
        .annotation(HOOK_WEIGHT_ANNOTATION)
        .map(parse_weight)
        .unwrap_or(0);
    let delete_policies = head
        .annotation(HOOK_DELETE_ANNOTATION)
        .map(parse_delete_policies)
        .unwrap_or_default();
    out.hooks.push(Hook {
        name: head.name().to_string(),
        kind: head.kind.clone(),
        path: path.to_string(),
        manifest: text.to_string(),
        events,
        weight,
        delete_policies,
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn sorted(files: &[(&str, &str)]) -> Result<Sorted, ManifestError> {
        sort_manifests(files.iter().copied(), KindOrder::Install, &parse_yaml_doc)
    }

    #[test]
    fn hooks_manifests_and_unknown_hooks() {
        let hooks = "---\nkind: Service\nmetadata:\n  name: s\n---\nkind: ConfigMap\nmetadata:\n  name: hook1\n  annotations:\n    helm.sh/hook: \"pre-install, post-install\"\n    helm.sh/hook-weight: \"5\"\n---\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n---\nkind: Job\nmetadata:\n  name: unk\n  annotations:\n    helm.sh/hook: bogus\n";
        let s = sorted(&[
            ("c/templates/hooks.yaml", hooks),
            ("c/templates/_p.yaml", "kind: Secret"),
            ("c/templates/blank.yaml", "\n  \n"),
            ("c/templates/a.yaml", "kind: Deployment\n---\n# comment"),
        ])
        .unwrap();
        let kinds: Vec<&str> = s.manifests.iter().map(|m| m.head.kind.as_str()).collect();
        assert_eq!(kinds, vec!["Service", "Deployment", ""]);
        assert_eq!(s.hooks.len(), 2);
        assert_eq!(s.hooks[0].name, "hook1");
        assert_eq!(s.hooks[0].weight, 5);
        assert_eq!(s.hooks[1].events, vec![crate::manifest::HookEvent::Test]);
        assert_eq!(s.skipped_hooks, vec!["bogus".to_string()]);
    }

    #[test]
    fn yaml_errors_read_like_helm() {
        // Message recorded from the oracle for `a: b\n c: d`.
        let err = sorted(&[("y/templates/t.yaml", "a: b\n c: d\n")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "YAML parse error on y/templates/t.yaml: error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"
        );
        let err = sorted(&[("y/templates/t.yaml", "kind: [1]\n")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "YAML parse error on y/templates/t.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field SimpleHead.kind of type string"
        );
    }
}
