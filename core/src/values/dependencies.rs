//! Helm's dependency processing (`chartutil.ProcessDependencies`): aliases,
//! `tags`, `condition`, removal of disabled subcharts, and `import-values`.
//!
//! Faithful to Helm 3.10 including its quirks: a dependency whose version
//! constraint does not match the vendored chart keeps the chart under its
//! own name; the recursion evaluates a subchart's conditions against the
//! parent's coalesced values with the subchart's defaults merged at the top
//! level (which produces some of Helm's `coalesce.go` warnings); string
//! `import-values` listed before a map entry are lost.

use std::collections::HashSet;

use super::coalesce::{Node, coalesce, coalesce_tables_full_key};
use super::graph::{G, GMap, from_map, new_map, to_map};
use super::{Log, ValuesError, path_value, table};
use crate::chart::kubeversion::is_compatible_range;
use crate::chart::{Chart, Dependency};
use crate::template::{Map, Value};

/// Helm's `ProcessDependencies(chart, userValues)`: mutates the chart
/// (aliases applied, disabled subcharts and their `dependencies` entries
/// removed, import-values applied to the charts' default values).
pub fn process_dependencies(
    chart: &mut Chart,
    user: &Map,
    log: &mut Log,
) -> Result<(), ValuesError> {
    let mut node = Node::from_chart(std::mem::take(chart));
    let result = process_node(&mut node, user, log);
    *chart = node.into_chart();
    result
}

/// `ProcessDependencies` then `CoalesceValues` on the same value graph, as
/// `helm install/template` run them: the `.Values` of the root chart.
pub fn process_and_coalesce(
    chart: &mut Chart,
    user: &Map,
    log: &mut Log,
) -> Result<Map, ValuesError> {
    let mut node = Node::from_chart(std::mem::take(chart));
    let result = process_node(&mut node, user, log).and_then(|()| {
        let dest = from_map(user);
        coalesce(log, &node, &dest, "")?;
        Ok(to_map(&dest))
    });
    *chart = node.into_chart();
    result
}

pub(crate) fn process_node(node: &mut Node, user: &Map, log: &mut Log) -> Result<(), ValuesError> {
    let v = from_map(user);
    process_enabled(node, &v, "", log)?;
    process_import_values_rec(node, log)
}

/// Go `copystructure.Copy` of a graph: a fresh, unshared tree.
fn deep_copy(m: &GMap) -> GMap {
    from_map(&to_map(m))
}

fn reqs_mut(node: &mut Node) -> impl Iterator<Item = &mut Dependency> {
    node.chart
        .metadata
        .dependencies
        .iter_mut()
        .filter_map(|d| d.as_mut())
}

fn get_alias_dependency(charts: &[Node], dep: &Dependency) -> Option<Node> {
    for c in charts {
        if c.name() != dep.name {
            continue;
        }
        if !is_compatible_range(&dep.version, &c.chart.metadata.version) {
            continue;
        }
        let mut out = c.clone();
        if !dep.alias.is_empty() {
            out.chart.metadata.name = dep.alias.clone();
        }
        return Some(out);
    }
    None
}

fn process_enabled(c: &mut Node, v: &GMap, path: &str, log: &mut Log) -> Result<(), ValuesError> {
    if c.chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let reqs: Vec<Dependency> = c
        .chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .cloned()
        .collect();

    let mut chart_deps: Vec<Node> = Vec::new();
    for existing in &c.deps {
        let declared = reqs.iter().any(|r| {
            existing.name() == r.name
                && is_compatible_range(&r.version, &existing.chart.metadata.version)
        });
        if !declared {
            chart_deps.push(existing.clone());
        }
    }
    let old_deps = std::mem::take(&mut c.deps);
    for req in reqs_mut(c) {
        if let Some(cd) = get_alias_dependency(&old_deps, req) {
            chart_deps.push(cd);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.deps = chart_deps;

    for req in reqs_mut(c) {
        req.enabled = true;
    }
    let cvals = deep_copy(v);
    coalesce(log, c, &cvals, "")?;
    let snapshot = to_map(&cvals);
    process_tags(c, &snapshot, log);
    process_conditions(c, &snapshot, path, log);

    let rm: HashSet<String> = c
        .chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.deps.retain(|n| !rm.contains(n.name()));
    c.chart
        .metadata
        .dependencies
        .retain(|r| r.as_ref().is_none_or(|r| !rm.contains(&r.name)));

    for t in &mut c.deps {
        let subpath = format!("{path}{}.", t.name());
        process_enabled(t, &cvals, &subpath, log)?;
    }
    Ok(())
}

fn process_tags(c: &mut Node, cvals: &Map, log: &mut Log) {
    let Ok(vt) = table(cvals, "tags") else {
        return;
    };
    for r in reqs_mut(c) {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            if let Some(b) = vt.get(k.as_str()) {
                match b {
                    Value::Bool(true) => has_true = true,
                    Value::Bool(false) => has_false = true,
                    _ => log.push(format!(
                        "dependencies.go:81: Warning: Tag '{k}' for chart {} returned non-bool value",
                        r.name
                    )),
                }
            }
        }
        if !has_true && has_false {
            r.enabled = false;
        } else if has_true || !has_false {
            r.enabled = true;
        }
    }
}

fn process_conditions(c: &mut Node, cvals: &Map, cpath: &str, log: &mut Log) {
    for r in reqs_mut(c) {
        let condition = r.condition.trim().to_string();
        for cond in condition.split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(vv) = path_value(cvals, &format!("{cpath}{cond}")) {
                if let Value::Bool(b) = vv {
                    r.enabled = b;
                    break;
                }
                log.push(format!(
                    "dependencies.go:49: Warning: Condition path '{cond}' for chart {} returned non-bool value",
                    r.name
                ));
            }
        }
    }
}

/// Helm's `Values.Table` on a graph: the shared map at a dotted path.
fn g_table(m: &GMap, path: &str) -> Result<GMap, String> {
    let mut cur = m.clone();
    for seg in path.split('.') {
        let next = match cur.borrow().get(seg) {
            Some(G::Map(n)) => n.clone(),
            _ => {
                return Err(format!(
                    "{} is not a table",
                    crate::chart::metadata::go_quote(seg)
                ));
            }
        };
        cur = next;
    }
    Ok(cur)
}

/// Helm's `pathToMap`: `a.b` + data → `{a: {b: data}}`; `.` → data.
fn path_to_map(path: &str, data: GMap) -> GMap {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for seg in path.split('.').rev() {
        let m = new_map();
        m.borrow_mut().insert(seg.into(), G::Map(cur));
        cur = m;
    }
    cur
}

fn process_import_values_rec(c: &mut Node, log: &mut Log) -> Result<(), ValuesError> {
    for d in &mut c.deps {
        process_import_values_rec(d, log)?;
    }
    process_import_values(c, log)
}

fn import_string(iv: &Map, key: &str) -> Result<String, ValuesError> {
    match iv.get(key) {
        Some(Value::String(s)) => Ok(s.to_string()),
        other => Err(ValuesError(format!(
            "import-values: {key} must be a string, got {}",
            other.map_or("nothing", |v| v.type_name())
        ))),
    }
}

fn process_import_values(c: &mut Node, log: &mut Log) -> Result<(), ValuesError> {
    if c.chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = new_map();
    coalesce(log, c, &cvals, "")?;
    let mut b = new_map();
    let names: Vec<(usize, String, Vec<Value>)> = c
        .chart
        .metadata
        .dependencies
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            d.as_ref()
                .map(|d| (i, d.name.clone(), d.import_values.clone()))
        })
        .collect();
    for (i, name, import_values) in names {
        let mut outiv = Vec::new();
        for riv in &import_values {
            match riv {
                Value::Map(iv) => {
                    let child = import_string(&iv.read(), "child")?;
                    let parent = import_string(&iv.read(), "parent")?;
                    let mut m = Map::new();
                    m.insert("child".into(), Value::str(&child));
                    m.insert("parent".into(), Value::str(&parent));
                    outiv.push(Value::map(m));
                    match g_table(&cvals, &format!("{name}.{child}")) {
                        Ok(vv) => {
                            let src = path_to_map(&parent, vv);
                            coalesce_tables_full_key(log, &cvals, &src, "");
                            b = cvals.clone();
                        }
                        Err(e) => log.push(format!(
                            "dependencies.go:247: Warning: ImportValues missing table from chart {name}: {e}"
                        )),
                    }
                }
                Value::String(iv) => {
                    let child = format!("exports.{iv}");
                    let mut m = Map::new();
                    m.insert("child".into(), Value::str(&child));
                    m.insert("parent".into(), Value::str("."));
                    outiv.push(Value::map(m));
                    match g_table(&cvals, &format!("{name}.{child}")) {
                        Ok(vm) => coalesce_tables_full_key(log, &b, &vm, ""),
                        Err(e) => log.push(format!(
                            "dependencies.go:260: Warning: ImportValues missing table: {e}"
                        )),
                    }
                }
                _ => {}
            }
        }
        if let Some(Some(d)) = c.chart.metadata.dependencies.get_mut(i) {
            d.import_values = outiv;
        }
    }
    coalesce_tables_full_key(log, &cvals, &b, "");
    c.values = cvals;
    Ok(())
}
