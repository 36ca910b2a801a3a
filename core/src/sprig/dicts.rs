//! Dictionary functions: `dict get set unset hasKey pluck keys values pick
//! omit dig deepCopy` and the mergo-based `merge`/`mergeOverwrite` family.
//!
//! Go maps are references, so Sprig's `set`, `unset` and `merge*` change
//! their first argument in place (every holder of the map sees it) and
//! return it; `dict`, `pick`, `omit` and `deepCopy` make new maps.

use super::conversion::try_strval;
use super::defaults::empty;
use super::{arg, arg_map, arg_str, map_key, string_list};
use crate::template::{Elem, FuncError, FuncResult, FuncTable, Map, MapRef, Signature, Ty, Value};

pub fn register(t: &mut FuncTable) {
    use Ty::{Any, String};
    const M: Ty = Ty::Map;
    t.add("dict", Signature::variadic(&[], Any), |a| {
        let mut m = Map::new();
        for pair in a.chunks(2) {
            let key = try_strval(&pair[0])?;
            let val = pair.get(1).cloned().unwrap_or_else(|| Value::str(""));
            m.insert(map_key(&key), val);
        }
        Ok(Value::map(m))
    });
    t.add("get", Signature::fixed(&[M, String]), |a| {
        let (m, k) = (arg_map(a, 0)?, arg_str(a, 1)?);
        Ok(m.and_then(|m| m.get(k)).unwrap_or_else(|| Value::str("")))
    });
    t.add("set", Signature::fixed(&[M, String, Any]), |a| {
        let k = arg_str(a, 1)?;
        let m = arg_map(a, 0)?.filter(|m| !m.is_nil()).ok_or_else(nil_map)?;
        m.insert(map_key(k), arg(a, 2).clone());
        Ok(Value::Map(m.clone()))
    });
    t.add("unset", Signature::fixed(&[M, String]), |a| {
        let k = arg_str(a, 1)?;
        match arg_map(a, 0)? {
            // `delete` on a nil map does nothing.
            Some(m) if m.is_nil() => Ok(Value::Map(m.clone())),
            Some(m) => {
                m.remove(k);
                Ok(Value::Map(m.clone()))
            }
            None => Ok(Value::Map(MapRef::nil())),
        }
    });
    t.add("hasKey", Signature::fixed(&[M, String]), |a| {
        let (m, k) = (arg_map(a, 0)?, arg_str(a, 1)?);
        Ok(Value::Bool(m.is_some_and(|m| m.contains_key(k))))
    });
    t.add("pluck", Signature::variadic(&[String], M), |a| {
        let k = arg_str(a, 0)?;
        let mut out = Vec::new();
        for i in 1..a.len() {
            if let Some(v) = arg_map(a, i)?.and_then(|m| m.get(k)) {
                out.push(v.clone());
            }
        }
        Ok(Value::list(out))
    });
    t.add("keys", Signature::variadic(&[], M), |a| {
        let mut out = Vec::new();
        for i in 0..a.len() {
            if let Some(m) = arg_map(a, i)? {
                out.extend(m.read().keys().map(|k| k.to_string()));
            }
        }
        Ok(string_list(out))
    });
    t.add("values", Signature::fixed(&[M]), |a| {
        let m = arg_map(a, 0)?;
        Ok(Value::list(
            m.map(|m| m.read().values().cloned().collect())
                .unwrap_or_default(),
        ))
    });
    t.add("pick", Signature::variadic(&[M], String), |a| {
        let m = arg_map(a, 0)?;
        let mut out = Map::new();
        for i in 1..a.len() {
            let k = arg_str(a, i)?;
            if let Some(v) = m.and_then(|m| m.get(k)) {
                out.insert(map_key(k), v);
            }
        }
        Ok(Value::map(out))
    });
    t.add("omit", Signature::variadic(&[M], String), |a| {
        let mut out = owned_map(a, 0)?.unwrap_or_default();
        for i in 1..a.len() {
            out.remove(arg_str(a, i)?);
        }
        Ok(Value::map(out))
    });
    t.add("merge", Signature::variadic(&[M], M), |a| merge(a, false));
    t.add("mustMerge", Signature::variadic(&[M], M), |a| {
        merge(a, false)
    });
    t.add("mergeOverwrite", Signature::variadic(&[M], M), |a| {
        merge(a, true)
    });
    t.add("mustMergeOverwrite", Signature::variadic(&[M], M), |a| {
        merge(a, true)
    });
    t.add("deepCopy", Signature::fixed(&[Any]), |a| {
        deep_copy(arg(a, 0))
    });
    t.add("mustDeepCopy", Signature::fixed(&[Any]), |a| {
        deep_copy(arg(a, 0))
    });
    t.add("dig", Signature::variadic(&[], Any), dig);
}

fn nil_map() -> FuncError {
    FuncError::new("assignment to entry in nil map")
}

fn owned_map(a: &[Value], i: usize) -> Result<Option<Map>, FuncError> {
    Ok(arg_map(a, i)?.map(MapRef::snapshot))
}

fn deep_copy(v: &Value) -> FuncResult {
    match v {
        // copystructure reflects on the nil interface and Sprig panics.
        Value::Nil => Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        )),
        v => v.deep_copy().map_err(|e| FuncError::new(e.to_string())),
    }
}

/// mergo's `isEmptyValue` on an `interface{}` map element.
fn mergo_empty(v: Option<&Value>) -> bool {
    v.is_none_or(empty)
}

/// mergo `deepMerge` of two `map[string]interface{}` (v0.3.12 semantics),
/// changing `dst` in place: missing or empty destination values take the
/// source's (the same map or list, not a copy); nested maps merge
/// recursively into the destination's own maps; with `overwrite` the
/// source wins except that a non-empty non-map destination is never
/// replaced by a source map, and source nils only overwrite.
fn merge_into(dst: &MapRef, src: &MapRef, overwrite: bool) -> Result<(), FuncError> {
    // Go recurses forever on a map that contains itself.
    let _on_path = dst.enter().map_err(|e| FuncError::new(e.to_string()))?;
    // Read the source first: it may be `dst` itself.
    for (k, sv) in src.entries() {
        let dv = dst.get(&k);
        match &sv {
            Value::Nil => {
                if overwrite {
                    dst.insert(k, Value::Nil);
                }
            }
            Value::Map(sm) => match &dv {
                // A nil destination map cannot be written: mergo puts the
                // source's map in its place (below).
                Some(Value::Map(dm)) if !dm.is_nil() => {
                    merge_into(dm, sm, overwrite)?;
                    if dm.is_empty() {
                        dst.insert(k, sv);
                    }
                }
                _ if !mergo_empty(dv.as_ref()) => {}
                _ => {
                    dst.insert(k, sv);
                }
            },
            _ => {
                if overwrite || mergo_empty(dv.as_ref()) {
                    dst.insert(k, sv);
                }
            }
        }
    }
    Ok(())
}

fn merge(a: &[Value], overwrite: bool) -> FuncResult {
    // A nil destination becomes a new map (mergo sets the pointer).
    let dst = arg_map(a, 0)?
        .filter(|m| !m.is_nil())
        .cloned()
        .unwrap_or_default();
    for i in 1..a.len() {
        if let Some(src) = arg_map(a, i)? {
            merge_into(&dst, src, overwrite)?;
        }
    }
    Ok(Value::Map(dst))
}

/// Go's message for a failed `x.(T)` type assertion on an `interface{}`.
fn assertion(v: &Value, want: &str) -> FuncError {
    FuncError::new(format!(
        "interface conversion: interface {{}} is {}, not {want}",
        if v.is_nil() { "nil" } else { v.type_name() }
    ))
}

/// Sprig `dig "a" "b" default dict`.
fn dig(a: &[Value]) -> FuncResult {
    if a.len() < 3 {
        return Err(FuncError::new("dig needs at least three arguments"));
    }
    let (last, rest) = a.split_last().ok_or_else(|| FuncError::new("dig"))?;
    let (default, keys) = rest.split_last().ok_or_else(|| FuncError::new("dig"))?;
    let mut dict = match last {
        Value::Map(m) if m.elem() == Elem::Interface => m.clone(),
        other => return Err(assertion(other, "map[string]interface {}")),
    };
    let keys: Vec<&str> = keys
        .iter()
        .map(|k| k.as_str().ok_or_else(|| assertion(k, "string")))
        .collect::<Result<_, _>>()?;
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = dict.get(k) else {
            return Ok(default.clone());
        };
        if i + 1 == keys.len() {
            return Ok(step);
        }
        dict = match step {
            Value::Map(m) if m.elem() == Elem::Interface => m,
            other => return Err(assertion(&other, "map[string]interface {}")),
        };
    }
    Ok(default.clone())
}
