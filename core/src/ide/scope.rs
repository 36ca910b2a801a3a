//! What `.` and each `$variable` stand for in a parsed template, as paths
//! from the template's top-level context (`["Values", "image"]`), following
//! `with` and `range` (whose element is [`Seg::Elem`]), `$` and `$x := …`.
//! Inside a `define`, `.` and `$` are taken to be the top-level context (the
//! usual `include "x" .`); anything not a plain field chain is
//! [`Sym::Unknown`].
//!
//! [`walk`] reports every field chain, function, include/template name and
//! variable declaration with the scope it appears in; [`scope_at`] gives the
//! scope at an offset. [`parse_tolerant`] parses a text cut at an offset,
//! closing the blocks left open, so a half-typed file still has a scope.

use std::sync::Arc;

use crate::source::{SourceId, Span};
use crate::template::ast::{Arg, List, Node, Pipe, Tree};
use crate::template::lexer::Delims;
use crate::template::{Str, TemplateSet};

/// One step of a symbolic path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(Str),
    /// Any element of a list or value of a map (`range`).
    Elem,
}

/// What an expression stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sym {
    Unknown,
    /// A path from the template's top-level context.
    Path(Vec<Seg>),
}

impl Sym {
    fn root() -> Sym {
        Sym::Path(Vec::new())
    }

    /// This path extended by field names.
    pub fn join<'a>(&self, keys: impl IntoIterator<Item = &'a Str>) -> Sym {
        match self {
            Sym::Unknown => Sym::Unknown,
            Sym::Path(p) => {
                let mut p = p.clone();
                p.extend(keys.into_iter().map(|k| Seg::Key(k.clone())));
                Sym::Path(p)
            }
        }
    }

    /// The path as plain keys after a `Values` head (`.Values.a.b` →
    /// `["a", "b"]`), if it is one and has no `range` element in it.
    pub fn values_path(&self) -> Option<Vec<Str>> {
        let Sym::Path(p) = self else { return None };
        let (Seg::Key(head), rest) = p.split_first()? else {
            return None;
        };
        if &**head != "Values" {
            return None;
        }
        rest.iter()
            .map(|s| match s {
                Seg::Key(k) => Some(k.clone()),
                Seg::Elem => None,
            })
            .collect()
    }
}

/// A variable in scope.
#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    pub name: Str,
    /// Where it is declared (`None` for `$`).
    pub decl: Option<Span>,
    pub sym: Sym,
}

/// `.` and the variables at a point.
#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    pub dot: Sym,
    pub vars: Vec<Var>,
}

impl Scope {
    fn top() -> Scope {
        Scope {
            dot: Sym::root(),
            vars: vec![Var {
                name: Str::from("$"),
                decl: None,
                sym: Sym::root(),
            }],
        }
    }

    /// The innermost variable called `name`.
    pub fn var(&self, name: &str) -> Option<&Var> {
        self.vars.iter().rev().find(|v| &*v.name == name)
    }
}

/// A field chain (`.a.b`, `$x.a`, `$.a`) as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub span: Span,
    /// What the chain starts from: `.` or the variable.
    pub base: Sym,
    /// The variable it starts with: name, token span, declaration.
    pub var: Option<(Str, Span, Option<Span>)>,
    /// Field names and their spans (without the dot).
    pub fields: Vec<(Str, Span)>,
    /// Inside a `default`/`hasKey`/`empty`/`coalesce`/`required` call or
    /// pipeline, an `if`/`with`/`range` condition, or the body of an
    /// `if`/`with` that tests a sibling value.
    pub guarded: bool,
}

impl Chain {
    /// The symbol of the chain up to and including field `i`.
    pub fn sym_through(&self, i: usize) -> Sym {
        self.base
            .join(self.fields.iter().take(i + 1).map(|(k, _)| k))
    }

    /// The symbol of the whole chain.
    pub fn sym(&self) -> Sym {
        self.base.join(self.fields.iter().map(|(k, _)| k))
    }
}

/// What [`walk`] reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Chain(Chain),
    /// A function name in command position.
    Func {
        name: Str,
        span: Span,
    },
    /// A template name: `{{template "x"}}` or `include "x"` (span of the literal).
    Call {
        name: Str,
        span: Span,
    },
    /// A variable declaration.
    Decl(Var),
}

/// Functions whose argument may be missing on purpose.
const GUARDS: &[&str] = &["default", "hasKey", "empty", "coalesce", "required", "dig"];

struct Walker<'a> {
    text: &'a str,
    source: SourceId,
    out: &'a mut Vec<Event>,
    /// Values paths tested by the enclosing `if`/`with` blocks.
    tested: Vec<Vec<Str>>,
}

/// Every event in the trees of one file (its own tree and its defines).
pub fn walk(trees: &[Arc<Tree>]) -> Vec<Event> {
    let mut out = Vec::new();
    for t in trees {
        let mut w = Walker {
            text: &t.source.text,
            source: t.source.id,
            out: &mut out,
            tested: Vec::new(),
        };
        let mut scope = Scope::top();
        w.list(&t.root, &mut scope);
    }
    out
}

impl Walker<'_> {
    fn list(&mut self, list: &List, scope: &mut Scope) {
        let mark = scope.vars.len();
        for node in &list.nodes {
            self.node(node, scope);
        }
        scope.vars.truncate(mark);
    }

    fn node(&mut self, node: &Node, scope: &mut Scope) {
        match node {
            Node::Action(a) => {
                let sym = self.pipe(&a.pipe, scope, false);
                self.declare(&a.pipe, scope, sym, false);
            }
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                let is_with = matches!(node, Node::With(_));
                let is_range = matches!(node, Node::Range(_));
                let sym = self.pipe(&b.pipe, scope, true);
                let mut inner = scope.clone();
                let elem = body_dot(&sym, is_range);
                self.declare(&b.pipe, &mut inner, elem.clone(), is_range);
                if is_with || is_range {
                    inner.dot = elem;
                }
                let tested = self.tested.len();
                if !is_range && let Some(p) = sym.values_path() {
                    self.tested.push(p);
                }
                self.list(&b.list, &mut inner);
                self.tested.truncate(tested);
                if let Some(e) = &b.else_list {
                    let mut outer = scope.clone();
                    self.list(e, &mut outer);
                }
            }
            Node::Template(t) => {
                self.out.push(Event::Call {
                    name: t.name.clone(),
                    span: t.name_span,
                });
                if let Some(p) = &t.pipe {
                    self.pipe(p, scope, false);
                }
            }
            _ => {}
        }
    }

    /// Adds a pipeline's declared variables to `scope`. In `range $i, $v`,
    /// `$v` is the element; in `range $v` too.
    fn declare(&mut self, pipe: &Pipe, scope: &mut Scope, sym: Sym, range: bool) {
        if pipe.is_assign {
            return;
        }
        let n = pipe.decl.len();
        for (i, d) in pipe.decl.iter().enumerate() {
            let sym = if range && n == 2 && i == 0 {
                Sym::Unknown
            } else {
                sym.clone()
            };
            let var = Var {
                name: d.name.clone(),
                decl: Some(d.span),
                sym,
            };
            self.out.push(Event::Decl(var.clone()));
            scope.vars.push(var);
        }
    }

    /// Walks a pipeline; returns what it evaluates to.
    fn pipe(&mut self, pipe: &Pipe, scope: &Scope, guarded: bool) -> Sym {
        let guarded = guarded
            || pipe.cmds.iter().any(|c| {
                matches!(c.args.first(), Some(Arg::Identifier { name, .. }) if GUARDS.contains(&&**name))
            });
        let mut result = Sym::Unknown;
        for (ci, cmd) in pipe.cmds.iter().enumerate() {
            let func = match cmd.args.first() {
                Some(Arg::Identifier { name, .. }) => Some(name.clone()),
                _ => None,
            };
            let cmd_guarded = guarded || func.as_deref().is_some_and(|f| GUARDS.contains(&f));
            let mut last = Sym::Unknown;
            for (ai, arg) in cmd.args.iter().enumerate() {
                last = self.arg(arg, scope, cmd_guarded);
                if ai == 1
                    && matches!(func.as_deref(), Some("include" | "template"))
                    && let Arg::String { value, span, .. } = arg
                {
                    self.out.push(Event::Call {
                        name: value.clone(),
                        span: *span,
                    });
                }
            }
            if ci == 0 {
                result = match func.as_deref() {
                    None if cmd.args.len() == 1 => last,
                    Some("default" | "required") if cmd.args.len() >= 3 => last,
                    _ => Sym::Unknown,
                };
            } else if !matches!(func.as_deref(), Some("default" | "required")) {
                result = Sym::Unknown;
            }
        }
        result
    }

    fn arg(&mut self, arg: &Arg, scope: &Scope, guarded: bool) -> Sym {
        match arg {
            Arg::Field { span, idents, .. } => {
                let c = self.chain(*span, scope.dot.clone(), None, idents, guarded);
                let sym = c.sym();
                self.out.push(Event::Chain(c));
                sym
            }
            Arg::Variable { span, idents, .. } => {
                let Some((name, rest)) = idents.split_first() else {
                    return Sym::Unknown;
                };
                let var = scope.var(name);
                let base = var.map_or(Sym::Unknown, |v| v.sym.clone());
                let name_span = Span::new(
                    self.source,
                    span.start as usize,
                    span.start as usize + name.len(),
                );
                let c = self.chain(
                    *span,
                    base,
                    Some((name.clone(), name_span, var.and_then(|v| v.decl))),
                    rest,
                    guarded,
                );
                let sym = c.sym();
                self.out.push(Event::Chain(c));
                sym
            }
            Arg::Chain { node, .. } => {
                self.arg(node, scope, guarded);
                Sym::Unknown
            }
            Arg::Identifier { name, span } => {
                self.out.push(Event::Func {
                    name: name.clone(),
                    span: *span,
                });
                Sym::Unknown
            }
            Arg::Dot(_) => scope.dot.clone(),
            Arg::Pipe(p) => self.pipe(p, scope, guarded),
            _ => Sym::Unknown,
        }
    }

    /// A chain with the spans of its fields, found in the text after the
    /// base (each field is `.name`).
    fn chain(
        &self,
        span: Span,
        base: Sym,
        var: Option<(Str, Span, Option<Span>)>,
        idents: &[Str],
        guarded: bool,
    ) -> Chain {
        let mut pos = var
            .as_ref()
            .map_or(span.start as usize, |v| v.1.end as usize);
        let mut fields = Vec::new();
        for id in idents {
            let from = self
                .text
                .get(pos..span.end as usize)
                .and_then(|t| t.find(&format!(".{id}")))
                .map_or(pos, |i| pos + i + 1);
            let s = Span::new(self.source, from, from + id.len());
            pos = from + id.len();
            fields.push((id.clone(), s));
        }
        let mut c = Chain {
            span,
            base,
            var,
            fields,
            guarded,
        };
        if !c.guarded
            && let Some(p) = c.sym().values_path()
        {
            // Tested by an enclosing if/with: the same map or a prefix.
            c.guarded = self
                .tested
                .iter()
                .any(|t| p.starts_with(t) || (p.len() > 1 && t.starts_with(&p[..p.len() - 1])));
        }
        c
    }
}

/// The scope at `offset` in a file's trees (the top-level scope when the
/// offset is in no block).
pub fn scope_at(trees: &[Arc<Tree>], offset: usize) -> Scope {
    let main = trees.len().saturating_sub(1);
    for (k, t) in trees.iter().skip(1).chain(trees.first()).enumerate() {
        let span = t.root.span;
        let inside = (span.start as usize) <= offset && offset <= span.end as usize;
        if !inside && k != main {
            continue;
        }
        let mut scope = Scope::top();
        let mut sink = Vec::new();
        let mut w = Walker {
            text: &t.source.text,
            source: t.source.id,
            out: &mut sink,
            tested: Vec::new(),
        };
        scope_in(&mut w, &t.root, &mut scope, offset);
        return scope;
    }
    Scope::top()
}

fn scope_in(w: &mut Walker<'_>, list: &List, scope: &mut Scope, offset: usize) {
    for node in &list.nodes {
        let span = node.span();
        if span.start as usize >= offset {
            break;
        }
        match node {
            Node::Action(a) => {
                let sym = w.pipe(&a.pipe, scope, false);
                w.declare(&a.pipe, scope, sym, false);
            }
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                if (span.end as usize) < offset {
                    continue;
                }
                let is_range = matches!(node, Node::Range(_));
                let sym = w.pipe(&b.pipe, scope, true);
                let inner_list = b.list.span;
                if (inner_list.start as usize) <= offset && offset <= inner_list.end as usize {
                    let elem = body_dot(&sym, is_range);
                    w.declare(&b.pipe, scope, elem.clone(), is_range);
                    if !matches!(node, Node::If(_)) {
                        scope.dot = elem;
                    }
                    scope_in(w, &b.list, scope, offset);
                } else if let Some(e) = &b.else_list {
                    scope_in(w, e, scope, offset);
                }
                return;
            }
            _ => {}
        }
    }
}

/// Parses `text[..cut]` as template `name`, appending `{{end}}`s for blocks
/// left open, so that a file being typed still has a structure up to `cut`.
/// `None` when the text before `cut` has another error.
pub fn parse_tolerant(
    set: &TemplateSet,
    name: &str,
    text: &str,
    cut: usize,
    delims: &Delims,
    source: SourceId,
) -> Option<Vec<Arc<Tree>>> {
    let mut head = text.get(..cut)?.to_string();
    for _ in 0..64 {
        let parsed = set.parse_only(name, &head, delims, source);
        match &parsed.error {
            None => return Some(parsed.trees.into_iter().map(Arc::new).collect()),
            Some(e) if e.message.starts_with("unexpected EOF") => {
                head.push_str(&delims.left);
                head.push_str("end");
                head.push_str(&delims.right);
            }
            Some(_) => return None,
        }
    }
    None
}

/// What `.` is inside a `with` (the pipeline's value) or a `range` (one
/// element of it).
fn body_dot(sym: &Sym, is_range: bool) -> Sym {
    match sym {
        Sym::Path(p) if is_range => {
            let mut p = p.clone();
            p.push(Seg::Elem);
            Sym::Path(p)
        }
        _ if is_range => Sym::Unknown,
        other => other.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::engine::helm_funcs;

    fn trees(text: &str) -> Vec<Arc<Tree>> {
        let set = TemplateSet::new(helm_funcs());
        parse_tolerant(&set, "t", text, text.len(), &Delims::default(), SourceId(1)).unwrap()
    }

    fn keys(s: &Sym) -> String {
        match s {
            Sym::Unknown => "?".into(),
            Sym::Path(p) => p
                .iter()
                .map(|s| match s {
                    Seg::Key(k) => k.to_string(),
                    Seg::Elem => "[]".into(),
                })
                .collect::<Vec<_>>()
                .join("."),
        }
    }

    #[test]
    fn with_and_range_rebind_dot_and_variables() {
        let text = "{{ $r := .Values.a }}{{ with .Values.image }}X{{ range $i, $p := .ports }}Y{{ end }}{{ end }}{{ range .Values.list }}Z";
        let t = trees(text);
        let at = |needle: &str| scope_at(&t, text.find(needle).unwrap());
        assert_eq!(keys(&at("X").dot), "Values.image");
        let y = at("Y");
        assert_eq!(keys(&y.dot), "Values.image.ports.[]");
        assert_eq!(keys(&y.var("$p").unwrap().sym), "Values.image.ports.[]");
        assert_eq!(keys(&y.var("$i").unwrap().sym), "?");
        assert_eq!(keys(&y.var("$r").unwrap().sym), "Values.a");
        assert_eq!(keys(&y.var("$").unwrap().sym), "");
        // An unclosed range at the end still scopes.
        assert_eq!(keys(&at("Z").dot), "Values.list.[]");
    }

    #[test]
    fn chains_report_fields_and_guards() {
        let text = "{{ .Values.a.b }}{{ default 1 .Values.c }}{{ if .Values.d.on }}{{ .Values.d.port }}{{ end }}{{ $.Values.e }}";
        let t = trees(text);
        let chains: Vec<Chain> = walk(&t)
            .into_iter()
            .filter_map(|e| match e {
                Event::Chain(c) => Some(c),
                _ => None,
            })
            .collect();
        let show: Vec<(String, bool)> =
            chains.iter().map(|c| (keys(&c.sym()), c.guarded)).collect();
        assert_eq!(
            show,
            [
                ("Values.a.b".to_string(), false),
                ("Values.c".to_string(), true),
                ("Values.d.on".to_string(), true),
                ("Values.d.port".to_string(), true),
                ("Values.e".to_string(), false),
            ]
        );
        let b = &chains[0].fields[2];
        assert_eq!(&text[b.1.range()], "b");
    }
}
