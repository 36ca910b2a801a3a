//! `.Files` against Helm 3.10.1: the expected strings are what the oracle
//! printed for `{{ (.Files.Glob "files/*").AsConfig | b64enc }}` and friends
//! on a chart with `files/a.txt` = "one\ntwo\n", `files/b.conf` = "x=1",
//! `files/sub/c.yaml` = "key: \"yes\"\n  indented\n".

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use chart_core::chart::{File, Files};
use chart_core::template::{Object, Value};

fn files() -> Files {
    Files::new(&[
        File::new("files/a.txt", b"one\ntwo\n".to_vec()),
        File::new("files/b.conf", b"x=1".to_vec()),
        File::new("files/sub/c.yaml", b"key: \"yes\"\n  indented\n".to_vec()),
    ])
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn as_config_and_as_secrets_match_helm() {
    let f = files();
    assert_eq!(
        b64(&f.glob("files/*").as_config()),
        "YS50eHQ6IHwKICBvbmUKICB0d28KYi5jb25mOiB4PTE="
    );
    assert_eq!(
        b64(&f.glob("files/**").as_secrets()),
        "YS50eHQ6IGIyNWxDblIzYndvPQpiLmNvbmY6IGVEMHgKYy55YW1sOiBhMlY1T2lBaWVXVnpJZ29nSUdsdVpHVnVkR1ZrQ2c9PQ=="
    );
    assert_eq!(
        b64(&f.as_config()),
        "YS50eHQ6IHwKICBvbmUKICB0d28KYi5jb25mOiB4PTEKYy55YW1sOiB8CiAga2V5OiAieWVzIgogICAgaW5kZW50ZWQ="
    );
}

#[test]
fn lines_glob_and_methods_match_helm() {
    let f = files();
    let lines = f
        .call_method("Lines", &[Value::str("files/a.txt")])
        .unwrap()
        .unwrap();
    assert_eq!(
        chart_core::json::to_json(&lines).unwrap(),
        r#"["one","two",""]"#
    );
    assert_eq!(f.glob("**.yaml").len(), 1);
    let keys: Vec<String> = f
        .glob("files/**")
        .entries()
        .keys()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(
        keys,
        vec!["files/a.txt", "files/b.conf", "files/sub/c.yaml"]
    );
    assert_eq!(f.type_name(), "engine.files");
    let got = f
        .call_method("Get", &[Value::str("files/b.conf")])
        .unwrap()
        .unwrap();
    assert_eq!(got, Value::str("x=1"));
    assert!(f.call_method("Get", &[Value::Int(1)]).unwrap().is_err());
    assert!(f.call_method("Nope", &[]).is_none());
}

/// Go types the oracle printed for `typeOf` / `%#v` of `.Files.Lines` and
/// the slice fields of `.Chart` (Chart.yaml with `sources: [a, b]`, one
/// maintainer, no `keywords` or `dependencies`): `[]string{"l1", "l2", ""}`,
/// `[]string{}` for a missing file, `[]string(nil)` (JSON `null`) for an
/// absent field, `[]*chart.Maintainer`, `[]*chart.Dependency(nil)`.
#[test]
fn lines_and_chart_string_fields_are_go_string_slices() {
    use chart_core::template::printf::sprintf;
    let f = Files::new(&[File::new("f.txt", b"l1\nl2\n".to_vec())]);
    let lines = |name: &str| {
        f.call_method("Lines", &[Value::str(name)])
            .unwrap()
            .unwrap()
    };
    assert_eq!(lines("f.txt").type_name(), "[]string");
    assert_eq!(
        sprintf("%#v", &[lines("f.txt")]),
        r#"[]string{"l1", "l2", ""}"#
    );
    assert_eq!(sprintf("%#v", &[lines("nope.txt")]), "[]string{}");

    let md = chart_core::chart::Metadata {
        sources: vec!["a".into(), "b".into()],
        maintainers: vec![Some(chart_core::chart::Maintainer {
            name: "m".into(),
            ..Default::default()
        })],
        ..Default::default()
    };
    let field = |name| chart_core::chart::object::metadata_field(&md, name).unwrap();
    assert_eq!(sprintf("%#v", &[field("Sources")]), r#"[]string{"a", "b"}"#);
    assert_eq!(sprintf("%#v", &[field("Keywords")]), "[]string(nil)");
    assert_eq!(
        chart_core::json::to_json(&field("Keywords")).unwrap(),
        "null"
    );
    // `[]*chart.Maintainer` with one entry, `[]*chart.Dependency(nil)`.
    assert_eq!(field("Maintainers").type_name(), "[]*chart.Maintainer");
    let first = field("Maintainers").as_list().unwrap()[0].clone();
    assert_eq!(first.type_name(), "*chart.Maintainer");
    assert_eq!(
        sprintf("%#v", &[field("Dependencies")]),
        "[]*chart.Dependency(nil)"
    );
    assert_eq!(
        chart_core::json::to_json(&field("Dependencies")).unwrap(),
        "null"
    );
}
