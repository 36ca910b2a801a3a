//! `toYaml`, `toJson`, `toRawJson` and `toPrettyJson` against the real Helm:
//! inputs in fixtures/yaml/toyaml_input.yaml (+ `--set` integers in
//! toyaml_set.txt), outputs recorded by `scripts/oracle-yaml encoders`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chart_core::json;
use chart_core::source::SourceId;
use chart_core::template::{Map, Value};
use chart_core::yaml::{parse_values, to_yaml};

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/yaml")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The `cases` map as Helm's templates see it (values file + `--set` ints).
fn inputs() -> Map {
    let parsed = parse_values(&fixture("toyaml_input.yaml"), SourceId(0)).unwrap();
    let mut cases = parsed.value.get("cases").unwrap().as_map().unwrap().clone();
    for line in fixture("toyaml_set.txt").lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line.split_once('=').unwrap();
        cases.insert(k.into(), Value::Int64(v.parse().unwrap()));
    }
    cases
}

fn encode(func: &str, v: &Value) -> Option<String> {
    Some(match func {
        "toYaml" => to_yaml(v),
        "toJson" => json::to_json(v).unwrap_or_default(),
        "toRawJson" => json::to_raw_json(v).unwrap_or_default(),
        "toPrettyJson" => json::to_pretty_json(v).unwrap_or_default(),
        // `None`: the call fails (Go panics on a bare nil).
        "toToml" if v.is_nil() => return None,
        "toToml" => chart_core::toml::to_toml_string(v),
        other => panic!("unknown encoder {other}"),
    })
}

fn check(func: &str) {
    let expected: BTreeMap<String, BTreeMap<String, Option<String>>> =
        serde_json::from_str(&fixture("encoders_expected.json")).unwrap();
    let mut cases = inputs();
    let all = Value::map(cases.clone());
    cases.insert("__all__".into(), all);
    assert_eq!(
        cases.len(),
        expected.len(),
        "inputs and fixtures disagree; regenerate"
    );
    let mut failures = Vec::new();
    for (name, want) in &expected {
        let input = cases
            .get(name.as_str())
            .unwrap_or_else(|| panic!("no input {name}"));
        let got = encode(func, input);
        if &got != want.get(func).unwrap() {
            failures.push(format!("{name}:\n got  {got:?}\n want {:?}", want[func]));
        }
    }
    assert!(
        failures.is_empty(),
        "{func}: {} of {} cases differ:\n{}",
        failures.len(),
        expected.len(),
        failures.join("\n")
    );
}

#[test]
fn to_yaml_matches_helm() {
    check("toYaml");
}

#[test]
fn to_json_matches_helm() {
    check("toJson");
}

#[test]
fn to_raw_json_matches_helm() {
    check("toRawJson");
}

#[test]
fn to_pretty_json_matches_helm() {
    check("toPrettyJson");
}

#[test]
fn to_toml_matches_helm() {
    check("toToml");
}

#[test]
fn unencodable_values_give_empty_output() {
    let v = Value::list(vec![Value::Float(f64::NAN)]);
    assert_eq!(to_yaml(&v), "");
    assert!(json::to_json(&v).is_err());
    assert_eq!(
        json::to_json(&Value::Float(f64::INFINITY))
            .unwrap_err()
            .message,
        "json: unsupported value: +Inf"
    );
    let bytes = Value::Bytes(Arc::from(&b"hi"[..]));
    assert_eq!(json::to_json(&bytes).unwrap(), "\"aGk=\"");
}
