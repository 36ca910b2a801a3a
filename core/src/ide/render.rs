//! Rendering a chart for the editor: from the files on disk with the unsaved
//! buffers laid over them, every template executed on its own so that one
//! failure does not hide the others, and every problem located by span:
//! parse errors, execution errors (`required`, `fail`, nil pointers…) at the
//! innermost failing node, and rendered output that is not valid YAML mapped
//! back through the output trace to the template text that produced it.
//!
//! The contexts match Helm's `engine.Render` (see `crate::engine::render`):
//! a subchart sees `.Values.<name>` of its parent, `.Chart.IsRoot` is true
//! only at the top, and the release is `release-name` in `default` like
//! `helm template`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Diagnostic, Severity};
use crate::chart::loader::{BufferedFile, dir_files};
use crate::chart::{Chart, ChartObject, Files, LoadError, load_files};
use crate::engine::host::HelmHost;
use crate::engine::render::chart_delims;
use crate::engine::{Capabilities, ReleaseOptions, helm_funcs};
use crate::source::{SourceId, Span};
use crate::template::set::{TemplateSet, TraceEntry};
use crate::template::{Map, Value};
use crate::values;
use crate::yaml;

/// Reads a chart directory with overlaid texts (absolute path → text).
pub fn load_overlay(
    dir: &Path,
    overlay: &dyn Fn(&Path) -> Option<Arc<str>>,
) -> Result<Chart, LoadError> {
    let mut files = dir_files(dir)?;
    for f in &mut files {
        if let Some(text) = overlay(&dir.join(&f.name)) {
            f.data = text.as_bytes().to_vec();
        }
    }
    load_files(
        files
            .into_iter()
            .map(|f| BufferedFile {
                name: f.name,
                data: f.data,
            })
            .collect(),
    )
}

/// One template file of the rendered tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateFile {
    /// Helm's template name (`app/charts/db/templates/x.yaml`).
    pub name: String,
    /// The file on disk, when it could be found.
    pub path: Option<PathBuf>,
    pub text: Arc<str>,
}

/// What a live render produced.
#[derive(Debug, Default)]
pub struct LiveRender {
    /// Indexed by `SourceId.0 - 1`.
    pub files: Vec<TemplateFile>,
    /// Diagnostics per template file (index into `files`).
    pub diagnostics: Vec<(usize, Diagnostic)>,
    /// Rendered output per template name (templates that executed).
    pub outputs: BTreeMap<String, String>,
    /// A problem with the chart as a whole (values, dependencies).
    pub chart_error: Option<String>,
}

impl LiveRender {
    /// The file index of a span's source.
    pub fn file_of(&self, span: Span) -> Option<usize> {
        let i = (span.source.0 as usize).checked_sub(1)?;
        (i < self.files.len()).then_some(i)
    }

    fn push(&mut self, span: Span, severity: Severity, message: String, code: &'static str) {
        if let Some(i) = self.file_of(span) {
            self.diagnostics.push((
                i,
                Diagnostic {
                    span,
                    severity,
                    message,
                    code,
                },
            ));
        }
    }
}

struct Item {
    file: usize,
    context: Arc<Map>,
    base_path: String,
    partial: bool,
}

/// Renders `chart` (rooted at `dir`) with `user` values (the extra values
/// files, merged), collecting every problem.
pub fn render_live(dir: &Path, mut chart: Chart, user: &Map) -> LiveRender {
    let mut out = LiveRender::default();
    let mut log = Vec::new();
    let vals = match values::dependencies::process_and_coalesce(&mut chart, user, &mut log) {
        Ok(v) => v,
        Err(e) => {
            out.chart_error = Some(e.to_string());
            Map::new()
        }
    };
    let release = ReleaseOptions {
        name: "release-name".to_string(),
        namespace: "default".to_string(),
        revision: 1,
        is_install: true,
        is_upgrade: false,
    };
    let top = Top {
        values: Value::map(vals),
        release: release.to_value(),
        capabilities: Capabilities::for_template(None, &[]).to_value(),
    };
    let mut items = Vec::new();
    let name = chart.name().to_string();
    collect(
        &chart,
        &name,
        Some(dir),
        None,
        &top,
        &mut out.files,
        &mut items,
    );

    // Parse each file on its own: a broken file still lets the others render.
    let mut set = TemplateSet::new(helm_funcs());
    let mut order: Vec<usize> = (0..out.files.len()).collect();
    order.sort_by(|&a, &b| parse_order(&out.files[a].name, &out.files[b].name));
    let mut broken = vec![false; out.files.len()];
    for i in order {
        let f = &out.files[i];
        let d = file_delims(&chart, &f.name);
        if let Err(e) = set.add(&f.name, &f.text, &d, SourceId(i as u32 + 1)) {
            broken[i] = true;
            let span = if e.span.source.0 == 0 {
                Span::new(
                    SourceId(i as u32 + 1),
                    e.span.start as usize,
                    e.span.end as usize,
                )
            } else {
                e.span
            };
            out.push(span, Severity::Error, e.message.clone(), "template-parse");
        }
    }
    let set = Arc::new(set);
    let mut host = HelmHost::default();
    for it in &items {
        if it.partial || broken[it.file] {
            continue;
        }
        let f = &out.files[it.file];
        let mut ctx = (*it.context).clone();
        let mut template = Map::new();
        template.insert("Name".into(), Value::str(&f.name));
        template.insert("BasePath".into(), Value::str(&it.base_path));
        ctx.insert("Template".into(), Value::map(template));
        match set.execute(&f.name, &Value::map(ctx), &mut host) {
            Ok(r) => {
                let name = f.name.clone();
                if !name.ends_with("NOTES.txt") {
                    check_yaml(&mut out, it.file, &r.output, &r.trace);
                }
                out.outputs.insert(name, r.output);
            }
            Err(e) => {
                let inner = e.innermost();
                let span = inner
                    .span()
                    .unwrap_or(Span::new(SourceId(it.file as u32 + 1), 0, 0));
                let code = if inner.message().contains("error calling required")
                    || inner.message().contains("error calling fail")
                {
                    "template-fail"
                } else {
                    "template-exec"
                };
                out.push(span, Severity::Error, short_message(inner.message()), code);
            }
        }
    }
    out
}

/// Go's message without the `template: NAME:L:C: ` prefix (the range says
/// where); for `required`/`fail`, just the user's text.
fn short_message(m: &str) -> String {
    if let Some(start) = m.find("HELM_ERR_START")
        && let Some(end) = m.rfind("HELM_ERR_END")
        && let Some(text) = m.get(start + "HELM_ERR_START".len()..end)
    {
        return text.to_string();
    }
    if let Some(rest) = m.strip_prefix("template: ") {
        // NAME:LINE:COL: msg — the name has no ": ".
        if let Some(i) = rest.find(": ") {
            let head = &rest[..i];
            if head
                .rsplit(':')
                .take(2)
                .all(|n| n.chars().all(|c| c.is_ascii_digit()))
            {
                return rest[i + 2..].to_string();
            }
        }
    }
    m.to_string()
}

/// Checks a rendered output is YAML; a failure is reported at the template
/// text that produced the offending output byte.
fn check_yaml(out: &mut LiveRender, file: usize, text: &str, trace: &[TraceEntry]) {
    if text.trim().is_empty() {
        return;
    }
    let Err(e) = yaml::parse_documents(text, SourceId(0)) else {
        return;
    };
    let off = e.span.start;
    let i = trace.partition_point(|t| t.start <= off);
    let span = match i.checked_sub(1).and_then(|i| trace.get(i)) {
        Some(t) => t.span,
        None => Span::new(SourceId(file as u32 + 1), 0, 0),
    };
    let line = text
        .get(..off as usize)
        .map_or(0, |s| s.matches('\n').count())
        + 1;
    out.push(
        span,
        Severity::Error,
        format!(
            "rendered output is not valid YAML (output line {line}): {}",
            e.message
        ),
        "rendered-yaml",
    );
}

struct Top {
    values: Value,
    release: Value,
    capabilities: Value,
}

fn file_delims(chart: &Chart, name: &str) -> crate::template::lexer::Delims {
    // Find the (sub)chart the template belongs to by its name's prefix.
    fn find<'a>(c: &'a Chart, prefix: &str, name: &str) -> Option<&'a Chart> {
        for d in &c.dependencies {
            let p = format!("{prefix}/charts/{}", d.name());
            if name.starts_with(&format!("{p}/")) {
                return find(d, &p, name).or(Some(d));
            }
        }
        None
    }
    let c = find(chart, chart.name(), name).unwrap_or(chart);
    chart_delims(c)
}

/// Builds a chart's context and its templates, children first (so
/// `.Subcharts` is filled), as Helm's `recAllTpls`.
fn collect(
    chart: &Chart,
    full_path: &str,
    dir: Option<&Path>,
    parent_values: Option<&Value>,
    top: &Top,
    files: &mut Vec<TemplateFile>,
    items: &mut Vec<Item>,
) -> Value {
    let values = match parent_values {
        None => top.values.clone(),
        Some(pv) => match pv.get(chart.name()) {
            Some(v @ Value::Map(_)) => v.clone(),
            _ => Value::empty_map(),
        },
    };
    let mut subcharts = Map::new();
    for dep in &chart.dependencies {
        let child_path = format!("{full_path}/charts/{}", dep.name());
        let child_dir = dir.and_then(|d| subchart_dir(d, dep));
        let child = collect(
            dep,
            &child_path,
            child_dir.as_deref(),
            Some(&values),
            top,
            files,
            items,
        );
        subcharts.insert(dep.name().into(), child);
    }
    let mut ctx = Map::new();
    ctx.insert(
        "Chart".into(),
        ChartObject::new(chart.metadata.clone(), parent_values.is_none()).into_value(),
    );
    ctx.insert("Files".into(), Files::new(&chart.files).into_value());
    ctx.insert("Release".into(), top.release.clone());
    ctx.insert("Capabilities".into(), top.capabilities.clone());
    ctx.insert("Values".into(), values);
    ctx.insert("Subcharts".into(), Value::map(subcharts));
    let ctx = Arc::new(ctx);
    let library = chart.is_library();
    for t in &chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        files.push(TemplateFile {
            name: format!("{full_path}/{}", t.name),
            path: dir.map(|d| d.join(&t.name)),
            text: Arc::from(t.text().as_ref()),
        });
        items.push(Item {
            file: files.len() - 1,
            context: ctx.clone(),
            base_path: format!("{full_path}/templates"),
            partial: base.starts_with('_'),
        });
    }
    Value::Map(crate::template::MapRef::new((*ctx).clone()))
}

/// The directory of a subchart: `charts/<name>` or any `charts/*` whose
/// Chart.yaml names it (archives have none).
fn subchart_dir(parent: &Path, dep: &Chart) -> Option<PathBuf> {
    let direct = parent.join("charts").join(dep.name());
    if direct.join("Chart.yaml").is_file() {
        return Some(direct);
    }
    let entries = std::fs::read_dir(parent.join("charts")).ok()?;
    for e in entries.flatten() {
        let p = e.path();
        let Ok(text) = std::fs::read_to_string(p.join("Chart.yaml")) else {
            continue;
        };
        let meta = super::workspace::read_meta(&text);
        if meta.name == dep.metadata.name || meta.name == dep.name() {
            return Some(p);
        }
    }
    None
}

/// Helm's `sortTemplates`: most `/` first, ties reverse-lexical.
fn parse_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
    cb.cmp(&ca).then_with(|| b.cmp(a))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn short_messages() {
        assert_eq!(
            short_message(
                "template: a/templates/x.yaml:3:12: executing \"a/templates/x.yaml\" at <.Values.a.b>: nil pointer"
            ),
            "executing \"a/templates/x.yaml\" at <.Values.a.b>: nil pointer"
        );
        assert_eq!(short_message("plain"), "plain");
        assert_eq!(
            short_message(
                "template: a:1:2: executing \"a\" at <required \"x\" .Values.n>: error calling required: HELM_ERR_STARTneed nHELM_ERR_END"
            ),
            "need n"
        );
    }
}
