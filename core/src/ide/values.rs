//! A chart's stack of values files, lowest precedence first: the chart's own
//! `values.yaml`, the extra files the user configured (like `-f`), then each
//! ancestor chart's files seen through the subchart's key (and `global`).
//!
//! From the stack we answer "what is the effective value at this path" and
//! "in which files (and where) is it set", which hover, definition,
//! completion and the unused-key check share.

use std::path::PathBuf;
use std::sync::Arc;

use crate::source::{SourceId, Span};
use crate::template::{Map, Str, Value};
use crate::yaml::{self, Entry, Parsed, PathSeg, YamlError};

/// One values file in the stack.
#[derive(Debug)]
pub struct Layer {
    /// How the file is named to the user (e.g. `values.yaml`, `../values.yaml`).
    pub label: String,
    pub path: PathBuf,
    pub text: Arc<str>,
    pub parsed: Result<Parsed, YamlError>,
    /// Where the chart's root sits inside this file: `[]` for the chart's own
    /// files, `["sub"]` (name or alias) for a parent's file.
    pub scope: Vec<Str>,
    /// The source id of the spans in `parsed`.
    pub source: SourceId,
}

impl Layer {
    /// Parses `text` as a values file; spans use `source`.
    pub fn new(
        label: impl Into<String>,
        path: PathBuf,
        text: Arc<str>,
        scope: Vec<Str>,
        source: SourceId,
    ) -> Layer {
        let parsed = yaml::parse_values(&text, source);
        Layer {
            label: label.into(),
            path,
            text,
            parsed,
            scope,
            source,
        }
    }

    /// The path inside this file that holds the chart's value at `path`
    /// (`global` is shared by every chart, so it is never scoped).
    pub fn file_path(&self, path: &[Str]) -> Vec<Str> {
        if path.first().is_some_and(|k| &**k == "global") {
            path.to_vec()
        } else {
            self.scope.iter().chain(path).cloned().collect()
        }
    }

    /// The chart's view of this file: the map under `scope`, with the
    /// file's `global` merged in for scoped (ancestor) files.
    fn chart_view(&self) -> Map {
        let Ok(parsed) = &self.parsed else {
            return Map::new();
        };
        let mut out = match lookup(&parsed.value, &self.scope) {
            Some(Value::Map(m)) => m.snapshot(),
            _ => Map::new(),
        };
        if !self.scope.is_empty()
            && let Some(g @ Value::Map(_)) = parsed.value.get("global")
        {
            let merged = match out.get("global") {
                Some(own) => merge(own, &g),
                None => g.clone(),
            };
            out.insert(Str::from("global"), merged);
        }
        out
    }
}

/// Where one path is set in one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Index into [`ValuesStack::layers`].
    pub layer: usize,
    pub entry: Entry,
}

/// The values files of one chart, lowest precedence first.
#[derive(Debug, Default)]
pub struct ValuesStack {
    /// Shared so that unchanged files need not be parsed again.
    pub layers: Vec<Arc<Layer>>,
}

impl ValuesStack {
    /// The merged values the chart's templates see (null deletes a key, maps
    /// merge key by key, anything else replaces).
    pub fn effective(&self) -> Value {
        let mut acc = Value::empty_map();
        for layer in &self.layers {
            acc = merge(&acc, &Value::map(layer.chart_view()));
        }
        acc
    }

    /// Every layer that sets `path`, lowest precedence first.
    pub fn sites(&self, path: &[Str]) -> Vec<Site> {
        let mut out = Vec::new();
        for (i, layer) in self.layers.iter().enumerate() {
            let Ok(parsed) = &layer.parsed else { continue };
            let file_path: Vec<PathSeg> = layer
                .file_path(path)
                .into_iter()
                .map(PathSeg::Key)
                .collect();
            if let Some(entry) = parsed.index.get(&file_path) {
                out.push(Site {
                    layer: i,
                    entry: entry.clone(),
                });
            }
        }
        out
    }

    /// The layer whose file is `path`, if any.
    pub fn layer_of(&self, file: &std::path::Path) -> Option<usize> {
        self.layers.iter().position(|l| l.path == file)
    }

    /// The span of `site`'s key (or value, for keyless entries).
    pub fn site_span(site: &Site) -> Span {
        site.entry.key_span.unwrap_or(site.entry.value_span)
    }
}

/// The value at a path of map keys.
pub fn lookup(v: &Value, path: &[Str]) -> Option<Value> {
    let mut cur = v.clone();
    for k in path {
        cur = cur.get(k)?;
    }
    Some(cur)
}

/// Helm-style override of `base` by `over`: maps merge recursively, a null in
/// `over` deletes the key, anything else in `over` wins.
pub fn merge(base: &Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Map(b), Value::Map(o)) => {
            let mut out = b.snapshot();
            for (k, v) in o.read().iter() {
                if v.is_nil() {
                    out.remove(k);
                    continue;
                }
                let merged = match out.get(k) {
                    Some(old) => merge(old, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::map(out)
        }
        _ => over.clone(),
    }
}

/// A short type name for a values entry, in YAML terms.
pub fn type_label(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) => "int",
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => "int",
        Value::Float(_) => "float",
        Value::String(_) => "string",
        Value::Bytes(_) => "bytes",
        Value::List(_) => "list",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
    }
}

/// A one-line rendering of a value for completion details (`"nginx"`, `3`,
/// `{…}`, `[…]`).
pub fn short_value(v: &Value) -> String {
    match v {
        Value::Map(m) if m.is_empty() => "{}".to_string(),
        Value::Map(_) => "{…}".to_string(),
        Value::List(l) if l.is_empty() => "[]".to_string(),
        Value::List(_) => "[…]".to_string(),
        Value::String(s) => {
            let mut out = String::from("\"");
            for (i, c) in s.chars().enumerate() {
                if i >= 40 {
                    out.push('…');
                    break;
                }
                out.push(c);
            }
            out.push('"');
            out
        }
        Value::Nil => "null".to_string(),
        other => other.to_go_string(),
    }
}

/// A value as YAML text (Helm's `toYaml`), without the trailing newline.
pub fn yaml_text(v: &Value) -> String {
    let text = yaml::to_yaml(v);
    text.trim_end_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(label: &str, text: &str, scope: &[&str], id: u32) -> Layer {
        Layer::new(
            label,
            PathBuf::from(label),
            Arc::from(text),
            scope.iter().map(|s| Str::from(*s)).collect(),
            SourceId(id),
        )
    }

    fn p(keys: &[&str]) -> Vec<Str> {
        keys.iter().map(|s| Str::from(*s)).collect()
    }

    #[test]
    fn effective_merges_and_tracks_sites() {
        let stack = ValuesStack {
            layers: vec![
                Arc::new(layer(
                    "sub/values.yaml",
                    "image:\n  tag: v1\n  repo: x\nkeep: 1\n",
                    &[],
                    0,
                )),
                Arc::new(layer(
                    "values.yaml",
                    "sub:\n  image:\n    tag: v2\n  keep: null\nglobal:\n  env: prod\n",
                    &["sub"],
                    1,
                )),
            ],
        };
        let eff = stack.effective();
        assert_eq!(
            yaml_text(&eff),
            "global:\n  env: prod\nimage:\n  repo: x\n  tag: v2"
        );
        let sites = stack.sites(&p(&["image", "tag"]));
        assert_eq!(sites.iter().map(|s| s.layer).collect::<Vec<_>>(), [0, 1]);
        let g = stack.sites(&p(&["global", "env"]));
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].layer, 1);
    }
}
