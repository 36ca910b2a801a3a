//! Execution: parse any text and run it on a fixed data value with small
//! budgets; it must finish with output or an error, never a panic, hang or
//! stack overflow.
#![no_main]

use std::sync::Arc;

use chart_template_fuzz::source::SourceId;
use chart_template_fuzz::template::{
    Delims, Map, NoHost, Options, TemplateSet, Value, builtin_table, register_helm_engine_funcs,
};
use libfuzzer_sys::fuzz_target;

fn data() -> Value {
    let mut values = Map::new();
    values.insert("s".into(), Value::str("str"));
    values.insert("n".into(), Value::Float(3.0));
    values.insert("i".into(), Value::Int(2));
    values.insert("b".into(), Value::Bool(true));
    values.insert("nul".into(), Value::Nil);
    values.insert(
        "l".into(),
        Value::list(vec![Value::Int(1), Value::str("a"), Value::Nil, Value::Float(1.5)]),
    );
    let mut inner = Map::new();
    inner.insert("k".into(), Value::str("{{ .Values.s }}"));
    values.insert("m".into(), Value::map(inner));
    let mut tmpl = Map::new();
    tmpl.insert("Name".into(), Value::str("t"));
    tmpl.insert("BasePath".into(), Value::str("c/templates"));
    let mut top = Map::new();
    top.insert("Values".into(), Value::map(values));
    top.insert("Template".into(), Value::map(tmpl));
    Value::map(top)
}

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let mut t = builtin_table();
    register_helm_engine_funcs(&mut t);
    let opts = Options {
        max_steps: 20_000,
        max_output: 1 << 20,
        max_template_depth: 300,
        max_include_depth: 50,
        ..Options::default()
    };
    let mut set = TemplateSet::with_options(Arc::new(t), opts);
    let d = Delims::default();
    let _ = set.add("c/templates/_h.tpl", "{{ define \"h\" }}[{{ . }}]{{ end }}", &d, SourceId(1));
    if set.add("t", text, &d, SourceId(2)).is_err() {
        return;
    }
    match set.execute("t", &data(), &mut NoHost) {
        Ok(r) => {
            let _ = r.span_at(r.output.len() / 2);
        }
        Err(e) => {
            let _ = e.innermost().span();
        }
    }
});
