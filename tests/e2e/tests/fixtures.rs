//! Our own small charts (`tests/e2e/fixtures/charts`) with goldens recorded
//! from Helm 3.10.1 (`../shared/tools/helm-oracle template …` run in that
//! folder): document splitting quirks, hooks, `--skip-tests`, `--no-hooks`,
//! `--show-only` and its error.

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
