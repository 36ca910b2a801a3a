//! `kubectl chart create` writes Helm 3.10's scaffold byte for byte.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: failing loudly is the point

use std::path::Path;

use chart_e2e::golden::scratch_dir;
use chart_e2e::{command, repo_root, shared_dir};

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("prefix").display().to_string();
                out.push((rel, std::fs::read(&p).expect("read file")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn create_matches_the_oracle_scaffold() {
    // Golden made with `helm create demo-app` (Helm 3.10.1).
    let golden = repo_root().join("tests/e2e/fixtures/goldens/create/demo-app");
    let dir = scratch_dir("create");
    let out = command("kubectl-chart")
        .args(["create", "demo-app"])
        .current_dir(&dir)
        .output()
        .expect("run kubectl-chart");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Creating demo-app\n");
    assert_eq!(files(&dir.join("demo-app")), files(&golden));
    assert!(dir.join("demo-app/charts").is_dir());

    // A second run overwrites, warning like Helm (on stdout).
    let again = command("kubectl-chart")
        .args(["create", "demo-app"])
        .current_dir(&dir)
        .output()
        .expect("run kubectl-chart");
    let text = String::from_utf8_lossy(&again.stdout);
    let abs = dir.canonicalize().expect("canonical dir");
    assert!(text.contains(&format!(
        "WARNING: File \"{}/demo-app/Chart.yaml\" already exists. Overwriting.\n",
        abs.display()
    )));
}

#[test]
fn create_mychart_equals_the_corpus_scaffold() {
    let Some(shared) = shared_dir() else {
        chart_e2e::report_missing_shared("create mychart", 1);
        return;
    };
    let dir = scratch_dir("create-mychart");
    let out = command("kubectl-chart")
        .args(["create", "mychart"])
        .current_dir(&dir)
        .output()
        .expect("run kubectl-chart");
    assert!(out.status.success());
    assert_eq!(
        files(&dir.join("mychart")),
        files(&shared.join("corpus/charts/helm-create-mychart"))
    );
}

#[test]
fn create_errors_read_like_helm() {
    let dir = scratch_dir("create-errors");
    let run = |name: &str| {
        let out = command("kubectl-chart")
            .args(["create", name])
            .current_dir(&dir)
            .output()
            .expect("run kubectl-chart");
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert_eq!(
        run("Bad Name"),
        "Error: chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\"\n"
    );
    assert_eq!(
        run(&"a".repeat(251)),
        "Error: chart name must be between 1 and 250 characters\n"
    );
    let abs = dir.canonicalize().expect("canonical dir");
    assert_eq!(
        run("missing/x"),
        format!(
            "Error: stat {}/missing: no such file or directory\n",
            abs.display()
        )
    );
}
