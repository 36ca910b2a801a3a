//! Go's template builtins and Helm's `include`/`tpl`, as function-table
//! entries.
//!
//! The builtins that Go declares with `reflect.Value` parameters (`and`,
//! `or`, `not`, `len`, `index`, `slice`, `eq`…`ge`, `call`) need to see
//! whether an argument is a typed nil or "no value" and must short-circuit,
//! so they are [`FuncDef::Engine`](super::funcs::FuncDef::Engine) entries the
//! evaluator implements. `print*`, `html`, `js` and `urlquery` are plain
//! native functions.

use super::funcs::{FuncError, FuncResult, FuncTable, Signature, Ty};
use super::printf::{try_sprint, try_sprintf, try_sprintln};
use super::value::{CycleError, Value};

/// Engine tags of the builtins the evaluator implements itself.
pub(crate) const REFLECT_BUILTINS: &[&str] = &[
    "and", "or", "not", "len", "index", "slice", "eq", "ne", "lt", "le", "gt", "ge", "call",
];

/// Tag of Helm's `include`.
pub const TAG_INCLUDE: &str = "include";
/// Tag of Helm's `tpl`.
pub const TAG_TPL: &str = "tpl";

const ANY1: &[Ty] = &[Ty::Any];
const ANY2: &[Ty] = &[Ty::Any, Ty::Any];

/// Registers Go's `text/template` builtin functions.
pub fn register_builtins(t: &mut FuncTable) {
    t.add_engine("and", Signature::variadic(ANY1, Ty::Any), "and");
    t.add_engine("or", Signature::variadic(ANY1, Ty::Any), "or");
    t.add_engine("not", Signature::fixed(ANY1), "not");
    t.add_engine("len", Signature::fixed(ANY1), "len");
    t.add_engine("index", Signature::variadic(ANY1, Ty::Any), "index");
    t.add_engine("slice", Signature::variadic(ANY1, Ty::Any), "slice");
    t.add_engine("eq", Signature::variadic(ANY1, Ty::Any), "eq");
    t.add_engine("ne", Signature::fixed(ANY2), "ne");
    t.add_engine("lt", Signature::fixed(ANY2), "lt");
    t.add_engine("le", Signature::fixed(ANY2), "le");
    t.add_engine("gt", Signature::fixed(ANY2), "gt");
    t.add_engine("ge", Signature::fixed(ANY2), "ge");
    t.add_engine("call", Signature::variadic(ANY1, Ty::Any), "call");
    t.add("print", Signature::variadic(&[], Ty::Any), print);
    t.add("println", Signature::variadic(&[], Ty::Any), println);
    t.add(
        "printf",
        Signature::variadic(&[Ty::String], Ty::Any),
        printf,
    );
    t.add("html", Signature::variadic(&[], Ty::Any), html);
    t.add("js", Signature::variadic(&[], Ty::Any), js);
    t.add("urlquery", Signature::variadic(&[], Ty::Any), urlquery);
}

/// Registers Helm's `include` and `tpl`, implemented by the evaluator
/// (see [`TemplateSet`](super::TemplateSet)).
pub fn register_helm_engine_funcs(t: &mut FuncTable) {
    t.add_engine(
        "include",
        Signature::fixed(&[Ty::String, Ty::Any]),
        TAG_INCLUDE,
    );
    t.add_engine("tpl", Signature::fixed(&[Ty::String, Ty::Map]), TAG_TPL);
}

/// A function table with Go's builtins only.
pub fn builtin_table() -> FuncTable {
    let mut t = FuncTable::new();
    register_builtins(&mut t);
    t
}

// Go's fmt recurses into a map that contains itself until its stack
// overflows; these fail with the cycle error instead.
fn print(args: &[Value]) -> FuncResult {
    printed(try_sprint(args))
}

fn println(args: &[Value]) -> FuncResult {
    printed(try_sprintln(args))
}

fn printf(args: &[Value]) -> FuncResult {
    let format = args.first().and_then(Value::as_str).unwrap_or("");
    printed(try_sprintf(format, args.get(1..).unwrap_or(&[])))
}

fn printed(r: Result<String, CycleError>) -> FuncResult {
    r.map(Value::from_string)
        .map_err(|e| FuncError::new(e.to_string()))
}

/// Go's `evalArgs`: a single string is used as is; otherwise the arguments
/// are `Sprint`ed, with nil printed as `<no value>`.
fn eval_args(args: &[Value]) -> Result<String, FuncError> {
    if let [Value::String(s)] = args {
        return Ok(s.to_string());
    }
    let mapped: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_nil() {
                Value::str("<no value>")
            } else {
                a.clone()
            }
        })
        .collect();
    try_sprint(&mapped).map_err(|e| FuncError::new(e.to_string()))
}

fn html(args: &[Value]) -> FuncResult {
    let s = eval_args(args)?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    Ok(Value::from_string(out))
}

fn js(args: &[Value]) -> FuncResult {
    let s = eval_args(args)?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if c.is_ascii() || super::lexer::is_go_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    Ok(Value::from_string(out))
}

fn urlquery(args: &[Value]) -> FuncResult {
    let s = eval_args(args)?;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(Value::from_string(out))
}
