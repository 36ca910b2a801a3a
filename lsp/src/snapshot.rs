//! Immutable inputs for analysis, cut from the [`State`] under its lock and
//! then used without it: a chart's values stack and schema, built from the
//! open buffers where there are any and the disk elsewhere; and the live
//! renders, kept per deployable chart between edits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chart_core::ide::render::LiveChart;
use chart_core::ide::values::ValuesStack;
use chart_core::source::SourceId;
use chart_core::template::Str;
use serde_json::Value as Json;

use crate::state::State;

/// What analysing one chart needs.
#[derive(Debug)]
pub struct ChartSnapshot {
    pub stack: ValuesStack,
    pub schema: Option<Json>,
}

impl ChartSnapshot {
    /// The stack layer holding `file`, if it is one of the chart's values files.
    pub fn layer_of(&self, file: &Path) -> Option<usize> {
        self.stack.layer_of(file)
    }
}

/// Builds the snapshot of chart `chart` (an index into the workspace).
pub fn chart(state: &State, chart: usize) -> Option<ChartSnapshot> {
    let ws = &state.workspace;
    let dir = ws.charts.get(chart)?.dir.clone();
    let lineage = ws.lineage(chart);
    let mut layers = Vec::new();
    // Scope of each ancestor: the keys leading from it down to this chart.
    let mut scope: Vec<Str> = Vec::new();
    for (depth, &c) in lineage.iter().enumerate() {
        let Some(cd) = ws.charts.get(c) else { break };
        if depth > 0 {
            let Some(key) = lineage
                .get(depth - 1)
                .and_then(|&child| ws.charts.get(child))
                .and_then(|ch| ch.key_in_parent.clone())
            else {
                break;
            };
            scope.insert(0, Str::from(key.as_str()));
        }
        let mut files = vec![cd.dir.join("values.yaml")];
        files.extend(state.extra_values_files(&cd.dir));
        let mut chart_layers = Vec::new();
        for f in files {
            let Some(text) = state.read(&f) else { continue };
            chart_layers.push((f, text, scope.clone()));
        }
        // Ancestors override: they come after (higher precedence) in the stack.
        layers.push(chart_layers);
    }
    let mut stack = ValuesStack::default();
    for (f, text, scope) in layers.into_iter().flatten() {
        let id = SourceId(stack.layers.len() as u32);
        let label = state.label(&f);
        stack.layers.push(state.layer(label, f, text, scope, id));
    }
    let schema = state
        .read(&dir.join("values.schema.json"))
        .and_then(|t| serde_json::from_str(&t).ok());
    Some(ChartSnapshot { stack, schema })
}

/// The deployable chart a file's chart belongs to (the top of its parent
/// chain) and the texts of that chart's configured extra values files.
#[derive(Debug)]
pub struct RenderRoot {
    pub dir: PathBuf,
    pub extra_values: Vec<Arc<str>>,
}

/// The render root of chart `chart` (an index into the workspace).
pub fn render_root(state: &State, chart: usize) -> Option<RenderRoot> {
    let root = *state.workspace.lineage(chart).last()?;
    let cd = state.workspace.charts.get(root)?;
    let extra_values = state
        .extra_values_files(&cd.dir)
        .iter()
        .filter_map(|f| state.read(f))
        .collect();
    Some(RenderRoot {
        dir: cd.dir.clone(),
        extra_values,
    })
}

/// The open buffers, for overlays.
pub fn overlay(state: &State) -> Arc<HashMap<PathBuf, Arc<str>>> {
    Arc::new(
        state
            .docs
            .iter()
            .map(|(p, d)| (p.clone(), d.text.clone()))
            .collect(),
    )
}

/// The live renders, one per render root, kept between edits.
#[derive(Default)]
pub struct Renders {
    charts: Mutex<HashMap<PathBuf, LiveChart>>,
}

impl Renders {
    /// Brings the render of `root` up to date with `overlay` and runs `f` on it.
    pub fn with<R>(
        &self,
        root: &RenderRoot,
        overlay: &HashMap<PathBuf, Arc<str>>,
        f: impl FnOnce(&mut LiveChart) -> R,
    ) -> Option<R> {
        let mut charts = self.charts.lock().ok()?;
        let live = charts
            .entry(root.dir.clone())
            .or_insert_with(|| LiveChart::new(root.dir.clone()));
        live.update(&|p: &Path| overlay.get(p).cloned(), &root.extra_values);
        Some(f(live))
    }

    /// Forgets the disk contents of every render that may contain `path`.
    pub fn invalidate_disk(&self, path: &Path) {
        if let Ok(mut charts) = self.charts.lock() {
            for (dir, live) in charts.iter_mut() {
                if path.starts_with(dir) {
                    live.invalidate_disk();
                }
            }
        }
    }

    /// Forgets every render's disk contents.
    pub fn invalidate_all(&self) {
        if let Ok(mut charts) = self.charts.lock() {
            charts.values_mut().for_each(LiveChart::invalidate_disk);
        }
    }
}
