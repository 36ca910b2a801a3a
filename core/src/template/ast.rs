//! The syntax tree of a parsed template. Every node carries its [`Span`].
//!
//! Besides the span (the node's full source range, for the language server)
//! some nodes keep `pos`, the byte offset Go's parser records for them,
//! because Go's error positions use it (a field chain `.a.b` is reported at
//! `.b`). `Display` reproduces Go's `Node.String()`, which error messages
//! quote as `at <…>`.

use std::fmt::{self, Write};
use std::sync::{Arc, OnceLock};

use crate::source::{LineIndex, SourceId, Span};

use super::lexer::Delims;
use super::value::Str;

/// One parsed template: a file, a `define`, a `block` or a `tpl` string.
#[derive(Debug)]
pub struct Tree {
    /// The template's name (`mychart/templates/x.yaml` or the define's name).
    pub name: Str,
    /// The name of the text it was parsed from (Go's `ParseName`); error
    /// locations use it.
    pub parse_name: Str,
    pub root: List,
    /// The source text and its line index, shared by all trees of one file.
    pub source: Arc<SourceText>,
}

/// A template source text with its id and (lazily built) line index.
#[derive(Debug)]
pub struct SourceText {
    pub id: SourceId,
    pub text: Arc<str>,
    /// Built on first use: only errors, traces and the language server need
    /// line numbers, and most template files never produce one.
    lines: OnceLock<LineIndex>,
    /// The delimiters the text was parsed with (`tpl` reuses them).
    pub delims: Delims,
}

impl SourceText {
    pub fn new(id: SourceId, text: Arc<str>) -> SourceText {
        SourceText::with_delims(id, text, Delims::default())
    }

    pub fn with_delims(id: SourceId, text: Arc<str>, delims: Delims) -> SourceText {
        SourceText {
            id,
            text,
            lines: OnceLock::new(),
            delims,
        }
    }

    /// The text's line index.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// Go's `line:col` for an offset: 1-based line, 0-based byte column.
    pub fn go_line_col(&self, offset: u32) -> (u32, u32) {
        let lc = self.lines().line_col(offset as usize);
        (lc.line, lc.col - 1)
    }
}

impl Tree {
    /// Go's `parse.IsEmptyTree`: only whitespace text and comments.
    pub fn is_empty(&self) -> bool {
        is_empty_list(&self.root)
    }
}

fn is_empty_list(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text(t) => t.text.trim_matches([' ', '\t', '\r', '\n']).is_empty(),
        Node::Comment(_) => true,
        _ => false,
    })
}

/// A sequence of nodes.
#[derive(Debug, Clone)]
pub struct List {
    pub span: Span,
    pub nodes: Vec<Node>,
}

/// A statement-level node.
#[derive(Debug, Clone)]
pub enum Node {
    Text(TextNode),
    Action(ActionNode),
    If(BranchNode),
    With(BranchNode),
    Range(BranchNode),
    Template(TemplateNode),
    Break(Span),
    Continue(Span),
    Comment(Span),
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Text(n) => n.span,
            Node::Action(n) => n.span,
            Node::If(n) | Node::With(n) | Node::Range(n) => n.span,
            Node::Template(n) => n.span,
            Node::Break(s) | Node::Continue(s) | Node::Comment(s) => *s,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TextNode {
    pub span: Span,
    pub text: Str,
}

/// `{{ pipeline }}`; `span` covers the delimiters.
#[derive(Debug, Clone)]
pub struct ActionNode {
    pub span: Span,
    /// Go's position: the first token of the pipeline.
    pub pos: u32,
    pub pipe: Pipe,
}

/// `if`, `with` and `range` share a shape.
#[derive(Debug, Clone)]
pub struct BranchNode {
    /// From the opening `{{` to the closing `}}` of `{{end}}`.
    pub span: Span,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

/// `{{template "name" pipeline}}` (also what `block` leaves in place).
#[derive(Debug, Clone)]
pub struct TemplateNode {
    pub span: Span,
    /// Go's position: the name token.
    pub pos: u32,
    pub name: Str,
    pub name_span: Span,
    pub pipe: Option<Pipe>,
}

/// A declared or assigned variable in a pipeline.
#[derive(Debug, Clone)]
pub struct VarDecl {
    pub span: Span,
    pub name: Str,
}

/// `$x := cmd | cmd`.
#[derive(Debug, Clone)]
pub struct Pipe {
    pub span: Span,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    pub decl: Vec<VarDecl>,
    pub cmds: Vec<Command>,
}

/// One command of a pipeline: a function/method/field and its arguments.
#[derive(Debug, Clone)]
pub struct Command {
    pub span: Span,
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `.a.b`; `pos` is Go's (the second field when chained).
    Field {
        span: Span,
        pos: u32,
        idents: Vec<Str>,
    },
    /// `$x.a.b`: `idents[0]` is `$x`.
    Variable {
        span: Span,
        pos: u32,
        idents: Vec<Str>,
    },
    /// `(pipe).a.b` or `f.a` style chains on other operands.
    Chain {
        span: Span,
        pos: u32,
        node: Box<Arg>,
        fields: Vec<Str>,
    },
    /// A function name.
    Identifier {
        span: Span,
        name: Str,
    },
    Dot(Span),
    Nil(Span),
    Bool(Span, bool),
    Number(Box<NumberNode>),
    /// `quoted` is the literal as written, `value` the unquoted text.
    String {
        span: Span,
        quoted: Str,
        value: Str,
    },
    Pipe(Box<Pipe>),
}

impl Arg {
    pub fn span(&self) -> Span {
        match self {
            Arg::Field { span, .. }
            | Arg::Variable { span, .. }
            | Arg::Chain { span, .. }
            | Arg::Identifier { span, .. }
            | Arg::String { span, .. } => *span,
            Arg::Dot(s) | Arg::Nil(s) | Arg::Bool(s, _) => *s,
            Arg::Number(n) => n.span,
            Arg::Pipe(p) => p.span,
        }
    }

    /// Go's `Pos` of the node.
    pub fn pos(&self) -> u32 {
        match self {
            Arg::Field { pos, .. } | Arg::Variable { pos, .. } | Arg::Chain { pos, .. } => *pos,
            other => other.span().start,
        }
    }
}

/// A numeric literal with Go's interpretations (`parse.NumberNode`).
#[derive(Debug, Clone)]
pub struct NumberNode {
    pub span: Span,
    pub text: Str,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub int: i64,
    pub uint: u64,
    pub float: f64,
}

impl NumberNode {
    /// Go's `idealConstant` classification: is it a float literal?
    pub fn is_float_literal(&self) -> bool {
        let t = &*self.text;
        let hex = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes().get(1), Some(b'x' | b'X'))
            && !t.contains(['p', 'P']);
        let rune = t.starts_with('\'');
        self.is_float && !hex && !rune && t.contains(['.', 'e', 'E', 'p', 'P'])
    }
}

// ---- Go's String() forms ---------------------------------------------------

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(&v.name)?;
            }
            f.write_str(" := ")?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Arg::Pipe(p) = a {
                write!(f, "({p})")?;
            } else {
                write!(f, "{a}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { idents, .. } => {
                for id in idents {
                    write!(f, ".{id}")?;
                }
                Ok(())
            }
            Arg::Variable { idents, .. } => {
                for (i, id) in idents.iter().enumerate() {
                    if i > 0 {
                        f.write_char('.')?;
                    }
                    f.write_str(id)?;
                }
                Ok(())
            }
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = &**node {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for id in fields {
                    write!(f, ".{id}")?;
                }
                Ok(())
            }
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Dot(_) => f.write_char('.'),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl fmt::Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in &self.nodes {
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let branch = |f: &mut fmt::Formatter<'_>, kw: &str, b: &BranchNode| -> fmt::Result {
            write!(f, "{{{{{kw} {}}}}}{}", b.pipe, b.list)?;
            if let Some(e) = &b.else_list {
                write!(f, "{{{{else}}}}{e}")?;
            }
            f.write_str("{{end}}")
        };
        match self {
            Node::Text(t) => write!(f, "{}", super::lexer::go_quote(&t.text)),
            Node::Action(a) => write!(f, "{{{{{}}}}}", a.pipe),
            Node::If(b) => branch(f, "if", b),
            Node::With(b) => branch(f, "with", b),
            Node::Range(b) => branch(f, "range", b),
            Node::Template(t) => match &t.pipe {
                Some(p) => write!(
                    f,
                    "{{{{template {} {p}}}}}",
                    super::lexer::go_quote(&t.name)
                ),
                None => write!(f, "{{{{template {}}}}}", super::lexer::go_quote(&t.name)),
            },
            Node::Break(_) => f.write_str("{{break}}"),
            Node::Continue(_) => f.write_str("{{continue}}"),
            Node::Comment(_) => f.write_str("{{/* */}}"),
        }
    }
}
