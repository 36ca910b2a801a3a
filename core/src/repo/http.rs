//! HTTP(S) downloads for repositories (Helm's `HTTPGetter`): one kept
//! `reqwest` client per TLS setup (rustls with the ring provider), basic
//! auth sent only to the repository's own origin unless
//! `--pass-credentials`, `--ca-file`, client certificates,
//! `--insecure-skip-tls-verify`, Helm's user agent and error wording, a
//! size cap, and a progress bar on a terminal.
//!
//! Requests run on a private worker thread with its own Tokio runtime, so
//! the blocking API works from plain code and from inside async callers.

use std::collections::HashMap;
use std::io::{IsTerminal, Write as _};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::RepoError;

/// The user agent Helm 3.10.1 sends (some servers check for `Helm/`).
pub const USER_AGENT: &str = "Helm/3.10.1";
/// Largest response accepted (index files of big repositories are tens of MiB).
pub const MAX_RESPONSE_BYTES: u64 = 512 * 1024 * 1024;

/// Per-request options (Helm's getter options).
#[derive(Clone, Debug, Default)]
pub struct GetOptions {
    /// The repository URL credentials belong to.
    pub repo_url: String,
    pub username: String,
    pub password: String,
    pub pass_credentials_all: bool,
    pub ca_file: String,
    pub cert_file: String,
    pub key_file: String,
    pub insecure_skip_tls_verify: bool,
    /// Show a progress bar with this label when stderr is a terminal.
    pub progress: Option<String>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct TlsKey {
    ca_file: String,
    cert_file: String,
    key_file: String,
    insecure: bool,
}

struct Job {
    url: String,
    opts: GetOptions,
    reply: mpsc::Sender<Result<Vec<u8>, RepoError>>,
}

/// A kept HTTP client. Cheap to create; the worker starts on first use.
#[derive(Default)]
pub struct Getter {
    tx: Mutex<Option<mpsc::Sender<Job>>>,
}

impl Getter {
    pub fn new() -> Getter {
        Getter::default()
    }

    /// GETs `url` and returns the body; non-200 answers are errors worded
    /// as Helm's (`failed to fetch URL : 404 Not Found`).
    pub fn get(&self, url: &str, opts: &GetOptions) -> Result<Vec<u8>, RepoError> {
        let (reply, rx) = mpsc::channel();
        let job = Job {
            url: url.to_string(),
            opts: opts.clone(),
            reply,
        };
        {
            let mut guard = self
                .tx
                .lock()
                .map_err(|_| RepoError::msg("HTTP client worker failed"))?;
            if guard.is_none() {
                *guard = Some(spawn_worker()?);
            }
            let sent = guard.as_ref().is_some_and(|tx| tx.send(job).is_ok());
            if !sent {
                *guard = None;
                return Err(RepoError::msg("HTTP client worker stopped"));
            }
        }
        rx.recv()
            .map_err(|_| RepoError::msg("HTTP client worker stopped"))?
    }
}

fn spawn_worker() -> Result<mpsc::Sender<Job>, RepoError> {
    let (tx, rx) = mpsc::channel::<Job>();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RepoError::msg(format!("cannot start HTTP runtime: {e}")))?;
    std::thread::Builder::new()
        .name("chart-http".into())
        .spawn(move || {
            let mut clients: HashMap<TlsKey, reqwest::Client> = HashMap::new();
            while let Ok(job) = rx.recv() {
                let result = runtime.block_on(fetch(&mut clients, &job.url, &job.opts));
                let _ = job.reply.send(result);
            }
        })
        .map_err(|e| RepoError::msg(format!("cannot start HTTP worker: {e}")))?;
    Ok(tx)
}

fn build_client(key: &TlsKey) -> Result<reqwest::Client, RepoError> {
    // reqwest is built without a default crypto provider: use ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let tls_err = |e: String| RepoError::msg(format!("can't create TLS config for client: {e}"));
    let mut b = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(300));
    if !key.ca_file.is_empty() {
        let pem = std::fs::read(&key.ca_file)
            .map_err(|e| tls_err(format!("can't read CA file: {}: {e}", key.ca_file)))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
            tls_err(format!(
                "failed to append certificates from file: {}",
                key.ca_file
            ))
        })?;
        if certs.is_empty() {
            return Err(tls_err(format!(
                "failed to append certificates from file: {}",
                key.ca_file
            )));
        }
        b = b.tls_certs_only(certs);
    }
    if !key.cert_file.is_empty() && !key.key_file.is_empty() {
        let mut pem = std::fs::read(&key.cert_file)
            .map_err(|e| tls_err(format!("could not read x509 key pair: {e}")))?;
        pem.push(b'\n');
        pem.extend(
            std::fs::read(&key.key_file)
                .map_err(|e| tls_err(format!("could not read x509 key pair: {e}")))?,
        );
        let id = reqwest::Identity::from_pem(&pem)
            .map_err(|e| tls_err(format!("could not read x509 key pair: {e}")))?;
        b = b.identity(id);
    }
    if key.insecure {
        b = b.tls_danger_accept_invalid_certs(true);
    }
    b.build().map_err(|e| tls_err(error_chain(&e)))
}

async fn fetch(
    clients: &mut HashMap<TlsKey, reqwest::Client>,
    url: &str,
    opts: &GetOptions,
) -> Result<Vec<u8>, RepoError> {
    let key = TlsKey {
        ca_file: opts.ca_file.clone(),
        cert_file: opts.cert_file.clone(),
        key_file: opts.key_file.clone(),
        insecure: opts.insecure_skip_tls_verify,
    };
    let client = match clients.get(&key) {
        Some(c) => c.clone(),
        None => {
            let c = build_client(&key)?;
            clients.insert(key, c.clone());
            c
        }
    };
    let mut req = client.get(url);
    let same_origin = super::url::origin(&opts.repo_url) == super::url::origin(url);
    if (opts.pass_credentials_all || same_origin)
        && !opts.username.is_empty()
        && !opts.password.is_empty()
    {
        req = req.basic_auth(&opts.username, Some(&opts.password));
    }
    let mut resp = req.send().await.map_err(|e| transport_error(url, &e))?;
    if resp.status() != reqwest::StatusCode::OK {
        let s = resp.status();
        return Err(RepoError::msg(format!(
            "failed to fetch {url} : {} {}",
            s.as_u16(),
            s.canonical_reason().unwrap_or("")
        )));
    }
    let total = resp.content_length();
    if total.is_some_and(|t| t > MAX_RESPONSE_BYTES) {
        return Err(RepoError::msg(format!(
            "failed to fetch {url} : response larger than {MAX_RESPONSE_BYTES} bytes"
        )));
    }
    let mut bar = opts
        .progress
        .as_ref()
        .filter(|_| std::io::stderr().is_terminal())
        .map(|label| Progress::new(label, total));
    let mut body = Vec::with_capacity(total.unwrap_or(0).min(64 << 20) as usize);
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(url, &e))? {
        body.extend_from_slice(&chunk);
        if body.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(RepoError::msg(format!(
                "failed to fetch {url} : response larger than {MAX_RESPONSE_BYTES} bytes"
            )));
        }
        if let Some(b) = bar.as_mut() {
            b.update(body.len() as u64);
        }
    }
    if let Some(b) = bar {
        b.finish();
    }
    Ok(body)
}

/// Go's `*url.Error` wording: `Get "URL": dial tcp HOST: connect: connection refused`.
fn transport_error(url: &str, e: &reqwest::Error) -> RepoError {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            let host = ::url::Url::parse(url)
                .ok()
                .map(|u| {
                    format!(
                        "{}:{}",
                        u.host_str().unwrap_or(""),
                        u.port_or_known_default().unwrap_or(0)
                    )
                })
                .unwrap_or_default();
            return RepoError::msg(format!(
                "Get \"{url}\": dial tcp {host}: connect: connection refused"
            ));
        }
        src = s.source();
    }
    RepoError::msg(format!("Get \"{url}\": {}", error_chain(e)))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        src = s.source();
    }
    parts.join(": ")
}

/// A one-line progress bar on stderr, erased when done so output stays
/// exactly Helm's.
struct Progress {
    label: String,
    total: Option<u64>,
    last: Instant,
    drawn: bool,
}

impl Progress {
    fn new(label: &str, total: Option<u64>) -> Progress {
        Progress {
            label: label.to_string(),
            total,
            last: Instant::now(),
            drawn: false,
        }
    }

    fn update(&mut self, done: u64) {
        if self.last.elapsed() < Duration::from_millis(100) {
            return;
        }
        self.last = Instant::now();
        let line = match self.total {
            Some(t) if t > 0 => {
                let width = 30;
                let filled = ((done.min(t) * width) / t) as usize;
                format!(
                    "{} [{}{}] {} / {}",
                    self.label,
                    "=".repeat(filled),
                    " ".repeat(width as usize - filled),
                    human(done),
                    human(t)
                )
            }
            _ => format!("{} {}", self.label, human(done)),
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        self.drawn = true;
    }

    fn finish(self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

fn human(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}
