//! The evaluator: walks a [`Tree`] with Go `text/template` semantics.
//!
//! It mirrors Go's `exec.go` closely, including the places where Go records
//! the "current node" (errors quote it as `at <…>` with its position) and
//! the difference between a nil *interface* value (a map element that is
//! nil or missing: field access on it fails with `nil pointer evaluating
//! interface {}.x`) and "no value" (a nil pipeline result: field access on
//! it yields no value). Values are never deep-copied; dot, variables and
//! arguments share the data by reference count.

// foldhash: these maps are keyed by names, hashed on every lookup;
// SipHash costs more than the rest of a lookup.
use foldhash::HashMap;
use std::sync::Arc;

use crate::source::Span;

use super::ast::{Arg, BranchNode, Command, List, Node, NumberNode, Pipe, TemplateNode, Tree};
use super::builtins::{REFLECT_BUILTINS, TAG_INCLUDE, TAG_TPL};
use super::error::{ExecError, ExecErrorKind};
use super::funcs::{FuncDef, Signature, Ty};
use super::lexer::go_quote;
use super::set::{Host, MissingKey, Rendered, TemplateSet, TplParsed, TraceEntry};
use super::value::{Elem, Map, Str, Value};

type R<T> = Result<T, ExecError>;

/// A value as the evaluator sees it: `iface` is true when its static Go type
/// is `interface{}` (an element of a map or list). A nil with `iface` false
/// is Go's invalid `reflect.Value` ("no value").
#[derive(Clone, Debug)]
pub(crate) struct Val {
    pub v: Value,
    pub iface: bool,
}

impl Val {
    fn concrete(v: Value) -> Val {
        Val { v, iface: false }
    }

    fn iface(v: Value) -> Val {
        Val { v, iface: true }
    }

    fn invalid() -> Val {
        Val {
            v: Value::Nil,
            iface: false,
        }
    }

    fn is_invalid(&self) -> bool {
        self.v.is_nil() && !self.iface
    }
}

/// Control flow out of a list: normal, `{{break}}` or `{{continue}}`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

/// The node Go's `state.at` points to (for error positions and contexts).
#[derive(Clone, Copy)]
enum At<'t> {
    None,
    Node(&'t Node),
    List(&'t List),
    Pipe(&'t Pipe),
    Cmd(&'t Command),
    Arg(&'t Arg),
}

impl At<'_> {
    fn pos_and_text(&self, tree: &Tree) -> Option<(u32, String, Span)> {
        Some(match *self {
            At::None => return None,
            At::Node(n) => {
                let pos = match n {
                    Node::Action(a) => a.pos,
                    Node::If(b) | Node::With(b) | Node::Range(b) => b.pipe.span.start,
                    Node::Template(t) => t.pos,
                    other => other.span().start,
                };
                (pos, n.go_string(tree), n.span())
            }
            At::List(l) => (l.span.start, l.go_string(tree), l.span),
            At::Pipe(p) => (p.span.start, p.to_string(), p.span),
            At::Cmd(c) => (c.span.start, c.to_string(), c.span),
            At::Arg(a) => (a.pos(), a.to_string(), a.span()),
        })
    }
}

/// Per-execution mutable context shared by nested template calls.
struct Ctx<'h> {
    out: String,
    trace: Vec<TraceEntry>,
    total_out: usize,
    steps: u64,
    host: &'h mut dyn Host,
    include_counts: HashMap<Str, usize>,
    /// Outputs of the `include`s run since the current action began, with
    /// their own traces, so the action's output can be attributed to the
    /// nodes inside the included templates (see [`splice_traces`]).
    included: Vec<(Str, Vec<TraceEntry>)>,
    /// Set while executing a `tpl` string: Helm renders it in a fresh
    /// template set (see [`TplScope`]).
    scope: Option<Arc<TplScope>>,
}

/// The template set Helm builds for one `tpl` call: the string parsed under
/// the caller's `Template.Name`, plus every chart file except the one with
/// that name (Helm skips files whose name is already defined).
pub(crate) struct TplScope {
    name: Str,
    parsed: Arc<TplParsed>,
}

pub(crate) fn execute(
    set: &TemplateSet,
    name: &str,
    data: &Value,
    host: &mut dyn Host,
) -> R<Rendered> {
    let Some(tree) = set.templates.get(name).cloned() else {
        return Err(ExecError::new(
            ExecErrorKind::Template,
            format!(
                "template: no template {} associated with template {}",
                go_quote(name),
                go_quote(&set.options.tpl_name)
            ),
            None,
            Arc::from(name),
            None,
        ));
    };
    let mut ctx = Ctx {
        out: String::new(),
        trace: Vec::new(),
        total_out: 0,
        steps: 0,
        host,
        include_counts: HashMap::default(),
        included: Vec::new(),
        scope: None,
    };
    let dot = Val::concrete(data.clone());
    let mut st = State::new(set, &tree, dot.clone(), 0);
    st.walk_list(&mut ctx, &dot, &tree.root)?;
    Ok(Rendered {
        output: ctx.out,
        trace: ctx.trace,
    })
}

struct State<'t> {
    set: &'t TemplateSet,
    tree: &'t Tree,
    vars: Vec<(Str, Val)>,
    depth: usize,
    node: At<'t>,
}

/// `hay.find(needle)`, trying first the places before and at the end of
/// `hay`'s leading white space, where an included line nearly always is
/// (a substring searcher set up per line cost more than the rest).
fn find_near(hay: &str, needle: &str) -> Option<usize> {
    let blank = hay.len() - hay.trim_start_matches([' ', '\t', '\n']).len();
    // White space is ASCII: every offset up to `blank` is a boundary.
    (0..=blank)
        .find(|&at| hay.get(at..).is_some_and(|r| r.starts_with(needle)))
        .or_else(|| hay.find(needle))
}

/// Attributes an action's output `s` (written at `start`, already traced to
/// the action) to the nodes inside the templates it `include`d: each line of
/// an included output found in `s` (in order, possibly re-indented by
/// `indent`/`nindent`) gets the spans of the nodes that wrote it. Text the
/// action added itself keeps the action's span.
fn splice_traces(
    trace: &mut Vec<TraceEntry>,
    start: usize,
    s: &str,
    included: &[(Str, Vec<TraceEntry>)],
) {
    let Some(action) = trace.last().copied() else {
        return;
    };
    let mut spliced = Vec::new();
    let mut cursor = 0;
    for (out, inner) in included {
        let mut line_start = 0;
        for line in out.split_inclusive('\n') {
            let lo = line_start;
            line_start += line.len();
            let body = line.trim_end_matches('\n');
            if body.trim().is_empty() {
                continue;
            }
            let Some(found) = s.get(cursor..).and_then(|rest| find_near(rest, body)) else {
                continue;
            };
            let at = cursor + found;
            // The line break and indentation before the line go with it
            // (a YAML error is often reported at a line's start).
            let gap = &s[cursor..at];
            let lead = at - (gap.len() - gap.trim_end_matches([' ', '\t', '\n']).len());
            // The node covering the line's first byte, then every node
            // starting inside the line.
            let first = inner.partition_point(|e| (e.start as usize) <= lo);
            if let Some(e) = first.checked_sub(1).and_then(|i| inner.get(i)) {
                spliced.push(TraceEntry {
                    start: (start + lead) as u32,
                    span: e.span,
                });
            }
            for e in inner.iter().skip(first) {
                let off = e.start as usize;
                if off >= lo + body.len() {
                    break;
                }
                spliced.push(TraceEntry {
                    start: (start + at + off - lo) as u32,
                    span: e.span,
                });
            }
            cursor = at + body.len();
            // What follows is the action's own until the next included line.
            spliced.push(TraceEntry {
                start: (start + cursor) as u32,
                span: action.span,
            });
        }
    }
    if spliced.is_empty() {
        return;
    }
    let end = start + s.len();
    trace.extend(spliced.into_iter().filter(|e| (e.start as usize) < end));
    // Keep one entry per position (the last one written wins).
    trace.dedup_by(|later, earlier| {
        if later.start == earlier.start {
            earlier.span = later.span;
            true
        } else {
            false
        }
    });
}

fn can_be_nil(ty: Ty) -> bool {
    matches!(ty, Ty::Any | Ty::List | Ty::Map | Ty::StrList)
}

/// The nil Go passes for an untyped `nil` argument: a nil map for a map
/// parameter (reads see no entries, `set` fails with `assignment to entry
/// in nil map`), a nil slice for a slice parameter.
fn zero_of(ty: Ty) -> Value {
    match ty {
        Ty::List => Value::nil_list(),
        Ty::StrList => Value::nil_typed_list(Elem::String),
        Ty::Map => Value::Map(super::value::MapRef::nil()),
        _ => Value::Nil,
    }
}

fn type_matches(v: &Value, ty: Ty) -> bool {
    match ty {
        Ty::Any => true,
        Ty::String => matches!(v, Value::String(_)),
        Ty::Int => matches!(v, Value::Int(_)),
        Ty::Int64 => matches!(v, Value::Int64(_)),
        Ty::Float64 => matches!(v, Value::Float(_)),
        Ty::Bool => matches!(v, Value::Bool(_)),
        // Go assigns only the exact slice/map type: a `[]string` is not an
        // `[]interface{}`, a `map[string]string` not a `map[string]interface{}`.
        Ty::List => matches!(v, Value::List(l) if l.elem() == Elem::Interface),
        Ty::Map => matches!(v, Value::Map(m) if m.elem() == Elem::Interface),
        Ty::StrList => matches!(v, Value::List(l) if l.elem() == Elem::String),
        Ty::Struct(name) => matches!(v, Value::Object(o) if o.type_name() == name),
    }
}

impl<'t> State<'t> {
    fn new(set: &'t TemplateSet, tree: &'t Tree, dot: Val, depth: usize) -> State<'t> {
        State {
            set,
            tree,
            vars: vec![(Arc::from("$"), dot)],
            depth,
            node: At::None,
        }
    }

    fn at(&mut self, at: At<'t>) {
        self.node = at;
    }

    // ---- errors ----------------------------------------------------------

    fn error(&self, kind: ExecErrorKind, msg: String, cause: Option<ExecError>) -> ExecError {
        let name = &self.tree.name;
        match self.node.pos_and_text(self.tree) {
            None => ExecError::new(
                kind,
                format!("template: {name}: {msg}"),
                None,
                name.clone(),
                cause,
            ),
            Some((pos, text, span)) => {
                let (line, col) = self.tree.source.go_line_col(pos);
                ExecError::new(
                    kind,
                    format!(
                        "template: {}:{line}:{col}: executing {} at <{text}>: {msg}",
                        self.tree.parse_name,
                        go_quote(name)
                    ),
                    Some(span),
                    name.clone(),
                    cause,
                )
            }
        }
    }

    fn errorf(&self, msg: String) -> ExecError {
        self.error(ExecErrorKind::Template, msg, None)
    }

    fn step(&self, ctx: &mut Ctx<'_>) -> R<()> {
        ctx.steps += 1;
        if ctx.steps > self.set.options.max_steps {
            return Err(self.error(
                ExecErrorKind::Budget,
                format!(
                    "execution step budget exceeded ({} steps)",
                    self.set.options.max_steps
                ),
                None,
            ));
        }
        Ok(())
    }

    fn emit(&self, ctx: &mut Ctx<'_>, s: &str, span: Span) -> R<()> {
        if s.is_empty() {
            return Ok(());
        }
        ctx.total_out += s.len();
        if ctx.total_out > self.set.options.max_output {
            return Err(self.error(
                ExecErrorKind::Budget,
                format!(
                    "output size limit exceeded ({} bytes)",
                    self.set.options.max_output
                ),
                None,
            ));
        }
        ctx.trace.push(TraceEntry {
            start: ctx.out.len() as u32,
            span,
        });
        ctx.out.push_str(s);
        Ok(())
    }

    // ---- statements ------------------------------------------------------

    fn walk_list(&mut self, ctx: &mut Ctx<'_>, dot: &Val, list: &'t List) -> R<Flow> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            self.walk_list_inner(ctx, dot, list)
        })
    }

    fn walk_list_inner(&mut self, ctx: &mut Ctx<'_>, dot: &Val, list: &'t List) -> R<Flow> {
        self.at(At::List(list));
        for node in &list.nodes {
            let flow = self.walk_node(ctx, dot, node)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn walk_node(&mut self, ctx: &mut Ctx<'_>, dot: &Val, node: &'t Node) -> R<Flow> {
        self.step(ctx)?;
        self.at(At::Node(node));
        match node {
            Node::Action(a) => {
                ctx.included.clear();
                let v = self.eval_pipeline(ctx, dot, &a.pipe)?;
                if a.pipe.decl.is_empty() {
                    self.at(At::Node(node));
                    match &v.v {
                        Value::Nil => self.emit(ctx, "<no value>", a.span)?,
                        Value::String(s) if !ctx.included.is_empty() => {
                            let included = std::mem::take(&mut ctx.included);
                            let start = ctx.out.len();
                            self.emit(ctx, s, a.span)?;
                            splice_traces(&mut ctx.trace, start, s, &included);
                        }
                        Value::String(s) => self.emit(ctx, s, a.span)?,
                        other => {
                            // Go would recurse until its stack runs out.
                            if let Err(e) = other.check_acyclic() {
                                return Err(self.errorf(e.to_string()));
                            }
                            let s = other.to_go_string();
                            self.emit(ctx, &s, a.span)?;
                        }
                    }
                }
            }
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
            Node::Comment(_) => {}
            Node::If(b) => return self.walk_if_with(ctx, false, dot, b),
            Node::With(b) => return self.walk_if_with(ctx, true, dot, b),
            Node::Range(b) => return self.walk_range(ctx, dot, node, b),
            Node::Template(t) => self.walk_template(ctx, dot, t)?,
            Node::Text(t) => self.emit(ctx, self.tree.text_of(t), t.span)?,
        }
        Ok(Flow::Normal)
    }

    fn walk_if_with(
        &mut self,
        ctx: &mut Ctx<'_>,
        with: bool,
        dot: &Val,
        b: &'t BranchNode,
    ) -> R<Flow> {
        let mark = self.vars.len();
        let val = self.eval_pipeline(ctx, dot, &b.pipe)?;
        let r = if val.v.is_truthy() {
            if with {
                self.walk_list(ctx, &val, &b.list)
            } else {
                self.walk_list(ctx, dot, &b.list)
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(ctx, dot, e)
        } else {
            Ok(Flow::Normal)
        };
        self.vars.truncate(mark);
        r
    }

    fn range_once(
        &mut self,
        ctx: &mut Ctx<'_>,
        b: &'t BranchNode,
        body_mark: usize,
        index: Val,
        elem: Val,
    ) -> R<Flow> {
        let ndecl = b.pipe.decl.len();
        if ndecl > 0
            && let Some(slot) = self.vars.get_mut(body_mark.wrapping_sub(1))
        {
            slot.1 = elem.clone();
        }
        if ndecl > 1
            && let Some(slot) = self.vars.get_mut(body_mark.wrapping_sub(2))
        {
            slot.1 = index;
        }
        let r = self.walk_list(ctx, &elem, &b.list);
        self.vars.truncate(body_mark);
        r
    }

    fn walk_range(
        &mut self,
        ctx: &mut Ctx<'_>,
        dot: &Val,
        node: &'t Node,
        b: &'t BranchNode,
    ) -> R<Flow> {
        self.at(At::Node(node));
        let mark = self.vars.len();
        let val = self.eval_pipeline(ctx, dot, &b.pipe)?;
        let body_mark = self.vars.len();
        let mut ran = false;
        match &val.v {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    ran = true;
                    let flow = self.range_once(
                        ctx,
                        b,
                        body_mark,
                        Val::concrete(Value::Int(i as i64)),
                        Val::iface(item.clone()),
                    )?;
                    if flow == Flow::Break {
                        break;
                    }
                }
            }
            Value::Bytes(bytes) => {
                for (i, item) in bytes.iter().enumerate() {
                    ran = true;
                    let flow = self.range_once(
                        ctx,
                        b,
                        body_mark,
                        Val::concrete(Value::Int(i as i64)),
                        Val::concrete(Value::Int(*item as i64)),
                    )?;
                    if flow == Flow::Break {
                        break;
                    }
                }
            }
            Value::Map(m) => {
                // Go's range sorts a snapshot of the entries first, so the
                // body may change the map (and no lock is held meanwhile).
                for (k, item) in m.entries() {
                    ran = true;
                    let flow = self.range_once(
                        ctx,
                        b,
                        body_mark,
                        Val::concrete(Value::String(k)),
                        Val::iface(item),
                    )?;
                    if flow == Flow::Break {
                        break;
                    }
                }
            }
            Value::Int(n) | Value::Int64(n) => {
                if b.pipe.decl.len() > 1 {
                    let e = self.errorf(format!(
                        "can't use {n} to iterate over more than one variable"
                    ));
                    self.vars.truncate(mark);
                    return Err(e);
                }
                let is64 = matches!(val.v, Value::Int64(_));
                for i in 0..*n {
                    ran = true;
                    let v = if is64 { Value::Int64(i) } else { Value::Int(i) };
                    let flow = self.range_once(
                        ctx,
                        b,
                        body_mark,
                        Val::concrete(v.clone()),
                        Val::concrete(v),
                    )?;
                    if flow == Flow::Break {
                        break;
                    }
                }
            }
            Value::Object(o) if o.map_entries().is_some() => {
                let m = o.map_entries().unwrap_or_default();
                for (k, item) in m.iter() {
                    ran = true;
                    let flow = self.range_once(
                        ctx,
                        b,
                        body_mark,
                        Val::concrete(Value::String(k.clone())),
                        Val::concrete(item.clone()),
                    )?;
                    if flow == Flow::Break {
                        break;
                    }
                }
            }
            Value::Nil => {}
            other => {
                let e = self.errorf(format!("range can't iterate over {}", other.to_go_string()));
                self.vars.truncate(mark);
                return Err(e);
            }
        }
        let r = if !ran && let Some(e) = &b.else_list {
            self.walk_list(ctx, dot, e).map(|_| Flow::Normal)
        } else {
            Ok(Flow::Normal)
        };
        self.vars.truncate(mark);
        r
    }

    fn lookup(&self, ctx: &Ctx<'_>, name: &str) -> Option<Arc<Tree>> {
        let Some(scope) = &ctx.scope else {
            return self.set.templates.get(name).cloned();
        };
        if *scope.name == *name {
            return Some(scope.parsed.main.clone());
        }
        // Replay Helm's parse order: the tpl string's defines first, then
        // every other file's definitions (an empty one never replaces).
        let mut cur = scope.parsed.defines.get(name).cloned();
        if let Some(history) = self.set.history.get(name) {
            for t in history {
                if t.parse_name == scope.name {
                    continue;
                }
                if let Some(c) = &cur
                    && t.is_empty()
                    && !c.is_empty()
                {
                    continue;
                }
                cur = Some(t.clone());
            }
        }
        cur
    }

    fn walk_template(&mut self, ctx: &mut Ctx<'_>, dot: &Val, t: &'t TemplateNode) -> R<()> {
        let Some(tree) = self.lookup(ctx, &t.name) else {
            return Err(self.errorf(format!("template {} not defined", go_quote(&t.name))));
        };
        if self.depth >= self.set.options.max_template_depth {
            return Err(self.errorf(format!(
                "exceeded maximum template depth ({})",
                self.set.options.max_template_depth
            )));
        }
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(ctx, dot, p)?,
            None => Val::invalid(),
        };
        let set = self.set;
        let depth = self.depth + 1;
        stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || {
            let mut st = State::new(set, &tree, new_dot.clone(), depth);
            st.walk_list(ctx, &new_dot, &tree.root).map(|_| ())
        })
    }

    // ---- pipelines -------------------------------------------------------

    fn eval_pipeline(&mut self, ctx: &mut Ctx<'_>, dot: &Val, pipe: &'t Pipe) -> R<Val> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            self.eval_pipeline_inner(ctx, dot, pipe)
        })
    }

    fn eval_pipeline_inner(&mut self, ctx: &mut Ctx<'_>, dot: &Val, pipe: &'t Pipe) -> R<Val> {
        self.at(At::Pipe(pipe));
        let mut value: Option<Val> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(ctx, dot, cmd, value.take())?;
            // Go digs one level into interface{} results ("lovely!").
            value = Some(Val::concrete(v.v));
        }
        let value = value.unwrap_or_else(Val::invalid);
        for d in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&d.name, value.clone())?;
            } else {
                self.vars.push((d.name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn set_var(&mut self, name: &str, value: Val) -> R<()> {
        for slot in self.vars.iter_mut().rev() {
            if &*slot.0 == name {
                slot.1 = value;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn var_value(&self, name: &str) -> R<Val> {
        for slot in self.vars.iter().rev() {
            if &*slot.0 == name {
                return Ok(slot.1.clone());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn not_a_function(&self, args: &[Arg], final_: &Option<Val>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            let first = args.first().map(|a| a.to_string()).unwrap_or_default();
            return Err(self.errorf(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        ctx: &mut Ctx<'_>,
        dot: &Val,
        cmd: &'t Command,
        final_: Option<Val>,
    ) -> R<Val> {
        self.step(ctx)?;
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf("empty command".into()));
        };
        match first {
            Arg::Field { idents, .. } => {
                self.at(At::Arg(first));
                return self.eval_field_chain(
                    ctx,
                    dot,
                    dot.clone(),
                    first,
                    idents,
                    &cmd.args,
                    final_,
                );
            }
            Arg::Chain { .. } => return self.eval_chain_node(ctx, dot, first, &cmd.args, final_),
            Arg::Identifier { name, .. } => {
                return self.eval_function(ctx, dot, first, name, At::Cmd(cmd), &cmd.args, final_);
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &final_)?;
                return self.eval_pipeline(ctx, dot, p);
            }
            Arg::Variable { .. } => {
                return self.eval_variable_node(ctx, dot, first, &cmd.args, final_);
            }
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, &final_)?;
        match first {
            Arg::Bool(_, b) => Ok(Val::concrete(Value::Bool(*b))),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => Err(self.errorf("nil is not a command".into())),
            Arg::Number(n) => self.ideal_constant(first, n),
            Arg::String { value, .. } => Ok(Val::concrete(Value::String(value.clone()))),
            other => Err(self.errorf(format!(
                "can't evaluate command {}",
                go_quote(&other.to_string())
            ))),
        }
    }

    fn ideal_constant(&mut self, arg: &'t Arg, n: &NumberNode) -> R<Val> {
        self.at(At::Arg(arg));
        if n.is_float_literal() {
            return Ok(Val::concrete(Value::Float(n.float)));
        }
        if n.is_int {
            return Ok(Val::concrete(Value::Int(n.int)));
        }
        if n.is_uint {
            return Err(self.errorf(format!("{} overflows int", n.text)));
        }
        Ok(Val::invalid())
    }

    fn eval_chain_node(
        &mut self,
        ctx: &mut Ctx<'_>,
        dot: &Val,
        chain: &'t Arg,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        self.at(At::Arg(chain));
        let Arg::Chain { node, fields, .. } = chain else {
            return Err(self.errorf("internal error: not a chain".into()));
        };
        if fields.is_empty() {
            return Err(self.errorf("internal error: no fields in evalChainNode".into()));
        }
        if let Arg::Nil(_) = **node {
            return Err(self.errorf(format!("indirection through explicit nil in {chain}")));
        }
        let recv = self.eval_arg_untyped(ctx, dot, node)?;
        self.eval_field_chain(ctx, dot, recv, chain, fields, args, final_)
    }

    fn eval_variable_node(
        &mut self,
        ctx: &mut Ctx<'_>,
        dot: &Val,
        var: &'t Arg,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        self.at(At::Arg(var));
        let Arg::Variable { idents, .. } = var else {
            return Err(self.errorf("internal error: not a variable".into()));
        };
        let Some(name) = idents.first() else {
            return Err(self.errorf("internal error: empty variable".into()));
        };
        let value = self.var_value(name)?;
        if idents.len() == 1 {
            self.not_a_function(args, &final_)?;
            return Ok(value);
        }
        self.eval_field_chain(ctx, dot, value, var, &idents[1..], args, final_)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain(
        &mut self,
        ctx: &mut Ctx<'_>,
        dot: &Val,
        receiver: Val,
        node: &'t Arg,
        idents: &'t [Str],
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        let n = idents.len();
        let mut r = receiver;
        for id in &idents[..n.saturating_sub(1)] {
            r = self.eval_field(ctx, dot, id, node, &[], None, r)?;
        }
        match idents.last() {
            Some(last) => self.eval_field(ctx, dot, last, node, args, final_, r),
            None => Ok(r),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field(
        &mut self,
        ctx: &mut Ctx<'_>,
        dot: &Val,
        name: &str,
        node: &'t Arg,
        args: &'t [Arg],
        final_: Option<Val>,
        receiver: Val,
    ) -> R<Val> {
        if receiver.is_invalid() {
            if self.set.options.missing_key == MissingKey::Error {
                return Err(self.errorf(format!("nil data; no entry for key {}", go_quote(name))));
            }
            return Ok(Val::invalid());
        }
        if receiver.v.is_nil() {
            return Err(self.errorf(format!("nil pointer evaluating interface {{}}.{name}")));
        }
        let has_args = args.len() > 1 || final_.is_some();
        match &receiver.v {
            Value::Object(o) => {
                if let Some(v) = o.field(name) {
                    // Go structs cannot have a field and a method of one name.
                    if has_args {
                        return Err(self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(Val::concrete(v));
                }
                // A method: arguments converted to its signature when the
                // object declares one, else passed as interface{} values.
                let call_args = args.get(1..).unwrap_or(&[]);
                let num_in = call_args.len() + usize::from(final_.is_some());
                let sig = o.method_signature(name);
                if let Some(sig) = sig {
                    self.check_arity(name, sig, call_args.len(), num_in)?;
                }
                let param = |i: usize| -> Ty {
                    sig.and_then(|s| s.params.get(i).copied().or(s.variadic))
                        .unwrap_or(Ty::Any)
                };
                let mut argv = Vec::with_capacity(num_in);
                for (i, a) in call_args.iter().enumerate() {
                    argv.push(self.eval_arg(ctx, dot, param(i), a)?);
                }
                if let Some(f) = final_ {
                    argv.push(self.validate(f, param(num_in - 1))?);
                }
                match o.call_method(name, &argv) {
                    Some(Ok(v)) => Ok(Val::concrete(v)),
                    Some(Err(e)) => {
                        self.at(At::Arg(node));
                        Err(self.error(
                            ExecErrorKind::Function,
                            format!("error calling {name}: {e}"),
                            None,
                        ))
                    }
                    None if !has_args && o.map_entries().is_some() => {
                        // A Go map type with methods (`.Files`): the field
                        // name is a key; a missing key is the element's zero.
                        let m = o.map_entries().unwrap_or_default();
                        Ok(Val::concrete(
                            m.get(name)
                                .cloned()
                                .unwrap_or_else(|| Value::Bytes(Arc::from(&[][..]))),
                        ))
                    }
                    None => {
                        if o.field(name).is_some() {
                            Err(self.errorf(format!(
                                "{name} has arguments but cannot be invoked as function"
                            )))
                        } else {
                            let ty = if receiver.iface {
                                "interface {}".to_string()
                            } else {
                                o.type_name().to_string()
                            };
                            Err(self.errorf(format!("can't evaluate field {name} in type {ty}")))
                        }
                    }
                }
            }
            Value::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                match m.get(name) {
                    Some(v) => Ok(Val::iface(v)),
                    None => match self.set.options.missing_key {
                        MissingKey::Invalid => Ok(Val::invalid()),
                        MissingKey::Zero => Ok(Val::iface(Value::Nil)),
                        MissingKey::Error => {
                            Err(self.errorf(format!("map has no entry for key {}", go_quote(name))))
                        }
                    },
                }
            }
            other => {
                let ty = if receiver.iface {
                    "interface {}"
                } else {
                    other.type_name()
                };
                Err(self.errorf(format!("can't evaluate field {name} in type {ty}")))
            }
        }
    }

    // ---- arguments -------------------------------------------------------

    /// Go's `validateType`.
    fn validate(&self, v: Val, ty: Ty) -> R<Value> {
        if v.v.is_nil() {
            if !v.iface {
                if can_be_nil(ty) {
                    return Ok(zero_of(ty));
                }
                return Err(self.errorf(format!("invalid value; expected {}", ty.go_name())));
            }
            if ty == Ty::Any {
                return Ok(Value::Nil);
            }
            return Err(self.errorf(format!(
                "wrong type for value; expected {}; got interface {{}}",
                ty.go_name()
            )));
        }
        if type_matches(&v.v, ty) {
            return Ok(v.v);
        }
        Err(self.errorf(format!(
            "wrong type for value; expected {}; got {}",
            ty.go_name(),
            v.v.type_name()
        )))
    }

    /// Go's `evalArg` with a nil type (chain receivers).
    fn eval_arg_untyped(&mut self, ctx: &mut Ctx<'_>, dot: &Val, arg: &'t Arg) -> R<Val> {
        self.at(At::Arg(arg));
        match arg {
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Field { idents, .. } => self.eval_field_chain(
                ctx,
                dot,
                dot.clone(),
                arg,
                idents,
                std::slice::from_ref(arg),
                None,
            ),
            Arg::Variable { .. } => self.eval_variable_node(ctx, dot, arg, &[], None),
            Arg::Pipe(p) => self.eval_pipeline(ctx, dot, p),
            Arg::Identifier { name, .. } => self.eval_function(
                ctx,
                dot,
                arg,
                name,
                At::Arg(arg),
                std::slice::from_ref(arg),
                None,
            ),
            Arg::Chain { .. } => self.eval_chain_node(ctx, dot, arg, &[], None),
            other => self.eval_literal_any(other),
        }
    }

    /// Go's `evalArg` with `reflect.Value` as the parameter type: keeps
    /// typed nils and "no value" apart.
    fn eval_arg_reflect(&mut self, ctx: &mut Ctx<'_>, dot: &Val, arg: &'t Arg) -> R<Val> {
        match arg {
            Arg::Nil(_) => {
                self.at(At::Arg(arg));
                Ok(Val::invalid())
            }
            _ => self.eval_arg_untyped(ctx, dot, arg),
        }
    }

    fn eval_literal_any(&mut self, arg: &'t Arg) -> R<Val> {
        self.at(At::Arg(arg));
        match arg {
            Arg::Bool(_, b) => Ok(Val::concrete(Value::Bool(*b))),
            Arg::Number(n) => self.ideal_constant(arg, n),
            Arg::String { value, .. } => Ok(Val::concrete(Value::String(value.clone()))),
            Arg::Nil(_) => Err(self.errorf("evalEmptyInterface: nil (can't happen)".into())),
            other => Err(self.errorf(format!(
                "can't handle {other} for arg of type interface {{}}"
            ))),
        }
    }

    /// Go's `evalArg` for a declared parameter type.
    fn eval_arg(&mut self, ctx: &mut Ctx<'_>, dot: &Val, ty: Ty, arg: &'t Arg) -> R<Value> {
        self.at(At::Arg(arg));
        match arg {
            Arg::Dot(_) => return self.validate(dot.clone(), ty),
            Arg::Nil(_) => {
                if can_be_nil(ty) {
                    return Ok(zero_of(ty));
                }
                return Err(self.errorf(format!("cannot assign nil to {}", ty.go_name())));
            }
            Arg::Field { .. }
            | Arg::Variable { .. }
            | Arg::Pipe(_)
            | Arg::Identifier { .. }
            | Arg::Chain { .. } => {
                let v = self.eval_arg_untyped(ctx, dot, arg)?;
                return self.validate(v, ty);
            }
            _ => {}
        }
        match ty {
            Ty::Bool => match arg {
                Arg::Bool(_, b) => Ok(Value::Bool(*b)),
                _ => Err(self.errorf(format!("expected bool; found {arg}"))),
            },
            Ty::Int | Ty::Int64 => match arg {
                Arg::Number(n) if n.is_int => Ok(if ty == Ty::Int {
                    Value::Int(n.int)
                } else {
                    Value::Int64(n.int)
                }),
                _ => Err(self.errorf(format!("expected integer; found {arg}"))),
            },
            Ty::Float64 => match arg {
                Arg::Number(n) if n.is_float => Ok(Value::Float(n.float)),
                _ => Err(self.errorf(format!("expected float; found {arg}"))),
            },
            Ty::String => match arg {
                Arg::String { value, .. } => Ok(Value::String(value.clone())),
                _ => Err(self.errorf(format!("expected string; found {arg}"))),
            },
            Ty::Any => Ok(self.eval_literal_any(arg)?.v),
            Ty::List | Ty::Map | Ty::StrList | Ty::Struct(_) => Err(self.errorf(format!(
                "can't handle {arg} for arg of type {}",
                ty.go_name()
            ))),
        }
    }

    // ---- calls -----------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn eval_function(
        &mut self,
        ctx: &mut Ctx<'_>,
        dot: &Val,
        ident: &'t Arg,
        name: &str,
        call_node: At<'t>,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        self.at(At::Arg(ident));
        let set = self.set;
        let Some(def) = set.funcs.get(name) else {
            return Err(self.errorf(format!("{} is not a defined function", go_quote(name))));
        };
        self.eval_call(ctx, dot, def, call_node, name, args, final_)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_call(
        &mut self,
        ctx: &mut Ctx<'_>,
        dot: &Val,
        def: &'t FuncDef,
        call_node: At<'t>,
        name: &str,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        let args = args.get(1..).unwrap_or(&[]);
        let sig = match def {
            FuncDef::Native { sig, .. } | FuncDef::Engine { sig, .. } => *sig,
        };
        let num_in = args.len() + usize::from(final_.is_some());
        self.check_arity(name, sig, args.len(), num_in)?;
        if let FuncDef::Engine { tag, .. } = def
            && REFLECT_BUILTINS.contains(tag)
        {
            return self.call_reflect_builtin(ctx, dot, tag, call_node, name, args, final_);
        }
        // Typed arguments.
        let mut argv: Vec<Value> = Vec::with_capacity(num_in);
        for (i, a) in args.iter().enumerate() {
            let ty = sig
                .params
                .get(i)
                .copied()
                .or(sig.variadic)
                .unwrap_or(Ty::Any);
            if let FuncDef::Engine { tag, .. } = def
                && *tag == TAG_TPL
                && i == 1
            {
                // tpl's second parameter is a chartutil.Values.
                argv.push(self.eval_values_arg(ctx, dot, a)?);
                continue;
            }
            argv.push(self.eval_arg(ctx, dot, ty, a)?);
        }
        if let Some(f) = final_ {
            let idx = num_in - 1;
            let ty = sig
                .params
                .get(idx)
                .copied()
                .or(sig.variadic)
                .unwrap_or(Ty::Any);
            if let FuncDef::Engine { tag, .. } = def
                && *tag == TAG_TPL
                && idx == 1
            {
                argv.push(self.validate_values(f)?);
            } else {
                argv.push(self.validate(f, ty)?);
            }
        }
        let result = match def {
            FuncDef::Native { f, .. } => f(&argv).map_err(|e| (e.message, None)),
            FuncDef::Engine { tag, .. } => match *tag {
                TAG_INCLUDE => self.call_include(ctx, &argv),
                TAG_TPL => self.call_tpl(ctx, &argv),
                other => ctx
                    .host
                    .call(name, other, &argv)
                    .map_err(|e| (e.message, None)),
            },
        };
        match result {
            Ok(v) => Ok(Val::concrete(v)),
            Err((msg, cause)) => {
                self.at(call_node);
                Err(self.error(
                    ExecErrorKind::Function,
                    format!("error calling {name}: {msg}"),
                    cause,
                ))
            }
        }
    }

    /// `evalArg` for a `chartutil.Values` parameter (a Go map type).
    fn eval_values_arg(&mut self, ctx: &mut Ctx<'_>, dot: &Val, a: &'t Arg) -> R<Value> {
        self.at(At::Arg(a));
        match a {
            Arg::Nil(_) => Ok(Value::Nil),
            Arg::Bool(..) | Arg::Number(_) | Arg::String { .. } => {
                Err(self.errorf(format!("can't handle {a} for arg of type chartutil.Values")))
            }
            _ => {
                let v = self.eval_arg_untyped(ctx, dot, a)?;
                self.validate_values(v)
            }
        }
    }

    fn check_arity(&self, name: &str, sig: Signature, nargs: usize, num_in: usize) -> R<()> {
        if sig.variadic.is_some() {
            if num_in < sig.params.len() {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {nargs}",
                    sig.params.len()
                )));
            }
        } else if num_in != sig.params.len() {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {} got {num_in}",
                sig.params.len()
            )));
        }
        Ok(())
    }

    fn validate_values(&self, v: Val) -> R<Value> {
        if v.is_invalid() {
            return Ok(Value::Nil);
        }
        match &v.v {
            Value::Map(_) => Ok(v.v),
            Value::Nil => Err(self.errorf(
                "wrong type for value; expected chartutil.Values; got interface {}".into(),
            )),
            other => Err(self.errorf(format!(
                "wrong type for value; expected chartutil.Values; got {}",
                other.type_name()
            ))),
        }
    }

    // ---- include / tpl ---------------------------------------------------

    /// Runs a template for `include`/`tpl`: its output, and its trace
    /// (positions relative to that output).
    fn run_nested(
        &self,
        ctx: &mut Ctx<'_>,
        tree: &Tree,
        data: Val,
    ) -> Result<(String, Vec<TraceEntry>), ExecError> {
        let saved_out = std::mem::take(&mut ctx.out);
        let saved_trace = std::mem::take(&mut ctx.trace);
        let saved_included = std::mem::take(&mut ctx.included);
        let set = self.set;
        let r = stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || {
            let mut st = State::new(set, tree, data.clone(), 0);
            st.walk_list(ctx, &data, &tree.root).map(|_| ())
        });
        let out = std::mem::replace(&mut ctx.out, saved_out);
        let trace = std::mem::replace(&mut ctx.trace, saved_trace);
        ctx.included = saved_included;
        r.map(|_| (out, trace))
    }

    fn call_include(
        &self,
        ctx: &mut Ctx<'_>,
        argv: &[Value],
    ) -> Result<Value, (String, Option<ExecError>)> {
        let name = argv.first().and_then(Value::as_str).unwrap_or("");
        let data = argv.get(1).cloned().unwrap_or(Value::Nil);
        let key: Str = Arc::from(name);
        let max = self.set.options.max_include_depth;
        let count = ctx.include_counts.entry(key.clone()).or_insert(0);
        if *count > max {
            return Err((
                format!(
                    "rendering template has a nested reference name: {name}: unable to execute template"
                ),
                None,
            ));
        }
        *count += 1;
        let r = match self.lookup(ctx, name) {
            None => Err((
                format!(
                    "template: no template {} associated with template {}",
                    go_quote(name),
                    go_quote(&self.set.options.tpl_name)
                ),
                None,
            )),
            Some(tree) => self
                .run_nested(ctx, &tree, Val::concrete(data))
                .map(|(out, trace)| {
                    let out: Str = Arc::from(out);
                    if !out.is_empty() {
                        ctx.included.push((out.clone(), trace));
                    }
                    Value::String(out)
                })
                .map_err(|e| (e.message().to_string(), Some(e))),
        };
        if let Some(c) = ctx.include_counts.get_mut(&key) {
            *c = c.saturating_sub(1);
        }
        r
    }

    fn call_tpl(
        &self,
        ctx: &mut Ctx<'_>,
        argv: &[Value],
    ) -> Result<Value, (String, Option<ExecError>)> {
        let text = argv.first().and_then(Value::as_str).unwrap_or("");
        let vals = argv.get(1).cloned().unwrap_or(Value::Nil);
        // Helm reads the caller's name and base path from the values.
        let template = vals.get("Template");
        let path_value = |key: &str| -> Option<Value> {
            match template.as_ref().and_then(|t| t.get(key)) {
                Some(Value::Map(_)) | None => None,
                Some(v) => Some(v),
            }
        };
        if path_value("BasePath").is_none() {
            return Err((
                format!(
                    "cannot retrieve Template.Basepath from values inside tpl function: {text}: \"BasePath\" is not a value"
                ),
                None,
            ));
        }
        let name = match path_value("Name") {
            None => {
                return Err((
                    format!(
                        "cannot retrieve Template.Name from values inside tpl function: {text}: \"Name\" is not a value"
                    ),
                    None,
                ));
            }
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err((
                    format!(
                        "interface conversion: interface {{}} is {}, not string",
                        other.type_name()
                    ),
                    None,
                ));
            }
        };
        let delims = self.tree.source.delims.clone();
        let parsed = match self.set.parse_tpl(text, &name, &delims) {
            Ok(p) => p,
            Err(e) => {
                return Err((
                    format!(
                        "error during tpl function execution for {}: {}",
                        go_quote(text),
                        helm_parse_error(&name, &e.to_string())
                    ),
                    None,
                ));
            }
        };
        let scope = Arc::new(TplScope {
            name: name.clone(),
            parsed: parsed.clone(),
        });
        let saved_scope = ctx.scope.replace(scope);
        let saved_counts = std::mem::take(&mut ctx.include_counts);
        let r = self.run_nested(ctx, &parsed.main, Val::concrete(vals));
        ctx.include_counts = saved_counts;
        ctx.scope = saved_scope;
        match r {
            Ok((out, _)) => Ok(Value::from_string(out.replace("<no value>", ""))),
            Err(e) => Err((
                format!(
                    "error during tpl function execution for {}: {}",
                    go_quote(text),
                    helm_exec_error(e.message())
                ),
                Some(e),
            )),
        }
    }

    // ---- reflect builtins -------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn call_reflect_builtin(
        &mut self,
        ctx: &mut Ctx<'_>,
        dot: &Val,
        tag: &str,
        call_node: At<'t>,
        name: &str,
        args: &'t [Arg],
        final_: Option<Val>,
    ) -> R<Val> {
        if tag == "and" || tag == "or" {
            let is_or = tag == "or";
            let mut last = Val::invalid();
            for a in args {
                let v = self.eval_arg_reflect(ctx, dot, a)?;
                if v.v.is_truthy() == is_or {
                    return Ok(v);
                }
                last = v;
            }
            if let Some(f) = final_ {
                last = f;
            }
            return Ok(last);
        }
        let mut argv: Vec<Val> = Vec::with_capacity(args.len() + 1);
        for a in args {
            argv.push(self.eval_arg_reflect(ctx, dot, a)?);
        }
        if let Some(f) = final_ {
            argv.push(f);
        }
        let r = match tag {
            "not" => Ok(Val::concrete(Value::Bool(
                !argv.first().is_some_and(|v| v.v.is_truthy()),
            ))),
            "len" => builtin_len(&argv),
            "index" => builtin_index(&argv),
            "slice" => builtin_slice(&argv),
            "eq" => builtin_eq(&argv).map(|b| Val::concrete(Value::Bool(b))),
            "ne" => builtin_eq(&argv).map(|b| Val::concrete(Value::Bool(!b))),
            "lt" => cmp2(&argv, lt).map(|b| Val::concrete(Value::Bool(b))),
            "le" => cmp2(&argv, le).map(|b| Val::concrete(Value::Bool(b))),
            "gt" => cmp2(&argv, le).map(|b| Val::concrete(Value::Bool(!b))),
            "ge" => cmp2(&argv, lt).map(|b| Val::concrete(Value::Bool(!b))),
            "call" => Err(match argv.first() {
                Some(v) if !v.v.is_nil() => format!("non-function of type {}", v.v.type_name()),
                _ => "call of nil".to_string(),
            }),
            other => Err(format!("unknown builtin {other}")),
        };
        match r {
            Ok(v) => Ok(v),
            Err(msg) => {
                self.at(call_node);
                Err(self.error(
                    ExecErrorKind::Function,
                    format!("error calling {name}: {msg}"),
                    None,
                ))
            }
        }
    }
}

// ---- builtin implementations --------------------------------------------------

const ZERO_VALUE_TYPE: &str = "reflect: call of reflect.Value.Type on zero Value";

fn builtin_len(argv: &[Val]) -> Result<Val, String> {
    let Some(item) = argv.first() else {
        return Err(ZERO_VALUE_TYPE.into());
    };
    if item.is_invalid() {
        return Err(ZERO_VALUE_TYPE.into());
    }
    let n = match &item.v {
        Value::Nil => return Err("len of nil pointer".into()),
        Value::String(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.len(),
        Value::Map(m) => m.len(),
        Value::Object(o) if o.map_entries().is_some() => {
            o.map_entries().map(|m| m.len()).unwrap_or(0)
        }
        other => return Err(format!("len of type {}", other.type_name())),
    };
    Ok(Val::concrete(Value::Int(n as i64)))
}

/// Go's `indexArg`.
fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x = match index {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Nil => return Err("cannot index slice/array with nil".into()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ));
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn builtin_index(argv: &[Val]) -> Result<Val, String> {
    let Some(first) = argv.first() else {
        return Err("index of untyped nil".into());
    };
    if first.v.is_nil() {
        return Err("index of untyped nil".into());
    }
    let mut item = first.clone();
    for index in &argv[1..] {
        if item.v.is_nil() {
            return Err("index of nil pointer".into());
        }
        item = match &item.v {
            Value::List(l) => {
                let x = index_arg(&index.v, l.len())?;
                match l.get(x) {
                    Some(v) => Val::iface(v.clone()),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(&index.v, b.len())?;
                match b.get(x) {
                    Some(v) => Val::concrete(Value::Int(*v as i64)),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::String(s) => {
                let x = index_arg(&index.v, s.len())?;
                match s.as_bytes().get(x) {
                    Some(v) => Val::concrete(Value::Int(*v as i64)),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(m) => match &index.v {
                Value::String(k) => match m.get(k) {
                    Some(v) => Val::iface(v),
                    None => Val::iface(Value::Nil),
                },
                Value::Nil => return Err("value is nil; should be of type string".into()),
                other => {
                    return Err(format!(
                        "value has type {}; should be string",
                        other.type_name()
                    ));
                }
            },
            Value::Object(o) if o.map_entries().is_some() => match &index.v {
                Value::String(k) => {
                    let m = o.map_entries().unwrap_or_default();
                    Val::concrete(
                        m.get(&**k)
                            .cloned()
                            .unwrap_or_else(|| Value::Bytes(Arc::from(&[][..]))),
                    )
                }
                Value::Nil => return Err("value is nil; should be of type string".into()),
                other => {
                    return Err(format!(
                        "value has type {}; should be string",
                        other.type_name()
                    ));
                }
            },
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

fn builtin_slice(argv: &[Val]) -> Result<Val, String> {
    let Some(item) = argv.first() else {
        return Err("slice of untyped nil".into());
    };
    if item.v.is_nil() {
        return Err("slice of untyped nil".into());
    }
    let indexes = &argv[1..];
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match &item.v {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.len(),
        Value::Bytes(b) => b.len(),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0usize, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(&index.v, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (a, b) = (idx[0], idx[1]);
    Ok(Val::concrete(match &item.v {
        Value::String(s) => {
            let bytes = s.as_bytes().get(a..b).unwrap_or(&[]);
            Value::from_string(String::from_utf8_lossy(bytes).into_owned())
        }
        Value::List(l) => Value::typed_list(l.elem(), l.get(a..b).unwrap_or(&[]).to_vec()),
        Value::Bytes(bs) => Value::Bytes(Arc::from(bs.get(a..b).unwrap_or(&[]))),
        _ => Value::Nil,
    }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

fn comparable(v: &Value) -> bool {
    !matches!(v, Value::List(_) | Value::Map(_) | Value::Bytes(_))
}

/// Go's error for `eq` on a slice or map (which prints the value with `%v`;
/// Go's stack overflows printing a map that contains itself).
fn uncomparable(v: &Value) -> String {
    match v.check_acyclic() {
        Ok(()) => format!("uncomparable type {}: {}", v.type_name(), v.to_go_string()),
        Err(e) => e.to_string(),
    }
}

fn builtin_eq(argv: &[Val]) -> Result<bool, String> {
    let Some(a1) = argv.first() else {
        return Err("missing argument for comparison".into());
    };
    let a1 = &a1.v;
    if !a1.is_nil() && !comparable(a1) {
        return Err(uncomparable(a1));
    }
    if argv.len() < 2 {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a1);
    for a in &argv[1..] {
        let a = &a.v;
        let k2 = basic_kind(a);
        let truth = if k1 != k2 {
            if !a1.is_nil() && !a.is_nil() {
                return Err("incompatible types for comparison".into());
            }
            false
        } else {
            match (a1, a) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => x == y,
                (Value::Float(x), Value::Float(y)) => x == y,
                (Value::String(x), Value::String(y)) => x == y,
                _ => {
                    if a.is_nil() || a1.is_nil() {
                        a.is_nil() && a1.is_nil()
                    } else {
                        if !comparable(a) {
                            return Err(uncomparable(a));
                        }
                        match (a1, a) {
                            (Value::Object(x), Value::Object(y)) => Arc::ptr_eq(x, y),
                            _ => false,
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn cmp2(argv: &[Val], f: fn(&Value, &Value) -> Result<bool, String>) -> Result<bool, String> {
    match argv {
        [a, b] => f(&a.v, &b.v),
        _ => Err("missing argument for comparison".into()),
    }
}

fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let k1 = basic_kind(a);
    let k2 = basic_kind(b);
    if k1 == Kind::Invalid || k2 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    if k1 != k2 {
        return Err("incompatible types for comparison".into());
    }
    Ok(match (a, b) {
        (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => x < y,
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::String(x), Value::String(y)) => x < y,
        _ => return Err("invalid type for comparison".into()),
    })
}

fn le(a: &Value, b: &Value) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    builtin_eq(&[Val::concrete(a.clone()), Val::concrete(b.clone())])
}

/// Builds a map value from pairs (test helper for callers).
pub fn map_of(pairs: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(Arc::from(*k), v.clone());
    }
    Value::map(m)
}

/// Helm's `cleanupParseError`: `parse error at (LOCATION): LAST-PART`.
pub fn helm_parse_error(filename: &str, go: &str) -> String {
    let tokens: Vec<&str> = go.split(": ").collect();
    match (tokens.get(1), tokens.last()) {
        (Some(loc), Some(last)) if tokens.len() > 1 => format!("parse error at ({loc}): {last}"),
        _ => format!("parse error in ({filename}): {go}"),
    }
}

/// Helm's `cleanupExecError`: errors of `required`/`fail` (wrapped in
/// `HELM_ERR_START…HELM_ERR_END`) become `execution error at (LOCATION): MSG`.
pub fn helm_exec_error(go: &str) -> String {
    let tokens: Vec<&str> = go.splitn(3, ": ").collect();
    if let [_, loc, rest] = tokens[..]
        && let Some(start) = rest.find("HELM_ERR_START")
        && let Some(end) = rest.rfind("HELM_ERR_END")
        && start + "HELM_ERR_START".len() <= end
    {
        let msg = &rest[start + "HELM_ERR_START".len()..end];
        return format!("execution error at ({loc}): {msg}");
    }
    go.to_string()
}

#[cfg(test)]
mod tests {
    use super::find_near;

    #[test]
    fn find_near_is_find() {
        let pieces = ["", " ", "  ", "\n", "\t", "a", "ab", " a", "b: c", "é"];
        let mut rng = crate::test_rng::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut next = move || rng.next() as usize;
        for _ in 0..20_000 {
            let hay: String = (0..next() % 8)
                .map(|_| pieces[next() % pieces.len()])
                .collect();
            let needle: String = (0..next() % 3)
                .map(|_| pieces[next() % pieces.len()])
                .collect();
            assert_eq!(
                find_near(&hay, &needle),
                hay.find(&needle),
                "{hay:?} {needle:?}"
            );
        }
    }
}
