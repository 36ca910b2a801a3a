//! Which charts a workspace holds: every directory with a `Chart.yaml` under
//! the roots, with its parent (a chart whose `charts/` folder holds it), the
//! key under which the parent sets its values (name or alias), whether it is
//! a library, and the delimiters it opted into.

use std::path::{Path, PathBuf};

use crate::source::SourceId;
use crate::template::Value;
use crate::yaml;

/// The Chart.yaml annotation that switches a chart's templates to other delimiters.
pub const DELIMS_ANNOTATION: &str = "kubectl-chart.io/delimiters";

/// What the language server needs from a Chart.yaml.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartMeta {
    pub name: String,
    pub library: bool,
    /// `(left, right)` when the chart opts into other delimiters.
    pub delims: Option<(String, String)>,
    /// `(name, alias)` of each declared dependency.
    pub dependencies: Vec<(String, Option<String>)>,
}

/// Reads a Chart.yaml leniently (a broken file gives what could be read).
pub fn read_meta(text: &str) -> ChartMeta {
    let Ok(parsed) = yaml::parse_value(text, SourceId(0)) else {
        return ChartMeta::default();
    };
    let v = &parsed.value;
    let s = |v: Option<Value>| v.as_ref().and_then(Value::as_str).map(str::to_string);
    let delims = s(v.get("annotations").and_then(|a| a.get(DELIMS_ANNOTATION))).and_then(|d| {
        let mut parts = d.split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some(l), Some(r), None) => Some((l.to_string(), r.to_string())),
            _ => None,
        }
    });
    let dependencies = v
        .get("dependencies")
        .as_ref()
        .and_then(Value::as_list)
        .unwrap_or(&[])
        .iter()
        .filter_map(|d| Some((s(d.get("name"))?, s(d.get("alias")))))
        .collect();
    ChartMeta {
        name: s(v.get("name")).unwrap_or_default(),
        library: s(v.get("type")).as_deref() == Some("library"),
        delims,
        dependencies,
    }
}

/// One chart directory.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartDir {
    pub dir: PathBuf,
    pub meta: ChartMeta,
    /// Index of the parent chart in [`Workspace::charts`].
    pub parent: Option<usize>,
    /// The key under which the parent's values reach this chart.
    pub key_in_parent: Option<String>,
}

/// All charts found under the workspace roots.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workspace {
    pub charts: Vec<ChartDir>,
}

/// Directory names never searched for charts.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "node_modules" | "target" | "vendor")
}

const MAX_DEPTH: usize = 10;

impl Workspace {
    /// Finds the charts under `roots` (`read` gives a Chart.yaml's text).
    pub fn discover(roots: &[PathBuf], read: &dyn Fn(&Path) -> Option<String>) -> Workspace {
        let mut dirs = Vec::new();
        for root in roots {
            walk(root, 0, &mut dirs);
        }
        dirs.sort();
        dirs.dedup();
        let mut ws = Workspace::default();
        for dir in dirs {
            ws.add(dir, read);
        }
        ws
    }

    /// Adds a chart directory (and links it to its parent, if known).
    pub fn add(&mut self, dir: PathBuf, read: &dyn Fn(&Path) -> Option<String>) -> usize {
        if let Some(i) = self.charts.iter().position(|c| c.dir == dir) {
            return i;
        }
        let meta = read(&dir.join("Chart.yaml"))
            .map(|t| read_meta(&t))
            .unwrap_or_default();
        // `<parent>/charts/<this>`
        let parent_dir = dir
            .parent()
            .filter(|p| p.file_name().is_some_and(|n| n == "charts"))
            .and_then(Path::parent);
        let parent = parent_dir.and_then(|p| self.charts.iter().position(|c| c.dir == p));
        let key_in_parent = parent.and_then(|p| {
            let parent_meta = &self.charts.get(p)?.meta;
            let alias = parent_meta
                .dependencies
                .iter()
                .find(|(n, _)| *n == meta.name)
                .and_then(|(_, a)| a.clone());
            Some(alias.unwrap_or_else(|| meta.name.clone()))
        });
        self.charts.push(ChartDir {
            dir,
            meta,
            parent,
            key_in_parent,
        });
        self.charts.len() - 1
    }

    /// The chart a file belongs to: the deepest chart directory containing it.
    pub fn chart_for(&self, file: &Path) -> Option<usize> {
        self.charts
            .iter()
            .enumerate()
            .filter(|(_, c)| file.starts_with(&c.dir))
            .max_by_key(|(_, c)| c.dir.components().count())
            .map(|(i, _)| i)
    }

    /// The chart and its ancestors, innermost first.
    pub fn lineage(&self, chart: usize) -> Vec<usize> {
        let mut out = vec![chart];
        let mut cur = chart;
        while let Some(p) = self.charts.get(cur).and_then(|c| c.parent) {
            if out.contains(&p) {
                break;
            }
            out.push(p);
            cur = p;
        }
        out
    }

    /// Direct subcharts (directories) of a chart.
    pub fn children(&self, chart: usize) -> Vec<usize> {
        (0..self.charts.len())
            .filter(|&i| self.charts.get(i).and_then(|c| c.parent) == Some(chart))
            .collect()
    }
}

/// Finds the directory of the chart containing `file` by walking up to a
/// `Chart.yaml` (for files opened outside the workspace roots).
pub fn find_chart_dir(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|d| d.join("Chart.yaml").is_file())
        .map(Path::to_path_buf)
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    if dir.join("Chart.yaml").is_file() {
        out.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut subdirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !skipped(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    for d in subdirs {
        walk(&d, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_reads_delims_and_aliases() {
        let m = read_meta(
            "name: app\ntype: library\nannotations:\n  kubectl-chart.io/delimiters: \"<< >>\"\ndependencies:\n- name: postgresql\n  alias: db\n- name: redis\n",
        );
        assert_eq!(m.name, "app");
        assert!(m.library);
        assert_eq!(m.delims, Some(("<<".to_string(), ">>".to_string())));
        assert_eq!(
            m.dependencies,
            vec![
                ("postgresql".to_string(), Some("db".to_string())),
                ("redis".to_string(), None)
            ]
        );
    }

    #[test]
    fn parents_and_keys() {
        let read = |p: &Path| -> Option<String> {
            let s = p.to_string_lossy();
            Some(if s == "/w/app/Chart.yaml" {
                "name: app\ndependencies:\n- name: pg\n  alias: db\n".to_string()
            } else {
                "name: pg\n".to_string()
            })
        };
        let mut ws = Workspace::default();
        ws.add(PathBuf::from("/w/app"), &read);
        let sub = ws.add(PathBuf::from("/w/app/charts/pg"), &read);
        assert_eq!(ws.charts[sub].parent, Some(0));
        assert_eq!(ws.charts[sub].key_in_parent.as_deref(), Some("db"));
        assert_eq!(
            ws.chart_for(Path::new("/w/app/charts/pg/templates/a.yaml")),
            Some(sub)
        );
        assert_eq!(ws.lineage(sub), vec![sub, 0]);
    }
}
