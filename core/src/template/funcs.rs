//! The pluggable function table.
//!
//! A function is a plain Rust `fn(&[Value]) -> Result<Value, FuncError>` plus
//! its Go signature. The engine checks arity and converts arguments to the
//! declared Go parameter types *before* the call, exactly as Go's reflection
//! does (so `trunc 63 .Values.x` with a float64 fails with Go's message),
//! and wraps returned errors as `error calling NAME: MSG`. Functions that need
//! the engine itself (`include`, `tpl`, `lookup`…) are registered by the Helm
//! layer as [`FuncDef::Engine`] entries.

// foldhash: these maps are keyed by names, hashed on every lookup;
// SipHash costs more than the rest of a lookup.
use foldhash::HashMap;
use std::fmt;
use std::sync::Arc;

use super::value::Value;

/// A Go parameter type, used for argument conversion and error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `interface{}`: anything, passed through.
    Any,
    /// `string`
    String,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `float64`
    Float64,
    /// `bool`
    Bool,
    /// `[]interface{}`
    List,
    /// `map[string]interface{}`
    Map,
    /// `[]string`
    StrList,
    /// A Go struct type by its `%T` name (`time.Time`, `sprig.certificate`):
    /// only a [`Value::Object`] whose `type_name` is this name converts.
    Struct(&'static str),
}

impl Ty {
    /// The Go spelling, as in `expected string; got int`.
    pub fn go_name(self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::String => "string",
            Ty::Int => "int",
            Ty::Int64 => "int64",
            Ty::Float64 => "float64",
            Ty::Bool => "bool",
            Ty::List => "[]interface {}",
            Ty::Map => "map[string]interface {}",
            Ty::StrList => "[]string",
            Ty::Struct(name) => name,
        }
    }
}

/// A Go function signature: fixed parameters, then an optional variadic tail.
#[derive(Clone, Copy, Debug)]
pub struct Signature {
    pub params: &'static [Ty],
    pub variadic: Option<Ty>,
}

impl Signature {
    pub const fn fixed(params: &'static [Ty]) -> Signature {
        Signature {
            params,
            variadic: None,
        }
    }

    pub const fn variadic(params: &'static [Ty], rest: Ty) -> Signature {
        Signature {
            params,
            variadic: Some(rest),
        }
    }
}

/// An error a function returns. The engine adds `error calling NAME: ` and
/// the template position, as Go does.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncError {
    pub message: String,
}

impl FuncError {
    pub fn new(message: impl Into<String>) -> FuncError {
        FuncError {
            message: message.into(),
        }
    }
}

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FuncError {}

pub type FuncResult = Result<Value, FuncError>;

/// A pure function: arguments already checked and converted to its signature.
pub type NativeFn = fn(&[Value]) -> FuncResult;

/// One entry of the table.
#[derive(Clone)]
pub enum FuncDef {
    /// A pure function with its Go signature.
    Native { sig: Signature, f: NativeFn },
    /// A function implemented by the engine layer (Go builtins with special
    /// evaluation such as `and`/`or`, and Helm's `include`/`tpl`/…). The
    /// engine dispatches on the tag; the signature is used for arity checks.
    Engine { sig: Signature, tag: &'static str },
}

impl fmt::Debug for FuncDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FuncDef::Native { sig, .. } => write!(f, "Native({sig:?})"),
            FuncDef::Engine { sig, tag } => write!(f, "Engine({tag}, {sig:?})"),
        }
    }
}

/// Name → function. Cheap to share: build once, wrap in `Arc`.
#[derive(Clone, Debug, Default)]
pub struct FuncTable {
    funcs: HashMap<&'static str, FuncDef>,
}

impl FuncTable {
    pub fn new() -> FuncTable {
        FuncTable::default()
    }

    /// Adds or replaces a pure function.
    pub fn add(&mut self, name: &'static str, sig: Signature, f: NativeFn) {
        self.funcs.insert(name, FuncDef::Native { sig, f });
    }

    /// Adds or replaces an engine-implemented function.
    pub fn add_engine(&mut self, name: &'static str, sig: Signature, tag: &'static str) {
        self.funcs.insert(name, FuncDef::Engine { sig, tag });
    }

    pub fn remove(&mut self, name: &str) {
        self.funcs.remove(name);
    }

    pub fn get(&self, name: &str) -> Option<&FuncDef> {
        self.funcs.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.funcs.contains_key(name)
    }

    /// All names, sorted (for completion and docs).
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.funcs.keys().copied().collect();
        names.sort_unstable();
        names
    }

    pub fn into_shared(self) -> Arc<FuncTable> {
        Arc::new(self)
    }
}
