//! `values.schema.json` validation, per chart and per subchart on its own
//! subtree, with Helm 3.10's (gojsonschema's) wording:
//!
//! ```text
//! values don't meet the specifications of the schema(s) in the following chart(s):
//! postgresql:
//! - auth.postgresPassword: Invalid type. Expected: string, given: integer
//! ```
//!
//! Validation itself is done by the `jsonschema` crate (draft 7 unless the
//! schema's `$schema` says otherwise); only the messages are ours.

use jsonschema::error::{TypeKind, ValidationErrorKind};

use crate::chart::Chart;
use crate::template::strconv::format_float;
use crate::template::{Map, Value};

/// Schema validation failed; `Display` is Helm's full message (ending in a
/// newline, as Helm's does).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "values don't meet the specifications of the schema(s) in the following chart(s):\n{details}"
)]
pub struct SchemaError {
    /// The per-chart report (`chart:\n- field: problem\n…`).
    pub details: String,
    /// Each problem: chart name, field path (`(root)`, `a.b`), description.
    pub problems: Vec<SchemaProblem>,
}

/// One violation.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaProblem {
    pub chart: String,
    pub field: String,
    pub description: String,
}

/// Helm's `ValidateAgainstSchema`: the chart's schema against `values`,
/// then each subchart's against `values[sub]`.
pub fn validate_against_schema(chart: &Chart, values: &Map) -> Result<(), SchemaError> {
    let mut details = String::new();
    let mut problems = Vec::new();
    collect(chart, values, &mut details, &mut problems);
    if details.is_empty() {
        Ok(())
    } else {
        Err(SchemaError { details, problems })
    }
}

fn collect(chart: &Chart, values: &Map, out: &mut String, problems: &mut Vec<SchemaProblem>) {
    if let Some(schema) = &chart.schema {
        match validate_single(values, schema) {
            Ok(()) => {}
            Err(SingleError::Invalid(list)) => {
                out.push_str(&format!("{}:\n", chart.name()));
                for (field, description) in list {
                    out.push_str(&format!("- {field}: {description}\n"));
                    problems.push(SchemaProblem {
                        chart: chart.name().to_string(),
                        field,
                        description,
                    });
                }
            }
            Err(SingleError::Schema(msg)) => {
                out.push_str(&format!("{}:\n{msg}", chart.name()));
                problems.push(SchemaProblem {
                    chart: chart.name().to_string(),
                    field: String::new(),
                    description: msg,
                });
            }
        }
    }
    for sub in &chart.dependencies {
        let sub_values = match values.get(sub.name()) {
            Some(Value::Map(m)) => m.snapshot(),
            _ => Map::new(),
        };
        collect(sub, &sub_values, out, problems);
    }
}

/// Helm's `ValidateAgainstSingleSchema` (used by `lint` on values.yaml):
/// the error is one `- field: problem` line per violation.
pub fn validate_single_schema(values: &Map, schema: &[u8]) -> Result<(), String> {
    match validate_single(values, schema) {
        Ok(()) => Ok(()),
        Err(SingleError::Invalid(list)) => Err(list
            .into_iter()
            .map(|(field, description)| format!("- {field}: {description}\n"))
            .collect()),
        Err(SingleError::Schema(msg)) => Err(msg),
    }
}

enum SingleError {
    Invalid(Vec<(String, String)>),
    Schema(String),
}

/// Values as the JSON document Helm validates (after its YAML round trip).
pub fn values_to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Nil => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) | Value::Int64(i) => serde_json::Value::from(*i),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                serde_json::Value::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f)
                    .map(serde_json::Value::Number)
                    .unwrap_or(serde_json::Value::Null)
            }
        }
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::Bytes(b) => {
            use base64::Engine as _;
            serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
        Value::List(l) => serde_json::Value::Array(l.iter().map(values_to_json).collect()),
        Value::Map(m) => serde_json::Value::Object(
            m.read()
                .iter()
                .map(|(k, v)| (k.to_string(), values_to_json(v)))
                .collect(),
        ),
        Value::Object(o) => values_to_json(&o.to_json_value()),
    }
}

fn validate_single(values: &Map, schema: &[u8]) -> Result<(), SingleError> {
    let instance = values_to_json(&Value::map(values.clone()));
    // Nearly every run is valid: answered without compiling the schema
    // when the quick check is sure (errors always come from jsonschema).
    if super::schema_fast::certainly_valid(schema, &instance) {
        release(instance);
        return Ok(());
    }
    let schema: serde_json::Value =
        serde_json::from_slice(schema).map_err(|e| SingleError::Schema(format!("{e}\n")))?;
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| SingleError::Schema(format!("{e}\n")))?;
    let mut list = Vec::new();
    for err in validator.iter_errors(&instance) {
        let segments: Vec<String> = err
            .instance_path()
            .segments()
            .map(|s| s.to_string())
            .collect();
        describe(err.kind(), err.instance(), &segments, &mut list);
    }
    // A compiled validator of a large schema (traefik's, cert-manager's)
    // takes about as long to free as to use: a process that exits after the
    // run leaves it to the system; a long-lived one frees it, the schema
    // and the instance on another thread, off the render's path (when no
    // thread can be started, the closure comes back and is dropped here).
    release((validator, schema, instance));
    if list.is_empty() {
        Ok(())
    } else {
        Err(SingleError::Invalid(list))
    }
}

/// Leaves `garbage` to the system in a process that exits after the run,
/// else frees it on another thread (or here, when none can be started).
fn release<T: Send + 'static>(garbage: T) {
    if crate::action::template::leaking() {
        std::mem::forget(garbage);
    } else {
        let _ = std::thread::Builder::new().spawn(move || drop(garbage));
    }
}

fn field_of(segments: &[String]) -> String {
    if segments.is_empty() {
        "(root)".to_string()
    } else {
        segments.join(".")
    }
}

/// gojsonschema's type name of an instance (`integer` for whole numbers).
fn go_type_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) => {
            if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                "integer"
            } else {
                "number"
            }
        }
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn num(v: &serde_json::Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{}", f as i64),
        Some(f) => format_float(f, 'g', -1),
        None => v.to_string(),
    }
}

fn describe(
    kind: &ValidationErrorKind,
    instance: &serde_json::Value,
    segments: &[String],
    out: &mut Vec<(String, String)>,
) {
    let field = field_of(segments);
    let msg = match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for p in unexpected {
                out.push((
                    field.clone(),
                    format!("Additional property {p} is not allowed"),
                ));
            }
            return;
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| property.to_string());
            format!("{name} is required")
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => {
                    let names: Vec<String> = set.iter().map(|t| t.to_string()).collect();
                    format!("[{}]", names.join(","))
                }
            };
            format!(
                "Invalid type. Expected: {expected}, given: {}",
                go_type_of(instance)
            )
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(|v| v.to_string()).collect())
                .unwrap_or_default();
            format!(
                "{field} must be one of the following: {}",
                allowed.join(", ")
            )
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("{field} does not match: {expected_value}")
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("Must be greater than or equal to {}", num(limit))
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("Must be greater than {}", num(limit))
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("Must be less than or equal to {}", num(limit))
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("Must be less than {}", num(limit))
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("String length must be greater than or equal to {limit}")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("String length must be less than or equal to {limit}")
        }
        ValidationErrorKind::Pattern { pattern } => format!("Does not match pattern '{pattern}'"),
        ValidationErrorKind::Format { format } => format!("Does not match format '{format}'"),
        ValidationErrorKind::MinItems { limit } => {
            format!("Array must have at least {limit} items")
        }
        ValidationErrorKind::MaxItems { limit } => format!("Array must have at most {limit} items"),
        ValidationErrorKind::UniqueItems => "array items must be unique".to_string(),
        ValidationErrorKind::Contains => "At least one of the items must match".to_string(),
        ValidationErrorKind::MinProperties { limit } => {
            format!("Must have at least {limit} properties")
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("Must have at most {limit} properties")
        }
        ValidationErrorKind::MultipleOf { multiple_of } => {
            format!(
                "Must be a multiple of {}",
                format_float(*multiple_of, 'g', -1)
            )
        }
        ValidationErrorKind::AnyOf { .. } => {
            "Must validate at least one schema (anyOf)".to_string()
        }
        ValidationErrorKind::OneOfMultipleValid { .. }
        | ValidationErrorKind::OneOfNotValid { .. } => {
            "Must validate one and only one schema (oneOf)".to_string()
        }
        ValidationErrorKind::Not { .. } => "Must not validate the schema (not)".to_string(),
        ValidationErrorKind::FalseSchema => "False always fails validation".to_string(),
        ValidationErrorKind::AdditionalItems { .. } => {
            "No additional items allowed on array".to_string()
        }
        ValidationErrorKind::PropertyNames { error } => {
            let _ = error;
            format!("Property name of {instance} does not match")
        }
        other => format!("does not validate against {}", other.keyword()),
    };
    out.push((field, msg));
}
