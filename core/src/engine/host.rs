//! Helm's functions that need the render context: `required`, `fail`
//! (overriding Sprig's) and `lookup`, served to the template engine through
//! its [`Host`] hook.
//!
//! Outside lint mode `required`/`fail` fail with their message wrapped in
//! Helm's `HELM_ERR_START…HELM_ERR_END` markers, which [`super::render`]
//! turns into `execution error at (file:line:col): message`. In lint mode they
//! log and return an empty string. `lookup` returns an empty map, as in
//! `helm template`, unless the caller gives a [`LookupFn`] reading a cluster
//! (install/upgrade).

use std::sync::Arc;

use crate::template::set::Host;
use crate::template::{FuncError, FuncTable, Map, Signature, Ty, Value};

pub const WARN_START: &str = "HELM_ERR_START";
pub const WARN_END: &str = "HELM_ERR_END";

const TAG_REQUIRED: &str = "helm_required";
const TAG_FAIL: &str = "helm_fail";
const TAG_LOOKUP: &str = "helm_lookup";

/// Adds `required`, `fail` and `lookup` to a function table.
pub fn register(t: &mut FuncTable) {
    t.add_engine(
        "required",
        Signature::fixed(&[Ty::String, Ty::Any]),
        TAG_REQUIRED,
    );
    t.add_engine("fail", Signature::fixed(&[Ty::String]), TAG_FAIL);
    t.add_engine(
        "lookup",
        Signature::fixed(&[Ty::String, Ty::String, Ty::String, Ty::String]),
        TAG_LOOKUP,
    );
}

/// `lookup(apiVersion, kind, namespace, name)` against a cluster: the
/// object (name given) or the list, an empty map when not found; the error
/// text becomes the template error.
pub type LookupFn = Arc<dyn Fn(&str, &str, &str, &str) -> Result<Value, String> + Send + Sync>;

/// The render-time state behind those functions.
#[derive(Default)]
pub struct HelmHost {
    pub lint_mode: bool,
    /// Messages Helm logs in lint mode, with Go's `log` prefix as Helm 3.10.1
    /// prints it (`engine.go:159: [INFO] Missing required value: …`).
    pub log: Vec<String>,
    /// The cluster `lookup` reads; `None` gives empty maps.
    pub lookup: Option<LookupFn>,
}

impl std::fmt::Debug for HelmHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelmHost")
            .field("lint_mode", &self.lint_mode)
            .field("log", &self.log)
            .field("lookup", &self.lookup.is_some())
            .finish()
    }
}

fn wrap(msg: &str) -> FuncError {
    FuncError::new(format!("{WARN_START}{msg}{WARN_END}"))
}

impl Host for HelmHost {
    fn call(&mut self, name: &str, tag: &str, args: &[Value]) -> Result<Value, FuncError> {
        match tag {
            TAG_REQUIRED => {
                let warn = args.first().and_then(Value::as_str).unwrap_or("");
                let val = args.get(1).cloned().unwrap_or(Value::Nil);
                let missing = match &val {
                    Value::Nil => true,
                    Value::String(s) => s.is_empty(),
                    _ => false,
                };
                if !missing {
                    return Ok(val);
                }
                if self.lint_mode {
                    self.log.push(format!(
                        "engine.go:159: [INFO] Missing required value: {warn}"
                    ));
                    return Ok(Value::str(""));
                }
                Err(wrap(warn))
            }
            TAG_FAIL => {
                let msg = args.first().and_then(Value::as_str).unwrap_or("");
                if self.lint_mode {
                    self.log.push(format!("engine.go:180: [INFO] Fail: {msg}"));
                    return Ok(Value::str(""));
                }
                Err(wrap(msg))
            }
            TAG_LOOKUP => match &self.lookup {
                None => Ok(Value::map(Map::new())),
                Some(f) => {
                    let a = |i: usize| args.get(i).and_then(Value::as_str).unwrap_or("");
                    f(a(0), a(1), a(2), a(3)).map_err(FuncError::new)
                }
            },
            _ => Err(FuncError::new(format!("function {name} is not available"))),
        }
    }
}
