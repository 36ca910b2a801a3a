//! The Sprig v3 function library as Helm 3.10 exposes it to templates
//! (Sprig's `TxtFuncMap` minus `env`/`expandenv`), one module per family.
//!
//! Every function is registered with its real Go signature so the engine
//! converts arguments exactly as Go's reflection does; inside, each function
//! applies Sprig's own conversions (`strval`, spf13/cast `toInt64`, …) and
//! reproduces Sprig's results and error texts, including the messages of the
//! Go panics Sprig lets escape (text/template turns them into errors).

use crate::template::{Elem, FuncError, FuncResult, FuncTable, MapRef, Str, Value};

pub mod certs;
pub mod conversion;
pub mod crypto;
pub mod date;
pub mod defaults;
pub mod dicts;
pub mod encoding;
pub mod lists;
pub mod math;
pub mod network;
pub mod path;
mod prime;
pub mod reflect;
pub mod regex;
pub mod strings;
pub mod versions;

/// Registers every Sprig function Helm exposes.
pub fn register(table: &mut FuncTable) {
    strings::register(table);
    conversion::register(table);
    defaults::register(table);
    math::register(table);
    lists::register(table);
    dicts::register(table);
    reflect::register(table);
    encoding::register(table);
    crypto::register(table);
    certs::register(table);
    regex::register(table);
    path::register(table);
    network::register(table);
    date::register(table);
    versions::register(table);
}

/// A table with exactly the Sprig functions (for tests and tools). Helm's
/// encoding functions (`toYaml`, `toJson`, `fromJson`, the `must*Json`…) are
/// registered on top by [`crate::yaml::funcs::register`].
pub fn table() -> FuncTable {
    let mut t = FuncTable::new();
    register(&mut t);
    t
}

// ---- argument access shared by the families ---------------------------------
//
// The engine has already converted arguments to the declared Go types; these
// accessors only guard against a caller that did not (never panic).

fn wrong_type(expected: &str, got: &Value) -> FuncError {
    FuncError::new(format!(
        "wrong type for value; expected {expected}; got {}",
        got.type_name()
    ))
}

pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    static NIL: Value = Value::Nil;
    args.get(i).unwrap_or(&NIL)
}

pub(crate) fn arg_str(args: &[Value], i: usize) -> Result<&str, FuncError> {
    match arg(args, i) {
        Value::String(s) => Ok(s),
        other => Err(wrong_type("string", other)),
    }
}

pub(crate) fn arg_int(args: &[Value], i: usize) -> Result<i64, FuncError> {
    match arg(args, i) {
        Value::Int(n) | Value::Int64(n) => Ok(*n),
        other => Err(wrong_type("int", other)),
    }
}

pub(crate) fn arg_bool(args: &[Value], i: usize) -> Result<bool, FuncError> {
    match arg(args, i) {
        Value::Bool(b) => Ok(*b),
        other => Err(wrong_type("bool", other)),
    }
}

/// A `map[string]interface{}` argument; Go passes nil as a nil map.
pub(crate) fn arg_map(args: &[Value], i: usize) -> Result<Option<&MapRef>, FuncError> {
    match arg(args, i) {
        Value::Map(m) if m.elem() == Elem::Interface => Ok(Some(m)),
        Value::Nil => Ok(None),
        other => Err(wrong_type("map[string]interface {}", other)),
    }
}

/// A Go `[]string` (what `keys`, `splitList`, `sortAlpha`, … return).
pub(crate) fn string_list(items: impl IntoIterator<Item = String>) -> Value {
    Value::string_list(items)
}

pub(crate) fn map_key(s: &str) -> Str {
    Str::from(s)
}

/// Go's message for a nil interface method call inside Sprig (`reflect.TypeOf(nil).Kind()`).
pub(crate) fn nil_deref() -> FuncError {
    FuncError::new("runtime error: invalid memory address or nil pointer dereference")
}

pub(crate) fn ok(v: impl Into<Value>) -> FuncResult {
    Ok(v.into())
}
