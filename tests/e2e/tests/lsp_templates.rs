//! chart-lsp over stdio on templates: live-render diagnostics from unsaved
//! buffers (parse errors, `required`, execution errors, invalid rendered
//! YAML) with exact ranges, clearing when fixed, and `chart.renderPreview`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: failing loudly is the point

use std::path::PathBuf;

use chart_e2e::golden::{copy_dir, scratch_dir};
use chart_e2e::lsp_client::LspClient;
use chart_e2e::{report_missing_shared, shared_dir};
use serde_json::{Value as Json, json};

fn range(d: &Json) -> (u64, u64, u64, u64) {
    let r = &d["range"];
    (
        r["start"]["line"].as_u64().unwrap(),
        r["start"]["character"].as_u64().unwrap(),
        r["end"]["line"].as_u64().unwrap(),
        r["end"]["character"].as_u64().unwrap(),
    )
}

fn seeds() -> Option<PathBuf> {
    shared_dir().map(|s| s.join("seed-charts"))
}

/// A private copy of the seed charts (tests never touch the shared folder).
fn seed_copy(name: &str) -> Option<PathBuf> {
    let src = seeds()?;
    let dir = scratch_dir(name);
    for c in ["pacman", "greetings", "music"] {
        copy_dir(&src.join(c), &dir.join(c)).unwrap();
    }
    Some(dir)
}

fn preview(c: &mut LspClient, uri: &str) -> Result<Json, Json> {
    c.try_request(
        "workspace/executeCommand",
        json!({"command": "chart.renderPreview", "arguments": [uri]}),
    )
}

#[test]
fn live_render_diagnostics_and_preview_on_pacman() {
    let Some(root) = seed_copy("lsp-tpl-pacman") else {
        assert!(!report_missing_shared("lsp templates", 1));
        return;
    };
    let (mut c, _) = LspClient::start(&root, json!({}));
    let dep = c.open_file(&root.join("pacman/templates/deployment.yaml"), "helm");
    assert_eq!(c.diagnostics(&dep, 1), Vec::<Json>::new());

    // The preview is the template's part of Helm's own output (oracle golden).
    let golden = std::fs::read_to_string(seeds().unwrap().join("goldens/pacman.yaml")).unwrap();
    let out = preview(&mut c, &dep).unwrap();
    let out = out.as_str().unwrap();
    assert!(
        out.starts_with("apiVersion: apps/v1\nkind: Deployment\n"),
        "{out}"
    );
    assert!(
        golden.contains(&format!(
            "# Source: pacman/templates/deployment.yaml\n{out}"
        )),
        "preview differs from Helm's output:\n{out}"
    );

    // `required` on a line with non-ASCII text: the range is the call, in UTF-16
    // units (`  # café ☕ {{ ` is 14 units, 17 bytes).
    let v = c.edit(
        &dep,
        (10, 0),
        (10, 0),
        "  # café ☕ {{ required \"nope is required\" .Values.nope }}\n",
    );
    let d = c.diagnostics(&dep, v);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(range(&d[0]), (10, 14, 10, 54));
    assert_eq!(d[0]["message"], "nope is required");
    assert_eq!(d[0]["code"], "template-fail");

    // The unsaved text renders: the preview says why not.
    let err = preview(&mut c, &dep).unwrap_err();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("nope is required"),
        "{err}"
    );

    // An unclosed action: Go reads on into the next line.
    let v = c.edit(&dep, (10, 0), (11, 0), "  x: {{ .Values.image.tag \n");
    let d = c.diagnostics(&dep, v);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(range(&d[0]), (11, 2, 11, 10));
    assert_eq!(d[0]["message"], "function \"replicas\" not defined");
    assert_eq!(d[0]["code"], "template-parse");

    // An execution error points at the failing field chain.
    let v = c.edit(
        &dep,
        (10, 0),
        (11, 0),
        "  x: {{ .Values.image.tag.nope.deeper }}\n",
    );
    let d = c.diagnostics(&dep, v);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(range(&d[0]), (10, 8, 10, 37));
    assert_eq!(
        d[0]["message"],
        "executing \"pacman/templates/deployment.yaml\" at <.Values.image.tag.nope.deeper>: can't evaluate field nope in type interface {}"
    );

    // Output that is not YAML is reported in the template, through the trace.
    let v = c.edit(&dep, (10, 0), (11, 0), "  x: {{ \"[unclosed\" }}\n");
    let d = c.diagnostics(&dep, v);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "rendered-yaml");
    assert_eq!(range(&d[0]).0, 10, "{d:?}");

    // Fixed: cleared.
    let v = c.edit(&dep, (10, 0), (11, 0), "");
    assert_eq!(c.diagnostics(&dep, v), Vec::<Json>::new());
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn values_edits_reach_template_diagnostics() {
    let Some(root) = seed_copy("lsp-tpl-values") else {
        assert!(!report_missing_shared("lsp templates", 1));
        return;
    };
    let (mut c, _) = LspClient::start(&root, json!({}));
    let dep = c.open_file(&root.join("pacman/templates/deployment.yaml"), "helm");
    assert_eq!(c.diagnostics(&dep, 1), Vec::<Json>::new());
    let values = c.open_file(&root.join("pacman/values.yaml"), "yaml");
    let _ = c.diagnostics(&values, 1);
    let _ = c.diagnostics(&dep, 1); // the same batch republishes the template
    // Turning `image` into a string breaks `.Values.image.repository` in the
    // template, without saving anything.
    let _ = c.edit(&values, (0, 0), (5, 0), "image: oops\n");
    let d = c.diagnostics(&dep, 1);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "template-exec");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("image.repository"),
        "{d:?}"
    );
    assert_eq!(c.shutdown(), Some(0));
}
