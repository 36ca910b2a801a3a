//! The same oracle case files as `sprig_cases.rs`, rendered by the real
//! template engine with Helm's full function table (Go builtins, Sprig,
//! Helm's encoders, include/tpl), so argument conversion, printing and error
//! wrapping are the engine's own. Expected results come from Helm 3.10.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sprig_support;

use std::sync::Arc;

use chart_core::source::SourceId;
use chart_core::template::builtins::{register_builtins, register_helm_engine_funcs};
use chart_core::template::lexer::Delims;
use chart_core::template::set::{NoHost, TemplateSet};
use chart_core::template::{FuncTable, Map, Value};
use sprig_support::{cases_dir, from_json, parse_cases};

/// Cases the engine renders differently from Helm, with the reason; never
/// counted as passed, and the test fails when one starts to pass.
const KNOWN_GAPS: &[(&str, &str, &str)] = &[];

fn full_table() -> Arc<FuncTable> {
    let mut t = FuncTable::new();
    register_builtins(&mut t);
    chart_core::sprig::register(&mut t);
    chart_core::yaml::funcs::register(&mut t);
    register_helm_engine_funcs(&mut t);
    Arc::new(t)
}

/// Helm prints the part of an execution error after `at <…>: `.
fn error_tail(msg: &str) -> String {
    match msg.find(">: ") {
        Some(i) if msg.contains(" at <") => msg[i + 3..].to_string(),
        _ => msg.to_string(),
    }
}

#[test]
fn function_case_files_render_like_helm_in_the_engine() {
    let funcs = full_table();
    let mut files: Vec<_> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let (mut passed, mut gaps, mut failures) = (0usize, 0usize, Vec::new());
    let mut n = 0u32;
    for file in &files {
        let fname = file.file_name().unwrap().to_string_lossy().to_string();
        let cases = parse_cases(&std::fs::read_to_string(file).unwrap());
        let mut values = Value::empty_map();
        for case in &cases {
            if case.name == "@values" {
                values = from_json(&serde_json::from_str(&case.tpl).unwrap());
                continue;
            }
            if case.tpl.starts_with("#prop") {
                continue;
            }
            n += 1;
            let mut set = TemplateSet::new(funcs.clone());
            let name = "x/templates/t.yaml";
            let got = match set.add(name, &case.tpl, &Delims::default(), SourceId(n)) {
                Err(e) => Err(e.to_string()),
                Ok(()) => {
                    let mut top = Map::new();
                    // Each case gets its own copy: templates may change maps in place.
                    top.insert("Values".into(), values.deep_copy().unwrap());
                    set.execute(name, &Value::map(top), &mut NoHost)
                        .map(|r| r.output)
                        .map_err(|e| error_tail(e.message()))
                }
            };
            let ok = match (&got, &case.out, &case.err) {
                (Ok(out), Some(want), None) => out == want,
                (Err(err), None, Some(want)) => err == want || error_tail(want) == *err,
                _ => false,
            };
            let gap = KNOWN_GAPS
                .iter()
                .find(|(f, c, _)| *f == fname && *c == case.name);
            match (gap, ok) {
                (Some(_), true) => failures.push(format!(
                    "{fname}: {}: listed in KNOWN_GAPS but matches Helm now",
                    case.name
                )),
                (Some((_, _, why)), false) => {
                    gaps += 1;
                    eprintln!(
                        "KNOWN GAP (not counted as passed) {fname}: {}: {why}",
                        case.name
                    );
                }
                (None, true) => passed += 1,
                (None, false) => failures.push(format!(
                    "{fname}: {}\n  want: {:?}\n  got:  {got:?}",
                    case.name,
                    case.out
                        .as_ref()
                        .map(|o| format!("out {o:?}"))
                        .or(case.err.as_ref().map(|e| format!("err {e:?}")))
                )),
            }
        }
    }
    eprintln!(
        "engine-rendered sprig cases: {passed} passed, {gaps} known gaps (not passed), {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} case(s) differ from Helm:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
