//! Benchmark of chart-lsp (not a test: prints numbers, asserts nothing).
//!
//! 1. Edit→diagnostics latency: opens a template of the largest corpus chart
//!    (by template bytes), then sends edits one at a time and measures the
//!    time from sending each `didChange` to receiving `publishDiagnostics`
//!    for that version; prints p50/p95 against the 30 ms target.
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
    let mut times = Vec::new();
    for i in 0..edits {
        // Insert then remove a comment line, alternately.
        let start = Instant::now();
        let v = if i % 2 == 0 {
            c.edit(&uri, (0, 0), (0, 0), "# edit\n")
        } else {
            c.edit(&uri, (0, 0), (1, 0), "")
        };
        let _ = c.diagnostics(&uri, v);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
    println!(
        "edit→diagnostics on {} ({} template bytes, {}): first {first:.1} ms, p50 {p50:.1} ms, p95 {p95:.1} ms over {edits} edits (target p95 ≤ 30 ms: {})",
        largest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        size(&templates_of(&largest)),
        target.strip_prefix(&largest).unwrap_or(&target).display(),
        if p95 <= 30.0 { "met" } else { "NOT met" }
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
