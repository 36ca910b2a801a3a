//! Golden cases recorded with the real Helm (the shared corpus and the seed
//! charts): reading their index, running one case through `kubectl-chart`,
//! and comparing with Helm's bytes.
//!
//! A case's `args` start with `helm template …`; they run as
//! `kubectl-chart template …` from the case's folder. Comparison rules
//! (from the corpus README): a passing case must match `golden.yaml` byte for
//! byte, except that a nondeterministic case masks the listed golden lines
//! and checks the line count; a failing case must fail, print nothing on
//! stdout, and print Helm's `Error: …` line (with `helm ` commands in the
//! text read as `kubectl chart `).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;

/// The index file (`cases.yaml`); only the fields the tests use.
#[derive(Debug, Deserialize)]
pub struct Index {
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub id: String,
    pub args: Vec<String>,
    pub golden: String,
    #[serde(default)]
    pub stderr: Option<String>,
    pub exit_status: i32,
    #[serde(default = "yes")]
    pub deterministic: bool,
    #[serde(default)]
    pub nondeterministic: Option<Nondeterministic>,
    #[serde(default)]
    pub run_from: Option<String>,
    #[serde(default)]
    pub median_ms: Option<f64>,
    #[serde(default)]
    pub peak_rss_kb: Option<f64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Nondeterministic {
    #[serde(default)]
    pub golden_lines: Vec<usize>,
}

/// Reads an index file.
pub fn load_index(path: &Path) -> Result<Index, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))?;
    serde_saphyr::from_str(&text).map_err(|e| format!("parse {}: {e}", path.display()))
}

/// The `kubectl-chart` arguments for a case (`helm template …` → `template …`).
pub fn our_args(case: &Case) -> Vec<String> {
    case.args.iter().skip(1).cloned().collect()
}

/// Runs `kubectl-chart` with the case's arguments in `dir`.
pub fn run_ours(bin: &Path, case: &Case, dir: &Path) -> std::io::Result<Output> {
    Command::new(bin)
        .args(our_args(case))
        .current_dir(dir)
        .env_remove("HELM_NAMESPACE")
        .env_remove("KUBECONFIG")
        .output()
}

/// Compares our run with the golden; `Err` explains the first difference.
pub fn check(case: &Case, base: &Path, out: &Output) -> Result<(), String> {
    let golden = std::fs::read(base.join(&case.golden))
        .map_err(|e| format!("cannot read golden {}: {e}", case.golden))?;
    let helm_stderr = match &case.stderr {
        Some(p) => std::fs::read_to_string(base.join(p))
            .map_err(|e| format!("cannot read stderr golden {p}: {e}"))?,
        None => String::new(),
    };
    let our_stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or(-1);
    if case.exit_status != 0 {
        if code == 0 {
            return Err(format!(
                "Helm failed (exit {}) but we succeeded; Helm said:\n{helm_stderr}",
                case.exit_status
            ));
        }
        if !out.stdout.is_empty() && out.stdout != golden {
            return Err(format!(
                "failing case printed on stdout:\n{}",
                excerpt(&String::from_utf8_lossy(&out.stdout))
            ));
        }
        let want = error_line(&helm_stderr);
        let got = error_line(&our_stderr);
        return match (want, got) {
            (_, None) => Err(format!(
                "no `Error:` line on stderr; stderr was:\n{our_stderr}"
            )),
            (Some(w), Some(g)) if normalise(&w) != normalise(&g) => {
                Err(format!("different error message\n  helm: {w}\n  ours: {g}"))
            }
            _ => Ok(()),
        };
    }
    if code != 0 {
        return Err(format!(
            "exit status {code}; stderr:\n{}",
            excerpt(&our_stderr)
        ));
    }
    // Helm's warnings (e.g. coalesce warnings) must be printed too.
    for line in helm_stderr.lines().filter(|l| !l.trim().is_empty()) {
        if !our_stderr.lines().any(|o| o == line) {
            return Err(format!(
                "missing stderr line: {line}\nour stderr:\n{our_stderr}"
            ));
        }
    }
    compare_stdout(case, &golden, &out.stdout)
}

fn compare_stdout(case: &Case, golden: &[u8], ours: &[u8]) -> Result<(), String> {
    if case.deterministic || case.nondeterministic.is_none() {
        if golden == ours {
            return Ok(());
        }
        return Err(first_difference(golden, ours));
    }
    let masked = case
        .nondeterministic
        .as_ref()
        .map(|n| n.golden_lines.clone())
        .unwrap_or_default();
    let g = String::from_utf8_lossy(golden);
    let o = String::from_utf8_lossy(ours);
    let gl: Vec<&str> = g.split('\n').collect();
    let ol: Vec<&str> = o.split('\n').collect();
    if gl.len() != ol.len() {
        return Err(format!(
            "line count differs: helm {} ours {}\n{}",
            gl.len(),
            ol.len(),
            first_difference(golden, ours)
        ));
    }
    for (i, (a, b)) in gl.iter().zip(&ol).enumerate() {
        if masked.contains(&(i + 1)) {
            continue;
        }
        if a != b {
            return Err(format!("line {} differs\n  helm: {a}\n  ours: {b}", i + 1));
        }
    }
    Ok(())
}

/// Where two outputs first differ, with a little context.
pub fn first_difference(golden: &[u8], ours: &[u8]) -> String {
    let g = String::from_utf8_lossy(golden);
    let o = String::from_utf8_lossy(ours);
    let gl: Vec<&str> = g.split('\n').collect();
    let ol: Vec<&str> = o.split('\n').collect();
    for i in 0..gl.len().max(ol.len()) {
        let a = gl.get(i).copied();
        let b = ol.get(i).copied();
        if a != b {
            let from = i.saturating_sub(3);
            let ctx: Vec<String> = (from..i)
                .filter_map(|j| gl.get(j).map(|l| format!("        {l}")))
                .collect();
            return format!(
                "first difference at line {} (helm {} lines, ours {}):\n{}\n  helm: {}\n  ours: {}",
                i + 1,
                gl.len(),
                ol.len(),
                ctx.join("\n"),
                a.unwrap_or("<end>"),
                b.unwrap_or("<end>")
            );
        }
    }
    "outputs differ".to_string()
}

fn excerpt(s: &str) -> String {
    s.lines().take(15).collect::<Vec<_>>().join("\n")
}

/// The `Error: …` line of a stderr text.
/// The error message: from the `Error:` line to the end of stderr (Helm's
/// messages span lines, e.g. a schema report), trailing space trimmed.
fn error_line(stderr: &str) -> Option<String> {
    let start = stderr
        .match_indices("Error:")
        .find(|(i, _)| *i == 0 || stderr.as_bytes().get(i - 1) == Some(&b'\n'))
        .map(|(i, _)| i)?;
    Some(stderr[start..].trim_end().to_string())
}

/// Helm's messages name `helm …` commands; ours name `kubectl chart …`.
fn normalise(line: &str) -> String {
    line.replace("`helm ", "`kubectl chart ")
        .replace("\"helm ", "\"kubectl chart ")
}

/// Copies a directory tree (for cases that run on a modified copy).
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// A fresh scratch directory under the target directory.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubectl-chart-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Outcome of a golden suite with a `KNOWN_FAILING` list that may only shrink.
#[derive(Default)]
pub struct Tally {
    pub passed: Vec<String>,
    pub failed: Vec<(String, String)>,
    pub known_failing_still_failing: Vec<String>,
    pub known_failing_now_passing: Vec<String>,
}

impl Tally {
    pub fn record(&mut self, id: &str, known_failing: &[&str], result: Result<(), String>) {
        let known = known_failing.contains(&id);
        match (result, known) {
            (Ok(()), false) => self.passed.push(id.to_string()),
            (Ok(()), true) => self.known_failing_now_passing.push(id.to_string()),
            (Err(e), false) => self.failed.push((id.to_string(), e)),
            (Err(_), true) => self.known_failing_still_failing.push(id.to_string()),
        }
    }

    /// Prints the summary; returns the problems (empty when the suite passes).
    pub fn report(&self, suite: &str) -> Vec<String> {
        for (id, why) in &self.failed {
            eprintln!("\n--- {suite} case {id} FAILED\n{why}");
        }
        if !self.known_failing_still_failing.is_empty() {
            eprintln!(
                "\n!!! {suite}: {} case(s) in KNOWN_FAILING still fail (not counted as passed): {}",
                self.known_failing_still_failing.len(),
                self.known_failing_still_failing.join(", ")
            );
        }
        let total = self.passed.len()
            + self.failed.len()
            + self.known_failing_still_failing.len()
            + self.known_failing_now_passing.len();
        eprintln!(
            "\n{suite}: {} passed, {} failed ({} known failing) of {total}",
            self.passed.len() + self.known_failing_now_passing.len(),
            self.failed.len() + self.known_failing_still_failing.len(),
            self.known_failing_still_failing.len()
        );
        let mut problems: Vec<String> = self
            .failed
            .iter()
            .map(|(id, _)| format!("{id} failed"))
            .collect();
        for id in &self.known_failing_now_passing {
            problems.push(format!(
                "{id} passes now: remove it from KNOWN_FAILING (the list may only shrink)"
            ));
        }
        problems
    }
}
