//! Go `text/template`, as Helm uses it.

pub mod funcs;
pub mod strconv;
pub mod value;

pub use funcs::{FuncDef, FuncError, FuncResult, FuncTable, NativeFn, Signature, Ty};
pub use value::{Map, Object, Str, Value};
