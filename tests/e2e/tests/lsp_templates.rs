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

/// `(line, UTF-16 column)` of the first `needle` at or after line `from`.
fn find(text: &str, from: usize, needle: &str) -> (u32, u32) {
    for (i, line) in text.lines().enumerate().skip(from) {
        if let Some(b) = line.find(needle) {
            return (i as u32, line[..b].encode_utf16().count() as u32);
        }
    }
    panic!("{needle:?} not found after line {from}");
}

#[track_caller]
fn labels(items: &Json) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not a completion list: {items}"))
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

fn item<'a>(items: &'a Json, label: &str) -> &'a Json {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == label)
        .unwrap_or_else(|| panic!("no item {label} in {items}"))
}

fn loc(l: &Json) -> (String, (u64, u64, u64, u64)) {
    let uri = l["uri"].as_str().unwrap();
    let tail = uri.rsplit('/').take(2).collect::<Vec<_>>();
    (format!("{}/{}", tail[1], tail[0]), range(l))
}

#[track_caller]
fn complete(c: &mut LspClient, uri: &str, at: (u32, u32)) -> Json {
    let r = c.request("textDocument/completion", LspClient::at(uri, at.0, at.1));
    assert!(
        r.is_array(),
        "no completion at {at:?} (called from {})",
        std::panic::Location::caller()
    );
    r
}

#[test]
fn template_completion_hover_definition_references_symbols_on_pacman() {
    let Some(root) = seed_copy("lsp-tpl-features") else {
        assert!(!report_missing_shared("lsp templates", 1));
        return;
    };
    let (mut c, init) = LspClient::start(&root, json!({}));
    assert_eq!(init["capabilities"]["referencesProvider"], true);
    assert_eq!(init["capabilities"]["documentSymbolProvider"], true);
    let path = root.join("pacman/templates/deployment.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let dep = c.open_file(&path, "helm");
    assert_eq!(c.diagnostics(&dep, 1), Vec::<Json>::new());

    // Hover on a values path: effective value, where it is set.
    let (l, col) = find(&text, 0, "replicaCount");
    let h = c.request("textDocument/hover", LspClient::at(&dep, l, col + 2));
    assert_eq!(
        h["contents"]["value"],
        "**.Values.replicaCount** `int`\n```yaml\n1\n```\n\nSet in:\n- pacman/values.yaml:7\n"
    );
    assert_eq!(range(&h), (l as u64, col as u64, l as u64, col as u64 + 12));
    // Hover on a function.
    let (l, col) = find(&text, 0, "nindent");
    let h = c.request("textDocument/hover", LspClient::at(&dep, l, col + 1));
    assert_eq!(
        h["contents"]["value"],
        "```go\nnindent(spaces int, s string) string\n```\nNewline, then indents every line by n spaces"
    );
    // Hover on an include name: the define.
    let (l, col) = find(&text, 0, "\"pacman.selectorLabels\"");
    let h = c.request("textDocument/hover", LspClient::at(&dep, l, col + 3));
    assert_eq!(
        h["contents"]["value"],
        "**define \"pacman.selectorLabels\"**\n```helm\napp.kubernetes.io/name: {{ .Chart.Name }}\n```"
    );

    // Definitions: values key, define, Chart.yaml field.
    let (l, col) = find(&text, 0, ".Values.image.repository");
    let d = c.request("textDocument/definition", LspClient::at(&dep, l, col + 9));
    assert_eq!(
        d.as_array().unwrap().iter().map(loc).collect::<Vec<_>>(),
        [("pacman/values.yaml".to_string(), (0, 0, 0, 5))]
    );
    let (l, col) = find(&text, 0, "\"pacman.selectorLabels\"");
    let d = c.request("textDocument/definition", LspClient::at(&dep, l, col + 1));
    assert_eq!(
        d.as_array().unwrap().iter().map(loc).collect::<Vec<_>>(),
        [("templates/_helpers.tpl".to_string(), (3, 11, 3, 34))]
    );
    let (l, col) = find(&text, 0, ".Chart.AppVersion }}\"");
    let d = c.request("textDocument/definition", LspClient::at(&dep, l, col + 8));
    assert_eq!(
        d.as_array().unwrap().iter().map(loc).collect::<Vec<_>>(),
        [("pacman/Chart.yaml".to_string(), (5, 0, 5, 10))]
    );
    // References of `.Values.image.tag`: the template's use and values.yaml.
    let (l, col) = find(&text, 0, ".Values.image.tag");
    let r = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": dep}, "position": {"line": l, "character": col + 15},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        r.as_array().unwrap().iter().map(loc).collect::<Vec<_>>(),
        [
            (
                "templates/deployment.yaml".to_string(),
                (l as u64, col as u64 + 14, l as u64, col as u64 + 17)
            ),
            ("pacman/values.yaml".to_string(), (2, 2, 2, 5)),
        ]
    );

    // Completion in an unsaved, half-typed action (the file does not parse),
    // on a line with non-ASCII text (UTF-16 columns).
    let v = c.edit(&dep, (11, 0), (11, 0), "  z: \"☕ {{ .Values.image. }}\"\n");
    let (l, col) = find("  z: \"☕ {{ .Values.image. }}\"", 0, " }}");
    let items = complete(&mut c, &dep, (11 + l, col));
    assert_eq!(
        labels(&items),
        ["containerPort", "pullPolicy", "repository", "tag"]
    );
    assert_eq!(item(&items, "tag")["detail"], "string = \"1.0.0\"");
    assert_eq!(item(&items, "containerPort")["detail"], "int = 8080");
    assert_eq!(
        item(&items, "tag")["textEdit"]["range"],
        json!({"start": {"line": 11, "character": col}, "end": {"line": 11, "character": col}})
    );
    let d = c.diagnostics(&dep, v);
    assert_eq!(d.len(), 1, "{d:?}");
    // Built-in objects, defines, variables, functions.
    let v = c.edit(&dep, (11, 0), (12, 0), "  z: {{ .Chart. }}\n");
    let _ = c.diagnostics(&dep, v);
    let items = complete(&mut c, &dep, (11, 15));
    assert_eq!(
        labels(&items),
        [
            "Name",
            "Version",
            "AppVersion",
            "Description",
            "Type",
            "APIVersion",
            "KubeVersion",
            "Home",
            "Icon",
            "Sources",
            "Keywords",
            "Maintainers",
            "Annotations",
            "Dependencies",
            "Deprecated",
            "IsRoot"
        ]
    );
    let v = c.edit(&dep, (11, 0), (12, 0), "  z: {{ include \"\n");
    let _ = c.diagnostics(&dep, v);
    let items = complete(&mut c, &dep, (11, 17));
    assert_eq!(labels(&items), ["pacman.selectorLabels"]);
    let v = c.edit(&dep, (11, 0), (12, 0), "  z: {{ $ }}\n");
    let _ = c.diagnostics(&dep, v);
    assert_eq!(labels(&complete(&mut c, &dep, (11, 9))), ["$"]);
    let items = complete(&mut c, &dep, (11, 8));
    assert_eq!(
        item(&items, "nindent")["detail"],
        "nindent(spaces int, s string) string"
    );
    assert_eq!(item(&items, "range")["kind"], 14); // keyword

    // A value defined nowhere: a warning on its name, unless guarded.
    let v = c.edit(&dep, (11, 0), (12, 0), "  z: {{ .Values.nope }}\n");
    let d = c.diagnostics(&dep, v);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(range(&d[0]), (11, 16, 11, 20));
    assert_eq!(d[0]["severity"], 2);
    assert_eq!(d[0]["code"], "values-undefined");
    assert_eq!(
        d[0]["message"],
        "`.Values.nope` is not set in any values file"
    );
    let v = c.edit(
        &dep,
        (11, 0),
        (12, 0),
        "  z: {{ .Values.nope | default 1 }}{{ if .Values.x }}{{ .Values.x.port }}{{ end }}\n",
    );
    assert_eq!(c.diagnostics(&dep, v), Vec::<Json>::new());

    // values.yaml: every key is read by a template; a new one is not.
    let values = c.open_file(&root.join("pacman/values.yaml"), "yaml");
    assert_eq!(c.diagnostics(&values, 1), Vec::<Json>::new());
    let v = c.edit(&values, (15, 0), (15, 0), "unusedKey: 1\n");
    let d = c.diagnostics(&values, v);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(range(&d[0]), (15, 0, 15, 9));
    assert_eq!(d[0]["severity"], 4);
    assert_eq!(d[0]["code"], "values-unused");

    // Document symbols: defines, top-level keys.
    let helpers = c.open_file(&root.join("pacman/templates/_helpers.tpl"), "helm");
    let s = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": helpers}}),
    );
    let s = s.as_array().unwrap();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0]["name"], "pacman.selectorLabels");
    assert_eq!(s[0]["kind"], 12);
    assert_eq!(
        s[0]["selectionRange"],
        json!({"start": {"line": 3, "character": 11}, "end": {"line": 3, "character": 34}})
    );
    let s = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": dep}}),
    );
    let names: Vec<&str> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["apiVersion", "kind", "metadata", "spec"]);
    let s = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": values}}),
    );
    let names: Vec<&str> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["image", "replicaCount", "securityContext", "unusedKey"]
    );
    assert_eq!(c.shutdown(), Some(0));
}

/// A chart with an aliased subchart, a library chart, `with` and `range`.
fn write_app(dir: &std::path::Path) {
    let files = [
        (
            "app/Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n    alias: db\n  - name: lib\n    version: 0.1.0\n",
        ),
        (
            "app/values.yaml",
            "image:\n  repo: nginx\nports:\n  - name: http\n    port: 80\ndb:\n  user: admin\nglobal:\n  region: eu\n",
        ),
        (
            "app/templates/svc.yaml",
            "{{- with .Values.image }}\nrepo: {{ .repo }}\n{{- end }}\nports:\n{{- range $i, $p := .Values.ports }}\n  - {{ $p.name }}: {{ .port }}\n{{- end }}\nname: {{ include \"lib.name\" . }}\n",
        ),
        (
            "app/charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        ),
        ("app/charts/sub/values.yaml", "user: nobody\npass: x\n"),
        (
            "app/charts/sub/templates/cm.yaml",
            "user: {{ .Values.user }}\nregion: {{ .Values.global.region }}\n",
        ),
        (
            "app/charts/lib/Chart.yaml",
            "apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n",
        ),
        (
            "app/charts/lib/templates/_names.tpl",
            "{{- define \"lib.name\" -}}\n{{ .Chart.Name }}\n{{- end }}\n",
        ),
    ];
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[test]
fn rebinding_subchart_alias_and_library_defines() {
    let root = scratch_dir("lsp-tpl-app");
    write_app(&root);
    let (mut c, _) = LspClient::start(&root, json!({}));
    let svc = c.open_file(&root.join("app/templates/svc.yaml"), "helm");
    assert_eq!(c.diagnostics(&svc, 1), Vec::<Json>::new());
    let out = preview(&mut c, &svc).unwrap();
    // Helm's output for this file (oracle): the library's define renders
    // with the parent's `.Chart`.
    assert_eq!(
        out.as_str().unwrap().trim(),
        "repo: nginx\nports:\n  - http: 80\nname: app"
    );
    // `with .Values.image`: `.` is the image map.
    assert_eq!(labels(&complete(&mut c, &svc, (1, 10))), ["repo"]);
    // `range $i, $p := .Values.ports`: `.` and `$p` are an element.
    assert_eq!(labels(&complete(&mut c, &svc, (5, 10))), ["name", "port"]);
    let text = "  - {{ $p.name }}: {{ .port }}";
    let (_, col) = find(text, 0, ".port");
    assert_eq!(
        labels(&complete(&mut c, &svc, (5, col + 1))),
        ["name", "port"]
    );
    assert_eq!(labels(&complete(&mut c, &svc, (5, 8))), ["$", "$i", "$p"]);
    // The library's define, from the parent's template.
    let (l, col) = find(
        "{{- with .Values.image }}\nrepo: {{ .repo }}\n{{- end }}\nports:\n{{- range $i, $p := .Values.ports }}\n  - {{ $p.name }}: {{ .port }}\n{{- end }}\nname: {{ include \"lib.name\" . }}\n",
        0,
        "\"lib.name\"",
    );
    let d = c.request("textDocument/definition", LspClient::at(&svc, l, col + 2));
    assert_eq!(
        d.as_array().unwrap().iter().map(loc).collect::<Vec<_>>(),
        [("templates/_names.tpl".to_string(), (0, 11, 0, 21))]
    );
    let items = complete(&mut c, &svc, (l, col + 1));
    assert_eq!(labels(&items), ["lib.name"]);

    // The aliased subchart sees the parent's `db:` values and the globals.
    let cm = c.open_file(&root.join("app/charts/sub/templates/cm.yaml"), "helm");
    assert_eq!(c.diagnostics(&cm, 1), Vec::<Json>::new());
    let items = complete(&mut c, &cm, (0, 17));
    assert_eq!(labels(&items), ["global", "pass", "user"]);
    assert_eq!(item(&items, "user")["detail"], "string = \"admin\"");
    let h = c.request("textDocument/hover", LspClient::at(&cm, 0, 18));
    assert_eq!(
        h["contents"]["value"],
        "**.Values.user** `string`\n```yaml\nadmin\n```\n\nSet in:\n- app/charts/sub/values.yaml:1\n- app/values.yaml:7 (wins)\n"
    );
    let h = c.request("textDocument/hover", LspClient::at(&cm, 1, 27));
    assert_eq!(
        h["contents"]["value"],
        "**.Values.global.region** `string`\n```yaml\neu\n```\n\nSet in:\n- app/values.yaml:9\n"
    );
    let d = c.request("textDocument/definition", LspClient::at(&cm, 0, 18));
    assert_eq!(
        d.as_array().unwrap().iter().map(loc).collect::<Vec<_>>(),
        [
            ("sub/values.yaml".to_string(), (0, 0, 0, 4)),
            ("app/values.yaml".to_string(), (6, 2, 6, 6)),
        ]
    );
    // From the parent's values.yaml: where the subchart reads `db.user`? Not
    // the parent's templates; `image.repo` is read through `with`.
    let values = c.open_file(&root.join("app/values.yaml"), "yaml");
    let _ = c.diagnostics(&values, 1);
    let r = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": values}, "position": {"line": 1, "character": 3},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        r.as_array().unwrap().iter().map(loc).collect::<Vec<_>>(),
        [
            ("templates/svc.yaml".to_string(), (1, 10, 1, 14)),
            ("app/values.yaml".to_string(), (1, 2, 1, 6)),
        ]
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn angle_delimiters_opt_in_through_the_chart_annotation() {
    let root = scratch_dir("lsp-tpl-angle");
    let chart = root.join("angle");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: angle\nversion: 0.1.0\nannotations:\n  kubectl-chart.io/delimiters: \"<< >>\"\n",
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), "port: 80\nhost: example.org\n").unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "port: << .Values.port >>\nraw: \"{{ not a template }}\"\n",
    )
    .unwrap();
    let (mut c, _) = LspClient::start(&root, json!({}));
    let cm = c.open_file(&chart.join("templates/cm.yaml"), "helm");
    assert_eq!(c.diagnostics(&cm, 1), Vec::<Json>::new());
    // `{{ }}` is plain text in this chart; `<< >>` are the actions.
    assert_eq!(
        preview(&mut c, &cm).unwrap(),
        "port: 80\nraw: \"{{ not a template }}\"\n"
    );
    assert_eq!(labels(&complete(&mut c, &cm, (0, 17))), ["host", "port"]);
    let h = c.request("textDocument/hover", LspClient::at(&cm, 0, 18));
    assert_eq!(
        h["contents"]["value"],
        "**.Values.port** `int`\n```yaml\n80\n```\n\nSet in:\n- angle/values.yaml:1\n"
    );
    // An undefined value inside `<< >>` is found too.
    let v = c.edit(&cm, (0, 0), (1, 0), "port: << .Values.prot >>\n");
    let d = c.diagnostics(&cm, v);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(range(&d[0]), (0, 17, 0, 21));
    assert_eq!(d[0]["code"], "values-undefined");
    assert_eq!(c.shutdown(), Some(0));
}
