//! chart-lsp: the language server for chart templates (speaks LSP over stdio).

fn main() {
    eprintln!("chart-lsp: not implemented yet");
    std::process::exit(1);
}
