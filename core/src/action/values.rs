//! The values merges upgrade and `get values --all` need on stored
//! releases: Helm's `CoalesceTables` and `CoalesceValues` for a chart
//! without subcharts (a stored chart has none).

use crate::template::{Map, Value};

/// `CoalesceTables(dst, src)`: `src` fills what `dst` lacks, maps merge
/// recursively, a null in `dst` deletes the key.
pub fn coalesce_tables(dst: &Map, src: &Map) -> Map {
    let mut out = dst.clone();
    for (k, sv) in src {
        match out.get(k) {
            Some(Value::Nil) => {
                out.remove(k);
            }
            None => {
                out.insert(k.clone(), sv.clone());
            }
            Some(Value::Map(dm)) => {
                if let Value::Map(sm) = sv {
                    let merged = coalesce_tables(&dm.read(), &sm.read());
                    out.insert(k.clone(), Value::map(merged));
                }
            }
            Some(_) => {}
        }
    }
    out
}

/// `CoalesceValues(chart, user)`: user values over the chart's defaults,
/// a user null deleting the default.
pub fn coalesce_values(defaults: &Map, user: &Map) -> Map {
    let mut out = user.clone();
    for (k, dv) in defaults {
        match out.get(k) {
            Some(Value::Nil) => {
                out.remove(k);
            }
            Some(Value::Map(um)) => {
                if let Value::Map(dm) = dv {
                    let merged = coalesce_tables(&um.read(), &dm.read());
                    out.insert(k.clone(), Value::map(merged));
                }
            }
            Some(_) => {}
            None => {
                out.insert(k.clone(), dv.clone());
            }
        }
    }
    out
}
