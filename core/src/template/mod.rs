//! Go `text/template`, as Helm 3.10 uses it (plus Go's later `break`/
//! `continue`, `range` over an integer and `else with`).
//!
//! Stages, one file each: [`lexer`] → [`parser`] (→ [`ast`]) → [`exec`]
//! (evaluator), with [`set`] holding named templates, [`builtins`] Go's
//! builtin functions plus Helm's `include`/`tpl`, [`printf`] Go's `fmt`,
//! [`value`] the value model, [`funcs`] the function table and [`error`]
//! the error types.
//!
//! # Using it (the Helm layer)
//!
//! ```ignore
//! let mut funcs = FuncTable::new();
//! register_builtins(&mut funcs);          // Go builtins first: user functions override them
//! chart_core::sprig::register(&mut funcs); // (Sprig's `slice` replaces Go's, as in Helm)
//! chart_core::yaml::funcs::register(&mut funcs);
//! register_helm_engine_funcs(&mut funcs);  // include, tpl
//! funcs.add_engine("lookup", Signature::fixed(&[Ty::String; 4]), "helm:lookup"); // → Host::call
//! let mut set = TemplateSet::new(Arc::new(funcs));
//! for (name, text, id) in files_in_helm_parse_order {
//!     set.add(name, text, &delims, id)?;   // ParseError: Display is Go's text, helm_message() Helm's
//! }
//! let rendered = set.execute("mychart/templates/x.yaml", &top_level_values, &mut host)?;
//! // rendered.output still contains `<no value>`; Helm deletes it.
//! // rendered.span_at(byte) → Span of the node that wrote that output byte.
//! ```
//!
//! Delimiters: a chart opts into `<< >>` with the Chart.yaml annotation
//! [`DELIMITERS_ANNOTATION`] (`kubectl-chart.io/delimiters: "<< >>"`); pass
//! [`Delims::from_annotation`] of its value to `add`. `tpl` reuses the
//! caller's delimiters.

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
pub use exec::{helm_exec_error, helm_parse_error};
pub use funcs::{FuncDef, FuncError, FuncResult, FuncTable, NativeFn, Signature, Ty};
pub use lexer::{DELIMITERS_ANNOTATION, Delims};
pub use set::{
    Host, MissingKey, NoHost, Options, ParseAhead, Rendered, SourceFile, TemplateSet, TraceEntry,
};
pub use value::{
    CycleError, Elem, List, Map, MapRead, MapRef, MapWrite, NamedElem, Object, Str, Value,
    WalkGuard,
};
