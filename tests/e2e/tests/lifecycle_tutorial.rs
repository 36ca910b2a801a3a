//! The tutorial, run as a user runs it: `kubectl-chart` against the test
//! API server, with the Helm oracle reading and writing the same release
//! Secrets. Expected statuses, descriptions and messages are Helm 3's;
//! where the oracle is available its output for the same release is the
//! expected output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chart_e2e::cluster::{TestCluster, helm_oracle, kubectl};
use chart_e2e::{bin, report_missing_shared, shared_dir};
use serde_json::Value;

fn seed_dir() -> Option<PathBuf> {
    shared_dir().map(|d| d.join("seed-charts"))
}

fn run(mut cmd: Command) -> Output {
    cmd.output().expect("run command")
}

fn ours(c: &TestCluster, cwd: &Path, args: &[&str]) -> Output {
    let mut cmd = c.command(bin("kubectl-chart"));
    cmd.current_dir(cwd).args(args);
    run(cmd)
}

fn ok(c: &TestCluster, cwd: &Path, args: &[&str]) -> String {
    let out = ours(c, cwd, args);
    assert!(
        out.status.success(),
        "kubectl-chart {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn helm(c: &TestCluster, cwd: &Path, args: &[&str]) -> Option<Output> {
    let oracle = helm_oracle()?;
    let mut cmd = c.command(oracle);
    cmd.current_dir(cwd).args(args);
    Some(run(cmd))
}

/// `[(revision, status, description)]` from our `history -o json`.
fn history(c: &TestCluster, cwd: &Path, name: &str, ns: &str) -> Vec<(i64, String, String)> {
    let out = ok(c, cwd, &["history", name, "-n", ns, "-o", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap(),
                r["status"].as_str().unwrap().to_string(),
                r["description"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn release_secrets(c: &TestCluster, ns: &str) -> Vec<Value> {
    let r = c.get(&format!(
        "/api/v1/namespaces/{ns}/secrets?labelSelector=owner%3Dhelm"
    ));
    r.json()["items"].as_array().cloned().unwrap_or_default()
}

fn deployment(c: &TestCluster, ns: &str, name: &str) -> Value {
    c.get(&format!("/apis/apps/v1/namespaces/{ns}/deployments/{name}"))
        .json()
}

/// A copy of the pacman chart with appVersion and image tag 1.1.0.
fn pacman_110(seed: &Path, dir: &Path) -> PathBuf {
    let dst = dir.join("pacman-1.1.0");
    std::fs::create_dir_all(dst.join("templates")).unwrap();
    for f in [
        "Chart.yaml",
        "values.yaml",
        "templates/_helpers.tpl",
        "templates/deployment.yaml",
        "templates/service.yaml",
    ] {
        let text = std::fs::read_to_string(seed.join("pacman").join(f)).unwrap();
        let text = text
            .replace("appVersion: \"1.0.0\"", "appVersion: \"1.1.0\"")
            .replace("tag: \"1.0.0\"", "tag: \"1.1.0\"");
        std::fs::write(dst.join(f), text).unwrap();
    }
    dst
}

fn image(c: &TestCluster, ns: &str, name: &str) -> String {
    deployment(c, ns, name)["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Compares our output with the oracle's for the same read-only command.
fn same_as_helm(c: &TestCluster, cwd: &Path, args: &[&str]) -> bool {
    let Some(theirs) = helm(c, cwd, args) else {
        return false;
    };
    let mine = ours(c, cwd, args);
    assert_eq!(
        String::from_utf8_lossy(&mine.stdout),
        String::from_utf8_lossy(&theirs.stdout),
        "stdout of {args:?} differs from helm's"
    );
    assert_eq!(
        mine.status.code(),
        theirs.status.code(),
        "exit code of {args:?}"
    );
    true
}

#[test]
fn tutorial_pacman_install_upgrade_get_uninstall() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("lifecycle tutorial", 1));
        return;
    };
    let c = TestCluster::start();
    let out = ok(&c, &seed, &["install", "pacman", "./pacman"]);
    assert!(out.starts_with("NAME: pacman\nLAST DEPLOYED: "), "{out}");
    assert!(
        out.ends_with("NAMESPACE: default\nSTATUS: deployed\nREVISION: 1\nTEST SUITE: None\n"),
        "{out}"
    );
    let list = ok(&c, &seed, &["list"]);
    assert!(
        list.starts_with("NAME  \tNAMESPACE\tREVISION\tUPDATED"),
        "{list}"
    );
    assert!(
        list.contains("\tdeployed\tpacman-0.1.0\t1.0.0      \n"),
        "{list}"
    );
    assert_eq!(
        history(&c, &seed, "pacman", "default"),
        vec![(1, "deployed".into(), "Install complete".into())]
    );

    // Release Secret exactly as Helm names and labels it.
    let secrets = release_secrets(&c, "default");
    assert_eq!(secrets.len(), 1);
    assert_eq!(
        secrets[0]["metadata"]["name"],
        "sh.helm.release.v1.pacman.v1"
    );
    assert_eq!(secrets[0]["type"], "helm.sh/release.v1");

    let out = ok(
        &c,
        &seed,
        &[
            "upgrade",
            "pacman",
            "./pacman",
            "--reuse-values",
            "--set",
            "replicaCount=2",
        ],
    );
    assert!(
        out.starts_with("Release \"pacman\" has been upgraded. Happy Helming!\nNAME: pacman\n"),
        "{out}"
    );
    assert_eq!(deployment(&c, "default", "pacman")["spec"]["replicas"], 2);
    assert_eq!(
        ok(&c, &seed, &["get", "values", "pacman"]),
        "USER-SUPPLIED VALUES:\nreplicaCount: 2\n"
    );
    let manifest = ok(&c, &seed, &["get", "manifest", "pacman"]);
    assert!(
        manifest.starts_with(
            "---\n# Source: pacman/templates/service.yaml\napiVersion: v1\nkind: Service\n"
        ),
        "{manifest}"
    );
    assert!(manifest.contains("replicas: 2\n"));
    assert!(
        !manifest.contains("managed-by"),
        "ownership metadata is not stored"
    );
    let all = ok(&c, &seed, &["get", "all", "pacman"]);
    assert!(
        all.contains("USER-SUPPLIED VALUES:\nreplicaCount: 2\n\nCOMPUTED VALUES:\n"),
        "{all}"
    );
    // `get metadata` (Helm 3.13+, not in the oracle): the fields of its
    // documented table and JSON forms.
    let meta = ok(&c, &seed, &["get", "metadata", "pacman"]);
    let lines: Vec<&str> = meta.lines().collect();
    assert_eq!(
        lines[..7],
        [
            "NAME: pacman",
            "CHART: pacman",
            "VERSION: 0.1.0",
            "APP_VERSION: 1.0.0",
            "NAMESPACE: default",
            "REVISION: 2",
            "STATUS: deployed",
        ],
        "{meta}"
    );
    assert!(lines[7].starts_with("DEPLOYED_AT: 20"), "{meta}");
    let meta: Value =
        serde_json::from_str(&ok(&c, &seed, &["get", "metadata", "pacman", "-o", "json"])).unwrap();
    assert_eq!(meta["revision"], 2);
    assert_eq!(meta["appVersion"], "1.0.0");
    let live = deployment(&c, "default", "pacman");
    assert_eq!(
        live["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(
        live["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "pacman"
    );

    // The oracle reads our Secrets and prints the same.
    let mut compared = 0;
    for args in [
        vec!["list"],
        vec!["history", "pacman"],
        vec!["status", "pacman"],
        vec!["get", "values", "pacman"],
        vec!["get", "values", "pacman", "-a", "-o", "json"],
        vec!["get", "manifest", "pacman"],
        vec!["get", "notes", "pacman"],
        vec!["get", "all", "pacman"],
        vec!["status", "pacman", "-o", "json"],
        vec!["history", "pacman", "-o", "yaml"],
    ] {
        if same_as_helm(&c, &seed, &args) {
            compared += 1;
        }
    }
    if compared == 0 {
        assert!(!report_missing_shared("helm oracle comparisons", 10));
    }

    let out = ok(&c, &seed, &["uninstall", "pacman"]);
    assert_eq!(out, "release \"pacman\" uninstalled\n");
    assert!(
        release_secrets(&c, "default").is_empty(),
        "no release Secrets left"
    );
    assert_eq!(
        c.get("/apis/apps/v1/namespaces/default/deployments/pacman")
            .status,
        404
    );
}

#[test]
fn tutorial_upgrade_to_new_version_and_roll_back() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("lifecycle rollback", 1));
        return;
    };
    let c = TestCluster::start();
    let v110 = pacman_110(&seed, c.dir());
    ok(&c, &seed, &["install", "pacman", "./pacman"]);
    ok(&c, &seed, &["upgrade", "pacman", v110.to_str().unwrap()]);
    assert_eq!(
        image(&c, "default", "pacman"),
        "quay.io/gitops-cookbook/pacman-kikd:1.1.0"
    );
    assert_eq!(
        ok(&c, &seed, &["rollback", "pacman", "1"]),
        "Rollback was a success! Happy Helming!\n"
    );
    assert_eq!(
        history(&c, &seed, "pacman", "default"),
        vec![
            (1, "superseded".into(), "Install complete".into()),
            (2, "superseded".into(), "Upgrade complete".into()),
            (3, "deployed".into(), "Rollback to 1".into()),
        ]
    );
    assert_eq!(
        image(&c, "default", "pacman"),
        "quay.io/gitops-cookbook/pacman-kikd:1.0.0"
    );
    let table = ok(&c, &seed, &["history", "pacman"]);
    assert!(
        table.contains("\tsuperseded\tpacman-0.1.0\t1.1.0      \tUpgrade complete\n"),
        "{table}"
    );
    same_as_helm(&c, &seed, &["history", "pacman"]);
}

#[test]
fn releases_are_shared_with_helm_both_ways() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("helm interop", 1));
        return;
    };
    let c = TestCluster::start();
    let Some(out) = helm(
        &c,
        &seed,
        &[
            "install",
            "theirs",
            "./pacman",
            "-n",
            "helmns",
            "--create-namespace",
        ],
    ) else {
        assert!(!report_missing_shared("helm interop (oracle)", 1));
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Helm's release shows in our list and history.
    let list = ok(&c, &seed, &["list", "-A"]);
    assert!(list.contains("theirs\thelmns   \t1       \t"), "{list}");
    same_as_helm(&c, &seed, &["list", "-A"]);
    same_as_helm(&c, &seed, &["history", "theirs", "-n", "helmns"]);
    // We upgrade and roll back Helm's release; Helm sees the result.
    let v110 = pacman_110(&seed, c.dir());
    ok(
        &c,
        &seed,
        &["upgrade", "theirs", v110.to_str().unwrap(), "-n", "helmns"],
    );
    assert_eq!(
        image(&c, "helmns", "pacman"),
        "quay.io/gitops-cookbook/pacman-kikd:1.1.0"
    );
    ok(&c, &seed, &["rollback", "theirs", "-n", "helmns"]);
    assert_eq!(
        image(&c, "helmns", "pacman"),
        "quay.io/gitops-cookbook/pacman-kikd:1.0.0"
    );
    let theirs = helm(
        &c,
        &seed,
        &["history", "theirs", "-n", "helmns", "-o", "json"],
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&theirs.stdout).unwrap();
    let st: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap(),
                r["description"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        st,
        vec![
            ("superseded", "Install complete"),
            ("superseded", "Upgrade complete"),
            ("deployed", "Rollback to 1"),
        ]
    );
    // Our release, read and upgraded by Helm.
    ok(
        &c,
        &seed,
        &[
            "install",
            "mine",
            "./pacman",
            "-n",
            "ourns",
            "--create-namespace",
            "--set",
            "replicaCount=3",
        ],
    );
    same_as_helm(&c, &seed, &["get", "values", "mine", "-n", "ourns"]);
    same_as_helm(&c, &seed, &["history", "mine", "-n", "ourns"]);
    let up = helm(
        &c,
        &seed,
        &[
            "upgrade",
            "mine",
            "./pacman",
            "-n",
            "ourns",
            "--reuse-values",
        ],
    )
    .unwrap();
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    assert_eq!(
        history(&c, &seed, "mine", "ourns")[1],
        (2, "deployed".into(), "Upgrade complete".into())
    );
}

#[test]
fn pending_release_blocks_and_ctrl_c_leaves_a_recoverable_revision() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("pending release", 1));
        return;
    };
    let c = TestCluster::start();
    ok(&c, &seed, &["install", "pacman", "./pacman"]);
    c.set_never_ready(true);
    // First upgrade waits (never ready) ...
    let mut waiting = c.command(bin("kubectl-chart"));
    waiting
        .current_dir(&seed)
        .args([
            "upgrade",
            "pacman",
            "./pacman",
            "--set",
            "replicaCount=2",
            "--wait",
            "--timeout",
            "2m",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = waiting.spawn().unwrap();
    let mut pending = false;
    for _ in 0..200 {
        if history(&c, &seed, "pacman", "default")
            .last()
            .map(|h| h.1.clone())
            == Some("pending-upgrade".into())
        {
            pending = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(pending, "first upgrade never became pending");
    // ... so a second, concurrent one is refused with Helm's message.
    let second = ours(&c, &seed, &["upgrade", "pacman", "./pacman"]);
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&second.stderr),
        "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n"
    );
    // Ctrl-C on the first marks its revision failed, as Helm does.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Release pacman has been cancelled.\n"));
    // stderr: the plain progress lines (not a terminal), then Helm's error.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("waiting for Deployment/pacman: 0 out of 2 expected pods are ready\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("\nError: UPGRADE FAILED: context canceled\n"),
        "{stderr}"
    );
    let h = history(&c, &seed, "pacman", "default");
    assert_eq!(
        h[1],
        (
            2,
            "failed".into(),
            "Upgrade \"pacman\" failed: context canceled".into()
        )
    );
    // A later upgrade recovers.
    c.set_never_ready(false);
    ok(&c, &seed, &["upgrade", "pacman", "./pacman"]);
    assert_eq!(
        history(&c, &seed, "pacman", "default")[2],
        (3, "deployed".into(), "Upgrade complete".into())
    );
}

#[test]
fn fault_at_each_api_call_of_install_upgrade_rollback_keeps_history_consistent() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("fault injection", 1));
        return;
    };
    let charts = std::env::temp_dir().join(format!("chart-e2e-faults-{}", std::process::id()));
    let v110 = pacman_110(&seed, &charts);
    for step in ["install", "upgrade", "rollback"] {
        // Count the requests of a clean run of this step.
        let c = TestCluster::start();
        let v110 = v110.to_str().unwrap().to_string();
        let prepare = |c: &TestCluster| {
            if step != "install" {
                ok(c, &seed, &["install", "pacman", "./pacman"]);
            }
            if step == "rollback" {
                ok(c, &seed, &["upgrade", "pacman", &v110]);
            }
        };
        let act: Vec<&str> = match step {
            "install" => vec!["install", "pacman", "./pacman"],
            "upgrade" => vec!["upgrade", "pacman", &v110],
            _ => vec!["rollback", "pacman", "1"],
        };
        prepare(&c);
        c.clear_requests();
        ok(&c, &seed, &act);
        let n = c.requests().len() as u64;
        assert!(n > 2, "{step}: {n} requests");
        drop(c);
        for k in 1..=n {
            let c = TestCluster::start();
            prepare(&c);
            let before = if step == "install" {
                Vec::new()
            } else {
                history(&c, &seed, "pacman", "default")
            };
            c.fail_nth_request(k, 500);
            let out = ours(&c, &seed, &act);
            c.set_faults(serde_json::json!([]));
            let after_out = ours(&c, &seed, &["history", "pacman", "-o", "json"]);
            let after: Vec<(i64, String)> = if after_out.status.success() {
                serde_json::from_slice::<Value>(&after_out.stdout)
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        (
                            r["revision"].as_i64().unwrap(),
                            r["status"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            // Earlier revisions are never lost.
            for (rev, _, _) in &before {
                assert!(
                    after.iter().any(|a| a.0 == *rev),
                    "{step} fault {k}: revision {rev} lost: {after:?}"
                );
            }
            if !out.status.success() && after.len() > before.len() {
                let last = &after[after.len() - 1];
                assert!(
                    [
                        "failed",
                        "pending-install",
                        "pending-upgrade",
                        "pending-rollback",
                        "deployed"
                    ]
                    .contains(&last.1.as_str()),
                    "{step} fault {k}: {after:?}"
                );
            }
            // At most one deployed revision.
            assert!(
                after.iter().filter(|a| a.1 == "deployed").count() <= 1,
                "{step} fault {k}: {after:?}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&charts);
}

#[test]
fn kubectl_runs_us_as_a_plugin() {
    let Some(kubectl) = kubectl() else {
        assert!(!report_missing_shared("kubectl plugin host", 1));
        return;
    };
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("kubectl plugin", 1));
        return;
    };
    let c = TestCluster::start();
    ok(&c, &seed, &["install", "pacman", "./pacman"]);
    let bindir = bin("kubectl-chart").parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(bindir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let mut cmd = c.command(kubectl);
    cmd.current_dir(&seed)
        .env("PATH", path)
        .args(["chart", "list"]);
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("NAME  \tNAMESPACE\tREVISION\t"), "{text}");
    assert!(text.contains("pacman\tdefault  \t1       \t"), "{text}");
}

#[test]
fn atomic_install_and_upgrade_restore_the_previous_state() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("atomic", 1));
        return;
    };
    let c = TestCluster::start();
    c.set_never_ready(true);
    let out = ours(
        &c,
        &seed,
        &[
            "install",
            "pacman",
            "./pacman",
            "--atomic",
            "--timeout",
            "1s",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).ends_with(
        "Error: INSTALLATION FAILED: release pacman failed, and has been uninstalled due to atomic being set: timed out waiting for the condition\n"
    ));
    assert!(release_secrets(&c, "default").is_empty());
    assert_eq!(
        c.get("/apis/apps/v1/namespaces/default/deployments/pacman")
            .status,
        404
    );

    c.set_never_ready(false);
    ok(&c, &seed, &["install", "pacman", "./pacman"]);
    let v110 = pacman_110(&seed, c.dir());
    // The upgrade patches fine but fails at the server: the rollback restores 1.0.0.
    c.set_faults(serde_json::json!([{"method": "PATCH", "path": "deployments/pacman", "times": 1, "status": 500}]));
    let out = ours(
        &c,
        &seed,
        &[
            "upgrade",
            "pacman",
            v110.to_str().unwrap(),
            "--atomic",
            "--timeout",
            "30s",
        ],
    );
    c.set_faults(serde_json::json!([]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Error: UPGRADE FAILED: release pacman failed, and has been rolled back due to atomic being set: cannot patch \"pacman\" with kind Deployment: "),
        "{stderr}"
    );
    let h = history(&c, &seed, "pacman", "default");
    assert_eq!(h[1].1, "failed");
    assert_eq!(h[2], (3, "deployed".into(), "Rollback to 1".into()));
    assert_eq!(
        image(&c, "default", "pacman"),
        "quay.io/gitops-cookbook/pacman-kikd:1.0.0"
    );
}

/// The `checksum/config` value a golden (Helm's output) gives the Deployment.
fn golden_checksum(seed: &Path, golden: &str) -> String {
    let text = std::fs::read_to_string(seed.join("goldens").join(golden)).unwrap();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("checksum/config: "))
        .unwrap()
        .to_string()
}

fn copy_chart(from: &Path, to: &Path) {
    chart_e2e::golden::copy_dir(from, to).unwrap();
}

#[test]
fn tutorial_greetings_config_change_rolls_the_deployment() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("lifecycle greetings", 1));
        return;
    };
    let c = TestCluster::start();
    let dir = c.dir().to_path_buf();
    copy_chart(&seed.join("greetings"), &dir.join("greetings"));
    ok(&c, &dir, &["install", "greetings", "./greetings"]);
    let annotation = |c: &TestCluster| {
        deployment(c, "default", "greetings")["spec"]["template"]["metadata"]["annotations"]
            ["checksum/config"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let aloha = golden_checksum(&seed, "greetings-aloha.yaml");
    let namaste = golden_checksum(&seed, "greetings-namaste.yaml");
    assert_ne!(aloha, namaste);
    assert_eq!(annotation(&c), aloha);
    let cm = c
        .get("/api/v1/namespaces/default/configmaps/greeting-config")
        .json();
    assert_eq!(cm["data"]["greeting"], "Aloha");

    // The tutorial's edit: a new greeting in the ConfigMap template only.
    std::fs::copy(
        seed.join("goldens/greetings-namaste.configmap.yaml"),
        dir.join("greetings/templates/configmap.yaml"),
    )
    .unwrap();
    ok(&c, &dir, &["upgrade", "greetings", "./greetings"]);
    assert_eq!(annotation(&c), namaste, "pod template checksum changed");
    let cm = c
        .get("/api/v1/namespaces/default/configmaps/greeting-config")
        .json();
    assert_eq!(cm["data"]["greeting"], "Namaste");
    assert_eq!(
        history(&c, &dir, "greetings", "default"),
        vec![
            (1, "superseded".into(), "Install complete".into()),
            (2, "deployed".into(), "Upgrade complete".into()),
        ]
    );
    // The stored manifest is Helm's rendering of the edited chart.
    let manifest = ok(&c, &dir, &["get", "manifest", "greetings"]);
    let golden = std::fs::read_to_string(seed.join("goldens/greetings-namaste.yaml")).unwrap();
    assert_eq!(manifest.trim(), golden.trim());
}

/// A local chart repository serving postgresql (built with our package
/// index), for music's dependency.
fn postgresql_repo(c: &TestCluster, seed: &Path) -> chart_e2e::repo_server::RepoServer {
    let repo = c.dir().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::copy(
        seed.join("music/charts/postgresql-11.6.12.tgz"),
        repo.join("postgresql-11.6.12.tgz"),
    )
    .unwrap();
    ok(c, c.dir(), &["repo", "index", "repo"]);
    chart_e2e::repo_server::RepoServer::start(&repo, None).unwrap()
}

/// music without its `charts/`, its dependency pointing at `url`.
fn music_copy(seed: &Path, to: &Path, url: &str) {
    copy_chart(&seed.join("music"), to);
    std::fs::remove_dir_all(to.join("charts")).unwrap();
    let y = std::fs::read_to_string(to.join("Chart.yaml")).unwrap();
    std::fs::write(
        to.join("Chart.yaml"),
        y.replace("https://charts.bitnami.com/bitnami", url),
    )
    .unwrap();
}

/// Lines of an install/upgrade output without the deployment time.
fn without_time(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("LAST DEPLOYED: "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn tutorial_music_installs_with_its_postgresql_dependency() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("lifecycle music", 1));
        return;
    };
    let c = TestCluster::start_with(&["--kube-version", "v1.29.0"]);
    let server = postgresql_repo(&c, &seed);
    let dir = c.dir().to_path_buf();
    music_copy(&seed, &dir.join("music"), &server.url);
    // As the tutorial: add the repository, fetch the dependency, install.
    ok(&c, &dir, &["repo", "add", "local", &server.url]);
    let out = ok(&c, &dir, &["dependency", "update", "./music"]);
    assert!(out.contains("Saving 1 charts\n"), "{out}");
    assert_eq!(
        std::fs::read(dir.join("music/charts/postgresql-11.6.12.tgz")).unwrap(),
        std::fs::read(seed.join("music/charts/postgresql-11.6.12.tgz")).unwrap()
    );
    let out = ok(
        &c,
        &dir,
        &[
            "install",
            "music-db",
            "./music",
            "--set",
            "postgresql.auth.postgresPassword=golden-admin-pw",
        ],
    );
    assert!(out.contains("\nSTATUS: deployed\nREVISION: 1\n"), "{out}");
    // What was stored is Helm's rendering (the golden, same kube version).
    let manifest = ok(&c, &dir, &["get", "manifest", "music-db"]);
    let golden =
        std::fs::read_to_string(seed.join("goldens/music-db-fixed-admin-password.yaml")).unwrap();
    assert_eq!(manifest.trim(), golden.trim());
    // The dependency's objects are in the cluster, with the release's ownership.
    let sts = c
        .get("/apis/apps/v1/namespaces/default/statefulsets/music-db-postgresql")
        .json();
    assert_eq!(
        sts["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "music-db"
    );
    let secret = c
        .get("/api/v1/namespaces/default/secrets/music-db-postgresql")
        .json();
    assert_eq!(secret["data"]["postgres-password"], "Z29sZGVuLWFkbWluLXB3");
    assert_eq!(deployment(&c, "default", "music")["kind"], "Deployment");
    same_as_helm(&c, &dir, &["list"]);
    same_as_helm(&c, &dir, &["get", "values", "music-db", "-a"]);

    // --dependency-update fetches what charts/ lacks, for install and
    // upgrade; the progress lines are Helm's.
    music_copy(&seed, &dir.join("music-ours"), &server.url);
    music_copy(&seed, &dir.join("music-helm"), &server.url);
    let args = |chart: &str, ns: &str| {
        vec![
            "install".to_string(),
            "music-du".into(),
            chart.into(),
            "--dependency-update".into(),
            "-n".into(),
            ns.into(),
            "--create-namespace".into(),
            "--set".into(),
            "postgresql.auth.postgresPassword=pw".into(),
        ]
    };
    let oa = args("./music-ours", "du-ours");
    let o = ours(&c, &dir, &oa.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        dir.join("music-ours/charts/postgresql-11.6.12.tgz")
            .is_file()
    );
    assert!(dir.join("music-ours/Chart.lock").is_file());
    let ha = args("./music-helm", "du-helm");
    if let Some(h) = helm(&c, &dir, &ha.iter().map(String::as_str).collect::<Vec<_>>()) {
        assert!(h.status.success(), "{}", String::from_utf8_lossy(&h.stderr));
        assert_eq!(
            without_time(&String::from_utf8_lossy(&o.stdout)).replace("du-ours", "NS"),
            without_time(&String::from_utf8_lossy(&h.stdout)).replace("du-helm", "NS"),
        );
    }
    std::fs::remove_dir_all(dir.join("music-ours/charts")).unwrap();
    let out = ok(
        &c,
        &dir,
        &[
            "upgrade",
            "music-du",
            "./music-ours",
            "--dependency-update",
            "-n",
            "du-ours",
        ],
    );
    assert!(out.contains("REVISION: 2"), "{out}");
    // Without the flag a missing dependency is Helm's error.
    std::fs::remove_dir_all(dir.join("music-ours/charts")).unwrap();
    let o = ours(
        &c,
        &dir,
        &["upgrade", "music-du", "./music-ours", "-n", "du-ours"],
    );
    assert_eq!(o.status.code(), Some(1));
    std::fs::remove_dir_all(dir.join("music-helm/charts")).unwrap();
    if let Some(h) = helm(
        &c,
        &dir,
        &["upgrade", "music-du", "./music-helm", "-n", "du-helm"],
    ) {
        assert_eq!(o.stderr, h.stderr);
    }
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "Error: An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: postgresql\n"
    );
}

/// A chart whose ConfigMap shows what `lookup` saw.
fn lookup_chart(dir: &Path) -> PathBuf {
    let chart = dir.join("lk");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: lk\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        r#"{{- $cm := lookup "v1" "ConfigMap" .Release.Namespace "preexisting" }}
{{- $ns := lookup "v1" "Namespace" "ignored-for-cluster-scope" "default" }}
{{- $list := lookup "v1" "ConfigMap" .Release.Namespace "" }}
{{- $none := lookup "v1" "ConfigMap" .Release.Namespace "absent" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-seen
data:
  found: {{ dig "data" "key" "none" $cm | quote }}
  namespace: {{ dig "metadata" "name" "none" $ns | quote }}
  listed: {{ $list.items | default list | len | toString | quote }}
  kind: {{ $list.kind | default "none" | quote }}
  absent: {{ $none | len | toString | quote }}
  listrv: {{ dig "metadata" "resourceVersion" "" $list | empty | not | toString | quote }}
"#,
    )
    .unwrap();
    chart
}

/// The `data` the release's ConfigMap got in the cluster.
fn seen(c: &TestCluster, ns: &str, release: &str) -> Value {
    c.get(&format!(
        "/api/v1/namespaces/{ns}/configmaps/{release}-seen"
    ))
    .json()["data"]
        .clone()
}

#[test]
fn lookup_reads_the_cluster_on_install_and_upgrade_not_in_dry_runs() {
    let c = TestCluster::start();
    let dir = c.dir().to_path_buf();
    lookup_chart(&dir);
    let pre = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "preexisting"}, "data": {"key": "value"}});
    assert_eq!(
        c.post("/api/v1/namespaces/default/configmaps", &pre).status,
        201
    );
    ok(&c, &dir, &["install", "ours", "./lk"]);
    let data = seen(&c, "default", "ours");
    assert_eq!(data["found"], "value");
    assert_eq!(data["namespace"], "default");
    assert_eq!(data["listed"], "1");
    assert_eq!(data["kind"], "ConfigMapList");
    assert_eq!(data["absent"], "0");
    assert_eq!(data["listrv"], "true", "the list keeps its metadata");
    // Helm on the same cluster sees the same (its release is `theirs`, and
    // by then our ConfigMap is listed too).
    let helm_seen = helm(&c, &dir, &["install", "theirs", "./lk"]).map(|h| {
        assert!(h.status.success(), "{}", String::from_utf8_lossy(&h.stderr));
        seen(&c, "default", "theirs")
    });
    if let Some(h) = &helm_seen {
        let mut expected = data.clone();
        expected["listed"] = "2".into();
        assert_eq!(h, &expected);
    } else {
        assert!(!report_missing_shared("lookup vs helm", 1));
    }
    // Upgrades read the cluster as it is now.
    let changed = serde_json::json!({"data": {"key": "changed"}});
    let r = c.request(
        "PATCH",
        "/api/v1/namespaces/default/configmaps/preexisting",
        "application/merge-patch+json",
        Some(&changed.to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    ok(&c, &dir, &["upgrade", "ours", "./lk"]);
    assert_eq!(seen(&c, "default", "ours")["found"], "changed");

    // Dry runs: `--dry-run` (= client) renders lookups empty like Helm
    // 3.10; `--dry-run=server` reads the cluster; neither stores anything.
    for (flag, found) in [
        ("--dry-run", "none"),
        ("--dry-run=client", "none"),
        ("--dry-run=true", "none"),
        ("--dry-run=server", "changed"),
    ] {
        for cmd in ["install", "upgrade"] {
            let name = if cmd == "install" { "dry" } else { "ours" };
            let out = ok(&c, &dir, &[cmd, name, "./lk", flag]);
            assert!(
                out.contains(&format!("  found: \"{found}\"\n")),
                "{cmd} {flag}: {out}"
            );
            assert!(out.contains("STATUS: pending-"), "{out}");
        }
    }
    let o = ours(&c, &dir, &["install", "dry", "./lk", "--dry-run=bogus"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "Error: Invalid dry-run flag. Flag must one of the following: false, true, none, client, server\n"
    );
    assert!(
        release_secrets(&c, "default")
            .iter()
            .all(|s| s["metadata"]["labels"]["name"] != "dry"),
        "a dry run stored a release"
    );
    assert_eq!(
        history(&c, &dir, "ours", "default").len(),
        2,
        "a dry-run upgrade stored a revision"
    );
    // Helm 3.10.1's `--dry-run` prints the same (lookups empty).
    for args in [
        vec!["install", "dry", "./lk", "--dry-run"],
        vec!["upgrade", "ours", "./lk", "--dry-run"],
        vec!["upgrade", "dry", "./lk", "--install", "--dry-run"],
    ] {
        let Some(h) = helm(&c, &dir, &args) else {
            break;
        };
        let mine = ours(&c, &dir, &args);
        assert_eq!(
            without_time(&String::from_utf8_lossy(&mine.stdout)),
            without_time(&String::from_utf8_lossy(&h.stdout)),
            "{args:?}"
        );
        assert_eq!(mine.status.code(), h.status.code(), "{args:?}");
    }
    // `template` reads the cluster only with `--dry-run=server` (Helm 3.13+).
    let out = ok(&c, &dir, &["template", "t", "./lk"]);
    assert!(out.contains("  found: \"none\"\n"), "{out}");
    let out = ok(&c, &dir, &["template", "t", "./lk", "--dry-run"]);
    assert!(out.contains("  found: \"none\"\n"), "{out}");
    let out = ok(&c, &dir, &["template", "t", "./lk", "--dry-run=server"]);
    assert!(out.contains("  found: \"changed\"\n"), "{out}");
}

#[test]
fn name_template_post_renderer_and_recreate_pods_as_helm() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("install flags", 1));
        return;
    };
    let c = TestCluster::start();
    let dir = c.dir().to_path_buf();
    copy_chart(&seed.join("pacman"), &dir.join("pacman"));
    copy_chart(&seed.join("greetings"), &dir.join("greetings"));

    // --name-template: a Sprig template, no chart context.
    let out = ok(
        &c,
        &dir,
        &[
            "install",
            "./greetings",
            "--name-template",
            "nt-{{ add 1 2 }}-{{ \"X\" | lower }}",
        ],
    );
    assert!(out.starts_with("NAME: nt-3-x\n"), "{out}");
    for args in [
        vec!["install", "./greetings", "--name-template", "{{ bad"],
        vec!["install", "n", "./greetings", "--name-template", "x"],
        vec![
            "install",
            "./greetings",
            "--name-template",
            "{{ include \"a\" . }}",
        ],
        vec!["install", "./greetings", "--name-template", "Upper"],
    ] {
        let mine = ours(&c, &dir, &args);
        if let Some(h) = helm(&c, &dir, &args) {
            assert_eq!(
                String::from_utf8_lossy(&mine.stderr).replace("kubectl chart", "helm"),
                String::from_utf8_lossy(&h.stderr),
                "{args:?}"
            );
            assert_eq!(mine.status.code(), h.status.code());
        }
    }

    // --post-renderer: the program's output is what is applied and stored.
    let script = dir.join("relabel.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nsed 's/app.kubernetes.io\\/name: greetings/app.kubernetes.io\\/name: relabelled/'\necho \"# post-rendered with: $*\"\n",
    )
    .unwrap();
    let bad = dir.join("bad.sh");
    std::fs::write(&bad, "#!/bin/sh\ncat >/dev/null\necho oops >&2\nexit 3\n").unwrap();
    #[cfg(unix)]
    for p in [&script, &bad] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let pr_args = |ns: &str| {
        vec![
            "install".to_string(),
            "greetings".into(),
            "./greetings".into(),
            "-n".into(),
            ns.into(),
            "--create-namespace".into(),
            "--post-renderer".into(),
            "./relabel.sh".into(),
            "--post-renderer-args".into(),
            "a1".into(),
            "--post-renderer-args".into(),
            "b 2".into(),
        ]
    };
    let strs = |v: &[String]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let a = strs(&pr_args("pr-ours"));
    ok(&c, &dir, &a.iter().map(String::as_str).collect::<Vec<_>>());
    let live = deployment(&c, "pr-ours", "greetings");
    assert_eq!(
        live["metadata"]["labels"]["app.kubernetes.io/name"],
        "relabelled"
    );
    let manifest = ok(&c, &dir, &["get", "manifest", "greetings", "-n", "pr-ours"]);
    assert!(
        manifest.contains("# post-rendered with: a1 b 2\n"),
        "{manifest}"
    );
    let a = strs(&pr_args("pr-helm"));
    if let Some(h) = helm(&c, &dir, &a.iter().map(String::as_str).collect::<Vec<_>>()) {
        assert!(h.status.success(), "{}", String::from_utf8_lossy(&h.stderr));
        let theirs = helm(&c, &dir, &["get", "manifest", "greetings", "-n", "pr-helm"]).unwrap();
        assert_eq!(manifest, String::from_utf8_lossy(&theirs.stdout));
    }
    for args in [
        vec!["install", "x", "./greetings", "--post-renderer", "./bad.sh"],
        vec![
            "install",
            "x",
            "./greetings",
            "--post-renderer",
            "./nosuch.sh",
        ],
        vec![
            "install",
            "x",
            "./greetings",
            "--post-renderer",
            "greetings/Chart.yaml",
        ],
        vec![
            "template",
            "x",
            "./greetings",
            "--post-renderer",
            "./bad.sh",
        ],
        vec![
            "template",
            "x",
            "./greetings",
            "--post-renderer",
            "./relabel.sh",
        ],
        vec![
            "template",
            "x",
            "./greetings",
            "--post-renderer",
            "./relabel.sh",
            "-s",
            "templates/configmap.yaml",
        ],
        vec![
            "template",
            "x",
            "./greetings",
            "--post-renderer",
            "./relabel.sh",
            "-s",
            "templates/nothere.yaml",
        ],
        vec![
            "template",
            "x",
            "./greetings",
            "--post-renderer",
            "./relabel.sh",
            "--output-dir",
            "od",
        ],
    ] {
        let mine = ours(&c, &dir, &args);
        if let Some(h) = helm(&c, &dir, &args) {
            assert_eq!(
                String::from_utf8_lossy(&mine.stdout),
                String::from_utf8_lossy(&h.stdout),
                "{args:?}"
            );
            assert_eq!(
                String::from_utf8_lossy(&mine.stderr).replace("kubectl chart", "helm"),
                String::from_utf8_lossy(&h.stderr),
                "{args:?}"
            );
            assert_eq!(mine.status.code(), h.status.code(), "{args:?}");
        }
    }
    assert!(
        release_secrets(&c, "default")
            .iter()
            .all(|s| s["metadata"]["labels"]["name"] != "x"),
        "a failed post-render stored a release"
    );

    // --recreate-pods (deprecated, still honoured): an upgrade that changes
    // nothing replaces the Deployment's pods; without it they stay.
    ok(&c, &dir, &["install", "pacman", "./pacman"]);
    let pods =
        |c: &TestCluster| -> Vec<String> {
            let mut names: Vec<String> = c
            .get("/api/v1/namespaces/default/pods?labelSelector=app.kubernetes.io%2Fname%3Dpacman")
            .json()["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|p| p["metadata"]["name"].as_str().unwrap_or_default().to_string())
            .collect();
            names.sort();
            names
        };
    let before = pods(&c);
    assert!(!before.is_empty(), "the controllers made no pods");
    ok(&c, &dir, &["upgrade", "pacman", "./pacman"]);
    assert_eq!(pods(&c), before, "pods replaced without --recreate-pods");
    let o = ours(
        &c,
        &dir,
        &["upgrade", "pacman", "./pacman", "--recreate-pods"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after = pods(&c);
    assert_eq!(after.len(), before.len());
    assert!(
        after.iter().all(|p| !before.contains(p)),
        "{before:?} -> {after:?}"
    );
    // The deprecation notice, as Helm prints it.
    if let Some(h) = helm(
        &c,
        &dir,
        &["upgrade", "pacman", "./pacman", "--recreate-pods"],
    ) {
        assert!(h.status.success());
        assert_eq!(o.stderr, h.stderr);
    }
    let o = ours(&c, &dir, &["rollback", "pacman", "1", "--recreate-pods"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(pods(&c).iter().all(|p| !after.contains(p)));
}

/// A Deployment whose containers come from `.Values.containers` in order.
fn ordered_chart(dir: &Path) -> PathBuf {
    let chart = dir.join("ordered");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: ordered\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), "containers: [a, b]\n").unwrap();
    std::fs::write(
        chart.join("templates/deploy.yaml"),
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
{{- range .Values.containers }}
      - name: {{ . }}
        image: img/{{ . }}:1
{{- end }}
"#,
    )
    .unwrap();
    chart
}

fn container_names(c: &TestCluster, ns: &str, name: &str) -> Vec<String> {
    deployment(c, ns, name)["spec"]["template"]["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn upgrades_keep_the_charts_list_order_like_helm() {
    let c = TestCluster::start();
    let dir = c.dir().to_path_buf();
    ordered_chart(&dir);
    let Some(_) = helm(&c, &dir, &["install", "theirs", "./ordered"]) else {
        assert!(!report_missing_shared("list order vs helm", 1));
        return;
    };
    ok(&c, &dir, &["install", "ours", "./ordered"]);
    // A reorder, then an insertion in the middle with a removal: the live
    // list follows the chart (Helm's patches carry `$setElementOrder`).
    for (set, want) in [
        ("containers={b,a}", vec!["b", "a"]),
        ("containers={b,c,a}", vec!["b", "c", "a"]),
        ("containers={c,a}", vec!["c", "a"]),
    ] {
        let h = helm(&c, &dir, &["upgrade", "theirs", "./ordered", "--set", set]).unwrap();
        assert!(h.status.success(), "{}", String::from_utf8_lossy(&h.stderr));
        ok(&c, &dir, &["upgrade", "ours", "./ordered", "--set", set]);
        assert_eq!(container_names(&c, "default", "theirs"), want, "helm {set}");
        assert_eq!(container_names(&c, "default", "ours"), want, "ours {set}");
    }
}

/// A one-template chart.
fn tiny_chart(dir: &Path, name: &str, template: &str) {
    let chart = dir.join(name);
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
    )
    .unwrap();
    std::fs::write(chart.join("templates/t.yaml"), template).unwrap();
}

#[test]
fn bad_input_on_the_lifecycle_path_fails_like_helm() {
    let c = TestCluster::start();
    let dir = c.dir().to_path_buf();
    if helm(&c, &dir, &["version"]).is_none() {
        assert!(!report_missing_shared("bad input vs helm", 1));
        return;
    }
    tiny_chart(
        &dir,
        "unknownkind",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
    );
    tiny_chart(
        &dir,
        "noname",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
    );
    tiny_chart(
        &dir,
        "badyaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [\n",
    );
    tiny_chart(
        &dir,
        "good",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
    );
    tiny_chart(&dir, "failing", "{{ fail \"the chart says no\" }}\n");
    // Each tool installs under its own release name where a release is
    // made; errors are compared with the program name put back.
    let cases: Vec<Vec<&str>> = vec![
        vec!["install", "REL", "./unknownkind"],
        vec!["install", "REL", "./noname"],
        vec!["install", "REL", "./badyaml"],
        vec!["install", "REL", "./failing"],
        vec!["install", "REL", "./good", "-n", "no-such-namespace"],
        vec!["install", "REL", "./good", "-f", "missing-values.yaml"],
        vec!["install", "REL", "./good", "--set", "a.b[x]=1"],
        vec!["install", "REL", "./no-such-chart"],
        vec!["install", "Bad_Name", "./good"],
        vec!["upgrade", "never-installed", "./good"],
        vec!["rollback", "never-installed", "1"],
        vec!["status", "never-installed"],
        vec!["uninstall", "never-installed"],
        vec!["history", "never-installed"],
        vec!["get", "values", "never-installed"],
    ];
    for case in cases {
        let mine_args: Vec<&str> = case
            .iter()
            .map(|a| if *a == "REL" { "ours" } else { *a })
            .collect();
        let theirs_args: Vec<&str> = case
            .iter()
            .map(|a| if *a == "REL" { "theirs" } else { *a })
            .collect();
        let mine = ours(&c, &dir, &mine_args);
        let theirs = helm(&c, &dir, &theirs_args).unwrap();
        // Ours adds where a YAML error came from in the template (on its
        // own line); everything else is Helm's text.
        let mine_err: String = String::from_utf8_lossy(&mine.stderr)
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("(the offending text was produced by "))
            .collect();
        assert_eq!(
            mine_err
                .replace("kubectl chart", "helm")
                .replace("\"ours\"", "\"theirs\"")
                .replace(" ours ", " theirs "),
            String::from_utf8_lossy(&theirs.stderr),
            "{case:?}"
        );
        assert_eq!(mine.status.code(), theirs.status.code(), "{case:?}");
    }
    // Nothing was recorded for the failed installs but the failing-in-cluster
    // ones, and those are `failed` revisions as Helm records them.
    let mut names: Vec<String> = release_secrets(&c, "default")
        .iter()
        .map(|s| {
            format!(
                "{}:{}",
                s["metadata"]["labels"]["name"].as_str().unwrap_or_default(),
                s["metadata"]["labels"]["status"]
                    .as_str()
                    .unwrap_or_default()
            )
        })
        .collect();
    names.sort();
    let theirs: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("theirs:"))
        .map(|n| n.replacen("theirs:", "", 1))
        .collect();
    let mine: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("ours:"))
        .map(|n| n.replacen("ours:", "", 1))
        .collect();
    assert_eq!(mine, theirs, "{names:?}");
}

/// A chart with a CRD and a custom resource, a pre-install Job hook, a test
/// Pod and a ConfigMap kept on uninstall.
fn featureful_chart(dir: &Path) {
    let chart = dir.join("feat");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::create_dir_all(chart.join("crds")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: feat\nversion: 0.1.0\nappVersion: \"2.0\"\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("crds/widgets.yaml"),
        r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"#,
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/widget.yaml"),
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {{ .Release.Name }}-w\nspec:\n  size: 3\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/hook.yaml"),
        r#"apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-pre
  annotations:
    helm.sh/hook: pre-install
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: hook-succeeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: pre
        image: busybox
"#,
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/test.yaml"),
        r#"apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
spec:
  restartPolicy: Never
  containers:
  - name: t
    image: busybox
"#,
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/keep.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-keep\n  annotations:\n    helm.sh/resource-policy: keep\ndata:\n  a: b\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/NOTES.txt"),
        "Widget {{ .Release.Name }}-w is ready.\n",
    )
    .unwrap();
}

/// Output lines without times (deploy time, test start/end).
fn timeless(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .lines()
        .filter(|l| {
            !(l.starts_with("LAST DEPLOYED: ")
                || l.starts_with("Last Started:")
                || l.starts_with("Last Completed:"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn crds_hooks_tests_and_kept_resources_as_helm() {
    let c = TestCluster::start();
    let dir = c.dir().to_path_buf();
    featureful_chart(&dir);
    // Same release name in two namespaces: ours and Helm's.
    let both = |args: &[&str]| -> Option<(Output, Output)> {
        let with = |ns: &str| {
            let mut v: Vec<&str> = args.to_vec();
            v.extend(["-n", ns]);
            v.iter().map(|s| s.to_string()).collect::<Vec<_>>()
        };
        let o = with("ours");
        let t = with("theirs");
        let mine = ours(&c, &dir, &o.iter().map(String::as_str).collect::<Vec<_>>());
        let theirs = helm(&c, &dir, &t.iter().map(String::as_str).collect::<Vec<_>>())?;
        Some((mine, theirs))
    };
    let same = |args: &[&str]| {
        let Some((mine, theirs)) = both(args) else {
            return false;
        };
        assert_eq!(
            timeless(&mine.stdout).replace("ours", "NS"),
            timeless(&theirs.stdout).replace("theirs", "NS"),
            "stdout of {args:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&mine.stderr).replace("kubectl chart", "helm"),
            String::from_utf8_lossy(&theirs.stderr),
            "stderr of {args:?}"
        );
        assert_eq!(mine.status.code(), theirs.status.code(), "{args:?}");
        true
    };
    // Ours first: the CRD is created by us; Helm then finds it present.
    let out = ok(
        &c,
        &dir,
        &[
            "install",
            "feat",
            "./feat",
            "-n",
            "ours",
            "--create-namespace",
        ],
    );
    assert!(out.contains("NOTES:\nWidget feat-w is ready.\n"), "{out}");
    let crd = c.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");
    assert_eq!(crd.status, 200, "CRD created from crds/");
    assert!(
        crd.json()["metadata"]["labels"]["app.kubernetes.io/managed-by"].is_null(),
        "CRDs are not owned by the release"
    );
    let w = c.get("/apis/example.com/v1/namespaces/ours/widgets/feat-w");
    assert_eq!(w.status, 200);
    assert_eq!(w.json()["spec"]["size"], 3);
    // The pre-install Job ran and was deleted (hook-succeeded).
    assert_eq!(
        c.get("/apis/batch/v1/namespaces/ours/jobs/feat-pre").status,
        404
    );
    let Some(h) = helm(
        &c,
        &dir,
        &[
            "install",
            "feat",
            "./feat",
            "-n",
            "theirs",
            "--create-namespace",
        ],
    ) else {
        assert!(!report_missing_shared("hooks/crds vs helm", 1));
        return;
    };
    assert!(h.status.success(), "{}", String::from_utf8_lossy(&h.stderr));
    assert!(same(&["status", "feat"]));
    assert!(same(&["get", "hooks", "feat"]));
    assert!(same(&["get", "manifest", "feat"]));
    // `test` runs the test Pod; the status then shows the suite.
    assert!(same(&["test", "feat"]));
    assert_eq!(
        c.get("/api/v1/namespaces/ours/pods/feat-test").json()["status"]["phase"],
        "Succeeded"
    );
    assert!(same(&["status", "feat"]));
    assert_eq!(
        history(&c, &dir, "feat", "ours"),
        vec![(1, "deployed".into(), "Install complete".into())]
    );
    // Uninstall keeps the ConfigMap and says so.
    assert!(same(&["uninstall", "feat"]));
    assert_eq!(
        c.get("/api/v1/namespaces/ours/configmaps/feat-keep").status,
        200
    );
    assert_eq!(
        c.get("/apis/example.com/v1/namespaces/ours/widgets/feat-w")
            .status,
        404
    );
    assert!(release_secrets(&c, "ours").is_empty());
    // CRDs stay after uninstall, as Helm leaves them.
    assert_eq!(
        c.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
            .status,
        200
    );
}

fn with_env(
    c: &TestCluster,
    program: PathBuf,
    cwd: &Path,
    env: &[(&str, &str)],
    args: &[&str],
) -> Output {
    let mut cmd = c.command(program);
    cmd.current_dir(cwd).args(args).envs(env.iter().copied());
    run(cmd)
}

/// Release objects of a kind (`secrets`/`configmaps`) in `ns`, by name.
fn release_objects(c: &TestCluster, plural: &str, ns: &str) -> Vec<String> {
    let mut names: Vec<String> = c
        .get(&format!(
            "/api/v1/namespaces/{ns}/{plural}?labelSelector=owner%3Dhelm"
        ))
        .json()["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|o| {
            o["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn configmap_driver_and_history_max_are_shared_with_helm() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("storage drivers", 1));
        return;
    };
    let Some(oracle) = helm_oracle() else {
        assert!(!report_missing_shared("storage drivers vs helm", 1));
        return;
    };
    let c = TestCluster::start();
    let me = bin("kubectl-chart");
    let cm = [("HELM_DRIVER", "configmap")];
    let out = with_env(
        &c,
        me.clone(),
        &seed,
        &cm,
        &["install", "pacman", "./pacman"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        release_objects(&c, "configmaps", "default"),
        vec!["sh.helm.release.v1.pacman.v1"]
    );
    assert!(release_objects(&c, "secrets", "default").is_empty());
    // Helm with the same driver upgrades our release; we see its revision.
    let h = with_env(
        &c,
        oracle.clone(),
        &seed,
        &cm,
        &["upgrade", "pacman", "./pacman", "--set", "replicaCount=2"],
    );
    assert!(h.status.success(), "{}", String::from_utf8_lossy(&h.stderr));
    let o = with_env(
        &c,
        me.clone(),
        &seed,
        &cm,
        &["history", "pacman", "-o", "json"],
    );
    let hist: Value = serde_json::from_slice(&o.stdout).unwrap();
    let statuses: Vec<&str> = hist
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["superseded", "deployed"]);
    let o = with_env(&c, me.clone(), &seed, &cm, &["get", "values", "pacman"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "USER-SUPPLIED VALUES:\nreplicaCount: 2\n"
    );
    // The Secret driver does not see ConfigMap releases.
    let o = ours(&c, &seed, &["list", "-q"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "");

    // --history-max prunes the same revisions for both tools.
    for (tool, ns) in [(me.clone(), "ours"), (oracle.clone(), "theirs")] {
        let out = with_env(
            &c,
            tool.clone(),
            &seed,
            &[],
            &[
                "install",
                "pacman",
                "./pacman",
                "-n",
                ns,
                "--create-namespace",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for i in 2..=4 {
            let set = format!("replicaCount={i}");
            let out = with_env(
                &c,
                tool.clone(),
                &seed,
                &[],
                &[
                    "upgrade",
                    "pacman",
                    "./pacman",
                    "-n",
                    ns,
                    "--history-max",
                    "2",
                    "--set",
                    &set,
                ],
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let ours_left = release_objects(&c, "secrets", "ours");
    assert_eq!(ours_left, release_objects(&c, "secrets", "theirs"));
    assert_eq!(
        ours_left,
        vec![
            "sh.helm.release.v1.pacman.v3",
            "sh.helm.release.v1.pacman.v4"
        ]
    );
}

#[test]
fn upgrade_value_flags_force_and_description_as_helm() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("upgrade flags", 1));
        return;
    };
    let c = TestCluster::start();
    if helm(&c, &seed, &["version"]).is_none() {
        assert!(!report_missing_shared("upgrade flags vs helm", 1));
        return;
    }
    let steps: Vec<Vec<&str>> = vec![
        vec![
            "install",
            "pacman",
            "./pacman",
            "--create-namespace",
            "--set",
            "replicaCount=3",
            "--description",
            "first",
        ],
        // New values only: replicaCount goes back to the chart's default.
        vec!["upgrade", "pacman", "./pacman", "--set", "image.tag=1.1.0"],
        // No values: the last release's are copied.
        vec!["upgrade", "pacman", "./pacman"],
        vec![
            "upgrade",
            "pacman",
            "./pacman",
            "--reuse-values",
            "--set",
            "replicaCount=2",
        ],
        vec![
            "upgrade",
            "pacman",
            "./pacman",
            "--reset-values",
            "--set",
            "image.pullPolicy=IfNotPresent",
        ],
        vec![
            "upgrade",
            "pacman",
            "./pacman",
            "--force",
            "--set",
            "replicaCount=4",
            "--description",
            "forced",
        ],
        vec!["rollback", "pacman", "2"],
    ];
    for step in steps {
        for (ns, mine) in [("ours", true), ("theirs", false)] {
            let mut args = step.clone();
            args.extend(["-n", ns]);
            let out = if mine {
                ours(&c, &seed, &args)
            } else {
                helm(&c, &seed, &args).unwrap()
            };
            assert!(
                out.status.success(),
                "{ns} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // Same values, history and live objects for both releases.
        for args in [
            vec!["get", "values", "pacman", "-o", "json"],
            vec!["get", "values", "pacman", "-a", "-o", "json"],
            vec!["get", "manifest", "pacman"],
        ] {
            let mut a = args.clone();
            a.extend(["-n", "ours"]);
            let mine = ok(&c, &seed, &a);
            let mut a = args.clone();
            a.extend(["-n", "theirs"]);
            let theirs = helm(&c, &seed, &a).unwrap();
            assert_eq!(
                mine,
                String::from_utf8_lossy(&theirs.stdout),
                "{step:?} then {args:?}"
            );
        }
        assert_eq!(
            history(&c, &seed, "pacman", "ours"),
            history(&c, &seed, "pacman", "theirs"),
            "{step:?}"
        );
        let live = |ns: &str| {
            let d = deployment(&c, ns, "pacman");
            (
                d["spec"]["replicas"].clone(),
                d["spec"]["template"]["spec"]["containers"][0]["image"].clone(),
                d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"].clone(),
            )
        };
        assert_eq!(live("ours"), live("theirs"), "{step:?}");
    }
}

#[test]
fn reset_then_reuse_values_takes_new_chart_defaults_and_old_config() {
    // Helm 3.14's --reset-then-reuse-values (not in the 3.10.1 oracle):
    // the new chart's defaults, then the old release's user values, then
    // the new ones; --reuse-values instead keeps the old computed values.
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("reset-then-reuse", 1));
        return;
    };
    let c = TestCluster::start();
    let v110 = pacman_110(&seed, c.dir());
    let v110 = v110.to_str().unwrap();
    let image = |c: &TestCluster| image(c, "default", "pacman");
    let replicas = |c: &TestCluster| deployment(c, "default", "pacman")["spec"]["replicas"].clone();
    ok(
        &c,
        &seed,
        &["install", "pacman", "./pacman", "--set", "replicaCount=3"],
    );
    ok(&c, &seed, &["upgrade", "pacman", v110, "--reuse-values"]);
    assert_eq!(image(&c), "quay.io/gitops-cookbook/pacman-kikd:1.0.0");
    assert_eq!(replicas(&c), 3);
    ok(
        &c,
        &seed,
        &[
            "upgrade",
            "pacman",
            v110,
            "--reset-then-reuse-values",
            "--set",
            "image.pullPolicy=IfNotPresent",
        ],
    );
    assert_eq!(image(&c), "quay.io/gitops-cookbook/pacman-kikd:1.1.0");
    assert_eq!(replicas(&c), 3);
    assert_eq!(
        deployment(&c, "default", "pacman")["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
        "IfNotPresent"
    );
    assert_eq!(
        ok(&c, &seed, &["get", "values", "pacman"]),
        "USER-SUPPLIED VALUES:\nimage:\n  pullPolicy: IfNotPresent\nreplicaCount: 3\n"
    );
}

#[test]
fn cleanup_on_fail_removes_what_the_failed_upgrade_created_like_helm() {
    let Some(seed) = seed_dir() else {
        assert!(!report_missing_shared("cleanup-on-fail", 1));
        return;
    };
    let c = TestCluster::start();
    if helm(&c, &seed, &["version"]).is_none() {
        assert!(!report_missing_shared("cleanup-on-fail vs helm", 1));
        return;
    }
    // Version 1.1.0 adds a ConfigMap; the Deployment patch will fail.
    let v110 = pacman_110(&seed, c.dir());
    std::fs::write(
        v110.join("templates/extra.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pacman-extra\ndata:\n  a: b\n",
    )
    .unwrap();
    let v110 = v110.to_str().unwrap();
    let mut errs = Vec::new();
    for (ns, mine) in [("ours", true), ("theirs", false)] {
        let run_tool = |args: &[&str]| {
            if mine {
                ours(&c, &seed, args)
            } else {
                helm(&c, &seed, args).unwrap()
            }
        };
        let out = run_tool(&[
            "install",
            "pacman",
            "./pacman",
            "-n",
            ns,
            "--create-namespace",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        c.set_faults(serde_json::json!([{"method": "PATCH", "path": "deployments/pacman", "times": 1, "status": 500}]));
        let out = run_tool(&["upgrade", "pacman", v110, "-n", ns, "--cleanup-on-fail"]);
        c.set_faults(serde_json::json!([]));
        assert_eq!(out.status.code(), Some(1), "{ns}");
        errs.push(
            String::from_utf8_lossy(&out.stderr)
                .replace("kubectl chart", "helm")
                .replace(ns, "NS")
                // Each tool names itself as the field manager.
                .replace("fieldManager=kubectl-chart", "fieldManager=M")
                .replace("fieldManager=helm", "fieldManager=M"),
        );
        assert_eq!(
            c.get(&format!("/api/v1/namespaces/{ns}/configmaps/pacman-extra"))
                .status,
            404,
            "{ns}: the ConfigMap created by the failed upgrade is cleaned up"
        );
        let h = history(&c, &seed, "pacman", ns);
        assert_eq!(h[0].1, "deployed", "{ns}: {h:?}");
        assert_eq!(h[1].1, "failed", "{ns}: {h:?}");
    }
    assert_eq!(errs[0], errs[1]);
}
