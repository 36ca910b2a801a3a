//! Loading YAML the way Helm does: saphyr-parser events → a node tree
//! (anchors, aliases) → yaml.v2 decoding (YAML 1.1 scalars, `<<` merges) →
//! sigs.k8s.io/yaml's JSON round trip (string keys, every number `float64`).
//!
//! Besides the [`Value`], a [`PathIndex`] records where every mapping key and
//! value came from, for diagnostics and the language server.

use std::collections::HashMap;
use std::rc::Rc;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::error::{YamlError, YamlErrorKind};
use super::resolve::{Resolved, resolve_plain};
use crate::source::{LineIndex, SourceId, Span};
use crate::template::strconv::format_float;
use crate::template::{Map, Str, Value};

/// One step of a path into a values tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSeg {
    Key(Str),
    Index(usize),
}

/// Where one node of the tree was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The mapping key (absent for list items and the root).
    pub key_span: Option<Span>,
    /// The value node (for aliases: the alias itself).
    pub value_span: Span,
    /// `#` comment lines directly above the key, without the `#` and one space.
    pub comment: Option<String>,
}

/// Path → source positions, for every key and list item of a document.
#[derive(Clone, Debug, Default)]
pub struct PathIndex {
    entries: HashMap<Vec<PathSeg>, Entry>,
}

impl PathIndex {
    /// The entry at a path of keys/indexes (`[]` is the root value).
    pub fn get(&self, path: &[PathSeg]) -> Option<&Entry> {
        self.entries.get(path)
    }

    /// Convenience: a path of map keys only, e.g. `["image", "tag"]`.
    pub fn get_keys(&self, keys: &[&str]) -> Option<&Entry> {
        let path: Vec<PathSeg> = keys.iter().map(|k| PathSeg::Key(Str::from(*k))).collect();
        self.entries.get(&path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Vec<PathSeg>, &Entry)> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A decoded YAML document with positions.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub value: Value,
    pub index: PathIndex,
    /// Span of the whole document's root node (empty for an empty document).
    pub span: Span,
}

/// Reads a values file (`values.yaml`, `-f`) exactly as Helm does:
/// only the first document counts, a null/empty document gives `{}`,
/// anything other than a mapping is an error.
pub fn parse_values(text: &str, source: SourceId) -> Result<Parsed, YamlError> {
    values_document(text, parse_value(text, source)?)
}

/// [`parse_values`] without the [`PathIndex`] (empty): for callers that only
/// need the value (chart loading, the CLI), it skips a path copy and a map
/// insert per node.
pub fn parse_values_unindexed(text: &str, source: SourceId) -> Result<Parsed, YamlError> {
    values_document(text, parse_value_unindexed(text, source)?)
}

fn values_document(text: &str, mut parsed: Parsed) -> Result<Parsed, YamlError> {
    match parsed.value {
        Value::Map(_) => Ok(parsed),
        Value::Nil => {
            parsed.value = Value::empty_map();
            Ok(parsed)
        }
        ref other => Err(unmarshal_error(
            other,
            "map[string]interface {}",
            parsed.span,
            text,
        )),
    }
}

/// Reads the first document of `text` into any value, as
/// `sigs.k8s.io/yaml.Unmarshal` into `interface{}` does (later documents are
/// ignored, as yaml.v2 does; an empty text is `Nil`).
pub fn parse_value(text: &str, source: SourceId) -> Result<Parsed, YamlError> {
    with_tab_fixes(text, |text| parse_first(text, source, true))
}

/// [`parse_value`] without the [`PathIndex`] (empty).
pub fn parse_value_unindexed(text: &str, source: SourceId) -> Result<Parsed, YamlError> {
    with_tab_fixes(text, |text| parse_first(text, source, false))
}

fn parse_first(text: &str, source: SourceId, indexing: bool) -> Result<Parsed, YamlError> {
    let mut loader = Loader::new(text, source);
    loader.indexing = indexing;
    let doc = loader.next_document()?;
    match doc {
        None => Ok(Parsed {
            value: Value::Nil,
            index: PathIndex::default(),
            span: Span::new(source, 0, 0),
        }),
        Some(root) => loader.convert_document(&root),
    }
}

/// Reads every document of a YAML stream (rendered manifests, multi-doc
/// files). Each document is decoded like [`parse_value`]; an error stops the
/// stream (like a syntax error in libyaml does).
pub fn parse_documents(text: &str, source: SourceId) -> Result<Vec<Parsed>, YamlError> {
    with_tab_fixes(text, |text| parse_all(text, source))
}

fn parse_all(text: &str, source: SourceId) -> Result<Vec<Parsed>, YamlError> {
    let mut loader = Loader::new(text, source);
    let mut docs = Vec::new();
    while let Some(root) = loader.next_document()? {
        docs.push(loader.convert_document(&root)?);
    }
    Ok(docs)
}

const TAB_AFTER_COLON: &str = "':' must be followed by a valid YAML whitespace";

/// saphyr rejects a tab between `:` and a value, which libyaml accepts. The
/// tab is only separation, so retry with it read as a space (byte offsets
/// stay the same).
fn with_tab_fixes<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, YamlError>,
) -> Result<T, YamlError> {
    let mut patched: Option<String> = None;
    for _ in 0..1000 {
        let current = patched.as_deref().unwrap_or(text);
        match parse(current) {
            Err(e) if e.message == TAB_AFTER_COLON => {
                let mut bytes = current.as_bytes().to_vec();
                let mut i = (e.span.start as usize).min(bytes.len());
                let mut changed = false;
                while i > 0 && bytes[i - 1] == b'\t' {
                    bytes[i - 1] = b' ';
                    i -= 1;
                    changed = true;
                }
                if !changed {
                    return Err(e);
                }
                patched = Some(String::from_utf8_lossy(&bytes).into_owned());
            }
            other => return other,
        }
    }
    parse(patched.as_deref().unwrap_or(text))
}

/// The error `encoding/json` gives when the document's root does not fit the
/// target (`map[string]interface {}` or `[]interface {}`).
pub(crate) fn unmarshal_error(value: &Value, target: &str, span: Span, text: &str) -> YamlError {
    let found = match value {
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    };
    let go = format!(
        "while decoding JSON: json: cannot unmarshal {found} into Go value of type {target}"
    );
    YamlError {
        kind: YamlErrorKind::Unmarshal,
        span,
        pos: LineIndex::new(text).line_col(span.start as usize),
        message: format!("expected a mapping at the top level, found {found}"),
        go_message: go,
    }
}

/// The byte offset of saphyr's char index (`char_to_byte` is absent for
/// ASCII texts).
fn byte_of(char_to_byte: Option<&[u32]>, len: usize, char_index: usize) -> usize {
    match char_to_byte {
        None => char_index.min(len),
        Some(v) => v.get(char_index).or(v.last()).map_or(len, |&b| b as usize),
    }
}

// ---------------------------------------------------------------------------
// Node tree

#[derive(Debug)]
enum NodeKind {
    Scalar {
        text: String,
        style: ScalarStyle,
        tag: Option<Tag>,
    },
    Seq(Vec<Rc<Node>>),
    Map(Vec<(Rc<Node>, Rc<Node>)>),
    Alias(Rc<Node>),
}

#[derive(Debug)]
struct Node {
    kind: NodeKind,
    span: Span,
}

impl Node {
    /// Follows aliases to the node they name.
    fn target(&self) -> &Node {
        match &self.kind {
            NodeKind::Alias(target) => target.target(),
            _ => self,
        }
    }
}

enum Frame {
    Seq {
        items: Vec<Rc<Node>>,
        start: usize,
        anchor: usize,
    },
    Map {
        items: Vec<(Rc<Node>, Rc<Node>)>,
        pending_key: Option<Rc<Node>>,
        start: usize,
        anchor: usize,
    },
}

/// Most nodes a document may expand to through aliases (yaml.v2 rejects
/// "billion laughs" documents too).
const MAX_EXPANDED_NODES: usize = 5_000_000;

/// Where events come from: the fast block reader when it takes the text
/// (spans already in bytes), saphyr otherwise.
#[allow(clippy::large_enum_variant)] // one per document read, on the stack
enum Events<'a> {
    Fast(std::vec::IntoIter<super::fast::Spanned<'a>>),
    Saphyr(Parser<'a, saphyr_parser::StrInput<'a>>),
}

struct Loader<'a> {
    text: &'a str,
    source: SourceId,
    events: Events<'a>,
    /// Byte offset of each char index, when saphyr reads a non-ASCII text.
    char_to_byte: Option<Vec<u32>>,
    lines: LineIndex,
    /// Stream finished (or an error was returned).
    done: bool,
    expanded: usize,
    pending_json_error: Option<YamlError>,
    /// Record every key's position in the [`PathIndex`].
    indexing: bool,
}

impl<'a> Loader<'a> {
    fn new(text: &'a str, source: SourceId) -> Loader<'a> {
        let (events, char_to_byte) = match super::fast::scan(text) {
            Some(events) => (Events::Fast(events.into_iter()), None),
            None if text.is_ascii() => (Events::Saphyr(Parser::new_from_str(text)), None),
            None => {
                let mut v: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
                v.push(text.len() as u32);
                (Events::Saphyr(Parser::new_from_str(text)), Some(v))
            }
        };
        Loader {
            text,
            source,
            events,
            char_to_byte,
            lines: LineIndex::new(text),
            done: false,
            expanded: 0,
            pending_json_error: None,
            indexing: true,
        }
    }

    fn byte_of(&self, char_index: usize) -> usize {
        byte_of(self.char_to_byte.as_deref(), self.text.len(), char_index)
    }

    fn error(&self, kind: YamlErrorKind, at: Span, message: String, go: String) -> YamlError {
        YamlError {
            kind,
            span: at,
            pos: self.lines.line_col(at.start as usize),
            message,
            go_message: go,
        }
    }

    /// The next document's root node; `None` at the end of the stream.
    fn next_document(&mut self) -> Result<Option<Rc<Node>>, YamlError> {
        if self.done {
            return Ok(None);
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut anchors: HashMap<usize, Rc<Node>> = HashMap::new();
        let mut open_anchors: Vec<usize> = Vec::new();
        let mut root: Option<Rc<Node>> = None;
        let mut in_doc = false;
        // One entry per open collection: `Some('[')`/`Some('{')` for flow ones.
        let mut flows: Vec<Option<u8>> = Vec::new();
        loop {
            let next = match &mut self.events {
                Events::Fast(events) => events
                    .next()
                    .map(|(ev, start, end)| Ok((ev, Span::new(self.source, start, end)))),
                Events::Saphyr(parser) => parser.next_event().map(|r| {
                    r.map(|(ev, s)| {
                        let byte = |i| byte_of(self.char_to_byte.as_deref(), self.text.len(), i);
                        let span =
                            Span::new(self.source, byte(s.start.index()), byte(s.end.index()));
                        (ev, span)
                    })
                }),
            };
            let Some(next) = next else {
                self.done = true;
                return Ok(root);
            };
            let (event, span) = match next {
                Ok(ev) => ev,
                Err(e) => {
                    self.done = true;
                    let open_flow = flows.iter().rev().find_map(|f| *f);
                    return Err(self.scan_error(&e, open_flow));
                }
            };
            let in_flow = flows.iter().any(Option::is_some);
            // The fast reader declines texts with tabs.
            if !in_flow
                && matches!(self.events, Events::Saphyr(_))
                && matches!(
                    event,
                    Event::Scalar(..)
                        | Event::Alias(_)
                        | Event::SequenceStart(..)
                        | Event::MappingStart(..)
                )
                && let Some(e) = self.tab_indentation(span)
            {
                self.done = true;
                return Err(e);
            }
            let node = match event {
                Event::StreamStart | Event::Nothing => continue,
                Event::StreamEnd => {
                    self.done = true;
                    return Ok(root);
                }
                Event::DocumentStart(_) => {
                    in_doc = true;
                    continue;
                }
                Event::DocumentEnd => {
                    if in_doc {
                        // An empty document is a null root.
                        return Ok(Some(root.unwrap_or_else(|| {
                            Rc::new(Node {
                                kind: NodeKind::Scalar {
                                    text: String::new(),
                                    style: ScalarStyle::Plain,
                                    tag: None,
                                },
                                span,
                            })
                        })));
                    }
                    continue;
                }
                Event::Alias(id) => {
                    let name = self.alias_name(span);
                    if open_anchors.contains(&id) {
                        self.done = true;
                        return Err(self.error(
                            YamlErrorKind::Decode,
                            span,
                            format!("alias *{name} refers to a node that contains it"),
                            format!("yaml: anchor '{name}' value contains itself"),
                        ));
                    }
                    let Some(target) = anchors.get(&id).cloned() else {
                        self.done = true;
                        return Err(self.error(
                            YamlErrorKind::Decode,
                            span,
                            format!("unknown anchor '{name}'"),
                            format!("yaml: unknown anchor '{name}' referenced"),
                        ));
                    };
                    Rc::new(Node {
                        kind: NodeKind::Alias(target),
                        span,
                    })
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let mut text = text.into_owned();
                    if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                        && span.end as usize >= self.text.len()
                        && !self.text.ends_with('\n')
                        && text.ends_with('\n')
                    {
                        // libyaml keeps only line breaks that exist; saphyr
                        // invents one at an unterminated last line.
                        text.pop();
                    }
                    let node = Rc::new(Node {
                        kind: NodeKind::Scalar {
                            text,
                            style,
                            tag: tag.map(|t| t.into_owned()),
                        },
                        span,
                    });
                    if anchor != 0 {
                        anchors.insert(anchor, node.clone());
                    }
                    node
                }
                Event::SequenceStart(anchor, _) => {
                    flows.push(self.flow_open(span));
                    if anchor != 0 {
                        open_anchors.push(anchor);
                    }
                    stack.push(Frame::Seq {
                        items: Vec::new(),
                        start: span.start as usize,
                        anchor,
                    });
                    continue;
                }
                Event::MappingStart(anchor, _) => {
                    flows.push(self.flow_open(span));
                    if anchor != 0 {
                        open_anchors.push(anchor);
                    }
                    stack.push(Frame::Map {
                        items: Vec::new(),
                        pending_key: None,
                        start: span.start as usize,
                        anchor,
                    });
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    flows.pop();
                    let Some(frame) = stack.pop() else {
                        continue;
                    };
                    let (kind, start, anchor, end) = match frame {
                        Frame::Seq {
                            items,
                            start,
                            anchor,
                        } => {
                            let end = items.last().map_or(span.end, |n| n.span.end);
                            (NodeKind::Seq(items), start, anchor, end)
                        }
                        Frame::Map {
                            items,
                            start,
                            anchor,
                            ..
                        } => {
                            let end = items.last().map_or(span.end, |(_, v)| v.span.end);
                            (NodeKind::Map(items), start, anchor, end)
                        }
                    };
                    let end = (end as usize).max(start);
                    let node = Rc::new(Node {
                        kind,
                        span: Span::new(self.source, start, end),
                    });
                    if anchor != 0 {
                        open_anchors.retain(|&a| a != anchor);
                        anchors.insert(anchor, node.clone());
                    }
                    node
                }
            };
            match stack.last_mut() {
                None => root = Some(node),
                Some(Frame::Seq { items, .. }) => items.push(node),
                Some(Frame::Map {
                    items, pending_key, ..
                }) => match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(k) => items.push((k, node)),
                },
            }
        }
    }

    /// `[` or `{` when a collection starting at `span` is a flow one.
    fn flow_open(&self, span: Span) -> Option<u8> {
        match self.text.as_bytes().get(span.start as usize) {
            Some(&c @ (b'[' | b'{')) => Some(c),
            _ => None,
        }
    }

    /// libyaml refuses tabs in block indentation ("found character that
    /// cannot start any token"); saphyr accepts some.
    fn tab_indentation(&self, span: Span) -> Option<YamlError> {
        let start = span.start as usize;
        let line = self.lines.line_of(start);
        let line_start = self.lines.line_start(line)?;
        let before = self.text.get(line_start..start)?;
        if !before.bytes().all(|c| c == b' ' || c == b'\t') {
            return None;
        }
        let tab = line_start + before.find('\t')?;
        let at = Span::new(self.source, tab, tab + 1);
        let go = if line == 0 {
            "yaml: found character that cannot start any token".to_string()
        } else {
            format!(
                "yaml: line {}: found character that cannot start any token",
                line + 1
            )
        };
        Some(self.error(
            YamlErrorKind::Scan,
            at,
            "tabs are not allowed in indentation".into(),
            go,
        ))
    }

    /// The anchor name written after `*` at an alias.
    fn alias_name(&self, span: Span) -> String {
        let rest = self.text.get(span.start as usize..).unwrap_or("");
        let rest = rest.strip_prefix('*').unwrap_or(rest);
        rest.chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
            .collect()
    }

    fn scan_error(&self, e: &ScanError, open_flow: Option<u8>) -> YamlError {
        let offset = self.byte_of(e.marker().index());
        let at = Span::new(self.source, offset, offset);
        let info = e.info();
        let (mut kind, mut problem) = go_problem(info);
        if info.starts_with("invalid indentation") {
            // libyaml ignores indentation inside flow collections and fails
            // later, when the next token is not a separator.
            match open_flow {
                Some(b'[') => {
                    kind = YamlErrorKind::Parse;
                    problem = "did not find expected ',' or ']'".into();
                }
                Some(_) => {
                    kind = YamlErrorKind::Parse;
                    problem = "did not find expected ',' or '}'".into();
                }
                None => {}
            }
        }
        if problem == "unknown anchor" {
            let name = self.alias_name(at);
            return self.error(
                YamlErrorKind::Decode,
                at,
                format!("unknown anchor '{name}'"),
                format!("yaml: unknown anchor '{name}' referenced"),
            );
        }
        // libyaml marks are 0-based; yaml.v2 prints scanner lines +1 and
        // parser lines as they are, and nothing when the line is 0.
        let mut line0 = e.marker().line().saturating_sub(1);
        if kind == YamlErrorKind::Parse && offset >= self.text.len() && !self.text.ends_with('\n') {
            // libyaml forces a line break before the stream end.
            line0 = self.lines.line_count();
        }
        let go_line = match kind {
            YamlErrorKind::Scan if line0 != 0 => Some(line0 + 1),
            YamlErrorKind::Parse if line0 != 0 => Some(line0),
            _ => None,
        };
        let go = match go_line {
            Some(l) => format!("yaml: line {l}: {problem}"),
            None => format!("yaml: {problem}"),
        };
        self.error(kind, at, info.to_string(), go)
    }

    // -----------------------------------------------------------------------
    // Decoding (yaml.v2) + JSON conversion (sigs.k8s.io/yaml)

    fn convert_document(&mut self, root: &Rc<Node>) -> Result<Parsed, YamlError> {
        self.expanded = 0;
        self.pending_json_error = None;
        let mut index = PathIndex::default();
        let mut path = Vec::new();
        let value = self.convert(root, &mut path, &mut index)?;
        index.entries.insert(
            Vec::new(),
            Entry {
                key_span: None,
                value_span: root.span,
                comment: None,
            },
        );
        if let Some(e) = self.pending_json_error.take() {
            return Err(e);
        }
        Ok(Parsed {
            value,
            index,
            span: root.span,
        })
    }

    fn count(&mut self, at: Span) -> Result<(), YamlError> {
        self.expanded += 1;
        if self.expanded > MAX_EXPANDED_NODES {
            return Err(self.error(
                YamlErrorKind::Decode,
                at,
                "the document expands to too many nodes through aliases".into(),
                "yaml: document contains excessive aliasing".into(),
            ));
        }
        Ok(())
    }

    fn convert(
        &mut self,
        node: &Node,
        path: &mut Vec<PathSeg>,
        index: &mut PathIndex,
    ) -> Result<Value, YamlError> {
        self.count(node.span)?;
        match &node.kind {
            NodeKind::Alias(target) => self.convert(target, path, index),
            NodeKind::Scalar { text, style, tag } => {
                self.scalar_value(text, *style, tag.as_ref(), node.span)
            }
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    path.push(PathSeg::Index(i));
                    let v = self.convert(item, path, index)?;
                    if self.indexing {
                        index.entries.insert(
                            path.clone(),
                            Entry {
                                key_span: None,
                                value_span: item.span,
                                comment: None,
                            },
                        );
                    }
                    path.pop();
                    out.push(v);
                }
                Ok(Value::list(out))
            }
            NodeKind::Map(_) => {
                let mut out = Map::new();
                self.fill_map(node, path, index, &mut out)?;
                Ok(Value::map(out))
            }
        }
    }

    /// Decodes mapping `node` into `out` in document order: later keys win,
    /// and `<<` merges overwrite what came before them (yaml.v2 semantics).
    fn fill_map(
        &mut self,
        node: &Node,
        path: &mut Vec<PathSeg>,
        index: &mut PathIndex,
        out: &mut Map,
    ) -> Result<(), YamlError> {
        let NodeKind::Map(pairs) = &node.target().kind else {
            return Ok(());
        };
        for (k, v) in pairs {
            if is_merge_key(k) {
                self.merge(v, path, index, out)?;
                continue;
            }
            let key = self.key_string(k, v)?;
            path.push(PathSeg::Key(key.clone()));
            let value = self.convert(v, path, index)?;
            if self.indexing {
                index.entries.insert(
                    path.clone(),
                    Entry {
                        key_span: Some(k.span),
                        value_span: v.span,
                        comment: self.comment_above(k.span),
                    },
                );
            }
            path.pop();
            out.insert(key, value);
        }
        Ok(())
    }

    fn merge(
        &mut self,
        value: &Node,
        path: &mut Vec<PathSeg>,
        index: &mut PathIndex,
        out: &mut Map,
    ) -> Result<(), YamlError> {
        let want_map = |this: &Self| {
            this.error(
                YamlErrorKind::Decode,
                value.span,
                "a `<<` merge key needs a mapping or a list of mappings".into(),
                "yaml: map merge requires map or sequence of maps as the value".into(),
            )
        };
        match &value.target().kind {
            NodeKind::Map(_) => self.fill_map(value, path, index, out),
            NodeKind::Seq(items) => {
                // Earlier maps take precedence: apply them last.
                for item in items.iter().rev() {
                    if !matches!(item.target().kind, NodeKind::Map(_)) {
                        return Err(want_map(self));
                    }
                    self.fill_map(item, path, index, out)?;
                }
                Ok(())
            }
            _ => Err(want_map(self)),
        }
    }

    /// The JSON key sigs.k8s.io/yaml makes of a YAML key.
    fn key_string(&mut self, key: &Node, value: &Node) -> Result<Str, YamlError> {
        let target = key.target();
        let NodeKind::Scalar { text, style, tag } = &target.kind else {
            let shown = go_sharp_v(target);
            return Err(self.error(
                YamlErrorKind::Decode,
                key.span,
                "a mapping key must be a scalar".into(),
                format!("yaml: invalid map key: {shown}"),
            ));
        };
        let decoded = self.decode_scalar(text, *style, tag.as_ref(), key.span)?;
        Ok(match decoded {
            Decoded::Str(s) => Str::from(s),
            Decoded::Bool(b) => Str::from(if b { "true" } else { "false" }),
            Decoded::Int(i) => Str::from(i.to_string()),
            Decoded::Float(f) => {
                let s = format_float_32(f);
                Str::from(match s.as_str() {
                    "+Inf" => ".inf".to_string(),
                    "-Inf" => "-.inf".to_string(),
                    "NaN" => ".nan".to_string(),
                    _ => s,
                })
            }
            Decoded::Uint(u) => {
                return Err(self.unsupported_key("uint64", &format!("0x{u:x}"), value, key.span));
            }
            Decoded::Null => {
                return Err(self.unsupported_key("%!s(<nil>)", "<nil>", value, key.span));
            }
        })
    }

    fn unsupported_key(&self, ty: &str, shown: &str, value: &Node, at: Span) -> YamlError {
        let v = go_plus_sharp_v(value);
        self.error(
            YamlErrorKind::Convert,
            at,
            format!("unsupported mapping key {shown}: keys must be strings, numbers or booleans"),
            format!("Unsupported map key of type: {ty}, key: {shown}, value: {v}"),
        )
    }

    fn scalar_value(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        at: Span,
    ) -> Result<Value, YamlError> {
        Ok(match self.decode_scalar(text, style, tag, at)? {
            Decoded::Null => Value::Nil,
            Decoded::Bool(b) => Value::Bool(b),
            Decoded::Int(i) => Value::Float(i as f64),
            Decoded::Uint(u) => Value::Float(u as f64),
            Decoded::Float(f) => {
                if !f.is_finite() && self.pending_json_error.is_none() {
                    let shown = format_float(f, 'g', -1);
                    self.pending_json_error = Some(self.error(
                        YamlErrorKind::Convert,
                        at,
                        format!("{shown} cannot be represented in JSON"),
                        format!("json: unsupported value: {shown}"),
                    ));
                }
                Value::Float(f)
            }
            Decoded::Str(s) => Value::from_string(s),
        })
    }

    /// yaml.v2's decoding of one scalar into `interface{}`.
    fn decode_scalar(
        &self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        at: Span,
    ) -> Result<Decoded, YamlError> {
        let short = tag.map(short_tag);
        let plain = matches!(style, ScalarStyle::Plain);
        if short.is_none() {
            if !plain {
                return Ok(Decoded::Str(text.to_string()));
            }
            return Ok(from_resolved(resolve_plain(text), text));
        }
        let short = short.unwrap_or_default();
        match short.as_str() {
            "!!str" => Ok(Decoded::Str(text.to_string())),
            "!!binary" => {
                use base64::Engine;
                let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                match base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()) {
                    Ok(bytes) => Ok(Decoded::Str(String::from_utf8_lossy(&bytes).into_owned())),
                    Err(_) => Err(self.error(
                        YamlErrorKind::Decode,
                        at,
                        "invalid base64 in a !!binary value".into(),
                        "yaml: !!binary value contains invalid base64 data".into(),
                    )),
                }
            }
            "!!int" | "!!float" | "!!bool" | "!!null" | "!!timestamp" | "!!merge" => {
                let r = resolve_plain(text);
                let rtag = resolved_tag(&r);
                let ok = rtag == short || (short == "!!float" && rtag == "!!int");
                if !ok {
                    return Err(self.error(
                        YamlErrorKind::Decode,
                        at,
                        format!("`{text}` is not a valid {short}"),
                        format!("yaml: cannot decode {rtag} `{text}` as a {short}"),
                    ));
                }
                Ok(match (short.as_str(), r) {
                    ("!!float", Resolved::Int(i)) => Decoded::Float(i as f64),
                    (_, r) => from_resolved(r, text),
                })
            }
            // Unknown tags keep the text as a string.
            _ => Ok(Decoded::Str(text.to_string())),
        }
    }

    /// Comment lines directly above the line of `key` (only when the key
    /// starts its line, possibly after `- `).
    fn comment_above(&self, key: Span) -> Option<String> {
        let start = key.start as usize;
        let line = self.lines.line_of(start);
        let line_start = self.lines.line_start(line)?;
        let before = self.text.get(line_start..start)?;
        if !before.chars().all(|c| c == ' ' || c == '-') {
            return None;
        }
        let mut lines = Vec::new();
        let mut l = line;
        while l > 0 {
            l -= 1;
            let s = self.lines.line_start(l)?;
            let e = self.lines.line_start(l + 1)?;
            let content = self.text.get(s..e)?.trim();
            let Some(c) = content.strip_prefix('#') else {
                break;
            };
            lines.push(c.strip_prefix(' ').unwrap_or(c).to_string());
        }
        if lines.is_empty() {
            return None;
        }
        lines.reverse();
        Some(lines.join("\n"))
    }
}

enum Decoded {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

fn from_resolved(r: Resolved, text: &str) -> Decoded {
    match r {
        Resolved::Null => Decoded::Null,
        Resolved::Bool(b) => Decoded::Bool(b),
        Resolved::Int(i) => Decoded::Int(i),
        Resolved::Uint(u) => Decoded::Uint(u),
        Resolved::Float(f) => Decoded::Float(f),
        Resolved::Timestamp | Resolved::Merge | Resolved::Str => Decoded::Str(text.to_string()),
    }
}

fn resolved_tag(r: &Resolved) -> &'static str {
    match r {
        Resolved::Null => "!!null",
        Resolved::Bool(_) => "!!bool",
        Resolved::Int(_) | Resolved::Uint(_) => "!!int",
        Resolved::Float(_) => "!!float",
        Resolved::Timestamp => "!!timestamp",
        Resolved::Merge => "!!merge",
        Resolved::Str => "!!str",
    }
}

/// `!!str` style short form of a core-schema tag; other tags as written.
fn short_tag(tag: &Tag) -> String {
    if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
        format!("!!{}", tag.suffix)
    } else if let Some(rest) = tag.suffix.strip_prefix("tag:yaml.org,2002:") {
        format!("!!{rest}")
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

fn is_merge_key(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar { text, style, tag } => {
            text == "<<"
                && match tag {
                    None => matches!(style, ScalarStyle::Plain),
                    Some(t) => short_tag(t) == "!!merge",
                }
        }
        _ => false,
    }
}

/// Go `strconv.FormatFloat(f, 'g', -1, 32)`: the shortest digits that
/// identify the float32, laid out like the 64-bit `%g`.
fn format_float_32(f: f64) -> String {
    let single = f as f32;
    if !single.is_finite() {
        return format_float(f64::from(single), 'g', -1);
    }
    // The decimal with float32's shortest digits has the same digits as the
    // shortest form of the nearest float64, so format that.
    let digits = format!("{single:e}");
    let back: f64 = digits.parse().unwrap_or(f64::from(single));
    format_float(back, 'g', -1)
}

/// Maps a saphyr message to libyaml's problem text and layer.
fn go_problem(info: &str) -> (YamlErrorKind, String) {
    use YamlErrorKind::{Parse, Scan};
    let table: &[(&str, YamlErrorKind, &str)] = &[
        (
            "did not find expected key",
            Parse,
            "did not find expected key",
        ),
        (
            "did not find expected '-' indicator",
            Parse,
            "did not find expected '-' indicator",
        ),
        (
            "did not find expected ',' or '}'",
            Parse,
            "did not find expected ',' or '}'",
        ),
        (
            "expected ',' or ']'",
            Parse,
            "did not find expected ',' or ']'",
        ),
        (
            "did not find expected node content",
            Parse,
            "did not find expected node content",
        ),
        (
            "did not find expected <document start>",
            Parse,
            "did not find expected <document start>",
        ),
        (
            "did not find expected <document-start>",
            Parse,
            "did not find expected <document start>",
        ),
        ("found unknown anchor", Parse, "unknown anchor"),
        (
            "found unexpected end of stream",
            Scan,
            "found unexpected end of stream",
        ),
        (
            "found unexpected document indicator",
            Scan,
            "found unexpected document indicator",
        ),
        (
            "unexpected character",
            Scan,
            "found character that cannot start any token",
        ),
        (
            "tabs disallowed",
            Scan,
            "found character that cannot start any token",
        ),
        (
            "tab cannot be used",
            Scan,
            "found character that cannot start any token",
        ),
        ("simple key expect ':'", Scan, "could not find expected ':'"),
        ("simple key expected", Scan, "could not find expected ':'"),
        (
            "found unknown escape character",
            Scan,
            "found unknown escape character",
        ),
    ];
    for (needle, kind, go) in table {
        if info.contains(needle) {
            return (*kind, (*go).to_string());
        }
    }
    let problem = match info.strip_prefix("while ") {
        Some(rest) => rest.split_once(", ").map_or(info, |(_, p)| p),
        None => info,
    };
    (Scan, problem.to_string())
}

/// Go `%#v` of a decoded yaml.v2 node (used in error messages only).
fn go_sharp_v(node: &Node) -> String {
    let node = node.target();
    match &node.kind {
        NodeKind::Scalar { text, style, .. } => {
            let r = if matches!(style, ScalarStyle::Plain) {
                resolve_plain(text)
            } else {
                Resolved::Str
            };
            match r {
                Resolved::Null => "interface {}(nil)".into(),
                Resolved::Bool(b) => b.to_string(),
                Resolved::Int(i) => i.to_string(),
                Resolved::Uint(u) => format!("0x{u:x}"),
                Resolved::Float(f) => format_float(f, 'g', -1),
                _ => go_quote(text),
            }
        }
        NodeKind::Seq(items) => {
            let parts: Vec<String> = items.iter().map(|n| go_sharp_v(n)).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        NodeKind::Map(pairs) => {
            let parts: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}:{}", go_sharp_v(k), go_sharp_v(v)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", parts.join(", "))
        }
        NodeKind::Alias(_) => String::new(),
    }
}

/// Go `%+#v` of a value in `Unsupported map key` messages.
fn go_plus_sharp_v(node: &Node) -> String {
    let t = node.target();
    match &t.kind {
        NodeKind::Scalar { text, style, .. }
            if matches!(style, ScalarStyle::Plain) && resolve_plain(text) == Resolved::Null =>
        {
            "<nil>".into()
        }
        _ => go_sharp_v(t),
    }
}

/// Go `strconv.Quote`-like quoting for messages.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
