//! Immutable inputs for analysis, cut from the [`State`] under its lock and
//! then used without it: a chart's values stack and schema, built from the
//! open buffers where there are any and the disk elsewhere.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chart_core::ide::render::{self, LiveRender};
use chart_core::ide::values::{Layer, ValuesStack};
use chart_core::source::SourceId;
use chart_core::template::{Map, Str};
use chart_core::values::options::merge_maps;
use chart_core::yaml;
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
        stack.layers.push(Layer::new(label, f, text, scope, id));
    }
    let schema = state
        .read(&dir.join("values.schema.json"))
        .and_then(|t| serde_json::from_str(&t).ok());
    Some(ChartSnapshot { stack, schema })
}

/// Everything needed to render the deployable chart a file belongs to (the
/// top of its parent chain), without the state lock.
#[derive(Debug)]
pub struct RenderInput {
    pub dir: PathBuf,
    /// Texts of the configured extra values files, in order.
    pub extra_values: Vec<Arc<str>>,
    /// Open buffers by path.
    pub overlay: Arc<HashMap<PathBuf, Arc<str>>>,
    pub library: bool,
}

impl RenderInput {
    /// Renders from the buffers and the disk.
    pub fn run(&self) -> Result<LiveRender, String> {
        let overlay = |p: &Path| self.overlay.get(p).cloned();
        let chart = render::load_overlay(&self.dir, &overlay).map_err(|e| e.to_string())?;
        let mut user = Map::new();
        for text in &self.extra_values {
            if let Ok(parsed) = yaml::parse_values(text, SourceId(0))
                && let Some(m) = parsed.value.as_map()
            {
                user = merge_maps(&user, &m);
            }
        }
        Ok(render::render_live(&self.dir, chart, &user))
    }
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

/// The render input for the chart at index `chart`: its topmost ancestor.
pub fn render_input(
    state: &State,
    chart: usize,
    overlay: Arc<HashMap<PathBuf, Arc<str>>>,
) -> Option<RenderInput> {
    let root = *state.workspace.lineage(chart).last()?;
    let cd = state.workspace.charts.get(root)?;
    let extra_values = state
        .extra_values_files(&cd.dir)
        .iter()
        .filter_map(|f| state.read(f))
        .collect();
    Some(RenderInput {
        dir: cd.dir.clone(),
        extra_values,
        overlay,
        library: cd.meta.library,
    })
}
