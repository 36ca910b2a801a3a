//! Template engine throughput on the largest charts of the shared corpus
//! (a benchmark binary, not a test): parse MB/s and render MB/s of template
//! text. Run with `cargo bench -p chart-core --bench template`; set
//! `BENCH_CHARTS=N` for the N largest charts (default 6), and
//! `CHART_SHARED_DIR` for a shared folder other than `../shared`.
//!
//! Parsing covers every template of a chart and its unpacked subcharts
//! (templates/**/*.yaml, *.tpl, *.txt). Rendering executes each of the
//! chart's own non-partial templates with the chart's `values.yaml` as
//! `.Values` plus `.Release`/`.Chart`/`.Template` stubs and Helm's default
//! `.Capabilities`, but without the rest of the Helm layer (no `.Files`, no
//! subchart values): a template that fails that way is measured parse-only
//! and listed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chart_core::engine::Capabilities;
use chart_core::engine::host::HelmHost;
use chart_core::source::SourceId;
use chart_core::template::{Delims, Map, TemplateSet, Value};

/// Minimum measuring time per chart and phase.
const MIN_TIME: Duration = Duration::from_millis(1500);

struct Template {
    /// Helm's template name: `chart/templates/x.yaml`, `chart/charts/sub/templates/…`.
    name: String,
    text: String,
    /// A file of the chart itself (not a subchart) and not a `_` partial.
    renderable: bool,
}

struct Chart {
    name: String,
    dir: PathBuf,
    templates: Vec<Template>,
}

fn main() {
    let shared = std::env::var_os("CHART_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let charts_dir = shared.join("corpus/charts");
    if !charts_dir.is_dir() {
        println!(
            "template benchmark: {} is missing; nothing measured (set CHART_SHARED_DIR)",
            charts_dir.display()
        );
        return;
    }
    let count = std::env::var("BENCH_CHARTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6usize);
    let mut charts: Vec<Chart> = match std::fs::read_dir(&charts_dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("Chart.yaml").is_file())
            .map(|dir| load_chart(&dir))
            .collect(),
        Err(e) => {
            println!(
                "template benchmark: cannot read {}: {e}",
                charts_dir.display()
            );
            return;
        }
    };
    // Largest first, by the chart's own template text.
    charts.sort_by_key(|c| std::cmp::Reverse(own_bytes(c)));
    charts.truncate(count);

    println!(
        "{:<24} {:>6} {:>10} {:>10} {:>10} {:>10}",
        "chart", "files", "parse KB", "parse MB/s", "render KB", "render MB/s"
    );
    let (mut parse_bytes, mut parse_time) = (0usize, Duration::ZERO);
    let (mut render_bytes, mut render_time) = (0usize, Duration::ZERO);
    let mut parse_only: Vec<String> = Vec::new();
    for chart in &charts {
        let Some((pb, pt)) = bench_parse(chart) else {
            continue;
        };
        let (rb, rt, failed) = bench_render(chart);
        parse_bytes += pb;
        parse_time += pt;
        render_bytes += rb;
        render_time += rt;
        println!(
            "{:<24} {:>6} {:>10.1} {:>10.1} {:>10.1} {:>10}",
            chart.name,
            chart.templates.len(),
            pb as f64 / 1024.0,
            mb_per_s(pb, pt),
            rb as f64 / 1024.0,
            if rb == 0 {
                "-".to_string()
            } else {
                format!("{:.1}", mb_per_s(rb, rt))
            }
        );
        parse_only.extend(failed);
    }
    println!(
        "{:<24} {:>6} {:>10.1} {:>10.1} {:>10.1} {:>10.1}",
        "TOTAL",
        "",
        parse_bytes as f64 / 1024.0,
        mb_per_s(parse_bytes, parse_time),
        render_bytes as f64 / 1024.0,
        mb_per_s(render_bytes, render_time)
    );
    if !parse_only.is_empty() {
        println!(
            "\nparse-only ({} templates fail without the full Helm layer):",
            parse_only.len()
        );
        for line in &parse_only {
            println!("  {line}");
        }
    }
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    if time.is_zero() {
        return 0.0;
    }
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn own_bytes(c: &Chart) -> usize {
    c.templates
        .iter()
        .filter(|t| !t.name.contains("/charts/"))
        .map(|t| t.text.len())
        .sum()
}

fn load_chart(dir: &Path) -> Chart {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut templates = Vec::new();
    collect_chart(dir, &name, true, &mut templates);
    Chart {
        name,
        dir: dir.to_path_buf(),
        templates,
    }
}

/// Templates of the chart at `dir` (named under `prefix`) and of its
/// unpacked subcharts.
fn collect_chart(dir: &Path, prefix: &str, own: bool, out: &mut Vec<Template>) {
    let mut files = Vec::new();
    walk(&dir.join("templates"), &mut files);
    files.sort();
    for f in files {
        let ext_ok = matches!(
            f.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "tpl" | "txt")
        );
        let (Ok(rel), true) = (f.strip_prefix(dir), ext_ok) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let partial = f
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('_'));
        out.push(Template {
            name: format!("{prefix}/{}", rel.to_string_lossy()),
            text,
            renderable: own && !partial,
        });
    }
    if let Ok(rd) = std::fs::read_dir(dir.join("charts")) {
        let mut subs: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        subs.sort();
        for sub in subs.into_iter().filter(|p| p.join("Chart.yaml").is_file()) {
            let sub_name = sub
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            collect_chart(&sub, &format!("{prefix}/charts/{sub_name}"), false, out);
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// A set with every template added in Helm's order (deepest paths first,
/// ties in reverse lexical order, so parent defines win).
fn build_set(chart: &Chart) -> Result<TemplateSet, String> {
    let mut order: Vec<&Template> = chart.templates.iter().collect();
    order.sort_by(|a, b| {
        let da = a.name.matches('/').count();
        let db = b.name.matches('/').count();
        db.cmp(&da).then_with(|| b.name.cmp(&a.name))
    });
    let mut set = TemplateSet::new(chart_core::engine::helm_funcs());
    let delims = Delims::default();
    for (i, t) in order.iter().enumerate() {
        set.add(&t.name, &t.text, &delims, SourceId(i as u32))
            .map_err(|e| format!("{}: {e}", t.name))?;
    }
    Ok(set)
}

/// Parses the whole chart repeatedly: (bytes per round × rounds, time).
fn bench_parse(chart: &Chart) -> Option<(usize, Duration)> {
    let bytes: usize = chart.templates.iter().map(|t| t.text.len()).sum();
    if let Err(e) = build_set(chart) {
        println!("{:<24} parse error, skipped: {e}", chart.name);
        return None;
    }
    let start = Instant::now();
    let mut rounds = 0usize;
    while rounds < 3 || start.elapsed() < MIN_TIME {
        let set = build_set(chart);
        std::hint::black_box(&set);
        rounds += 1;
    }
    Some((bytes * rounds, start.elapsed()))
}

/// Renders every renderable template that succeeds repeatedly:
/// (template bytes per round × rounds, time, failures as text).
fn bench_render(chart: &Chart) -> (usize, Duration, Vec<String>) {
    let Ok(set) = build_set(chart) else {
        return (0, Duration::ZERO, vec![]);
    };
    let values = std::fs::read_to_string(chart.dir.join("values.yaml"))
        .ok()
        .and_then(|t| chart_core::yaml::parse_values(&t, SourceId(u32::MAX)).ok())
        .map(|p| p.value)
        .unwrap_or_else(Value::empty_map);
    let base = base_context(chart, values);
    let mut ok: Vec<(&Template, Value)> = Vec::new();
    let mut failed = Vec::new();
    for t in chart.templates.iter().filter(|t| t.renderable) {
        let data = with_template(&base, &t.name, &chart.name);
        match set.execute(&t.name, &data, &mut HelmHost::default()) {
            Ok(_) => ok.push((t, data)),
            Err(e) => {
                let msg = e.to_string();
                let first = msg.lines().next().unwrap_or("");
                let short: String = first.chars().take(140).collect();
                failed.push(format!("{}: {short}", t.name));
            }
        }
    }
    if ok.is_empty() {
        return (0, Duration::ZERO, failed);
    }
    let bytes: usize = ok.iter().map(|(t, _)| t.text.len()).sum();
    let start = Instant::now();
    let mut rounds = 0usize;
    while rounds < 3 || start.elapsed() < MIN_TIME {
        for (t, data) in &ok {
            let r = set.execute(&t.name, data, &mut HelmHost::default());
            std::hint::black_box(&r);
        }
        rounds += 1;
    }
    (bytes * rounds, start.elapsed(), failed)
}

fn s(v: &str) -> Value {
    Value::str(v)
}

fn map(pairs: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(Arc::from(*k), v.clone());
    }
    Value::map(m)
}

fn base_context(chart: &Chart, values: Value) -> Map {
    let chart_yaml = std::fs::read_to_string(chart.dir.join("Chart.yaml")).unwrap_or_default();
    let meta = chart_core::yaml::parse_values(&chart_yaml, SourceId(u32::MAX - 1))
        .map(|p| p.value)
        .unwrap_or_else(|_| Value::empty_map());
    let field = |k: &str| match &meta {
        Value::Map(m) => m.get(k).cloned().unwrap_or(Value::Nil),
        _ => Value::Nil,
    };
    let mut m = Map::new();
    m.insert("Values".into(), values);
    m.insert(
        "Release".into(),
        map(&[
            ("Name", s("bench")),
            ("Namespace", s("default")),
            ("Service", s("Helm")),
            ("IsInstall", Value::Bool(true)),
            ("IsUpgrade", Value::Bool(false)),
            ("Revision", Value::Int(1)),
        ]),
    );
    m.insert(
        "Chart".into(),
        map(&[
            ("Name", field("name")),
            ("Version", field("version")),
            ("AppVersion", field("appVersion")),
            ("IsRoot", Value::Bool(true)),
        ]),
    );
    m.insert("Capabilities".into(), Capabilities::default().to_value());
    m
}

fn with_template(base: &Map, name: &str, chart: &str) -> Value {
    let mut m = base.clone();
    m.insert(
        "Template".into(),
        map(&[
            ("Name", s(name)),
            ("BasePath", s(&format!("{chart}/templates"))),
        ]),
    );
    Value::map(m)
}
