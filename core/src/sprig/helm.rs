//! Helm's JSON overrides of Sprig functions (pkg/engine/funcs.go): `toJson`
//! swallows errors into "", `fromJson`/`fromJsonArray` return the error text
//! inside the result (`{"Error": msg}` / `[msg]`) instead of failing.
//! The YAML/TOML functions live with the YAML emitter.

use super::{arg, arg_str, ok};
use crate::json;
use crate::template::{FuncTable, Map, Signature, Ty, Value};

/// Registers Helm's JSON functions (call after [`super::register`]).
pub fn register(t: &mut FuncTable) {
    t.add("toJson", Signature::fixed(&[Ty::Any]), |a| {
        ok(json::to_json(arg(a, 0)).unwrap_or_default())
    });
    t.add("fromJson", Signature::fixed(&[Ty::String]), |a| {
        Ok(match json::from_json_object(arg_str(a, 0)?) {
            Ok(m) => Value::map(m),
            Err(e) => {
                let mut m = Map::new();
                m.insert("Error".into(), Value::from_string(e.message));
                Value::map(m)
            }
        })
    });
    t.add("fromJsonArray", Signature::fixed(&[Ty::String]), |a| {
        Ok(match json::from_json_array(arg_str(a, 0)?) {
            Ok(l) => Value::list(l),
            Err(e) => Value::list(vec![Value::from_string(e.message)]),
        })
    });
}
