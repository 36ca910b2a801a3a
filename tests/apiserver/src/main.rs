//! chart-test-apiserver: a small Kubernetes API server for end-to-end tests.
//!
//! ```text
//! chart-test-apiserver --port 0 --kubeconfig-out PATH [--state-dir DIR]
//!                      [--never-ready] [--token T] [--kube-version v1.32.0]
//!                      [--exit-on-stdin-eof]
//! ```
//! Listens on 127.0.0.1 only, over HTTPS with a fresh CA, writes a kubeconfig
//! (context `test`, bearer token), prints `listening on https://127.0.0.1:PORT`
//! on stdout and serves until killed (or, with `--exit-on-stdin-eof`, until
//! its stdin closes, so it never outlives the test that started it).

mod admin;
mod apply;
mod clock;
mod controllers;
mod defaults;
mod discovery;
mod ids;
mod kubeconfig;
mod objects;
mod patch;
mod resources;
mod selectors;
mod server;
mod status;
mod store;
mod table;
mod tls;
mod watch;
mod yaml;

use anyhow::{Context as _, bail};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

struct Args {
    port: u16,
    kubeconfig_out: PathBuf,
    state_dir: Option<PathBuf>,
    never_ready: bool,
    token: Option<String>,
    kube_version: String,
    exit_on_stdin_eof: bool,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = std::env::args().skip(1);
    let mut port = 0u16;
    let mut kubeconfig_out = None;
    let mut state_dir = None;
    let mut never_ready = false;
    let mut token = None;
    let mut kube_version = "v1.32.0".to_string();
    let mut exit_on_stdin_eof = false;
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| -> anyhow::Result<String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args.next().with_context(|| format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "--port" => {
                port = value("--port")?
                    .parse()
                    .context("--port must be a number")?
            }
            "--kubeconfig-out" => kubeconfig_out = Some(PathBuf::from(value("--kubeconfig-out")?)),
            "--state-dir" => state_dir = Some(PathBuf::from(value("--state-dir")?)),
            "--token" => token = Some(value("--token")?),
            "--kube-version" => kube_version = value("--kube-version")?,
            "--never-ready" => never_ready = true,
            "--exit-on-stdin-eof" => exit_on_stdin_eof = true,
            "-h" | "--help" => {
                println!(
                    "usage: chart-test-apiserver --port 0 --kubeconfig-out PATH [--state-dir DIR] [--never-ready] [--token T] [--kube-version vX.Y.Z] [--exit-on-stdin-eof]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}"),
        }
    }
    let Some(kubeconfig_out) = kubeconfig_out else {
        bail!("--kubeconfig-out PATH is required");
    };
    Ok(Args {
        port,
        kubeconfig_out,
        state_dir,
        never_ready,
        token,
        kube_version,
        exit_on_stdin_eof,
    })
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    if let Some(dir) = &args.state_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let listener = TcpListener::bind(("127.0.0.1", args.port)).await?;
    let addr = listener.local_addr()?;
    let pki = tls::generate()?;
    let token = args
        .token
        .clone()
        .unwrap_or_else(|| format!("{:016x}{:016x}", ids::next_u64(), ids::next_u64()));
    let server_url = format!("https://{addr}");
    kubeconfig::write(
        &args.kubeconfig_out,
        &kubeconfig::render(&server_url, &pki.ca_pem, &token),
    )?;
    let mut store = store::Store::new(args.state_dir.as_deref())?;
    let config = admin::Config {
        never_ready: args.never_ready,
        ..Default::default()
    };
    controllers::reconcile(&mut store, config.never_ready);
    let app = Arc::new(server::App {
        world: Mutex::new(server::World {
            store,
            config,
            requests: Vec::new(),
            seq: 0,
        }),
        token,
        addr: addr.to_string(),
        kube_version: args.kube_version.clone(),
    });
    if args.exit_on_stdin_eof {
        std::thread::spawn(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
            std::process::exit(0);
        });
    }
    println!("listening on {server_url}");
    std::io::stdout().flush()?;
    let acceptor = TlsAcceptor::from(pki.server_config);
    loop {
        let (tcp, _) = match listener.accept().await {
            Ok(c) => c,
            Err(_) => continue,
        };
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let service = service_fn(move |req| server::handle(app.clone(), req));
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}
