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

/// Sorts rendered files (path, text) into hooks and manifests. Each file's
/// text becomes its longest document's without a copy (rendered CRD sets
/// are megabytes, and every fresh page costs ≈ 2.6 µs here). On an error
/// the files come back untouched with it.
#[allow(clippy::type_complexity)]
pub fn sort_owned_manifests(
    mut files: Vec<(String, String)>,
    order: KindOrder,
    parse: ParseDoc<'_>,
) -> Result<Sorted, (ManifestError, Vec<(String, String)>)> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    // Each document as (file, range in the file, head), read while the
    // files are only borrowed.
    let planned = match plan(&files, parse) {
        Ok(p) => p,
        Err(e) => return Err((e, files)),
    };
    // A file's longest document takes the file's text; the others are
    // copied out of it first.
    let mut longest: Vec<Option<usize>> = vec![None; files.len()];
    for (k, (i, range, _)) in planned.iter().enumerate() {
        let known = longest[*i].and_then(|l| planned.get(l));
        if known.is_none_or(|(_, r, _)| r.len() < range.len()) {
            longest[*i] = Some(k);
        }
    }
    let mut contents: Vec<String> = planned
        .iter()
        .enumerate()
        .map(|(k, (i, range, _))| {
            if longest[*i] == Some(k) {
                String::new()
            } else {
                files[*i]
                    .1
                    .get(range.clone())
                    .unwrap_or_default()
                    .to_string()
            }
        })
        .collect();
    for (i, k) in longest.iter().enumerate() {
        if let Some(k) = *k
            && let Some((_, range, _)) = planned.get(k)
        {
            let mut own = std::mem::take(&mut files[i].1);
            own.truncate(range.end);
            own.drain(..range.start);
            contents[k] = own;
        }
    }
    let mut out = Sorted::default();
    for ((i, _, head), content) in planned.into_iter().zip(contents) {
        classify(&files[i].0, content, head, &mut out);
    }
    sort_by_kind(&mut out.hooks, order, |h| &h.kind);
    sort_by_kind(&mut out.manifests, order, |m| &m.head.kind);
    Ok(out)
}

/// Every document of the (sorted) files, in order, with its head.
#[allow(clippy::type_complexity)]
fn plan(
    files: &[(String, String)],
    parse: ParseDoc<'_>,
) -> Result<Vec<(usize, std::ops::Range<usize>, Head)>, ManifestError> {
    let docs: Vec<(usize, &str, super::split::Document<'_>)> = files
        .iter()
        .enumerate()
        .filter(|(_, (path, content))| !is_partial(path) && !content.trim().is_empty())
        .flat_map(|(i, (path, content))| {
            split_documents(content)
                .into_iter()
                .map(move |d| (i, path.as_str(), d))
        })
        .collect();
    let fast = scan_heads(&docs);
    let mut planned = Vec::with_capacity(docs.len());
    for ((i, path, doc), fast) in docs.into_iter().zip(fast) {
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
        planned.push((i, doc.offset..doc.offset + doc.text.len(), head));
    }
    Ok(planned)
}

/// Runs the fast head scan over every document, on two threads when there
/// is enough text to pay for one (big CRD sets): the scan is pure and the
/// results keep document order, so errors are still reported first-first.
fn scan_heads(docs: &[(usize, &str, super::split::Document<'_>)]) -> Vec<Option<Head>> {
    const PARALLEL_BYTES: usize = 256 * 1024;
    let total: usize = docs.iter().map(|(_, _, d)| d.text.len()).sum();
    let scan = |part: &[(usize, &str, super::split::Document<'_>)]| -> Vec<Option<Head>> {
        part.iter()
            .map(|(_, _, d)| super::fast_head::scan_head(d.text))
            .collect()
    };
    if total < PARALLEL_BYTES || docs.len() < 2 {
        return scan(docs);
    }
    // Split where half of the bytes lie.
    let mut acc = 0;
    let mid = docs
        .iter()
        .position(|(_, _, d)| {
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

fn classify(path: &str, text: String, head: Head, out: &mut Sorted) {
    let hook_value = if head.has_any_annotation() {
        head.annotation(HOOK_ANNOTATION).map(str::to_string)
    } else {
        None
    };
    let Some(hook_value) = hook_value else {
        out.manifests.push(Manifest {
            name: path.to_string(),
            content: text,
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
        manifest: text,
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
        let owned = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        sort_owned_manifests(owned, KindOrder::Install, &parse_yaml_doc).map_err(|(e, _)| e)
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
    fn documents_keep_their_files_texts_in_order() {
        let files = [
            (
                "c/templates/b.yaml",
                "\n---\nkind: Service\nmetadata:\n  name: s\n\n",
            ),
            (
                "c/templates/a.yaml",
                "kind: Deployment\n---\nkind: ConfigMap\n",
            ),
            ("c/templates/_h.tpl", "kind: Secret"),
            (
                "c/templates/hook.yaml",
                "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: test\n",
            ),
        ];
        let by_owned = sorted(&files).unwrap();
        let names: Vec<&str> = by_owned.manifests.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "c/templates/a.yaml",
                "c/templates/b.yaml",
                "c/templates/a.yaml"
            ]
        );
        let texts: Vec<&str> = by_owned
            .manifests
            .iter()
            .map(|m| m.content.as_str())
            .collect();
        assert_eq!(
            texts,
            // Helm's install order: ConfigMap, Service, Deployment.
            vec![
                "kind: ConfigMap",
                "kind: Service\nmetadata:\n  name: s",
                "kind: Deployment"
            ]
        );
        assert!(by_owned.hooks[0].manifest.ends_with("hook: test"));
    }

    #[test]
    fn owned_files_come_back_with_an_error() {
        let files = vec![
            ("y/templates/a.yaml".to_string(), "kind: A\n".to_string()),
            (
                "y/templates/t.yaml".to_string(),
                "a: b\n c: d\n".to_string(),
            ),
        ];
        let (err, back) =
            sort_owned_manifests(files.clone(), KindOrder::Install, &parse_yaml_doc).unwrap_err();
        assert_eq!(err.path, "y/templates/t.yaml");
        assert_eq!(back, files);
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
