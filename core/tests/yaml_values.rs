//! Values files parsed as Helm parses them, against fixtures recorded from
//! the real Helm by `scripts/oracle-yaml values`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use chart_core::source::SourceId;
use chart_core::template::Value;
use chart_core::yaml::{PathSeg, parse_values};

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/yaml")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `=== name` headers, bodies up to the next header (as the generator reads them).
fn cases(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, Vec<&str>)> = None;
    for line in text.split('\n') {
        if let Some(name) = line.strip_prefix("=== ") {
            if let Some((n, b)) = cur.take() {
                out.push((n, b.join("\n")));
            }
            cur = Some((name.trim().to_string(), Vec::new()));
        } else if let Some((_, b)) = cur.as_mut() {
            b.push(line);
        }
    }
    if let Some((n, b)) = cur {
        out.push((n, b.join("\n")));
    }
    out
}

#[test]
fn values_files_match_helm() {
    let inputs = cases(&fixture("values_cases.txt"));
    let expected: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&fixture("values_expected.json")).unwrap();
    assert_eq!(inputs.len(), expected.len(), "regenerate fixtures");
    let mut failures = Vec::new();
    for (name, text) in &inputs {
        let exp = &expected[name];
        let got = parse_values(text, SourceId(0));
        if let Some(json) = exp.get("json").and_then(|j| j.as_str()) {
            let want = chart_core::json::from_json(json).unwrap();
            match got {
                Ok(p) if p.value == want => {}
                Ok(p) => failures.push(format!("{name}: got {:?}\n want {want:?}", p.value)),
                Err(e) => failures.push(format!("{name}: unexpected error {e} / {}", e.go_message)),
            }
        } else {
            let want = exp["error"].as_str().unwrap();
            match got {
                Err(e) if e.helm_message() == want => {}
                Err(e) => failures.push(format!(
                    "{name}: got error {:?}\n want {want:?}",
                    e.helm_message()
                )),
                Ok(p) => failures.push(format!("{name}: no error, got {:?}; want {want}", p.value)),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
}

#[test]
fn positions_of_keys_and_values() {
    let text = "# The image\n# to run\nimage:\n  repository: nginx\n  tag: \"1.0\"\nports:\n  - 80\n  - name: http\n";
    let p = parse_values(text, SourceId(3)).unwrap();
    let tag = p.index.get_keys(&["image", "tag"]).unwrap();
    let key = tag.key_span.unwrap();
    assert_eq!(&text[key.range()], "tag");
    assert_eq!(&text[tag.value_span.range()], "\"1.0\"");
    assert_eq!(tag.value_span.source, SourceId(3));
    let image = p.index.get_keys(&["image"]).unwrap();
    assert_eq!(image.comment.as_deref(), Some("The image\nto run"));
    let item = p
        .index
        .get(&[
            PathSeg::Key("ports".into()),
            PathSeg::Index(1),
            PathSeg::Key("name".into()),
        ])
        .unwrap();
    assert_eq!(&text[item.value_span.range()], "http");
}

#[test]
fn error_positions() {
    let text = "a: 1\nb:\n  c: 1\n d: 2\n";
    let e = parse_values(text, SourceId(0)).unwrap_err();
    assert_eq!(e.pos.line, 4);
    let text = "é: [1, 2\nb: 1\n";
    let e = parse_values(text, SourceId(0)).unwrap_err();
    assert!(e.pos.line >= 1);
    assert!(e.span.start as usize <= text.len());
}

#[test]
fn non_ascii_spans_are_byte_offsets() {
    let text = "ü: 1\nnäme: wört\n";
    let p = parse_values(text, SourceId(0)).unwrap();
    let e = p.index.get_keys(&["näme"]).unwrap();
    assert_eq!(&text[e.key_span.unwrap().range()], "näme");
    assert_eq!(&text[e.value_span.range()], "wört");
    assert_eq!(p.value.get("näme"), Some(Value::str("wört")));
}

#[test]
fn documents_of_a_stream() {
    let text = "kind: A\n---\n# only a comment\n---\nkind: B\nmetadata: {name: b}\n";
    let docs = chart_core::yaml::parse_documents(text, SourceId(0)).unwrap();
    let kinds: Vec<_> = docs.iter().map(|d| d.value.get("kind")).collect();
    assert_eq!(
        kinds,
        vec![Some(Value::str("A")), None, Some(Value::str("B"))]
    );
    assert!(docs[1].value.is_nil());
    let name = docs[2].index.get_keys(&["metadata", "name"]).unwrap();
    assert_eq!(&text[name.value_span.range()], "b");
}
