//! Conformance suite: every case in `tests/cases/engine/*.cases` holds a
//! template, optional JSON values and the exact result the real Helm 3.10.1
//! produced for it (regenerate with `scripts/oracle-cases`). We render the
//! same one-template chart and compare byte for byte.
//!
//! The small Helm emulation below (data layout, `<no value>` deletion, error
//! rewriting) is test scaffolding only; the real Helm layer lives in
//! `chart_core::engine`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chart_core::source::SourceId;
use chart_core::template::{
    Delims, FuncError, FuncTable, Map, NoHost, Signature, TemplateSet, Ty, Value,
    register_builtins, register_helm_engine_funcs,
};

const TEMPLATE_NAME: &str = "c/templates/t.yaml";

#[derive(Debug, Default)]
struct Case {
    file: String,
    name: String,
    values: Option<String>,
    template: Option<String>,
    output: Option<String>,
    error: Option<String>,
}

/// Same rules as `scripts/oracle-cases`: a section runs to the line before
/// the next `=== ` header; the file's final newline is not content.
fn parse_cases(file: &str, text: &str) -> Vec<Case> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let mut cases: Vec<Case> = Vec::new();
    let mut section: Option<String> = None;
    let mut buf: Vec<&str> = Vec::new();
    fn flush(cases: &mut [Case], section: &Option<String>, buf: &[&str]) {
        let (Some(case), Some(sec)) = (cases.last_mut(), section) else {
            return;
        };
        let content = buf.join("\n");
        match sec.as_str() {
            "values" => case.values = Some(content),
            "template" => case.template = Some(content),
            "output" => case.output = Some(content),
            "error" => case.error = Some(content),
            other => panic!("{}: unknown section {other}", case.name),
        }
    }
    for line in text.split('\n') {
        if let Some(header) = line.strip_prefix("=== ") {
            flush(&mut cases, &section, &buf);
            buf.clear();
            let (word, rest) = header.split_once(' ').unwrap_or((header, ""));
            if word == "case" {
                cases.push(Case {
                    file: file.to_string(),
                    name: rest.to_string(),
                    ..Case::default()
                });
                section = None;
            } else {
                section = Some(word.to_string());
            }
            continue;
        }
        buf.push(line);
    }
    flush(&mut cases, &section, &buf);
    cases
}

fn json_to_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        // Helm reads values as YAML → JSON → interface{}: every number is float64.
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(a) => Value::list(a.iter().map(json_to_value).collect()),
        serde_json::Value::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o {
                m.insert(Arc::from(k.as_str()), json_to_value(v));
            }
            Value::map(m)
        }
    }
}

fn func_table() -> Arc<FuncTable> {
    let mut t = FuncTable::new();
    register_builtins(&mut t);
    register_helm_engine_funcs(&mut t);
    chart_core::sprig::register(&mut t);
    chart_core::yaml::funcs::register(&mut t);
    // Helm's `fail`/`required` (owned by the Helm layer): errors wrapped in
    // Helm's markers, which Helm's cleanupExecError unwraps.
    if !t.contains("fail") {
        t.add("fail", Signature::fixed(&[Ty::String]), |a| {
            let msg = a.first().and_then(Value::as_str).unwrap_or("");
            Err(FuncError::new(format!("HELM_ERR_START{msg}HELM_ERR_END")))
        });
    }
    if !t.contains("required") {
        t.add("required", Signature::fixed(&[Ty::String, Ty::Any]), |a| {
            let msg = a.first().and_then(Value::as_str).unwrap_or("");
            match a.get(1) {
                None | Some(Value::Nil) => {
                    Err(FuncError::new(format!("HELM_ERR_START{msg}HELM_ERR_END")))
                }
                Some(Value::String(s)) if s.is_empty() => {
                    Err(FuncError::new(format!("HELM_ERR_START{msg}HELM_ERR_END")))
                }
                Some(v) => Ok(v.clone()),
            }
        });
    }
    Arc::new(t)
}

/// Helm's `cleanupExecError`.
fn helm_exec_error(go: &str) -> String {
    let tokens: Vec<&str> = go.splitn(3, ": ").collect();
    if let [_, loc, rest] = tokens[..]
        && let (Some(a), Some(b)) = (rest.find("HELM_ERR_START"), rest.rfind("HELM_ERR_END"))
        && a + "HELM_ERR_START".len() <= b
    {
        return format!(
            "execution error at ({loc}): {}",
            &rest[a + "HELM_ERR_START".len()..b]
        );
    }
    go.to_string()
}

/// Helm's `cleanupParseError`: `parse error at (LOCATION): LAST-PART`.
fn helm_parse_error(go: &str) -> String {
    let tokens: Vec<&str> = go.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({TEMPLATE_NAME}): {go}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

/// Renders a case as Helm would; `Ok(text)` or `Err(message)`.
fn render(case: &Case, funcs: &Arc<FuncTable>) -> Result<String, String> {
    let values = match &case.values {
        Some(v) => serde_json::from_str::<serde_json::Value>(v)
            .map(|j| json_to_value(&j))
            .map_err(|e| format!("bad values JSON: {e}"))?,
        None => Value::empty_map(),
    };
    // The oracle rendered the template with a U+0001 marker appended (see
    // scripts/oracle-cases); render exactly the same text.
    let template = format!("{}\u{1}", case.template.as_deref().unwrap_or(""));
    let mut set = TemplateSet::new(funcs.clone());
    set.add(TEMPLATE_NAME, &template, &Delims::default(), SourceId(1))
        .map_err(|e| helm_parse_error(&e.to_string()))?;
    let mut tmpl = Map::new();
    tmpl.insert(Arc::from("Name"), Value::str(TEMPLATE_NAME));
    tmpl.insert(Arc::from("BasePath"), Value::str("c/templates"));
    let mut top = Map::new();
    top.insert(Arc::from("Values"), values);
    top.insert(Arc::from("Template"), Value::map(tmpl));
    let rendered = set
        .execute(TEMPLATE_NAME, &Value::map(top), &mut NoHost)
        .map_err(|e| helm_exec_error(&e.to_string()))?;
    let out = rendered.output.replace("<no value>", "");
    match out.strip_suffix('\u{1}') {
        Some(o) => Ok(o.to_string()),
        None => Err(format!("output lost the end marker: {out:?}")),
    }
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/engine")
}

#[test]
fn engine_conformance() {
    let funcs = func_table();
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("cases dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cases"))
        .collect();
    files.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read case file");
        let fname = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        for case in parse_cases(&fname, &text) {
            total += 1;
            let expected = match (&case.output, &case.error) {
                (Some(o), None) => Ok(o.clone()),
                (None, Some(e)) => Err(e.clone()),
                _ => {
                    failures.push(format!(
                        "{}: {}: no expected result (run scripts/oracle-cases)",
                        case.file, case.name
                    ));
                    continue;
                }
            };
            let actual = render(&case, &funcs);
            if actual != expected {
                failures.push(format!(
                    "{}: {}\n  template: {:?}\n  expected: {:?}\n  actual:   {:?}",
                    case.file,
                    case.name,
                    case.template.as_deref().unwrap_or(""),
                    expected,
                    actual
                ));
            }
        }
    }
    println!(
        "engine conformance: {} of {total} cases pass",
        total - failures.len()
    );
    assert!(total >= 1, "no conformance cases found");
    assert!(
        failures.is_empty(),
        "{} of {total} conformance cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
