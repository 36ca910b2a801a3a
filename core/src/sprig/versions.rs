//! `semver` and `semverCompare` over [`crate::semver`]; `semver` returns a
//! `*semver.Version` object with Masterminds' methods.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use super::{arg_str, ok};
use crate::semver::{Constraints, Version};
use crate::template::{FuncError, FuncResult, FuncTable, Object, Signature, Ty, Value};

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    t.add("semver", Signature::fixed(&[String]), |a| {
        let v = Version::parse(arg_str(a, 0)?).map_err(|e| FuncError::new(e.to_string()))?;
        Ok(Value::Object(Arc::new(SemverObject(v))))
    });
    t.add("semverCompare", Signature::fixed(&[String, String]), |a| {
        let (constraint, version) = (arg_str(a, 0)?, arg_str(a, 1)?);
        match semver_compare_memo(constraint, version) {
            Ok(b) => ok(b),
            Err(e) => Err(FuncError::new(e)),
        }
    });
}

/// `semverCompare` is pure, and charts call it with the same few pairs
/// (`.Capabilities.KubeVersion` against an API cut-off) in many templates:
/// parsing the constraint each time was a visible part of a render.
fn semver_compare_memo(constraint: &str, version: &str) -> Result<bool, String> {
    type Memo = HashMap<(Box<str>, Box<str>), Result<bool, String>>;
    static MEMO: LazyLock<Mutex<Memo>> = LazyLock::new(Default::default);
    let key = (Box::from(constraint), Box::from(version));
    if let Ok(memo) = MEMO.lock()
        && let Some(hit) = memo.get(&key)
    {
        return hit.clone();
    }
    let result = Constraints::parse(constraint)
        .map_err(|e| e.to_string())
        .and_then(|c| {
            Version::parse(version)
                .map(|v| c.matches(&v))
                .map_err(|e| e.to_string())
        });
    if let Ok(mut memo) = MEMO.lock() {
        // Bounded: a template looping over endless distinct versions must
        // not grow it without limit.
        if memo.len() >= 4096 {
            memo.clear();
        }
        memo.insert(key, result.clone());
    }
    result
}

/// Go's `*semver.Version` as templates see it.
#[derive(Debug)]
pub struct SemverObject(pub Version);

fn version_value(v: Version) -> Value {
    Value::Object(Arc::new(SemverObject(v)))
}

/// The `*semver.Version` argument of `Compare`/`LessThan`/…; objects carry
/// no downcast, so it is re-read from its canonical text.
fn compare_arg(me: &Version, args: &[Value]) -> Result<std::cmp::Ordering, FuncError> {
    let other = match args.first() {
        Some(Value::Object(o)) if o.type_name() == "*semver.Version" => {
            Version::parse(&o.to_json_value().to_go_string())
                .map_err(|e| FuncError::new(e.to_string()))?
        }
        Some(other) => {
            return Err(FuncError::new(format!(
                "wrong type for value; expected *semver.Version; got {}",
                other.type_name()
            )));
        }
        None => return Err(FuncError::new("wrong number of args: got 0 want 1")),
    };
    Ok(me.compare(&other))
}

impl Object for SemverObject {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        let v = &self.0;
        let r: FuncResult = match name {
            "Major" => Ok(Value::Int64(v.major() as i64)),
            "Minor" => Ok(Value::Int64(v.minor() as i64)),
            "Patch" => Ok(Value::Int64(v.patch() as i64)),
            "Prerelease" => ok(v.prerelease()),
            "Metadata" => ok(v.metadata()),
            "Original" => ok(v.original()),
            "String" => ok(v.to_string()),
            "IncMajor" => Ok(version_value(bump(v, 0))),
            "IncMinor" => Ok(version_value(bump(v, 1))),
            "IncPatch" => Ok(version_value(bump(v, 2))),
            "Compare" => compare_arg(v, args).map(|o| Value::Int(o as i64)),
            "LessThan" => compare_arg(v, args).map(|o| Value::Bool(o.is_lt())),
            "GreaterThan" => compare_arg(v, args).map(|o| Value::Bool(o.is_gt())),
            "Equal" => compare_arg(v, args).map(|o| Value::Bool(o.is_eq())),
            _ => return None,
        };
        Some(r)
    }

    fn to_json_value(&self) -> Value {
        Value::from_string(self.0.to_string())
    }

    fn fmt_v(&self, out: &mut String) {
        out.push_str(&self.0.to_string());
    }
}

/// Masterminds `IncMajor/IncMinor/IncPatch` (a prerelease patch bump only
/// drops the prerelease); the original keeps a leading `v`.
fn bump(v: &Version, part: u8) -> Version {
    let (mut ma, mut mi, mut pa) = (v.major(), v.minor(), v.patch());
    match part {
        0 => (ma, mi, pa) = (ma + 1, 0, 0),
        1 => (mi, pa) = (mi + 1, 0),
        _ if v.prerelease().is_empty() => pa += 1,
        _ => {}
    }
    let prefix = if v.original().starts_with('v') {
        "v"
    } else {
        ""
    };
    let text = format!("{prefix}{ma}.{mi}.{pa}");
    Version::parse(&text).unwrap_or_else(|_| v.clone())
}
