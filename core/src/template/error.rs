//! Template errors: parse errors and execution errors, worded as Go/Helm.
//!
//! The `Display` of each error is exactly Go's `err.Error()` text, because
//! Helm prints (and sometimes rewrites) that string. The structured fields
//! (span, template name, caller chain) are for the language server and for
//! better diagnostics; they never change the text.

use std::fmt;

use crate::source::Span;

use super::value::Str;

/// A parse error: Go's `template: NAME:LINE: MESSAGE`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("template: {name}:{line}: {message}")]
pub struct ParseError {
    /// The parse name (the file the text came from).
    pub name: Str,
    /// 1-based line as Go reports it.
    pub line: u32,
    /// Go's message without the `template: NAME:LINE: ` prefix.
    pub message: String,
    /// Where in the source the parser was when it failed.
    pub span: Span,
}

impl ParseError {
    /// Helm's rewrite of a parse error: `parse error at (NAME:LINE): MESSAGE`.
    pub fn helm_message(&self) -> String {
        format!(
            "parse error at ({}:{}): {}",
            self.name, self.line, self.message
        )
    }
}

/// What kind of execution failure happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExecErrorKind {
    /// An error Go's `text/template` reports (wrong type, nil pointer, …).
    Template,
    /// A function returned an error (`error calling NAME: …`).
    Function,
    /// Output or step budget exhausted (ours; Go has no such limit).
    Budget,
    /// A parse error inside `tpl` or a missing template.
    Parse,
}

#[derive(Clone, Debug, PartialEq)]
struct ExecErrorInner {
    kind: ExecErrorKind,
    message: String,
    span: Option<Span>,
    template: Str,
    cause: Option<ExecError>,
}

/// An execution error. `Display` is Go's full message, e.g.
/// `template: c/templates/x.yaml:1:13: executing "c/templates/x.yaml" at <.Values.a.b>: nil pointer evaluating interface {}.b`.
#[derive(Clone, PartialEq)]
pub struct ExecError(Box<ExecErrorInner>);

impl ExecError {
    pub(crate) fn new(
        kind: ExecErrorKind,
        message: String,
        span: Option<Span>,
        template: Str,
        cause: Option<ExecError>,
    ) -> ExecError {
        ExecError(Box::new(ExecErrorInner {
            kind,
            message,
            span,
            template,
            cause,
        }))
    }

    pub fn kind(&self) -> ExecErrorKind {
        self.0.kind
    }

    /// The full Go message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The span of the node being executed when the error happened.
    pub fn span(&self) -> Option<Span> {
        self.0.span
    }

    /// The name of the template being executed (Go's `executing "NAME"`).
    pub fn template(&self) -> &str {
        &self.0.template
    }

    /// The error inside an `include`/`tpl` call this one wraps, if any.
    pub fn cause(&self) -> Option<&ExecError> {
        self.0.cause.as_ref()
    }

    /// The innermost error of the include/tpl chain (where the fault is).
    pub fn innermost(&self) -> &ExecError {
        let mut e = self;
        while let Some(c) = e.cause() {
            e = c;
        }
        e
    }
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Debug for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExecError({:?}: {})", self.0.kind, self.0.message)
    }
}

impl std::error::Error for ExecError {}

/// Either kind of template error.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    Exec(#[from] ExecError),
}
