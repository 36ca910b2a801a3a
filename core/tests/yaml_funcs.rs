//! The registered YAML/JSON/TOML template functions against Helm: calls in
//! fixtures/yaml/funcs_input.yaml, results (as `toJson`) recorded by
//! `scripts/oracle-yaml funcs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use chart_core::json;
use chart_core::source::SourceId;
use chart_core::template::{FuncDef, FuncTable};
use chart_core::yaml::{parse_values, register};

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/yaml")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn functions_match_helm() {
    let mut table = FuncTable::new();
    register(&mut table);
    let input = parse_values(&fixture("funcs_input.yaml"), SourceId(0)).unwrap();
    let calls = input
        .value
        .get("calls")
        .unwrap()
        .as_list()
        .unwrap()
        .to_vec();
    let expected: BTreeMap<String, BTreeMap<String, String>> =
        serde_json::from_str(&fixture("funcs_expected.json")).unwrap();
    assert_eq!(calls.len(), expected.len(), "regenerate fixtures");
    let mut failures = Vec::new();
    for call in &calls {
        let name = call.get("name").unwrap();
        let name = name.as_str().unwrap();
        let fname = call.get("fn").unwrap();
        let fname = fname.as_str().unwrap();
        let arg = call.get("arg").unwrap_or_default();
        let want = &expected[name];
        let Some(FuncDef::Native { f, .. }) = table.get(fname) else {
            failures.push(format!("{name}: {fname} not registered"));
            continue;
        };
        match (f(&[arg]), want.get("json"), want.get("error")) {
            (Ok(v), Some(j), _) => {
                let got = json::to_json(&v).unwrap();
                if &got != j {
                    failures.push(format!("{name}:\n got  {got}\n want {j}"));
                }
            }
            (Err(e), _, Some(msg)) if &e.message == msg => {}
            (got, _, _) => failures.push(format!("{name}: got {got:?}, want {want:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} calls differ:\n{}",
        failures.len(),
        calls.len(),
        failures.join("\n")
    );
}

#[test]
fn every_function_is_registered() {
    let mut table = FuncTable::new();
    register(&mut table);
    for name in [
        "toYaml",
        "fromYaml",
        "fromYamlArray",
        "toJson",
        "fromJson",
        "fromJsonArray",
        "toToml",
        "toPrettyJson",
        "toRawJson",
        "mustToJson",
        "mustToPrettyJson",
        "mustToRawJson",
        "mustFromJson",
    ] {
        assert!(table.contains(name), "{name} missing");
    }
}
