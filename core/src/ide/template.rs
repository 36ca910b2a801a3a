//! Features inside a template file of a [`LiveChart`]: completion of values
//! paths (following `with`/`range`/`$var`), built-in object fields,
//! functions and define names; hover; definition and references between
//! values paths and values files, include names and defines, variables and
//! their declarations, `.Chart.X` and Chart.yaml; the undefined-values and
//! unused-keys checks; document symbols.

use std::sync::Arc;

use serde_json::Value as Json;

use super::builtins;
use super::render::LiveChart;
use super::scope::{self, Chain, Event, Scope, Seg, Sym};
use super::values::{ValuesStack, short_value, type_label, yaml_text};
use super::values_file::describe_path;
use super::{CompletionItem, CompletionKind, Diagnostic, Severity};
use crate::source::{SourceId, Span};
use crate::template::ast::Tree;
use crate::template::{Map, Str, Value};
use crate::yaml::PathSeg;

/// What a template feature needs besides the render.
pub struct Inputs<'a> {
    /// The values files of the template's chart (for where a value is set).
    pub stack: Option<&'a ValuesStack>,
    pub schema: Option<&'a Json>,
    /// The text of the template's chart's Chart.yaml.
    pub chart_yaml: Option<&'a str>,
}

/// A place a feature points to.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// In template file `file` of the render.
    Template { file: usize, span: Span },
    /// In layer `layer` of the values stack.
    Values { layer: usize, span: Span },
    /// In the template's chart's Chart.yaml.
    ChartYaml { span: Span },
}

/// A hover answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

/// A document symbol.
#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub kind: CompletionKind,
    pub span: Span,
    pub selection: Span,
}

fn source(file: usize) -> SourceId {
    SourceId(file as u32 + 1)
}

/// The trees to analyse at `offset`: the file's parse when it has no error,
/// else the text up to the end of the action at `offset` with open blocks
/// closed.
fn trees_at(live: &LiveChart, file: usize, offset: usize) -> Option<Vec<Arc<Tree>>> {
    let f = live.files().get(file)?;
    if f.parsed.error.is_none() {
        return Some(f.parsed.trees.clone());
    }
    let text = &f.text;
    let cut = text
        .get(offset..)
        .and_then(|t| t.find(&f.delims.right))
        .map_or(text.len(), |i| offset + i + f.delims.right.len());
    let set = live.set()?;
    scope::parse_tolerant(set, &f.name, text, cut, &f.delims, source(file))
}

/// The `.Values`-style value a symbol stands for in file `file`'s context.
fn resolve(live: &LiveChart, file: usize, sym: &Sym) -> Option<Value> {
    let Sym::Path(p) = sym else { return None };
    let ctx = live.context(file)?;
    let mut cur = Value::map((**ctx).clone());
    for seg in p {
        cur = match seg {
            Seg::Key(k) => cur.get(k)?,
            Seg::Elem => union_of_elements(&cur)?,
        };
    }
    Some(cur)
}

/// The map of all keys found in a list's (or map's) map elements.
fn union_of_elements(v: &Value) -> Option<Value> {
    let items: Vec<Value> = match v {
        Value::List(l) => l.iter().cloned().collect(),
        Value::Map(m) => m.read().values().cloned().collect(),
        _ => return None,
    };
    let mut out = Map::new();
    for it in items {
        if let Some(m) = it.as_map() {
            for (k, v) in m.iter() {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    Some(Value::map(out))
}

fn path_strs(p: &[Seg]) -> Option<Vec<&str>> {
    p.iter()
        .map(|s| match s {
            Seg::Key(k) => Some(&**k),
            Seg::Elem => None,
        })
        .collect()
}

fn field_items(fields: &[builtins::FieldDoc]) -> Vec<CompletionItem> {
    fields
        .iter()
        .map(|(name, ty, doc)| CompletionItem {
            label: name.to_string(),
            kind: CompletionKind::Field,
            detail: Some(ty.to_string()),
            documentation: Some(doc.to_string()),
            insert_text: None,
        })
        .collect()
}

/// The members of what `sym` stands for.
fn members(live: &LiveChart, file: usize, sym: &Sym) -> Vec<CompletionItem> {
    let Sym::Path(p) = sym else {
        return Vec::new();
    };
    if let Some(strs) = path_strs(p)
        && let Some(fields) = builtins::fields(&strs)
    {
        return field_items(fields);
    }
    if let [Seg::Key(s), Seg::Key(_)] = p.as_slice()
        && &**s == "Subcharts"
    {
        return field_items(builtins::ROOT);
    }
    let Some(v) = resolve(live, file, sym) else {
        return Vec::new();
    };
    let Some(m) = v.as_map() else {
        return Vec::new();
    };
    m.iter()
        .map(|(k, v)| CompletionItem {
            label: k.to_string(),
            kind: CompletionKind::Field,
            detail: Some(format!("{} = {}", type_label(v), short_value(v))),
            documentation: Some(format!("```yaml\n{}\n```", yaml_text(v))),
            insert_text: None,
        })
        .collect()
}

/// Completion at `offset` of template file `file`; returns the items and
/// the offset where the replaced word starts.
pub fn complete(
    live: &LiveChart,
    file: usize,
    offset: usize,
) -> Option<(Vec<CompletionItem>, usize)> {
    let f = live.files().get(file)?;
    let text = &f.text;
    let before = text.get(..offset)?;
    let open = before.rfind(&f.delims.left)?;
    if before[open..].contains(&f.delims.right) {
        return None;
    }
    let action = &before[open + f.delims.left.len()..];
    // Inside the quotes of `include "…"` / `template "…"`: define names.
    if action.matches('"').count() % 2 == 1
        && let Some(q) = action.rfind('"')
    {
        let head = action[..q].trim_end();
        if head.ends_with("include") || head.ends_with("template") {
            let start = open + f.delims.left.len() + q + 1;
            let items = live
                .set()
                .map(|s| s.names())
                .unwrap_or_default()
                .into_iter()
                .filter(|n| !n.contains("/templates/"))
                .map(|n| CompletionItem {
                    label: n.to_string(),
                    kind: CompletionKind::Module,
                    detail: Some("define".to_string()),
                    documentation: define_text(live, &n).map(|t| format!("```helm\n{t}\n```")),
                    insert_text: None,
                })
                .collect();
            return Some((items, start));
        }
        return None;
    }
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$'))
        .last()
        .map_or(offset, |(i, _)| i);
    let word = &before[word_start..];
    let sc = live
        .set()
        .and_then(|set| scope::parse_tolerant(set, &f.name, text, open, &f.delims, source(file)))
        .map_or_else(|| scope::scope_at(&[], 0), |t| scope::scope_at(&t, open));
    if let Some(rest) = word.strip_prefix('$')
        && !rest.contains('.')
    {
        let mut items: Vec<CompletionItem> = Vec::new();
        for v in sc.vars.iter().rev() {
            if items.iter().any(|i| i.label == *v.name) {
                continue;
            }
            items.push(CompletionItem {
                label: v.name.to_string(),
                kind: CompletionKind::Variable,
                detail: Some(sym_label(&v.sym)),
                documentation: None,
                insert_text: None,
            });
        }
        items.sort_by(|a, b| a.label.cmp(&b.label));
        return Some((items, word_start));
    }
    if word.contains('.') {
        let (base, rest) = match word.find('.') {
            Some(0) => (sc.dot.clone(), &word[1..]),
            Some(i) => {
                let var = &word[..i];
                let sym = sc.var(var).map_or(Sym::Unknown, |v| v.sym.clone());
                (sym, &word[i + 1..])
            }
            None => (sc.dot.clone(), word),
        };
        let mut segs: Vec<&str> = rest.split('.').collect();
        let prefix = segs.pop().unwrap_or("");
        let keys: Vec<Str> = segs.iter().map(|s| Str::from(*s)).collect();
        let sym = base.join(keys.iter());
        let items = members(live, file, &sym);
        return Some((items, offset - prefix.len()));
    }
    // A function or keyword.
    let mut items: Vec<CompletionItem> = live
        .set()
        .map(|s| s.funcs().names())
        .unwrap_or_default()
        .into_iter()
        .map(|n| {
            let (sig, doc) = builtins::function(n).unwrap_or_default();
            CompletionItem {
                label: n.to_string(),
                kind: CompletionKind::Function,
                detail: Some(sig),
                documentation: Some(doc.to_string()),
                insert_text: None,
            }
        })
        .collect();
    for kw in [
        "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
    ] {
        items.push(CompletionItem {
            label: kw.to_string(),
            kind: CompletionKind::Keyword,
            detail: None,
            documentation: None,
            insert_text: None,
        });
    }
    items.sort_by(|a, b| a.label.cmp(&b.label));
    Some((items, word_start))
}

fn sym_label(sym: &Sym) -> String {
    match sym {
        Sym::Unknown => "unknown".to_string(),
        Sym::Path(p) => {
            let s: String = p
                .iter()
                .map(|s| match s {
                    Seg::Key(k) => format!(".{k}"),
                    Seg::Elem => "[]".to_string(),
                })
                .collect();
            if s.is_empty() { "$".to_string() } else { s }
        }
    }
}

/// The text of a define (`{{ define "x" }}…{{ end }}` body), trimmed.
fn define_text(live: &LiveChart, name: &str) -> Option<String> {
    let t = live.set()?.get(name)?;
    let body = t.source.text.get(t.root.span.range())?;
    let lines: Vec<&str> = body.trim().lines().take(20).collect();
    Some(lines.join("\n"))
}

/// Where a define's name is written: the string after `define` before the body.
fn define_location(live: &LiveChart, name: &str) -> Option<Target> {
    let t = live.set()?.get(name)?;
    let file = (t.source.id.0 as usize).checked_sub(1)?;
    if file >= live.files().len() {
        return None;
    }
    let text = &t.source.text;
    let start = t.root.span.start as usize;
    let head = text.get(..start)?;
    let quoted = format!("\"{name}\"");
    let at = head.rfind(&quoted)?;
    Some(Target::Template {
        file,
        span: Span::new(t.source.id, at, at + quoted.len()),
    })
}

/// The event under `offset`, innermost first.
fn event_at(live: &LiveChart, file: usize, offset: usize) -> Option<(Event, Vec<Event>)> {
    let trees = trees_at(live, file, offset)?;
    let events = scope::walk(&trees);
    let hit = events
        .iter()
        .filter(|e| {
            let s = event_span(e);
            (s.start as usize) <= offset && offset <= s.end as usize
        })
        .min_by_key(|e| event_span(e).len())?
        .clone();
    Some((hit, events))
}

fn event_span(e: &Event) -> Span {
    match e {
        Event::Chain(c) => c.span,
        Event::Func { span, .. } | Event::Call { span, .. } => *span,
        Event::Decl(v) => v.decl.unwrap_or_default(),
    }
}

/// Which part of a chain `offset` is on: `None` for the variable, else the
/// field index.
fn chain_part(c: &Chain, offset: usize) -> Option<Option<usize>> {
    if let Some((_, s, _)) = &c.var
        && (s.start as usize) <= offset
        && offset <= s.end as usize
    {
        return Some(None);
    }
    c.fields
        .iter()
        .position(|(_, s)| (s.start as usize) <= offset && offset <= s.end as usize)
        .map(Some)
}

/// Hover at `offset` of template file `file`.
pub fn hover(live: &LiveChart, file: usize, offset: usize, inputs: &Inputs<'_>) -> Option<Hover> {
    let (hit, _) = event_at(live, file, offset)?;
    match hit {
        Event::Chain(c) => {
            let part = chain_part(&c, offset)?;
            let (sym, span) = match part {
                None => {
                    let (name, span, _) = c.var.clone()?;
                    let md = format!("**{name}** `{}`", sym_label(&c.base));
                    return Some(Hover { span, markdown: md });
                }
                Some(i) => (c.sym_through(i), c.fields.get(i)?.1),
            };
            let markdown = describe_sym(live, file, &sym, inputs)?;
            Some(Hover { span, markdown })
        }
        Event::Func { name, span } => {
            let (sig, doc) = builtins::function(&name)?;
            Some(Hover {
                span,
                markdown: format!("```go\n{sig}\n```\n{doc}"),
            })
        }
        Event::Call { name, span } => {
            let text = define_text(live, &name)?;
            Some(Hover {
                span,
                markdown: format!("**define \"{name}\"**\n```helm\n{text}\n```"),
            })
        }
        Event::Decl(v) => Some(Hover {
            span: v.decl?,
            markdown: format!("**{}** `{}`", v.name, sym_label(&v.sym)),
        }),
    }
}

fn describe_sym(live: &LiveChart, file: usize, sym: &Sym, inputs: &Inputs<'_>) -> Option<String> {
    if let Some(path) = sym.values_path()
        && let Some(stack) = inputs.stack
        && let Some(md) = describe_path(stack, &path, inputs.schema)
    {
        return Some(md);
    }
    let Sym::Path(p) = sym else { return None };
    let strs = path_strs(p);
    if let Some(strs) = &strs
        && let Some((last, parent)) = strs.split_last()
        && let Some(fields) = builtins::fields(parent)
        && let Some((name, ty, doc)) = fields.iter().find(|(n, _, _)| n == last)
    {
        let dotted: String = strs.iter().map(|s| format!(".{s}")).collect();
        let _ = name;
        return Some(format!("**{dotted}** `{ty}`\n\n{doc}"));
    }
    let v = resolve(live, file, sym)?;
    Some(format!(
        "**{}** `{}`\n```yaml\n{}\n```\n",
        sym_label(sym),
        type_label(&v),
        yaml_text(&v)
    ))
}

/// Chart.yaml's key for a `.Chart` field.
fn chart_yaml_key(field: &str) -> String {
    match field {
        "APIVersion" => "apiVersion".to_string(),
        other => {
            let mut c = other.chars();
            match c.next() {
                Some(f) => f.to_lowercase().chain(c).collect(),
                None => String::new(),
            }
        }
    }
}

/// Definition at `offset` of template file `file`.
pub fn definition(
    live: &LiveChart,
    file: usize,
    offset: usize,
    inputs: &Inputs<'_>,
) -> Vec<Target> {
    let Some((hit, _)) = event_at(live, file, offset) else {
        return Vec::new();
    };
    match hit {
        Event::Chain(c) => {
            let Some(part) = chain_part(&c, offset) else {
                return Vec::new();
            };
            let Some(i) = part else {
                // The variable: its declaration.
                return c
                    .var
                    .and_then(|(_, _, d)| d)
                    .map(|span| Target::Template { file, span })
                    .into_iter()
                    .collect();
            };
            let sym = c.sym_through(i);
            if let Some(path) = sym.values_path()
                && let Some(stack) = inputs.stack
            {
                return stack
                    .sites(&path)
                    .iter()
                    .map(|s| Target::Values {
                        layer: s.layer,
                        span: ValuesStack::site_span(s),
                    })
                    .collect();
            }
            if let Sym::Path(p) = &sym
                && let [Seg::Key(head), Seg::Key(field)] = p.as_slice()
                && &**head == "Chart"
                && let Some(text) = inputs.chart_yaml
                && let Ok(parsed) = crate::yaml::parse_value(text, SourceId(0))
                && let Some(e) = parsed
                    .index
                    .get(&[PathSeg::Key(Str::from(chart_yaml_key(field)))])
            {
                return vec![Target::ChartYaml {
                    span: e.key_span.unwrap_or(e.value_span),
                }];
            }
            Vec::new()
        }
        Event::Call { name, .. } => define_location(live, &name).into_iter().collect(),
        Event::Decl(v) => v
            .decl
            .map(|span| Target::Template { file, span })
            .into_iter()
            .collect(),
        Event::Func { .. } => Vec::new(),
    }
}

/// Every use of values path `path` in the templates rendered with the same
/// context as file `file` (the same chart).
pub fn values_uses(live: &LiveChart, context_of: usize, path: &[Str]) -> Vec<Target> {
    let Some(ctx) = live.context(context_of) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, f) in live.files().iter().enumerate() {
        if !live.context(i).is_some_and(|c| Arc::ptr_eq(c, ctx)) {
            continue;
        }
        for e in scope::walk(&f.parsed.trees) {
            let Event::Chain(c) = e else { continue };
            for k in 0..c.fields.len() {
                if c.sym_through(k).values_path().as_deref() == Some(path) {
                    out.push(Target::Template {
                        file: i,
                        span: c.fields[k].1,
                    });
                }
            }
        }
    }
    out
}

/// References at `offset` of template file `file` (the declaration or
/// definition included).
pub fn references(
    live: &LiveChart,
    file: usize,
    offset: usize,
    inputs: &Inputs<'_>,
) -> Vec<Target> {
    let Some((hit, events)) = event_at(live, file, offset) else {
        return Vec::new();
    };
    match hit {
        Event::Chain(c) => match chain_part(&c, offset) {
            Some(None) => {
                let Some((_, _, Some(decl))) = c.var else {
                    return Vec::new();
                };
                let mut out = vec![Target::Template { file, span: decl }];
                for e in events {
                    if let Event::Chain(o) = e
                        && let Some((_, s, Some(d))) = o.var
                        && d == decl
                    {
                        out.push(Target::Template { file, span: s });
                    }
                }
                out
            }
            Some(Some(i)) => {
                let Some(path) = c.sym_through(i).values_path() else {
                    return Vec::new();
                };
                let mut out = values_uses(live, file, &path);
                if let Some(stack) = inputs.stack {
                    out.extend(stack.sites(&path).iter().map(|s| Target::Values {
                        layer: s.layer,
                        span: ValuesStack::site_span(s),
                    }));
                }
                out
            }
            None => Vec::new(),
        },
        Event::Call { name, .. } => calls_of(live, &name),
        _ => Vec::new(),
    }
}

/// Every `include`/`template` of `name` in the render, and its define.
pub fn calls_of(live: &LiveChart, name: &str) -> Vec<Target> {
    let mut out: Vec<Target> = define_location(live, name).into_iter().collect();
    for (i, f) in live.files().iter().enumerate() {
        for e in scope::walk(&f.parsed.trees) {
            if let Event::Call { name: n, span } = e
                && &*n == name
            {
                out.push(Target::Template { file: i, span });
            }
        }
    }
    out
}

/// Warnings for values paths that no values file defines (unless guarded).
pub fn undefined_values(
    live: &LiveChart,
    file: usize,
    stack: Option<&ValuesStack>,
) -> Vec<Diagnostic> {
    let Some(f) = live.files().get(file) else {
        return Vec::new();
    };
    let Some(values) = live.context(file).and_then(|c| c.get("Values").cloned()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in scope::walk(&f.parsed.trees) {
        let Event::Chain(c) = e else { continue };
        if c.guarded {
            continue;
        }
        let Sym::Path(base) = &c.base else { continue };
        // Only chains whose path is `.Values…` from the root.
        let full = c.sym();
        let Some(path) = full.values_path() else {
            continue;
        };
        let mut cur = values.clone();
        for (k, key) in path.iter().enumerate() {
            let Some(m) = cur.as_map() else { break };
            let next = m.get(key).cloned();
            drop(m);
            match next {
                Some(v) => cur = v,
                None => {
                    let here = &path[..=k];
                    if stack.is_some_and(|s| !s.sites(here).is_empty()) {
                        break;
                    }
                    // The field's span when the chain wrote it, else the chain.
                    // Full path = base ++ fields; `Values` is its first step.
                    let span = (k + 1)
                        .checked_sub(base.len())
                        .and_then(|fi| c.fields.get(fi))
                        .map_or(c.span, |(_, s)| *s);
                    let dotted: String = here.iter().map(|k| format!(".{k}")).collect();
                    out.push(Diagnostic {
                        span,
                        severity: Severity::Warning,
                        message: format!("`.Values{dotted}` is not set in any values file"),
                        code: "values-undefined",
                    });
                    break;
                }
            }
        }
    }
    out
}

/// Hints for keys of a chart's own values file (layer `layer` of its stack)
/// that no template of the chart reads. Keys under a subchart's name and
/// `global` are left alone; so is everything when a template passes
/// `.Values` as a whole.
pub fn unused_keys(
    live: &LiveChart,
    chart_dir: &std::path::Path,
    stack: &ValuesStack,
    layer: usize,
    subcharts: &[String],
) -> Vec<Diagnostic> {
    let Some(l) = stack.layers.get(layer) else {
        return Vec::new();
    };
    let Ok(parsed) = &l.parsed else {
        return Vec::new();
    };
    let templates = chart_dir.join("templates");
    let mut used: Vec<Vec<Str>> = Vec::new();
    let mut any = false;
    for f in live.files() {
        if !f.path.as_ref().is_some_and(|p| p.starts_with(&templates)) {
            continue;
        }
        any = true;
        for e in scope::walk(&f.parsed.trees) {
            if let Event::Chain(c) = e {
                // A chain through a `range` element uses the whole list.
                let sym = c.sym();
                if let Sym::Path(p) = &sym
                    && let Some(Seg::Key(h)) = p.first()
                    && &**h == "Values"
                {
                    let keys: Vec<Str> = p[1..]
                        .iter()
                        .map_while(|s| match s {
                            Seg::Key(k) => Some(k.clone()),
                            Seg::Elem => None,
                        })
                        .collect();
                    if keys.is_empty() {
                        return Vec::new();
                    }
                    used.push(keys);
                }
            }
        }
    }
    if !any {
        return Vec::new();
    }
    let is_used = |k: &[Str]| {
        used.iter()
            .any(|u| u.starts_with(k) || k.starts_with(u.as_slice()))
    };
    let mut out = Vec::new();
    let mut entries: Vec<(Vec<Str>, Span)> = parsed
        .index
        .iter()
        .filter_map(|(p, e)| {
            let keys: Option<Vec<Str>> = p
                .iter()
                .map(|s| match s {
                    PathSeg::Key(k) => Some(k.clone()),
                    PathSeg::Index(_) => None,
                })
                .collect();
            Some((keys?, e.key_span?))
        })
        .filter(|(k, _)| !k.is_empty())
        .collect();
    entries.sort_by_key(|(_, s)| s.start);
    for (k, span) in entries {
        if k.first()
            .is_some_and(|h| &**h == "global" || subcharts.iter().any(|s| s == &**h))
        {
            continue;
        }
        if is_used(&k) {
            continue;
        }
        // Report the outermost unused key only.
        if k.len() > 1 && !is_used(&k[..k.len() - 1]) {
            continue;
        }
        let dotted: String = k.iter().map(|s| format!(".{s}")).collect();
        out.push(Diagnostic {
            span,
            severity: Severity::Hint,
            message: format!("`.Values{dotted}` is not used by any template of the chart"),
            code: "values-unused",
        });
    }
    out
}

/// Symbols of a template file: its defines and its top-level YAML keys.
pub fn symbols(live: &LiveChart, file: usize) -> Vec<Symbol> {
    let Some(f) = live.files().get(file) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in f.parsed.trees.iter().skip(1) {
        let Some(Target::Template { span, .. }) = define_location(live, &t.name) else {
            continue;
        };
        // From `{{ define` to the body's end.
        let text = &f.text;
        let open = text
            .get(..span.start as usize)
            .and_then(|h| h.rfind(&f.delims.left))
            .unwrap_or(span.start as usize);
        let end = text
            .get(t.root.span.end as usize..)
            .and_then(|r| r.find(&f.delims.right))
            .map_or(t.root.span.end as usize, |i| {
                t.root.span.end as usize + i + f.delims.right.len()
            });
        out.push(Symbol {
            name: t.name.to_string(),
            kind: CompletionKind::Function,
            span: Span::new(source(file), open, end.max(span.end as usize)),
            selection: span,
        });
    }
    // Top-level keys: `key:` at column 0 in the text outside actions.
    let mut offset = 0;
    for line in f.text.split_inclusive('\n') {
        let key_len = line
            .find(':')
            .filter(|&i| {
                i > 0
                    && line[..i]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            })
            .filter(|&i| {
                matches!(
                    line.as_bytes().get(i + 1),
                    None | Some(b' ' | b'\n' | b'\r')
                )
            });
        if let Some(n) = key_len
            && !within_action(f, offset)
        {
            let s = Span::new(source(file), offset, offset + n);
            out.push(Symbol {
                name: line[..n].to_string(),
                kind: CompletionKind::Property,
                span: Span::new(source(file), offset, offset + line.trim_end().len()),
                selection: s,
            });
        }
        offset += line.len();
    }
    out.sort_by_key(|s| s.span.start);
    out
}

fn within_action(f: &super::render::TemplateFile, offset: usize) -> bool {
    let Some(before) = f.text.get(..offset) else {
        return false;
    };
    match (before.rfind(&f.delims.left), before.rfind(&f.delims.right)) {
        (Some(l), Some(r)) => l > r,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Scope at an offset (for tests and callers that want it).
pub fn scope_at(live: &LiveChart, file: usize, offset: usize) -> Option<Scope> {
    let trees = trees_at(live, file, offset)?;
    Some(scope::scope_at(&trees, offset))
}
