//! Fuzzing harness for the template engine.
//!
//! The engine (`core/src/template`) depends only on `core/src/source.rs`,
//! so the harness compiles those sources directly instead of the whole
//! `chart-core` crate: the instrumented build then skips kube, tokio and
//! the other heavy dependencies the engine never touches.

#[path = "../../core/src/source.rs"]
pub mod source;

#[path = "../../core/src/template/mod.rs"]
pub mod template;
