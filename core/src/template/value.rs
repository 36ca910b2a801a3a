//! The value model shared by the template engine, the function library, the
//! YAML/JSON codecs and the values machinery.
//!
//! It mirrors the Go types Helm's templates see, because Helm's output depends
//! on them: numbers from YAML/JSON are `float64`, numbers from `--set` and
//! Sprig arithmetic are `int64`, template literals and `len` are `int`.
//! Clones are cheap (strings, lists and maps are reference counted, never
//! deep-copied on access); maps iterate in sorted key order as Go prints them.
//!
//! Maps have Go's reference semantics: a [`MapRef`] is a shared, mutable
//! map, and every clone of it is the same map (`set`, `unset`, `merge` change
//! it for every holder, as in Go). Strings and lists are immutable (no Sprig
//! or Helm function changes a slice in place). Copy explicitly where Go
//! copies ([`Value::deep_copy`], `dict`, values coalescing).
//!
//! A map can be made to contain itself (`set $m "self" $m`); every
//! recursive walk either reports that as a [`CycleError`] or (for `%v`,
//! `Debug` and `==`, which cannot fail) stops at the repeated map, so a
//! cycle never overflows the stack or hangs.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, LazyLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::funcs::FuncError;
use super::strconv;

/// Immutable shared string.
pub type Str = Arc<str>;

/// The entries of a Go `map[string]interface{}`; `BTreeMap` gives Go's
/// sorted print/range order. A [`Value::Map`] holds one behind a [`MapRef`].
pub type Map = BTreeMap<Str, Value>;

/// Read access to a map's entries (a lock guard: keep it short, and never
/// hold it while running template code or writing to the same map).
pub type MapRead<'a> = RwLockReadGuard<'a, Map>;
/// Write access to a map's entries (same rules as [`MapRead`]).
pub type MapWrite<'a> = RwLockWriteGuard<'a, Map>;

/// The Go element type of a slice (or the value type of a map) that a
/// template can see. Go and Sprig hand templates typed containers
/// (`keys` is `[]string`, `until` is `[]int`, `split` is
/// `map[string]string`); they differ from `[]interface {}` in `typeOf`,
/// `%#v`, `deepEqual` and in which function parameters accept them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Elem {
    /// `interface {}`: the element type of everything YAML, JSON and
    /// `list`/`dict` build.
    #[default]
    Interface,
    /// `string` (elements are [`Value::String`]).
    String,
    /// `int` (elements are [`Value::Int`]).
    Int,
    /// `[]interface {}` (elements are `[]interface {}` lists: `chunk`).
    InterfaceSlice,
    /// A type only an [`Object`] stands for (`.Chart.Maintainers` is a
    /// `[]*chart.Maintainer`), by its spellings.
    Named(&'static NamedElem),
}

/// The Go spellings of an element type outside the value model's own
/// (see [`Elem::Named`]); declared as a `static` by the code that makes
/// such lists.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct NamedElem {
    /// The element type (`*chart.Maintainer`).
    pub name: &'static str,
    /// The slice type (`[]*chart.Maintainer`).
    pub slice: &'static str,
    /// The map type (`map[string]*chart.Maintainer`).
    pub map: &'static str,
}

impl Elem {
    /// The Go spelling of the element type.
    pub fn go_name(self) -> &'static str {
        match self {
            Elem::Interface => "interface {}",
            Elem::String => "string",
            Elem::Int => "int",
            Elem::InterfaceSlice => "[]interface {}",
            Elem::Named(n) => n.name,
        }
    }

    /// The Go spelling of a slice of this element type (`[]string`).
    pub fn slice_type(self) -> &'static str {
        match self {
            Elem::Interface => "[]interface {}",
            Elem::String => "[]string",
            Elem::Int => "[]int",
            Elem::InterfaceSlice => "[][]interface {}",
            Elem::Named(n) => n.slice,
        }
    }

    /// The Go spelling of a `map[string]` of this element type.
    pub fn map_type(self) -> &'static str {
        match self {
            Elem::Interface => "map[string]interface {}",
            Elem::String => "map[string]string",
            Elem::Int => "map[string]int",
            Elem::InterfaceSlice => "map[string][]interface {}",
            Elem::Named(n) => n.map,
        }
    }
}

/// A Go slice: its items, its element type and whether it is a nil slice.
/// Dereferences to the `Vec` of items. A list built from a `Vec`
/// ([`List::from`], [`Value::list`]) is a `[]interface {}`; code that
/// builds a new list from a typed one (`append`, `uniq`, …) gets an
/// `[]interface {}` that way, as Sprig does.
#[derive(Clone, Default)]
pub struct List {
    elem: Elem,
    nil: bool,
    items: Vec<Value>,
}

impl List {
    /// A list of Go element type `elem` (the items must be of that type).
    pub fn typed(elem: Elem, items: Vec<Value>) -> List {
        List {
            elem,
            nil: false,
            items,
        }
    }

    /// A Go nil slice of element type `elem`.
    pub fn nil(elem: Elem) -> List {
        List {
            elem,
            nil: true,
            items: Vec::new(),
        }
    }

    /// The Go element type.
    pub fn elem(&self) -> Elem {
        self.elem
    }

    /// Whether this is a Go nil slice (prints `[]T(nil)` with `%#v`,
    /// encodes as JSON `null`); a nil slice is always empty.
    pub fn is_nil(&self) -> bool {
        self.nil && self.items.is_empty()
    }

    /// The Go type name (`[]string`).
    pub fn type_name(&self) -> &'static str {
        self.elem.slice_type()
    }

    /// The items, without copying when this is the only holder.
    pub fn into_vec(self) -> Vec<Value> {
        self.items
    }
}

impl Deref for List {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.items
    }
}

impl DerefMut for List {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.items
    }
}

/// Go `reflect.DeepEqual` on slices: same type, both nil or both not, same items.
impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.elem == other.elem && self.is_nil() == other.is_nil() && self.items == other.items
    }
}

impl From<Vec<Value>> for List {
    fn from(items: Vec<Value>) -> List {
        List::typed(Elem::Interface, items)
    }
}

impl FromIterator<Value> for List {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> List {
        List::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl fmt::Debug for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.items.iter()).finish()
    }
}

/// A Go map: shared, mutable identity. `clone` gives the same map (like
/// copying a Go map variable); [`MapRef::deep_copy`] a new one.
///
/// Reads take an uncontended read lock (one atomic operation, about the
/// cost of the `Arc` clone every read already does), which keeps values
/// `Send + Sync` for the language server while giving Go's semantics.
///
/// A Go nil map (`fromJson "null"`, an untyped `nil` passed to a map
/// parameter) is a `MapRef` too, made with [`MapRef::nil`]: it reads as empty
/// and prints as `map[]`, but encodes as JSON `null` and cannot be written
/// by template functions (`assignment to entry in nil map`).
#[derive(Clone, Default)]
pub struct MapRef(Arc<MapCell>);

#[derive(Default)]
struct MapCell {
    nil: bool,
    /// The Go value type (`map[string]string` from `split`).
    elem: Elem,
    entries: RwLock<Map>,
}

/// A map that (directly or through lists and other maps) contains itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a map contains itself (a cycle made with set or merge); it cannot be walked")]
pub struct CycleError;

impl MapRef {
    pub fn new(map: Map) -> MapRef {
        MapRef::typed(Elem::Interface, map)
    }

    /// A `map[string]T` with value type `elem` (values must be of that type).
    pub fn typed(elem: Elem, map: Map) -> MapRef {
        MapRef(Arc::new(MapCell {
            nil: false,
            elem,
            entries: RwLock::new(map),
        }))
    }

    /// A Go nil map.
    pub fn nil() -> MapRef {
        MapRef(Arc::new(MapCell {
            nil: true,
            elem: Elem::Interface,
            entries: RwLock::new(Map::new()),
        }))
    }

    /// Whether this is a Go nil map (see [`MapRef::nil`]).
    pub fn is_nil(&self) -> bool {
        self.0.nil
    }

    /// The Go value type (`Interface` for `map[string]interface {}`).
    pub fn elem(&self) -> Elem {
        self.0.elem
    }

    /// The Go type name (`map[string]interface {}`).
    pub fn type_name(&self) -> &'static str {
        self.0.elem.map_type()
    }

    /// The entries, locked for reading.
    pub fn read(&self) -> MapRead<'_> {
        self.0
            .entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The entries, locked for writing: changes are seen by every holder.
    /// (Template functions check [`MapRef::is_nil`] first, as Go panics.)
    pub fn write(&self) -> MapWrite<'_> {
        self.0
            .entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The value at `key` (a cheap clone).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// Sets `key` in place (Go `m[key] = v`).
    pub fn insert(&self, key: Str, value: Value) -> Option<Value> {
        self.write().insert(key, value)
    }

    /// Deletes `key` in place (Go `delete(m, key)`).
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.write().remove(key)
    }

    /// The keys, in sorted order, as of now.
    pub fn keys(&self) -> Vec<Str> {
        self.read().keys().cloned().collect()
    }

    /// The entries in sorted order as of now: what Go's `range` (which sorts
    /// the keys and reads the values first) iterates over. Safe to use while
    /// the loop body changes the map.
    pub fn entries(&self) -> Vec<(Str, Value)> {
        self.read()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// A shallow copy of the entries (nested maps stay shared).
    pub fn snapshot(&self) -> Map {
        self.read().clone()
    }

    /// The entries, without copying when this is the only holder.
    pub fn into_map(self) -> Map {
        match Arc::try_unwrap(self.0) {
            Ok(cell) => cell
                .entries
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
            Err(shared) => MapRef(shared).snapshot(),
        }
    }

    /// A new map with every nested map and list copied too (copystructure;
    /// a nil map stays nil).
    pub fn deep_copy(&self) -> Result<MapRef, CycleError> {
        if self.is_nil() {
            return Ok(MapRef::nil());
        }
        let _on_path = self.enter()?;
        let snapshot = self.snapshot();
        let mut out = Map::new();
        for (k, v) in snapshot {
            out.insert(k, v.deep_copy()?);
        }
        Ok(MapRef::typed(self.elem(), out))
    }

    /// Whether both are the same Go map.
    pub fn ptr_eq(&self, other: &MapRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// An address identifying this map while it lives.
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as *const () as usize
    }

    /// Marks this map as being walked by the current thread until the guard
    /// drops; fails if it already is (the walk has come back to it: a
    /// cycle). Every recursive walk over values calls this on each map.
    pub fn enter(&self) -> Result<WalkGuard, CycleError> {
        let id = self.id();
        ON_PATH.with(|p| {
            let mut p = p.borrow_mut();
            if p.contains(&id) {
                Err(CycleError)
            } else {
                p.push(id);
                Ok(WalkGuard { id })
            }
        })
    }
}

thread_local! {
    /// The maps the current thread's walks are inside (innermost last).
    static ON_PATH: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Keeps a map marked as on the current walk's path (see [`MapRef::enter`]).
#[must_use]
pub struct WalkGuard {
    id: usize,
}

impl Drop for WalkGuard {
    fn drop(&mut self) {
        ON_PATH.with(|p| {
            let mut p = p.borrow_mut();
            if let Some(pos) = p.iter().rposition(|x| *x == self.id) {
                p.remove(pos);
            }
        });
    }
}

impl fmt::Debug for MapRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.enter() {
            Ok(_on_path) => f.debug_map().entries(self.read().iter()).finish(),
            Err(_) => write!(f, "<cycle>"),
        }
    }
}

/// Go `reflect.DeepEqual` on maps (a map equals itself).
impl PartialEq for MapRef {
    fn eq(&self, other: &MapRef) -> bool {
        if self.ptr_eq(other) {
            return true;
        }
        // DeepEqual tells a nil map from an empty one, and compares types.
        if self.is_nil() != other.is_nil() || self.elem() != other.elem() {
            return false;
        }
        let (Ok(_a), Ok(_b)) = (self.enter(), other.enter()) else {
            // Back at a map already being compared: Go's DeepEqual treats
            // a revisited pair as equal.
            return true;
        };
        let (a, b) = (self.snapshot(), other.snapshot());
        a == b
    }
}

impl From<Map> for MapRef {
    fn from(m: Map) -> MapRef {
        MapRef::new(m)
    }
}

/// A Go value as seen by a template.
#[derive(Clone, Default)]
pub enum Value {
    /// A nil `interface{}` (YAML `null`, a missing map key).
    #[default]
    Nil,
    Bool(bool),
    /// Go `int`: template integer literals, `len`, `atoi`, `.Release.Revision`.
    Int(i64),
    /// Go `int64`: `--set` integers, Sprig integer math, `int64`.
    Int64(i64),
    /// Go `float64`: every number parsed from YAML or JSON, float literals.
    Float(f64),
    String(Str),
    /// Go `[]byte` (`.Files.GetBytes`).
    Bytes(Arc<[u8]>),
    /// A Go slice: `[]interface{}`, or a typed one (`[]string`), see [`List`].
    List(Arc<List>),
    /// A Go `map[string]interface{}` (or `map[string]string`): shared and
    /// mutable, see [`MapRef`].
    Map(MapRef),
    /// A Go struct or pointer with fields and methods (`.Chart`, `.Files`, …).
    Object(Arc<dyn Object>),
}

/// A Go struct exposed to templates (`.Release`, `.Chart`, `.Files`, `.Capabilities`).
pub trait Object: Send + Sync + fmt::Debug {
    /// Go type name used in messages and `typeOf`, e.g. `*chart.Metadata`.
    fn type_name(&self) -> &str;
    /// An exported field (`.Chart.Name`), or `None` if the type has no such field.
    fn field(&self, name: &str) -> Option<Value>;
    /// Calls an exported method (`.Files.Get "x"`); `None` if there is no such method.
    /// Zero-argument methods are reachable with field syntax as in Go.
    fn call_method(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, FuncError>> {
        None
    }
    /// The Go signature of a method, when known: the engine then checks the
    /// arity and converts the arguments exactly as for functions
    /// (`.Files.Get 1` → `expected string; found 1`). `None` passes the
    /// arguments through as `interface{}` values.
    fn method_signature(&self, _name: &str) -> Option<super::funcs::Signature> {
        None
    }
    /// The value Go's `encoding/json` would produce (struct → map by json tags).
    fn to_json_value(&self) -> Value;
    /// The same fields in Go's struct order, which `encoding/json` keeps
    /// (`toJson .Chart`); `None` when the JSON view is a map (keys sorted).
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        None
    }
    /// Go `%v` formatting of the struct (`{a b}`); defaults to the JSON view's.
    fn fmt_v(&self, out: &mut String) {
        self.to_json_value().fmt_v(out)
    }
    /// For objects whose Go type is a map (`.Files` is `map[string][]byte`):
    /// the entries, so `range`, `index`, `len` and `hasKey` see the map.
    /// `None` for structs.
    fn map_entries(&self) -> Option<Map> {
        None
    }
}

/// The Go nil `[]interface{}`, shared so making one does not allocate.
static NIL_LIST: LazyLock<Arc<List>> = LazyLock::new(|| Arc::new(List::nil(Elem::Interface)));

impl Value {
    /// A Go nil `[]interface{}` (`fromJsonArray "null"`, `rest` of an empty
    /// list, `concat` of nothing): reads, ranges and prints (`[]`) as an empty
    /// list, but encodes as JSON `null`, prints `[]interface {}(nil)` with
    /// `%#v`, and `deepEqual` tells it from an empty list, as in Go.
    pub fn nil_list() -> Value {
        Value::List(NIL_LIST.clone())
    }

    /// A Go nil slice of element type `elem` (`[]string(nil)`).
    pub fn nil_typed_list(elem: Elem) -> Value {
        match elem {
            Elem::Interface => Value::nil_list(),
            _ => Value::List(Arc::new(List::nil(elem))),
        }
    }

    /// Whether this is a Go nil slice (of any element type).
    pub fn is_nil_list(&self) -> bool {
        matches!(self, Value::List(l) if l.is_nil())
    }

    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    pub fn from_string(s: String) -> Value {
        Value::String(Arc::from(s))
    }

    /// A new Go `[]interface{}`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(List::from(items)))
    }

    /// A new Go slice of element type `elem` (`[]string` of
    /// [`Value::String`]s, `[]int` of [`Value::Int`]s, …).
    pub fn typed_list(elem: Elem, items: Vec<Value>) -> Value {
        Value::List(Arc::new(List::typed(elem, items)))
    }

    /// A new Go `[]string`.
    pub fn string_list(items: impl IntoIterator<Item = String>) -> Value {
        Value::typed_list(
            Elem::String,
            items.into_iter().map(Value::from_string).collect(),
        )
    }

    /// A new Go map holding `map`.
    pub fn map(map: Map) -> Value {
        Value::Map(MapRef::new(map))
    }

    pub fn empty_map() -> Value {
        Value::Map(MapRef::default())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Go template truthiness: false, 0, "", nil, empty list/map/bytes are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            // Structs are always true; a map type (`.Files`, `.Files.Glob`)
            // is false when empty.
            Value::Object(o) => o.map_entries().is_none_or(|m| !m.is_empty()),
        }
    }

    /// Go type name as `%T` / Sprig `typeOf` print it.
    pub fn type_name(&self) -> &str {
        match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) => "[]uint8",
            Value::List(l) => l.type_name(),
            Value::Map(m) => m.type_name(),
            Value::Object(o) => o.type_name(),
        }
    }

    /// Go reflect kind name as Sprig `kindOf` prints it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => {
                if o.type_name().starts_with('*') {
                    "ptr"
                } else {
                    "struct"
                }
            }
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A map's entries, locked for reading (see [`MapRead`]).
    pub fn as_map(&self) -> Option<MapRead<'_>> {
        match self {
            Value::Map(m) => Some(m.read()),
            _ => None,
        }
    }

    /// The map itself (to keep, compare or change it).
    pub fn as_map_ref(&self) -> Option<&MapRef> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Runs `f` on a map's entries locked for writing; `None` when not a map.
    pub fn with_map_mut<R>(&self, f: impl FnOnce(&mut Map) -> R) -> Option<R> {
        match self {
            Value::Map(m) => Some(f(&mut m.write())),
            _ => None,
        }
    }

    /// A copy sharing nothing mutable with `self` (Go's copystructure, as
    /// Sprig's `deepCopy` and Helm's values copies do).
    pub fn deep_copy(&self) -> Result<Value, CycleError> {
        match self {
            Value::Map(m) => Ok(Value::Map(m.deep_copy()?)),
            Value::List(l) if l.iter().any(Value::has_map) => Ok(Value::typed_list(
                l.elem(),
                l.iter().map(Value::deep_copy).collect::<Result<_, _>>()?,
            )),
            other => Ok(other.clone()),
        }
    }

    /// Whether a map occurs in this value (directly or inside lists).
    fn has_map(&self) -> bool {
        match self {
            Value::Map(_) => true,
            Value::List(l) => l.iter().any(Value::has_map),
            _ => false,
        }
    }

    /// Fails if a map in this value contains itself.
    pub fn check_acyclic(&self) -> Result<(), CycleError> {
        match self {
            Value::Map(m) => {
                let _on_path = m.enter()?;
                for v in m.read().values() {
                    v.check_acyclic()?;
                }
                Ok(())
            }
            Value::List(l) => l.iter().try_for_each(Value::check_acyclic),
            _ => Ok(()),
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Map lookup (a cheap clone); `None` when not a map or the key is absent.
    pub fn get(&self, key: &str) -> Option<Value> {
        match self {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// Go `%v` formatting.
    pub fn fmt_v(&self, out: &mut String) {
        match self {
            Value::Nil => out.push_str("<nil>"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => {
                out.push_str(&i.to_string());
            }
            Value::Float(f) => out.push_str(&strconv::format_float(*f, 'g', -1)),
            Value::String(s) => out.push_str(s),
            Value::Bytes(b) => {
                out.push('[');
                for (i, byte) in b.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(&byte.to_string());
                }
                out.push(']');
            }
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    item.fmt_v(out);
                }
                out.push(']');
            }
            Value::Map(map) => {
                let Ok(_on_path) = map.enter() else {
                    // Go would recurse until its stack limit; we stop.
                    out.push_str("<cycle>");
                    return;
                };
                out.push_str("map[");
                for (i, (k, v)) in map.read().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.fmt_v(out);
                }
                out.push(']');
            }
            Value::Object(o) => o.fmt_v(out),
        }
    }

    /// Go `fmt.Sprint(v)` / `%v` as an owned string.
    pub fn to_go_string(&self) -> String {
        let mut s = String::new();
        self.fmt_v(&mut s);
        s
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Int64(i) => write!(f, "{i}i64"),
            Value::Float(x) => write!(f, "{x:?}f64"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "bytes{b:?}"),
            Value::List(l) => f.debug_list().entries(l.iter()).finish(),
            Value::Map(m) => write!(f, "{m:?}"),
            Value::Object(o) => write!(f, "{o:?}"),
        }
    }
}

/// Go `reflect.DeepEqual`: type-strict (`int` 1 ≠ `int64` 1 ≠ `float64` 1).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            // DeepEqual compares the types and tells a nil slice from an
            // empty one.
            (Value::List(a), Value::List(b)) => Arc::ptr_eq(a, b) || a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => {
                Arc::ptr_eq(a, b)
                    || (a.type_name() == b.type_name() && a.to_json_value() == b.to_json_value())
            }
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::from_string(s)
    }
}

impl From<Str> for Value {
    fn from(s: Str) -> Value {
        Value::String(s)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::list(v)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::map(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        Value::str(s)
    }

    #[test]
    fn go_v_formatting() {
        let mut m = Map::new();
        m.insert("b".into(), v("x"));
        m.insert("a".into(), Value::Float(1.0));
        assert_eq!(Value::map(m).to_go_string(), "map[a:1 b:x]");
        assert_eq!(
            Value::list(vec![v("a"), Value::Nil, Value::Float(1e6)]).to_go_string(),
            "[a <nil> 1e+06]"
        );
        assert_eq!(Value::Float(123456.0).to_go_string(), "123456");
        assert_eq!(Value::Float(1234567.0).to_go_string(), "1.234567e+06");
        assert_eq!(Value::Float(0.00001).to_go_string(), "1e-05");
        assert_eq!(Value::Float(0.5).to_go_string(), "0.5");
    }

    #[test]
    fn cycles_are_reported_not_followed() {
        let m = Value::map(Map::new());
        let Value::Map(r) = &m else { unreachable!() };
        r.insert("a".into(), Value::Int(1));
        r.insert("self".into(), m.clone());
        r.insert("l".into(), Value::list(vec![m.clone()]));
        assert_eq!(m.check_acyclic(), Err(CycleError));
        assert!(m.deep_copy().is_err());
        assert_eq!(m.to_go_string(), "map[a:1 l:[<cycle>] self:<cycle>]");
        assert!(format!("{m:?}").contains("<cycle>"));
        assert!(m == m.clone());
        // A shared (not cyclic) map is fine.
        let inner = Value::map(Map::new());
        let mut outer = Map::new();
        outer.insert("x".into(), inner.clone());
        outer.insert("y".into(), inner);
        let outer = Value::map(outer);
        assert_eq!(outer.check_acyclic(), Ok(()));
        assert_eq!(outer.to_go_string(), "map[x:map[] y:map[]]");
        // Two distinct maps that each contain themselves compare without hanging.
        let other = Value::map(Map::new());
        let Value::Map(o) = &other else {
            unreachable!()
        };
        o.insert("a".into(), Value::Int(1));
        o.insert("self".into(), other.clone());
        o.insert("l".into(), Value::list(vec![other.clone()]));
        let _ = m == other;
    }

    #[test]
    fn clones_share_the_map_deep_copies_do_not() {
        let m = Value::map(Map::new());
        let alias = m.clone();
        alias.with_map_mut(|e| e.insert("k".into(), Value::Int(1)));
        assert_eq!(m.get("k"), Some(Value::Int(1)));
        let copy = m.deep_copy().unwrap_or_default();
        copy.with_map_mut(|e| e.insert("k".into(), Value::Int(2)));
        assert_eq!(m.get("k"), Some(Value::Int(1)));
        assert!(
            m.as_map_ref()
                .is_some_and(|a| !a.ptr_eq(copy.as_map_ref().unwrap_or(a)))
        );
    }

    #[test]
    fn typed_lists_and_maps_keep_their_go_type() {
        let ints = Value::typed_list(Elem::Int, vec![Value::Int(0)]);
        assert_eq!(ints.type_name(), "[]int");
        // DeepEqual compares types: []int{0} is not []interface{}{0}.
        assert!(ints != Value::list(vec![Value::Int(0)]));
        assert!(ints == Value::typed_list(Elem::Int, vec![Value::Int(0)]));
        // A nil slice is only nil while empty; nil and empty differ.
        let mut nil = List::nil(Elem::String);
        assert!(nil.is_nil());
        assert!(Value::nil_typed_list(Elem::String) != Value::string_list([]));
        nil.push(v("x"));
        assert!(!nil.is_nil());
        // deep_copy keeps the slice and map types, also when it rebuilds.
        let nested = Value::typed_list(
            Elem::InterfaceSlice,
            vec![Value::list(vec![Value::map(Map::new())])],
        );
        assert_eq!(
            nested.deep_copy().unwrap_or_default().type_name(),
            "[][]interface {}"
        );
        let strings = Value::Map(MapRef::typed(Elem::String, Map::new()));
        let copy = strings.deep_copy().unwrap_or_default();
        assert_eq!(copy.type_name(), "map[string]string");
        assert!(copy == strings && strings != Value::map(Map::new()));
    }

    #[test]
    fn truthiness() {
        assert!(!Value::Int(0).is_truthy());
        assert!(!Value::Float(0.0).is_truthy());
        assert!(!Value::list(vec![]).is_truthy());
        assert!(Value::str("0").is_truthy());
    }
}
