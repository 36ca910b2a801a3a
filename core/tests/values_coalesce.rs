//! Coalescing and dependency processing against Helm 3.10.1.
//!
//! A parent chart with a subchart used twice (once aliased), a second
//! subchart behind a two-path condition, tags, globals, nulls, and both
//! kinds of import-values. Each template prints `{{ toJson .Values }}`;
//! the expected lines and Helm's stderr warnings were recorded from the
//! oracle for each scenario.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use chart_core::chart;
use chart_core::template::Value;
use chart_core::values::{ValueOptions, dependencies::process_and_coalesce};

const FILES: &[(&str, &str)] = &[
    (
        "Chart.yaml",
        "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.x.x\n  repository: file://charts/sub\n  condition: sub.enabled\n  import-values:\n  - data\n  - child: inner.deep\n    parent: imported\n- name: sub\n  alias: second\n  version: \">=1.0.0\"\n  repository: file://charts/sub\n  tags: [extra]\n- name: lib2\n  version: 0.1.0\n  repository: file://charts/lib2\n  condition: lib2.on,global.lib2on\n",
    ),
    (
        "values.yaml",
        "a:\n  b: 1\n  c: 2\n  m:\n    x: 1\nlist: [1, 2]\nglobal:\n  g1: top\n  shared:\n    fromTop: 1\nsub:\n  k: parent\n  nulled: null\n  t:\n    keep: 1\nsecond:\n  k: second-parent\nimported:\n  mine: parent\ntags:\n  extra: true\nlib2:\n  on: 1\n",
    ),
    (
        "charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 1.2.0\n",
    ),
    (
        "charts/sub/values.yaml",
        "k: sub\nnulled: sub-default\nenabled: true\nt:\n  keep: 0\n  other: 2\nglobal:\n  g1: sub\n  g2: sub\n  shared:\n    fromSub: 2\n    fromTop: 9\nexports:\n  data:\n    exported: yes\ninner:\n  deep:\n    mine: child\n    extra: child\n",
    ),
    (
        "charts/lib2/Chart.yaml",
        "apiVersion: v2\nname: lib2\nversion: 0.1.0\n",
    ),
    ("charts/lib2/values.yaml", "z: 1\n"),
    ("templates/v.yaml", "# {{ toJson .Values }}\n"),
    ("charts/sub/templates/v.yaml", "# {{ toJson .Values }}\n"),
    ("charts/lib2/templates/v.yaml", "# {{ toJson .Values }}\n"),
];

const USER_FILE: &str = "a: 5\nlist: {q: 1}\nsub:\n  t: null\n  k: null\nglobal:\n  shared: 3\n";

struct Scenario {
    set: &'static [&'static str],
    set_string: &'static [&'static str],
    user_file: Option<&'static str>,
    /// (`# Source:` template, its output) in Helm's order.
    rendered: &'static [(&'static str, &'static str)],
    warnings: &'static [&'static str],
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        set: &[],
        set_string: &[],
        user_file: None,
        rendered: &[
            (
                "top/charts/lib2/templates/v.yaml",
                "{\"global\":{\"g1\":\"top\",\"shared\":{\"fromTop\":1}},\"true\":1,\"z\":1}",
            ),
            (
                "top/charts/second/templates/v.yaml",
                "{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"second-parent\",\"nulled\":\"sub-default\",\"t\":{\"keep\":0,\"other\":2}}",
            ),
            (
                "top/charts/sub/templates/v.yaml",
                "{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"parent\",\"nulled\":\"sub-default\",\"t\":{\"keep\":1,\"other\":2}}",
            ),
            (
                "top/templates/v.yaml",
                "{\"a\":{\"b\":1,\"c\":2,\"m\":{\"x\":1}},\"global\":{\"g1\":\"top\",\"shared\":{\"fromTop\":1}},\"imported\":{\"extra\":\"child\",\"mine\":\"parent\"},\"lib2\":{\"global\":{\"g1\":\"top\",\"shared\":{\"fromTop\":1}},\"true\":1,\"z\":1},\"list\":[1,2],\"second\":{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"second-parent\",\"nulled\":\"sub-default\",\"t\":{\"keep\":0,\"other\":2}},\"sub\":{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"parent\",\"nulled\":\"sub-default\",\"t\":{\"keep\":1,\"other\":2}},\"tags\":{\"extra\":true}}",
            ),
        ],
        warnings: &[],
    },
    Scenario {
        set: &["sub.enabled=false", "a2.b=null", "tags.extra=false"],
        set_string: &["global.lib2on=x"],
        user_file: Some(USER_FILE),
        rendered: &[
            (
                "top/charts/lib2/templates/v.yaml",
                "{\"global\":{\"g1\":\"top\",\"lib2on\":\"x\",\"shared\":3},\"true\":1,\"z\":1}",
            ),
            (
                "top/templates/v.yaml",
                "{\"a\":5,\"a2\":{\"b\":null},\"global\":{\"g1\":\"top\",\"lib2on\":\"x\",\"shared\":3},\"imported\":{\"mine\":\"parent\"},\"lib2\":{\"global\":{\"g1\":\"top\",\"lib2on\":\"x\",\"shared\":3},\"true\":1,\"z\":1},\"list\":{\"q\":1},\"second\":{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"lib2on\":\"x\",\"shared\":3},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"second-parent\",\"nulled\":\"sub-default\",\"t\":{\"keep\":0,\"other\":2}},\"sub\":{\"enabled\":false,\"nulled\":null},\"tags\":{\"extra\":false}}",
            ),
        ],
        warnings: &[
            "coalesce.go:220: warning: cannot overwrite table with non table for top.global.shared (map[fromTop:1])",
            "coalesce.go:175: warning: skipped value for top.list: Not a table.",
            "coalesce.go:220: warning: cannot overwrite table with non table for top.sub.global.shared (map[fromSub:2 fromTop:9])",
            "coalesce.go:220: warning: cannot overwrite table with non table for top.second.global.shared (map[fromSub:2 fromTop:9])",
            "dependencies.go:49: Warning: Condition path 'global.lib2on' for chart lib2 returned non-bool value",
            "coalesce.go:128: Conflict: cannot merge map onto non-map for \"shared\". Skipping.",
            "coalesce.go:220: warning: cannot overwrite table with non table for top.global.shared (map[fromTop:1])",
            "coalesce.go:175: warning: skipped value for top.list: Not a table.",
        ],
    },
    Scenario {
        set: &[
            "second.enabled=false,sub.k=null,a.b=null",
            "global.lib2on=true",
            "tags.extra=false",
        ],
        set_string: &[],
        user_file: None,
        rendered: &[
            (
                "top/charts/lib2/templates/v.yaml",
                "{\"global\":{\"g1\":\"top\",\"lib2on\":true,\"shared\":{\"fromTop\":1}},\"true\":1,\"z\":1}",
            ),
            (
                "top/charts/sub/templates/v.yaml",
                "{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"lib2on\":true,\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"sub\",\"nulled\":\"sub-default\",\"t\":{\"keep\":1,\"other\":2}}",
            ),
            (
                "top/templates/v.yaml",
                "{\"a\":{\"c\":2,\"m\":{\"x\":1}},\"global\":{\"g1\":\"top\",\"lib2on\":true,\"shared\":{\"fromTop\":1}},\"imported\":{\"extra\":\"child\",\"mine\":\"parent\"},\"lib2\":{\"global\":{\"g1\":\"top\",\"lib2on\":true,\"shared\":{\"fromTop\":1}},\"true\":1,\"z\":1},\"list\":[1,2],\"second\":{\"enabled\":false,\"k\":\"second-parent\"},\"sub\":{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"lib2on\":true,\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"sub\",\"nulled\":\"sub-default\",\"t\":{\"keep\":1,\"other\":2}},\"tags\":{\"extra\":false}}",
            ),
        ],
        warnings: &[],
    },
    Scenario {
        set: &["lib2.on=true"],
        set_string: &[],
        user_file: None,
        rendered: &[
            (
                "top/charts/lib2/templates/v.yaml",
                "{\"global\":{\"g1\":\"top\",\"shared\":{\"fromTop\":1}},\"on\":true,\"true\":1,\"z\":1}",
            ),
            (
                "top/charts/second/templates/v.yaml",
                "{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"second-parent\",\"nulled\":\"sub-default\",\"t\":{\"keep\":0,\"other\":2}}",
            ),
            (
                "top/charts/sub/templates/v.yaml",
                "{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"parent\",\"nulled\":\"sub-default\",\"t\":{\"keep\":1,\"other\":2}}",
            ),
            (
                "top/templates/v.yaml",
                "{\"a\":{\"b\":1,\"c\":2,\"m\":{\"x\":1}},\"global\":{\"g1\":\"top\",\"shared\":{\"fromTop\":1}},\"imported\":{\"extra\":\"child\",\"mine\":\"parent\"},\"lib2\":{\"global\":{\"g1\":\"top\",\"shared\":{\"fromTop\":1}},\"on\":true,\"true\":1,\"z\":1},\"list\":[1,2],\"second\":{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"second-parent\",\"nulled\":\"sub-default\",\"t\":{\"keep\":0,\"other\":2}},\"sub\":{\"enabled\":true,\"exports\":{\"data\":{\"exported\":true}},\"global\":{\"g1\":\"top\",\"g2\":\"sub\",\"shared\":{\"fromSub\":2,\"fromTop\":1}},\"inner\":{\"deep\":{\"extra\":\"child\",\"mine\":\"child\"}},\"k\":\"parent\",\"nulled\":\"sub-default\",\"t\":{\"keep\":1,\"other\":2}},\"tags\":{\"extra\":true}}",
            ),
        ],
        warnings: &[],
    },
];

fn fixture(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("values-coalesce-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    for (name, text) in FILES {
        let p = d.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    d
}

/// The values a template of the chart at `value_path` sees.
fn scoped(root: &Value, value_path: &[&str]) -> Value {
    value_path
        .iter()
        .fold(root.clone(), |v, k| v.get(k).unwrap())
}

#[test]
fn coalescing_and_dependencies_match_helm() {
    for (i, sc) in SCENARIOS.iter().enumerate() {
        let dir = fixture(&i.to_string());
        let mut c = chart::load(&dir).unwrap();
        let user_path = dir.join("user.yaml");
        if let Some(text) = sc.user_file {
            std::fs::write(&user_path, text).unwrap();
        }
        let opts = ValueOptions {
            values: sc.set.iter().map(|s| s.to_string()).collect(),
            string_values: sc.set_string.iter().map(|s| s.to_string()).collect(),
            value_files: sc
                .user_file
                .map(|_| vec![user_path.display().to_string()])
                .unwrap_or_default(),
            ..Default::default()
        };
        let user = opts.merge_values().unwrap();
        let mut log = Vec::new();
        let values = Value::map(process_and_coalesce(&mut c, &user, &mut log).unwrap());

        let mut ours: Vec<(String, String)> = c
            .all_templates()
            .into_iter()
            .map(|t| {
                let v = scoped(&values, &t.value_path);
                (t.name, chart_core::json::to_json(&v).unwrap())
            })
            .collect();
        ours.sort();
        let mut helm: Vec<(String, String)> = sc
            .rendered
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        helm.sort();
        assert_eq!(ours, helm, "scenario {i}");

        let mut want: Vec<&str> = sc.warnings.to_vec();
        want.sort();
        let mut got: Vec<&str> = log.iter().map(String::as_str).collect();
        got.sort();
        assert_eq!(got, want, "scenario {i}: warnings");
        let _ = std::fs::remove_dir_all(Path::new(&dir));
    }
}
