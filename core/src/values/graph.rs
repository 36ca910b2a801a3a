//! Go-style shared mutable maps for coalescing.
//!
//! Helm's coalescing copies map *references* between the user's values and
//! the charts' default values and then mutates them, so a later coalesce
//! sees what an earlier one wrote (that is why a parent's `sub: {k: null}`
//! does not stick, Helm issue #9136 and friends). To give byte-identical
//! results we reproduce that aliasing: maps are `Rc<RefCell<…>>` nodes,
//! everything else is an immutable [`Value`].

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::template::{Map, Str, Value};

pub type GMap = Rc<RefCell<BTreeMap<Str, G>>>;

/// A Go `interface{}` inside a values tree.
#[derive(Clone, Debug)]
pub enum G {
    Map(GMap),
    Other(Value),
}

impl G {
    pub fn is_nil(&self) -> bool {
        matches!(self, G::Other(Value::Nil))
    }

    pub fn from_value(v: &Value) -> G {
        match v {
            Value::Map(m) => G::Map(from_map(&m.read())),
            other => G::Other(other.clone()),
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            G::Map(m) => Value::map(to_map(m)),
            G::Other(v) => v.clone(),
        }
    }

    /// Go `%v` of the value (for warnings).
    pub fn go_string(&self) -> String {
        self.to_value().to_go_string()
    }
}

pub fn new_map() -> GMap {
    Rc::new(RefCell::new(BTreeMap::new()))
}

/// A fresh graph from a value map (Go `copystructure.Copy`).
pub fn from_map(m: &Map) -> GMap {
    Rc::new(RefCell::new(
        m.iter()
            .map(|(k, v)| (k.clone(), G::from_value(v)))
            .collect(),
    ))
}

pub fn to_map(m: &GMap) -> Map {
    m.borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.to_value()))
        .collect()
}

/// Go's `copyMap`: a new top-level map sharing the values.
pub fn shallow_copy(m: &GMap) -> GMap {
    Rc::new(RefCell::new(m.borrow().clone()))
}
