//! The LSP entry points. Each handler converts the request to byte offsets
//! and paths, asks `chart_core::ide` on a snapshot, and converts back.
//!
//! Ordering: document changes are applied synchronously at the start of their
//! handler (before any `.await`), so they take effect in arrival order; long
//! work runs in the diagnostics worker, never in a handler.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chart_core::ide::{self, CompletionKind};
use ropey::Rope;
use serde_json::Value as Json;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert::{self, Encoding};
use crate::diagnostics::{self, Queue};
use crate::snapshot::{self, ChartSnapshot, Renders};
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
        let Some(text) = st.read(&path) else {
            return Ok(None);
        };
        let rope = match st.docs.get(&path) {
            Some(d) => d.rope.clone(),
            None => Rope::from_str(&text),
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
