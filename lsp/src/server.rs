//! The LSP entry points. Each handler converts the request to byte offsets
//! and paths, asks `chart_core::ide` on a snapshot, and converts back.
//!
//! Ordering: document changes are applied synchronously at the start of their
//! handler (before any `.await`), so they take effect in arrival order; long
//! work runs in the diagnostics worker, never in a handler.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chart_core::ide::render::LiveChart;
use chart_core::ide::template::{Inputs, Target};
use chart_core::ide::{self, CompletionKind};
use ropey::Rope;
use serde_json::Value as Json;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert::{self, Encoding};
use crate::diagnostics::{self, Queue};
use crate::snapshot::{self, ChartSnapshot, RenderRoot, Renders};
use crate::state::{Document, Settings, State, path_uri, uri_path};

/// The command that returns a template's rendered output.
pub const RENDER_PREVIEW: &str = "chart.renderPreview";

pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    queue: Arc<Queue>,
    renders: Arc<Renders>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::new(Mutex::new(State::default())),
            queue: Arc::new(Queue::default()),
            renders: Arc::new(Renders::default()),
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>> {
        self.state.lock().map_err(|_| Error::internal_error())
    }

    /// Marks the chart of `path` (and the charts whose values it affects) dirty.
    fn mark(&self, st: &mut State, path: &Path) {
        let Some(ci) = st.chart_of(path) else { return };
        // A chart's values reach its subcharts, so they need a new look too.
        let mut todo = vec![ci];
        let mut seen = Vec::new();
        while let Some(c) = todo.pop() {
            if seen.contains(&c) {
                continue;
            }
            seen.push(c);
            todo.extend(st.workspace.children(c));
            if let Some(cd) = st.workspace.charts.get(c) {
                self.queue.mark(cd.dir.clone());
            }
        }
    }

    /// The snapshot of the chart holding `path`, with the document's rope and
    /// the encoding, for a position request.
    fn request_context(
        &self,
        uri: &Uri,
    ) -> Result<Option<(PathBuf, Rope, Encoding, ChartSnapshot)>> {
        let Some(path) = uri_path(uri) else {
            return Ok(None);
        };
        let mut st = self.lock()?;
        let Some(rope) = st.rope_of(&path) else {
            return Ok(None);
        };
        let Some(ci) = st.chart_of(&path) else {
            return Ok(None);
        };
        let enc = st.encoding;
        Ok(snapshot::chart(&st, ci).map(|s| (path, rope, enc, s)))
    }

    /// An LSP location for a span in one of the snapshot's values files.
    fn location(
        &self,
        snap: &ChartSnapshot,
        layer: usize,
        start: usize,
        end: usize,
        enc: Encoding,
    ) -> Option<Location> {
        let l = snap.stack.layers.get(layer)?;
        let rope = Rope::from_str(&l.text);
        Some(Location::new(
            path_uri(&l.path)?,
            convert::range(&rope, start, end, enc),
        ))
    }
}

/// What a request on a template file needs, cut under the state lock.
struct TemplateReq {
    path: PathBuf,
    rope: Rope,
    enc: Encoding,
    root: RenderRoot,
    overlay: Arc<std::collections::HashMap<PathBuf, Arc<str>>>,
    snap: Option<ChartSnapshot>,
    /// The template's chart's Chart.yaml: path and text.
    chart_yaml: Option<(PathBuf, Arc<str>)>,
}

impl TemplateReq {
    /// Runs `f` on the live render with the template's file index.
    fn run<R>(
        &self,
        renders: &Renders,
        f: impl FnOnce(&LiveChart, usize, &Inputs<'_>) -> Option<R>,
    ) -> Option<R> {
        renders
            .with(&self.root, &self.overlay, |live| {
                let fi = live.file_index(&self.path)?;
                let inputs = Inputs {
                    stack: self.snap.as_ref().map(|s| &s.stack),
                    schema: self.snap.as_ref().and_then(|s| s.schema.as_ref()),
                    chart_yaml: self.chart_yaml.as_ref().map(|(_, t)| &**t),
                };
                f(live, fi, &inputs)
            })
            .flatten()
    }

    /// The locations of the targets `find` gives at `position` (definition
    /// or references), empty when the file is not rendered.
    fn locations(
        &self,
        renders: &Renders,
        position: Position,
        find: fn(&LiveChart, usize, usize, &Inputs<'_>) -> Vec<Target>,
    ) -> Vec<Location> {
        let offset = convert::offset(&self.rope, position, self.enc);
        self.run(renders, |live, fi, inputs| {
            let targets = find(live, fi, offset, inputs);
            Some(
                targets
                    .iter()
                    .filter_map(|t| self.location(live, t))
                    .collect(),
            )
        })
        .unwrap_or_default()
    }

    /// An LSP location for a feature's target.
    fn location(&self, live: &LiveChart, t: &Target) -> Option<Location> {
        let (path, text, start, end) = match t {
            Target::Template { file, span } => {
                let f = live.files().get(*file)?;
                (f.path.clone()?, f.text.clone(), span.start, span.end)
            }
            Target::Values { layer, span } => {
                let l = self.snap.as_ref()?.stack.layers.get(*layer)?;
                (l.path.clone(), l.text.clone(), span.start, span.end)
            }
            Target::ChartYaml { span } => {
                let (p, t) = self.chart_yaml.as_ref()?;
                (p.clone(), t.clone(), span.start, span.end)
            }
        };
        let rope = if path == self.path {
            self.rope.clone()
        } else {
            Rope::from_str(&text)
        };
        Some(Location::new(
            path_uri(&path)?,
            convert::range(&rope, start as usize, end as usize, self.enc),
        ))
    }
}

impl Backend {
    /// The inputs of a template request (`None` for values files and
    /// files outside charts).
    fn template_req(&self, uri: &Uri) -> Result<Option<TemplateReq>> {
        let Some(path) = uri_path(uri) else {
            return Ok(None);
        };
        let mut st = self.lock()?;
        let Some(ci) = st.chart_of(&path) else {
            return Ok(None);
        };
        let Some(rope) = st.rope_of(&path) else {
            return Ok(None);
        };
        let snap = snapshot::chart(&st, ci);
        if snap.as_ref().is_some_and(|s| s.layer_of(&path).is_some()) {
            return Ok(None);
        }
        let Some(root) = snapshot::render_root(&st, ci) else {
            return Ok(None);
        };
        let chart_yaml = st.workspace.charts.get(ci).and_then(|c| {
            let p = c.dir.join("Chart.yaml");
            st.read(&p).map(|t| (p, t))
        });
        Ok(Some(TemplateReq {
            path,
            rope,
            enc: st.encoding,
            root,
            overlay: snapshot::overlay(&st),
            snap,
            chart_yaml,
        }))
    }
}

fn markdown(text: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value: text,
    }
}

fn completion_kind(k: CompletionKind) -> CompletionItemKind {
    match k {
        CompletionKind::Field => CompletionItemKind::FIELD,
        CompletionKind::Function => CompletionItemKind::FUNCTION,
        CompletionKind::Variable => CompletionItemKind::VARIABLE,
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Module => CompletionItemKind::MODULE,
        CompletionKind::Property => CompletionItemKind::PROPERTY,
    }
}

/// Picks UTF-8 when the client offers it, else the mandatory UTF-16.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = negotiate(&params);
        {
            let mut st = self.lock()?;
            st.encoding = enc;
            let mut roots: Vec<PathBuf> = params
                .workspace_folders
                .iter()
                .flatten()
                .filter_map(|f| uri_path(&f.uri))
                .collect();
            #[allow(deprecated)]
            if roots.is_empty()
                && let Some(p) = params.root_uri.as_ref().and_then(uri_path)
            {
                roots.push(p);
            }
            st.roots = roots;
            if let Some(s) = params
                .initialization_options
                .as_ref()
                .and_then(Settings::from_json)
            {
                st.settings = s;
            }
            st.rediscover();
        }
        Ok(InitializeResult {
            offset_encoding: None,
            server_info: Some(ServerInfo {
                name: "chart-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(match enc {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".into(), "$".into(), "\"".into()]),
                    ..CompletionOptions::default()
                }),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![RENDER_PREVIEW.to_string()],
                    ..ExecuteCommandOptions::default()
                }),
                ..ServerCapabilities::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tokio::spawn(diagnostics::worker(
            self.state.clone(),
            self.renders.clone(),
            self.queue.clone(),
            self.client.clone(),
        ));
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let Some(path) = uri_path(&params.text_document.uri) else {
            return;
        };
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        let doc = params.text_document;
        st.docs
            .insert(path.clone(), Document::new(&doc.text, doc.version));
        // The disk may have changed while the file was closed.
        self.renders.invalidate_disk(&path);
        st.revision += 1;
        if path.file_name().is_some_and(|n| n == "Chart.yaml") {
            st.rediscover();
        }
        self.mark(&mut st, &path);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = uri_path(&params.text_document.uri) else {
            return;
        };
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        let enc = st.encoding;
        let Some(doc) = st.docs.get_mut(&path) else {
            return;
        };
        for change in &params.content_changes {
            doc.apply(change, enc);
        }
        doc.version = params.text_document.version;
        doc.sync_text();
        st.revision += 1;
        if path.file_name().is_some_and(|n| n == "Chart.yaml") {
            st.rediscover();
        }
        self.mark(&mut st, &path);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if let Some(path) = uri_path(&params.text_document.uri) {
            self.renders.invalidate_disk(&path);
        }
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        self.renders.invalidate_all();
        if let Ok(mut st) = self.state.lock() {
            st.revision += 1;
            let open: Vec<PathBuf> = st.docs.keys().cloned().collect();
            for p in open {
                self.mark(&mut st, &p);
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(path) = uri_path(&uri)
            && let Ok(mut st) = self.state.lock()
        {
            st.docs.remove(&path);
            self.renders.invalidate_disk(&path);
            st.revision += 1;
            self.mark(&mut st, &path);
        }
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let Some(settings) = Settings::from_json(&params.settings) else {
            return;
        };
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.settings = settings;
        st.revision += 1;
        let open: Vec<PathBuf> = st.docs.keys().cloned().collect();
        for p in open {
            self.mark(&mut st, &p);
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        if let Some(req) = self.template_req(&pos.text_document.uri)? {
            let offset = convert::offset(&req.rope, pos.position, req.enc);
            let h = req.run(&self.renders, |live, fi, inputs| {
                ide::template::hover(live, fi, offset, inputs)
            });
            return Ok(h.map(|h| Hover {
                contents: HoverContents::Markup(markdown(h.markdown)),
                range: Some(convert::range(
                    &req.rope,
                    h.span.start as usize,
                    h.span.end as usize,
                    req.enc,
                )),
            }));
        }
        let Some((path, rope, enc, snap)) = self.request_context(&pos.text_document.uri)? else {
            return Ok(None);
        };
        let offset = convert::offset(&rope, pos.position, enc);
        if let Some(layer) = snap.layer_of(&path) {
            let h = ide::values_file::hover(&snap.stack, layer, offset, snap.schema.as_ref());
            return Ok(h.map(|h| Hover {
                contents: HoverContents::Markup(markdown(h.markdown)),
                range: Some(convert::range(
                    &rope,
                    h.span.start as usize,
                    h.span.end as usize,
                    enc,
                )),
            }));
        }
        Ok(None)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        if let Some(req) = self.template_req(&pos.text_document.uri)? {
            let locs = req.locations(&self.renders, pos.position, ide::template::definition);
            return Ok((!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs)));
        }
        let Some((path, rope, enc, snap)) = self.request_context(&pos.text_document.uri)? else {
            return Ok(None);
        };
        let offset = convert::offset(&rope, pos.position, enc);
        if let Some(layer) = snap.layer_of(&path) {
            let targets = ide::values_file::definition(&snap.stack, layer, offset);
            let locs: Vec<Location> = targets
                .iter()
                .filter_map(|t| {
                    self.location(
                        &snap,
                        t.layer,
                        t.span.start as usize,
                        t.span.end as usize,
                        enc,
                    )
                })
                .collect();
            return Ok((!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs)));
        }
        Ok(None)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        if let Some(req) = self.template_req(&pos.text_document.uri)? {
            let offset = convert::offset(&req.rope, pos.position, req.enc);
            let found = req.run(&self.renders, |live, fi, _| {
                ide::template::complete(live, fi, offset)
            });
            let Some((items, start)) = found else {
                return Ok(None);
            };
            let range = convert::range(&req.rope, start, offset, req.enc);
            return Ok(Some(CompletionResponse::Array(
                items.into_iter().map(|i| to_completion(i, range)).collect(),
            )));
        }
        let Some((path, rope, enc, snap)) = self.request_context(&pos.text_document.uri)? else {
            return Ok(None);
        };
        let offset = convert::offset(&rope, pos.position, enc);
        if snap.layer_of(&path).is_some() {
            let Some(schema) = snap.schema.as_ref() else {
                return Ok(None);
            };
            let text = rope.to_string();
            let (items, start) = ide::values_file::complete(&text, offset, schema);
            let range = convert::range(&rope, start, offset, enc);
            return Ok(Some(CompletionResponse::Array(
                items.into_iter().map(|i| to_completion(i, range)).collect(),
            )));
        }
        Ok(None)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let pos = params.text_document_position;
        if let Some(req) = self.template_req(&pos.text_document.uri)? {
            let locs = req.locations(&self.renders, pos.position, ide::template::references);
            return Ok((!locs.is_empty()).then_some(locs));
        }
        // A key of a values file: where templates read it, and the files that set it.
        let Some(path) = uri_path(&pos.text_document.uri) else {
            return Ok(None);
        };
        let (snap, root, overlay, rope, enc, chart_dir) = {
            let mut st = self.lock()?;
            let Some(ci) = st.chart_of(&path) else {
                return Ok(None);
            };
            let Some(rope) = st.rope_of(&path) else {
                return Ok(None);
            };
            let Some(snap) = snapshot::chart(&st, ci) else {
                return Ok(None);
            };
            let Some(root) = snapshot::render_root(&st, ci) else {
                return Ok(None);
            };
            let Some(dir) = st.workspace.charts.get(ci).map(|c| c.dir.clone()) else {
                return Ok(None);
            };
            (snap, root, snapshot::overlay(&st), rope, st.encoding, dir)
        };
        let Some(layer) = snap.layer_of(&path) else {
            return Ok(None);
        };
        let offset = convert::offset(&rope, pos.position, enc);
        let Some((key, _)) = ide::values_file::key_at(&snap.stack, layer, offset) else {
            return Ok(None);
        };
        let req = TemplateReq {
            path: path.clone(),
            rope,
            enc,
            root,
            overlay,
            snap: Some(snap),
            chart_yaml: None,
        };
        let templates = chart_dir.join("templates");
        let mut locs = self
            .renders
            .with(&req.root, &req.overlay, |live| {
                let Some(fi) = live
                    .files()
                    .iter()
                    .position(|f| f.path.as_ref().is_some_and(|p| p.starts_with(&templates)))
                else {
                    return Vec::new();
                };
                ide::template::values_uses(live, fi, &key)
                    .iter()
                    .filter_map(|t| req.location(live, t))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(snap) = &req.snap {
            for s in snap.stack.sites(&key) {
                if let Some(l) = self.location(
                    snap,
                    s.layer,
                    ide::values::ValuesStack::site_span(&s).start as usize,
                    ide::values::ValuesStack::site_span(&s).end as usize,
                    enc,
                ) {
                    locs.push(l);
                }
            }
        }
        Ok((!locs.is_empty()).then_some(locs))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        if let Some(req) = self.template_req(&uri)? {
            let syms = req
                .run(&self.renders, |live, fi, _| {
                    Some(ide::template::symbols(live, fi))
                })
                .unwrap_or_default();
            return Ok(Some(DocumentSymbolResponse::Nested(
                syms.into_iter()
                    .map(|s| to_symbol(&req.rope, req.enc, s))
                    .collect(),
            )));
        }
        let Some((path, rope, enc, snap)) = self.request_context(&uri)? else {
            return Ok(None);
        };
        let Some(layer) = snap.layer_of(&path) else {
            return Ok(None);
        };
        let syms = ide::values_file::symbols(&snap.stack, layer);
        Ok(Some(DocumentSymbolResponse::Nested(
            syms.into_iter().map(|s| to_symbol(&rope, enc, s)).collect(),
        )))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != RENDER_PREVIEW {
            return Err(Error::invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        let Some(uri) = params.arguments.first().and_then(Json::as_str) else {
            return Err(Error::invalid_params(
                "chart.renderPreview takes [\"<document uri>\"]",
            ));
        };
        let Some(path) = uri.parse::<Uri>().ok().as_ref().and_then(uri_path) else {
            return Err(Error::invalid_params(format!("not a file URI: {uri}")));
        };
        let (root, overlay) = {
            let mut st = self.lock()?;
            let root = st
                .chart_of(&path)
                .and_then(|ci| snapshot::render_root(&st, ci));
            (root, snapshot::overlay(&st))
        };
        let Some(root) = root else {
            return Err(Error::invalid_params(format!(
                "{uri} is not inside a chart"
            )));
        };
        let renders = self.renders.clone();
        let rendered = tokio::task::spawn_blocking(move || {
            renders.with(&root, &overlay, |live| live.output(&path))
        })
        .await
        .map_err(|_| Error::internal_error())?
        .ok_or_else(Error::internal_error)?
        .map_err(Error::invalid_params)?;
        Ok(Some(Json::String(rendered)))
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the struct
fn to_symbol(rope: &Rope, enc: Encoding, s: ide::template::Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: None,
        kind: match s.kind {
            CompletionKind::Function => SymbolKind::FUNCTION,
            _ => SymbolKind::PROPERTY,
        },
        tags: None,
        deprecated: None,
        range: convert::range(rope, s.span.start as usize, s.span.end as usize, enc),
        selection_range: convert::range(
            rope,
            s.selection.start as usize,
            s.selection.end as usize,
            enc,
        ),
        children: None,
    }
}

fn to_completion(i: ide::CompletionItem, range: Range) -> CompletionItem {
    let new_text = i.insert_text.clone().unwrap_or_else(|| i.label.clone());
    CompletionItem {
        kind: Some(completion_kind(i.kind)),
        detail: i.detail,
        documentation: i
            .documentation
            .map(|d| Documentation::MarkupContent(markdown(d))),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, new_text))),
        label: i.label,
        ..CompletionItem::default()
    }
}
