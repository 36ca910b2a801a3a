//! Benchmark of chart-lsp (not a test: prints numbers, asserts nothing).
//!
//! 1. Edit→diagnostics latency: opens a template of the largest corpus chart
//!    (by template bytes), then sends edits one at a time (to the template,
//!    to values.yaml, to _helpers.tpl) and measures the time from sending
//!    each `didChange` to receiving the `publishDiagnostics` of the open
//!    template that follow it; prints p50/p95 against the 30 ms target.
//! 2. Memory: opens one template of every corpus chart, waits for each
//!    chart's diagnostics, and prints the server's resident memory (VmRSS).
//!
//! Run: `cargo run -p chart-e2e --bin lsp_bench [--release] [-- EDITS]` after
//! building `chart-lsp` in the same profile.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chart_e2e::lsp_client::LspClient;
use serde_json::json;

fn templates_of(chart: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![chart.join("templates")];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn size(files: &[PathBuf]) -> u64 {
    files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(f64::NAN)
}

fn main() -> Result<(), String> {
    let edits: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(60);
    let shared = chart_e2e::shared_dir().ok_or("shared folder not found (set CHART_SHARED_DIR)")?;
    let charts_dir = shared.join("corpus/charts");
    let mut charts: Vec<PathBuf> = std::fs::read_dir(&charts_dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    charts.sort();
    let largest = charts
        .iter()
        .max_by_key(|c| size(&templates_of(c)))
        .ok_or("no corpus charts")?
        .clone();

    // 1. Latency on the largest chart.
    let (mut c, _) = LspClient::start(&largest, json!({}));
    let target = templates_of(&largest)
        .into_iter()
        .find(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .ok_or("no template in the largest chart")?;
    let uri = c.open_file(&target, "helm");
    let t0 = Instant::now();
    let _ = c.diagnostics(&uri, 1);
    let first = t0.elapsed().as_secs_f64() * 1000.0;
    println!(
        "edit→diagnostics on {} ({} template bytes, open: {}): first diagnostics {first:.1} ms",
        largest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        size(&templates_of(&largest)),
        target.strip_prefix(&largest).unwrap_or(&target).display(),
    );
    let mut worst = 0.0f64;
    // Edits of the template itself, of values.yaml, of _helpers.tpl (each
    // followed by the diagnostics of the open template).
    let helpers = largest.join("templates/_helpers.tpl");
    let mut scenarios: Vec<(&str, PathBuf, &str)> = vec![
        ("the template", target.clone(), "helm"),
        ("values.yaml", largest.join("values.yaml"), "yaml"),
    ];
    if helpers.is_file() {
        scenarios.push(("_helpers.tpl", helpers, "helm"));
    }
    for (label, file, lang) in scenarios {
        let edited = if file == target {
            uri.clone()
        } else {
            let u = c.open_file(&file, lang);
            let _ = c.diagnostics(&u, 1);
            u
        };
        let mut times = Vec::new();
        for i in 0..edits {
            // Insert then remove a comment line, alternately.
            let comment = if lang == "yaml" {
                "# edit\n"
            } else {
                "{{/* edit */}}\n"
            };
            let start = Instant::now();
            let v = if i % 2 == 0 {
                c.edit(&edited, (0, 0), (0, 0), comment)
            } else {
                c.edit(&edited, (0, 0), (1, 0), "")
            };
            if edited == uri {
                let _ = c.diagnostics(&uri, v);
            } else {
                let _ = c.diagnostics(&edited, v);
                let _ = c.diagnostics(&uri, 1);
            }
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
        worst = worst.max(p95);
        println!("  editing {label}: p50 {p50:.1} ms, p95 {p95:.1} ms over {edits} edits");
    }
    println!(
        "target p95 ≤ 30 ms: {}",
        if worst <= 30.0 { "met" } else { "NOT met" }
    );
    let _ = c.shutdown();

    // 2. Memory with every corpus chart open.
    let (mut c, _) = LspClient::start(&charts_dir, json!({}));
    let before = rss_kb(c.pid()).unwrap_or(0);
    let mut opened = 0;
    for chart in &charts {
        if let Some(t) = templates_of(chart)
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        {
            let uri = c.open_file(&t, "helm");
            let _ = c.diagnostics(&uri, 1);
            opened += 1;
        }
    }
    let after = rss_kb(c.pid()).unwrap_or(0);
    println!(
        "resident memory: {:.1} MiB at start, {:.1} MiB with one template of each of {opened} corpus charts open and rendered",
        before as f64 / 1024.0,
        after as f64 / 1024.0
    );
    let _ = c.shutdown();
    Ok(())
}
