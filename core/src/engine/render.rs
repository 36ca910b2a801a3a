//! Rendering a chart tree the way Helm's `engine.Render` does.
//!
//! - One template set for the chart and all subcharts; template names are
//!   `chart/templates/f` and `chart/charts/sub/templates/f`.
//! - Parse order: most path separators first, ties in reverse lexical order;
//!   since later non-empty `define`s replace earlier ones, parent defines win.
//! - Library charts contribute only their `_*` partials.
//! - Each chart's templates see its own context: `.Values` (the parent's
//!   `.Values.<name>` table for a subchart), `.Chart` (metadata plus
//!   `IsRoot`), `.Files`, `.Release`, `.Capabilities`, `.Subcharts`, and
//!   `.Template{Name,BasePath}` set per file.
//! - Partials are not executed; every output has each `<no value>` deleted.
//! - Errors are rewritten as Helm does: `parse error at (f:line): msg`,
//!   `execution error at (f:line:col): msg` for `required`/`fail`, else Go's
//!   message as is.
//! - A chart opts into `<< >>` delimiters with the Chart.yaml annotation
//!   `kubectl-chart.io/delimiters`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::chart::metadata::Metadata;
use crate::chart::{Chart, ChartObject, File, Files};
use crate::source::SourceId;
use crate::template::lexer::Delims;
use crate::template::set::{MissingKey, Options, ParseAhead, SourceFile, TemplateSet, TraceEntry};
use crate::template::{FuncTable, Map, MapRef, Value};

use super::capabilities::Capabilities;
use super::host::{HelmHost, LookupFn, WARN_END, WARN_START};

/// The Chart.yaml annotation selecting template delimiters.
pub const DELIMITERS_ANNOTATION: &str = "kubectl-chart.io/delimiters";

/// `.Release` (Helm's `ReleaseOptions`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseOptions {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_install: bool,
    pub is_upgrade: bool,
}

impl ReleaseOptions {
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("Name".into(), Value::str(&self.name));
        m.insert("Namespace".into(), Value::str(&self.namespace));
        m.insert("IsUpgrade".into(), Value::Bool(self.is_upgrade));
        m.insert("IsInstall".into(), Value::Bool(self.is_install));
        m.insert("Revision".into(), Value::Int(self.revision));
        m.insert("Service".into(), Value::str("Helm"));
        Value::map(m)
    }
}

/// Engine switches.
#[derive(Clone, Copy, Debug, Default)]
pub struct EngineOptions {
    /// `missingkey=error` (lint `--strict`).
    pub strict: bool,
    /// `required`/`fail` log instead of failing (lint).
    pub lint_mode: bool,
}

/// One rendered file.
#[derive(Clone, Debug, Default)]
pub struct RenderedFile {
    /// Output with every `<no value>` removed.
    pub text: String,
    /// The template source each output byte came from (offsets into `text`
    /// are approximate after `<no value>` removal, exact otherwise).
    pub trace: Vec<TraceEntry>,
}

/// The rendered chart: template name → output, in name order.
#[derive(Debug, Default)]
pub struct RenderedChart {
    pub files: BTreeMap<String, RenderedFile>,
    /// Lines Helm logs while rendering (lint mode).
    pub log: Vec<String>,
    /// The template set, kept for positions (sources of traces).
    pub set: Option<Arc<TemplateSet>>,
}

/// A render failure, displayed exactly as Helm prints it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct RenderError {
    pub message: String,
    /// The template being rendered (or parsed).
    pub template: String,
    /// `file:line:col` of the innermost failing node, for our diagnostics.
    pub location: Option<String>,
    /// Lines logged before the failure (lint mode), which Helm has already
    /// printed when it fails.
    pub log: Vec<String>,
}

/// Helm's function table (Sprig without `env`/`expandenv`, Helm's YAML/JSON
/// functions, `include`, `tpl`, `required`, `fail`, `lookup`).
pub fn helm_funcs() -> Arc<FuncTable> {
    static FUNCS: OnceLock<Arc<FuncTable>> = OnceLock::new();
    FUNCS
        .get_or_init(|| {
            let mut t = crate::template::builtins::builtin_table();
            crate::sprig::register(&mut t);
            t.remove("env");
            t.remove("expandenv");
            crate::yaml::register(&mut t);
            crate::template::builtins::register_helm_engine_funcs(&mut t);
            super::host::register(&mut t);
            t.into_shared()
        })
        .clone()
}

/// The delimiters a chart asked for.
pub fn chart_delims(chart: &Chart) -> Delims {
    metadata_delims(&chart.metadata)
}

fn metadata_delims(metadata: &Metadata) -> Delims {
    metadata
        .annotations
        .get(DELIMITERS_ANNOTATION)
        .and_then(|v| Delims::from_annotation(v))
        .unwrap_or_default()
}

struct Renderable {
    name: String,
    /// The chart file's text, shared (big CRD templates are not copied).
    text: Arc<str>,
    base_path: String,
    /// Shared by the chart's templates and its parent's `.Subcharts`, as
    /// in Helm: template changes to it are seen by later templates.
    context: MapRef,
    delims: Delims,
}

/// Builds a chart's context and collects its templates (children first, as
/// Helm's `recAllTpls` does, so `.Subcharts` is filled).
fn collect(
    chart: &Chart,
    full_path: &str,
    parent_values: Option<&Value>,
    top: &TopLevel,
    out: &mut Vec<Renderable>,
) -> Value {
    let values = chart_values(chart, parent_values, top);
    let mut subcharts = Map::new();
    for dep in &chart.dependencies {
        let child_path = format!("{full_path}/charts/{}", dep.name());
        let child = collect(dep, &child_path, Some(&values), top, out);
        subcharts.insert(dep.name().into(), child);
    }
    let ctx = MapRef::new(chart_context(
        chart,
        parent_values.is_none(),
        top,
        values,
        subcharts,
    ));
    let delims = chart_delims(chart);
    for (name, text) in chart_templates(chart, full_path) {
        out.push(Renderable {
            name,
            text,
            base_path: format!("{full_path}/templates"),
            context: ctx.clone(),
            delims: delims.clone(),
        });
    }
    Value::Map(ctx)
}

/// A chart's templates that render, by full name (a library chart's only
/// partials).
fn chart_templates<'a>(
    chart: &'a Chart,
    full_path: &'a str,
) -> impl Iterator<Item = (String, Arc<str>)> + 'a {
    rendered_templates(&chart.metadata, full_path, &chart.templates)
}

fn rendered_templates<'a>(
    metadata: &Metadata,
    full_path: &'a str,
    templates: &'a [File],
) -> impl Iterator<Item = (String, Arc<str>)> + 'a {
    let library = metadata.is_library();
    templates.iter().filter_map(move |t| {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        (!library || base.starts_with('_'))
            .then(|| (format!("{full_path}/{}", t.name), t.shared_text()))
    })
}

/// Hands a chart's templates to `ahead` under the names a render gives
/// them: a [`chart::load_with`](crate::chart::load_with) sink, so parsing
/// starts while the chart's values are still being read (all subcharts
/// are handed over, enabled or not: which are is only known from the
/// values). [`render_with_lookup`] uses what matches.
pub fn queue_templates(
    ahead: &mut ParseAhead,
    full_name: &str,
    metadata: &Metadata,
    templates: &[File],
) {
    let delims = metadata_delims(metadata);
    ahead.push(
        rendered_templates(metadata, full_name, templates).map(|(n, t)| (n, t, delims.clone())),
    );
}

/// What every chart of one render shares: the root's values, `.Release`
/// and `.Capabilities`.
pub(crate) struct TopLevel {
    pub(crate) values: Value,
    pub(crate) release: Value,
    pub(crate) capabilities: Value,
}

/// A chart's `.Values`: the root's for the top-level chart, the parent's
/// section under the chart's name for a subchart (empty unless a map).
pub(crate) fn chart_values(chart: &Chart, parent_values: Option<&Value>, top: &TopLevel) -> Value {
    match parent_values {
        None => top.values.clone(),
        Some(pv) => match pv.get(chart.name()) {
            Some(v @ Value::Map(_)) => v,
            _ => Value::empty_map(),
        },
    }
}

/// A chart's template context as Helm's `recAllTpls` builds it (without
/// `.Template`, which is per file).
pub(crate) fn chart_context(
    chart: &Chart,
    is_root: bool,
    top: &TopLevel,
    values: Value,
    subcharts: Map,
) -> Map {
    let mut ctx = Map::new();
    ctx.insert(
        "Chart".into(),
        ChartObject::new(chart.metadata.clone(), is_root).into_value(),
    );
    ctx.insert("Files".into(), Files::new(&chart.files).into_value());
    ctx.insert("Release".into(), top.release.clone());
    ctx.insert("Capabilities".into(), top.capabilities.clone());
    ctx.insert("Values".into(), values);
    ctx.insert("Subcharts".into(), Value::map(subcharts));
    ctx
}

/// Helm's `sortTemplates`: most `/` first, ties reverse-lexical.
pub(crate) fn parse_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
    cb.cmp(&ca).then_with(|| b.cmp(a))
}

fn is_partial(name: &str) -> bool {
    name.rsplit('/').next().is_some_and(|b| b.starts_with('_'))
}

/// Renders every template of `chart` (its values already coalesced).
pub fn render(
    chart: &Chart,
    values: &Map,
    release: &ReleaseOptions,
    caps: &Capabilities,
    opts: EngineOptions,
) -> Result<RenderedChart, RenderError> {
    render_with_lookup(chart, values, release, caps, opts, None, None)
}

/// [`render`] with `lookup` reading a cluster (Helm's `RenderWithClient`),
/// taking what `ahead` parsed of the templates ([`queue_templates`]).
pub fn render_with_lookup(
    chart: &Chart,
    values: &Map,
    release: &ReleaseOptions,
    caps: &Capabilities,
    opts: EngineOptions,
    lookup: Option<LookupFn>,
    ahead: Option<ParseAhead>,
) -> Result<RenderedChart, RenderError> {
    // Templates may change the values in place (`set`, `merge`); work on a
    // copy so the caller's values stay as they were.
    let values = Value::map(values.clone());
    let top = TopLevel {
        values: values.deep_copy().unwrap_or(values),
        release: release.to_value(),
        capabilities: caps.to_value(),
    };
    let mut tpls = Vec::new();
    collect(chart, chart.name(), None, &top, &mut tpls);
    tpls.sort_by(|a, b| parse_order(&a.name, &b.name));

    let options = Options {
        missing_key: if opts.strict {
            MissingKey::Error
        } else {
            MissingKey::Zero
        },
        ..Options::default()
    };
    let mut set = TemplateSet::with_options(helm_funcs(), options);
    let mut files: Vec<SourceFile> = tpls
        .iter()
        .enumerate()
        .map(|(i, t)| SourceFile {
            name: t.name.clone(),
            text: t.text.clone(),
            delims: t.delims.clone(),
            source: SourceId(i as u32 + 1),
        })
        .collect();
    let added = match ahead {
        Some(ahead) => set.add_all_ahead(&mut files, ahead),
        None => set.add_all(&files),
    };
    added.map_err(|(i, e)| RenderError {
        message: e.helm_message(),
        template: files[i].name.clone(),
        location: Some(format!("{}:{}", e.name, e.line)),
        log: Vec::new(),
    })?;
    let set = Arc::new(set);
    let mut host = HelmHost {
        lint_mode: opts.lint_mode,
        log: Vec::new(),
        lookup,
    };
    let mut files = BTreeMap::new();
    for t in &tpls {
        if is_partial(&t.name) {
            continue;
        }
        // Helm sets `.Template` in the chart's shared context map.
        let mut template = Map::new();
        template.insert("Name".into(), Value::str(&t.name));
        template.insert("BasePath".into(), Value::str(&t.base_path));
        t.context.insert("Template".into(), Value::map(template));
        let data = Value::Map(t.context.clone());
        let rendered = set
            .execute(&t.name, &data, &mut host)
            .map_err(|e| RenderError {
                log: std::mem::take(&mut host.log),
                ..exec_error(&t.name, &e)
            })?;
        let text = if rendered.output.contains("<no value>") {
            rendered.output.replace("<no value>", "")
        } else {
            rendered.output
        };
        files.insert(
            t.name.clone(),
            RenderedFile {
                text,
                trace: rendered.trace,
            },
        );
    }
    Ok(RenderedChart {
        files,
        log: host.log,
        set: Some(set),
    })
}

/// Helm's `cleanupExecError`.
fn exec_error(name: &str, e: &crate::template::error::ExecError) -> RenderError {
    let full = e.message();
    let inner = e.innermost();
    let location = inner.span().map(|_| inner.template().to_string());
    let tokens: Vec<&str> = full.splitn(3, ": ").collect();
    let message = if tokens.len() != 3 {
        format!("execution error in ({name}): {full}")
    } else if let Some(start) = tokens[2].find(WARN_START) {
        let after = &tokens[2][start + WARN_START.len()..];
        // Go's `(?s).*` is greedy: up to the last end marker.
        match after.rfind(WARN_END) {
            Some(end) => format!("execution error at ({}): {}", tokens[1], &after[..end]),
            None => full.to_string(),
        }
    } else {
        full.to_string()
    };
    RenderError {
        message,
        template: name.to_string(),
        location,
        log: Vec::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// A [`ParseAhead`] given every template of an already loaded `chart`.
    fn parse_ahead(chart: &Chart, eager: bool) -> ParseAhead {
        fn walk(chart: &Chart, full_name: &str, ahead: &mut ParseAhead) {
            queue_templates(ahead, full_name, &chart.metadata, &chart.templates);
            for dep in &chart.dependencies {
                walk(dep, &format!("{full_name}/charts/{}", dep.name()), ahead);
            }
        }
        let mut ahead = ParseAhead::new(helm_funcs(), eager);
        walk(chart, chart.name(), &mut ahead);
        ahead
    }

    /// A parent and a library subchart, with enough template text for the
    /// early parse to start.
    fn two_level_chart() -> Chart {
        let pad = format!("{{{{/* {} */}}}}", "p".repeat(40_000));
        let file = |name: &str, text: String| crate::chart::loader::BufferedFile {
            name: name.into(),
            data: text.into_bytes(),
        };
        crate::chart::loader::load_files(vec![
            file(
                "Chart.yaml",
                "apiVersion: v2\nname: top\nversion: 1.0.0\n".into(),
            ),
            file("values.yaml", "x: 1\n".into()),
            file(
                "templates/a.yaml",
                format!("{pad}a: {{{{ include \"lib.h\" . }}}}\n"),
            ),
            file("templates/b.yaml", format!("{pad}b: {{{{ .Values.x }}}}\n")),
            file(
                "charts/lib/Chart.yaml",
                "apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n".into(),
            ),
            file(
                "charts/lib/templates/_h.tpl",
                format!("{pad}{{{{ define \"lib.h\" }}}}H{{{{ end }}}}"),
            ),
            file(
                "charts/lib/templates/skipped.yaml",
                "not: rendered\n".into(),
            ),
        ])
        .unwrap()
    }

    #[test]
    fn parse_ahead_names_the_files_as_the_render_does() {
        if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
            eprintln!("one CPU: no early parse to check");
            return;
        }
        // The worker started before the first file (eager) or on enough
        // text; the set must come out the same.
        for eager in [false, true] {
            check_parse_ahead(eager);
        }
    }

    fn check_parse_ahead(eager: bool) {
        let chart = two_level_chart();
        let ahead = parse_ahead(&chart, eager);
        let values = match &chart.values {
            Value::Map(m) => m.read().clone(),
            _ => Map::new(),
        };
        let release = ReleaseOptions {
            name: "r".into(),
            namespace: "ns".into(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        };
        let caps = Capabilities::for_template(None, &[]);
        let with = render_with_lookup(
            &chart,
            &values,
            &release,
            &caps,
            EngineOptions::default(),
            None,
            Some(ahead),
        )
        .unwrap();
        let without = render(&chart, &values, &release, &caps, EngineOptions::default()).unwrap();
        let texts = |r: &RenderedChart| {
            r.files
                .iter()
                .map(|(n, f)| (n.clone(), f.text.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(&with), texts(&without));
        assert!(with.files["top/templates/a.yaml"].text.ends_with("a: H\n"));
        // Every parsed file came from the early parse.
        let set = with.set.unwrap();
        for name in [
            "top/templates/a.yaml",
            "top/templates/b.yaml",
            "top/charts/lib/templates/_h.tpl",
        ] {
            let id = (0..3)
                .map(|j| SourceId(crate::template::set::AHEAD_SOURCE_BASE + j))
                .find(|&id| set.source_name(id) == Some(name));
            assert!(id.is_some(), "{name} was parsed again");
        }
    }

    #[test]
    fn parse_order_is_helms() {
        let mut names = vec![
            "a/templates/x.yaml",
            "a/charts/b/templates/y.yaml",
            "a/templates/_h.tpl",
            "a/charts/b/charts/c/templates/z.yaml",
            "a/templates/z.yaml",
        ];
        names.sort_by(|x, y| parse_order(x, y));
        assert_eq!(
            names,
            vec![
                "a/charts/b/charts/c/templates/z.yaml",
                "a/charts/b/templates/y.yaml",
                "a/templates/z.yaml",
                "a/templates/x.yaml",
                "a/templates/_h.tpl",
            ]
        );
    }
}
