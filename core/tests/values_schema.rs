//! values.schema.json validation against Helm's own failures in the corpus
//! (`cases/*-schema-error/stderr.txt`), plus the kubeVersion check case.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shared_support;

use std::path::Path;

use shared_support::{missing, shared_dir};

use chart_core::chart;
use chart_core::values::{
    ValueOptions, dependencies::process_and_coalesce, validate_against_schema,
};

/// Helm's stderr without `Error: ` and the final newline it adds.
fn helm_error(corpus: &Path, case: &str) -> String {
    let s = std::fs::read_to_string(corpus.join("cases").join(case).join("stderr.txt")).unwrap();
    let s = s.strip_prefix("Error: ").unwrap();
    s.strip_suffix('\n').unwrap().to_string()
}

fn schema_case(chart_dir: &str, set: &str, case: &str) {
    let Some(shared) = shared_dir() else {
        return missing(case, 1);
    };
    let corpus = shared.join("corpus");
    let mut c = chart::load(corpus.join("charts").join(chart_dir)).unwrap();
    let user = ValueOptions {
        values: vec![set.to_string()],
        ..Default::default()
    }
    .merge_values()
    .unwrap();
    let mut log = Vec::new();
    let values = process_and_coalesce(&mut c, &user, &mut log).unwrap();
    let err = validate_against_schema(&c, &values).unwrap_err();
    assert_eq!(err.to_string(), helm_error(&corpus, case));
}

#[test]
fn bitnami_postgresql_type_error_matches_helm() {
    schema_case(
        "bitnami-postgresql",
        "auth.postgresPassword=12345",
        "bitnami-postgresql-schema-error",
    );
}

#[test]
fn traefik_minimum_error_matches_helm() {
    schema_case("traefik", "deployment.replicas=-1", "traefik-schema-error");
}

#[test]
fn default_values_pass_every_corpus_schema() {
    let Some(shared) = shared_dir() else {
        return missing("schema defaults", 1);
    };
    let charts = shared.join("corpus/charts");
    let mut with_schema = 0;
    for entry in std::fs::read_dir(&charts).unwrap() {
        let dir = entry.unwrap().path();
        let mut c = chart::load(&dir).unwrap();
        let mut log = Vec::new();
        let values = process_and_coalesce(&mut c, &Default::default(), &mut log).unwrap();
        if c.schema.is_some() {
            with_schema += 1;
        }
        if let Err(e) = validate_against_schema(&c, &values) {
            panic!("{}: {e}", dir.display());
        }
    }
    assert!(with_schema >= 2);
}

#[test]
fn cert_manager_kube_version_error_matches_helm() {
    let Some(shared) = shared_dir() else {
        return missing("cert-manager-kube-version-error", 1);
    };
    let corpus = shared.join("corpus");
    let c = chart::load(corpus.join("charts/cert-manager")).unwrap();
    let err = chart::kubeversion::check_kube_version(&c.metadata, "v1.20.0").unwrap_err();
    let helm = helm_error(&corpus, "cert-manager-kube-version-error");
    assert_eq!(helm.lines().next().unwrap(), err);
    assert!(chart::kubeversion::check_kube_version(&c.metadata, "v1.29.0").is_ok());
}
