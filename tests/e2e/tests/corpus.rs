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
