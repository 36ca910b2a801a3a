//! `.Files`: Helm's `engine.files` (a Go `map[string][]byte`) with its
//! methods `Get`, `GetBytes`, `Glob`, `Lines`, `AsConfig`, `AsSecrets`
//! (Helm 3.10.1 semantics).
//!
//! The chart's non-template files are exposed (everything in
//! [`Chart::files`](super::Chart::files): not `templates/`, `charts/`,
//! `Chart.yaml`, `values.yaml`, `values.schema.json`, `Chart.lock`).

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;

use super::File;
use super::glob::Glob;
use crate::template::{FuncError, Map, Object, Value};

/// The `.Files` object.
#[derive(Clone, Debug, Default)]
pub struct Files {
    files: BTreeMap<String, Arc<[u8]>>,
}

const METHODS: &[&str] = &["Get", "GetBytes", "Glob", "Lines", "AsConfig", "AsSecrets"];

impl Files {
    pub fn new(files: &[File]) -> Files {
        Files {
            files: files
                .iter()
                .map(|f| (f.name.clone(), f.data.clone()))
                .collect(),
        }
    }

    pub fn into_value(self) -> Value {
        Value::Object(Arc::new(self))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `GetBytes`: the content, empty when absent.
    pub fn get_bytes(&self, name: &str) -> Arc<[u8]> {
        self.files
            .get(name)
            .cloned()
            .unwrap_or_else(|| Arc::from(&[][..]))
    }

    /// `Get`: the content as a string.
    pub fn get(&self, name: &str) -> String {
        String::from_utf8_lossy(&self.get_bytes(name)).into_owned()
    }

    /// `Glob`: the files whose path matches (gobwas glob, `/` separator;
    /// a malformed pattern matches everything, as in Helm).
    pub fn glob(&self, pattern: &str) -> Files {
        let g = Glob::compile(pattern).or_else(|_| Glob::compile("**"));
        let files = self
            .files
            .iter()
            .filter(|(name, _)| g.as_ref().map(|g| g.is_match(name)).unwrap_or(true))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Files { files }
    }

    /// `Lines`: the content split on `\n` (Helm 3.10 keeps the empty
    /// string after a final newline).
    pub fn lines(&self, name: &str) -> Result<Vec<String>, FuncError> {
        let Some(data) = self.files.get(name) else {
            return Ok(Vec::new());
        };
        let s = crate::source::lossy_utf8(data);
        Ok(s.split('\n').map(str::to_string).collect())
    }

    fn basename_map(&self, f: impl Fn(&[u8]) -> String) -> Value {
        let mut m = Map::new();
        for (name, data) in &self.files {
            let base = name.rsplit('/').next().unwrap_or(name);
            m.insert(base.into(), Value::from_string(f(data)));
        }
        Value::map(m)
    }

    /// `AsConfig`: `basename: content` as YAML (for a ConfigMap's `data`).
    pub fn as_config(&self) -> String {
        if self.files.is_empty() {
            return String::new();
        }
        to_yaml(&self.basename_map(|d| String::from_utf8_lossy(d).into_owned()))
    }

    /// `AsSecrets`: `basename: base64(content)` as YAML.
    pub fn as_secrets(&self) -> String {
        if self.files.is_empty() {
            return String::new();
        }
        to_yaml(&self.basename_map(|d| base64::engine::general_purpose::STANDARD.encode(d)))
    }

    /// The map view (`name → []byte`) used for `range`, `index` and `len`.
    pub fn entries(&self) -> Map {
        self.files
            .iter()
            .map(|(k, v)| (k.as_str().into(), Value::Bytes(v.clone())))
            .collect()
    }
}

/// Helm's engine `toYAML`: yaml.v2 output without the final newline.
fn to_yaml(v: &Value) -> String {
    let out = super::yaml_bridge::to_yaml(v);
    out.strip_suffix('\n').map(str::to_string).unwrap_or(out)
}

fn string_arg<'a>(args: &'a [Value], method: &str) -> Result<&'a str, FuncError> {
    match args {
        [Value::String(s)] => Ok(s),
        [other] => Err(FuncError::new(format!(
            "wrong type for value; expected string; got {}",
            other.type_name()
        ))),
        _ => Err(FuncError::new(format!(
            "wrong number of args for {method}: want 1 got {}",
            args.len()
        ))),
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }

    /// `.Files.name` on a Go map looks the key up (zero value when absent).
    fn field(&self, name: &str) -> Option<Value> {
        if METHODS.contains(&name) {
            return None;
        }
        Some(Value::Bytes(self.get_bytes(name)))
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        let no_args = |f: &dyn Fn() -> Value| {
            if args.is_empty() {
                Ok(f())
            } else {
                Err(FuncError::new(format!(
                    "wrong number of args for {name}: want 0 got {}",
                    args.len()
                )))
            }
        };
        Some(match name {
            "Get" => string_arg(args, name).map(|n| Value::from_string(self.get(n))),
            "GetBytes" => string_arg(args, name).map(|n| Value::Bytes(self.get_bytes(n))),
            "Glob" => string_arg(args, name).map(|p| self.glob(p).into_value()),
            "Lines" => string_arg(args, name).and_then(|n| self.lines(n).map(Value::string_list)),
            "AsConfig" => no_args(&|| Value::from_string(self.as_config())),
            "AsSecrets" => no_args(&|| Value::from_string(self.as_secrets())),
            _ => return None,
        })
    }

    fn to_json_value(&self) -> Value {
        Value::map(self.entries())
    }

    fn map_entries(&self) -> Option<Map> {
        Some(self.entries())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn files() -> Files {
        Files::new(&[
            File::new("files/a.txt", b"one\ntwo\n".to_vec()),
            File::new("files/sub/b.conf", b"x=1".to_vec()),
            File::new("README.md", b"hi".to_vec()),
        ])
    }

    #[test]
    fn get_glob_lines() {
        let f = files();
        assert_eq!(f.get("files/a.txt"), "one\ntwo\n");
        assert_eq!(f.get("missing"), "");
        assert_eq!(f.glob("files/*").len(), 1);
        assert_eq!(f.glob("files/**").len(), 2);
        assert_eq!(f.glob("[").len(), 3);
        assert_eq!(f.lines("files/a.txt").unwrap(), vec!["one", "two", ""]);
        assert!(f.lines("nope").unwrap().is_empty());
    }
}
