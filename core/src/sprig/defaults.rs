//! Defaults and truthiness: `default empty coalesce all any ternary`.
//!
//! Sprig's `empty` is Go's zero-value test (text/template `isTrue` negated):
//! nil, false, 0 of any numeric type, "", and empty lists/maps are empty;
//! structs never are.

use super::{arg, arg_bool, ok};
use crate::template::{FuncTable, Signature, Ty, Value};

/// Sprig `empty`.
pub fn empty(v: &Value) -> bool {
    !v.is_truthy()
}

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    t.add("default", Signature::variadic(&[Any], Any), |a| {
        match a.get(1) {
            Some(given) if !empty(given) => Ok(given.clone()),
            _ => Ok(arg(a, 0).clone()),
        }
    });
    t.add("empty", Signature::fixed(&[Any]), |a| ok(empty(arg(a, 0))));
    t.add("coalesce", Signature::variadic(&[], Any), |a| {
        Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
    });
    t.add("all", Signature::variadic(&[], Any), |a| {
        ok(a.iter().all(|v| !empty(v)))
    });
    t.add("any", Signature::variadic(&[], Any), |a| {
        ok(a.iter().any(|v| !empty(v)))
    });
    t.add("ternary", Signature::fixed(&[Any, Any, Bool]), |a| {
        Ok(if arg_bool(a, 2)? {
            arg(a, 0)
        } else {
            arg(a, 1)
        }
        .clone())
    });
}
