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
        is_empty_list(self, &self.root)
    }

    /// The text of a text node of this tree.
    pub fn text_of(&self, t: &TextNode) -> &str {
        self.source.text.get(t.span.range()).unwrap_or("")
    }
}

fn is_empty_list(tree: &Tree, list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text(t) => tree
            .text_of(t)
            .trim_matches([' ', '\t', '\r', '\n'])
            .is_empty(),
        Node::Comment(_) => true,
        _ => false,
    })
}

/// A sequence of nodes. Node lists, like every list in the tree, are boxed
/// slices of exactly their length: a chart's templates parse into hundreds
/// of thousands of nodes, and a `Vec`'s spare capacity would double that.
#[derive(Debug, Clone)]
pub struct List {
    pub span: Span,
    pub nodes: Box<[Node]>,
}

/// A statement-level node. The large kinds are boxed so that the common
/// ones (text between actions) stay two words.
#[derive(Debug, Clone)]
pub enum Node {
    Text(TextNode),
    Action(Box<ActionNode>),
    If(Box<BranchNode>),
    With(Box<BranchNode>),
    Range(Box<BranchNode>),
    Template(Box<TemplateNode>),
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

/// Text between actions (already trimmed); its text is the source text at
/// `span` ([`Tree::text_of`]), not a copy.
#[derive(Debug, Clone, Copy)]
pub struct TextNode {
    pub span: Span,
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
    pub decl: Box<[VarDecl]>,
    pub cmds: Box<[Command]>,
}

/// One command of a pipeline: a function/method/field and its arguments.
#[derive(Debug, Clone)]
pub struct Command {
    pub span: Span,
    pub args: Box<[Arg]>,
}

/// An operand.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `.a.b`; `pos` is Go's (the second field when chained).
    Field {
        span: Span,
        pos: u32,
        idents: Box<[Str]>,
    },
    /// `$x.a.b`: `idents[0]` is `$x`.
    Variable {
        span: Span,
        pos: u32,
        idents: Box<[Str]>,
    },
    /// `(pipe).a.b` or `f.a` style chains on other operands.
    Chain {
        span: Span,
        pos: u32,
        node: Box<Arg>,
        fields: Box<[Str]>,
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
    /// `value` is the unquoted text; `quoted` the literal as written when
    /// that is not simply `value` in double quotes (escapes, raw strings).
    String {
        span: Span,
        quoted: Option<Str>,
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
            Arg::String {
                quoted: Some(q), ..
            } => f.write_str(q),
            Arg::String { value, .. } => write!(f, "\"{value}\""),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl List {
    /// Go's `ListNode.String()`; text nodes read their text from `tree`.
    pub fn go_string(&self, tree: &Tree) -> String {
        let mut out = String::new();
        self.write_go(tree, &mut out);
        out
    }

    fn write_go(&self, tree: &Tree, out: &mut String) {
        for n in &self.nodes {
            n.write_go(tree, out);
        }
    }
}

impl Node {
    /// Go's `Node.String()`; text nodes read their text from `tree`.
    pub fn go_string(&self, tree: &Tree) -> String {
        let mut out = String::new();
        self.write_go(tree, &mut out);
        out
    }

    fn write_go(&self, tree: &Tree, out: &mut String) {
        let branch = |out: &mut String, kw: &str, b: &BranchNode| {
            let _ = write!(out, "{{{{{kw} {}}}}}", b.pipe);
            b.list.write_go(tree, out);
            if let Some(e) = &b.else_list {
                out.push_str("{{else}}");
                e.write_go(tree, out);
            }
            out.push_str("{{end}}");
        };
        match self {
            Node::Text(t) => out.push_str(&super::lexer::go_quote(tree.text_of(t))),
            Node::Action(a) => {
                let _ = write!(out, "{{{{{}}}}}", a.pipe);
            }
            Node::If(b) => branch(out, "if", b),
            Node::With(b) => branch(out, "with", b),
            Node::Range(b) => branch(out, "range", b),
            Node::Template(t) => {
                let _ = match &t.pipe {
                    Some(p) => write!(
                        out,
                        "{{{{template {} {p}}}}}",
                        super::lexer::go_quote(&t.name)
                    ),
                    None => write!(out, "{{{{template {}}}}}", super::lexer::go_quote(&t.name)),
                };
            }
            Node::Break(_) => out.push_str("{{break}}"),
            Node::Continue(_) => out.push_str("{{continue}}"),
            Node::Comment(_) => out.push_str("{{/* */}}"),
        }
    }
}
