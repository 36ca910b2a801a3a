//! The parser: tokens → [`Tree`]s, following Go's `text/template/parse`.
//!
//! Recursive descent with Go's grammar, variable scoping and error wording.
//! One text yields its main tree plus one tree per `define`/`block`. Like Go
//! it stops at the first error; the trees completed before it are returned
//! with the error so the language server still sees them. Nesting is bounded
//! ([`MAX_NESTING`]) so hostile input cannot overflow the stack.

use std::sync::Arc;

use crate::source::Span;

use super::ast::*;
use super::error::ParseError;
use super::lexer::{self, Delims, Keyword, Token, TokenKind};
use super::value::Str;

/// Maximum nesting of control structures and parentheses.
pub const MAX_NESTING: usize = 1000;

/// What parsing a text produced.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The text's own tree (named after the text) first, then its defines in
    /// source order. With an error, only the trees completed before it.
    pub trees: Vec<Tree>,
    pub error: Option<ParseError>,
}

/// One shared string per distinct name or literal (`Values`,
/// `common.names.fullname`, …) instead of one allocation per use; a template
/// set keeps one for all its files.
#[derive(Debug, Default)]
pub struct Interner {
    strings: foldhash::HashSet<Str>,
    /// Buffers one text's parse leaves empty for the next text's: growing
    /// them afresh for every file cost more than the interning.
    tokens: Vec<Token>,
    nodes: Vec<Node>,
    cmds: Vec<Command>,
    args: Vec<Arg>,
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> Str {
        if let Some(s) = self.strings.get(text) {
            return s.clone();
        }
        let s: Str = Arc::from(text);
        self.strings.insert(s.clone());
        s
    }
}

/// Parses `source` (whose text is the template) as template `name`.
/// `has_function` says whether an identifier names a function (Go checks
/// this at parse time: `function "x" not defined`).
pub fn parse(
    name: &str,
    source: Arc<SourceText>,
    delims: &Delims,
    has_function: &dyn Fn(&str) -> bool,
) -> Parsed {
    parse_interned(name, source, delims, has_function, &mut Interner::default())
}

/// [`parse`], sharing the strings of `interner`.
pub fn parse_interned(
    name: &str,
    source: Arc<SourceText>,
    delims: &Delims,
    has_function: &dyn Fn(&str) -> bool,
    interner: &mut Interner,
) -> Parsed {
    let text = source.text.clone();
    let tokens = std::mem::take(&mut interner.tokens);
    let lexed = lexer::lex_into(&text, delims, !has_function("break"), tokens);
    let node_stack = std::mem::take(&mut interner.nodes);
    let cmd_stack = std::mem::take(&mut interner.cmds);
    let arg_stack = std::mem::take(&mut interner.args);
    let mut p = Parser {
        src: &text,
        source: source.clone(),
        toks: lexed.tokens,
        lex_error: lexed.error,
        i: 0,
        furthest: 0,
        vars: vec![],
        range_depth: 0,
        depth: 0,
        has_function,
        name: Arc::from(name),
        action_start: None,
        trees: vec![],
        node_stack,
        cmd_stack,
        arg_stack,
        interner,
    };
    let result = p.parse_top();
    p.give_back_buffers();
    let mut out = Parsed::default();
    match result {
        Ok(root) => {
            out.trees.push(Tree {
                name: p.name.clone(),
                parse_name: p.name.clone(),
                root,
                source,
            });
            out.trees.append(&mut p.trees);
        }
        Err(e) => {
            out.trees.append(&mut p.trees);
            out.error = Some(e);
        }
    }
    out
}

type PResult<T> = Result<T, ParseError>;

struct Parser<'a> {
    src: &'a str,
    source: Arc<SourceText>,
    toks: Vec<Token>,
    lex_error: Option<String>,
    i: usize,
    furthest: usize,
    vars: Vec<Str>,
    range_depth: usize,
    depth: usize,
    has_function: &'a dyn Fn(&str) -> bool,
    name: Str,
    /// Offset of the `{{` of the action being parsed (Go's actionLine).
    action_start: Option<u32>,
    /// Completed define/block trees.
    trees: Vec<Tree>,
    /// Scratch stacks the lists under construction grow on; a finished list
    /// is moved off its top into a slice of exactly its length.
    node_stack: Vec<Node>,
    cmd_stack: Vec<Command>,
    arg_stack: Vec<Arg>,
    interner: &'a mut Interner,
}

const EOF_TOKEN: Token = Token {
    kind: TokenKind::Eof,
    start: 0,
    end: 0,
};

/// Moves `stack[base..]` into a slice of exactly that length.
fn take_from<T>(stack: &mut Vec<T>, base: usize) -> Box<[T]> {
    stack.drain(base..).collect()
}

impl<'a> Parser<'a> {
    /// Returns the token and scratch buffers to the interner, emptied.
    fn give_back_buffers(&mut self) {
        let i = &mut *self.interner;
        i.tokens = std::mem::take(&mut self.toks);
        i.tokens.clear();
        i.nodes = std::mem::take(&mut self.node_stack);
        i.nodes.clear();
        i.cmds = std::mem::take(&mut self.cmd_stack);
        i.cmds.clear();
        i.args = std::mem::take(&mut self.arg_stack);
        i.args.clear();
    }

    fn intern(&mut self, text: &str) -> Str {
        self.interner.intern(text)
    }

    fn span(&self, start: u32, end: u32) -> Span {
        Span {
            source: self.source.id,
            start,
            end,
        }
    }

    fn tok(&self, i: usize) -> Token {
        match self.toks.get(i) {
            Some(t) => *t,
            None => {
                let end = self.src.len() as u32;
                Token {
                    start: end,
                    end,
                    ..EOF_TOKEN
                }
            }
        }
    }

    fn touch(&mut self, i: usize) {
        if i > self.furthest {
            self.furthest = i;
        }
    }

    fn next(&mut self) -> Token {
        let t = self.tok(self.i);
        self.touch(self.i);
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn backup(&mut self) {
        self.i = self.i.saturating_sub(1);
    }

    fn peek(&mut self) -> Token {
        self.touch(self.i);
        self.tok(self.i)
    }

    /// Next token that is not a space (and not a comment between actions).
    fn next_non_space(&mut self) -> Token {
        loop {
            let t = self.next();
            if t.kind != TokenKind::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn line_of(&self, offset: u32) -> u32 {
        self.source.go_line_col(offset).0
    }

    fn error_at(&self, tok: Token, message: String) -> ParseError {
        ParseError {
            name: self.name.clone(),
            line: self.line_of(tok.start),
            message,
            span: self.span(tok.start, tok.end),
        }
    }

    /// Go's `errorf`: positioned at the furthest token read.
    fn errorf(&self, message: String) -> ParseError {
        let t = self.tok(self.furthest);
        self.error_at(t, message)
    }

    fn tok_string(&self, t: Token) -> String {
        let text = t.text(self.src);
        match t.kind {
            TokenKind::Eof => "EOF".to_string(),
            TokenKind::Error => self.lex_error.clone().unwrap_or_default(),
            TokenKind::Keyword(_) | TokenKind::Dot | TokenKind::Nil => format!("<{text}>"),
            _ => {
                if text.chars().count() > 10 {
                    let short: String = text.chars().take(10).collect();
                    // Go's %.10q quotes the first ten runes.
                    format!("{}...", lexer::go_quote(&short))
                } else {
                    lexer::go_quote(text)
                }
            }
        }
    }

    fn unexpected(&self, t: Token, context: &str) -> ParseError {
        if t.kind == TokenKind::Error {
            let msg = self.lex_error.clone().unwrap_or_default();
            let mut extra = String::new();
            if let Some(start) = self.action_start {
                let aline = self.line_of(start);
                if aline != self.line_of(t.start) {
                    extra = format!(" in action started at {}:{}", self.name, aline);
                    if msg.ends_with(" action") {
                        extra = extra[" in action".len()..].to_string();
                    }
                }
            }
            return self.error_at(t, format!("{msg}{extra}"));
        }
        self.errorf(format!("unexpected {} in {context}", self.tok_string(t)))
    }

    fn expect(&mut self, kind: TokenKind, context: &str) -> PResult<Token> {
        let t = self.next_non_space();
        if t.kind != kind {
            return Err(self.unexpected(t, context));
        }
        Ok(t)
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.errorf("max expression depth exceeded".into()));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- top level -------------------------------------------------------

    fn parse_top(&mut self) -> PResult<List> {
        self.vars = vec![self.intern("$")];
        let start = self.peek().start;
        let base = self.node_stack.len();
        loop {
            let t = self.peek();
            if t.kind == TokenKind::Eof {
                break;
            }
            if t.kind == TokenKind::LeftDelim {
                let idx = self.i;
                self.next();
                if self.next_non_space().kind == TokenKind::Keyword(Keyword::Define) {
                    self.parse_definition()?;
                    continue;
                }
                // Back up to the delimiter.
                self.i = idx;
            }
            match self.text_or_action()? {
                Item::Node(n) => self.node_stack.push(n),
                Item::Comment(s) => self.node_stack.push(Node::Comment(s)),
                other @ (Item::End(..) | Item::Else(..)) => {
                    return Err(self.errorf(format!("unexpected {}", other.describe())));
                }
            }
        }
        let end = self.src.len() as u32;
        Ok(List {
            span: self.span(start, end),
            nodes: take_from(&mut self.node_stack, base),
        })
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let name_tok = self.next_non_space();
        if !matches!(name_tok.kind, TokenKind::String | TokenKind::RawString) {
            return Err(self.unexpected(name_tok, context));
        }
        let name = self.unquote(name_tok)?;
        self.expect(TokenKind::RightDelim, context)?;
        let dollar = self.intern("$");
        let saved_vars = std::mem::replace(&mut self.vars, vec![dollar]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let (root, end) = self.item_list()?;
        self.vars = saved_vars;
        self.range_depth = saved_range;
        match end {
            Item::End(..) => {}
            other => {
                return Err(self.errorf(format!("unexpected {} in {context}", other.describe())));
            }
        }
        self.add_tree(Arc::from(name.as_str()), root)
    }

    /// Go's `Tree.add`: a second non-empty definition in one text is an error.
    fn add_tree(&mut self, name: Str, root: List) -> PResult<()> {
        let tree = Tree {
            name: name.clone(),
            parse_name: self.name.clone(),
            root,
            source: self.source.clone(),
        };
        if let Some(idx) = self.trees.iter().position(|t| t.name == name) {
            if self.trees[idx].is_empty() {
                self.trees[idx] = tree;
                return Ok(());
            }
            if !tree.is_empty() {
                return Err(self.errorf(format!(
                    "template: multiple definition of template {}",
                    lexer::go_quote(&name)
                )));
            }
            return Ok(());
        }
        if name == self.name {
            // A define named like the text itself competes with the text's tree;
            // keep it: the set resolves that later.
        }
        self.trees.push(tree);
        Ok(())
    }

    /// Parses nodes until `{{end}}` or `{{else}}`.
    fn item_list(&mut self) -> PResult<(List, Item)> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.item_list_inner())
    }

    fn item_list_inner(&mut self) -> PResult<(List, Item)> {
        self.enter()?;
        let start = self.peek_non_space().start;
        let base = self.node_stack.len();
        loop {
            if self.peek_non_space().kind == TokenKind::Eof {
                return Err(self.errorf("unexpected EOF".into()));
            }
            match self.text_or_action()? {
                Item::Node(n) => self.node_stack.push(n),
                Item::Comment(s) => self.node_stack.push(Node::Comment(s)),
                end @ (Item::End(..) | Item::Else(..)) => {
                    let stop = end.start_offset();
                    self.leave();
                    return Ok((
                        List {
                            span: self.span(start, stop.max(start)),
                            nodes: take_from(&mut self.node_stack, base),
                        },
                        end,
                    ));
                }
            }
        }
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let t = self.next_non_space();
        match t.kind {
            TokenKind::Text => Ok(Item::Node(Node::Text(TextNode {
                span: self.span(t.start, t.end),
            }))),
            TokenKind::LeftDelim => {
                let saved = self.action_start.replace(t.start);
                let r = self.action(t);
                self.action_start = saved;
                r
            }
            TokenKind::Comment => Ok(Item::Comment(self.span(t.start, t.end))),
            _ => Err(self.unexpected(t, "input")),
        }
    }

    fn action(&mut self, ldelim: Token) -> PResult<Item> {
        let t = self.next_non_space();
        match t.kind {
            TokenKind::Keyword(Keyword::Block) => return self.block_control(ldelim),
            TokenKind::Keyword(Keyword::Break) => return self.break_continue(ldelim, true),
            TokenKind::Keyword(Keyword::Continue) => return self.break_continue(ldelim, false),
            TokenKind::Keyword(Keyword::Else) => return self.else_control(ldelim),
            TokenKind::Keyword(Keyword::End) => {
                let close = self.expect(TokenKind::RightDelim, "end")?;
                return Ok(Item::End(ldelim, close));
            }
            TokenKind::Keyword(Keyword::If) => return self.control(ldelim, Control::If),
            TokenKind::Keyword(Keyword::Range) => return self.control(ldelim, Control::Range),
            TokenKind::Keyword(Keyword::With) => return self.control(ldelim, Control::With),
            TokenKind::Keyword(Keyword::Template) => return self.template_control(ldelim),
            _ => {}
        }
        self.backup();
        let pos = self.peek().start;
        let pipe = self.pipeline("command", TokenKind::RightDelim)?;
        let end = self.tok(self.i.saturating_sub(1)).end;
        Ok(Item::Node(Node::Action(Box::new(ActionNode {
            span: self.span(ldelim.start, end),
            pos,
            pipe,
        }))))
    }

    fn break_continue(&mut self, ldelim: Token, is_break: bool) -> PResult<Item> {
        let word = if is_break {
            "{{break}}"
        } else {
            "{{continue}}"
        };
        let t = self.next_non_space();
        if t.kind != TokenKind::RightDelim {
            return Err(self.unexpected(t, word));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format!("{word} outside {{{{range}}}}")));
        }
        let span = self.span(ldelim.start, t.end);
        Ok(Item::Node(if is_break {
            Node::Break(span)
        } else {
            Node::Continue(span)
        }))
    }

    fn else_control(&mut self, ldelim: Token) -> PResult<Item> {
        let peek = self.peek_non_space();
        if matches!(
            peek.kind,
            TokenKind::Keyword(Keyword::If) | TokenKind::Keyword(Keyword::With)
        ) {
            // `{{else if …}}` / `{{else with …}}`: the keyword stays pending.
            return Ok(Item::Else(ldelim, true));
        }
        self.expect(TokenKind::RightDelim, "else")?;
        Ok(Item::Else(ldelim, false))
    }

    fn control(&mut self, ldelim: Token, kind: Control) -> PResult<Item> {
        let branch = Box::new(self.parse_control(ldelim, kind)?);
        Ok(Item::Node(match kind {
            Control::If => Node::If(branch),
            Control::With => Node::With(branch),
            Control::Range => Node::Range(branch),
        }))
    }

    fn parse_control(&mut self, ldelim: Token, kind: Control) -> PResult<BranchNode> {
        self.enter()?;
        let mark = self.vars.len();
        let context = kind.name();
        let pipe = self.pipeline(context, TokenKind::RightDelim)?;
        if kind == Control::Range {
            self.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if kind == Control::Range {
            self.range_depth -= 1;
        }
        let mut else_list = None;
        let end_close;
        match next {
            Item::End(_, close) => end_close = close,
            Item::Else(else_delim, chained) => {
                let chain_kw = match kind {
                    Control::If => Some(Keyword::If),
                    Control::With => Some(Keyword::With),
                    Control::Range => None,
                };
                if chained
                    && let Some(kw) = chain_kw
                    && self.peek_non_space().kind == TokenKind::Keyword(kw)
                {
                    // `{{if a}}…{{else if b}}…{{end}}` is
                    // `{{if a}}…{{else}}{{if b}}…{{end}}{{end}}`.
                    self.next_non_space();
                    let inner = Box::new(self.parse_control(else_delim, kind)?);
                    let inner_span = inner.span;
                    let node = match kind {
                        Control::If => Node::If(inner),
                        _ => Node::With(inner),
                    };
                    else_list = Some(List {
                        span: inner_span,
                        nodes: Box::new([node]),
                    });
                    self.vars.truncate(mark);
                    self.leave();
                    return Ok(BranchNode {
                        span: self.span(ldelim.start, inner_span.end),
                        pipe,
                        list,
                        else_list,
                    });
                }
                if chained && self.peek_non_space().kind == TokenKind::Keyword(Keyword::With) {
                    // `else with` outside `with`: Go 1.18 (Helm 3.10) wants a
                    // plain `{{else}}`. (A stray `else if` falls through to
                    // the item list, which reports `unexpected <if> in input`.)
                    let t = self.next_non_space();
                    return Err(self.unexpected(t, "else"));
                }
                let (elist, next) = self.item_list()?;
                match next {
                    Item::End(_, close) => end_close = close,
                    other => {
                        return Err(
                            self.errorf(format!("expected end; found {}", other.describe()))
                        );
                    }
                }
                else_list = Some(elist);
            }
            Item::Node(_) | Item::Comment(_) => {
                return Err(self.errorf("internal error: item list ended early".into()));
            }
        }
        self.vars.truncate(mark);
        self.leave();
        Ok(BranchNode {
            span: self.span(ldelim.start, end_close.end),
            pipe,
            list,
            else_list,
        })
    }

    fn template_name(&mut self, t: Token, context: &str) -> PResult<String> {
        match t.kind {
            TokenKind::String | TokenKind::RawString => self.unquote(t),
            _ => Err(self.unexpected(t, context)),
        }
    }

    fn template_control(&mut self, ldelim: Token) -> PResult<Item> {
        let context = "template clause";
        let t = self.next_non_space();
        let name = self.template_name(t, context)?;
        let mut pipe = None;
        let n = self.next_non_space();
        if n.kind != TokenKind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, TokenKind::RightDelim)?);
        }
        let end = self.tok(self.i.saturating_sub(1)).end;
        Ok(Item::Node(Node::Template(Box::new(TemplateNode {
            span: self.span(ldelim.start, end),
            pos: t.start,
            name: Arc::from(name.as_str()),
            name_span: self.span(t.start, t.end),
            pipe,
        }))))
    }

    fn block_control(&mut self, ldelim: Token) -> PResult<Item> {
        let context = "block clause";
        let t = self.next_non_space();
        let name = self.template_name(t, context)?;
        let pipe = self.pipeline(context, TokenKind::RightDelim)?;
        let header_end = self.tok(self.i.saturating_sub(1)).end;
        let dollar = self.intern("$");
        let saved_vars = std::mem::replace(&mut self.vars, vec![dollar]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let (root, end) = self.item_list()?;
        self.vars = saved_vars;
        self.range_depth = saved_range;
        match end {
            Item::End(..) => {}
            other => {
                return Err(self.errorf(format!("unexpected {} in {context}", other.describe())));
            }
        }
        let name: Str = Arc::from(name.as_str());
        self.add_tree(name.clone(), root)?;
        Ok(Item::Node(Node::Template(Box::new(TemplateNode {
            span: self.span(ldelim.start, header_end),
            pos: t.start,
            name,
            name_span: self.span(t.start, t.end),
            pipe: Some(pipe),
        }))))
    }

    // ---- pipelines -------------------------------------------------------

    fn pipeline(&mut self, context: &str, end: TokenKind) -> PResult<Pipe> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.pipeline_inner(context, end))
    }

    fn pipeline_inner(&mut self, context: &str, end: TokenKind) -> PResult<Pipe> {
        self.enter()?;
        let first = self.peek_non_space();
        let mut decl = Vec::new();
        let mut is_assign = false;
        loop {
            let v = self.peek_non_space();
            if v.kind != TokenKind::Variable {
                break;
            }
            let v_idx = self.i_of_peeked_non_space();
            self.next_non_space();
            let after = self.peek();
            let next = self.peek_non_space();
            match next.kind {
                TokenKind::Assign | TokenKind::Declare => {
                    is_assign = next.kind == TokenKind::Assign;
                    self.next_non_space();
                    let name: Str = self.intern(v.text(self.src));
                    decl.push(VarDecl {
                        span: self.span(v.start, v.end),
                        name: name.clone(),
                    });
                    self.vars.push(name);
                }
                TokenKind::Char if next.text(self.src) == "," => {
                    self.next_non_space();
                    let name: Str = self.intern(v.text(self.src));
                    decl.push(VarDecl {
                        span: self.span(v.start, v.end),
                        name: name.clone(),
                    });
                    self.vars.push(name);
                    if context == "range" && decl.len() < 2 {
                        match self.peek_non_space().kind {
                            TokenKind::Variable | TokenKind::RightDelim | TokenKind::RightParen => {
                                continue;
                            }
                            _ => {
                                return Err(
                                    self.errorf("range can only initialize variables".into())
                                );
                            }
                        }
                    }
                    return Err(self.errorf(format!("too many declarations in {context}")));
                }
                _ => {
                    let _ = after;
                    self.i = v_idx;
                }
            }
            break;
        }
        let base = self.cmd_stack.len();
        loop {
            let t = self.next_non_space();
            if t.kind == end {
                let cmds = &self.cmd_stack[base..];
                self.check_pipeline(cmds, context)?;
                let start = decl
                    .first()
                    .map(|d: &VarDecl| d.span.start)
                    .unwrap_or(first.start);
                let stop = cmds
                    .last()
                    .map(|c: &Command| c.span.end)
                    .unwrap_or(start)
                    .max(start);
                self.leave();
                return Ok(Pipe {
                    span: self.span(start, stop),
                    is_assign,
                    decl: decl.into_boxed_slice(),
                    cmds: take_from(&mut self.cmd_stack, base),
                });
            }
            match t.kind {
                TokenKind::Bool
                | TokenKind::CharConstant
                | TokenKind::Complex
                | TokenKind::Dot
                | TokenKind::Field
                | TokenKind::Identifier
                | TokenKind::Number
                | TokenKind::Nil
                | TokenKind::RawString
                | TokenKind::String
                | TokenKind::Variable
                | TokenKind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    self.cmd_stack.push(cmd);
                }
                _ => return Err(self.unexpected(t, context)),
            }
        }
    }

    fn i_of_peeked_non_space(&mut self) -> usize {
        let mut j = self.i;
        while self.tok(j).kind == TokenKind::Space {
            j += 1;
        }
        j
    }

    fn check_pipeline(&self, cmds: &[Command], context: &str) -> PResult<()> {
        if cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::String { .. },
            ) = c.args.first()
            {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let start = self.peek_non_space().start;
        let base = self.arg_stack.len();
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                self.arg_stack.push(op);
            }
            let t = self.next();
            match t.kind {
                TokenKind::Space => continue,
                TokenKind::RightDelim | TokenKind::RightParen => self.backup(),
                TokenKind::Pipe => {}
                _ => return Err(self.unexpected(t, "operand")),
            }
            break;
        }
        if self.arg_stack.len() == base {
            return Err(self.errorf("empty command".into()));
        }
        let end = self.arg_stack.last().map(|a| a.span().end).unwrap_or(start);
        Ok(Command {
            span: self.span(start, end),
            args: take_from(&mut self.arg_stack, base),
        })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        // A field or variable has read its own chain (`.a.b`, `$x.a`) in
        // `term`; fields can still follow anything else (`(pipe).a`, `f.a`).
        if self.peek().kind != TokenKind::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().start;
        let count = self.chain_len();
        let mut names: Vec<Str> = Vec::with_capacity(count);
        let end = self
            .read_fields(count, &mut names)
            .unwrap_or(node.span().end);
        // Go looks at the token after the chain: errors report its line.
        self.peek();
        let span = self.span(node.span().start, end);
        Ok(Some(match node {
            Arg::Bool(..) | Arg::String { .. } | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    lexer::go_quote(&node.to_string())
                )));
            }
            other => Arg::Chain {
                span,
                pos: chain_pos,
                node: Box::new(other),
                fields: names.into_boxed_slice(),
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next_non_space();
        let span = self.span(t.start, t.end);
        let text = t.text(self.src);
        Ok(Some(match t.kind {
            TokenKind::Identifier => {
                if !(self.has_function)(text) {
                    return Err(
                        self.errorf(format!("function {} not defined", lexer::go_quote(text)))
                    );
                }
                Arg::Identifier {
                    span,
                    name: self.intern(text),
                }
            }
            TokenKind::Dot => Arg::Dot(span),
            TokenKind::Nil => Arg::Nil(span),
            TokenKind::Variable => {
                if !self.vars.iter().any(|v| &**v == text) {
                    return Err(
                        self.errorf(format!("undefined variable {}", lexer::go_quote(text)))
                    );
                }
                let head = self.intern(text);
                let (idents, end, pos) = self.chained(head, t);
                Arg::Variable {
                    span: self.span(t.start, end),
                    pos,
                    idents,
                }
            }
            TokenKind::Field => {
                let head = self.intern(text.get(1..).unwrap_or(""));
                let (idents, end, pos) = self.chained(head, t);
                Arg::Field {
                    span: self.span(t.start, end),
                    pos,
                    idents,
                }
            }
            TokenKind::Bool => Arg::Bool(span, text == "true"),
            TokenKind::CharConstant | TokenKind::Complex | TokenKind::Number => {
                let n = new_number(span, text, t.kind).map_err(|m| self.errorf(m))?;
                Arg::Number(Box::new(n))
            }
            TokenKind::LeftParen => {
                let pipe = self.pipeline("parenthesized pipeline", TokenKind::RightParen)?;
                let close = self.tok(self.i.saturating_sub(1));
                let mut pipe = pipe;
                pipe.span = self.span(t.start, close.end);
                Arg::Pipe(Box::new(pipe))
            }
            TokenKind::String | TokenKind::RawString => {
                // Most literals need no unquoting: share the inner text.
                let (value, quoted) = match plain_quoted(text) {
                    Some(inner) => (self.intern(inner), None),
                    None => (
                        Arc::from(self.unquote(t)?.as_str()),
                        Some(self.intern(text)),
                    ),
                };
                Arg::String {
                    span,
                    quoted,
                    value,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }

    /// The names of a field or variable token `t` (already read, its name
    /// `head`) and of the fields written directly after it (`.a.b.c`), in
    /// one exact slice; with its end offset and Go's position (the second
    /// field's when chained).
    fn chained(&mut self, head: Str, t: Token) -> (Box<[Str]>, u32, u32) {
        let count = self.chain_len();
        if count == 0 {
            return (Box::new([head]), t.end, t.start);
        }
        let pos = self.tok(self.i).start;
        let mut names = Vec::with_capacity(1 + count);
        names.push(head);
        let end = self.read_fields(count, &mut names).unwrap_or(t.end);
        (names.into_boxed_slice(), end, pos)
    }

    /// How many field tokens come next, directly one after the other.
    fn chain_len(&self) -> usize {
        let mut count = 0;
        while self.tok(self.i + count).kind == TokenKind::Field {
            count += 1;
        }
        count
    }

    /// Reads the next `count` field tokens' names onto `names`; the last
    /// one's end offset.
    fn read_fields(&mut self, count: usize, names: &mut Vec<Str>) -> Option<u32> {
        let mut end = None;
        for _ in 0..count {
            let f = self.next();
            names.push(self.intern(f.text(self.src).get(1..).unwrap_or("")));
            end = Some(f.end);
        }
        end
    }

    fn unquote(&self, t: Token) -> PResult<String> {
        unquote(t.text(self.src)).ok_or_else(|| self.errorf("invalid syntax".into()))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Control {
    If,
    With,
    Range,
}

impl Control {
    fn name(self) -> &'static str {
        match self {
            Control::If => "if",
            Control::With => "with",
            Control::Range => "range",
        }
    }
}

/// What `text_or_action` found.
enum Item {
    Node(Node),
    Comment(Span),
    /// `{{end}}`: its `{{` and its `}}`.
    End(Token, Token),
    /// `{{else}}`: its `{{`; true when `if`/`with` follows.
    Else(Token, bool),
}

impl Item {
    fn describe(&self) -> &'static str {
        match self {
            Item::End(..) => "{{end}}",
            Item::Else(..) => "{{else}}",
            _ => "node",
        }
    }

    /// Where the list before this item stops.
    fn start_offset(&self) -> u32 {
        match self {
            Item::End(t, _) | Item::Else(t, _) => t.start,
            _ => 0,
        }
    }
}

// ---- literals ----------------------------------------------------------------

/// The inside of a `"…"` literal that needs no unquoting (no escape,
/// quote or newline in it): most template strings.
fn plain_quoted(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.bytes().any(|b| matches!(b, b'\\' | b'"' | b'\n'))).then_some(inner)
}

/// Go's `strconv.Unquote` for "…", `…` and '…' literals.
pub fn unquote(s: &str) -> Option<String> {
    if let Some(inner) = plain_quoted(s) {
        return Some(inner.to_string());
    }
    let bytes = s.as_bytes();
    if bytes.len() < 2 {
        return None;
    }
    let q = bytes[0];
    if bytes[bytes.len() - 1] != q {
        return None;
    }
    let inner = &s[1..s.len() - 1];
    match q {
        b'`' => {
            if inner.contains('`') {
                return None;
            }
            Some(inner.replace('\r', ""))
        }
        b'"' | b'\'' => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars().peekable();
            let mut count = 0;
            while let Some(c) = chars.next() {
                count += 1;
                if c == q as char && q == b'"' {
                    return None;
                }
                if c == '\n' {
                    return None;
                }
                if c != '\\' {
                    out.push(c);
                    continue;
                }
                let e = chars.next()?;
                match e {
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'v' => out.push('\u{b}'),
                    '\\' => out.push('\\'),
                    '\'' if q == b'\'' => out.push('\''),
                    '"' if q == b'"' => out.push('"'),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut v: u32 = 0;
                        for _ in 0..n {
                            let d = chars.next()?.to_digit(16)?;
                            v = v * 16 + d;
                        }
                        if e == 'x' {
                            if q == b'\'' {
                                out.push(char::from_u32(v)?);
                            } else {
                                // A raw byte; only valid UTF-8 survives in our strings.
                                out.push(char::from_u32(v)?);
                            }
                        } else {
                            out.push(char::from_u32(v)?);
                        }
                    }
                    '0'..='7' => {
                        let mut v = e.to_digit(8)?;
                        for _ in 0..2 {
                            v = v * 8 + chars.next()?.to_digit(8)?;
                        }
                        if v > 255 {
                            return None;
                        }
                        out.push(char::from_u32(v)?);
                    }
                    _ => return None,
                }
            }
            if q == b'\'' && count == 0 {
                return None;
            }
            if q == b'\'' && out.chars().count() != 1 {
                return None;
            }
            Some(out)
        }
        _ => None,
    }
}

fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut saw = b'^';
    let mut hex = false;
    let b = if !b.is_empty() && (b[0] == b'+' || b[0] == b'-') {
        &b[1..]
    } else {
        b
    };
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && (c | 0x20).is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
fn parse_uint0(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = if s.len() >= 2 && s.starts_with('0') {
        match s.as_bytes()[1] | 0x20 {
            b'x' => (16, &s[2..]),
            b'o' => (8, &s[2..]),
            b'b' => (2, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(&digits, base).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn parse_int0(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint0(rest)?;
    if neg {
        if u > i64::MAX as u64 + 1 {
            return None;
        }
        Some((u as i128).wrapping_neg() as i64)
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for template number literals.
fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let v = if body.len() > 2 && body.starts_with('0') && body.as_bytes()[1] | 0x20 == b'x' {
        parse_hex_float(&body[2..])?
    } else {
        if !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        body.parse::<f64>().ok().filter(|f| f.is_finite())?
    };
    Some(if neg { -v } else { v })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => return None,
    };
    let mut v = 0f64;
    let mut scale = 0i32;
    let mut seen_dot = false;
    let mut any = false;
    for c in mant.chars() {
        if c == '.' {
            if seen_dot {
                return None;
            }
            seen_dot = true;
            continue;
        }
        let d = c.to_digit(16)?;
        any = true;
        v = v * 16.0 + d as f64;
        if seen_dot {
            scale -= 4;
        }
    }
    if !any {
        return None;
    }
    Some(v * 2f64.powi(exp + scale))
}

/// Go's `parse.newNumber`.
fn new_number(span: Span, text: &str, kind: TokenKind) -> Result<NumberNode, String> {
    let mut n = NumberNode {
        span,
        text: Arc::from(text),
        is_int: false,
        is_uint: false,
        is_float: false,
        int: 0,
        uint: 0,
        float: 0.0,
    };
    if kind == TokenKind::CharConstant {
        let s = unquote(text).ok_or_else(|| {
            // Go: one character, then the closing quote; more is malformed
            // (a bad escape reads "invalid syntax").
            let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
            if inner.chars().count() > 1 && !inner.starts_with('\\') {
                format!("malformed character constant: {text}")
            } else {
                "invalid syntax".to_string()
            }
        })?;
        let c = s
            .chars()
            .next()
            .ok_or_else(|| "invalid syntax".to_string())?;
        n.int = c as i64;
        n.uint = c as u64;
        n.float = c as u32 as f64;
        n.is_int = true;
        n.is_uint = true;
        n.is_float = true;
        return Ok(n);
    }
    if kind == TokenKind::Complex || text.ends_with('i') {
        return Err(format!(
            "complex numbers are not supported: {}",
            lexer::go_quote(text)
        ));
    }
    let u = parse_uint0(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint = u;
    }
    if let Some(i) = parse_int0(text) {
        n.is_int = true;
        n.int = i;
        if i == 0 {
            n.is_uint = true;
            n.uint = 0;
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float = n.uint as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", lexer::go_quote(text)));
        }
        n.is_float = true;
        n.float = f;
        if !n.is_int && (f as i64) as f64 == f && f.is_finite() && f.abs() < 9.3e18 {
            n.is_int = true;
            n.int = f as i64;
        }
        if !n.is_uint && f >= 0.0 && (f as u64) as f64 == f && f < 1.8e19 {
            n.is_uint = true;
            n.uint = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", lexer::go_quote(text)));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn p(src: &str) -> Parsed {
        let source = Arc::new(SourceText::new(SourceId(0), Arc::from(src)));
        parse("t", source, &Delims::default(), &|n| {
            matches!(n, "printf" | "len" | "eq")
        })
    }

    fn err(src: &str) -> String {
        p(src).error.map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn roundtrip_strings() {
        let t = p("a{{ $x := .a.b | printf \"%d\" }}{{if .c}}x{{else if .d}}y{{else}}z{{end}}");
        assert!(t.error.is_none(), "{:?}", t.error);
        let root = &t.trees[0].root;
        assert_eq!(root.nodes.len(), 3);
        assert_eq!(
            root.nodes[1].go_string(&t.trees[0]),
            "{{$x := .a.b | printf \"%d\"}}"
        );
    }

    #[test]
    fn errors_like_go() {
        assert_eq!(
            err("{{ foo }}"),
            "template: t:1: function \"foo\" not defined"
        );
        assert_eq!(err("{{ $x }}"), "template: t:1: undefined variable \"$x\"");
        assert_eq!(err("{{ if 1 }}"), "template: t:1: unexpected EOF");
        assert_eq!(err("{{ end }}"), "template: t:1: unexpected {{end}}");
        assert_eq!(
            err("{{ break }}"),
            "template: t:1: {{break}} outside {{range}}"
        );
        assert_eq!(
            err("{{ 1 | 2 }}"),
            "template: t:1: non executable command in pipeline stage 2"
        );
        assert_eq!(err("{{ }}"), "template: t:1: missing value for command");
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn numbers() {
        let n = new_number(Span::default(), "1_000", TokenKind::Number).unwrap();
        assert_eq!(n.int, 1000);
        let n = new_number(Span::default(), "0x1F", TokenKind::Number).unwrap();
        assert_eq!(n.int, 31);
        let n = new_number(Span::default(), "1e3", TokenKind::Number).unwrap();
        assert!(n.is_float_literal());
        assert_eq!(n.int, 1000);
        let n = new_number(Span::default(), "'a'", TokenKind::CharConstant).unwrap();
        assert_eq!(n.int, 97);
        assert!(!n.is_float_literal());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = format!("{}{}", "{{if 1}}".repeat(5000), "{{end}}".repeat(5000));
        assert!(err(&src).contains("max expression depth exceeded"));
        let src = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
        assert!(err(&src).contains("max expression depth exceeded"));
    }
}
