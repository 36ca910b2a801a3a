//! Shared setup of the template fuzz targets: how an input picks its
//! delimiters, the function table (Go built-ins, Helm's engine functions,
//! Sprig, Helm's YAML/JSON functions) and the fixed data a template runs on.
//!
//! The harness depends on the whole `chart-core` (the execution target needs
//! Sprig and Helm's YAML functions), so the first instrumented build compiles
//! all its dependencies; later builds only recompile `chart-core`.

pub use chart_core::{source, template};

use std::sync::{Arc, OnceLock};

use chart_core::source::SourceId;
use chart_core::template::{
    Delims, FuncTable, MissingKey, Options, Signature, TemplateSet, Ty, Value, register_builtins,
    register_helm_engine_funcs,
};

/// The name every fuzz input is parsed and executed under.
pub const NAME: &str = "fuzz/templates/t.yaml";

/// Splits an input into its delimiter pair and template text: a leading
/// `\x01` selects `<< >>`, anything else `{{ }}` (so plain template files
/// work unchanged as seeds). Invalid UTF-8 is replaced, as a chart loader
/// that read bytes would have to.
pub fn split_input(data: &[u8]) -> (Delims, String) {
    match data.split_first() {
        Some((1, rest)) => (
            Delims::new("<<", ">>"),
            String::from_utf8_lossy(rest).into_owned(),
        ),
        _ => (
            Delims::default(),
            String::from_utf8_lossy(data).into_owned(),
        ),
    }
}

/// Functions replaced by harmless stubs: they reach the network or burn
/// seconds of CPU by design (DNS lookup, key generation, bcrypt), which
/// would only make the fuzzer report slow inputs, not engine bugs.
const STUBBED: &[&str] = &[
    "getHostByName",
    "genPrivateKey",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "htpasswd",
    "derivePassword",
];

/// The full function table a chart template sees (minus the Helm layer's
/// host functions such as `lookup`).
pub fn funcs() -> Arc<FuncTable> {
    static FUNCS: OnceLock<Arc<FuncTable>> = OnceLock::new();
    FUNCS
        .get_or_init(|| {
            let mut t = FuncTable::new();
            register_builtins(&mut t);
            register_helm_engine_funcs(&mut t);
            chart_core::sprig::register(&mut t);
            chart_core::yaml::register(&mut t);
            // Helm's `required`/`fail`/`lookup`, served by `HelmHost`.
            chart_core::engine::host::register(&mut t);
            for &name in STUBBED {
                if t.contains(name) {
                    t.add(name, Signature::variadic(&[], Ty::Any), |_| {
                        Ok(Value::str("stub"))
                    });
                }
            }
            Arc::new(t)
        })
        .clone()
}

/// Low budgets so runaway loops and recursion stop within milliseconds,
/// while a deep `include` chain still reaches Helm's depth limit of 1000.
pub fn options() -> Options {
    Options {
        missing_key: MissingKey::Zero,
        max_steps: 200_000,
        max_output: 1 << 20,
        ..Options::default()
    }
}

const VALUES: &str = r#"
replicaCount: 3
image: {repository: nginx, tag: "1.25", pullPolicy: IfNotPresent}
enabled: true
disabled: false
zero: 0
float: 1.5
big: 1000000
neg: -2
empty: ""
nothing: null
list: [1, "two", 3.5, null, {k: v}, [a, b]]
emptyList: []
map: {a: 1, b: {c: d}, "x.y": z}
emptyMap: {}
str: "hello world"
num: "42"
tpl: "{{ .Values.str }}"
yaml: |
  a: 1
  b: [x, y]
json: '{"a": [1, 2], "b": null}'
"#;

/// `.` for one execution: Values, Release/Chart/Template stubs and Helm's
/// default Capabilities. Maps are shared and mutable (`set .Values "k" 1`
/// changes them), so every execution gets its own deep copy: one input's
/// changes must not leak into the next input's run.
pub fn data() -> Value {
    static DATA: OnceLock<Value> = OnceLock::new();
    let data = DATA.get_or_init(|| {
        let values = chart_core::yaml::parse_values(VALUES, SourceId(1))
            .map(|p| p.value)
            .unwrap_or_else(|_| Value::empty_map());
        let root = format!(
            "Release: {{Name: rel, Namespace: default, Service: Helm, IsInstall: true, IsUpgrade: false, Revision: 1}}\n\
             Chart: {{Name: fuzz, Version: 1.0.0, AppVersion: \"2.0\"}}\n\
             Template: {{Name: {NAME}, BasePath: fuzz/templates}}\n"
        );
        let mut map = match chart_core::yaml::parse_values(&root, SourceId(2)) {
            Ok(p) => match p.value {
                Value::Map(m) => m.into_map(),
                _ => Default::default(),
            },
            Err(_) => Default::default(),
        };
        map.insert(Arc::from("Values"), values);
        map.insert(
            Arc::from("Capabilities"),
            chart_core::engine::Capabilities::default().to_value(),
        );
        Value::map(map)
    });
    data.deep_copy().unwrap_or_else(|_| data.clone())
}

/// A template set with the fuzz function table and budgets, holding one
/// helper partial (`define "h"`) for `include`/`template` to call.
pub fn new_set() -> TemplateSet {
    let mut set = TemplateSet::with_options(funcs(), options());
    let _ = set.add(
        "fuzz/templates/_h.tpl",
        "{{ define \"h\" }}[{{ . }}]{{ end }}",
        &Delims::default(),
        SourceId(3),
    );
    set
}
