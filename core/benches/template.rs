//! Template engine throughput on the real charts of `../shared/corpus`.
//!
//! Prints parse throughput (MB/s of template text) for the largest template
//! files and for every template of the corpus, and parse+render throughput
//! for every chart (rendered with the chart's default values and a minimal
//! `.Release`/`.Capabilities`; templates that need the full Helm layer and
//! fail are counted separately and excluded from the render figure).
//!
//! Run: `cargo bench -p chart-core --bench template` (set
//! `CHART_SHARED_DIR` if `../shared` is elsewhere).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chart_core::chart::{self, Chart, ChartObject, Files};
use chart_core::source::SourceId;
use chart_core::template::{
    Delims, FuncError, FuncTable, Map, NoHost, Signature, TemplateSet, Ty, Value,
    register_builtins, register_helm_engine_funcs,
};

fn shared_dir() -> PathBuf {
    std::env::var_os("CHART_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

fn funcs() -> Arc<FuncTable> {
    let mut t = FuncTable::new();
    register_builtins(&mut t);
    chart_core::sprig::register(&mut t);
    chart_core::yaml::funcs::register(&mut t);
    register_helm_engine_funcs(&mut t);
    // Stand-ins for the Helm layer's own functions, so charts parse.
    if !t.contains("required") {
        t.add("required", Signature::fixed(&[Ty::String, Ty::Any]), |a| {
            Ok(a.get(1).cloned().unwrap_or(Value::Nil))
        });
    }
    if !t.contains("fail") {
        t.add("fail", Signature::fixed(&[Ty::String]), |a| {
            Err(FuncError::new(
                a.first().and_then(Value::as_str).unwrap_or(""),
            ))
        });
    }
    if !t.contains("lookup") {
        t.add("lookup", Signature::fixed(&[Ty::String; 4]), |_| {
            Ok(Value::empty_map())
        });
    }
    Arc::new(t)
}

/// Template files of a chart and its subcharts, named as Helm names them.
fn templates(c: &Chart, prefix: &str, out: &mut Vec<(String, String)>) {
    for t in &c.templates {
        let text = String::from_utf8_lossy(&t.data).into_owned();
        out.push((format!("{prefix}{}/{}", c.name(), t.name), text));
    }
    for d in &c.dependencies {
        templates(d, &format!("{prefix}{}/charts/", c.name()), out);
    }
}

fn data(c: &Chart, name: &str) -> Value {
    let mut release = Map::new();
    release.insert("Name".into(), Value::str("bench"));
    release.insert("Namespace".into(), Value::str("default"));
    release.insert("Revision".into(), Value::Int(1));
    release.insert("IsInstall".into(), Value::Bool(true));
    release.insert("IsUpgrade".into(), Value::Bool(false));
    release.insert("Service".into(), Value::str("Helm"));
    let mut kube = Map::new();
    kube.insert("Version".into(), Value::str("v1.25.0"));
    kube.insert("GitVersion".into(), Value::str("v1.25.0"));
    kube.insert("Major".into(), Value::str("1"));
    kube.insert("Minor".into(), Value::str("25"));
    let mut caps = Map::new();
    caps.insert("KubeVersion".into(), Value::map(kube));
    let mut tmpl = Map::new();
    tmpl.insert("Name".into(), Value::str(name));
    tmpl.insert(
        "BasePath".into(),
        Value::from_string(format!("{}/templates", c.name())),
    );
    let mut top = Map::new();
    top.insert("Values".into(), c.values.clone());
    top.insert("Release".into(), Value::map(release));
    top.insert("Capabilities".into(), Value::map(caps));
    top.insert(
        "Chart".into(),
        ChartObject::new(c.metadata.clone(), true).into_value(),
    );
    top.insert("Files".into(), Files::new(&c.files).into_value());
    top.insert("Template".into(), Value::map(tmpl));
    Value::map(top)
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

/// Repeats `f` until at least `min` has passed; returns time per run.
fn time_it(min: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < min || runs == 0 {
        f();
        runs += 1;
    }
    start.elapsed() / runs
}

fn main() {
    let corpus = shared_dir().join("corpus/charts");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!(
            "template bench: {} not found; set CHART_SHARED_DIR. 0 charts benchmarked.",
            corpus.display()
        );
        return;
    };
    let mut charts: Vec<Chart> = Vec::new();
    let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    dirs.sort();
    for d in dirs {
        match chart::load_dir(&d) {
            Ok(c) => charts.push(c),
            Err(e) => eprintln!("skip {}: {e}", d.display()),
        }
    }
    let funcs = funcs();
    let delims = Delims::default();
    let min = Duration::from_millis(300);

    // 1. Parse: the largest template files.
    let mut all: Vec<(String, String)> = Vec::new();
    for c in &charts {
        templates(c, "", &mut all);
    }
    let mut largest: Vec<&(String, String)> = all.iter().collect();
    largest.sort_by_key(|(_, t)| std::cmp::Reverse(t.len()));
    largest.truncate(10);
    println!("parse, 10 largest templates:");
    for (name, text) in &largest {
        let per = time_it(min, || {
            let mut set = TemplateSet::new(funcs.clone());
            let _ = set.add(name, text, &delims, SourceId(1));
        });
        println!(
            "  {:>8} bytes  {:>8.1} MB/s  {name}",
            text.len(),
            mbps(text.len(), per)
        );
    }

    // 2. Parse: every template of the corpus.
    let total: usize = all.iter().map(|(_, t)| t.len()).sum();
    let per = time_it(min, || {
        for (i, (name, text)) in all.iter().enumerate() {
            let mut set = TemplateSet::new(funcs.clone());
            let _ = set.add(name, text, &delims, SourceId(i as u32));
        }
    });
    println!(
        "parse, all {} templates ({} bytes): {:.1} MB/s",
        all.len(),
        total,
        mbps(total, per)
    );

    // 3. Render: every chart, parse once, render each output template.
    let mut ok_bytes = 0usize;
    let mut ok_count = 0usize;
    let mut failed = 0usize;
    let mut render_time = Duration::ZERO;
    let mut parse_time = Duration::ZERO;
    let mut parse_bytes = 0usize;
    let mut slowest: Vec<(Duration, String, usize)> = Vec::new();
    for c in &charts {
        let mut tpls = Vec::new();
        templates(c, "", &mut tpls);
        let mut set = TemplateSet::new(funcs.clone());
        let start = Instant::now();
        let mut parse_ok = true;
        for (i, (name, text)) in tpls.iter().enumerate() {
            if set.add(name, text, &delims, SourceId(i as u32)).is_err() {
                parse_ok = false;
            }
        }
        parse_time += start.elapsed();
        parse_bytes += tpls.iter().map(|(_, t)| t.len()).sum::<usize>();
        if !parse_ok {
            failed += tpls.len();
            continue;
        }
        for (name, text) in &tpls {
            let base = name.rsplit('/').next().unwrap_or("");
            if base.starts_with('_')
                || !(name.ends_with(".yaml") || name.ends_with(".tpl") || name.ends_with(".yml"))
            {
                continue;
            }
            let d = data(c, name);
            if set.execute(name, &d, &mut NoHost).is_err() {
                failed += 1;
                continue;
            }
            let per = time_it(Duration::from_millis(20), || {
                let _ = set.execute(name, &d, &mut NoHost);
            });
            render_time += per;
            slowest.push((per, name.clone(), text.len()));
            ok_bytes += text.len();
            ok_count += 1;
        }
    }
    slowest.sort_by_key(|(d, _, _)| std::cmp::Reverse(*d));
    for (d, name, len) in slowest.iter().take(5) {
        println!(
            "  slowest render: {:>9.3} ms  {len:>7} bytes  {name}",
            d.as_secs_f64() * 1e3
        );
    }
    println!(
        "parse, chart sets: {:.1} MB/s ({} bytes)",
        mbps(parse_bytes, parse_time),
        parse_bytes
    );
    // A few templates spend their time generating RSA keys (Sprig's
    // genCA/genPrivateKey, via helpers); report the engine without them.
    let (mut nc_time, mut nc_bytes, mut nc_count) = (Duration::ZERO, 0usize, 0usize);
    for (d, _, len) in &slowest {
        if *d < Duration::from_millis(50) {
            nc_time += *d;
            nc_bytes += len;
            nc_count += 1;
        }
    }
    println!(
        "render without the {} key-generating templates (>50 ms each): {nc_count} templates ({nc_bytes} bytes) at {:.1} MB/s",
        slowest.len() - nc_count,
        mbps(nc_bytes, nc_time)
    );
    println!(
        "render: {ok_count} templates ({ok_bytes} bytes of template text) at {:.1} MB/s; {failed} not rendered (need the Helm layer)",
        mbps(ok_bytes, render_time)
    );
}
