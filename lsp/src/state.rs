//! The server's state: open documents (ropes, applied strictly in order),
//! the workspace's charts, the user's settings and a revision counter that
//! every edit bumps so stale work can be recognised and dropped.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chart_core::ide::values::Layer;
use chart_core::ide::workspace::{Workspace, find_chart_dir};
use chart_core::source::SourceId;
use chart_core::template::Str;
use ropey::Rope;
use serde_json::Value as Json;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use crate::convert::{self, Encoding};

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub rope: Rope,
    /// The text as one string, rebuilt after each change (chart files are small).
    pub text: Arc<str>,
    pub version: i32,
}

impl Document {
    pub fn new(text: &str, version: i32) -> Document {
        Document {
            rope: Rope::from_str(text),
            text: Arc::from(text),
            version,
        }
    }

    /// Applies one content change (incremental or full).
    pub fn apply(&mut self, change: &TextDocumentContentChangeEvent, enc: Encoding) {
        match change.range {
            None => self.rope = Rope::from_str(&change.text),
            Some(Range { start, end }) => {
                let len = self.rope.len_chars();
                let s = char_at(&self.rope, start, enc).min(len);
                let e = char_at(&self.rope, end, enc).clamp(s, len);
                self.rope.remove(s..e);
                self.rope.insert(s, &change.text);
            }
        }
    }

    /// Rebuilds [`Document::text`] after a batch of changes.
    pub fn sync_text(&mut self) {
        self.text = Arc::from(self.rope.to_string());
    }
}

fn char_at(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    convert::char_index(rope, pos, enc).unwrap_or(rope.len_chars())
}

/// User settings (`initializationOptions` or `workspace/didChangeConfiguration`,
/// either at the top level or under `chartLsp`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// Chart directory (relative to a workspace folder, or absolute) → extra
    /// values files in precedence order (relative to the chart directory).
    pub values_files: BTreeMap<String, Vec<String>>,
}

impl Settings {
    pub fn from_json(v: &Json) -> Option<Settings> {
        let v = v.get("chartLsp").unwrap_or(v);
        let files = v.get("valuesFiles")?.as_object()?;
        let values_files = files
            .iter()
            .map(|(dir, list)| {
                let list = list
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                (dir.clone(), list)
            })
            .collect();
        Some(Settings { values_files })
    }
}

/// Everything the server knows.
#[derive(Debug, Default)]
pub struct State {
    pub docs: HashMap<PathBuf, Document>,
    pub roots: Vec<PathBuf>,
    pub workspace: Workspace,
    pub settings: Settings,
    pub encoding: Encoding,
    /// Bumped by every change to a document or setting.
    pub revision: u64,
    /// Parsed values files, reused while their text is unchanged.
    layers: Mutex<HashMap<PathBuf, Arc<Layer>>>,
}

impl State {
    /// A file's text: the open buffer if any, else the disk.
    /// The rope of `path`: the open document's, or one built from the
    /// file on disk.
    pub fn rope_of(&self, path: &Path) -> Option<Rope> {
        match self.docs.get(path) {
            Some(d) => Some(d.rope.clone()),
            None => std::fs::read_to_string(path)
                .ok()
                .map(|text| Rope::from_str(&text)),
        }
    }

    pub fn read(&self, path: &Path) -> Option<Arc<str>> {
        match self.docs.get(path) {
            Some(d) => Some(d.text.clone()),
            None => std::fs::read_to_string(path).ok().map(Arc::from),
        }
    }

    /// The parsed values file `path` (from the cache when its text, scope
    /// and source id are the same as last time).
    pub fn layer(
        &self,
        label: String,
        path: PathBuf,
        text: Arc<str>,
        scope: Vec<Str>,
        id: SourceId,
    ) -> Arc<Layer> {
        let Ok(mut cache) = self.layers.lock() else {
            return Arc::new(Layer::new(label, path, text, scope, id));
        };
        if let Some(l) = cache.get(&path)
            && l.text == text
            && l.scope == scope
            && l.label == label
            && l.source == id
        {
            return l.clone();
        }
        let l = Arc::new(Layer::new(label, path.clone(), text, scope, id));
        cache.insert(path, l.clone());
        l
    }

    /// Re-reads the charts under the roots.
    pub fn rediscover(&mut self) {
        let docs = &self.docs;
        let read = |p: &Path| match docs.get(p) {
            Some(d) => Some(d.text.to_string()),
            None => std::fs::read_to_string(p).ok(),
        };
        self.workspace = Workspace::discover(&self.roots, &read);
    }

    /// The chart of a file, adding charts opened outside the roots.
    pub fn chart_of(&mut self, file: &Path) -> Option<usize> {
        if let Some(i) = self.workspace.chart_for(file) {
            return Some(i);
        }
        let dir = find_chart_dir(file)?;
        // Add its ancestors first so parent links resolve.
        let mut chain = vec![dir.clone()];
        let mut cur = dir;
        while let Some(p) = cur
            .parent()
            .filter(|p| p.file_name().is_some_and(|n| n == "charts"))
            .and_then(Path::parent)
            .filter(|p| p.join("Chart.yaml").is_file())
        {
            chain.push(p.to_path_buf());
            cur = p.to_path_buf();
        }
        let docs = &self.docs;
        let read = |p: &Path| match docs.get(p) {
            Some(d) => Some(d.text.to_string()),
            None => std::fs::read_to_string(p).ok(),
        };
        let mut last = None;
        for d in chain.into_iter().rev() {
            last = Some(self.workspace.add(d, &read));
        }
        last
    }

    /// The extra values files configured for a chart directory, as paths.
    pub fn extra_values_files(&self, chart_dir: &Path) -> Vec<PathBuf> {
        for (key, files) in &self.settings.values_files {
            let key_path = Path::new(key.trim_end_matches('/'));
            let matches = if key_path.is_absolute() {
                key_path == chart_dir
            } else {
                self.roots.iter().any(|r| {
                    let joined = r.join(key_path);
                    joined == chart_dir || (key == "." && r == chart_dir)
                })
            };
            if matches {
                return files.iter().map(|f| chart_dir.join(f)).collect();
            }
        }
        Vec::new()
    }

    /// How a path is shown to the user: relative to the workspace folder that
    /// holds it, else as is.
    pub fn label(&self, path: &Path) -> String {
        for r in &self.roots {
            if let Ok(rel) = path.strip_prefix(r) {
                return rel.to_string_lossy().into_owned();
            }
        }
        path.to_string_lossy().into_owned()
    }
}

/// A file path from a `file:` URI.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

/// The `file:` URI of a path.
pub fn path_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}
