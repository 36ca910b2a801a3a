//! Chart loading failures: Helm's messages (recorded from Helm 3.10.1 with
//! one-file charts) and archive safety.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;

use chart_core::chart::{self, LoadError};

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn temp(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("chart-errors-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn load_chart_yaml(tag: &str, chart_yaml: &str) -> Result<chart::Chart, LoadError> {
    let d = temp(tag);
    write(&d, "Chart.yaml", chart_yaml);
    chart::load(&d)
}

/// (Chart.yaml, Helm's error after `Error: `).
const CHART_YAML_ERRORS: &[(&str, &str)] = &[
    (
        "apiVersion: v2\nname: [a]\nversion: 0.1.0\n",
        "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field Metadata.name of type string",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 0.1.0\nmaintainers:\n- name: [1]\n",
        "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field Maintainer.maintainers.name of type string",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 0.1.0\nmaintainers: x\n",
        "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field Metadata.maintainers of type []*chart.Maintainer",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 0.1.0\nmaintainers: [null]\n",
        "validation: maintainer cannot be an empty list",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 0.1.0\ndeprecated: \"yes\"\n",
        "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field Metadata.deprecated of type bool",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 0.1.0\ndeprecated: 1\n",
        "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go struct field Metadata.deprecated of type bool",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 0.1.0\ndependencies:\n- name: x\n  tags: 3\n",
        "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go struct field Dependency.dependencies.tags of type []string",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 0.1.0\nannotations: [1]\n",
        "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field Metadata.annotations of type map[string]string",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 0.1.0\n:a: b: c\n",
        "cannot load Chart.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 1.2.3.4\n",
        "validation: chart.metadata.version \"1.2.3.4\" is invalid",
    ),
    (
        "apiVersion: v2\nversion: 1.2.3\n",
        "validation: chart.metadata.name is required",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 1.2.3\ntype: foo\n",
        "validation: chart.metadata.type must be application or library",
    ),
    (
        "apiVersion: v2\nname: a\nversion: 1.2.3\ndependencies:\n- name: x\n  alias: a.b\n",
        "validation: dependency \"x\" has disallowed characters in the alias",
    ),
];

#[test]
fn chart_yaml_errors_use_helms_words() {
    for (i, (yaml, want)) in CHART_YAML_ERRORS.iter().enumerate() {
        let got = load_chart_yaml(&format!("cy{i}"), yaml)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(got.to_string(), *want, "Chart.yaml:\n{yaml}");
        assert!(got.location().is_some(), "{want}: no file location");
    }
}

#[test]
fn chart_yaml_scalars_convert_like_sigs_yaml() {
    // Helm 3.10.1 renders `.Chart` of this file as
    // {"name":"t1",…,"appVersion":"1.1","annotations":{"a":"1","b":"true","c":"3.1415927"}}
    let c = load_chart_yaml(
        "scalars",
        "apiVersion: v2\nname: t1\nversion: 0.1.0\nappVersion: 1.10\nannotations:\n  a: 1\n  b: true\n  c: 3.14159265358979\nmaintainers:\n- name: 12\n",
    )
    .unwrap();
    assert_eq!(c.metadata.app_version, "1.1");
    assert_eq!(c.metadata.annotations["a"], "1");
    assert_eq!(c.metadata.annotations["b"], "true");
    assert_eq!(c.metadata.annotations["c"], "3.1415927");
    assert_eq!(c.metadata.maintainers[0].as_ref().unwrap().name, "12");
    // Without apiVersion Helm assumes v1.
    let c = load_chart_yaml("v1", "name: a\nversion: 1.2.3\n").unwrap();
    assert_eq!(c.metadata.api_version, "v1");
}

#[test]
fn missing_and_broken_files() {
    let d = temp("missing");
    write(&d, "templates/x.yaml", "a: 1\n");
    assert_eq!(
        chart::load(&d).unwrap_err().to_string(),
        "Chart.yaml file is missing"
    );

    let d = temp("sub");
    write(
        &d,
        "Chart.yaml",
        "apiVersion: v2\nname: parent\nversion: 0.1.0\n",
    );
    write(
        &d,
        "charts/sub/Chart.yaml",
        "apiVersion: v2\nversion: 0.1.0\n",
    );
    assert_eq!(
        chart::load(&d).unwrap_err().to_string(),
        "error unpacking sub in parent: validation: chart.metadata.name is required"
    );
    write(
        &d,
        "charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    );
    write(&d, "charts/sub/values.yaml", "a: [\n");
    let e = chart::load(&d).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error unpacking sub in parent: cannot load values.yaml: error converting YAML to JSON: yaml: line 1: did not find expected node content"
    );
    assert_eq!(e.location().unwrap().file, "values.yaml");
    write(&d, "charts/sub/values.yaml", "- a\n");
    assert_eq!(
        chart::load(&d).unwrap_err().to_string(),
        "error unpacking sub in parent: cannot load values.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
    std::fs::remove_file(d.join("charts/sub/values.yaml")).unwrap();
    write(&d, "charts/bad.tgz", "nope");
    assert_eq!(
        chart::load(&d).unwrap_err().to_string(),
        "error unpacking bad.tgz in parent: unexpected EOF"
    );
}

#[test]
fn helmignore_applies_to_directories() {
    let d = temp("ignore");
    write(
        &d,
        "Chart.yaml",
        "apiVersion: v2\nname: a\nversion: 0.1.0\n",
    );
    write(&d, ".helmignore", "*.bak\ntests/\n/notes.txt\n");
    write(&d, "templates/a.yaml", "x: 1\n");
    write(&d, "templates/a.yaml.bak", "x: 1\n");
    write(&d, "templates/.hidden.yaml", "x: 1\n");
    write(&d, "templates/tests/t.yaml", "x: 1\n");
    write(&d, "notes.txt", "n");
    write(&d, "files/notes.txt", "n");
    let c = chart::load(&d).unwrap();
    let t: Vec<&str> = c.templates.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(t, vec!["templates/a.yaml"]);
    let f: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(f, vec![".helmignore", "files/notes.txt"]);
}

/// A gzipped tar with raw entry names (bypassing the tar crate's checks).
fn tgz(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind, data) in entries {
        let mut h = tar::Header::new_gnu();
        {
            let gnu = h.as_gnu_mut().unwrap();
            gnu.name[..name.len()].copy_from_slice(name.as_bytes());
        }
        h.set_entry_type(*kind);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        if *kind == tar::EntryType::Symlink || *kind == tar::EntryType::Link {
            h.set_link_name("Chart.yaml").unwrap();
        }
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

const CHART: &[u8] = b"apiVersion: v2\nname: a\nversion: 0.1.0\n";

#[test]
fn archives_load_and_reject_unsafe_entries() {
    use tar::EntryType::{Link, Regular, Symlink};
    let ok = tgz(&[
        ("a/Chart.yaml", Regular, CHART),
        ("a/values.yaml", Regular, b"x: 1\n"),
        ("a/templates/t.yaml", Regular, b"k: v\n"),
    ]);
    let c = chart::load_archive_bytes(&ok).unwrap();
    assert_eq!(c.name(), "a");
    assert_eq!(c.templates.len(), 1);

    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            tgz(&[
                ("a/Chart.yaml", Regular, CHART),
                ("a/../../etc/x", Regular, b"x"),
            ]),
            "chart illegally references parent directory",
        ),
        (
            tgz(&[
                ("a/Chart.yaml", Regular, CHART),
                ("a//etc/passwd", Regular, b"x"),
            ]),
            "chart illegally contains absolute paths",
        ),
        (
            tgz(&[("Chart.yaml", Regular, CHART)]),
            "chart illegally contains content outside the base directory: \"Chart.yaml\"",
        ),
        (
            tgz(&[("a/Chart.yaml", Regular, CHART), ("a/link", Symlink, b"")]),
            "chart archive entry \"a/link\" is a link; links are not allowed in charts",
        ),
        (
            tgz(&[("a/Chart.yaml", Regular, CHART), ("a/hard", Link, b"")]),
            "chart archive entry \"a/hard\" is a link; links are not allowed in charts",
        ),
        (tgz(&[]), "no files in chart archive"),
        (
            b"not a gzip archive at all".to_vec(),
            "gzip: invalid header",
        ),
    ];
    for (bytes, want) in cases {
        assert_eq!(
            chart::load_archive_bytes(&bytes).unwrap_err().to_string(),
            want
        );
    }

    let big = vec![b'x'; (chart::loader::MAX_DECOMPRESSED_FILE_SIZE + 1) as usize];
    let e = chart::load_archive_bytes(&tgz(&[
        ("a/Chart.yaml", Regular, CHART),
        ("a/big", Regular, &big),
    ]))
    .unwrap_err();
    assert!(
        e.to_string().contains("larger than the maximum file size"),
        "{e}"
    );
}

#[test]
fn nested_archives_and_prov_files() {
    use tar::EntryType::Regular;
    let sub = tgz(&[
        (
            "sub/Chart.yaml",
            Regular,
            b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        ("sub/templates/s.yaml", Regular, b"s: 1\n"),
    ]);
    let d = temp("nested");
    write(
        &d,
        "Chart.yaml",
        "apiVersion: v2\nname: top\nversion: 0.1.0\n",
    );
    std::fs::create_dir_all(d.join("charts")).unwrap();
    std::fs::write(d.join("charts/sub-1.0.0.tgz"), &sub).unwrap();
    write(&d, "charts/sub-1.0.0.tgz.prov", "sig");
    write(&d, "charts/_skipped/Chart.yaml", "broken: [");
    let c = chart::load(&d).unwrap();
    assert_eq!(c.dependencies.len(), 1);
    assert_eq!(c.dependencies[0].name(), "sub");
    assert!(
        c.files
            .iter()
            .any(|f| f.name == "charts/sub-1.0.0.tgz.prov")
    );
    let names: Vec<String> = c.all_templates().into_iter().map(|t| t.name).collect();
    assert_eq!(names, vec!["top/charts/sub/templates/s.yaml"]);
    // The archive on its own.
    std::fs::write(d.join("sub.tgz"), &sub).unwrap();
    assert_eq!(chart::load(d.join("sub.tgz")).unwrap().name(), "sub");
    std::fs::write(d.join("values.yaml"), "a: 1\n").unwrap();
    assert_eq!(
        chart::load_file(d.join("values.yaml"))
            .unwrap_err()
            .to_string(),
        format!(
            "file '{}' seems to be a YAML file, but expected a gzipped archive",
            d.join("values.yaml").display()
        )
    );
}
