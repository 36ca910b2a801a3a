//! The quick "certainly valid" schema check against the `jsonschema` crate:
//! whenever it says valid, `jsonschema` (as `values::schema` builds it)
//! must build the schema and find no error — on every schema of the shared
//! corpus with every case's values and with thousands of damaged copies of
//! them, and on generated schemas (well-formed and not) with generated
//! values. It must also answer for the corpus's own valid runs, else it
//! buys nothing.
//!
//! `SF_N` (damaged copies per case, generated schemas) and `SF_SEED` make
//! longer or different randomized runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shared_support;

use serde_json::{Value, json};
use shared_support::{Rng, missing, shared_dir};

use chart_core::chart::{self, Chart};
use chart_core::template::{Map, Value as TValue};
use chart_core::values::schema::values_to_json;
use chart_core::values::schema_fast::certainly_valid;
use chart_core::values::{ValueOptions, dependencies::process_and_coalesce};

/// What `values::schema` concludes: `Some(true)` valid, `Some(false)`
/// errors, `None` the schema does not build.
fn reference(schema: &Value, instance: &Value) -> Option<bool> {
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(schema)
        .ok()?;
    Some(v.iter_errors(instance).next().is_none())
}

/// Panics if the quick check accepts what `jsonschema` does not; returns
/// whether it accepted.
fn agree(schema: &Value, instance: &Value, what: &str) -> bool {
    if !certainly_valid(&serde_json::to_vec(schema).unwrap(), instance) {
        return false;
    }
    match reference(schema, instance) {
        Some(true) => true,
        Some(false) => panic!(
            "{what}: quick check accepts values jsonschema rejects\nschema: {schema}\nvalues: {instance}"
        ),
        None => panic!("{what}: quick check accepts a schema jsonschema cannot build\n{schema}"),
    }
}

fn runs() -> usize {
    std::env::var("SF_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(60)
}

/// The generator, seeded by `SF_SEED`.
fn rng(salt: u64) -> Rng {
    let seed = std::env::var("SF_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x5eed_0f5c_4e7a_1100_u64);
    Rng((seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1)
}

/// Each (chart name, schema, values) `validate_against_schema` would check.
fn schema_inputs(c: &Chart, values: &Map, out: &mut Vec<(String, Value, Value)>) {
    if let Some(schema) = &c.schema {
        let schema: Value = serde_json::from_slice(schema).unwrap();
        out.push((
            c.name().to_string(),
            schema,
            values_to_json(&TValue::map(values.clone())),
        ));
    }
    for sub in &c.dependencies {
        let sub_values = match values.get(sub.name()) {
            Some(TValue::Map(m)) => m.snapshot(),
            _ => Map::new(),
        };
        schema_inputs(sub, &sub_values, out);
    }
}

fn strings(v: Option<&TValue>) -> Vec<String> {
    match v {
        Some(TValue::List(items)) => items
            .iter()
            .filter_map(|i| match i {
                TValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A random JSON value, small.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 8 } else { 11 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 1),
        2 => json!(rng.below(20) as i64 - 5),
        3 => json!(*rng.pick(&[0.5, -1.25, 3.0, 1e300, 65536.0])),
        4 => json!(*rng.pick(&[
            "",
            "a",
            "true",
            "IfNotPresent",
            "Always",
            "é",
            "10Mi",
            "a\r",
            "e\n"
        ])),
        5 => json!(*rng.pick(&[i64::MAX, -1, 0, 1, 9_007_199_254_740_993])),
        6 => json!(u64::MAX - 2 + rng.below(3) as u64),
        7 => json!(*rng.pick(&["ClusterIP", "x".repeat(300).as_str(), "1"])),
        8 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let keys = [
                "enabled",
                "name",
                "image",
                "x",
                "type",
                "port",
                "annotations",
            ];
            Value::Object(
                (0..rng.below(4))
                    .map(|_| (rng.pick(&keys).to_string(), random_value(rng, depth + 1)))
                    .collect(),
            )
        }
    }
}

/// A copy of `v` with one node replaced, removed or given a new key.
fn damage(v: &Value, rng: &mut Rng) -> Value {
    let mut out = v.clone();
    // A random path down, as a JSON pointer.
    let mut pointer = String::new();
    let mut at = v;
    let mut remove = None;
    for _ in 0..12 {
        if rng.below(4) == 0 {
            break;
        }
        match at {
            Value::Object(m) if !m.is_empty() => {
                let (k, next) = m.iter().nth(rng.below(m.len())).unwrap();
                if rng.below(6) == 0 {
                    remove = Some(k.clone());
                    break;
                }
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                at = next;
            }
            Value::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                pointer.push_str(&format!("/{i}"));
                at = &a[i];
            }
            _ => break,
        }
    }
    let target = out.pointer_mut(&pointer).unwrap();
    match (target, remove) {
        (Value::Object(m), Some(k)) => {
            m.remove(&k);
        }
        (Value::Object(m), None) if rng.below(2) == 0 => {
            let k = rng
                .pick(&["extra", "enabled", "name", "weird key"])
                .to_string();
            m.insert(k, random_value(rng, 1));
        }
        (t, _) => *t = random_value(rng, 1),
    }
    out
}

fn text(v: Option<TValue>) -> String {
    match v {
        Some(TValue::String(s)) => s.to_string(),
        _ => String::new(),
    }
}

#[test]
fn corpus_schemas_with_each_cases_values_and_damaged_copies() {
    let Some(shared) = shared_dir() else {
        return missing("schema_fast corpus", 1);
    };
    let corpus = shared.join("corpus");
    let index = std::fs::read_to_string(corpus.join("cases.yaml")).unwrap();
    let index = chart_core::yaml::parse_value(&index, Default::default())
        .unwrap()
        .value;
    let Some(TValue::List(cases)) = index.get("cases") else {
        panic!("no cases in cases.yaml");
    };
    let (mut inputs, mut accepted, mut valid) = (0, 0, 0);
    let (mut damaged, mut damaged_accepted) = (0, 0);
    let mut rng = rng(1);
    for case in cases.iter() {
        let id = text(case.get("id"));
        let chart_dir = text(case.get("chart"));
        let Ok(mut c) = chart::load(corpus.join(&chart_dir)) else {
            continue;
        };
        let user = ValueOptions {
            value_files: strings(case.get("values_files").as_ref())
                .iter()
                .map(|f| corpus.join(f).to_string_lossy().to_string())
                .collect(),
            values: strings(case.get("set").as_ref()),
            ..Default::default()
        }
        .merge_values()
        .unwrap();
        let mut log = Vec::new();
        let Ok(values) = process_and_coalesce(&mut c, &user, &mut log) else {
            continue;
        };
        let mut found = Vec::new();
        schema_inputs(&c, &values, &mut found);
        for (name, schema, instance) in found {
            let what = format!("{id} ({name})");
            inputs += 1;
            let ok = reference(&schema, &instance).expect("corpus schema builds");
            valid += usize::from(ok);
            let answered = agree(&schema, &instance, &what);
            if ok && !answered {
                eprintln!("schema_fast: left to jsonschema: {what}");
            }
            accepted += usize::from(answered);
            for n in 0..runs() {
                let copy = damage(&instance, &mut rng);
                damaged += 1;
                damaged_accepted += usize::from(agree(&schema, &copy, &format!("{what} #{n}")));
            }
        }
    }
    eprintln!(
        "schema_fast: {inputs} corpus inputs ({valid} valid), {accepted} answered; \
         {damaged} damaged copies, {damaged_accepted} answered valid"
    );
    assert!(inputs >= 25, "only {inputs} schema inputs in the corpus");
    assert!(
        accepted == valid,
        "quick check answered only {accepted} of {valid} valid corpus inputs"
    );
    assert!(damaged_accepted > 0);
}

#[test]
fn handwritten_cases() {
    let cases: &[(Value, Value, bool)] = &[
        (json!({"type": "integer"}), json!(3), true),
        (json!({"type": "integer"}), json!(3.0), true),
        (json!({"type": "integer"}), json!(3.5), false),
        (json!({"type": ["string", "null"]}), json!(null), true),
        (json!({"type": "strin"}), json!("a"), false),
        (
            json!({"type": "string", "enum": ["a", "b"]}),
            json!("b"),
            true,
        ),
        (json!({"enum": [1, "a"]}), json!(1.0), true),
        (json!({"enum": []}), json!(1), false),
        (json!({"minimum": 1, "maximum": 3}), json!(3), true),
        (json!({"exclusiveMaximum": 3}), json!(3), false),
        (json!({"minimum": "1"}), json!(3), false),
        (json!({"maxLength": 2}), json!("éé"), true),
        (json!({"maxLength": 2.5}), json!("é"), false),
        (
            json!({"properties": {"a": {"type": "string"}}, "required": ["a"], "additionalProperties": false}),
            json!({"a": "x"}),
            true,
        ),
        (
            json!({"properties": {"a": {"type": "string"}}, "additionalProperties": false}),
            json!({"a": "x", "b": 1}),
            false,
        ),
        (json!({"required": ["a", "a"]}), json!({"a": 1}), false),
        (
            json!({"$defs": {"p": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/p"}}}),
            json!({"a": 1}),
            true,
        ),
        (
            json!({"definitions": {"p": {"type": "integer"}}, "properties": {"a": {"$ref": "#/definitions/p", "description": "x"}}}),
            json!({"a": 1}),
            true,
        ),
        // A `$ref` beside an assertion: draft 7 ignores it, later drafts
        // do not.
        (
            json!({"definitions": {"p": {"type": "integer"}}, "properties": {"a": {"$ref": "#/definitions/p", "type": "string"}}}),
            json!({"a": 1}),
            true,
        ),
        (
            json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "definitions": {"p": {"type": "integer"}}, "properties": {"a": {"$ref": "#/definitions/p", "type": "string"}}}),
            json!({"a": 1}),
            false,
        ),
        (
            json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "definitions": {"p": {"type": "integer"}}, "properties": {"a": {"$ref": "#/definitions/p", "description": "d"}}}),
            json!({"a": 1}),
            true,
        ),
        (
            json!({"patternProperties": {".*": {"type": "integer"}}, "additionalProperties": false}),
            json!({"a": 1, "b": 2}),
            true,
        ),
        (
            json!({"patternProperties": {".*": {"type": "integer"}}}),
            json!({"a": 1, "b": "x"}),
            false,
        ),
        (
            json!({"patternProperties": {"^a": {"type": "integer"}}, "additionalProperties": {"type": "string"}}),
            json!({"a": 1, "b": "x"}),
            true,
        ),
        (
            json!({"patternProperties": {"^a": {"type": "integer"}}, "additionalProperties": {"type": "string"}}),
            json!({"ab": "x"}),
            false,
        ),
        (
            json!({"patternProperties": {"^\\w": {"type": "integer"}}}),
            json!({"a": 1}),
            false,
        ),
        (
            json!({"properties": {"a": {"$ref": "#/nowhere"}}}),
            json!({}),
            false,
        ),
        (
            json!({"properties": {"a": {"$ref": "other.json#/x"}}}),
            json!({}),
            false,
        ),
        (
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            json!(2),
            true,
        ),
        (
            json!({"oneOf": [{"type": "number"}, {"type": "integer"}]}),
            json!(2),
            false,
        ),
        (json!({"not": {"type": "string"}}), json!(2), true),
        (json!({"items": {"type": "string"}}), json!(["a", 1]), false),
        (
            json!({"items": [{"type": "string"}]}),
            json!(["a", 1]),
            true,
        ),
        (json!({"format": "ipv4"}), json!("1.2.3.4"), false),
        (json!({"format": "ipv4"}), json!(7), true),
        (json!({"format": "no-such-format"}), json!(7), false),
        (json!({"pattern": "^a+$"}), json!(7), true),
        (json!({"pattern": "^a+$"}), json!("aa"), true),
        (json!({"pattern": "^a+$"}), json!("ab"), false),
        (json!({"pattern": "^a.$"}), json!("a\r"), false),
        (json!({"pattern": "b"}), json!("abc"), true),
        (json!({"pattern": "\\d"}), json!("1"), false),
        (json!({"pattern": "(?i)a"}), json!(7), false),
        (json!({"pattern": "^[a-f0-9]{64}$"}), json!(null), true),
        (json!({"uniqueItems": true}), json!([1, 2]), false),
        (json!({"title": 5}), json!(1), false),
        (json!({"form": true, "sliderMin": 1}), json!(1), true),
        (
            json!({"properties": {"a": {"$schema": "x"}}}),
            json!({}),
            false,
        ),
        (
            json!({"$schema": "http://json-schema.org/draft-04/schema#"}),
            json!(1),
            false,
        ),
        (json!(true), json!(1), true),
        (json!(false), json!(1), false),
    ];
    for (schema, instance, expect) in cases {
        let got = agree(schema, instance, "handwritten");
        assert_eq!(got, *expect, "schema {schema} values {instance}");
    }
}

#[test]
fn repeated_keys_and_bad_json_are_left_to_jsonschema() {
    // serde_json (and so jsonschema) keeps the last of repeated keys.
    let texts = [
        r#"{"type": "string", "type": "integer"}"#,
        r#"{"not": {"type": "string", "type": "integer"}}"#,
        r#"{"properties": {"a": {"type": "string"}, "a": true}}"#,
        r#"{"type": "integer""#,
        r#"{"minimum": 1e400}"#,
    ];
    for text in texts {
        assert!(!certainly_valid(text.as_bytes(), &json!(5)), "{text}");
        assert!(
            !certainly_valid(text.as_bytes(), &json!({"a": 1})),
            "{text}"
        );
    }
    // Escaped strings are read like any other.
    let escaped = r#"{"properties": {"a\u0062": {"enum": ["\u00e9"]}}}"#;
    assert!(certainly_valid(escaped.as_bytes(), &json!({"ab": "é"})));
    assert!(!certainly_valid(escaped.as_bytes(), &json!({"ab": "e"})));
}

/// A random schema from the keywords the quick check knows, some of them
/// malformed, and some it does not know.
fn random_schema(rng: &mut Rng, depth: usize, defs: &[&str]) -> Value {
    if depth > 3 || rng.below(8) == 0 {
        return match rng.below(6) {
            0 => json!(true),
            1 => json!(false),
            _ => {
                json!({"type": *rng.pick(&["string", "integer", "number", "object", "array", "boolean", "null"])})
            }
        };
    }
    let mut m = serde_json::Map::new();
    for _ in 0..1 + rng.below(4) {
        let (k, v) = match rng.below(26) {
            0 => (
                "type",
                json!(*rng.pick(&["string", "integer", "number", "object", "null", "strin"])),
            ),
            1 => (
                "type",
                json!(["string", *rng.pick(&["null", "integer", "string"])]),
            ),
            2 => (
                "enum",
                json!([*rng.pick(&["a", "ClusterIP"]), 1, null, true]),
            ),
            3 => ("const", random_value(rng, 2)),
            4 => ("minimum", json!(*rng.pick(&[0.0, 1.5, -3.0]))),
            5 => ("maximum", json!(rng.below(10))),
            6 => (
                "exclusiveMinimum",
                json!(*rng.pick(&[json!(0), json!(true)])),
            ),
            7 => (
                "minLength",
                json!(*rng.pick(&[json!(1), json!(-1), json!(2.0)])),
            ),
            8 => ("maxItems", json!(rng.below(3))),
            9..=11 => {
                let mut props = serde_json::Map::new();
                for _ in 0..1 + rng.below(3) {
                    let key = rng
                        .pick(&["enabled", "name", "image", "x", "type", "port"])
                        .to_string();
                    props.insert(key, random_schema(rng, depth + 1, defs));
                }
                ("properties", Value::Object(props))
            }
            12 => ("required", json!([*rng.pick(&["name", "x", "enabled"])])),
            13 => ("additionalProperties", random_schema(rng, depth + 1, defs)),
            14 => ("items", random_schema(rng, depth + 1, defs)),
            15 => ("items", json!([random_schema(rng, depth + 1, defs)])),
            16 => (
                "anyOf",
                json!([
                    random_schema(rng, depth + 1, defs),
                    random_schema(rng, depth + 1, defs)
                ]),
            ),
            17 => (
                "oneOf",
                json!([
                    random_schema(rng, depth + 1, defs),
                    random_schema(rng, depth + 1, defs)
                ]),
            ),
            18 => ("allOf", json!([random_schema(rng, depth + 1, defs)])),
            19 => ("not", random_schema(rng, depth + 1, defs)),
            20 => ("$ref", json!(format!("#/definitions/{}", rng.pick(defs)))),
            21 => ("format", json!(*rng.pick(&["ipv4", "uri", "bogus"]))),
            22 => (
                "pattern",
                json!(*rng.pick(&["^a", "[", "\\d+", "^[a-z]+$", "e|^$"])),
            ),
            23 => ("uniqueItems", json!(true)),
            24 => ("description", json!(*rng.pick(&[json!("d"), json!(1)]))),
            _ => (
                "patternProperties",
                json!({*rng.pick(&["^x", ".*", "a|e", "("]): random_schema(rng, depth + 1, defs)}),
            ),
        };
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

#[test]
fn generated_schemas_and_values() {
    let mut rng = rng(2);
    let n = runs() * 100;
    let (mut accepted, mut total) = (0, 0);
    for i in 0..n {
        let defs = ["a", "b", "missing"];
        let mut schema = random_schema(&mut rng, 0, &defs);
        if let Value::Object(m) = &mut schema {
            let a = random_schema(&mut rng, 2, &defs);
            let b = random_schema(&mut rng, 2, &["a"]);
            m.insert("definitions".into(), json!({"a": a, "b": b}));
        }
        for _ in 0..4 {
            let instance = random_value(&mut rng, 0);
            total += 1;
            accepted += usize::from(agree(&schema, &instance, &format!("generated #{i}")));
        }
    }
    eprintln!("schema_fast: {total} generated inputs, {accepted} answered valid");
    assert!(accepted * 50 > total, "only {accepted} of {total} answered");
}
