//! A quick "certainly valid" answer in front of the `jsonschema` crate.
//!
//! `jsonschema` compiles the whole schema before it looks at the values:
//! for the large schemas charts ship (cert-manager's, traefik's, redis's,
//! 100–180 KB) that is most of a render's time, although nearly every run
//! is valid and touches a small part of the schema. This walks the values
//! alongside the schema instead. It knows a subset of draft 7 (types,
//! properties, required, additionalProperties, items, enum, const, numeric,
//! length and size limits, allOf/anyOf/oneOf/not, local `$ref`s, and
//! `pattern`/`patternProperties` written in plain ASCII without escapes,
//! where Rust's regex and ECMA-262's agree) and says either "valid" or "not
//! known"; anything else — an error, a keyword it does not evaluate
//! (`format` on a string, `if`, `uniqueItems`…), any other pattern, a
//! remote or anchored `$ref`, a nested `$schema` or `$id`, numbers beyond
//! 2⁵³ — is "not known", and `jsonschema` then compiles the schema, validates
//! and words the errors as before. So it never decides that values are
//! wrong, and it only says "valid" where `jsonschema` would too.
//!
//! `jsonschema` also rejects a malformed schema (checked against the draft 7
//! meta-schema) even where the values never reach the bad part, so the whole
//! schema's keywords are checked for their form first; a schema that is not
//! plainly well-formed goes to `jsonschema`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Nesting (of schemas, references or values) beyond which the answer is
/// "not known".
const MAX_DEPTH: usize = 256;

/// Integers above this are not all exact as `f64`.
const EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// Whether `instance` certainly meets the schema whose JSON text is
/// `schema`, as `jsonschema` checks it in draft 7 with format validation on.
/// `false` means "not known".
pub fn certainly_valid(schema: &[u8], instance: &Value) -> bool {
    // Read into a tree that borrows its strings: building serde_json's
    // (a hashed map per object) cost more than the check.
    let Ok(schema) = serde_json::from_slice::<Json<'_>>(schema) else {
        return false;
    };
    let schema = &schema;
    let later_draft = schema
        .get("$schema")
        .and_then(Json::as_str)
        .is_some_and(|s| s.contains("2019-09") || s.contains("2020-12"));
    let checker = Checker {
        root: schema,
        later_draft,
        regexes: RefCell::default(),
    };
    let mut seen = HashSet::new();
    checker.well_formed(schema, true, 0, &mut seen)
        && checker.check(schema, instance, 0) == Verdict::Valid
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Valid,
    Invalid,
    Unknown,
}

use Verdict::{Invalid, Unknown, Valid};

impl Verdict {
    fn from_bool(ok: bool) -> Verdict {
        if ok { Valid } else { Invalid }
    }
}

/// Accumulates keyword verdicts: any `Invalid` wins, then any `Unknown`.
#[derive(Clone, Copy)]
struct All(Verdict);

impl All {
    /// Adds one verdict; `false` once the result is `Invalid` (stop early).
    fn add(&mut self, v: Verdict) -> bool {
        match (self.0, v) {
            (_, Invalid) | (Invalid, _) => {
                self.0 = Invalid;
                false
            }
            (_, Unknown) => {
                self.0 = Unknown;
                true
            }
            _ => true,
        }
    }
}

const TYPES: [&str; 7] = [
    "null", "boolean", "object", "array", "number", "string", "integer",
];

/// Formats `jsonschema` knows in draft 7 (an unknown one is left to it).
const FORMATS: [&str; 17] = [
    "date",
    "date-time",
    "time",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Keywords this check does not evaluate, of draft 7 and of later drafts
/// (some of which `jsonschema`'s reference resolution honours): a schema
/// using any of them anywhere goes to `jsonschema`.
const UNSUPPORTED: [&str; 24] = [
    "additionalItems",
    "contains",
    "contentEncoding",
    "contentMediaType",
    "dependencies",
    "else",
    "if",
    "multipleOf",
    "propertyNames",
    "then",
    "uniqueItems",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$recursiveAnchor",
    "$recursiveRef",
    "$vocabulary",
    "dependentRequired",
    "dependentSchemas",
    "maxContains",
    "minContains",
    "prefixItems",
    "unevaluatedItems",
    "unevaluatedProperties",
];

struct Checker<'a> {
    root: &'a Json<'a>,
    /// The root's `$schema` names draft 2019-09 or later.
    later_draft: bool,
    /// Patterns compiled so far (`None`: not one this check evaluates).
    regexes: RefCell<HashMap<&'a str, Option<regex::Regex>>>,
}

impl<'a> Checker<'a> {
    /// The subschema a local `$ref` (`#`, `#/definitions/x`, `#/$defs/x`)
    /// names; `None` for any other reference.
    fn resolve(&self, reference: &str) -> Option<&'a Json<'a>> {
        let pointer = reference.strip_prefix('#')?;
        if pointer.is_empty() {
            return Some(self.root);
        }
        let pointer = pointer.strip_prefix('/')?;
        let mut at = self.root;
        for raw in pointer.split('/') {
            // Percent-encoded references are rare; leave them to jsonschema.
            if raw.contains('%') {
                return None;
            }
            let token = raw.replace("~1", "/").replace("~0", "~");
            at = match at {
                Json::Object(_) => at.get(&token)?,
                Json::Array(items) => {
                    if token.len() > 1 && token.starts_with('0') {
                        return None;
                    }
                    items.get(token.parse::<usize>().ok()?)?
                }
                _ => return None,
            };
        }
        Some(at)
    }

    /// Whether `schema` (and everything below it, and every schema its
    /// references reach) is plainly well-formed draft 7 that this check
    /// understands.
    fn well_formed(
        &self,
        schema: &'a Json<'a>,
        root: bool,
        depth: usize,
        seen: &mut HashSet<usize>,
    ) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let map = match schema {
            Json::Bool(_) => return true,
            Json::Object(map) => map,
            _ => return false,
        };
        if !seen.insert(std::ptr::from_ref(schema) as usize) {
            return true;
        }
        let sub = |s: &'a Json<'a>, seen: &mut HashSet<usize>| {
            self.well_formed(s, false, depth + 1, seen)
        };
        for (keyword, value) in map {
            let ok = match keyword.as_ref() {
                // Draft 7 is forced; older drafts spell some keywords
                // differently.
                "$schema" => {
                    root && value
                        .as_str()
                        .is_some_and(|s| !s.contains("draft-03") && !s.contains("draft-04"))
                }
                "$id" => root && value.as_str().is_some_and(|id| !id.contains('#')),
                // Draft 7 ignores a `$ref`'s siblings, later drafts apply
                // them: in a schema declaring a later draft, a `$ref` beside
                // another assertion is left to jsonschema.
                "$ref" => {
                    (!self.later_draft || map.iter().all(|(k, _)| !asserts(k)))
                        && match value.as_str().and_then(|r| self.resolve(r)) {
                            Some(target) => sub(target, seen),
                            None => false,
                        }
                }
                "$comment" | "title" | "description" => value.is_string(),
                "default" | "const" => true,
                "examples" => value.is_array(),
                "readOnly" | "writeOnly" => value.is_boolean(),
                "type" => match value {
                    Json::String(t) => TYPES.contains(&t.as_ref()),
                    Json::Array(ts) => {
                        !ts.is_empty()
                            && ts.iter().enumerate().all(|(i, t)| {
                                t.as_str().is_some_and(|t| TYPES.contains(&t))
                                    && !ts[..i].contains(t)
                            })
                    }
                    _ => false,
                },
                "enum" => value.as_array().is_some_and(|e| !e.is_empty()),
                "required" => value.as_array().is_some_and(|names| {
                    names
                        .iter()
                        .enumerate()
                        .all(|(i, n)| n.is_string() && !names[..i].contains(n))
                }),
                "properties" | "definitions" => value
                    .as_object()
                    .is_some_and(|m| m.iter().all(|(_, s)| sub(s, seen))),
                "patternProperties" => value
                    .as_object()
                    .is_some_and(|m| m.iter().all(|(p, s)| plain_pattern(p) && sub(s, seen))),
                "additionalProperties" | "not" => sub(value, seen),
                "items" => match value {
                    Json::Array(items) => items.iter().all(|s| sub(s, seen)),
                    _ => sub(value, seen),
                },
                "allOf" | "anyOf" | "oneOf" => value
                    .as_array()
                    .is_some_and(|ss| !ss.is_empty() && ss.iter().all(|s| sub(s, seen))),
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    value.is_number()
                }
                "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
                | "maxProperties" => value.as_u64().is_some(),
                "format" => value.as_str().is_some_and(|f| FORMATS.contains(&f)),
                "pattern" => value.as_str().is_some_and(plain_pattern),
                k => !UNSUPPORTED.contains(&k),
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// The verdict of `schema` on `x`.
    fn check(&self, schema: &'a Json<'a>, x: &Value, depth: usize) -> Verdict {
        if depth > MAX_DEPTH {
            return Unknown;
        }
        let map = match schema {
            Json::Bool(b) => return Verdict::from_bool(*b),
            Json::Object(map) => map,
            _ => return Unknown,
        };
        // Draft 7 ignores every sibling of `$ref`.
        if let Some(reference) = schema.get("$ref") {
            return match reference.as_str().and_then(|r| self.resolve(r)) {
                Some(target) => self.check(target, x, depth + 1),
                None => Unknown,
            };
        }
        let mut all = All(Valid);
        for (keyword, value) in map {
            let v = match keyword.as_ref() {
                "type" => self.type_matches(value, x),
                "enum" => match value.as_array() {
                    Some(options) => any_equal(options, x),
                    None => Unknown,
                },
                "const" => json_equal(value, x),
                "properties" => match (value.as_object(), x.as_object()) {
                    (Some(_), Some(obj)) => {
                        let mut inner = All(Valid);
                        for (k, v) in obj {
                            if let Some(s) = value.get(k)
                                && !inner.add(self.check(s, v, depth + 1))
                            {
                                break;
                            }
                        }
                        inner.0
                    }
                    (None, _) => Unknown,
                    (Some(_), None) => Valid,
                },
                "required" => match (value.as_array(), x.as_object()) {
                    (Some(names), Some(obj)) => Verdict::from_bool(
                        names
                            .iter()
                            .all(|n| n.as_str().is_some_and(|n| obj.contains_key(n))),
                    ),
                    (None, _) => Unknown,
                    (Some(_), None) => Valid,
                },
                "additionalProperties" => match x.as_object() {
                    Some(obj) => self.additional(schema, value, obj, depth),
                    None => Valid,
                },
                "patternProperties" => match (value.as_object(), x.as_object()) {
                    (Some(patterns), Some(obj)) => self.pattern_properties(patterns, obj, depth),
                    (None, _) => Unknown,
                    (Some(_), None) => Valid,
                },
                "pattern" => match (value.as_str(), x.as_str()) {
                    (Some(p), Some(text)) => self.search(p, text),
                    (None, _) => Unknown,
                    (Some(_), None) => Valid,
                },
                "items" => match x.as_array() {
                    Some(elems) => self.items(value, elems, depth),
                    None => Valid,
                },
                "allOf" => self.all_of(value, x, depth),
                "anyOf" => self.any_of(value, x, depth),
                "oneOf" => self.one_of(value, x, depth),
                "not" => match self.check(value, x, depth + 1) {
                    Valid => Invalid,
                    Invalid => Valid,
                    Unknown => Unknown,
                },
                "minimum" => compare(x, value, |o| o.is_ge()),
                "maximum" => compare(x, value, |o| o.is_le()),
                "exclusiveMinimum" => compare(x, value, |o| o.is_gt()),
                "exclusiveMaximum" => compare(x, value, |o| o.is_lt()),
                "minLength" => limit(x.as_str().map(|s| s.chars().count()), value, true),
                "maxLength" => limit(x.as_str().map(|s| s.chars().count()), value, false),
                "minItems" => limit(x.as_array().map(Vec::len), value, true),
                "maxItems" => limit(x.as_array().map(Vec::len), value, false),
                "minProperties" => limit(x.as_object().map(Map::len), value, true),
                "maxProperties" => limit(x.as_object().map(Map::len), value, false),
                // Applies to strings only; what a string must look like is
                // left to jsonschema.
                "format" => {
                    if x.is_string() {
                        Unknown
                    } else {
                        Valid
                    }
                }
                k if UNSUPPORTED.contains(&k) => Unknown,
                // Annotations and keywords draft 7 does not know.
                _ => Valid,
            };
            if !all.add(v) {
                break;
            }
        }
        all.0
    }

    fn type_matches(&self, types: &Json<'_>, x: &Value) -> Verdict {
        match types {
            Json::String(t) => is_type(t, x),
            Json::Array(ts) => {
                let mut out = Invalid;
                for t in ts {
                    match t.as_str().map(|t| is_type(t, x)) {
                        Some(Valid) => return Valid,
                        Some(Invalid) => {}
                        _ => out = Unknown,
                    }
                }
                out
            }
            _ => Unknown,
        }
    }

    /// `additionalProperties` on an object: every key no `properties` entry
    /// names must meet `extra`.
    fn additional(
        &self,
        schema: &'a Json<'a>,
        extra: &'a Json<'a>,
        obj: &Map<String, Value>,
        depth: usize,
    ) -> Verdict {
        let props = schema.get("properties");
        let patterns = schema.get("patternProperties").and_then(Json::as_object);
        let mut all = All(Valid);
        for (k, v) in obj {
            if props.is_some_and(|p| p.get(k).is_some()) {
                continue;
            }
            let mut matched = false;
            for (p, _) in patterns.into_iter().flatten() {
                match self.search(p, k) {
                    Valid => matched = true,
                    Invalid => {}
                    Unknown => return Unknown,
                }
            }
            if matched {
                continue;
            }
            if !all.add(self.check(extra, v, depth + 1)) {
                break;
            }
        }
        all.0
    }

    /// `patternProperties`: each key's value meets the schema of every
    /// pattern the key matches.
    fn pattern_properties(
        &self,
        patterns: &'a [(Cow<'a, str>, Json<'a>)],
        obj: &Map<String, Value>,
        depth: usize,
    ) -> Verdict {
        let mut all = All(Valid);
        for (pattern, s) in patterns {
            for (k, v) in obj {
                let verdict = match self.search(pattern, k) {
                    Valid => self.check(s, v, depth + 1),
                    Invalid => Valid,
                    Unknown => Unknown,
                };
                if !all.add(verdict) {
                    return all.0;
                }
            }
        }
        all.0
    }

    /// Whether `pattern` matches somewhere in `text`, for the plain
    /// patterns (see [`plain_pattern`]) on which Rust's regex and
    /// ECMA-262's agree: they differ on which line terminators `.` skips,
    /// so a text with one other than `\n` is not evaluated.
    fn search(&self, pattern: &'a str, text: &str) -> Verdict {
        if text.contains(['\r', '\u{2028}', '\u{2029}']) {
            return Unknown;
        }
        let mut cache = self.regexes.borrow_mut();
        let re = cache.entry(pattern).or_insert_with(|| {
            if plain_pattern(pattern) {
                regex::Regex::new(pattern).ok()
            } else {
                None
            }
        });
        match re {
            Some(re) => Verdict::from_bool(re.is_match(text)),
            None => Unknown,
        }
    }

    fn items(&self, items: &'a Json<'a>, elems: &[Value], depth: usize) -> Verdict {
        let mut all = All(Valid);
        match items {
            // Positional: elements beyond the list are unconstrained (no
            // `additionalItems` gets here).
            Json::Array(schemas) => {
                for (s, e) in schemas.iter().zip(elems) {
                    if !all.add(self.check(s, e, depth + 1)) {
                        break;
                    }
                }
            }
            s => {
                for e in elems {
                    if !all.add(self.check(s, e, depth + 1)) {
                        break;
                    }
                }
            }
        }
        all.0
    }

    fn all_of(&self, schemas: &'a Json<'a>, x: &Value, depth: usize) -> Verdict {
        let Some(schemas) = schemas.as_array() else {
            return Unknown;
        };
        let mut all = All(Valid);
        for s in schemas {
            if !all.add(self.check(s, x, depth + 1)) {
                break;
            }
        }
        all.0
    }

    fn any_of(&self, schemas: &'a Json<'a>, x: &Value, depth: usize) -> Verdict {
        let Some(schemas) = schemas.as_array() else {
            return Unknown;
        };
        let mut out = Invalid;
        for s in schemas {
            match self.check(s, x, depth + 1) {
                Valid => return Valid,
                Invalid => {}
                Unknown => out = Unknown,
            }
        }
        out
    }

    fn one_of(&self, schemas: &'a Json<'a>, x: &Value, depth: usize) -> Verdict {
        let Some(schemas) = schemas.as_array() else {
            return Unknown;
        };
        let mut valid = 0;
        for s in schemas {
            match self.check(s, x, depth + 1) {
                Valid => valid += 1,
                Invalid => {}
                Unknown => return Unknown,
            }
        }
        Verdict::from_bool(valid == 1)
    }
}

/// Whether `x` is of JSON-Schema type `t` (`integer`: any number without a
/// fractional part).
fn is_type(t: &str, x: &Value) -> Verdict {
    let ok = match t {
        "null" => x.is_null(),
        "boolean" => x.is_boolean(),
        "object" => x.is_object(),
        "array" => x.is_array(),
        "string" => x.is_string(),
        "number" => x.is_number(),
        "integer" => match x {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        _ => return Unknown,
    };
    Verdict::from_bool(ok)
}

/// A number as an `f64` that is exactly the JSON number (`None` for
/// integers too large to be exact).
fn exact(n: &serde_json::Number) -> Option<f64> {
    let f = n.as_f64()?;
    if (n.is_i64() || n.is_u64()) && f.abs() > EXACT_F64 {
        return None;
    }
    f.is_finite().then_some(f)
}

fn compare(x: &Value, limit: &Json<'_>, ok: impl Fn(std::cmp::Ordering) -> bool) -> Verdict {
    let Value::Number(n) = x else {
        return Valid;
    };
    let (Some(a), Some(b)) = (exact(n), limit.as_number().and_then(exact)) else {
        return Unknown;
    };
    match a.partial_cmp(&b) {
        Some(o) => Verdict::from_bool(ok(o)),
        None => Unknown,
    }
}

/// A size limit (`minLength`…): `len` is `None` when the keyword does not
/// apply to the value's type.
fn limit(len: Option<usize>, limit: &Json<'_>, at_least: bool) -> Verdict {
    let Some(len) = len else {
        return Valid;
    };
    let Some(l) = limit.as_u64() else {
        return Unknown;
    };
    let len = len as u64;
    Verdict::from_bool(if at_least { len >= l } else { len <= l })
}

fn any_equal(options: &[Json<'_>], x: &Value) -> Verdict {
    let mut out = Invalid;
    for o in options {
        match json_equal(o, x) {
            Valid => return Valid,
            Invalid => {}
            Unknown => out = Unknown,
        }
    }
    out
}

/// JSON equality (`1` equals `1.0`) of a schema's value and an instance;
/// `Unknown` for numbers that are not exact as `f64`.
fn json_equal(a: &Json<'_>, b: &Value) -> Verdict {
    match (a, b) {
        (Json::Null, Value::Null) => Valid,
        (Json::Bool(a), Value::Bool(b)) => Verdict::from_bool(a == b),
        (Json::String(a), Value::String(b)) => Verdict::from_bool(a == b),
        (Json::Number(a), Value::Number(b)) => {
            if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
                return Verdict::from_bool(a == b);
            }
            match (exact(a), exact(b)) {
                (Some(a), Some(b)) => Verdict::from_bool(a == b),
                _ => Unknown,
            }
        }
        (Json::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Invalid;
            }
            let mut all = All(Valid);
            for (a, b) in a.iter().zip(b) {
                if !all.add(json_equal(a, b)) {
                    break;
                }
            }
            all.0
        }
        (Json::Object(a), Value::Object(b)) => {
            if a.len() != b.len() {
                return Invalid;
            }
            let mut all = All(Valid);
            for (k, va) in a {
                let v = match b.get(k.as_ref()) {
                    Some(vb) => json_equal(va, vb),
                    None => Invalid,
                };
                if !all.add(v) {
                    break;
                }
            }
            all.0
        }
        _ => Invalid,
    }
}

/// Whether `keyword` is one that constrains values (not an annotation or a
/// keyword draft 7 does not know).
fn asserts(keyword: &str) -> bool {
    matches!(
        keyword,
        "type"
            | "enum"
            | "const"
            | "properties"
            | "required"
            | "additionalProperties"
            | "patternProperties"
            | "items"
            | "allOf"
            | "anyOf"
            | "oneOf"
            | "not"
            | "minimum"
            | "maximum"
            | "exclusiveMinimum"
            | "exclusiveMaximum"
            | "minLength"
            | "maxLength"
            | "minItems"
            | "maxItems"
            | "minProperties"
            | "maxProperties"
            | "format"
            | "pattern"
    ) || UNSUPPORTED.contains(&keyword)
}

/// Whether a `pattern` is one `jsonschema` certainly compiles: plain ASCII
/// with no escapes (which mean different things in ECMA-262 and Rust) that
/// the `regex` crate's parser accepts.
fn plain_pattern(p: &str) -> bool {
    p.bytes()
        .all(|b| (b.is_ascii_graphic() && b != b'\\') || b == b' ')
        // Group flags and POSIX classes differ too.
        && !p.contains("(?")
        && !p.contains("[[")
        && regex_syntax::Parser::new().parse(p).is_ok()
}

/// A JSON document as the check reads it: strings borrowed from the text
/// where they have no escapes, object members in order. An object with a
/// repeated key is refused (serde_json keeps the last, which the check
/// would have to mimic).
#[derive(Debug, PartialEq)]
enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    fn as_object(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<&Number> {
        match self {
            Json::Number(n) => Some(n),
            _ => None,
        }
    }

    fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    fn is_string(&self) -> bool {
        matches!(self, Json::String(_))
    }

    fn is_number(&self) -> bool {
        matches!(self, Json::Number(_))
    }

    fn is_boolean(&self) -> bool {
        matches!(self, Json::Bool(_))
    }

    fn is_array(&self) -> bool {
        matches!(self, Json::Array(_))
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Json<'de>, E> {
        Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("not a finite number"))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Json<'de>)> = Vec::new();
        while let Some(Key(k)) = map.next_key()? {
            members.push((k, map.next_value()?));
        }
        let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_ref()).collect();
        keys.sort_unstable();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err(A::Error::custom("repeated key"));
        }
        Ok(Json::Object(members))
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}
