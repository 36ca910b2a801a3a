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
