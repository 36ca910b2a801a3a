//! The CLI runs as a user runs it.

use chart_e2e::command;

#[test]
fn version_prints_name() {
    let out = command("kubectl-chart")
        .arg("version")
        .output()
        .expect("run kubectl-chart");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("kubectl-chart"));
}
