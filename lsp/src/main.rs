//! chart-lsp: the language server for chart templates (speaks LSP over stdio).
//!
//! All chart semantics live in `chart_core::ide`; this crate only keeps the
//! editor's buffers, converts positions and schedules work. Modules:
//! [`server`] (the LSP entry points), [`state`] (buffers, charts, settings),
//! [`snapshot`] (analysis inputs cut from the state), [`convert`] (the only
//! UTF-16 code), [`diagnostics`] (debounced, cancellable publishing).

mod convert;
mod diagnostics;
mod server;
mod snapshot;
mod state;

use tower_lsp_server::{LspService, Server};

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--version") {
        println!("chart-lsp {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    let stdin = tokio::io::stdin();
    let stdout = tokio::io::stdout();
    let (service, socket) = LspService::new(server::Backend::new);
    Server::new(stdin, stdout, socket).serve(service).await;
}
