//! Helm's value coalescing (`chartutil.CoalesceValues`), reproduced step by
//! step including its warnings and its aliasing side effects.
//!
//! Rules: user values win over chart defaults; maps merge recursively; a
//! non-map never replaces a map (warning, kept); a user null deletes the
//! default key; a parent's `sub:` section overrides the subchart's defaults;
//! each subchart gets its parent's `global` merged into its own (parent
//! wins) and sees only its subtree. Subcharts are keyed by `Name()` (the
//! alias once dependencies are processed).

use super::graph::{G, GMap, from_map, new_map, shallow_copy, to_map};
use super::{Log, ValuesError};
use crate::chart::Chart;
use crate::template::{Map, Value};

/// Helm's `GlobalKey`.
pub const GLOBAL_KEY: &str = "global";

/// A chart while its values are processed: the chart (its `dependencies`
/// moved into `deps`) and its default values as a shared mutable graph.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub chart: Chart,
    pub values: GMap,
    pub deps: Vec<Node>,
}

impl Node {
    pub fn from_chart(mut chart: Chart) -> Node {
        let deps = std::mem::take(&mut chart.dependencies)
            .into_iter()
            .map(Node::from_chart)
            .collect();
        let values = match &chart.values {
            Value::Map(m) => from_map(&m.read()),
            _ => new_map(),
        };
        Node {
            chart,
            values,
            deps,
        }
    }

    pub fn into_chart(self) -> Chart {
        let mut chart = self.chart;
        chart.values = Value::map(to_map(&self.values));
        chart.dependencies = self.deps.into_iter().map(Node::into_chart).collect();
        chart
    }

    pub fn name(&self) -> &str {
        &self.chart.metadata.name
    }
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn warn(log: &mut Log, line: u32, msg: String) {
    log.push(format!("coalesce.go:{line}: {msg}"));
}

/// Go `%t` applied to a non-bool (`%!t(string=x)`), recursively as fmt does.
fn go_fmt_t(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Nil => "%!t(<nil>)".into(),
        Value::Map(m) => {
            let items: Vec<String> = m
                .read()
                .iter()
                .map(|(k, v)| format!("%!t(string={k}):{}", go_fmt_t(v)))
                .collect();
            format!("map[{}]", items.join(" "))
        }
        Value::List(l) => {
            let items: Vec<String> = l.iter().map(go_fmt_t).collect();
            format!("[{}]", items.join(" "))
        }
        other => format!("%!t({}={})", other.type_name(), other.to_go_string()),
    }
}

/// `coalesce`: the chart's own values, then its dependencies.
pub(crate) fn coalesce(
    log: &mut Log,
    ch: &Node,
    dest: &GMap,
    prefix: &str,
) -> Result<(), ValuesError> {
    coalesce_chart_values(log, ch, dest, prefix);
    coalesce_deps(log, ch, dest, prefix)
}

fn coalesce_deps(log: &mut Log, ch: &Node, dest: &GMap, prefix: &str) -> Result<(), ValuesError> {
    for sub in &ch.deps {
        let name = sub.name();
        let existing = dest.borrow().get(name).cloned();
        let dvmap = match existing {
            None => {
                let m = new_map();
                dest.borrow_mut().insert(name.into(), G::Map(m.clone()));
                m
            }
            Some(G::Map(m)) => m,
            Some(G::Other(v)) => {
                return Err(ValuesError(format!(
                    "type mismatch on {name}: {}",
                    go_fmt_t(&v)
                )));
            }
        };
        let sub_prefix = concat_prefix(prefix, ch.name());
        coalesce_globals(log, &dvmap, dest, &sub_prefix);
        coalesce(log, sub, &dvmap, &sub_prefix)?;
        dest.borrow_mut().insert(name.into(), G::Map(dvmap));
    }
    Ok(())
}

/// `coalesceGlobals`: the parent's globals into the subchart's, parent wins.
fn coalesce_globals(log: &mut Log, dest: &GMap, src: &GMap, prefix: &str) {
    let dg = match dest.borrow().get(GLOBAL_KEY) {
        None => new_map(),
        Some(G::Map(m)) => m.clone(),
        Some(G::Other(_)) => {
            warn(
                log,
                105,
                format!(
                    "warning: skipping globals because destination {GLOBAL_KEY} is not a table."
                ),
            );
            return;
        }
    };
    let sg = match src.borrow().get(GLOBAL_KEY) {
        None => new_map(),
        Some(G::Map(m)) => m.clone(),
        Some(G::Other(_)) => {
            warn(
                log,
                112,
                format!("warning: skipping globals because source {GLOBAL_KEY} is not a table."),
            );
            return;
        }
    };
    let entries: Vec<(crate::template::Str, G)> = sg
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in entries {
        match &val {
            G::Map(vmap) => {
                let vv = shallow_copy(vmap);
                let existing = dg.borrow().get(&key).cloned();
                match existing {
                    None => {
                        dg.borrow_mut().insert(key, G::Map(vv));
                    }
                    Some(G::Other(_)) => warn(
                        log,
                        128,
                        format!(
                            "Conflict: cannot merge map onto non-map for {}. Skipping.",
                            crate::chart::metadata::go_quote(&key)
                        ),
                    ),
                    Some(G::Map(destv)) => {
                        let sub_prefix = concat_prefix(prefix, &key);
                        coalesce_tables_full_key(log, &vv, &destv, &sub_prefix);
                        dg.borrow_mut().insert(key, G::Map(vv));
                    }
                }
            }
            G::Other(_) => {
                let dv_is_table = matches!(dg.borrow().get(&key), Some(G::Map(_)));
                if dv_is_table {
                    warn(log, 139, format!("key {key} is table. Skipping"));
                } else {
                    dg.borrow_mut().insert(key, val);
                }
            }
        }
    }
    dest.borrow_mut().insert(GLOBAL_KEY.into(), G::Map(dg));
}

/// `coalesceValues`: the chart's defaults under the given values.
fn coalesce_chart_values(log: &mut Log, c: &Node, v: &GMap, prefix: &str) {
    let sub_prefix = concat_prefix(prefix, c.name());
    let defaults: Vec<(crate::template::Str, G)> = c
        .values
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in defaults {
        let existing = v.borrow().get(&key).cloned();
        match existing {
            Some(value) if value.is_nil() => {
                v.borrow_mut().remove(&key);
            }
            Some(G::Map(dest)) => match &val {
                G::Map(src) => {
                    coalesce_tables_full_key(log, &dest, src, &concat_prefix(&sub_prefix, &key))
                }
                G::Other(x) if !x.is_nil() => warn(
                    log,
                    175,
                    format!("warning: skipped value for {sub_prefix}.{key}: Not a table."),
                ),
                G::Other(_) => {}
            },
            Some(G::Other(_)) => {}
            None => {
                v.borrow_mut().insert(key, val);
            }
        }
    }
}

/// `coalesceTablesFullKey`: `src` into `dst`, `dst` authoritative.
pub(crate) fn coalesce_tables_full_key(log: &mut Log, dst: &GMap, src: &GMap, prefix: &str) {
    let entries: Vec<(crate::template::Str, G)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in entries {
        let full_key = concat_prefix(prefix, &key);
        let existing = dst.borrow().get(&key).cloned();
        match existing {
            Some(dv) if dv.is_nil() => {
                dst.borrow_mut().remove(&key);
            }
            None => {
                dst.borrow_mut().insert(key, val);
            }
            Some(dv) => match (&val, &dv) {
                (G::Map(vm), G::Map(dm)) => coalesce_tables_full_key(log, dm, vm, &full_key),
                (G::Map(_), G::Other(_)) => warn(
                    log,
                    220,
                    format!(
                        "warning: cannot overwrite table with non table for {full_key} ({})",
                        val.go_string()
                    ),
                ),
                (G::Other(x), G::Map(_)) if !x.is_nil() => warn(
                    log,
                    223,
                    format!(
                        "warning: destination for {full_key} is a table. Ignoring non-table value ({})",
                        val.go_string()
                    ),
                ),
                _ => {}
            },
        }
    }
}

/// `CoalesceValues` on a node tree: a deep copy of `vals` with the chart's
/// defaults (and its subcharts') merged in.
pub(crate) fn coalesce_node(log: &mut Log, chart: &Node, vals: &Map) -> Result<GMap, ValuesError> {
    let dest = from_map(vals);
    coalesce(log, chart, &dest, "")?;
    Ok(dest)
}

/// Helm's `CoalesceValues(chart, vals)`: the values templates see as
/// `.Values`. Like Helm, it updates the charts' default values with what
/// coalescing wrote into them (these are what a release stores).
pub fn coalesce_values(chart: &mut Chart, vals: &Map, log: &mut Log) -> Result<Map, ValuesError> {
    let node = Node::from_chart(std::mem::take(chart));
    let result = coalesce_node(log, &node, vals);
    *chart = node.into_chart();
    result.map(|m| to_map(&m))
}

/// [`coalesce_values`] without touching the chart (for editors and lint).
pub fn coalesce_values_ref(chart: &Chart, vals: &Map, log: &mut Log) -> Result<Map, ValuesError> {
    let mut copy = chart.clone();
    coalesce_values(&mut copy, vals, log)
}

/// Helm's `CoalesceTables(dst, src)`: `src` merged under `dst`.
pub fn coalesce_tables(dst: &Map, src: &Map, log: &mut Log) -> Map {
    let d = from_map(dst);
    let s = from_map(src);
    coalesce_tables_full_key(log, &d, &s, "");
    to_map(&d)
}
