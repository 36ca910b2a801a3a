//! `Chart.yaml` (and `requirements.yaml`, `Chart.lock`): Helm's `Metadata`,
//! `Maintainer`, `Dependency` and `Lock` types, decoded with Go's rules,
//! validated with Helm's messages, and viewed as Go `encoding/json` would.

use super::godecode::{self, DecodeError, FieldCtx};
use crate::template::{Map, Value};
use std::collections::BTreeMap;

/// `apiVersion: v1` (Helm 2 charts; dependencies in requirements.yaml).
pub const API_VERSION_V1: &str = "v1";
/// `apiVersion: v2`.
pub const API_VERSION_V2: &str = "v2";

/// One `maintainers:` entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// One `dependencies:` entry (Chart.yaml, requirements.yaml or a lock file).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    /// Set by dependency processing (condition/tags); never read from YAML
    /// in practice but decoded like Helm does.
    pub enabled: bool,
    /// Strings or `{child, parent}` maps, as written.
    pub import_values: Vec<Value>,
    pub alias: String,
}

/// The chart's metadata: every field of Helm's `chart.Metadata`.
/// `maintainers`/`dependencies` entries are `None` where the YAML list held
/// a null (Helm's nil pointer, rejected by validation).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub maintainers: Vec<Option<Maintainer>>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: BTreeMap<String, String>,
    pub kube_version: String,
    pub dependencies: Vec<Option<Dependency>>,
    pub chart_type: String,
}

/// `Chart.lock` / `requirements.lock`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lock {
    /// The `generated` timestamp exactly as written.
    pub generated: String,
    pub digest: String,
    pub dependencies: Vec<Option<Dependency>>,
}

const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];

const DEPENDENCY_FIELDS: &[&str] = &[
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
];

fn ctx<'a>(struct_name: &'a str, path: &'a str) -> FieldCtx<'a> {
    FieldCtx { struct_name, path }
}

impl Maintainer {
    fn decode(map: &Map, prefix: &str) -> Result<Maintainer, DecodeError> {
        let mut m = Maintainer::default();
        for (field, v) in godecode::fields(map, &["name", "email", "url"]) {
            let path = format!("{prefix}.{field}");
            let s = godecode::string(v, ctx("Maintainer", &path))?;
            match field {
                "name" => m.name = s,
                "email" => m.email = s,
                _ => m.url = s,
            }
        }
        Ok(m)
    }

    /// Go `encoding/json` fields in struct order (omitempty).
    pub fn json_fields(&self) -> Vec<(&'static str, Value)> {
        [
            ("name", &self.name),
            ("email", &self.email),
            ("url", &self.url),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, Value::str(v)))
        .collect()
    }

    /// Go `encoding/json` view (omitempty fields) as a map.
    pub fn to_json_value(&self) -> Value {
        fields_map(self.json_fields())
    }
}

impl Dependency {
    /// Decodes one dependency object; `prefix` is the json path of the list
    /// (`dependencies`) used in Go's error messages.
    pub fn decode(map: &Map, prefix: &str) -> Result<Dependency, DecodeError> {
        let mut d = Dependency::default();
        for (field, v) in godecode::fields(map, DEPENDENCY_FIELDS) {
            let path = format!("{prefix}.{field}");
            let c = ctx("Dependency", &path);
            match field {
                "name" => d.name = godecode::string(v, c)?,
                "version" => d.version = godecode::string(v, c)?,
                "repository" => d.repository = godecode::string(v, c)?,
                "condition" => d.condition = godecode::string(v, c)?,
                "tags" => d.tags = godecode::string_list(v, c)?,
                "enabled" => d.enabled = godecode::boolean(v, c)?,
                "import-values" => d.import_values = godecode::any_list(v, c)?,
                _ => d.alias = godecode::string(v, c)?,
            }
        }
        Ok(d)
    }

    /// Go `encoding/json` fields in struct order: `name` and `repository`
    /// always, the rest omitempty.
    pub fn json_fields(&self) -> Vec<(&'static str, Value)> {
        let mut out = vec![("name", Value::str(&self.name))];
        if !self.version.is_empty() {
            out.push(("version", Value::str(&self.version)));
        }
        out.push(("repository", Value::str(&self.repository)));
        if !self.condition.is_empty() {
            out.push(("condition", Value::str(&self.condition)));
        }
        if !self.tags.is_empty() {
            out.push(("tags", str_list(&self.tags)));
        }
        if self.enabled {
            out.push(("enabled", Value::Bool(true)));
        }
        if !self.import_values.is_empty() {
            out.push(("import-values", Value::list(self.import_values.clone())));
        }
        if !self.alias.is_empty() {
            out.push(("alias", Value::str(&self.alias)));
        }
        out
    }

    /// Go `encoding/json` view as a map.
    pub fn to_json_value(&self) -> Value {
        fields_map(self.json_fields())
    }

    /// Helm's `Dependency.Validate`: sanitises strings, checks the alias.
    pub fn validate(&mut self) -> Result<(), String> {
        self.name = sanitize(&self.name);
        self.version = sanitize(&self.version);
        self.repository = sanitize(&self.repository);
        self.condition = sanitize(&self.condition);
        for t in &mut self.tags {
            *t = sanitize(t);
        }
        if !self.alias.is_empty()
            && !self
                .alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "dependency {} has disallowed characters in the alias",
                go_quote(&self.name)
            ));
        }
        Ok(())
    }
}

fn decode_dependencies(
    v: &Value,
    struct_name: &str,
    path: &str,
) -> Result<Vec<Option<Dependency>>, DecodeError> {
    let items = godecode::object_list(v, ctx(struct_name, path), "[]*chart.Dependency")?;
    items
        .into_iter()
        .map(|item| item.map(|m| Dependency::decode(&m, path)).transpose())
        .collect()
}

impl Metadata {
    /// Decodes `Chart.yaml` content (already parsed to a value) onto `self`,
    /// as `yaml.Unmarshal(data, &metadata)` does: only present keys change.
    pub fn decode_into(&mut self, doc: &Value) -> Result<(), DecodeError> {
        let map = match doc {
            Value::Nil => return Ok(()),
            Value::Map(m) => m.read(),
            other => {
                return Err(DecodeError(format!(
                    "json: cannot unmarshal {} into Go value of type chart.Metadata",
                    match other {
                        Value::List(_) => "array",
                        Value::Bool(_) => "bool",
                        Value::String(_) => "string",
                        _ => "number",
                    }
                )));
            }
        };
        for (field, v) in godecode::fields(&map, METADATA_FIELDS) {
            let c = ctx("Metadata", field);
            match field {
                "name" => self.name = godecode::string(v, c)?,
                "home" => self.home = godecode::string(v, c)?,
                "sources" => self.sources = godecode::string_list(v, c)?,
                "version" => self.version = godecode::string(v, c)?,
                "description" => self.description = godecode::string(v, c)?,
                "keywords" => self.keywords = godecode::string_list(v, c)?,
                "maintainers" => {
                    let items = godecode::object_list(v, c, "[]*chart.Maintainer")?;
                    self.maintainers = items
                        .into_iter()
                        .map(|i| i.map(|m| Maintainer::decode(&m, "maintainers")).transpose())
                        .collect::<Result<_, _>>()?;
                }
                "icon" => self.icon = godecode::string(v, c)?,
                "apiVersion" => self.api_version = godecode::string(v, c)?,
                "condition" => self.condition = godecode::string(v, c)?,
                "tags" => self.tags = godecode::string(v, c)?,
                "appVersion" => self.app_version = godecode::string(v, c)?,
                "deprecated" => self.deprecated = godecode::boolean(v, c)?,
                "annotations" => {
                    if v.is_nil() {
                        self.annotations = BTreeMap::new();
                    } else {
                        for (k, s) in godecode::string_map(v, c)? {
                            self.annotations.insert(k, s);
                        }
                    }
                }
                "kubeVersion" => self.kube_version = godecode::string(v, c)?,
                "dependencies" => {
                    self.dependencies = decode_dependencies(v, "Metadata", "dependencies")?
                }
                _ => self.chart_type = godecode::string(v, c)?,
            }
        }
        Ok(())
    }

    /// Helm's `Metadata.Validate`: sanitises the text fields and checks the
    /// required ones. The message is what follows `validation: `.
    pub fn validate(&mut self) -> Result<(), String> {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *s = sanitize(s);
        }
        for s in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *s = sanitize(s);
        }
        if self.api_version.is_empty() {
            return Err("chart.metadata.apiVersion is required".into());
        }
        if self.name.is_empty() {
            return Err("chart.metadata.name is required".into());
        }
        if self.version.is_empty() {
            return Err("chart.metadata.version is required".into());
        }
        if !is_valid_semver(&self.version) {
            return Err(format!(
                "chart.metadata.version {} is invalid",
                go_quote(&self.version)
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return Err("chart.metadata.type must be application or library".into());
        }
        for m in &mut self.maintainers {
            match m {
                None => return Err("maintainer cannot be an empty list".into()),
                Some(m) => {
                    m.name = sanitize(&m.name);
                    m.email = sanitize(&m.email);
                    m.url = sanitize(&m.url);
                }
            }
        }
        for d in &mut self.dependencies {
            match d {
                None => return Err("dependency cannot be an empty list".into()),
                Some(d) => d.validate()?,
            }
        }
        Ok(())
    }

    /// `type: library`.
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }

    /// The fields Go's `encoding/json` writes, in struct order (omitempty).
    pub fn json_fields(&self) -> Vec<(&'static str, Value)> {
        let mut out = Vec::new();
        let mut s = |k: &'static str, v: &str| {
            if !v.is_empty() {
                out.push((k, Value::str(v)));
            }
        };
        s("name", &self.name);
        s("home", &self.home);
        if !self.sources.is_empty() {
            out.push(("sources", str_list(&self.sources)));
        }
        if !self.version.is_empty() {
            out.push(("version", Value::str(&self.version)));
        }
        if !self.description.is_empty() {
            out.push(("description", Value::str(&self.description)));
        }
        if !self.keywords.is_empty() {
            out.push(("keywords", str_list(&self.keywords)));
        }
        if !self.maintainers.is_empty() {
            out.push((
                "maintainers",
                Value::list(
                    self.maintainers
                        .iter()
                        .map(|m| m.as_ref().map_or(Value::Nil, Maintainer::to_json_value))
                        .collect(),
                ),
            ));
        }
        for (k, v) in [
            ("icon", &self.icon),
            ("apiVersion", &self.api_version),
            ("condition", &self.condition),
            ("tags", &self.tags),
            ("appVersion", &self.app_version),
        ] {
            if !v.is_empty() {
                out.push((k, Value::str(v)));
            }
        }
        if self.deprecated {
            out.push(("deprecated", Value::Bool(true)));
        }
        if !self.annotations.is_empty() {
            out.push(("annotations", self.annotations_value()));
        }
        if !self.kube_version.is_empty() {
            out.push(("kubeVersion", Value::str(&self.kube_version)));
        }
        if !self.dependencies.is_empty() {
            out.push(("dependencies", dependencies_json(&self.dependencies)));
        }
        if !self.chart_type.is_empty() {
            out.push(("type", Value::str(&self.chart_type)));
        }
        out
    }

    /// Go `encoding/json` view as a (key-sorted) map.
    pub fn to_json_value(&self) -> Value {
        fields_map(self.json_fields())
    }

    pub fn annotations_value(&self) -> Value {
        Value::map(
            self.annotations
                .iter()
                .map(|(k, v)| (k.as_str().into(), Value::str(v)))
                .collect(),
        )
    }
}

impl Lock {
    /// Decodes a lock file value as `yaml.Unmarshal(data, &lock)`.
    pub fn decode(doc: &Value) -> Result<Lock, DecodeError> {
        let mut lock = Lock::default();
        let Value::Map(map) = doc else {
            return if doc.is_nil() {
                Ok(lock)
            } else {
                Err(DecodeError(
                    "json: cannot unmarshal non-object into Go value of type chart.Lock".into(),
                ))
            };
        };
        for (field, v) in godecode::fields(&map.read(), &["generated", "digest", "dependencies"]) {
            let c = ctx("Lock", field);
            match field {
                "generated" => lock.generated = godecode::string(v, c)?,
                "digest" => lock.digest = godecode::string(v, c)?,
                _ => lock.dependencies = decode_dependencies(v, "Lock", "dependencies")?,
            }
        }
        Ok(lock)
    }

    /// Go `encoding/json` view (no omitempty).
    pub fn to_json_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("generated".into(), Value::str(&self.generated));
        m.insert("digest".into(), Value::str(&self.digest));
        m.insert("dependencies".into(), dependencies_json(&self.dependencies));
        Value::map(m)
    }
}

fn dependencies_json(deps: &[Option<Dependency>]) -> Value {
    Value::list(
        deps.iter()
            .map(|d| d.as_ref().map_or(Value::Nil, Dependency::to_json_value))
            .collect(),
    )
}

fn str_list(items: &[String]) -> Value {
    Value::list(items.iter().map(|s| Value::str(s)).collect())
}

/// Helm's `sanitizeString`: whitespace becomes a space, non-printable
/// characters are dropped.
pub fn sanitize(s: &str) -> String {
    if s.chars()
        .all(|c| c == ' ' || (!c.is_whitespace() && is_print(c)))
    {
        return s.to_string();
    }
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if is_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// Approximates Go's `unicode.IsPrint` for non-space characters.
fn is_print(c: char) -> bool {
    !c.is_control()
        && !matches!(c,
            '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{E000}'..='\u{F8FF}')
}

/// Masterminds `semver.NewVersion` acceptance (lenient: `v` prefix, missing
/// minor/patch allowed).
pub fn is_valid_semver(v: &str) -> bool {
    crate::semver::Version::parse(v).is_ok()
}

/// Go `strconv.Quote` for the messages that use `%q`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() || !is_print(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Struct fields as a `map[string]interface{}` (the JSON round trip's view).
fn fields_map(fields: Vec<(&'static str, Value)>) -> Value {
    Value::map(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn semver_acceptance_like_masterminds() {
        for ok in ["1.2.3", "v1.2", "1", "1.2.3-alpha.1+build.5", "0.1.0-rc"] {
            assert!(is_valid_semver(ok), "{ok}");
        }
        for bad in ["1.2.3.4", "", "a", "1.2.3-01", "1..2"] {
            assert!(!is_valid_semver(bad), "{bad}");
        }
    }

    #[test]
    fn sanitize_replaces_whitespace_and_drops_controls() {
        assert_eq!(sanitize("a\tb\u{7}c"), "a bc");
    }
}
