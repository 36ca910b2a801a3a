//! Go `text/template`, as Helm uses it.
//!
//! Stages, one file each: [`lexer`] → [`parser`] (→ [`ast`]) → [`exec`]
//! (evaluator), with [`set`] holding named templates, [`builtins`] Go's
//! builtin functions plus Helm's `include`/`tpl`, [`printf`] Go's `fmt`,
//! [`value`] the value model, [`funcs`] the function table and [`error`]
//! the error types.

pub mod ast;
pub mod builtins;
pub mod error;
pub mod exec;
pub mod funcs;
pub mod lexer;
pub mod parser;
pub mod printf;
pub mod set;
pub mod strconv;
pub mod value;

pub use builtins::{builtin_table, register_builtins, register_helm_engine_funcs};
pub use error::{ExecError, ExecErrorKind, ParseError, TemplateError};
pub use funcs::{FuncDef, FuncError, FuncResult, FuncTable, NativeFn, Signature, Ty};
pub use lexer::Delims;
pub use set::{Host, MissingKey, NoHost, Options, Rendered, TemplateSet, TraceEntry};
pub use value::{Map, Object, Str, Value};
