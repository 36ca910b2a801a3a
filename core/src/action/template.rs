//! `helm template`: load a chart, compute its values, render it and lay the
//! result out exactly as Helm 3.10 prints it.
//!
//! The steps and their error messages follow Helm's `runInstall` and
//! `Install.Run` in client-only mode: name and chart from the arguments,
//! chart location, user values, loading, installability, declared
//! dependencies, release name, dependency processing, coalescing and schema
//! validation, the chart's `kubeVersion`, rendering, NOTES, manifest
//! sorting, then the output layout. Errors from the render phase carry
//! Helm's `Use --debug flag to render out invalid YAML` hint.

use std::path::PathBuf;

use crate::chart::{self, Chart};
use crate::engine::{
    Capabilities, EngineOptions, ReleaseOptions, RenderedChart, helm_funcs, parse_kube_version,
    queue_templates, render_with_lookup,
};
use crate::manifest::{
    CrdFile, KindOrder, ManifestError, OutputOptions, Sorted, TemplateOutput, manifest_text,
    parse_yaml_doc, show_only, sort_owned_manifests, template_output,
};
use crate::template::{Map, ParseAhead, Value};
use crate::values::{self, ValueOptions};

use super::locate::locate_chart;
use super::post_render::PostRenderer;
use crate::repo::{ChartPathOptions, RepoSettings};

/// Everything `helm template` takes.
#[derive(Clone, Debug, Default)]
pub struct TemplateRequest {
    /// `[NAME] CHART`
    pub args: Vec<String>,
    pub name_template: Option<String>,
    pub generate_name: bool,
    pub namespace: String,
    pub values: ValueOptions,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub is_upgrade: bool,
    pub render_subchart_notes: bool,
    /// Layout switches; `release_name` is filled in by [`run`].
    pub output: OutputOptions,
    /// Working directory for relative chart paths.
    pub cwd: PathBuf,
    /// `--repo`, `--version`, credentials: where a non-local chart is found.
    pub chart_options: ChartPathOptions,
    /// repositories.yaml and cache; `None` reads Helm's environment.
    pub repo_settings: Option<RepoSettings>,
    /// `--dependency-update`: fetch missing dependencies first.
    pub dependency_update: bool,
    /// `--post-renderer`: rewrites the manifests (not the hooks).
    pub post_renderer: Option<PostRenderer>,
    /// `--dry-run=server` (Helm 3.13+): `lookup` reads this cluster;
    /// otherwise it gives empty maps.
    pub lookup: Option<super::ClusterLookup>,
}

/// The outcome: warnings to print on stderr (also on failure), then either
/// the output or the error.
#[derive(Debug)]
pub struct TemplateRun {
    pub warnings: Vec<String>,
    /// What `--dependency-update` printed (Helm prints it on stdout, first).
    pub progress: String,
    pub result: Result<TemplateOutput, TemplateError>,
}

/// A failure, displayed as Helm's message (after `Error: `).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub message: String,
    /// The rendered files, for `--debug` (Helm prints them on render errors).
    pub debug_output: Option<String>,
}

impl TemplateError {
    fn plain(message: impl Into<String>) -> TemplateError {
        TemplateError {
            message: message.into(),
            debug_output: None,
        }
    }

    /// A render-phase error: Helm adds a hint to use `--debug`.
    fn render(message: impl std::fmt::Display) -> TemplateError {
        TemplateError {
            message: format!("{message}{DEBUG_HINT}"),
            debug_output: None,
        }
    }

    /// The message without `helm template`'s `--debug` hint (install and
    /// upgrade do not print it).
    pub fn without_hint(&self) -> &str {
        self.message
            .strip_suffix(DEBUG_HINT)
            .unwrap_or(&self.message)
    }
}

/// `helm template` adds this to render-phase errors.
const DEBUG_HINT: &str = "\n\nUse --debug flag to render out invalid YAML";

const RELEASE_NAME_MAX: usize = 53;

/// Helm's release name check (DNS-1123 subdomain, at most 53 characters).
pub fn validate_release_name(name: &str) -> Result<(), String> {
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    };
    if name.is_empty() || name.len() > RELEASE_NAME_MAX || !name.split('.').all(label_ok) {
        return Err(format!(
            "release name \"{name}\": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than {RELEASE_NAME_MAX}"
        ));
    }
    Ok(())
}

/// Helm's `NameAndChart` for `helm template` (whose default name is
/// `release-name`, so `--generate-name` alone changes nothing).
pub fn name_and_chart(
    args: &[String],
    name_template: Option<&str>,
    generate_name: bool,
) -> Result<(String, String), String> {
    if args.len() > 2 {
        return Err(format!(
            "expected at most two arguments, unexpected arguments: {}",
            args[2..].join(", ")
        ));
    }
    if let [name, chart] = args {
        if generate_name {
            return Err("cannot set --generate-name and also specify a name".into());
        }
        if name_template.is_some_and(|t| !t.is_empty()) {
            return Err("cannot set --name-template and also specify a name".into());
        }
        return Ok((name.clone(), chart.clone()));
    }
    let chart = args.first().cloned().unwrap_or_default();
    if let Some(t) = name_template.filter(|t| !t.is_empty()) {
        return Ok((render_name_template(t)?, chart));
    }
    Ok(("release-name".into(), chart))
}

/// `--name-template`: a Go template with Sprig's functions (Helm's
/// `TemplateName` uses `sprig.TxtFuncMap`, not the chart engine's table),
/// executed without data.
pub(crate) fn render_name_template(text: &str) -> Result<String, String> {
    let mut funcs = crate::template::builtins::builtin_table();
    crate::sprig::register(&mut funcs);
    let mut set = crate::template::set::TemplateSet::new(funcs.into_shared());
    set.add(
        "name-template",
        text,
        &crate::template::lexer::Delims::default(),
        crate::source::SourceId(0),
    )
    .map_err(|e| e.to_string())?;
    set.execute(
        "name-template",
        &Value::Nil,
        &mut crate::engine::host::HelmHost::default(),
    )
    .map(|r| r.output)
    .map_err(|e| e.to_string())
}

fn go_quote(s: &str) -> String {
    crate::chart::metadata::go_quote(s)
}

/// Helm's `CheckDependencies`: every dependency declared in Chart.yaml must
/// be present in `charts/`.
pub(crate) fn check_dependencies(chart: &Chart) -> Result<(), String> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
        missing.join(", ")
    ))
}

/// Loads a chart and computes everything rendering needs: used by
/// `template`, `install`, `upgrade` and `lint`.
pub struct Prepared {
    pub chart: Chart,
    pub values: Map,
    pub release: ReleaseOptions,
    pub caps: Capabilities,
    /// What `lookup` reads (`None`: empty maps, as `helm template`).
    pub lookup: Option<crate::engine::LookupFn>,
}

/// Renders a prepared chart and sorts the output: (rendered files without
/// NOTES, notes text, sorted hooks/manifests).
pub fn render_resources(
    p: &Prepared,
    sub_notes: bool,
    opts: EngineOptions,
    warnings: &mut Vec<String>,
) -> Result<(RenderedChart, String, Sorted), TemplateError> {
    render_resources_ahead(p, None, sub_notes, opts, warnings)
}

/// [`render_resources`] with the templates [`queue_templates`] handed over.
fn render_resources_ahead(
    p: &Prepared,
    ahead: Option<ParseAhead>,
    sub_notes: bool,
    opts: EngineOptions,
    warnings: &mut Vec<String>,
) -> Result<(RenderedChart, String, Sorted), TemplateError> {
    if !p.chart.metadata.kube_version.is_empty() {
        chart::kubeversion::check_kube_version(&p.chart.metadata, &p.caps.kube_version.version)
            .map_err(TemplateError::render)?;
    }
    let mut rendered = render_with_lookup(
        &p.chart,
        &p.values,
        &p.release,
        &p.caps,
        opts,
        p.lookup.clone(),
        ahead,
    )
    .map_err(TemplateError::render)?;
    warnings.extend(rendered.log.iter().cloned());
    let root_notes = format!("{}/templates/NOTES.txt", p.chart.name());
    let mut notes = String::new();
    // The manifests take the rendered texts (no copy of each document);
    // they are put back if sorting fails, for the error's position.
    let mut files: Vec<(String, String)> = Vec::new();
    for (name, file) in &mut rendered.files {
        if name.ends_with("NOTES.txt") {
            if sub_notes || *name == root_notes {
                if !notes.is_empty() {
                    notes.push('\n');
                }
                notes.push_str(&file.text);
            }
            continue;
        }
        files.push((name.clone(), std::mem::take(&mut file.text)));
    }
    let sorted = match sort_owned_manifests(files, KindOrder::Install, &parse_yaml_doc) {
        Ok(s) => s,
        Err((e, files)) => {
            for (name, text) in &files {
                if let Some(file) = rendered.files.get_mut(name) {
                    file.text.clone_from(text);
                }
            }
            let mut err = TemplateError::render(describe_yaml_error(&e, &rendered));
            let mut debug = String::new();
            for (name, text) in &files {
                if !text.trim().is_empty() {
                    debug.push_str(&format!("---\n# Source: {name}\n{text}\n"));
                }
            }
            err.debug_output = Some(debug);
            return Err(err);
        }
    };
    for h in &sorted.skipped_hooks {
        warnings.push(format!(
            "manifest_sorter.go:192: info: skipping unknown hook: {}",
            go_quote(h)
        ));
    }
    Ok((rendered, notes, sorted))
}

/// Helm's YAML error, plus where in the template the offending line came
/// from (ours: Helm only gives the line inside the document).
fn describe_yaml_error(e: &ManifestError, rendered: &RenderedChart) -> String {
    let base = e.to_string();
    let Some(file) = rendered.files.get(&e.path) else {
        return base;
    };
    let offset = e.rendered_offset(&file.text);
    let span = file
        .trace
        .iter()
        .take_while(|t| t.start as usize <= offset)
        .last()
        .map(|t| t.span);
    let (Some(span), Some(set)) = (span, rendered.set.as_ref()) else {
        return base;
    };
    let Some(src) = set.source(span.source) else {
        return base;
    };
    let pos = src.lines().line_col(span.start as usize);
    // The span may be in another file (an included define).
    let file = set.source_name(span.source).unwrap_or(&e.path);
    format!("{base}\n(the offending text was produced by {file}:{pos})")
}

fn prepare(
    req: &TemplateRequest,
    release_name: &str,
    warnings: &mut Vec<String>,
    progress: &mut String,
    chart_arg: &str,
) -> Result<(Prepared, ParseAhead), TemplateError> {
    let kube_version = match &req.kube_version {
        Some(v) if !v.is_empty() => Some(
            parse_kube_version(v)
                .map_err(|e| TemplateError::plain(format!("invalid kube version '{v}': {e}")))?,
        ),
        _ => None,
    };
    let settings = req
        .repo_settings
        .clone()
        .unwrap_or_else(RepoSettings::from_env);
    let path = locate_chart(chart_arg, &req.cwd, &req.chart_options, &settings)
        .map_err(TemplateError::plain)?;
    let user = req
        .values
        .merge_values()
        .map_err(|e| TemplateError::plain(e.to_string()))?;
    // Each chart's templates start parsing on a second thread as soon as
    // its Chart.yaml is read, while its values are parsed, coalesced and
    // checked against the schema.
    let mut ahead = ParseAhead::new(helm_funcs(), chart::loader::looks_large(&path));
    let mut chart = chart::load_with(&path, &mut |name, metadata, templates| {
        queue_templates(&mut ahead, name, metadata, templates)
    })
    .map_err(|e| TemplateError::plain(e.to_string()))?;
    let ty = chart.metadata.chart_type.as_str();
    if !(ty.is_empty() || ty == "application") {
        return Err(TemplateError::plain(format!(
            "{ty} charts are not installable"
        )));
    }
    if chart.metadata.deprecated {
        warnings.push("WARNING: This chart is deprecated".into());
    }
    if let Err(e) = check_dependencies(&chart) {
        if !req.dependency_update {
            return Err(TemplateError::plain(e));
        }
        let opts = crate::dependency::DepOptions {
            debug: settings.debug,
            ..Default::default()
        };
        let mut out = Vec::new();
        let updated = crate::dependency::update(&path, &settings, &opts, &mut out);
        progress.push_str(&String::from_utf8_lossy(&out));
        updated.map_err(|e| TemplateError::plain(e.to_string()))?;
        chart = chart::load(&path).map_err(|e| {
            TemplateError::plain(format!("failed reloading chart after repo update: {e}"))
        })?;
    }
    validate_release_name(release_name).map_err(TemplateError::plain)?;
    let mut log = Vec::new();
    let processed = values::process_dependencies(&mut chart, &user, &mut log);
    warnings.append(&mut log);
    processed.map_err(|e| TemplateError::plain(e.to_string()))?;
    let caps = Capabilities::for_template(kube_version, &req.api_versions);
    let mut log = Vec::new();
    let coalesced = values::coalesce_values(&mut chart, &user, &mut log);
    warnings.append(&mut log);
    let vals = coalesced.map_err(|e| TemplateError::plain(e.to_string()))?;
    // The error's text is Helm's whole message.
    values::validate_against_schema(&chart, &vals)
        .map_err(|e| TemplateError::plain(e.to_string()))?;
    let is_upgrade = req.is_upgrade;
    let prepared = Prepared {
        chart,
        values: vals,
        release: ReleaseOptions {
            name: release_name.to_string(),
            namespace: req.namespace.clone(),
            revision: 1,
            is_install: !is_upgrade,
            is_upgrade,
        },
        caps,
        lookup: req.lookup.as_ref().map(|l| l.0.clone()),
    };
    Ok((prepared, ahead))
}

/// Runs `helm template`.
pub fn run(req: &TemplateRequest) -> TemplateRun {
    let mut warnings = Vec::new();
    let mut progress = String::new();
    let result = run_inner(req, &mut warnings, &mut progress);
    TemplateRun {
        warnings,
        progress,
        result,
    }
}

fn run_inner(
    req: &TemplateRequest,
    warnings: &mut Vec<String>,
    progress: &mut String,
) -> Result<TemplateOutput, TemplateError> {
    let (name, chart_arg) =
        name_and_chart(&req.args, req.name_template.as_deref(), req.generate_name)
            .map_err(TemplateError::plain)?;
    let (prepared, ahead) = prepare(req, &name, warnings, progress, &chart_arg)?;
    let rendered = render_resources_ahead(
        &prepared,
        Some(ahead),
        req.render_subchart_notes,
        EngineOptions::default(),
        warnings,
    );
    let (rendered, notes, mut sorted) = match rendered {
        Ok(r) => r,
        Err(e) => {
            release(prepared);
            return Err(e);
        }
    };
    let out = output(req, name, &prepared, &mut sorted);
    release((prepared, rendered, notes, sorted));
    out
}

/// Set once a process will exit right after `run` (see [`leak_on_exit`]).
static LEAK_ON_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Declares that this process exits right after the render: the loaded
/// chart, values and rendered files are then left to the operating system
/// instead of being freed one allocation at a time, which is a sizeable
/// part of a one-shot `template` run. Long-lived callers (the language
/// server, tests) never call this.
pub fn leak_on_exit() {
    LEAK_ON_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Drops `state`, or leaks it after [`leak_on_exit`]. Only plain memory
/// is handed here (no files, locks or buffered writers).
fn release<T>(state: T) {
    if LEAK_ON_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(state);
    }
}

/// Has the process declared it exits after this run ([`leak_on_exit`])?
pub(crate) fn leaking() -> bool {
    LEAK_ON_EXIT.load(std::sync::atomic::Ordering::Relaxed)
}

/// The output of a rendered chart: files and stdout text.
fn output(
    req: &TemplateRequest,
    name: String,
    prepared: &Prepared,
    sorted: &mut Sorted,
) -> Result<TemplateOutput, TemplateError> {
    // Only --include-crds prints them (or writes them to --output-dir).
    let crds: Vec<CrdFile> = if req.output.include_crds {
        prepared
            .chart
            .crds()
            .into_iter()
            .map(|crd| CrdFile {
                name: crd.name,
                filename: crd.filename,
                data: crd.file.shared_text(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut opts = req.output.clone();
    opts.release_name = name;
    let Some(pr) = &req.post_renderer else {
        return Ok(template_output(
            &crds,
            &mut sorted.manifests,
            &sorted.hooks,
            &opts,
        ));
    };
    // Helm post-renders the manifest text it built (CRDs included with
    // --include-crds; with --output-dir the manifests went to files and the
    // program gets nothing), prints the result trimmed, then the hooks, and
    // applies --show-only to that whole text.
    let crds_shown: &[CrdFile] = if opts.include_crds { &crds } else { &[] };
    let text = if opts.output_dir.is_some() {
        String::new()
    } else {
        manifest_text(crds_shown, &mut sorted.manifests)
    };
    let rendered = pr.run(&text).map_err(|e| {
        TemplateError::render(format!("error while running post render on files: {e}"))
    })?;
    if opts.output_dir.is_some() {
        let mut out = template_output(&crds, &mut sorted.manifests, &sorted.hooks, &opts);
        out.stdout = Ok(format!("{}\n", rendered.trim()));
        return Ok(out);
    }
    let show = std::mem::take(&mut opts.show_only);
    let hooks_only = template_output(&[], &mut [], &sorted.hooks, &opts);
    let stdout = hooks_only.stdout.and_then(|hooks| {
        // `hooks` starts with the "\n" that ends an empty manifest.
        let full = format!("{}{hooks}", rendered.trim());
        if show.is_empty() {
            Ok(full)
        } else {
            show_only(&full, &show)
        }
    });
    Ok(TemplateOutput {
        writes: hooks_only.writes,
        stdout,
    })
}
