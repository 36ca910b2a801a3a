//! Test support for the Sprig case files: the case-file format shared with
//! `scripts/oracle-fn`, and a deliberately tiny evaluator for one-line Go
//! template actions (literals, `.Values` paths, `$variables`, parentheses,
//! pipes) that calls the function table the way text/template does —
//! arity check, Go argument conversion, `error calling NAME: …` wrapping.
//! It stands in until the real engine can render case files.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chart_core::template::{Elem, FuncDef, FuncTable, Map, Ty, Value};

/// One case: a template and what Helm printed or the error it reported.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub tpl: String,
    pub out: Option<String>,
    pub err: Option<String>,
}

/// Parses a case file (format documented in `scripts/oracle-fn`).
pub fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut section = "";
    let mut lines: Vec<&str> = text.split('\n').collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    let mut buf: Vec<&str> = Vec::new();
    let flush = |cases: &mut Vec<Case>, section: &str, buf: &mut Vec<&str>| {
        if let Some(c) = cases.last_mut() {
            let text = buf.join("\n");
            match section {
                "tpl" => c.tpl = text.trim_end_matches('\n').to_string(),
                "out" => c.out = Some(text),
                "err" => c.err = Some(text),
                _ => {}
            }
        }
        buf.clear();
    };
    for line in lines {
        if let Some(name) = line.strip_prefix("=== ") {
            flush(&mut cases, section, &mut buf);
            cases.push(Case {
                name: name.to_string(),
                tpl: String::new(),
                out: None,
                err: None,
            });
            section = "tpl";
        } else if !cases.is_empty() && (line == "--- out" || line == "--- err") {
            flush(&mut cases, section, &mut buf);
            section = &line[4..];
        } else {
            buf.push(line);
        }
    }
    flush(&mut cases, section, &mut buf);
    cases
}

/// Prefix of the errors the stand-in evaluator gives for templates it
/// cannot evaluate (Go builtins the engine implements, `range`, …); such
/// cases are run by `sprig_engine_cases.rs` and never counted as passed here.
pub const BEYOND_STAND_IN: &str = "beyond the stand-in evaluator: ";

pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/functions")
}

/// JSON (as Helm reads values: every number a float64) to a Value.
pub fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap()),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(a) => Value::list(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o {
                m.insert(k.as_str().into(), from_json(v));
            }
            Value::map(m)
        }
    }
}

// ---- the tiny evaluator -------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Int(i64),
    Float(f64),
    Ident(String),
    Field(Vec<String>),
    Var(String, Vec<String>),
    LParen,
    RParen,
    Pipe,
    Declare,
    /// `.Field` right after `)`: a field or method of the parenthesized value.
    Chain(Vec<String>),
}

fn unquote(body: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut it = body.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = it.next().ok_or("bad escape")?;
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..n).filter_map(|_| it.next()).collect();
                let code = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                out.push(char::from_u32(code).ok_or("bad code point")?);
            }
            other => return Err(format!("unsupported escape \\{other}")),
        }
    }
    Ok(out)
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let b: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut toks = Vec::new();
    let path = |i: &mut usize| -> Vec<String> {
        let mut parts = Vec::new();
        while *i < b.len() && b[*i] == '.' {
            *i += 1;
            let start = *i;
            while *i < b.len() && (b[*i].is_alphanumeric() || b[*i] == '_') {
                *i += 1;
            }
            if *i > start {
                parts.push(b[start..*i].iter().collect());
            }
        }
        parts
    };
    while i < b.len() {
        let c = b[i];
        match c {
            ' ' | '\t' | '\n' => i += 1,
            '(' => {
                toks.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                toks.push(Tok::RParen);
                i += 1;
            }
            '|' => {
                toks.push(Tok::Pipe);
                i += 1;
            }
            ':' if b.get(i + 1) == Some(&'=') => {
                toks.push(Tok::Declare);
                i += 2;
            }
            '"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != '"' {
                    if b[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let body: String = b[start..i].iter().collect();
                toks.push(Tok::Str(unquote(&body)?));
                i += 1;
            }
            '`' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != '`' {
                    i += 1;
                }
                toks.push(Tok::Str(b[start..i].iter().collect()));
                i += 1;
            }
            '.' if i > 0 && b[i - 1] == ')' => toks.push(Tok::Chain(path(&mut i))),
            '.' => toks.push(Tok::Field(path(&mut i))),
            '$' => {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                    i += 1;
                }
                let name: String = b[start..i].iter().collect();
                let p = path(&mut i);
                toks.push(Tok::Var(name, p));
            }
            c if c.is_ascii_digit()
                || ((c == '-' || c == '+')
                    && b.get(i + 1)
                        .is_some_and(|d| d.is_ascii_digit() || *d == '.')) =>
            {
                let start = i;
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == '.'
                        || b[i] == '_'
                        || ((b[i] == '-' || b[i] == '+') && matches!(b[i - 1], 'e' | 'E')))
                {
                    i += 1;
                }
                let text: String = b[start..i].iter().collect();
                let clean = text.replace('_', "");
                let (neg, digits) = match clean.strip_prefix('-') {
                    Some(d) => (true, d.to_string()),
                    None => (false, clean.trim_start_matches('+').to_string()),
                };
                let int = if let Some(h) = digits.strip_prefix("0x") {
                    i64::from_str_radix(h, 16).ok()
                } else if digits.contains(['.', 'e', 'E']) {
                    None
                } else if digits.len() > 1 && digits.starts_with('0') {
                    i64::from_str_radix(digits.trim_start_matches("0o").trim_start_matches('0'), 8)
                        .ok()
                        .or(Some(0))
                } else {
                    digits.parse().ok()
                };
                match int {
                    Some(n) => toks.push(Tok::Int(if neg { -n } else { n })),
                    None => toks.push(Tok::Float(
                        clean.parse().map_err(|_| format!("bad number {text}"))?,
                    )),
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                    i += 1;
                }
                toks.push(Tok::Ident(b[start..i].iter().collect()));
            }
            other => {
                return Err(format!("{BEYOND_STAND_IN}unsupported character {other:?}"));
            }
        }
    }
    Ok(toks)
}

/// An evaluated operand: a value, and whether it is an untyped constant.
#[derive(Clone, Debug)]
struct Arg {
    v: Value,
    lit: Option<Tok>,
}

pub struct Evaluator<'a> {
    pub funcs: &'a FuncTable,
    pub data: Value,
    vars: HashMap<String, Value>,
}

fn go_lit(t: &Tok) -> String {
    match t {
        Tok::Str(s) => format!("{s:?}"),
        Tok::Int(n) => n.to_string(),
        Tok::Float(f) => f.to_string(),
        _ => String::new(),
    }
}

impl<'a> Evaluator<'a> {
    pub fn new(funcs: &'a FuncTable, values: Value) -> Self {
        let mut root = Map::new();
        root.insert("Values".into(), values);
        Evaluator {
            funcs,
            data: Value::map(root),
            vars: HashMap::new(),
        }
    }

    /// Renders a template made of text and `{{ }}` actions.
    pub fn render(&mut self, tpl: &str) -> Result<String, String> {
        self.vars.insert("$".into(), self.data.clone());
        let mut out = String::new();
        let mut rest = tpl;
        while let Some(open) = rest.find("{{") {
            let mut text = &rest[..open];
            let mut action = &rest[open + 2..];
            if let Some(a) = action.strip_prefix("- ") {
                text = text.trim_end();
                action = a;
            }
            out.push_str(text);
            let close = action.find("}}").ok_or("unclosed action")?;
            let mut body = &action[..close];
            rest = &action[close + 2..];
            if let Some(b) = body.strip_suffix(" -") {
                body = b;
                rest = rest.trim_start();
            }
            let body = body.trim();
            if body.starts_with("/*") {
                continue;
            }
            let toks = lex(body)?;
            let (decl, toks) = match toks.as_slice() {
                [Tok::Var(name, p), Tok::Declare, rest @ ..] if p.is_empty() => {
                    (Some(name.clone()), rest.to_vec())
                }
                _ => (None, toks),
            };
            let mut pos = 0;
            let v = self.pipeline(&toks, &mut pos)?;
            if pos != toks.len() {
                return Err(format!("unexpected token {:?}", toks[pos]));
            }
            match decl {
                Some(name) => {
                    self.vars.insert(name, v.v);
                }
                None => match &v.v {
                    Value::Nil => out.push_str("<no value>"),
                    other => other.fmt_v(&mut out),
                },
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    fn pipeline(&mut self, toks: &[Tok], pos: &mut usize) -> Result<Arg, String> {
        let mut acc: Option<Arg> = None;
        loop {
            acc = Some(self.command(toks, pos, acc)?);
            if toks.get(*pos) == Some(&Tok::Pipe) {
                *pos += 1;
            } else {
                break;
            }
        }
        acc.ok_or_else(|| "empty pipeline".to_string())
    }

    fn command(
        &mut self,
        toks: &[Tok],
        pos: &mut usize,
        piped: Option<Arg>,
    ) -> Result<Arg, String> {
        match toks.get(*pos) {
            Some(Tok::Ident(name)) if !matches!(name.as_str(), "true" | "false" | "nil") => {
                let name = name.clone();
                *pos += 1;
                let mut args = Vec::new();
                while let Some(t) = toks.get(*pos) {
                    if matches!(t, Tok::Pipe | Tok::RParen) {
                        break;
                    }
                    args.push(self.operand(toks, pos)?);
                }
                args.extend(piped);
                self.call(&name, args)
            }
            Some(Tok::LParen) => {
                let a = self.operand(toks, pos)?;
                let Some(Tok::Chain(path)) = toks.get(*pos).cloned() else {
                    if piped.is_some() {
                        return Err("can't give argument to non-function".into());
                    }
                    return Ok(a);
                };
                *pos += 1;
                let mut args = Vec::new();
                while let Some(t) = toks.get(*pos) {
                    if matches!(t, Tok::Pipe | Tok::RParen) {
                        break;
                    }
                    args.push(self.operand(toks, pos)?.v);
                }
                args.extend(piped.map(|p| p.v));
                let v = match &a.v {
                    Value::Object(o) => {
                        let name = path.last().cloned().unwrap_or_default();
                        match o.call_method(&name, &args) {
                            Some(Ok(v)) => v,
                            Some(Err(e)) => {
                                return Err(format!("error calling {name}: {}", e.message));
                            }
                            None => {
                                return Err(format!(
                                    "can't evaluate field {name} in type {}",
                                    o.type_name()
                                ));
                            }
                        }
                    }
                    other => walk(other, &path)?,
                };
                Ok(Arg { v, lit: None })
            }
            _ => {
                let a = self.operand(toks, pos)?;
                if piped.is_some() {
                    return Err("can't give argument to non-function".into());
                }
                Ok(a)
            }
        }
    }

    fn operand(&mut self, toks: &[Tok], pos: &mut usize) -> Result<Arg, String> {
        let t = toks.get(*pos).cloned().ok_or("missing operand")?;
        *pos += 1;
        let lit = |v: Value| Arg {
            v,
            lit: Some(t.clone()),
        };
        Ok(match &t {
            Tok::Str(s) => lit(Value::str(s)),
            Tok::Int(n) => lit(Value::Int(*n)),
            Tok::Float(f) => lit(Value::Float(*f)),
            Tok::Ident(b) if b == "true" => Arg {
                v: Value::Bool(true),
                lit: None,
            },
            Tok::Ident(b) if b == "false" => Arg {
                v: Value::Bool(false),
                lit: None,
            },
            Tok::Ident(b) if b == "nil" => Arg {
                v: Value::Nil,
                lit: Some(t.clone()),
            },
            Tok::Ident(name) => self.call(name, Vec::new())?,
            Tok::Field(p) => Arg {
                v: walk(&self.data, p)?,
                lit: None,
            },
            Tok::Var(name, p) => {
                let base = self
                    .vars
                    .get(name)
                    .cloned()
                    .ok_or_else(|| format!("undefined variable: {name}"))?;
                Arg {
                    v: walk(&base, p)?,
                    lit: None,
                }
            }
            Tok::LParen => {
                let v = self.pipeline(toks, pos)?;
                if toks.get(*pos) != Some(&Tok::RParen) {
                    return Err("missing )".into());
                }
                *pos += 1;
                v
            }
            other => return Err(format!("unexpected {other:?}")),
        })
    }

    fn call(&mut self, name: &str, args: Vec<Arg>) -> Result<Arg, String> {
        let def = self
            .funcs
            .get(name)
            .ok_or_else(|| format!("function \"{name}\" not defined"))?;
        let (sig, f) = match def {
            FuncDef::Native { sig, f } => (*sig, *f),
            FuncDef::Engine { tag, .. } => {
                return Err(format!("{BEYOND_STAND_IN}engine function {tag}"));
            }
        };
        let fixed = sig.params.len();
        let ok_arity = match sig.variadic {
            Some(_) => args.len() >= fixed,
            None => args.len() == fixed,
        };
        if !ok_arity {
            return Err(if sig.variadic.is_some() {
                format!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                )
            } else {
                format!(
                    "wrong number of args for {name}: want {fixed} got {}",
                    args.len()
                )
            });
        }
        let mut conv = Vec::with_capacity(args.len());
        for (i, a) in args.into_iter().enumerate() {
            let ty = sig
                .params
                .get(i)
                .copied()
                .or(sig.variadic)
                .unwrap_or(Ty::Any);
            conv.push(convert(a, ty)?);
        }
        match f(&conv) {
            Ok(v) => Ok(Arg { v, lit: None }),
            Err(e) => Err(format!("error calling {name}: {}", e.message)),
        }
    }
}

fn walk(base: &Value, path: &[String]) -> Result<Value, String> {
    let mut v = base.clone();
    for p in path {
        v = match &v {
            Value::Map(m) => m.get(p.as_str()).unwrap_or(Value::Nil),
            Value::Object(o) => match o.field(p) {
                Some(v) => v,
                None => match o.call_method(p, &[]) {
                    Some(Ok(v)) => v,
                    Some(Err(e)) => return Err(format!("error calling {p}: {}", e.message)),
                    None => {
                        return Err(format!(
                            "can't evaluate field {p} in type {}",
                            o.type_name()
                        ));
                    }
                },
            },
            Value::Nil => return Err(format!("nil pointer evaluating interface {{}}.{p}")),
            other => {
                return Err(format!(
                    "can't evaluate field {p} in type {}",
                    other.type_name()
                ));
            }
        };
    }
    Ok(v)
}

/// Go's conversion of an argument to a parameter type.
fn convert(a: Arg, ty: Ty) -> Result<Value, String> {
    if let Some(t) = &a.lit {
        return match (t, ty) {
            // Go's untyped nil: fine for interfaces, maps and slices.
            (Tok::Ident(_), Ty::Any | Ty::Map | Ty::List | Ty::StrList) => Ok(a.v),
            (Tok::Ident(_), other) => Err(format!("cannot assign nil to {}", other.go_name())),
            (Tok::Int(n), Ty::Int) => Ok(Value::Int(*n)),
            (Tok::Int(n), Ty::Int64) => Ok(Value::Int64(*n)),
            (Tok::Int(n), Ty::Float64) => Ok(Value::Float(*n as f64)),
            (Tok::Float(f), Ty::Float64) => Ok(Value::Float(*f)),
            (Tok::Str(_), Ty::String) | (_, Ty::Any) => Ok(a.v),
            (_, Ty::String) => Err(format!("expected string; found {}", go_lit(t))),
            (_, Ty::Int | Ty::Int64) => Err(format!("expected integer; found {}", go_lit(t))),
            (_, Ty::Float64) => Err(format!("expected float; found {}", go_lit(t))),
            (_, Ty::Struct(name)) => {
                Err(format!("can't handle {} for arg of type {name}", go_lit(t)))
            }
            (_, other) => Err(format!(
                "wrong type for value; expected {}; got {}",
                other.go_name(),
                a.v.type_name()
            )),
        };
    }
    let v = a.v;
    let fits = matches!(
        (ty, &v),
        (Ty::Any, _)
            | (Ty::String, Value::String(_))
            | (Ty::Int, Value::Int(_))
            | (Ty::Int64, Value::Int64(_))
            | (Ty::Float64, Value::Float(_))
            | (Ty::Bool, Value::Bool(_))
            | (Ty::Map | Ty::List | Ty::StrList, Value::Nil)
    ) || match (ty, &v) {
        (Ty::Struct(name), Value::Object(o)) => o.type_name() == name,
        // Go assigns only the exact slice and map types.
        (Ty::Map, Value::Map(m)) => m.elem() == Elem::Interface,
        (Ty::List, Value::List(l)) => l.elem() == Elem::Interface,
        (Ty::StrList, Value::List(l)) => l.elem() == Elem::String,
        _ => false,
    };
    if fits {
        Ok(v)
    } else if v.is_nil() {
        Err(format!("invalid value; expected {}", ty.go_name()))
    } else {
        Err(format!(
            "wrong type for value; expected {}; got {}",
            ty.go_name(),
            v.type_name()
        ))
    }
}
