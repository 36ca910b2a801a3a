//! chart-lsp over stdio on values files: hover, definition and schema
//! completion on keys, schema diagnostics with exact UTF-16/UTF-8 ranges after
//! unsaved edits, extra values files from `initializationOptions`, and a burst
//! of edits that must end with diagnostics for its last version.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: failing loudly is the point

use std::path::{Path, PathBuf};

use chart_e2e::golden::scratch_dir;
use chart_e2e::lsp_client::{LspClient, file_uri};
use chart_e2e::{report_missing_shared, shared_dir};
use serde_json::{Value as Json, json};

const SCHEMA: &str = r##"{
  "type": "object",
  "properties": {
    "image": {
      "type": "object",
      "properties": {
        "repository": {"type": "string", "description": "Where the image lives."},
        "tag": {"type": "string", "description": "Image tag."},
        "pullPolicy": {"type": "string", "enum": ["Always", "IfNotPresent"]}
      }
    },
    "app": {"$ref": "#/definitions/app"},
    "replicaCount": {"type": "integer", "description": "How many pods."}
  },
  "definitions": {
    "app": {"type": "object", "properties": {
      "note": {"type": "string"},
      "replicas": {"type": "integer"}
    }}
  }
}"##;

const VALUES: &str = "# The container image.\nimage:\n  # Registry and name.\n  repository: example.org/app\n  tag: \"1.0\"\n\nreplicaCount: 1\n";

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// A chart `app` with a schema, an extra values file `prod.yaml` and a subchart.
fn fixture(name: &str) -> PathBuf {
    let root = scratch_dir(name);
    write(
        &root,
        "app/Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 0.1.0\n",
    );
    write(&root, "app/values.yaml", VALUES);
    write(&root, "app/values.schema.json", SCHEMA);
    write(&root, "app/prod.yaml", "image:\n  tag: \"2.0\"\n");
    write(
        &root,
        "app/charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    );
    write(&root, "app/charts/sub/values.yaml", "port: 80\n");
    root
}

fn options() -> Json {
    json!({"chartLsp": {"valuesFiles": {"app": ["prod.yaml"]}}})
}

fn range(d: &Json) -> (u64, u64, u64, u64) {
    let r = &d["range"];
    (
        r["start"]["line"].as_u64().unwrap(),
        r["start"]["character"].as_u64().unwrap(),
        r["end"]["line"].as_u64().unwrap(),
        r["end"]["character"].as_u64().unwrap(),
    )
}

#[test]
fn hover_definition_and_completion_on_values_keys() {
    let root = fixture("lsp-values-hover");
    let (mut c, init) = LspClient::start(&root, options());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    let values = c.open_file(&root.join("app/values.yaml"), "yaml");

    // Hover on `tag` (line 4): effective value from prod.yaml, comment, schema, sites.
    let h = c.request("textDocument/hover", LspClient::at(&values, 4, 3));
    assert_eq!(
        h["contents"]["value"],
        "**.Values.image.tag** `string`\n```yaml\n\"2.0\"\n```\n\nSchema: `string` Image tag.\n\nSet in:\n- app/values.yaml:5\n- app/prod.yaml:2 (wins)\n"
    );
    assert_eq!(
        h["range"],
        json!({"start": {"line": 4, "character": 2}, "end": {"line": 4, "character": 5}})
    );

    // Hover on `repository` shows its comment.
    let h = c.request("textDocument/hover", LspClient::at(&values, 3, 4));
    assert_eq!(
        h["contents"]["value"],
        "**.Values.image.repository** `string`\n```yaml\nexample.org/app\n```\n\nRegistry and name.\n\nSchema: `string` Where the image lives.\n\nSet in:\n- app/values.yaml:4\n"
    );

    // Definition of `tag` in values.yaml: the override in prod.yaml.
    let d = c.request("textDocument/definition", LspClient::at(&values, 4, 3));
    assert_eq!(
        d,
        json!([{"uri": file_uri(&root.join("app/prod.yaml")),
                "range": {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 5}}}])
    );

    // Completion of a new key under `image:` (unsaved edit): the schema's
    // keys not yet present, with type and description.
    let v = c.edit(&values, (5, 0), (5, 0), "  pu\n");
    let _ = c.diagnostics(&values, v);
    let items = c.request("textDocument/completion", LspClient::at(&values, 5, 4));
    let got: Vec<(String, String, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap().to_string(),
                i["detail"].as_str().unwrap_or("").to_string(),
                i["textEdit"]["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![(
            "pullPolicy".to_string(),
            "string".to_string(),
            "pullPolicy: ".to_string()
        )]
    );
    assert_eq!(
        items[0]["textEdit"]["range"],
        json!({"start": {"line": 5, "character": 2}, "end": {"line": 5, "character": 4}})
    );

    // Top level: what the schema has and the file lacks.
    let v = c.edit(&values, (5, 0), (6, 0), "\n");
    let _ = c.diagnostics(&values, v);
    let items = c.request("textDocument/completion", LspClient::at(&values, 5, 0));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["app"]);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn schema_diagnostics_follow_unsaved_edits_with_utf16_ranges() {
    let root = fixture("lsp-values-diags");
    let (mut c, _) = LspClient::start(&root, options());
    let prod = c.open_file(&root.join("app/prod.yaml"), "yaml");
    assert_eq!(c.diagnostics(&prod, 1), Vec::<Json>::new());

    // A line with non-ASCII text before the bad value: 😀 is 2 UTF-16 units, ñ one.
    let v = c.edit(
        &prod,
        (2, 0),
        (2, 0),
        "app: {note: \"😀ñ\", replicas: many}\n",
    );
    let d = c.diagnostics(&prod, v);
    assert_eq!(d.len(), 1, "{d:?}");
    // `app: {note: "` (13) + 😀 (2) + ñ (1) + `", replicas: ` (13) = 29; `many` is 4 long.
    assert_eq!(range(&d[0]), (2, 29, 2, 33));
    assert_eq!(d[0]["severity"], 1);
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("values don't meet the specifications of the schema: app.replicas: "),
        "{}",
        d[0]["message"]
    );
    assert!(
        d[0]["message"].as_str().unwrap().contains("many"),
        "{}",
        d[0]["message"]
    );

    // Fixing it clears the diagnostics.
    let v = c.edit(&prod, (2, 29), (2, 33), "3");
    assert_eq!(c.diagnostics(&prod, v), Vec::<Json>::new());

    // The error in the overriding file is not reported in values.yaml.
    let values = c.open_file(&root.join("app/values.yaml"), "yaml");
    assert_eq!(c.diagnostics(&values, 1), Vec::<Json>::new());
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn utf8_positions_when_negotiated() {
    let root = fixture("lsp-values-utf8");
    let caps = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let (mut c, init) = LspClient::start_with(&root, options(), caps);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let prod = c.open_file(&root.join("app/prod.yaml"), "yaml");
    let v = c.edit(
        &prod,
        (2, 0),
        (2, 0),
        "app: {note: \"😀ñ\", replicas: many}\n",
    );
    let d = c.diagnostics(&prod, v);
    // In bytes: 13 + 4 + 2 + 13 = 32.
    assert_eq!(range(&d[0]), (2, 32, 2, 36));
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn yaml_errors_in_values_files_are_reported_where_they_are() {
    let root = fixture("lsp-values-yaml-error");
    let (mut c, _) = LspClient::start(&root, options());
    let values = c.open_file(&root.join("app/values.yaml"), "yaml");
    let v = c.edit(&values, (6, 0), (7, 0), "replicaCount: [1\n");
    let d = c.diagnostics(&values, v);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "yaml-parse");
    assert_eq!(range(&d[0]).0, 7, "{d:?}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn a_burst_of_edits_ends_with_diagnostics_for_the_last_version() {
    let root = fixture("lsp-values-burst");
    let (mut c, _) = LspClient::start(&root, options());
    let prod = c.open_file(&root.join("app/prod.yaml"), "yaml");
    let _ = c.diagnostics(&prod, 1);
    // 40 edits without waiting: each rewrites line 2, alternating good and bad;
    // the last one is bad.
    let mut last = 0;
    c.edit(&prod, (2, 0), (2, 0), "replicaCount: 0\n");
    for i in 0..40 {
        let text = if i % 2 == 0 {
            format!("replicaCount: {i}")
        } else {
            format!("replicaCount: x{i}")
        };
        last = c.edit(&prod, (2, 0), (2, 99), &text);
    }
    let (version, d) = c.diagnostics_with_version(&prod, last);
    assert_eq!(version, last);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(range(&d[0]), (2, 14, 2, 17)); // `x39`
    // Nothing older arrives after the last version's diagnostics.
    let _ = c.request("textDocument/hover", LspClient::at(&prod, 0, 0));
    for p in c.drain_published(&prod) {
        assert_eq!(p["version"], last, "stale publish after the last one: {p}");
    }
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn seed_chart_values_hover_and_subchart_scope() {
    let Some(shared) = shared_dir() else {
        assert!(!report_missing_shared("lsp seed-chart values", 2));
        return;
    };
    let seeds = shared.join("seed-charts");
    let (mut c, _) = LspClient::start(&seeds, json!({}));
    let values = c.open_file(&seeds.join("pacman/values.yaml"), "yaml");
    let h = c.request("textDocument/hover", LspClient::at(&values, 3, 5));
    assert_eq!(
        h["contents"]["value"],
        "**.Values.image.pullPolicy** `string`\n```yaml\nAlways\n```\n\nSet in:\n- pacman/values.yaml:4\n"
    );
    let h = c.request("textDocument/hover", LspClient::at(&values, 8, 3));
    assert_eq!(
        h["contents"]["value"],
        "**.Values.securityContext** `map`\n```yaml\n{}\n```\n\nSet in:\n- pacman/values.yaml:9\n"
    );
    drop(c);

    // A parent's values reach its subchart under the subchart's key.
    let root = fixture("lsp-values-sub");
    write(
        &root,
        "app/values.yaml",
        "sub:\n  port: 8080\nglobal:\n  env: prod\n",
    );
    let (mut c, _) = LspClient::start(&root, json!({}));
    let sub = c.open_file(&root.join("app/charts/sub/values.yaml"), "yaml");
    let h = c.request("textDocument/hover", LspClient::at(&sub, 0, 1));
    assert_eq!(
        h["contents"]["value"],
        "**.Values.port** `int`\n```yaml\n8080\n```\n\nSet in:\n- app/charts/sub/values.yaml:1\n- app/values.yaml:2 (wins)\n"
    );
    let d = c.request("textDocument/definition", LspClient::at(&sub, 0, 1));
    assert_eq!(d[0]["uri"], file_uri(&root.join("app/values.yaml")));
    assert_eq!(d[0]["range"]["start"], json!({"line": 1, "character": 2}));
    assert_eq!(c.shutdown(), Some(0));
}
