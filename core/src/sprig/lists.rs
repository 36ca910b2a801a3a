//! List functions: `list tuple append push prepend first rest last initial
//! reverse uniq without has slice concat chunk compact sortAlpha` and their
//! `must*` variants. Sprig panics (non-`must`) and errors (`must`) with the
//! same text; both surface as `error calling NAME: …` in a template.

use super::conversion::{to_int64, try_strslice, try_strval};
use super::defaults::empty;
use super::{arg, arg_int, nil_deref, string_list};
use crate::template::{Elem, FuncError, FuncResult, FuncTable, Signature, Ty, Value};

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    let one = Signature::fixed(&[Any]);
    let two = Signature::fixed(&[Any, Any]);
    t.add("list", Signature::variadic(&[], Any), |a| {
        Ok(Value::list(a.to_vec()))
    });
    t.add("tuple", Signature::variadic(&[], Any), |a| {
        Ok(Value::list(a.to_vec()))
    });
    for name in ["append", "push", "mustAppend", "mustPush"] {
        t.add(name, two, |a| {
            let mut l = items(arg(a, 0), "Cannot push on type")?;
            l.push(arg(a, 1).clone());
            Ok(Value::list(l))
        });
    }
    for name in ["prepend", "mustPrepend"] {
        t.add(name, two, |a| {
            let mut l = items(arg(a, 0), "Cannot prepend on type")?;
            l.insert(0, arg(a, 1).clone());
            Ok(Value::list(l))
        });
    }
    for name in ["first", "mustFirst"] {
        t.add(name, one, |a| {
            let l = items(arg(a, 0), "Cannot find first on type")?;
            Ok(l.into_iter().next().unwrap_or(Value::Nil))
        });
    }
    for name in ["last", "mustLast"] {
        t.add(name, one, |a| {
            let l = items(arg(a, 0), "Cannot find last on type")?;
            Ok(l.into_iter().last().unwrap_or(Value::Nil))
        });
    }
    for name in ["rest", "mustRest"] {
        t.add(name, one, |a| {
            let l = items(arg(a, 0), "Cannot find rest on type")?;
            if l.is_empty() {
                // Sprig returns a nil slice for an empty list.
                return Ok(Value::nil_list());
            }
            Ok(Value::list(l.into_iter().skip(1).collect()))
        });
    }
    for name in ["initial", "mustInitial"] {
        t.add(name, one, |a| {
            let mut l = items(arg(a, 0), "Cannot find initial on type")?;
            if l.pop().is_none() {
                // Sprig returns a nil slice for an empty list.
                return Ok(Value::nil_list());
            }
            Ok(Value::list(l))
        });
    }
    for name in ["reverse", "mustReverse"] {
        t.add(name, one, |a| {
            let mut l = items(arg(a, 0), "Cannot find reverse on type")?;
            l.reverse();
            Ok(Value::list(l))
        });
    }
    for name in ["compact", "mustCompact"] {
        t.add(name, one, |a| {
            let l = items(arg(a, 0), "Cannot compact on type")?;
            Ok(Value::list(l.into_iter().filter(|v| !empty(v)).collect()))
        });
    }
    for name in ["uniq", "mustUniq"] {
        t.add(name, one, |a| {
            let l = items(arg(a, 0), "Cannot find uniq on type")?;
            let mut out: Vec<Value> = Vec::new();
            for v in l {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Ok(Value::list(out))
        });
    }
    for name in ["without", "mustWithout"] {
        t.add(name, Signature::variadic(&[Any], Any), |a| {
            let l = items(arg(a, 0), "Cannot find without on type")?;
            let omit = a.get(1..).unwrap_or(&[]);
            Ok(Value::list(
                l.into_iter().filter(|v| !omit.contains(v)).collect(),
            ))
        });
    }
    for name in ["has", "mustHas"] {
        t.add(name, two, |a| {
            let hay = arg(a, 1);
            if hay.is_nil() {
                return Ok(Value::Bool(false));
            }
            let l = items(hay, "Cannot find has on type")?;
            Ok(Value::Bool(l.contains(arg(a, 0))))
        });
    }
    for name in ["slice", "mustSlice"] {
        t.add(name, Signature::variadic(&[Any], Any), slice);
    }
    t.add("concat", Signature::variadic(&[], Any), |a| {
        let mut out = Vec::new();
        for l in a {
            match l {
                Value::Nil => return Err(nil_deref()),
                Value::List(_) | Value::Bytes(_) => out.extend(items(l, "")?),
                other => {
                    return Err(FuncError::new(format!(
                        "Cannot concat type {} as list",
                        other.kind_name()
                    )));
                }
            }
        }
        // Sprig appends to a nil slice: nothing to append leaves it nil.
        if out.is_empty() {
            return Ok(Value::nil_list());
        }
        Ok(Value::list(out))
    });
    for name in ["chunk", "mustChunk"] {
        t.add(name, Signature::fixed(&[Int, Any]), chunk);
    }
    t.add("sortAlpha", one, |a| {
        let v = arg(a, 0);
        Ok(match v {
            Value::List(_) | Value::Bytes(_) => {
                let mut s = try_strslice(v)?;
                s.sort();
                string_list(s)
            }
            other => string_list([try_strval(other)?]),
        })
    });
}

/// The elements of a slice argument, or Sprig's "Cannot … on type KIND"
/// (a nil argument is a nil-pointer panic in Sprig: `reflect.TypeOf(nil).Kind()`).
pub(crate) fn items(v: &Value, what: &str) -> Result<Vec<Value>, FuncError> {
    match v {
        Value::List(l) => Ok(l.to_vec()),
        // Elements of a []byte are uint8 numbers.
        Value::Bytes(b) => Ok(b.iter().map(|x| Value::Int(i64::from(*x))).collect()),
        Value::Nil => Err(nil_deref()),
        other => Err(FuncError::new(format!("{what} {}", other.kind_name()))),
    }
}

fn slice(a: &[Value]) -> FuncResult {
    let list = arg(a, 0);
    let l = match list {
        Value::List(l) => l.len(),
        Value::Bytes(b) => b.len(),
        Value::Nil => return Err(nil_deref()),
        other => {
            return Err(FuncError::new(format!(
                "list should be type of slice or array but {}",
                other.kind_name()
            )));
        }
    } as i64;
    if l == 0 {
        return Ok(Value::Nil);
    }
    let start = a.get(1).map_or(0, to_int64);
    let end = a.get(2).map_or(l, to_int64);
    if start < 0 || end < start || end > l {
        return Err(FuncError::new(
            "reflect.Value.Slice: slice index out of bounds",
        ));
    }
    let (s, e) = (start as usize, end as usize);
    Ok(match list {
        Value::Bytes(b) => Value::Bytes(b[s..e].into()),
        // reflect's Slice keeps the slice type (`slice (until 3) 1` is `[]int`).
        Value::List(v) => Value::typed_list(v.elem(), v[s..e].to_vec()),
        _ => Value::Nil,
    })
}

fn chunk(a: &[Value]) -> FuncResult {
    let size = arg_int(a, 0)?;
    let l = items(arg(a, 1), "Cannot chunk type")?;
    if size <= 0 {
        return Err(FuncError::new("runtime error: makeslice: len out of range"));
    }
    let out: Vec<Value> = l
        .chunks(size as usize)
        .map(|c| Value::list(c.to_vec()))
        .collect();
    // Sprig builds a `[][]interface{}`.
    Ok(Value::typed_list(Elem::InterfaceSlice, out))
}
