//! A scripted LSP client for end-to-end tests: starts the real `chart-lsp`
//! binary, speaks JSON-RPC over its stdio (Content-Length framing), answers
//! the server's own requests with `null`, and lets a test send requests and
//! notifications and wait for published diagnostics.
//!
//! Failures panic with the protocol traffic that led to them: this is test
//! support code. Waiting is bounded (a hung server fails the test instead of
//! hanging it), but nothing asserts on timing.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

/// How long to wait for any one answer before declaring the server hung.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running server and its message streams.
pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Json>,
    /// Notifications received but not consumed yet.
    pending: VecDeque<Json>,
    next_id: i64,
    /// Per document: the version last sent.
    versions: std::collections::HashMap<String, i32>,
}

/// A `file://` URI for a path (percent-encoding what URIs cannot hold).
pub fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn read_message(r: &mut impl BufRead) -> Option<Json> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0u8; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl LspClient {
    /// Starts `chart-lsp` with a workspace folder and `initializationOptions`,
    /// and completes the initialize handshake. Returns the client and the
    /// server's `InitializeResult`.
    pub fn start(root: &Path, init_options: Json) -> (LspClient, Json) {
        Self::start_with(root, init_options, json!({}))
    }

    /// Like [`LspClient::start`] with explicit client capabilities.
    pub fn start_with(root: &Path, init_options: Json, capabilities: Json) -> (LspClient, Json) {
        // `CHART_LSP` overrides the binary (the benchmark runs outside `deps/`).
        let exe = std::env::var_os("CHART_LSP")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| crate::bin("chart-lsp"));
        let mut child = Command::new(exe)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start chart-lsp: {e}"));
        let stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut client = LspClient {
            child,
            stdin,
            incoming: rx,
            pending: VecDeque::new(),
            next_id: 1,
            versions: Default::default(),
        };
        let uri = file_uri(root);
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "root"}],
                "capabilities": capabilities,
                "initializationOptions": init_options,
            }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, msg: &Json) {
        let body = msg.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        if let Err(e) = self
            .stdin
            .write_all(framed.as_bytes())
            .and_then(|_| self.stdin.flush())
        {
            panic!("writing to chart-lsp failed: {e}");
        }
    }

    fn recv(&mut self, deadline: Instant) -> Json {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => {
                panic!(
                    "chart-lsp sent nothing for {PATIENCE:?}; unread: {:?}",
                    self.pending
                )
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.try_wait();
                panic!(
                    "chart-lsp closed its output (exit: {status:?}); unread: {:?}",
                    self.pending
                )
            }
        }
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Json) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its answer: `Ok(result)` or `Err(error)`.
    pub fn try_request(&mut self, method: &str, params: Json) -> Result<Json, Json> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + PATIENCE;
        loop {
            let msg = self.recv(deadline);
            if msg.get("method").is_some() {
                self.handle_incoming(msg);
                continue;
            }
            if msg.get("id") == Some(&json!(id)) {
                return match msg.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(msg.get("result").cloned().unwrap_or(Json::Null)),
                };
            }
        }
    }

    /// Sends a request; an error answer fails the test.
    pub fn request(&mut self, method: &str, params: Json) -> Json {
        match self.try_request(method, params) {
            Ok(v) => v,
            Err(e) => panic!("{method} failed: {e}"),
        }
    }

    /// A server request gets `null`; a notification is kept for later.
    fn handle_incoming(&mut self, msg: Json) {
        if let Some(id) = msg.get("id").cloned() {
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
        } else {
            self.pending.push_back(msg);
        }
    }

    /// Opens a document (version 1).
    pub fn open(&mut self, path: &Path, language: &str, text: &str) -> String {
        let uri = file_uri(path);
        self.versions.insert(uri.clone(), 1);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        uri
    }

    /// Opens a file with its text from disk.
    pub fn open_file(&mut self, path: &Path, language: &str) -> String {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        self.open(path, language, &text)
    }

    /// Sends one incremental edit: replace `(l1,c1)-(l2,c2)` with `text`.
    /// Returns the new version.
    pub fn edit(&mut self, uri: &str, start: (u32, u32), end: (u32, u32), text: &str) -> i32 {
        self.change(
            uri,
            vec![json!({
                "range": {"start": {"line": start.0, "character": start.1},
                          "end": {"line": end.0, "character": end.1}},
                "text": text,
            })],
        )
    }

    /// Sends a change notification with raw content changes.
    pub fn change(&mut self, uri: &str, changes: Vec<Json>) -> i32 {
        let v = self.versions.entry(uri.to_string()).or_insert(1);
        *v += 1;
        let version = *v;
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
        version
    }

    /// Waits for a `publishDiagnostics` for `uri` whose version is at least
    /// `version`; returns its diagnostics. Earlier ones are consumed.
    pub fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Json> {
        self.diagnostics_with_version(uri, version).1
    }

    /// Like [`LspClient::diagnostics`], also returning the published version.
    pub fn diagnostics_with_version(&mut self, uri: &str, version: i32) -> (i32, Vec<Json>) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(i) = self.pending.iter().position(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"].as_i64().unwrap_or(i64::MAX) >= i64::from(version)
            }) {
                // Drop older publishes for this uri, keep everything else.
                let msg = self.pending.remove(i).unwrap_or_default();
                self.pending.retain(|m| {
                    !(m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
                });
                let v = msg["params"]["version"].as_i64().unwrap_or(-1) as i32;
                let list = msg["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                return (v, list);
            }
            let msg = self.recv(deadline);
            if msg.get("method").is_some() {
                self.handle_incoming(msg);
            }
        }
    }

    /// Every `publishDiagnostics` received so far for `uri` (consumed), in order.
    pub fn drain_published(&mut self, uri: &str) -> Vec<Json> {
        while let Ok(msg) = self.incoming.try_recv() {
            if msg.get("method").is_some() {
                self.handle_incoming(msg);
            }
        }
        let mut out = Vec::new();
        self.pending.retain(|m| {
            let hit = m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
            if hit {
                out.push(m["params"].clone());
            }
            !hit
        });
        out
    }

    /// A position request's params.
    pub fn at(uri: &str, line: u32, character: u32) -> Json {
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
    }

    /// Orderly shutdown; returns the exit status code.
    pub fn shutdown(mut self) -> Option<i32> {
        let _ = self.request("shutdown", Json::Null);
        self.notify("exit", Json::Null);
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        None
    }

    /// The server's process id (for memory measurements).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
