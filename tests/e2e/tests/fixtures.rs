//! Our own small charts (`tests/e2e/fixtures/charts`) with goldens recorded
//! from Helm 3.10.1 (`../shared/tools/helm-oracle template …` run in that
//! folder): document splitting quirks, hooks, `--skip-tests`, `--no-hooks`,
//! `--show-only` and its error, `.Chart` as JSON.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: failing loudly is the point

use chart_e2e::golden::{self, Case, Tally};
use chart_e2e::{bin, repo_root};

/// (id, arguments after `helm`, golden stdout, golden stderr, exit status)
const CASES: &[(&str, &str, &str, Option<&str>, i32)] = &[
    (
        "manifest-split",
        "template x manifest-split",
        "manifest-split.yaml",
        Some("manifest-split.stderr"),
        0,
    ),
    (
        "manifest-split-skip-tests",
        "template x manifest-split --skip-tests",
        "manifest-split-skip-tests.yaml",
        None,
        0,
    ),
    (
        "manifest-split-no-hooks",
        "template x manifest-split --no-hooks",
        "manifest-split-no-hooks.yaml",
        None,
        0,
    ),
    (
        "manifest-split-show-only",
        "template x manifest-split -s templates/sub/hooks.yaml -s templates/c*.yaml",
        "manifest-split-show-only.yaml",
        None,
        0,
    ),
    (
        "manifest-split-show-only-missing",
        "template x manifest-split -s templates/nope.yaml",
        "empty.yaml",
        Some("manifest-split-show-only-missing.stderr"),
        1,
    ),
    (
        "delims-braces",
        "template demo delims-braces",
        "delims.yaml",
        None,
        0,
    ),
    (
        "show-chart",
        "show chart show-chart",
        "show-chart.txt",
        None,
        0,
    ),
    (
        "show-values",
        "show values show-chart",
        "show-values.txt",
        None,
        0,
    ),
    (
        "show-readme",
        "show readme show-chart",
        "show-readme.txt",
        None,
        0,
    ),
    (
        "show-crds",
        "show crds show-chart",
        "show-crds.txt",
        None,
        0,
    ),
    ("show-all", "show all show-chart", "show-all.txt", None, 0),
    (
        "delims-angles",
        "template demo delims-angles",
        "delims.yaml",
        None,
        0,
    ),
    // `toJson` keeps Go's struct field order for `.Chart`, its maintainers
    // and dependencies; `toYaml` sorts them (JSON round trip).
    (
        "chart-object-json",
        "template x chart-object-json",
        "chart-object-json.yaml",
        Some("chart-object-json.stderr"),
        0,
    ),
];

/// Cases that do not pass yet; the test fails if one starts passing.
const KNOWN_FAILING: &[&str] = &[];

#[test]
fn fixture_charts_match_helm() {
    let fixtures = repo_root().join("tests/e2e/fixtures");
    let charts = fixtures.join("charts");
    let goldens = fixtures.join("goldens");
    let kc = bin("kubectl-chart");
    let mut tally = Tally::default();
    for (id, args, out, err, status) in CASES {
        let mut argv = vec!["helm".to_string()];
        argv.extend(args.split(' ').map(str::to_string));
        let case = Case {
            id: id.to_string(),
            args: argv,
            golden: out.to_string(),
            stderr: err.map(str::to_string),
            exit_status: *status,
            deterministic: true,
            nondeterministic: None,
            run_from: None,
            median_ms: None,
            peak_rss_kb: None,
        };
        let result = golden::run_ours(&kc, &case, &charts)
            .map_err(|e| e.to_string())
            .and_then(|o| golden::check(&case, &goldens, &o));
        tally.record(id, KNOWN_FAILING, result);
    }
    let problems = tally.report("fixtures");
    assert!(problems.is_empty(), "fixtures: {}", problems.join("; "));
}

/// `lint` cases: (golden id, arguments after `lint`). Goldens in
/// `fixtures/goldens/lint/ID.{stdout,stderr,status}` were recorded with
/// `../shared/tools/helm-oracle lint ARGS` run in `fixtures/charts`; Helm
/// prints the chart's absolute directory for dependency problems, stored
/// there as `<CHARTS>`.
const LINT_CASES: &[(&str, &str)] = &[
    ("objects", "lint-objects"),
    ("objects-quiet-strict", "lint-objects --quiet --strict"),
    ("chartfile", "lint-chartfile"),
    ("types", "lint-types"),
    ("values", "lint-values"),
    ("noversion", "lint-noversion"),
    ("decode", "lint-decode"),
    ("schema", "lint-schema"),
    ("schema-set", "lint-schema --set replicas=3,image=x,name=a"),
    ("subcharts", "lint-subcharts --with-subcharts"),
    (
        "several",
        "lint-subcharts lint-schema missing-chart --strict",
    ),
    (
        "quiet-several",
        "lint-types delims-braces missing-chart --quiet",
    ),
    ("clean", "show-chart"),
    ("archive", "lint-archive.tgz missing.tgz"),
];

#[test]
fn lint_matches_helm() {
    let fixtures = repo_root().join("tests/e2e/fixtures");
    let charts = fixtures.join("charts");
    let goldens = fixtures.join("goldens/lint");
    let kc = bin("kubectl-chart");
    // Git keeps no empty directories; `lint-types` needs its empty templates/.
    std::fs::create_dir_all(charts.join("lint-types/templates")).expect("create templates/");
    let mut failures = Vec::new();
    for (id, args) in LINT_CASES {
        let out = std::process::Command::new(&kc)
            .arg("lint")
            .args(args.split(' '))
            .current_dir(&charts)
            .env_remove("KUBECONFIG")
            .output()
            .expect("run kubectl-chart");
        let read = |ext: &str| {
            std::fs::read_to_string(goldens.join(format!("{id}.{ext}")))
                .unwrap_or_else(|e| panic!("golden {id}.{ext}: {e}"))
        };
        let stdout =
            String::from_utf8_lossy(&out.stdout).replace(&charts.display().to_string(), "<CHARTS>");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let status = out.status.code().unwrap_or(-1).to_string();
        for (what, golden, ours) in [
            ("stdout", read("stdout"), stdout.to_string()),
            ("stderr", read("stderr"), stderr.to_string()),
            ("status", read("status").trim().to_string(), status),
        ] {
            if golden != ours {
                failures.push(format!(
                    "{id} {what}: {}",
                    golden::first_difference(golden.as_bytes(), ours.as_bytes())
                ));
            }
        }
    }
    println!(
        "lint fixtures: {} passed, {} failed",
        LINT_CASES.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "lint: {}", failures.join("\n"));
}
