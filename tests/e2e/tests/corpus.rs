//! Every case of the shared golden corpus (`../shared/corpus/cases.yaml`),
//! run through the `kubectl-chart` binary and compared with Helm's bytes.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: failing loudly is the point

use chart_e2e::golden::{self, Tally};
use chart_e2e::{bin, report_missing_shared, shared_dir};

/// Cases that do not pass yet, each with the reason. The test fails if one
/// of them starts passing, so this list can only shrink.
const KNOWN_FAILING: &[&str] = &[];

/// Number of cases in the public corpus, reported when it is absent.
const PUBLIC_CASES: usize = 56;

#[test]
fn corpus_matches_helm() {
    let Some(shared) = shared_dir() else {
        assert!(
            !report_missing_shared("corpus", PUBLIC_CASES),
            "shared corpus missing under CI"
        );
        return;
    };
    let base = shared.join("corpus");
    let index = match golden::load_index(&base.join("cases.yaml")) {
        Ok(i) => i,
        Err(e) => panic!("corpus index: {e}"),
    };
    assert!(!index.cases.is_empty(), "corpus index lists no cases");
    let kc = bin("kubectl-chart");
    let mut tally = Tally::default();
    for case in &index.cases {
        let result = golden::run_ours(&kc, case, &base)
            .map_err(|e| format!("cannot run kubectl-chart: {e}"))
            .and_then(|out| golden::check(case, &base, &out));
        tally.record(&case.id, KNOWN_FAILING, result);
    }
    let problems = tally.report("corpus");
    assert!(problems.is_empty(), "corpus: {}", problems.join("; "));
}

/// `lint` on every corpus chart, plain and with `--with-subcharts --strict`,
/// against Helm's output recorded in `fixtures/goldens/lint-corpus`
/// (`helm-oracle lint charts/ID [--with-subcharts --strict]` run in the
/// corpus folder): stdout, stderr and exit status.
#[test]
fn corpus_lint_matches_helm() {
    let goldens = chart_e2e::repo_root().join("tests/e2e/fixtures/goldens/lint-corpus");
    let mut ids: Vec<String> = std::fs::read_dir(&goldens)
        .expect("lint-corpus goldens")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".status")
                .filter(|id| !id.ends_with(".sub"))
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    let Some(shared) = shared_dir() else {
        assert!(
            !report_missing_shared("corpus lint", ids.len() * 2),
            "shared corpus missing under CI"
        );
        return;
    };
    let base = shared.join("corpus");
    let kc = bin("kubectl-chart");
    let mut failures = Vec::new();
    let mut runs = 0;
    for id in &ids {
        for (suffix, extra) in [
            ("", &[][..]),
            (".sub", &["--with-subcharts", "--strict"][..]),
        ] {
            runs += 1;
            let out = std::process::Command::new(&kc)
                .arg("lint")
                .arg(format!("charts/{id}"))
                .args(extra)
                .current_dir(&base)
                .env_remove("KUBECONFIG")
                .output()
                .expect("run kubectl-chart");
            let read = |ext: &str| {
                std::fs::read(goldens.join(format!("{id}{suffix}.{ext}")))
                    .unwrap_or_else(|e| panic!("golden {id}{suffix}.{ext}: {e}"))
            };
            let status = out.status.code().unwrap_or(-1).to_string();
            let golden_status = String::from_utf8_lossy(&read("status")).trim().to_string();
            for (what, golden, ours) in [
                ("stdout", read("stdout"), out.stdout.clone()),
                ("stderr", read("stderr"), out.stderr.clone()),
                ("status", golden_status.into_bytes(), status.into_bytes()),
            ] {
                if golden != ours {
                    failures.push(format!(
                        "{id}{suffix} {what}: {}",
                        golden::first_difference(&golden, &ours)
                    ));
                }
            }
        }
    }
    println!(
        "corpus lint: {} passed, {} failed",
        runs - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "corpus lint:\n{}", failures.join("\n"));
}
