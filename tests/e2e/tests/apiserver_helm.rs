//! The real Helm 3.10.1 (the oracle) against the test API server: install,
//! list, upgrade, history, rollback, uninstall, `--wait` with workloads that
//! become ready and with the "never ready" switch, fault injection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chart_e2e::cluster::{TestCluster, helm_oracle};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

/// The oracle and the pacman seed chart, or `None` after reporting loudly.
fn setup(cases: usize) -> Option<(PathBuf, PathBuf)> {
    let (Some(helm), Some(shared)) = (helm_oracle(), chart_e2e::shared_dir()) else {
        if chart_e2e::report_missing_shared("helm oracle against the test API server", cases) {
            panic!("shared folder required in CI");
        }
        return None;
    };
    Some((helm, shared.join("seed-charts/pacman")))
}

fn helm(c: &TestCluster, bin: &PathBuf, args: &[&str]) -> Output {
    c.command(bin)
        .args(args)
        .arg("--kubeconfig")
        .arg(c.kubeconfig())
        .current_dir(chart_e2e::repo_root())
        .output()
        .expect("run helm-oracle")
}

fn ok(c: &TestCluster, bin: &PathBuf, args: &[&str]) -> String {
    let out = helm(c, bin, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "helm {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn release_secrets(c: &TestCluster, ns: &str) -> Vec<Value> {
    let r = c.get(&format!(
        "/api/v1/namespaces/{ns}/secrets?labelSelector=owner%3Dhelm"
    ));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["items"].as_array().cloned().unwrap_or_default()
}

fn replicas(c: &TestCluster, ns: &str, name: &str) -> Value {
    c.get(&format!("/apis/apps/v1/namespaces/{ns}/deployments/{name}"))
        .json()["spec"]["replicas"]
        .clone()
}

#[test]
fn helm_release_lifecycle() {
    let Some((bin, chart)) = setup(1) else { return };
    let chart = chart.to_string_lossy().into_owned();
    let c = TestCluster::start();
    let out = ok(&c, &bin, &["install", "pacman", &chart]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    let secrets = release_secrets(&c, "default");
    assert_eq!(secrets.len(), 1);
    assert_eq!(
        secrets[0]["metadata"]["name"],
        "sh.helm.release.v1.pacman.v1"
    );
    assert_eq!(secrets[0]["type"], "helm.sh/release.v1");
    assert_eq!(secrets[0]["metadata"]["labels"]["status"], "deployed");
    // Helm labels what it creates and the controllers made it ready.
    let d = c
        .get("/apis/apps/v1/namespaces/default/deployments/pacman")
        .json();
    assert_eq!(
        d["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(
        d["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "pacman"
    );
    assert_eq!(d["status"]["readyReplicas"], 1);

    let list = ok(&c, &bin, &["list"]);
    assert!(
        list.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("pacman") && l.contains("deployed")),
        "{list}"
    );

    ok(
        &c,
        &bin,
        &["upgrade", "pacman", &chart, "--set", "replicaCount=2"],
    );
    assert_eq!(replicas(&c, "default", "pacman"), 2);
    // The upgrade went through Helm's strategic merge patch.
    assert!(
        c.requests().iter().any(|r| r["method"] == "PATCH"
            && r["contentType"] == "application/strategic-merge-patch+json"),
        "no strategic merge patch seen"
    );

    ok(&c, &bin, &["rollback", "pacman", "1"]);
    assert_eq!(replicas(&c, "default", "pacman"), 1);
    let history = ok(&c, &bin, &["history", "pacman"]);
    let rows: Vec<&str> = history.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{history}");
    assert!(
        rows[0].contains("superseded") && rows[0].contains("Install complete"),
        "{history}"
    );
    assert!(
        rows[1].contains("superseded") && rows[1].contains("Upgrade complete"),
        "{history}"
    );
    assert!(
        rows[2].contains("deployed") && rows[2].contains("Rollback to 1"),
        "{history}"
    );
    assert_eq!(release_secrets(&c, "default").len(), 3);

    let out = ok(&c, &bin, &["uninstall", "pacman"]);
    assert!(out.contains("release \"pacman\" uninstalled"), "{out}");
    assert!(release_secrets(&c, "default").is_empty());
    assert_eq!(
        c.get("/apis/apps/v1/namespaces/default/deployments/pacman")
            .status,
        404
    );
    assert_eq!(ok(&c, &bin, &["list", "-a"]).lines().count(), 1);
}

#[test]
fn helm_wait_ready_and_never_ready() {
    let Some((bin, chart)) = setup(1) else { return };
    let chart = chart.to_string_lossy().into_owned();
    let c = TestCluster::start();
    ok(
        &c,
        &bin,
        &[
            "install",
            "ready",
            &chart,
            "-n",
            "w1",
            "--create-namespace",
            "--wait",
            "--timeout",
            "60s",
        ],
    );
    c.set_never_ready(true);
    let out = helm(
        &c,
        &bin,
        &[
            "install",
            "stuck",
            &chart,
            "-n",
            "w2",
            "--create-namespace",
            "--wait",
            "--timeout",
            "3s",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("timed out waiting for the condition"), "{err}");
    let secrets = release_secrets(&c, "w2");
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0]["metadata"]["labels"]["status"], "failed");
    let list = ok(&c, &bin, &["list", "-A"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with("ready") && l.contains("deployed")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("stuck") && l.contains("failed")),
        "{list}"
    );
}

#[test]
fn helm_sees_injected_faults() {
    let Some((bin, chart)) = setup(1) else { return };
    let chart = chart.to_string_lossy().into_owned();
    let c = TestCluster::start();
    ok(&c, &bin, &["install", "pacman", &chart]);
    c.set_faults(serde_json::json!([{"method": "PATCH", "path": "/deployments/pacman", "status": 500, "message": "injected"}]));
    let out = helm(
        &c,
        &bin,
        &["upgrade", "pacman", &chart, "--set", "replicaCount=3"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("injected"));
    c.set_faults(serde_json::json!([]));
    let history = ok(&c, &bin, &["history", "pacman"]);
    let rows: Vec<&str> = history.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{history}");
    assert!(rows[0].contains("deployed"), "{history}");
    assert!(rows[1].contains("failed"), "{history}");
}
