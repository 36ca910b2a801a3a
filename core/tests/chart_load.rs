//! Loads every chart of the shared corpus and the seed charts, and checks
//! facts recorded in `cases.yaml` (name, version, vendored dependencies)
//! and on disk (template files).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shared_support;

use std::path::Path;

use shared_support::shared_dir;

use chart_core::chart::{self, Chart};
use chart_core::template::Value;

fn missing(what: &str) {
    eprintln!(
        "\n!!! {what}: shared folder not found (set CHART_SHARED_DIR or put it at ../shared): cases NOT RUN — not counted as passed\n"
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "shared folder required in CI"
    );
}

/// Template files on disk (not dotfiles, which Helm's default rule ignores).
fn count_templates(dir: &Path) -> usize {
    fn walk(d: &Path, n: &mut usize) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                walk(&p, n);
            } else if !name.starts_with('.') {
                *n += 1;
            }
        }
    }
    let mut n = 0;
    walk(&dir.join("templates"), &mut n);
    n
}

fn get(v: &Value, k: &str) -> Option<Value> {
    v.get(k)
}

fn get_str(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(|x| x.as_str().map(str::to_string))
}

fn get_list(v: &Value, k: &str) -> Option<Vec<Value>> {
    v.get(k).and_then(|x| x.as_list().map(<[Value]>::to_vec))
}

#[test]
fn every_corpus_chart_loads_with_its_recorded_facts() {
    let Some(shared) = shared_dir() else {
        return missing("chart_load corpus");
    };
    let corpus = shared.join("corpus");
    let index = std::fs::read_to_string(corpus.join("cases.yaml")).unwrap();
    let index = chart_core::yaml::parse_value(&index, Default::default())
        .unwrap()
        .value;
    let charts = get_list(&index, "charts").unwrap();
    assert!(
        charts.len() >= 30,
        "only {} charts in cases.yaml",
        charts.len()
    );
    let mut checked = 0;
    for entry in &charts {
        let id = &get_str(entry, "id").unwrap();
        let dir = corpus.join(get_str(entry, "dir").as_deref().unwrap());
        let c: Chart = chart::load(&dir).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(c.name(), get_str(entry, "name").as_deref().unwrap(), "{id}");
        assert_eq!(
            c.metadata.version,
            get_str(entry, "version").as_deref().unwrap(),
            "{id}"
        );
        if !dir.join(".helmignore").exists() {
            assert_eq!(
                c.templates.len(),
                count_templates(&dir),
                "{id}: template count"
            );
        } else {
            assert!(
                c.templates.len() <= count_templates(&dir),
                "{id}: template count"
            );
        }
        assert!(c.values.as_map().is_some(), "{id}: values map");
        if let Some(deps) = get_list(entry, "dependencies") {
            for d in &deps {
                let name = &get_str(d, "name").unwrap();
                // Dependencies already inside the source chart have no
                // vendored_as: they live in charts/<name>.
                let vendored = get_str(d, "vendored_as")
                    .as_deref()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("charts/{name}"));
                let sub_dir = dir.join(&vendored);
                let sub = chart::load(&sub_dir).unwrap();
                let version = sub.metadata.version.clone();
                if let Some(v) = get_str(d, "vendored_version").as_deref() {
                    assert_eq!(v, version, "{id}: {vendored}");
                }
                assert!(
                    c.dependencies
                        .iter()
                        .any(|x| x.name() == sub.name() && x.metadata.version == version),
                    "{id}: subchart {} {version} not loaded",
                    sub.name()
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, charts.len());
}

#[test]
fn seed_charts_load_including_nested_archive() {
    let Some(shared) = shared_dir() else {
        return missing("chart_load seed charts");
    };
    let seeds = shared.join("seed-charts");
    let pacman = chart::load(seeds.join("pacman")).unwrap();
    assert_eq!(pacman.name(), "pacman");
    assert_eq!(
        pacman.templates.len(),
        count_templates(&seeds.join("pacman"))
    );
    let greetings = chart::load(seeds.join("greetings")).unwrap();
    assert_eq!(greetings.name(), "greetings");

    let music = chart::load(seeds.join("music")).unwrap();
    assert_eq!(music.dependencies.len(), 1);
    let pg = &music.dependencies[0];
    assert_eq!(pg.name(), "postgresql");
    assert_eq!(pg.metadata.version, "11.6.12");
    // The archive holds common 1.16.0 as a nested subchart.
    assert_eq!(pg.dependencies.len(), 1);
    assert_eq!(pg.dependencies[0].name(), "common");
    assert_eq!(pg.dependencies[0].metadata.version, "1.16.0");
    assert!(
        pg.templates
            .iter()
            .any(|t| t.name == "templates/_helpers.tpl")
    );
    // Template names as the engine sees them.
    let names: Vec<String> = music.all_templates().into_iter().map(|t| t.name).collect();
    assert!(names.contains(&"music/charts/postgresql/templates/_helpers.tpl".to_string()));
    assert!(
        names.contains(&"music/charts/postgresql/charts/common/templates/_labels.tpl".to_string())
    );
}

/// For every corpus case: load the chart, process dependencies and
/// coalesce with the case's values; every `# Source:` of Helm's output must
/// be one of our template (or CRD) names, and Helm's `coalesce.go` /
/// `dependencies.go` warnings must be exactly ours.
#[test]
fn corpus_cases_sources_and_value_warnings_match_helm() {
    use chart_core::values::{ValueOptions, dependencies::process_and_coalesce};
    let Some(shared) = shared_dir() else {
        return missing("chart_load corpus cases");
    };
    let corpus = shared.join("corpus");
    let index = std::fs::read_to_string(corpus.join("cases.yaml")).unwrap();
    let index = chart_core::yaml::parse_value(&index, Default::default())
        .unwrap()
        .value;
    let cases = get_list(&index, "cases").unwrap();
    let strs = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_list)
            .map(|l| {
                l.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut checked = 0;
    for case in &cases {
        let id = &get_str(case, "id").unwrap();
        let chart_dir = corpus.join(get_str(case, "chart").as_deref().unwrap());
        let Ok(mut c) = chart::load(&chart_dir) else {
            panic!("{id}: chart does not load");
        };
        let opts = ValueOptions {
            value_files: strs(get(case, "values_files").as_ref())
                .into_iter()
                .map(|f| corpus.join(f).display().to_string())
                .collect(),
            values: strs(get(case, "set").as_ref()),
            ..ValueOptions::default()
        };
        let user = opts.merge_values().unwrap_or_else(|e| panic!("{id}: {e}"));
        let mut log = Vec::new();
        let values = process_and_coalesce(&mut c, &user, &mut log);
        let golden =
            std::fs::read_to_string(corpus.join(get_str(case, "golden").as_deref().unwrap()))
                .unwrap();
        let names: Vec<String> = c.all_templates().into_iter().map(|t| t.name).collect();
        let crds: Vec<String> = c.crds().into_iter().map(|c| c.name).collect();
        let mut prev = "";
        for line in golden.lines() {
            let after_separator = prev == "---";
            prev = line;
            if !after_separator {
                continue;
            }
            if let Some(src) = line.strip_prefix("# Source: ") {
                assert!(
                    names.iter().any(|n| n == src) || crds.iter().any(|n| n == src),
                    "{id}: Helm rendered {src}, which we do not have"
                );
            }
        }
        let stderr = get_str(case, "stderr")
            .as_deref()
            .map(|p| std::fs::read_to_string(corpus.join(p)).unwrap())
            .unwrap_or_default();
        let mut helm_log: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("coalesce.go:") || l.starts_with("dependencies.go:"))
            .collect();
        helm_log.sort();
        let mut ours: Vec<&str> = log.iter().map(String::as_str).collect();
        ours.sort();
        ours.dedup();
        assert_eq!(ours, helm_log, "{id}: value warnings");
        if get(case, "exit_status").and_then(|v| match v {
            Value::Float(f) => Some(f),
            _ => None,
        }) == Some(0.0)
        {
            assert!(values.is_ok(), "{id}: {values:?}");
        }
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} cases");
}

/// `load_with` hands over each chart's templates under the full name the
/// render uses (`top/charts/child/...`), for every chart in the tree.
#[test]
fn load_with_names_templates_as_the_chart_tree_does() {
    let Some(shared) = shared_dir() else {
        missing("load_with_names_templates_as_the_chart_tree_does");
        return;
    };
    fn walk(c: &Chart, full: &str, out: &mut Vec<String>) {
        out.extend(c.templates.iter().map(|t| format!("{full}/{}", t.name)));
        for d in &c.dependencies {
            walk(d, &format!("{full}/charts/{}", d.name()), out);
        }
    }
    let mut charts = 0;
    for entry in std::fs::read_dir(shared.join("corpus/charts"))
        .unwrap()
        .flatten()
    {
        let mut handed = Vec::new();
        let loaded = chart::load_with(entry.path(), &mut |full, _, templates| {
            handed.extend(templates.iter().map(|t| format!("{full}/{}", t.name)));
        });
        let Ok(c) = loaded else { continue };
        let mut expected = Vec::new();
        walk(&c, c.name(), &mut expected);
        handed.sort();
        expected.sort();
        assert_eq!(handed, expected, "{}", entry.path().display());
        charts += 1;
    }
    assert!(charts > 20, "only {charts} charts loaded");
}
