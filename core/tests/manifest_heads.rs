//! The line-by-line head scan against the event scan and the full loader,
//! on every document Helm rendered for the shared corpus, and on damaged
//! copies of them: whatever it accepts must be valid YAML with the same
//! head; it must accept nearly all real manifests (else it buys nothing).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shared_support;

use shared_support::shared_dir;

use chart_core::manifest::fast_head::scan_events;
use chart_core::manifest::head::head_from_value;
use chart_core::manifest::line_head::scan_head;
use chart_core::manifest::{parse_yaml_doc, split_manifests};

/// Every document of every golden output of the corpus.
fn corpus_documents() -> Option<Vec<String>> {
    let Some(shared) = shared_dir() else {
        eprintln!(
            "\n!!! manifest_heads: shared folder not found (set CHART_SHARED_DIR or put it at ../shared): cases NOT RUN — not counted as passed\n"
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "shared folder required in CI"
        );
        return None;
    };
    let mut docs = Vec::new();
    let cases = shared.join("corpus/cases");
    let mut dirs: Vec<_> = std::fs::read_dir(&cases).unwrap().flatten().collect();
    dirs.sort_by_key(|d| d.file_name());
    for case in dirs {
        let Ok(golden) = std::fs::read_to_string(case.path().join("golden.yaml")) else {
            continue;
        };
        docs.extend(split_manifests(&golden).into_iter().map(str::to_string));
    }
    assert!(docs.len() > 500, "only {} documents", docs.len());
    Some(docs)
}

/// What the full loader makes of a document, if it is valid.
fn full(doc: &str) -> Option<chart_core::manifest::Head> {
    head_from_value(&parse_yaml_doc(doc).ok()?).ok()
}

#[test]
fn agrees_with_the_full_loader_on_the_corpus() {
    let Some(docs) = corpus_documents() else {
        return;
    };
    let (mut taken, mut total) = (0, 0);
    for doc in &docs {
        total += doc.len();
        let Some(head) = scan_head(doc) else {
            continue;
        };
        taken += doc.len();
        assert_eq!(Some(&head), full(doc).as_ref(), "{doc}");
        assert_eq!(Some(&head), scan_events(doc).as_ref(), "{doc}");
    }
    // The point of the scan: real manifests almost never need the slow path.
    assert!(
        taken * 100 >= total * 95,
        "line scan took only {taken} of {total} bytes"
    );
}

#[test]
fn accepts_only_valid_yaml_when_damaged() {
    let Some(docs) = corpus_documents() else {
        return;
    };
    const INSERTS: [&str; 16] = [
        " ", "  ", ":", ": ", "-", "- ", "\"", "'", "#", " #", "\n", "\n  ", "[", "{", "|", "\\",
    ];
    // A fixed linear congruential sequence: the same damage on every run.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let mut checked = 0;
    for doc in docs.iter().filter(|d| d.len() < 4000).step_by(3) {
        for _ in 0..12 {
            let mut bad = doc.clone();
            let mut at = next(bad.len() + 1);
            while !bad.is_char_boundary(at) {
                at -= 1;
            }
            if next(2) == 0 {
                bad.insert_str(at, INSERTS[next(INSERTS.len())]);
            } else {
                let mut end = (at + 1 + next(3)).min(bad.len());
                while !bad.is_char_boundary(end) {
                    end += 1;
                }
                bad.replace_range(at..end, "");
            }
            if let Some(head) = scan_head(&bad) {
                checked += 1;
                assert_eq!(Some(head), full(&bad), "accepted {bad:?}");
            }
        }
    }
    assert!(checked > 1000, "only {checked} damaged documents accepted");
}
