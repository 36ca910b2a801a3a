//! Template rules (Helm's `rules.Templates`): render the chart in lint mode
//! as release `test-release`, then check each top-level template: allowed
//! extension, Helm 2 leftovers (`crd-install` hooks, `.Release.Time`), and
//! for `.yaml` files the rendered text: top-level indentation, YAML of every
//! document, object names, deprecated API versions, workload selectors and
//! `List` annotations.

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::deprecations::deprecation_warning;
use super::names::name_problem;
use super::{LintOptions, Linter, Severity};
use crate::chart::godecode::{self, FieldCtx};
use crate::engine::{Capabilities, EngineOptions, ReleaseOptions, render};
use crate::template::{Map, Value};

pub fn check(l: &mut Linter, dir: &Path, user: &Map, opts: &LintOptions) {
    let fpath = "templates/";
    match std::fs::metadata(dir.join("templates")) {
        Err(_) => {
            l.add(Severity::Warning, fpath, "directory not found");
            return;
        }
        Ok(m) if !m.is_dir() => {
            l.add(Severity::Warning, fpath, "not a directory");
            return;
        }
        Ok(_) => {}
    }
    let mut chart = match crate::chart::load(dir) {
        Ok(c) => c,
        Err(e) => {
            l.add(Severity::Error, fpath, e.to_string());
            return;
        }
    };
    let mut log = Vec::new();
    // Helm gives up silently when dependencies or values cannot be
    // processed (lint ignores import-values failures too).
    let processed = crate::values::process_dependencies(&mut chart, user, &mut log);
    l.out.log.append(&mut log);
    if processed.is_err() {
        return;
    }
    let coalesced = crate::values::coalesce_values(&mut chart, user, &mut log);
    l.out.log.append(&mut log);
    let Ok(vals) = coalesced else {
        return;
    };
    if let Err(e) = crate::values::validate_against_schema(&chart, &vals) {
        l.add(Severity::Error, fpath, e.to_string());
        return;
    }
    let release = ReleaseOptions {
        name: "test-release".into(),
        namespace: opts.namespace.clone(),
        revision: 0,
        is_install: false,
        is_upgrade: false,
    };
    // Helm 3.10.1 renders in lint mode only; `--strict` does not reach the
    // engine (it only turns warnings into failures).
    let engine = EngineOptions {
        strict: false,
        lint_mode: true,
    };
    let rendered = match render(&chart, &vals, &release, &Capabilities::default(), engine) {
        Ok(r) => r,
        Err(e) => {
            l.out.log.extend(e.log.iter().cloned());
            l.add(Severity::Error, fpath, e.message.clone());
            return;
        }
    };
    l.out.log.extend(rendered.log.iter().cloned());
    for t in &chart.templates {
        let name = t.name.as_str();
        let ext = go_ext(name);
        if !matches!(ext, ".yaml" | ".yml" | ".tpl" | ".txt") {
            l.add(
                Severity::Error,
                name,
                format!(
                    "file extension '{ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt"
                ),
            );
        }
        let raw = t.text();
        if crd_hook().is_match(&raw) {
            l.add(
                Severity::Warning,
                name,
                "manifest is a crd-install hook. This hook is no longer supported in v3 and all CRDs should also exist the crds/ directory at the top level of the chart",
            );
        }
        if raw.contains(".Release.Time") {
            l.add(
                Severity::Error,
                name,
                ".Release.Time has been removed in v3, please replace with the `now` function in your templates",
            );
        }
        if ext != ".yaml" {
            continue;
        }
        let full = format!("{}/{name}", chart.name());
        let Some(file) = rendered.files.get(&full) else {
            continue;
        };
        check_rendered(l, name, &file.text);
    }
}

/// Go's `filepath.Ext`.
fn go_ext(name: &str) -> &str {
    let base_start = name.rfind('/').map(|i| i + 1).unwrap_or(0);
    match name[base_start..].rfind('.') {
        Some(i) => &name[base_start + i..],
        None => "",
    }
}

#[allow(clippy::expect_used)] // a constant pattern, covered by the tests
fn crd_hook() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Go's `\s` is ASCII whitespace without `\v`.
    RE.get_or_init(|| {
        Regex::new(r#""?helm\.sh/hook"?:[\t\n\x0C\r ]+crd-install"#).expect("valid hook pattern")
    })
}

/// The checks on one template's rendered text.
pub fn check_rendered(l: &mut Linter, path: &str, content: &str) {
    if content.trim().is_empty() {
        return;
    }
    if let Some(line) = first_indented_line(content) {
        l.add(
            Severity::Warning,
            path,
            format!(
                "document starts with an illegal indent: {}, which may cause parsing problems",
                crate::chart::metadata::go_quote(line)
            ),
        );
    }
    for chunk in yaml_chunks(content) {
        let chunk = match chunk {
            Ok(c) => c,
            Err(bad) => {
                l.add(
                    Severity::Error,
                    path,
                    format!("unable to parse YAML: invalid Yaml document separator: {bad}"),
                );
                continue;
            }
        };
        let doc = match crate::manifest::parse_yaml_doc(chunk) {
            Ok(v) => v,
            Err(e) => {
                l.add(
                    Severity::Error,
                    path,
                    format!("unable to parse YAML: {}", e.message),
                );
                continue;
            }
        };
        let Some((head, error)) = decode_head(&doc) else {
            continue;
        };
        if let Some(e) = error {
            l.add(
                Severity::Error,
                path,
                format!("unable to parse YAML: error unmarshaling JSON: while decoding JSON: {e}"),
            );
        }
        if let Some(m) = name_problem(&head.kind, &head.name) {
            l.add(Severity::Warning, path, m);
        }
        if let Some(m) = deprecation_warning(&head.api_version, &head.kind) {
            l.add(Severity::Warning, path, m);
        }
        if matches!(
            head.kind.as_str(),
            "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet"
        ) && !content.contains("matchLabels")
            && !content.contains("matchExpressions")
        {
            l.add(
                Severity::Error,
                path,
                format!(
                    "a {} must contain matchLabels or matchExpressions, and {} does not",
                    head.kind,
                    crate::chart::metadata::go_quote(&head.name)
                ),
            );
        }
        if head.kind == "List"
            && let Err(m) = list_annotations(content)
        {
            l.add(Severity::Error, path, m);
        }
    }
}

/// The first non-blank line, if it starts with a space or a tab.
fn first_indented_line(content: &str) -> Option<&str> {
    let line = content.split('\n').find(|l| !l.trim().is_empty())?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    (line.starts_with(' ') || line.starts_with('\t')).then_some(line)
}

/// apimachinery's `YAMLReader`: documents are separated by lines that
/// start with `---` followed by nothing but whitespace or a comment; empty
/// documents are skipped. Any other text after `---` is an error (carrying
/// that text) and drops the document read so far.
fn yaml_chunks(content: &str) -> Vec<Result<&str, &str>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in content.split_inclusive('\n') {
        if let Some(after) = line.strip_prefix("---") {
            let rest = after.trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                chunks.push(Err(rest));
            } else if pos > start {
                chunks.push(Ok(&content[start..pos]));
            }
            start = pos + line.len();
        }
        pos += line.len();
    }
    if pos > start {
        chunks.push(Ok(&content[start..pos]));
    }
    chunks
}

/// The fields of Helm's `K8sYamlStruct`.
#[derive(Debug, Default, PartialEq)]
struct Head {
    api_version: String,
    kind: String,
    name: String,
}

/// Decodes a document into `K8sYamlStruct` as sigs.k8s.io/yaml +
/// `encoding/json` do: keys in sorted order, matched case-insensitively
/// (the last match wins), scalars turned into strings, and the first type
/// error kept while decoding goes on. `None` for a null document.
fn decode_head(doc: &Value) -> Option<(Head, Option<String>)> {
    let mut head = Head::default();
    let mut error: Option<String> = None;
    let keep = |e: String, error: &mut Option<String>| {
        if error.is_none() {
            *error = Some(e);
        }
    };
    let map = match doc {
        Value::Nil => return None,
        Value::Map(m) => m,
        other => {
            let e = format!(
                "json: cannot unmarshal {} into Go value of type rules.K8sYamlStruct",
                crate::json::json_kind(other)
            );
            return Some((head, Some(e)));
        }
    };
    let mut keys = map.entries();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, v) in &keys {
        match k.to_ascii_lowercase().as_str() {
            "apiversion" => {
                let c = FieldCtx {
                    struct_name: "K8sYamlStruct",
                    path: "apiVersion",
                };
                match godecode::string(v, c) {
                    Ok(s) => head.api_version = s,
                    Err(e) => keep(e.0, &mut error),
                }
            }
            "kind" => {
                let c = FieldCtx {
                    struct_name: "K8sYamlStruct",
                    path: "Kind",
                };
                match godecode::string(v, c) {
                    Ok(s) => head.kind = s,
                    Err(e) => keep(e.0, &mut error),
                }
            }
            "metadata" => match v {
                Value::Nil => {}
                Value::Map(meta) => {
                    let mut inner = meta.entries();
                    inner.sort_by(|a, b| a.0.cmp(&b.0));
                    for (k, v) in &inner {
                        let field = match k.to_ascii_lowercase().as_str() {
                            "name" => "Name",
                            "namespace" => "Namespace",
                            _ => continue,
                        };
                        let path = format!("Metadata.{field}");
                        let c = FieldCtx {
                            struct_name: "k8sYamlMetadata",
                            path: &path,
                        };
                        match godecode::string(v, c) {
                            Ok(s) if field == "Name" => head.name = s,
                            Ok(_) => {}
                            Err(e) => keep(e.0, &mut error),
                        }
                    }
                }
                other => keep(
                    format!(
                        "json: cannot unmarshal {} into Go struct field K8sYamlStruct.Metadata of type rules.k8sYamlMetadata",
                        crate::json::json_kind(other)
                    ),
                    &mut error,
                ),
            },
            _ => {}
        }
    }
    Some((head, error))
}

/// Helm's `validateListAnnotations`: reads the file's first document as a
/// list of items and rejects `helm.sh/resource-policy` on any of them.
fn list_annotations(content: &str) -> Result<(), String> {
    let doc = crate::manifest::parse_yaml_doc(content)
        .map_err(|e| format!("unable to parse YAML: {}", e.message))?;
    let items = doc.get("items");
    for item in items
        .as_ref()
        .and_then(Value::as_list)
        .into_iter()
        .flatten()
    {
        let has = item
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .is_some_and(|a| {
                a.as_map_ref()
                    .is_some_and(|m| m.contains_key("helm.sh/resource-policy"))
            });
        if has {
            return Err(
                "Annotation 'helm.sh/resource-policy' within List objects are ignored".into(),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_like_yaml_reader() {
        assert_eq!(
            yaml_chunks("a: 1\n---\nb: 2\n"),
            vec![Ok("a: 1\n"), Ok("b: 2\n")]
        );
        assert_eq!(yaml_chunks("---\na: 1\n--- \n"), vec![Ok("a: 1\n")]);
        // Oracle-checked: a comment may follow `---`; other text is an error
        // that drops the document before it.
        assert_eq!(
            yaml_chunks("a: 1\n---# c\nb: 2"),
            vec![Ok("a: 1\n"), Ok("b: 2")]
        );
        assert_eq!(
            yaml_chunks("a: 1\n---foo\nb: 2"),
            vec![Err("foo"), Ok("b: 2")]
        );
    }

    #[test]
    fn indent_and_ext() {
        assert_eq!(first_indented_line("\n  a: 1\n"), Some("  a: 1"));
        assert_eq!(first_indented_line("a:\n  b: 1\n"), None);
        assert_eq!(go_ext("templates/a.b/noext"), "");
        assert_eq!(go_ext("templates/x.json"), ".json");
    }
}
