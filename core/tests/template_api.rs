//! Tests of the template engine's API and of the behaviour the Helm 3.10
//! oracle cannot show: later Go additions we accept (`range` over an
//! integer, `else with`), custom delimiters, the output trace, budgets,
//! objects, the language-server parse API and hostile inputs.
//!
//! Expected values follow Go's documented `text/template` semantics (Go
//! 1.22 for `range` over int, Go 1.23 for `else with`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;

use chart_core::source::SourceId;
use chart_core::template::set::AHEAD_SOURCE_BASE;
use chart_core::template::{
    Delims, ExecErrorKind, FuncError, FuncTable, Host, Map, NoHost, Object, Options, ParseAhead,
    Signature, SourceFile, TemplateSet, Ty, Value, builtin_table, register_helm_engine_funcs,
};

fn table() -> Arc<FuncTable> {
    let mut t = builtin_table();
    register_helm_engine_funcs(&mut t);
    Arc::new(t)
}

fn data() -> Value {
    let mut values = Map::new();
    values.insert("n".into(), Value::Float(3.0));
    values.insert("s".into(), Value::str("x"));
    let mut tmpl = Map::new();
    tmpl.insert("Name".into(), Value::str("t"));
    tmpl.insert("BasePath".into(), Value::str("c/templates"));
    let mut top = Map::new();
    top.insert("Values".into(), Value::map(values));
    top.insert("Template".into(), Value::map(tmpl));
    Value::map(top)
}

fn render_with(set_opts: Options, delims: &Delims, src: &str) -> Result<String, String> {
    let mut set = TemplateSet::with_options(table(), set_opts);
    set.add("t", src, delims, SourceId(1))
        .map_err(|e| e.to_string())?;
    set.execute("t", &data(), &mut NoHost)
        .map(|r| r.output)
        .map_err(|e| e.to_string())
}

fn render(src: &str) -> Result<String, String> {
    render_with(Options::default(), &Delims::default(), src)
}

#[test]
fn range_over_integer() {
    assert_eq!(render("{{ range 3 }}{{ . }}{{ end }}").unwrap(), "012");
    assert_eq!(
        render("{{ range $i := 2 }}[{{ $i }}]{{ end }}").unwrap(),
        "[0][1]"
    );
    assert_eq!(
        render("{{ range 0 }}x{{ else }}none{{ end }}").unwrap(),
        "none"
    );
    assert_eq!(
        render("{{ range -2 }}x{{ else }}none{{ end }}").unwrap(),
        "none"
    );
    let err = render("{{ range $i, $v := 2 }}{{ end }}").unwrap_err();
    assert!(
        err.ends_with("can't use 2 to iterate over more than one variable"),
        "{err}"
    );
    // A float is not an integer.
    assert!(render("{{ range 2.5 }}x{{ end }}").is_err());
}

#[test]
fn else_with_chain() {
    let src = "{{ with .Values.none }}a{{ else with .Values.s }}[{{ . }}]{{ else }}c{{ end }}";
    assert_eq!(render(src).unwrap(), "[x]");
    let src = "{{ with 0 }}a{{ else with \"\" }}b{{ else }}c{{ end }}";
    assert_eq!(render(src).unwrap(), "c");
    // `else if` stays an `if` construct.
    let err = render("{{ with 0 }}a{{ else if 1 }}b{{ end }}").unwrap_err();
    assert!(err.ends_with("unexpected <if> in input"), "{err}");
}

#[test]
fn custom_delimiters() {
    let d = Delims::from_annotation("<< >>").unwrap();
    let out = render_with(
        Options::default(),
        &d,
        "a: << .Values.s >>\nb: {{ not an action }}\n<<- if true >> c <<- end >>",
    )
    .unwrap();
    assert_eq!(out, "a: x\nb: {{ not an action }} c");
    assert!(Delims::from_annotation("<<").is_none());
    assert!(Delims::from_annotation("a b c").is_none());
    // tpl inherits the caller's delimiters.
    let out = render_with(Options::default(), &d, "<< tpl \"[<< .Values.s >>]\" . >>").unwrap();
    assert_eq!(out, "[x]");
}

#[test]
fn output_trace_maps_output_to_nodes() {
    let src = "ab{{ .Values.s }}cd\n{{ if true }}yes{{ end }}";
    let mut set = TemplateSet::new(table());
    set.add("t", src, &Delims::default(), SourceId(7)).unwrap();
    let r = set.execute("t", &data(), &mut NoHost).unwrap();
    assert_eq!(r.output, "abxcd\nyes");
    let text = |span: chart_core::source::Span| &src[span.range()];
    assert_eq!(text(r.span_at(0).unwrap()), "ab");
    assert_eq!(text(r.span_at(2).unwrap()), "{{ .Values.s }}");
    assert_eq!(text(r.span_at(3).unwrap()), "cd\n");
    assert_eq!(text(r.span_at(7).unwrap()), "yes");
    assert_eq!(r.span_at(7).unwrap().source, SourceId(7));
    // Every entry starts inside the output and entries are sorted.
    assert!(r.trace.windows(2).all(|w| w[0].start < w[1].start));
}

#[test]
fn step_and_output_budgets() {
    let opts = Options {
        max_steps: 1000,
        ..Options::default()
    };
    let err = render_with(
        opts,
        &Delims::default(),
        "{{ range 100000 }}{{ range 100000 }}x{{ end }}{{ end }}",
    )
    .unwrap_err();
    assert!(err.contains("step budget exceeded"), "{err}");
    let opts = Options {
        max_output: 100,
        ..Options::default()
    };
    let mut set = TemplateSet::with_options(table(), opts);
    set.add(
        "t",
        "{{ range 1000 }}xxxxxxxx{{ end }}",
        &Delims::default(),
        SourceId(1),
    )
    .unwrap();
    let err = set.execute("t", &data(), &mut NoHost).unwrap_err();
    assert_eq!(err.kind(), ExecErrorKind::Budget);
}

#[test]
fn deep_template_recursion_is_bounded() {
    let opts = Options {
        max_template_depth: 2000,
        ..Options::default()
    };
    let err = render_with(
        opts,
        &Delims::default(),
        "{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" . }}",
    )
    .unwrap_err();
    assert!(
        err.ends_with("exceeded maximum template depth (2000)"),
        "{err}"
    );
    // include recursion stops at Helm's limit of 1000 nested calls.
    let err = render("{{ define \"r\" }}{{ include \"r\" . }}{{ end }}{{ include \"r\" . }}")
        .unwrap_err();
    assert!(
        err.ends_with(
            "rendering template has a nested reference name: r: unable to execute template"
        ),
        "{}",
        &err[err.len().saturating_sub(200)..]
    );
}

#[test]
fn later_definitions_win_but_empty_ones_do_not() {
    let mut set = TemplateSet::new(table());
    let d = Delims::default();
    set.add("a", "{{ define \"x\" }}A{{ end }}", &d, SourceId(1))
        .unwrap();
    set.add("b", "{{ define \"x\" }}B{{ end }}", &d, SourceId(2))
        .unwrap();
    set.add("c", "{{ define \"x\" }}  {{ end }}", &d, SourceId(3))
        .unwrap();
    set.add("main", "{{ template \"x\" }}", &d, SourceId(4))
        .unwrap();
    let r = set.execute("main", &Value::Nil, &mut NoHost).unwrap();
    assert_eq!(r.output, "B");
    // A parse error adds nothing.
    assert!(
        set.add(
            "bad",
            "{{ define \"x\" }}C{{ if }}{{ end }}",
            &d,
            SourceId(5)
        )
        .is_err()
    );
    let r = set.execute("main", &Value::Nil, &mut NoHost).unwrap();
    assert_eq!(r.output, "B");
}

/// Files of ~10 KB each, enough in all for `add_all` to parse them on two
/// threads; file `i` redefines "x" as `i`, except that the
/// files in `empty` define it as whitespace.
fn many_files(n: usize, empty: &[usize]) -> Vec<SourceFile> {
    (0..n)
        .map(|i| {
            let body = if empty.contains(&i) {
                " ".to_string()
            } else {
                i.to_string()
            };
            let padding = format!("{{{{/* {} */}}}}", "p".repeat(10_000));
            SourceFile {
                name: format!("f{i:02}"),
                text: format!("{padding}{{{{ define \"x\" }}}}{body}{{{{ end }}}}").into(),
                delims: Delims::default(),
                source: SourceId(i as u32 + 1),
            }
        })
        .collect()
}

/// What `{{ template "x" }}` gives with the set's definitions.
fn define_x(set: &mut TemplateSet) -> String {
    set.add(
        "main",
        "{{ template \"x\" }}",
        &Delims::default(),
        SourceId(99),
    )
    .unwrap();
    set.execute("main", &Value::Nil, &mut NoHost)
        .unwrap()
        .output
}

#[test]
fn add_all_keeps_file_order_across_threads() {
    let files = many_files(30, &[29]);
    let mut set = TemplateSet::new(table());
    set.add_all(&files).unwrap();
    // The last non-empty definition wins, as with one `add` per file.
    assert_eq!(define_x(&mut set), "28");
    assert!(set.get("f00").is_some() && set.get("f29").is_some());
    assert_eq!(set.source_name(SourceId(30)), Some("f29"));
}

#[test]
fn add_all_reports_the_first_failing_file_in_order() {
    let mut files = many_files(30, &[]);
    for i in [7, 25] {
        files[i].text = format!("{{{{ if }}}}{}", files[i].text).into();
    }
    let mut set = TemplateSet::new(table());
    let (index, err) = set.add_all(&files).unwrap_err();
    assert_eq!(index, 7);
    assert_eq!(&*err.name, "f07");
    // Files before the failing one were added, later ones were not.
    assert!(set.get("f06").is_some());
    assert!(set.get("f08").is_none());
}

#[test]
fn tpl_sees_other_files_defines_but_not_the_callers() {
    let mut set = TemplateSet::new(table());
    let d = Delims::default();
    set.add(
        "c/templates/_h.tpl",
        "{{ define \"h\" }}H{{ end }}",
        &d,
        SourceId(1),
    )
    .unwrap();
    set.add(
        "t",
        "{{ define \"own\" }}O{{ end }}{{ tpl \"{{ include \\\"h\\\" . }}\" . }}|{{ tpl \"{{ include \\\"own\\\" . }}\" . }}",
        &d,
        SourceId(2),
    )
    .unwrap();
    let err = set.execute("t", &data(), &mut NoHost).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("error calling include: template: no template \"own\" associated with template \"gotpl\""),
        "{err}"
    );
    // The first half worked: check it alone.
    set.add(
        "t2",
        "{{ tpl \"{{ include \\\"h\\\" . }}\" . }}",
        &d,
        SourceId(3),
    )
    .unwrap();
    assert_eq!(set.execute("t2", &data(), &mut NoHost).unwrap().output, "H");
}

#[test]
fn tpl_strings_are_parsed_once() {
    let mut set = TemplateSet::new(table());
    set.add(
        "t",
        "{{ range 50 }}{{ tpl \"<{{ .Values.s }}>\" $ }}{{ end }}",
        &Delims::default(),
        SourceId(1),
    )
    .unwrap();
    let r = set.execute("t", &data(), &mut NoHost).unwrap();
    assert_eq!(r.output, "<x>".repeat(50));
    assert_eq!(set.tpl_cache_len(), 1);
    // The tpl text is reachable for positions.
    let err = {
        set.add(
            "u",
            "{{ tpl \"{{ .a.b }}\" $ }}",
            &Delims::default(),
            SourceId(2),
        )
        .unwrap();
        set.execute("u", &data(), &mut NoHost).unwrap_err()
    };
    let inner = err.innermost();
    let span = inner.span().unwrap();
    let src = set.source(span.source).unwrap();
    assert_eq!(&src.text[span.range()], ".a.b");
    assert_eq!(err.cause().map(|c| c.template()), Some("t"));
}

#[derive(Debug)]
struct Files;

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        match name {
            "Get" => Some(match args {
                [Value::String(s)] => Ok(Value::from_string(format!("content of {s}"))),
                _ => Err(FuncError::new("bad args")),
            }),
            "Fail" => Some(Err(FuncError::new("it failed"))),
            _ => None,
        }
    }
    fn method_signature(&self, name: &str) -> Option<Signature> {
        (name == "Get").then_some(Signature::fixed(&[Ty::String]))
    }
    fn to_json_value(&self) -> Value {
        Value::empty_map()
    }
    fn map_entries(&self) -> Option<Map> {
        let mut m = Map::new();
        m.insert("a.txt".into(), Value::Bytes(Arc::from(&b"hi"[..])));
        Some(m)
    }
}

#[derive(Debug)]
struct Chart;

impl Object for Chart {
    fn type_name(&self) -> &str {
        "*chart.Metadata"
    }
    fn field(&self, name: &str) -> Option<Value> {
        (name == "Name").then(|| Value::str("mychart"))
    }
    fn to_json_value(&self) -> Value {
        Value::empty_map()
    }
}

#[test]
fn objects_fields_methods_and_map_types() {
    let mut top = Map::new();
    top.insert("Files".into(), Value::Object(Arc::new(Files)));
    top.insert("Chart".into(), Value::Object(Arc::new(Chart)));
    let data = Value::map(top);
    let mut set = TemplateSet::new(table());
    let d = Delims::default();
    let run = |set: &mut TemplateSet, src: &str| {
        set.add("t", src, &d, SourceId(1)).unwrap();
        set.execute("t", &data, &mut NoHost)
            .map(|r| r.output)
            .map_err(|e| e.to_string())
    };
    assert_eq!(run(&mut set, "{{ .Chart.Name }}").unwrap(), "mychart");
    assert_eq!(
        run(&mut set, "{{ .Files.Get \"x\" }}").unwrap(),
        "content of x"
    );
    assert_eq!(
        run(&mut set, "{{ \"y\" | .Files.Get }}").unwrap(),
        "content of y"
    );
    assert_eq!(
        run(&mut set, "{{ .Chart.Nope }}").unwrap_err(),
        "template: t:1:9: executing \"t\" at <.Chart.Nope>: can't evaluate field Nope in type interface {}"
    );
    assert_eq!(
        run(&mut set, "{{ .Files.Get 1 }}").unwrap_err(),
        "template: t:1:14: executing \"t\" at <1>: expected string; found 1"
    );
    assert_eq!(
        run(&mut set, "{{ .Files.Get }}").unwrap_err(),
        "template: t:1:9: executing \"t\" at <.Files.Get>: wrong number of args for Get: want 1 got 0"
    );
    assert_eq!(
        run(&mut set, "{{ .Files.Fail }}").unwrap_err(),
        "template: t:1:9: executing \"t\" at <.Files.Fail>: error calling Fail: it failed"
    );
    assert_eq!(
        run(&mut set, "{{ .Chart.Name 1 }}").unwrap_err(),
        "template: t:1:9: executing \"t\" at <.Chart.Name>: Name has arguments but cannot be invoked as function"
    );
    assert_eq!(
        run(&mut set, "{{ len .Files }} {{ range $k, $v := .Files }}{{ $k }}={{ printf \"%s\" $v }}{{ end }} {{ index .Files \"a.txt\" }}").unwrap(),
        "1 a.txt=hi [104 105]"
    );
}

struct Lookup;

impl Host for Lookup {
    fn call(&mut self, name: &str, tag: &str, args: &[Value]) -> Result<Value, FuncError> {
        assert_eq!((name, tag), ("lookup", "helm:lookup"));
        Ok(Value::from_string(format!("{}", args.len())))
    }
}

#[test]
fn host_functions_get_converted_arguments() {
    let mut t = builtin_table();
    t.add_engine(
        "lookup",
        Signature::fixed(&[Ty::String, Ty::String, Ty::String, Ty::String]),
        "helm:lookup",
    );
    let mut set = TemplateSet::new(Arc::new(t));
    set.add(
        "t",
        "{{ lookup \"v1\" \"Pod\" \"ns\" \"\" }}",
        &Delims::default(),
        SourceId(1),
    )
    .unwrap();
    assert_eq!(
        set.execute("t", &Value::Nil, &mut Lookup).unwrap().output,
        "4"
    );
    set.add(
        "u",
        "{{ lookup \"v1\" \"Pod\" \"ns\" 1 }}",
        &Delims::default(),
        SourceId(1),
    )
    .unwrap();
    let err = set.execute("u", &Value::Nil, &mut Lookup).unwrap_err();
    assert!(
        err.to_string().ends_with("expected string; found 1"),
        "{err}"
    );
}

#[test]
fn parse_only_returns_trees_before_the_error() {
    let set = TemplateSet::new(table());
    let parsed = set.parse_only(
        "t",
        "{{ define \"a\" }}x{{ end }}\n{{ define \"b\" }}{{ if }}{{ end }}",
        &Delims::default(),
        SourceId(1),
    );
    let err = parsed.error.unwrap();
    assert_eq!(err.line, 2);
    assert_eq!(err.message, "missing value for if");
    assert_eq!(parsed.trees.len(), 1);
    assert_eq!(&*parsed.trees[0].name, "a");
}

#[test]
fn hostile_inputs_do_not_crash() {
    let nested_parens = format!("{{{{ {}1{} }}}}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(render(&nested_parens).is_err());
    let nested_ifs = format!(
        "{}{}",
        "{{ if 1 }}".repeat(50_000),
        "{{ end }}".repeat(50_000)
    );
    assert!(render(&nested_ifs).is_err());
    // Deep but allowed nesting executes.
    let ok = format!("{}x{}", "{{ if 1 }}".repeat(500), "{{ end }}".repeat(500));
    assert_eq!(render(&ok).unwrap(), "x");
    // Found by the exec fuzzer: Go allows precisions up to 1e6.
    let out = render("{{ printf \"%.100000f|%.70000e\" 1.5 2.5 }}").unwrap();
    assert_eq!(out.len(), 100_002 + 1 + 70_006);
    for s in [
        "{{",
        "{{-",
        "{{/*",
        "{{ \"",
        "{{ `",
        "{{ '",
        "}}",
        "{{ $",
        "{{ .",
        "{{ (",
        "{{ 0x",
        "{{ 1e",
        "\u{0}{{\u{0}}}",
    ] {
        let _ = render(s);
    }
}

#[test]
fn template_set_is_shareable_across_threads() {
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<TemplateSet>();
    let mut set = TemplateSet::new(table());
    set.add(
        "t",
        "{{ .Values.s }}{{ tpl \"!\" $ }}",
        &Delims::default(),
        SourceId(1),
    )
    .unwrap();
    let set = Arc::new(set);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let set = set.clone();
            std::thread::spawn(move || set.execute("t", &data(), &mut NoHost).unwrap().output)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), "x!");
    }
}

/// Renders a chart written to a temp dir as Helm would (`helm template x`).
fn render_chart(tag: &str, files: &[(&str, &str)]) -> chart_core::engine::RenderedChart {
    use chart_core::engine::{Capabilities, EngineOptions, ReleaseOptions, render};
    let dir = std::env::temp_dir().join(format!("maps-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let mut chart = chart_core::chart::load(&dir).unwrap();
    let mut log = Vec::new();
    let values =
        chart_core::values::dependencies::process_and_coalesce(&mut chart, &Map::new(), &mut log)
            .unwrap();
    let release = ReleaseOptions {
        name: "x".into(),
        namespace: "default".into(),
        revision: 1,
        is_install: true,
        is_upgrade: false,
    };
    let rendered = render(
        &chart,
        &values,
        &release,
        &Capabilities::default(),
        EngineOptions::default(),
    )
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    rendered
}

const CHART_C: (&str, &str) = ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
const CHART_SUB: (&str, &str) = (
    "charts/sub/Chart.yaml",
    "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
);

/// Go maps are references: a template's `set` on `.Values` is seen by the
/// templates Helm renders after it (subcharts first, then reverse lexical
/// order), a subchart's `.Values` is its parent's `.Values.<name>`, and an
/// empty `.Files.Glob` is false. Expected output recorded from Helm 3.10.1.
#[test]
fn template_changes_to_values_are_seen_by_later_templates() {
    let rendered = render_chart(
        "order",
        &[
            CHART_C,
            CHART_SUB,
            ("values.yaml", "sub:\n  greeting: hi\nlist: [1]\n"),
            ("files/x.txt", "hello\n"),
            (
                "charts/sub/templates/s.yaml",
                "{{- $_ := set .Values \"fromSub\" .Values.greeting }}\nsub: {{ .Values | toJson }}\n",
            ),
            (
                "templates/b.yaml",
                "{{- $_ := set .Values \"fromB\" (dict \"n\" 1) }}\n{{- $_ := set .Values.sub \"fromB\" true }}\nb: {{ .Values.sub | toJson }}\n",
            ),
            (
                "templates/a.yaml",
                "a: {{ .Values | toJson }}\nglob-empty: {{ if .Files.Glob \"nope/*\" }}truthy{{ else }}falsy{{ end }}\nglob-some: {{ if .Files.Glob \"files/*\" }}truthy{{ else }}falsy{{ end }}\nfiles: {{ if .Files }}truthy{{ else }}falsy{{ end }}\nsubcharts: {{ .Subcharts.sub.Values | toJson }}\n",
            ),
        ],
    );
    let text = |name: &str| rendered.files[name].text.trim().to_string();
    assert_eq!(
        text("c/charts/sub/templates/s.yaml"),
        r#"sub: {"fromSub":"hi","global":{},"greeting":"hi"}"#
    );
    assert_eq!(
        text("c/templates/a.yaml"),
        r#"a: {"fromB":{"n":1},"list":[1],"sub":{"fromB":true,"fromSub":"hi","global":{},"greeting":"hi"}}
glob-empty: falsy
glob-some: truthy
files: truthy
subcharts: {"fromB":true,"fromSub":"hi","global":{},"greeting":"hi"}"#
    );
    assert_eq!(
        text("c/templates/b.yaml"),
        r#"b: {"fromB":true,"fromSub":"hi","global":{},"greeting":"hi"}"#
    );
}

/// A subchart's `.Values.global` is a copy of its parent's (nested tables
/// copied too), so its changes stay in the subchart. Recorded from Helm 3.10.1.
#[test]
fn subchart_global_changes_stay_in_the_subchart() {
    let rendered = render_chart(
        "globals",
        &[
            CHART_C,
            CHART_SUB,
            (
                "values.yaml",
                "global:\n  top: 1\n  nested:\n    k: v\nsub:\n  greeting: hi\n  global:\n    own: 2\nlist: [1]\n",
            ),
            (
                "charts/sub/templates/s.yaml",
                "{{- $_ := set .Values.global \"fromSub\" 1 }}\n{{- $_ := set .Values.global.nested \"fromSub\" 1 }}\nsub: {{ .Values | toJson }}\n",
            ),
            ("templates/a.yaml", "a: {{ .Values | toJson }}\n"),
        ],
    );
    let text = |name: &str| rendered.files[name].text.trim().to_string();
    assert_eq!(
        text("c/charts/sub/templates/s.yaml"),
        r#"sub: {"global":{"fromSub":1,"nested":{"fromSub":1,"k":"v"},"own":2,"top":1},"greeting":"hi"}"#
    );
    assert_eq!(
        text("c/templates/a.yaml"),
        r#"a: {"global":{"nested":{"k":"v"},"top":1},"list":[1],"sub":{"global":{"fromSub":1,"nested":{"fromSub":1,"k":"v"},"own":2,"top":1},"greeting":"hi"}}"#
    );
}

/// Output an action prints from `include` is traced to the nodes inside the
/// included template (through `nindent`'s re-indentation); what the action
/// adds itself stays with the action.
#[test]
fn output_trace_follows_include_into_the_define() {
    let mut t = builtin_table();
    chart_core::sprig::register(&mut t);
    register_helm_engine_funcs(&mut t);
    let helpers = "{{ define \"labels\" }}app: {{ .Values.s }}\ntier: web{{ end }}";
    let main = "spec:\n  labels:{{ include \"labels\" . | nindent 4 }}\n  other: {{ printf \"<%s>\" (include \"labels\" .) }}";
    let mut set = TemplateSet::new(Arc::new(t));
    set.add("h", helpers, &Delims::default(), SourceId(1))
        .unwrap();
    set.add("t", main, &Delims::default(), SourceId(2)).unwrap();
    let r = set.execute("t", &data(), &mut NoHost).unwrap();
    assert_eq!(
        r.output,
        "spec:\n  labels:\n    app: x\n    tier: web\n  other: <app: x\ntier: web>"
    );
    let at = |needle: &str| {
        let off = r.output.find(needle).unwrap();
        let span = r.span_at(off).unwrap();
        let src = if span.source == SourceId(1) {
            helpers
        } else {
            main
        };
        (span.source, &src[span.range()])
    };
    assert_eq!(at("app: x"), (SourceId(1), "app: "));
    assert_eq!(at("x\n    tier"), (SourceId(1), "{{ .Values.s }}"));
    assert_eq!(at("tier: web\n  other"), (SourceId(1), "\ntier: web"));
    // The line break and indentation before an included line go with it.
    let indent = r.output.find("\n    app").unwrap();
    assert_eq!(r.span_at(indent).unwrap().source, SourceId(1));
    assert_eq!(r.span_at(indent - 1).unwrap().source, SourceId(2));
    // printf's own text is the action's; the included text the define's.
    assert_eq!(at("<app").0, SourceId(2));
    assert_eq!(at("app: x\ntier: web>"), (SourceId(1), "app: "));
    assert_eq!(
        at(">"),
        (SourceId(2), "{{ printf \"<%s>\" (include \"labels\" .) }}")
    );
    assert!(r.trace.windows(2).all(|w| w[0].start < w[1].start));
}

/// `many_files` as [`ParseAhead`] takes them (its worker started before
/// the first file when `eager`).
fn ahead_of(files: &[SourceFile], eager: bool) -> ParseAhead {
    let mut ahead = ParseAhead::new(table(), eager);
    // In two batches, as a parent chart and its subchart would come.
    let (a, b) = files.split_at(files.len() / 2);
    for part in [a, b] {
        ahead.push(
            part.iter()
                .map(|f| (f.name.clone(), f.text.clone(), f.delims.clone())),
        );
    }
    ahead
}

#[test]
fn add_all_ahead_gives_what_add_all_gives() {
    for eager in [false, true] {
        let files = many_files(30, &[29]);
        let ahead = ahead_of(&files, eager);
        let mut mine = files.clone();
        let mut set = TemplateSet::new(table());
        set.add_all_ahead(&mut mine, ahead).unwrap();
        assert_eq!(define_x(&mut set), "28");
        // Every file took the early parse (on either thread), and its source id.
        for f in &mine {
            assert!(f.source.0 >= AHEAD_SOURCE_BASE, "{} parsed again", f.name);
            assert_eq!(set.source_name(f.source), Some(f.name.as_str()));
        }
    }
}

#[test]
fn add_all_ahead_with_a_worker_given_nothing() {
    // An eager worker that never gets a file: the render parses everything
    // itself and does not wait for the worker.
    let files = many_files(5, &[4]);
    let mut mine = files.clone();
    let mut set = TemplateSet::new(table());
    set.add_all_ahead(&mut mine, ParseAhead::new(table(), true))
        .unwrap();
    assert_eq!(define_x(&mut set), "3");
    for (f, orig) in mine.iter().zip(&files) {
        assert_eq!(f.source, orig.source);
    }
}

#[test]
fn add_all_ahead_parses_again_what_changed() {
    let files = many_files(30, &[]);
    let ahead = ahead_of(&files, false);
    let mut mine = files.clone();
    // Same name, other text (a renamed or rewritten file): parsed here, with
    // the caller's id.
    mine[29].text = "{{ define \"x\" }}new{{ end }}".into();
    // A file the early parse never saw.
    mine.push(SourceFile {
        name: "zz".into(),
        text: "{{ define \"y\" }}Y{{ end }}".into(),
        delims: Delims::default(),
        source: SourceId(500),
    });
    let mut set = TemplateSet::new(table());
    set.add_all_ahead(&mut mine, ahead).unwrap();
    assert_eq!(mine[29].source, SourceId(30));
    assert_eq!(mine[30].source, SourceId(500));
    assert!(mine[0].source.0 >= AHEAD_SOURCE_BASE);
    set.add(
        "main",
        "{{ template \"x\" }}{{ template \"y\" }}",
        &Delims::default(),
        SourceId(99),
    )
    .unwrap();
    let r = set.execute("main", &Value::Nil, &mut NoHost).unwrap();
    assert_eq!(r.output, "newY");
}

#[test]
fn add_all_ahead_reports_the_first_failing_file_in_order() {
    let mut files = many_files(30, &[]);
    for i in [7, 25] {
        files[i].text = format!("{{{{ if }}}}{}", files[i].text).into();
    }
    let ahead = ahead_of(&files, false);
    let mut set = TemplateSet::new(table());
    let (index, err) = set.add_all_ahead(&mut files, ahead).unwrap_err();
    assert_eq!(index, 7);
    assert_eq!(&*err.name, "f07");
    assert!(set.get("f06").is_some());
    assert!(set.get("f08").is_none());
}
