//! Rendering a chart for the editor, incrementally: from the files on disk
//! with the unsaved buffers laid over them, every template executed on its
//! own so that one failure does not hide the others, and every problem
//! located by span: parse errors, execution errors (`required`, `fail`, nil
//! pointers…) at the innermost failing node, and rendered output that is not
//! valid YAML mapped back through the output trace to the template text that
//! produced it.
//!
//! A [`LiveChart`] is kept per deployable chart between edits. It reads the
//! disk once, re-parses only templates whose text changed, reloads and
//! re-coalesces values only when a non-template file changed, and executes a
//! template only when asked for its diagnostics or output and only if its
//! inputs changed (its text, the defines, the values). A non-partial template
//! without defines needs only its own execution; a file with defines needs
//! every template's. YAML verdicts are kept per output text, so unchanged
//! large outputs (CRDs) are not re-parsed after a values edit.
//!
//! The contexts match Helm's `engine.Render` (see `crate::engine::render`):
//! a subchart sees `.Values.<name>` of its parent, `.Chart.IsRoot` is true
//! only at the top, and the release is `release-name` in `default` like
//! `helm template`.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Diagnostic, Severity};
use crate::chart::loader::{BufferedFile, dir_files};
use crate::chart::{Chart, load_files};
use crate::engine::host::HelmHost;
use crate::engine::render::{TopLevel, chart_context, chart_delims, chart_values, parse_order};
use crate::engine::{Capabilities, ReleaseOptions, helm_funcs};
use crate::source::{SourceId, Span};
use crate::template::ast::Tree;
use crate::template::lexer::Delims;
use crate::template::set::{TemplateSet, TraceEntry};
use crate::template::{Map, ParseError, Value};
use crate::values;
use crate::yaml;

/// One template file of the rendered tree.
#[derive(Clone, Debug)]
pub struct TemplateFile {
    /// Helm's template name (`app/charts/db/templates/x.yaml`).
    pub name: String,
    /// The file on disk, when it could be found.
    pub path: Option<PathBuf>,
    pub text: Arc<str>,
    pub delims: Delims,
    /// The parse of `text`.
    pub parsed: Arc<ParsedFile>,
    /// `_`-prefixed: holds defines, never rendered on its own.
    pub partial: bool,
    /// Index into the contexts; `None` when the file is not rendered (a
    /// library chart's non-partial template).
    context: Option<usize>,
    base_path: String,
}

/// A template file's parse.
#[derive(Debug)]
pub struct ParsedFile {
    pub text: Arc<str>,
    pub delims: Delims,
    /// The file's own tree first, then its defines (only those completed
    /// before the error, if any).
    pub trees: Vec<Arc<Tree>>,
    pub error: Option<ParseError>,
    /// Fingerprint of the defines (names, positions, texts).
    define_sig: u64,
}

impl ParsedFile {
    /// Whether the file defines named templates.
    pub fn has_defines(&self) -> bool {
        self.trees.len() > 1
    }
}

/// One executed template.
#[derive(Debug)]
struct Executed {
    /// Rendered text (`None` when execution failed).
    output: Option<Arc<str>>,
    diagnostics: Vec<(usize, Diagnostic)>,
}

/// What stays valid as long as no non-template file (Chart.yaml, values,
/// Files, subchart archives) and no extra values file changes.
struct Base {
    /// Inputs the base was built from: every non-template file, the
    /// template file names, the extra values texts.
    key: Vec<NamedBytes>,
    files: Vec<TemplateFile>,
    contexts: Vec<Arc<Map>>,
    /// The chart's coalesced values (what the root chart's `.Values` is).
    values: Value,
    chart_error: Option<String>,
    /// Parse order (Helm's `sortTemplates`).
    order: Vec<usize>,
    /// Built from the parses; rebuilt when one changes.
    set: Arc<TemplateSet>,
    defines_key: u64,
    executed: Vec<Option<Arc<Executed>>>,
}

/// A chart file: its name relative to the chart and its bytes.
type NamedBytes = (String, Arc<[u8]>);

/// Per template name: the last output and where it stops being YAML.
type Verdicts = HashMap<String, (Arc<str>, Option<(u32, String)>)>;

/// The editor's render of one deployable chart, kept between edits.
pub struct LiveChart {
    dir: PathBuf,
    /// The chart's files on disk (relative name → bytes), read once until
    /// [`LiveChart::invalidate_disk`].
    disk: Option<Result<Vec<NamedBytes>, String>>,
    base: Option<Base>,
    /// Outputs and YAML verdicts of earlier executions, by template name.
    verdicts: Verdicts,
    load_error: Option<String>,
}

/// A file that belongs to the templates of the chart or of a directory subchart.
fn is_template_name(name: &str) -> bool {
    let mut rest = name;
    loop {
        if rest.starts_with("templates/") {
            return true;
        }
        let Some(after) = rest.strip_prefix("charts/") else {
            return false;
        };
        let Some(i) = after.find('/') else {
            return false;
        };
        rest = &after[i + 1..];
    }
}

fn hash_of(parts: impl FnOnce(&mut std::collections::hash_map::DefaultHasher)) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts(&mut h);
    h.finish()
}

impl LiveChart {
    pub fn new(dir: PathBuf) -> LiveChart {
        LiveChart {
            dir,
            disk: None,
            base: None,
            verdicts: HashMap::new(),
            load_error: None,
        }
    }

    /// The chart directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Forgets what was read from disk (a file was saved, created or removed).
    pub fn invalidate_disk(&mut self) {
        self.disk = None;
    }

    /// Brings the render up to date with the buffers (`overlay`: absolute
    /// path → text) and the extra values files (texts, in precedence order).
    /// Cheap when only templates changed; nothing is executed here.
    pub fn update(
        &mut self,
        overlay: &dyn Fn(&Path) -> Option<Arc<str>>,
        extra_values: &[Arc<str>],
    ) {
        let disk = self.disk.get_or_insert_with(|| {
            dir_files(&self.dir)
                .map(|files| files.into_iter().map(|f| (f.name, f.data)).collect())
                .map_err(|e| e.to_string())
        });
        let disk = match disk {
            Ok(d) => d,
            Err(e) => {
                self.load_error = Some(e.clone());
                self.base = None;
                return;
            }
        };
        // The current files: the disk with the buffers over it.
        let mut current: Vec<NamedBytes> = disk
            .iter()
            .map(|(name, data)| {
                let buf = overlay(&self.dir.join(name));
                let data = match &buf {
                    Some(t) if t.as_bytes() != &**data => Arc::from(t.as_bytes()),
                    _ => data.clone(),
                };
                (name.clone(), data)
            })
            .collect();
        let mut key: Vec<NamedBytes> = Vec::new();
        for (name, data) in &current {
            if is_template_name(name) {
                key.push((format!("\0template {name}"), Arc::from(&b""[..])));
            } else {
                key.push((name.clone(), data.clone()));
            }
        }
        for (i, v) in extra_values.iter().enumerate() {
            key.push((format!("\0values {i}"), Arc::from(v.as_bytes())));
        }
        let same_base = self.base.as_ref().is_some_and(|b| b.key == key);
        if !same_base {
            let files = current
                .drain(..)
                .map(|(name, data)| BufferedFile {
                    name,
                    data: data.to_vec(),
                })
                .collect();
            match self.build_base(files, key, extra_values) {
                Ok(()) => self.load_error = None,
                Err(e) => {
                    self.load_error = Some(e);
                    self.base = None;
                }
            }
            return;
        }
        let Some(base) = self.base.as_mut() else {
            return;
        };
        // Same base: pick up changed template texts.
        let texts: HashMap<PathBuf, Arc<[u8]>> = current
            .into_iter()
            .filter(|(name, _)| is_template_name(name))
            .map(|(name, data)| (self.dir.join(name), data))
            .collect();
        let mut changed = false;
        for (i, f) in base.files.iter_mut().enumerate() {
            let Some(path) = &f.path else { continue };
            let Some(data) = texts.get(path) else {
                continue;
            };
            if data.as_ref() == f.text.as_bytes() {
                continue;
            }
            let text: Arc<str> = Arc::from(String::from_utf8_lossy(data).as_ref());
            f.parsed = parse_file(&f.name, &text, &f.delims, i);
            f.text = text;
            if let Some(e) = base.executed.get_mut(i) {
                *e = None;
            }
            changed = true;
        }
        if changed {
            base.rebuild_set();
        }
    }

    fn build_base(
        &mut self,
        files: Vec<BufferedFile>,
        key: Vec<NamedBytes>,
        extra_values: &[Arc<str>],
    ) -> Result<(), String> {
        let mut chart = load_files(files).map_err(|e| e.to_string())?;
        let mut user = Map::new();
        for text in extra_values {
            if let Ok(parsed) = yaml::parse_values(text, SourceId(0))
                && let Some(m) = parsed.value.as_map()
            {
                user = values::options::merge_maps(&user, &m);
            }
        }
        let mut log = Vec::new();
        let mut chart_error = None;
        let vals = match values::dependencies::process_and_coalesce(&mut chart, &user, &mut log) {
            Ok(v) => v,
            Err(e) => {
                chart_error = Some(e.to_string());
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
        let top = TopLevel {
            values: Value::map(vals),
            release: release.to_value(),
            capabilities: Capabilities::for_template(None, &[]).to_value(),
        };
        let name = chart.name().to_string();
        let mut files = Vec::new();
        let mut contexts = Vec::new();
        collect(
            &chart,
            &name,
            Some(&self.dir),
            None,
            &top,
            &mut files,
            &mut contexts,
        );
        // Keep the parses of unchanged texts from the previous base.
        let old: HashMap<&str, &Arc<ParsedFile>> = self
            .base
            .iter()
            .flat_map(|b| b.files.iter())
            .map(|f| (f.name.as_str(), &f.parsed))
            .collect();
        for (i, f) in files.iter_mut().enumerate() {
            f.delims = file_delims(&chart, &f.name);
            f.parsed = match old.get(f.name.as_str()) {
                Some(p) if p.text == f.text && p.delims == f.delims && i == p.source_index() => {
                    (*p).clone()
                }
                _ => parse_file(&f.name, &f.text, &f.delims, i),
            };
        }
        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by(|&a, &b| parse_order(&files[a].name, &files[b].name));
        let n = files.len();
        let mut base = Base {
            key,
            files,
            contexts,
            values: top.values,
            chart_error,
            order,
            set: Arc::new(TemplateSet::new(helm_funcs())),
            defines_key: 0,
            executed: vec![None; n],
        };
        base.rebuild_set();
        self.base = Some(base);
        Ok(())
    }

    /// Why the chart could not be loaded at all, if it could not.
    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// A problem with the values as a whole (dependencies, coalescing).
    pub fn chart_error(&self) -> Option<&str> {
        self.base.as_ref()?.chart_error.as_deref()
    }

    /// The template files (indexed like `SourceId.0 - 1` of their spans).
    pub fn files(&self) -> &[TemplateFile] {
        self.base.as_ref().map_or(&[], |b| &b.files)
    }

    /// The template file at `path`.
    pub fn file_index(&self, path: &Path) -> Option<usize> {
        self.files()
            .iter()
            .position(|f| f.path.as_deref() == Some(path))
    }

    /// The coalesced values of the root chart.
    pub fn values(&self) -> Option<&Value> {
        self.base.as_ref().map(|b| &b.values)
    }

    /// The top-level context (`.Values`, `.Chart`, …) the template file
    /// `file` is rendered with (a library chart's templates have none).
    pub fn context(&self, file: usize) -> Option<&Arc<Map>> {
        let b = self.base.as_ref()?;
        b.contexts.get(b.files.get(file)?.context?)
    }

    /// The template set (every define of the chart and its subcharts).
    pub fn set(&self) -> Option<&Arc<TemplateSet>> {
        self.base.as_ref().map(|b| &b.set)
    }

    /// Diagnostics located in the template file at `path`: its parse error,
    /// and execution and YAML problems from every template that can reach it
    /// (only itself, unless it holds defines).
    pub fn diagnostics(&mut self, path: &Path) -> Vec<Diagnostic> {
        let Some(i) = self.file_index(path) else {
            return Vec::new();
        };
        let Some(base) = self.base.as_mut() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let f = &base.files[i];
        if let Some(e) = &f.parsed.error {
            out.push(parse_diagnostic(i, e));
        }
        let targets: Vec<usize> = if f.partial || f.parsed.has_defines() {
            (0..base.files.len()).collect()
        } else {
            vec![i]
        };
        for t in targets {
            if let Some(r) = base.execute(t, &mut self.verdicts) {
                out.extend(
                    r.diagnostics
                        .iter()
                        .filter(|(fi, _)| *fi == i)
                        .map(|(_, d)| d.clone()),
                );
            }
        }
        out
    }

    /// The rendered text of the template at `path`, or why it has none.
    pub fn output(&mut self, path: &Path) -> Result<String, String> {
        let Some(i) = self.file_index(path) else {
            if let Some(e) = &self.load_error {
                return Err(e.clone());
            }
            return Err(format!("{} is not a template of the chart", path.display()));
        };
        let Some(base) = self.base.as_mut() else {
            return Err("the chart did not load".to_string());
        };
        let name = base.files[i].name.clone();
        if let Some(r) = base.execute(i, &mut self.verdicts)
            && let Some(out) = &r.output
        {
            return Ok(out.to_string());
        }
        let problems: Vec<String> = self
            .diagnostics(path)
            .iter()
            .map(|d| format!("{name}: {}", d.message))
            .collect();
        Err(format!("{name} did not render: {}", problems.join("; ")))
    }
}

fn parse_diagnostic(i: usize, e: &ParseError) -> Diagnostic {
    let span = if e.span.source.0 == 0 {
        Span::new(file_source(i), e.span.start as usize, e.span.end as usize)
    } else {
        e.span
    };
    Diagnostic {
        span,
        severity: Severity::Error,
        message: e.message.clone(),
        code: "template-parse",
    }
}

fn file_source(i: usize) -> SourceId {
    SourceId(i as u32 + 1)
}

impl ParsedFile {
    fn source_index(&self) -> usize {
        self.trees
            .first()
            .map_or(usize::MAX, |t| (t.source.id.0 as usize).wrapping_sub(1))
    }
}

fn parse_file(name: &str, text: &Arc<str>, delims: &Delims, i: usize) -> Arc<ParsedFile> {
    let probe = TemplateSet::new(helm_funcs());
    let parsed = probe.parse_only(name, text, delims, file_source(i));
    let trees: Vec<Arc<Tree>> = parsed.trees.into_iter().map(Arc::new).collect();
    let define_sig = hash_of(|h| {
        parsed.error.is_some().hash(h);
        for t in trees.iter().skip(1) {
            t.name.hash(h);
            let span = t.root.span;
            span.start.hash(h);
            text.get(span.range()).hash(h);
        }
    });
    Arc::new(ParsedFile {
        text: text.clone(),
        delims: delims.clone(),
        trees,
        error: parsed.error,
        define_sig,
    })
}

impl Base {
    /// Rebuilds the template set from the parses; when the defines changed,
    /// every execution is stale.
    fn rebuild_set(&mut self) {
        let mut set = TemplateSet::new(helm_funcs());
        let defines_key = hash_of(|h| {
            for &i in &self.order {
                let p = &self.files[i].parsed;
                p.define_sig.hash(h);
                if p.error.is_none() {
                    set.add_parsed(&p.trees);
                }
            }
        });
        self.set = Arc::new(set);
        if defines_key != self.defines_key {
            self.defines_key = defines_key;
            self.executed.iter_mut().for_each(|e| *e = None);
        }
    }

    /// Executes template file `i` (cached until its inputs change).
    fn execute(&mut self, i: usize, verdicts: &mut Verdicts) -> Option<Arc<Executed>> {
        if let Some(Some(r)) = self.executed.get(i) {
            return Some(r.clone());
        }
        let f = self.files.get(i)?;
        if f.partial || f.parsed.error.is_some() {
            return None;
        }
        let ctx = self.contexts.get(f.context?)?;
        let mut ctx = (**ctx).clone();
        let mut template = Map::new();
        template.insert("Name".into(), Value::str(&f.name));
        template.insert("BasePath".into(), Value::str(&f.base_path));
        ctx.insert("Template".into(), Value::map(template));
        let mut host = HelmHost::default();
        let mut diagnostics = Vec::new();
        let output = match self.set.execute(&f.name, &Value::map(ctx), &mut host) {
            Ok(r) => {
                let output: Arc<str> = Arc::from(r.output.as_str());
                let yaml_error = if f.name.ends_with("NOTES.txt") {
                    None
                } else {
                    match verdicts.get(&f.name) {
                        Some((text, verdict)) if *text == output => verdict.clone(),
                        _ => yaml_verdict(&output),
                    }
                };
                verdicts.insert(f.name.clone(), (output.clone(), yaml_error.clone()));
                if let Some((off, message)) = &yaml_error {
                    diagnostics.extend(yaml_diagnostic(i, &output, *off, message, &r.trace));
                }
                Some(output)
            }
            Err(e) => {
                let inner = e.innermost();
                let span = inner.span().unwrap_or(Span::new(file_source(i), 0, 0));
                let code = if inner.message().contains("error calling required")
                    || inner.message().contains("error calling fail")
                {
                    "template-fail"
                } else {
                    "template-exec"
                };
                if let Some(fi) = file_of(self.files.len(), span) {
                    diagnostics.push((
                        fi,
                        Diagnostic {
                            span,
                            severity: Severity::Error,
                            message: short_message(inner.message()),
                            code,
                        },
                    ));
                }
                None
            }
        };
        let r = Arc::new(Executed {
            output,
            diagnostics,
        });
        if let Some(slot) = self.executed.get_mut(i) {
            *slot = Some(r.clone());
        }
        Some(r)
    }
}

/// The file index of a span's source, if it is one of `n` template files.
fn file_of(n: usize, span: Span) -> Option<usize> {
    let i = (span.source.0 as usize).checked_sub(1)?;
    (i < n).then_some(i)
}

/// Everything at once: every template executed, every diagnostic, every
/// output (tests and one-shot callers).
#[derive(Debug, Default)]
pub struct LiveRender {
    pub files: Vec<(String, Option<PathBuf>)>,
    /// Diagnostics per template file (index into `files`).
    pub diagnostics: Vec<(usize, Diagnostic)>,
    /// Rendered output per template name (templates that executed).
    pub outputs: BTreeMap<String, String>,
    pub chart_error: Option<String>,
}

impl LiveChart {
    /// Executes every template and gathers everything.
    pub fn render_all(&mut self) -> LiveRender {
        let mut out = LiveRender {
            chart_error: self
                .load_error
                .clone()
                .or_else(|| self.chart_error().map(str::to_string)),
            ..LiveRender::default()
        };
        let Some(base) = self.base.as_mut() else {
            return out;
        };
        for (i, f) in base.files.iter().enumerate() {
            out.files.push((f.name.clone(), f.path.clone()));
            if let Some(e) = &f.parsed.error {
                out.diagnostics.push((i, parse_diagnostic(i, e)));
            }
        }
        for i in 0..base.files.len() {
            if let Some(r) = base.execute(i, &mut self.verdicts) {
                out.diagnostics.extend(r.diagnostics.iter().cloned());
                if let Some(o) = &r.output {
                    out.outputs
                        .insert(base.files[i].name.clone(), o.to_string());
                }
            }
        }
        out
    }
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

/// Where a rendered output stops being YAML, if it does.
fn yaml_verdict(text: &str) -> Option<(u32, String)> {
    if text.trim().is_empty() {
        return None;
    }
    let e = yaml::parse_documents(text, SourceId(0)).err()?;
    Some((e.span.start, e.message))
}

/// A YAML failure reported at the template text that produced the offending
/// output byte.
fn yaml_diagnostic(
    file: usize,
    text: &str,
    off: u32,
    message: &str,
    trace: &[TraceEntry],
) -> Option<(usize, Diagnostic)> {
    let i = trace.partition_point(|t| t.start <= off);
    let span = match i.checked_sub(1).and_then(|i| trace.get(i)) {
        Some(t) => t.span,
        None => Span::new(file_source(file), 0, 0),
    };
    let line = text
        .get(..off as usize)
        .map_or(0, |s| s.matches('\n').count())
        + 1;
    let fi = (span.source.0 as usize).checked_sub(1)?;
    Some((
        fi,
        Diagnostic {
            span,
            severity: Severity::Error,
            message: format!("rendered output is not valid YAML (output line {line}): {message}"),
            code: "rendered-yaml",
        },
    ))
}

fn file_delims(chart: &Chart, name: &str) -> Delims {
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
    top: &TopLevel,
    files: &mut Vec<TemplateFile>,
    contexts: &mut Vec<Arc<Map>>,
) -> Value {
    let values = chart_values(chart, parent_values, top);
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
            contexts,
        );
        subcharts.insert(dep.name().into(), child);
    }
    let ctx = Arc::new(chart_context(
        chart,
        parent_values.is_none(),
        top,
        values,
        subcharts,
    ));
    contexts.push(ctx.clone());
    let ci = contexts.len() - 1;
    let library = chart.is_library();
    for t in &chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        let partial = base.starts_with('_');
        let text: Arc<str> = Arc::from(t.text().as_ref());
        files.push(TemplateFile {
            name: format!("{full_path}/{}", t.name),
            path: dir.map(|d| d.join(&t.name)),
            parsed: Arc::new(ParsedFile {
                text: text.clone(),
                delims: Delims::default(),
                trees: Vec::new(),
                error: None,
                define_sig: 0,
            }),
            text,
            delims: Delims::default(),
            partial,
            // A library chart's non-partial templates are never rendered.
            context: (!library || partial).then_some(ci),
            base_path: format!("{full_path}/templates"),
        });
    }
    Value::Map(crate::template::MapRef::new((*ctx).clone()))
}

/// The directory of a subchart: `charts/<name>` or any `charts/*` whose
/// Chart.yaml names it, under its alias or its own name (archives have none).
fn subchart_dir(parent: &Path, dep: &Chart) -> Option<PathBuf> {
    let direct = parent.join("charts").join(dep.name());
    if direct.join("Chart.yaml").is_file() {
        return Some(direct);
    }
    // An alias renames the chart (and the loaded parent's dependency list);
    // the parent's Chart.yaml on disk still has the real name.
    let real = std::fs::read_to_string(parent.join("Chart.yaml"))
        .ok()
        .map(|t| super::workspace::read_meta(&t))
        .and_then(|m| {
            m.dependencies
                .into_iter()
                .find(|(_, a)| a.as_deref() == Some(dep.name()))
                .map(|(n, _)| n)
        });
    let entries = std::fs::read_dir(parent.join("charts")).ok()?;
    for e in entries.flatten() {
        let p = e.path();
        let Ok(text) = std::fs::read_to_string(p.join("Chart.yaml")) else {
            continue;
        };
        let meta = super::workspace::read_meta(&text);
        if meta.name == dep.metadata.name
            || meta.name == dep.name()
            || real.as_deref() == Some(meta.name.as_str())
        {
            return Some(p);
        }
    }
    None
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

    #[test]
    fn template_names() {
        assert!(is_template_name("templates/x.yaml"));
        assert!(is_template_name("charts/db/templates/_h.tpl"));
        assert!(is_template_name("charts/a/charts/b/templates/x"));
        assert!(!is_template_name("charts/db.tgz"));
        assert!(!is_template_name("files/templates/x"));
        assert!(!is_template_name("values.yaml"));
        assert!(!is_template_name("charts/db/values.yaml"));
    }
}
