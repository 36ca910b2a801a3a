//! Without any cluster configured, release commands fail exactly as Helm's
//! do (client-go's localhost:8080 fallback).

use chart_e2e::command;

#[test]
fn list_without_cluster_reports_helms_error() {
    let home = std::env::temp_dir().join("kubectl-chart-e2e-nohome");
    let out = command("kubectl-chart")
        .arg("list")
        .env_remove("KUBECONFIG")
        .env_remove("HELM_NAMESPACE")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env("HOME", &home)
        .output()
        .expect("run kubectl-chart");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: Kubernetes cluster unreachable: Get \"http://localhost:8080/version\": dial tcp 127.0.0.1:8080: connect: connection refused\n"
    );
}
