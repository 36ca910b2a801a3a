//! `.Chart` as templates see it: Helm 3.10's anonymous
//! `struct { chart.Metadata; IsRoot bool }` with Go field names, plus the
//! `*chart.Maintainer` and `*chart.Dependency` elements of its lists.

use std::sync::Arc;

use super::metadata::{Dependency, Maintainer, Metadata};
use crate::template::{Elem, NamedElem, Object, Value};

/// The `.Chart` object of one chart (root or subchart).
#[derive(Clone, Debug)]
pub struct ChartObject {
    pub metadata: Arc<Metadata>,
    pub is_root: bool,
}

impl ChartObject {
    pub fn new(metadata: Metadata, is_root: bool) -> ChartObject {
        ChartObject {
            metadata: Arc::new(metadata),
            is_root,
        }
    }

    pub fn into_value(self) -> Value {
        Value::Object(Arc::new(self))
    }
}

/// A Go `[]string` field: nil when the chart leaves it out.
fn strings(items: &[String]) -> Value {
    if items.is_empty() {
        return Value::nil_typed_list(Elem::String);
    }
    Value::string_list(items.iter().cloned())
}

static MAINTAINER: NamedElem = NamedElem {
    name: "*chart.Maintainer",
    slice: "[]*chart.Maintainer",
    map: "map[string]*chart.Maintainer",
};

static DEPENDENCY: NamedElem = NamedElem {
    name: "*chart.Dependency",
    slice: "[]*chart.Dependency",
    map: "map[string]*chart.Dependency",
};

/// A Go `[]*T` field (nil when the chart leaves it out); a nil pointer
/// element is `Value::Nil`.
fn pointers<T>(elem: &'static NamedElem, items: &[Option<T>], f: impl Fn(&T) -> Value) -> Value {
    if items.is_empty() {
        return Value::nil_typed_list(Elem::Named(elem));
    }
    let items = items
        .iter()
        .map(|i| i.as_ref().map_or(Value::Nil, &f))
        .collect();
    Value::typed_list(Elem::Named(elem), items)
}

/// A Go field of `chart.Metadata` by its Go name.
pub fn metadata_field(md: &Metadata, name: &str) -> Option<Value> {
    Some(match name {
        "Name" => Value::str(&md.name),
        "Home" => Value::str(&md.home),
        "Sources" => strings(&md.sources),
        "Version" => Value::str(&md.version),
        "Description" => Value::str(&md.description),
        "Keywords" => strings(&md.keywords),
        "Maintainers" => pointers(&MAINTAINER, &md.maintainers, |m| {
            Value::Object(Arc::new(MaintainerObject(m.clone())))
        }),
        "Icon" => Value::str(&md.icon),
        "APIVersion" => Value::str(&md.api_version),
        "Condition" => Value::str(&md.condition),
        "Tags" => Value::str(&md.tags),
        "AppVersion" => Value::str(&md.app_version),
        "Deprecated" => Value::Bool(md.deprecated),
        "Annotations" => md.annotations_value(),
        "KubeVersion" => Value::str(&md.kube_version),
        "Dependencies" => pointers(&DEPENDENCY, &md.dependencies, |d| {
            Value::Object(Arc::new(DependencyObject(d.clone())))
        }),
        "Type" => Value::str(&md.chart_type),
        _ => return None,
    })
}

/// `chart.Metadata`'s JSON fields in struct order, its maintainers and
/// dependencies as struct objects so they keep their field order too.
fn metadata_json_fields(md: &Metadata) -> Vec<(&'static str, Value)> {
    md.json_fields()
        .into_iter()
        .map(|(k, v)| match k {
            "maintainers" => (k, metadata_field(md, "Maintainers").unwrap_or(v)),
            "dependencies" => (k, metadata_field(md, "Dependencies").unwrap_or(v)),
            _ => (k, v),
        })
        .collect()
}

impl Object for ChartObject {
    fn type_name(&self) -> &str {
        "struct { chart.Metadata; IsRoot bool }"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "IsRoot" => Some(Value::Bool(self.is_root)),
            // The embedded struct itself is a field too.
            "Metadata" => Some(Value::Object(Arc::new(MetadataObject(
                self.metadata.clone(),
            )))),
            _ => metadata_field(&self.metadata, name),
        }
    }

    fn to_json_value(&self) -> Value {
        let mut m = match self.metadata.to_json_value() {
            Value::Map(m) => m.into_map(),
            _ => Default::default(),
        };
        m.insert("IsRoot".into(), Value::Bool(self.is_root));
        Value::map(m)
    }

    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        // The embedded struct's fields first, then the outer struct's.
        let mut fields = metadata_json_fields(&self.metadata);
        fields.push(("IsRoot", Value::Bool(self.is_root)));
        Some(fields)
    }
}

/// A bare `chart.Metadata` (`.Chart.Metadata`).
#[derive(Clone, Debug)]
pub struct MetadataObject(pub Arc<Metadata>);

impl Object for MetadataObject {
    fn type_name(&self) -> &str {
        "chart.Metadata"
    }
    fn field(&self, name: &str) -> Option<Value> {
        metadata_field(&self.0, name)
    }
    fn to_json_value(&self) -> Value {
        self.0.to_json_value()
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(metadata_json_fields(&self.0))
    }
}

/// `*chart.Maintainer`.
#[derive(Clone, Debug)]
pub struct MaintainerObject(pub Maintainer);

impl Object for MaintainerObject {
    fn type_name(&self) -> &str {
        "*chart.Maintainer"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::str(match name {
            "Name" => &self.0.name,
            "Email" => &self.0.email,
            "URL" => &self.0.url,
            _ => return None,
        }))
    }
    fn to_json_value(&self) -> Value {
        self.0.to_json_value()
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(self.0.json_fields())
    }
}

/// `*chart.Dependency`.
#[derive(Clone, Debug)]
pub struct DependencyObject(pub Dependency);

impl Object for DependencyObject {
    fn type_name(&self) -> &str {
        "*chart.Dependency"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let d = &self.0;
        Some(match name {
            "Name" => Value::str(&d.name),
            "Version" => Value::str(&d.version),
            "Repository" => Value::str(&d.repository),
            "Condition" => Value::str(&d.condition),
            "Tags" => strings(&d.tags),
            "Enabled" => Value::Bool(d.enabled),
            "ImportValues" => Value::list(d.import_values.clone()),
            "Alias" => Value::str(&d.alias),
            _ => return None,
        })
    }
    fn to_json_value(&self) -> Value {
        self.0.to_json_value()
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(self.0.json_fields())
    }
}
