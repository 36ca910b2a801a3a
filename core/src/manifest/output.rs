//! What `helm template` prints (or writes with `--output-dir`) from sorted
//! manifests and hooks, byte for byte.
//!
//! Layout: every document is emitted as `---\n# Source: <path>\n<doc>\n`.
//! The release manifest (CRDs first with `--include-crds`, then the sorted
//! manifests) is trimmed and printed with one newline, followed by the hooks
//! (unless `--no-hooks`; test hooks dropped by `--skip-tests`).
//! `--show-only` re-splits that text and keeps the documents whose
//! `# Source:` path (without the chart name) matches one of the globs.

use std::sync::OnceLock;

use regex::Regex;

use super::glob::go_path_match;
use super::hook::Hook;
use super::sorter::Manifest;
use super::split::split_manifests;

/// A file of a chart's `crds/` folder (not templated).
#[derive(Clone, Debug, PartialEq)]
pub struct CrdFile {
    /// Path inside its chart, e.g. `crds/foo.yaml` (the `# Source:` line).
    pub name: String,
    /// Path with the chart path in front, e.g. `mychart/charts/sub/crds/foo.yaml`
    /// (where `--output-dir` writes it).
    pub filename: String,
    /// The file's text, shared with the loaded chart.
    pub data: std::sync::Arc<str>,
}

/// The `helm template` switches that shape the output.
#[derive(Clone, Debug, Default)]
pub struct OutputOptions {
    pub include_crds: bool,
    pub skip_tests: bool,
    /// `--no-hooks`.
    pub no_hooks: bool,
    /// `--show-only` globs.
    pub show_only: Vec<String>,
    /// `--output-dir`.
    pub output_dir: Option<String>,
    /// `--release-name`: put files under `<output-dir>/<release>`.
    pub use_release_name: bool,
    pub release_name: String,
}

/// One file `--output-dir` writes (appending when the same template path
/// was already written in this pass, as Helm does).
#[derive(Clone, Debug, PartialEq)]
pub struct FileWrite {
    /// `<dir>/<name>`, joined with `/` exactly as Helm prints it after `wrote `.
    pub path: String,
    pub append: bool,
    /// `---\n# Source: <name>\n<data>\n`.
    pub content: String,
}

/// Output of `helm template`: files to write first (in order), then what to
/// print on stdout, or the `--show-only` error.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateOutput {
    pub writes: Vec<FileWrite>,
    pub stdout: Result<String, ShowOnlyError>,
}

/// `--show-only` named a template that rendered nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShowOnlyError {
    pub pattern: String,
}

impl std::fmt::Display for ShowOnlyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not find template {} in chart", self.pattern)
    }
}

impl std::error::Error for ShowOnlyError {}

fn push_doc(out: &mut String, source: &str, doc: &str) {
    out.push_str("---\n# Source: ");
    out.push_str(source);
    out.push('\n');
    out.push_str(doc);
    out.push('\n');
}

/// The release manifest text (Helm's `rel.Manifest`): CRDs if given, then
/// the manifests in their sorted order. A big manifest's text becomes the
/// buffer the whole text is built in (and is left empty): its pages are
/// already in memory, where a fresh buffer of megabytes would fault in
/// every page again. The documents before it go into a buffer of their own
/// first, so the one chosen is the one with the most text beyond them.
pub fn manifest_text(crds: &[CrdFile], manifests: &mut [Manifest]) -> String {
    const REUSE_MIN: usize = 64 * 1024;
    // Each document's size with its `---` and `# Source:` lines.
    let sizes: Vec<usize> = crds
        .iter()
        .map(|c| c.name.len() + c.data.len())
        .chain(manifests.iter().map(|m| m.name.len() + m.content.len()))
        .map(|n| n + 16)
        .collect();
    let size: usize = sizes.iter().sum();
    let (crd_sizes, manifest_sizes) = sizes.split_at(crds.len());
    let mut before_size: usize = crd_sizes.iter().sum();
    let mut chosen = None;
    let mut best = REUSE_MIN;
    for (i, (m, doc_size)) in manifests.iter().zip(manifest_sizes).enumerate() {
        let gain = m.content.len().saturating_sub(before_size);
        if gain >= best {
            (chosen, best) = (Some(i), gain);
        }
        before_size += doc_size;
    }
    let before = chosen.unwrap_or(manifests.len());
    // Everything up to and including the chosen manifest's own header.
    let head_size = sizes.iter().take(crds.len() + before + 1).sum();
    let reused = chosen.map(|i| std::mem::take(&mut manifests[i].content));
    let mut head = String::with_capacity(head_size);
    for crd in crds {
        push_doc(&mut head, &crd.name, &crd.data);
    }
    for m in &manifests[..before] {
        push_doc(&mut head, &m.name, &m.content);
    }
    let mut out = match reused {
        None => head,
        Some(mut text) => {
            head.push_str("---\n# Source: ");
            head.push_str(&manifests[before].name);
            head.push('\n');
            text.reserve(size.saturating_sub(text.len()));
            text.insert_str(0, &head);
            text.push('\n');
            text
        }
    };
    for m in manifests
        .iter()
        .skip(before + usize::from(chosen.is_some()))
    {
        push_doc(&mut out, &m.name, &m.content);
    }
    out
}

fn join_dir(dir: &str, name: &str) -> String {
    format!("{dir}/{name}")
}

/// Builds the `helm template` output.
pub fn template_output(
    crds: &[CrdFile],
    manifests: &mut [Manifest],
    hooks: &[Hook],
    opts: &OutputOptions,
) -> TemplateOutput {
    let crds: &[CrdFile] = if opts.include_crds { crds } else { &[] };
    let mut writes = Vec::new();
    let manifest = match &opts.output_dir {
        None => manifest_text(crds, manifests),
        Some(dir) => {
            let new_dir = if opts.use_release_name {
                join_dir(dir, &opts.release_name)
            } else {
                dir.clone()
            };
            // Helm keys "already written" by the CRD's short name but writes
            // the long one; kept as is.
            let mut written: Vec<&str> = Vec::new();
            for crd in crds {
                let mut content = String::new();
                push_doc(&mut content, &crd.filename, &crd.data);
                writes.push(FileWrite {
                    path: join_dir(dir, &crd.filename),
                    append: written.contains(&crd.name.as_str()),
                    content,
                });
                written.push(&crd.name);
            }
            for m in manifests.iter() {
                let mut content = String::new();
                push_doc(&mut content, &m.name, &m.content);
                writes.push(FileWrite {
                    path: join_dir(&new_dir, &m.name),
                    append: written.contains(&m.name.as_str()),
                    content,
                });
                written.push(&m.name);
            }
            String::new()
        }
    };

    // `strings.TrimSpace(manifest) + "\n"`, reusing the buffer (the text
    // starts with `---` unless it is empty).
    let mut text = if manifest.starts_with(char::is_whitespace) {
        manifest.trim().to_string()
    } else {
        let mut m = manifest;
        m.truncate(m.trim_end().len());
        m
    };
    text.push('\n');
    if !opts.no_hooks {
        let mut written: Vec<&str> = Vec::new();
        for h in hooks {
            if opts.skip_tests && h.is_test() {
                continue;
            }
            match &opts.output_dir {
                None => push_doc(&mut text, &h.path, &h.manifest),
                Some(dir) => {
                    let new_dir = if opts.use_release_name {
                        join_dir(dir, &opts.release_name)
                    } else {
                        dir.clone()
                    };
                    let mut content = String::new();
                    push_doc(&mut content, &h.path, &h.manifest);
                    writes.push(FileWrite {
                        path: join_dir(&new_dir, &h.path),
                        append: written.contains(&h.path.as_str()),
                        content,
                    });
                    written.push(&h.path);
                }
            }
        }
    }

    let stdout = if opts.show_only.is_empty() {
        Ok(text)
    } else {
        show_only(&text, &opts.show_only)
    };
    TemplateOutput { writes, stdout }
}

#[allow(clippy::expect_used)] // a constant pattern, covered by the tests
fn source_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"# Source: [^/]+/(.+)").expect("valid source regex"))
}

/// Helm's `--show-only` filter over the full output text.
pub fn show_only(text: &str, patterns: &[String]) -> Result<String, ShowOnlyError> {
    let docs = split_manifests(text);
    let mut out = String::new();
    for pattern in patterns {
        let pattern_slash = pattern.replace(std::path::MAIN_SEPARATOR, "/");
        let mut missing = true;
        for doc in &docs {
            let Some(caps) = source_regex().captures(doc) else {
                continue;
            };
            let Some(name) = caps.get(1) else { continue };
            if !go_path_match(&pattern_slash, name.as_str()) {
                continue;
            }
            out.push_str("---\n");
            out.push_str(doc);
            out.push('\n');
            missing = false;
        }
        if missing {
            return Err(ShowOnlyError {
                pattern: pattern_slash,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::manifest::Head;

    fn manifest(name: &str, content: String) -> Manifest {
        Manifest {
            name: name.into(),
            content,
            head: Head::default(),
        }
    }

    /// What `manifest_text` must give: every document, in order.
    fn expected(crds: &[CrdFile], manifests: &[Manifest]) -> String {
        let mut out = String::new();
        for c in crds {
            out.push_str(&format!("---\n# Source: {}\n{}\n", c.name, c.data));
        }
        for m in manifests {
            out.push_str(&format!("---\n# Source: {}\n{}\n", m.name, m.content));
        }
        out
    }

    #[test]
    fn text_built_in_a_long_manifest_is_the_same() {
        let big = |c: char| c.to_string().repeat(100 * 1024);
        let crds = [CrdFile {
            name: "crds/a.yaml".into(),
            filename: "c/crds/a.yaml".into(),
            data: "kind: CustomResourceDefinition".into(),
        }];
        // A long one first, in the middle, last, two of them; none long
        // enough.
        let sets = [
            vec![
                manifest("c/templates/x.yaml", big('x')),
                manifest("c/templates/y.yaml", "y".into()),
            ],
            vec![
                manifest("c/templates/a.yaml", "a".into()),
                manifest("c/templates/b.yaml", big('b')),
                manifest("c/templates/c.yaml", big('c')[..70_000].to_string()),
            ],
            vec![
                manifest("c/templates/a.yaml", "a".into()),
                manifest("c/templates/z.yaml", big('z')),
            ],
            vec![
                manifest("c/templates/m.yaml", big('m')),
                manifest("c/templates/n.yaml", big('n').repeat(3)),
            ],
            vec![
                manifest("c/templates/a.yaml", "a".into()),
                manifest("c/templates/b.yaml", "b".into()),
            ],
        ];
        for set in sets {
            for crds in [&crds[..], &[]] {
                let want = expected(crds, &set);
                let mut mine = set.clone();
                assert_eq!(manifest_text(crds, &mut mine), want);
            }
        }
    }
}
