//! Runs every oracle case file in `tests/cases/functions/` against the Sprig
//! function table. Expected results were produced by the real Helm 3.10.1
//! with `scripts/oracle-fn`; a case without a recorded result fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sprig_support;

use sprig_support::{BEYOND_STAND_IN, Evaluator, cases_dir, from_json, parse_cases};

/// Cases where we knowingly differ from Helm, with the reason. They are
/// never counted as passed; the test fails if one starts to pass (then
/// remove it here) so the list stays true.
const KNOWN_GAPS: &[(&str, &str, &str)] = &[];

#[test]
fn function_case_files_match_helm() {
    // Go's builtins (the stand-in calls the native ones: `print`, `printf`),
    // Sprig over them, then Helm's encoding functions, as Helm's engine does.
    let mut table = chart_core::template::builtin_table();
    chart_core::sprig::register(&mut table);
    chart_core::yaml::funcs::register(&mut table);
    let mut files: Vec<_> = std::fs::read_dir(cases_dir())
        .expect("case directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files found");
    let (mut passed, mut gaps, mut beyond, mut failures) = (0usize, 0usize, 0usize, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let cases = parse_cases(&text);
        let mut values = chart_core::template::Value::empty_map();
        for case in &cases {
            if case.name == "@values" {
                values = from_json(&serde_json::from_str(&case.tpl).expect("@values is JSON"));
                continue;
            }
            if case.tpl.starts_with("#prop") {
                continue;
            }
            let fname = file.file_name().unwrap().to_string_lossy().to_string();
            let label = format!("{fname}: {}", case.name);
            let gap = KNOWN_GAPS
                .iter()
                .find(|(f, n, _)| *f == fname && *n == case.name);
            let got = Evaluator::new(&table, values.deep_copy().unwrap()).render(&case.tpl);
            let ok = match (&got, &case.out, &case.err) {
                (Ok(out), Some(want), None) => out == want,
                (Err(err), None, Some(want)) => err == want,
                _ => false,
            };
            if let Err(e) = &got
                && let Some(why) = e.strip_prefix(BEYOND_STAND_IN)
            {
                beyond += 1;
                eprintln!(
                    "NOT RUN HERE (not counted as passed; see sprig_engine_cases) {label}: {why}"
                );
                continue;
            }
            if let Some((_, _, why)) = gap {
                if ok {
                    failures.push(format!(
                        "{label}: listed in KNOWN_GAPS but now matches Helm; remove it"
                    ));
                } else {
                    gaps += 1;
                    eprintln!("KNOWN GAP (not counted as passed) {label}: {why}");
                }
            } else if ok {
                passed += 1;
            } else {
                failures.push(format!(
                    "{label}\n  template: {}\n  want: {:?}\n  got:  {:?}",
                    case.tpl,
                    case.out
                        .as_ref()
                        .map(|o| format!("out {o:?}"))
                        .or(case.err.as_ref().map(|e| format!("err {e:?}"))),
                    got
                ));
            }
        }
    }
    eprintln!(
        "sprig case files: {passed} passed, {gaps} known gaps (not passed), \
         {beyond} beyond the stand-in evaluator (not passed here), {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} case(s) differ from Helm:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
