//! Features inside a values file that belongs to a chart's [`ValuesStack`]:
//! hover and definition on keys, key completion from `values.schema.json`,
//! and diagnostics (YAML errors, schema violations).

use serde_json::Value as Json;

use super::schema;
use super::values::{Site, ValuesStack, lookup, type_label, yaml_text};
use super::yaml_path::{self, Step};
use super::{CompletionItem, CompletionKind, Diagnostic, Severity};
use crate::source::{LineIndex, Span};
use crate::template::Str;
use crate::yaml::PathSeg;

/// A hover answer: the text range it is about and markdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

/// A place in one of the stack's files.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub layer: usize,
    pub span: Span,
}

/// The chart values path of the key under `offset` in layer `layer`, and
/// the key's span.
pub fn key_at(stack: &ValuesStack, layer: usize, offset: usize) -> Option<(Vec<Str>, Span)> {
    let l = stack.layers.get(layer)?;
    let parsed = l.parsed.as_ref().ok()?;
    let (path, entry) = parsed
        .index
        .iter()
        .filter_map(|(p, e)| Some((p, e.key_span?)))
        .filter(|(_, s)| s.start as usize <= offset && offset <= s.end as usize)
        .min_by_key(|(_, s)| s.len())?;
    let mut keys = Vec::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => keys.push(k.clone()),
            PathSeg::Index(_) => return None, // inside a list: no values path
        }
    }
    // Back from the file's layout to the chart's.
    let chart_path = if keys.first().is_some_and(|k| &**k == "global") {
        keys
    } else {
        keys.strip_prefix(l.scope.as_slice())?.to_vec()
    };
    Some((chart_path, entry))
}

/// `file:line` of a site, 1-based line.
pub fn site_label(stack: &ValuesStack, site: &Site) -> String {
    let Some(l) = stack.layers.get(site.layer) else {
        return String::new();
    };
    let span = ValuesStack::site_span(site);
    let line = LineIndex::new(&l.text).line_col(span.start as usize).line;
    format!("{}:{}", l.label, line)
}

/// Markdown describing a values path: effective value, type, comment, schema,
/// and every file that sets it (the last one wins).
pub fn describe_path(stack: &ValuesStack, path: &[Str], schema: Option<&Json>) -> Option<String> {
    let effective = stack.effective();
    let value = lookup(&effective, path);
    let sites = stack.sites(path);
    if value.is_none() && sites.is_empty() {
        return None;
    }
    let dotted: String = path.iter().map(|k| format!(".{k}")).collect();
    let mut md = String::new();
    match value {
        Some(v) => {
            md.push_str(&format!("**.Values{dotted}** `{}`\n", type_label(&v)));
            md.push_str(&format!("```yaml\n{}\n```\n", yaml_text(&v)));
        }
        None => md.push_str(&format!("**.Values{dotted}** (removed by an override)\n")),
    }
    if let Some(comment) = sites
        .iter()
        .find_map(|s| s.entry.comment.as_deref())
        .filter(|c| !c.trim().is_empty())
    {
        md.push('\n');
        md.push_str(comment.trim_end());
        md.push('\n');
    }
    if let Some(root) = schema {
        let steps: Vec<Step> = path.iter().map(|k| Step::Key(k.to_string())).collect();
        let subs = schema::schemas_at(root, &steps);
        let ty = subs.iter().find_map(|s| schema::type_name(s));
        let desc = subs.iter().find_map(|s| schema::description(s));
        if ty.is_some() || desc.is_some() {
            md.push_str("\nSchema:");
            if let Some(t) = ty {
                md.push_str(&format!(" `{t}`"));
            }
            if let Some(d) = desc {
                md.push_str(&format!(" {d}"));
            }
            md.push('\n');
        }
    }
    if !sites.is_empty() {
        md.push_str("\nSet in:\n");
        let last = sites.len() - 1;
        for (i, s) in sites.iter().enumerate() {
            let mark = if i == last && sites.len() > 1 {
                " (wins)"
            } else {
                ""
            };
            md.push_str(&format!("- {}{mark}\n", site_label(stack, s)));
        }
    }
    Some(md)
}

/// The top-level keys of layer `layer`, as document symbols.
pub fn symbols(stack: &ValuesStack, layer: usize) -> Vec<super::template::Symbol> {
    let Some(Ok(parsed)) = stack.layers.get(layer).map(|l| &l.parsed) else {
        return Vec::new();
    };
    let mut out: Vec<super::template::Symbol> = parsed
        .index
        .iter()
        .filter_map(|(p, e)| {
            let [PathSeg::Key(k)] = p.as_slice() else {
                return None;
            };
            let key = e.key_span?;
            Some(super::template::Symbol {
                name: k.to_string(),
                kind: CompletionKind::Property,
                span: key.cover(e.value_span),
                selection: key,
            })
        })
        .collect();
    out.sort_by_key(|s| s.span.start);
    out
}

/// Hover on a key of a values file.
pub fn hover(
    stack: &ValuesStack,
    layer: usize,
    offset: usize,
    schema: Option<&Json>,
) -> Option<Hover> {
    let (path, span) = key_at(stack, layer, offset)?;
    let markdown = describe_path(stack, &path, schema)?;
    Some(Hover { span, markdown })
}

/// Definition on a key of a values file: every other file of the stack that
/// sets the same path (overridden defaults and overrides).
pub fn definition(stack: &ValuesStack, layer: usize, offset: usize) -> Vec<Target> {
    let Some((path, _)) = key_at(stack, layer, offset) else {
        return Vec::new();
    };
    stack
        .sites(&path)
        .into_iter()
        .filter(|s| s.layer != layer)
        .map(|s| Target {
            layer: s.layer,
            span: ValuesStack::site_span(&s),
        })
        .collect()
}

/// Key completion in a values file from the chart's schema. `scope` is the
/// file's position in the chart's values (`[]` for the chart's own files).
pub fn complete(text: &str, offset: usize, schema: &Json) -> (Vec<CompletionItem>, usize) {
    let ctx = yaml_path::context_at(text, offset);
    if !ctx.at_key {
        return (Vec::new(), offset);
    }
    let items = schema::properties(schema, &ctx.path)
        .into_iter()
        .filter(|p| !ctx.siblings.contains(&p.name))
        .map(|p| CompletionItem {
            insert_text: Some(format!("{}: ", p.name)),
            label: p.name,
            kind: CompletionKind::Property,
            detail: p.type_name,
            documentation: p.description,
        })
        .collect();
    (items, ctx.prefix_start)
}

/// Diagnostics for one layer: its YAML error, and the schema violations of
/// the chart's effective values that this layer is responsible for (it is the
/// last file setting the offending path or its nearest set ancestor).
pub fn diagnostics(stack: &ValuesStack, layer: usize, schema: Option<&Json>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(l) = stack.layers.get(layer) else {
        return out;
    };
    if let Err(e) = &l.parsed {
        let start = e.span.start as usize;
        let end = (e.span.end as usize).max(start);
        out.push(Diagnostic {
            span: Span::new(e.span.source, start, end),
            severity: Severity::Error,
            message: e.message.clone(),
            code: "yaml-parse",
        });
        return out;
    }
    let Some(schema) = schema else { return out };
    let effective = stack.effective();
    for v in schema::validate(schema, &effective) {
        // The deepest set map-key prefix of the violation's path decides who owns it.
        let keys: Vec<Str> = v.path.iter().map(|k| Str::from(k.as_str())).collect();
        let mut owner = None;
        for n in (1..=keys.len()).rev() {
            let prefix = keys.get(..n).unwrap_or(&[]);
            if let Some(site) = stack.sites(prefix).pop() {
                owner = Some((site, n == keys.len()));
                break;
            }
        }
        let (owner_layer, span) = match &owner {
            // The offending value itself, or the key of the map missing something.
            Some((site, true)) => (site.layer, site.entry.value_span),
            Some((site, false)) => (site.layer, ValuesStack::site_span(site)),
            // Root-level problems (a missing required key) go to the chart's
            // own values.yaml, at its start.
            None => (
                0,
                Span::new(
                    l.parsed.as_ref().map(|p| p.span.source).unwrap_or_default(),
                    0,
                    0,
                ),
            ),
        };
        if owner_layer != layer {
            continue;
        }
        let at = if v.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", v.path.join("."))
        };
        out.push(Diagnostic {
            span,
            severity: Severity::Error,
            message: format!(
                "values don't meet the specifications of the schema: {at}{}",
                v.message
            ),
            code: "values-schema",
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::super::values::Layer;
    use super::*;
    use crate::source::SourceId;

    fn stack() -> ValuesStack {
        ValuesStack {
            layers: vec![
                Arc::new(Layer::new(
                    "values.yaml",
                    PathBuf::from("values.yaml"),
                    Arc::from("# The image.\nimage:\n  # Tag to run.\n  tag: v1\nreplicas: 1\n"),
                    vec![],
                    SourceId(0),
                )),
                Arc::new(Layer::new(
                    "prod.yaml",
                    PathBuf::from("prod.yaml"),
                    Arc::from("image:\n  tag: \"2\"\nreplicas: many\n"),
                    vec![],
                    SourceId(1),
                )),
            ],
        }
    }

    #[test]
    fn hover_shows_value_comment_and_sites() {
        let s = stack();
        let text = &s.layers[0].text;
        let off = text.find("tag").unwrap_or(0) + 1;
        let h = hover(&s, 0, off, None).map(|h| h.markdown);
        assert_eq!(
            h.as_deref(),
            Some(
                "**.Values.image.tag** `string`\n```yaml\n\"2\"\n```\n\nTag to run.\n\nSet in:\n- values.yaml:4\n- prod.yaml:2 (wins)\n"
            )
        );
        let d = definition(&s, 0, off);
        assert_eq!(
            d,
            vec![Target {
                layer: 1,
                span: Span::new(SourceId(1), 9, 12)
            }]
        );
    }

    #[test]
    fn schema_violation_lands_on_the_overriding_file() {
        let s = stack();
        let schema = serde_json::json!({"properties": {"replicas": {"type": "integer"}}});
        assert!(diagnostics(&s, 0, Some(&schema)).is_empty());
        let d = diagnostics(&s, 1, Some(&schema));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span, Span::new(SourceId(1), 28, 32));
        assert!(
            d[0].message
                .starts_with("values don't meet the specifications of the schema: replicas: "),
            "{}",
            d[0].message
        );
    }
}
