//! A test Kubernetes API server for end-to-end tests: `TestCluster::start()`
//! runs `chart-test-apiserver` on a free loopback port, waits until it
//! serves, exposes its kubeconfig and an admin handle (never-ready switch,
//! fault injection, request log), and kills it when dropped. The server also
//! exits when the test process dies (its stdin closes).

use base64::Engine as _;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A running test API server.
pub struct TestCluster {
    child: Child,
    _stdin: Option<ChildStdin>,
    dir: PathBuf,
    kubeconfig: PathBuf,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// `https://127.0.0.1:PORT`
    pub server: String,
    token: String,
    tls: Arc<rustls::ClientConfig>,
}

/// A response from the server: status code and body (JSON when it parses).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn fresh_dir() -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("chart-test-cluster-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    dir
}

fn yaml_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(key).map(str::trim))
}

impl TestCluster {
    /// Starts a server with default settings.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts a server with extra arguments (e.g. `--never-ready`).
    pub fn start_with(args: &[&str]) -> Self {
        let dir = fresh_dir();
        let kubeconfig = dir.join("kubeconfig");
        let mut child = match crate::command("chart-test-apiserver")
            .args(["--port", "0", "--exit-on-stdin-eof", "--kubeconfig-out"])
            .arg(&kubeconfig)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => panic!("cannot start chart-test-apiserver: {e}"),
        };
        let stdin = child.stdin.take();
        let Some(stdout) = child.stdout.take() else {
            panic!("chart-test-apiserver: no stdout");
        };
        // Read the "listening on" line with a bound on the wait.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let mut r = BufReader::new(stdout);
            let _ = r.read_line(&mut line);
            let _ = tx.send(line);
            // Keep draining so the server never blocks on a full pipe.
            let mut sink = Vec::new();
            let _ = r.read_to_end(&mut sink);
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                panic!("chart-test-apiserver did not start within 30s");
            }
        };
        let Some(server) = line
            .trim()
            .strip_prefix("listening on ")
            .map(str::to_string)
        else {
            let _ = child.kill();
            panic!("chart-test-apiserver: unexpected first line {line:?}");
        };
        let addr = server.trim_start_matches("https://").to_string();
        let text = std::fs::read_to_string(&kubeconfig).unwrap_or_default();
        let token = yaml_field(&text, "token:").unwrap_or_default().to_string();
        let ca_b64 = yaml_field(&text, "certificate-authority-data:").unwrap_or_default();
        let ca_pem = base64::engine::general_purpose::STANDARD
            .decode(ca_b64)
            .unwrap_or_default();
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(&ca_pem).flatten() {
            let _ = roots.add(cert);
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = match rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
        {
            Ok(b) => b.with_root_certificates(roots).with_no_client_auth(),
            Err(e) => panic!("tls config: {e}"),
        };
        TestCluster {
            child,
            _stdin: stdin,
            dir,
            kubeconfig,
            addr,
            server,
            token,
            tls: Arc::new(tls),
        }
    }

    /// The kubeconfig file (context `test`, namespace `default`).
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// A scratch directory that lives as long as the server.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Environment for clients: `KUBECONFIG`, a private kubectl cache dir
    /// and private Helm home folders.
    pub fn env(&self) -> Vec<(String, String)> {
        let d = |s: &str| self.dir.join(s).to_string_lossy().into_owned();
        vec![
            (
                "KUBECONFIG".into(),
                self.kubeconfig.to_string_lossy().into_owned(),
            ),
            ("KUBECACHEDIR".into(), d("kube-cache")),
            ("HELM_CACHE_HOME".into(), d("helm-cache")),
            ("HELM_CONFIG_HOME".into(), d("helm-config")),
            ("HELM_DATA_HOME".into(), d("helm-data")),
        ]
    }

    /// `program` with [`TestCluster::env`] applied.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.envs(self.env());
        c
    }

    /// One HTTPS request with the cluster's token; `None` body sends nothing.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Option<&str>,
    ) -> Reply {
        match self.try_request(method, path, content_type, body, Some(&self.token)) {
            Ok(r) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }

    /// A request with a chosen bearer token (`None`: no Authorization header).
    pub fn request_with_token(&self, method: &str, path: &str, token: Option<&str>) -> Reply {
        match self.try_request(method, path, "application/json", None, token) {
            Ok(r) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }

    fn try_request(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Option<&str>,
        token: Option<&str>,
    ) -> std::io::Result<Reply> {
        let name = ServerName::try_from("127.0.0.1").map_err(std::io::Error::other)?;
        let conn =
            rustls::ClientConnection::new(self.tls.clone(), name).map_err(std::io::Error::other)?;
        let tcp = TcpStream::connect(&self.addr)?;
        tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut stream = rustls::StreamOwned::new(conn, tcp);
        let body = body.unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{}Content-Type: {content_type}\r\nAccept: application/json\r\nUser-Agent: chart-e2e/1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            token
                .map(|t| format!("Authorization: Bearer {t}\r\n"))
                .unwrap_or_default(),
            body.len()
        );
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        stream.flush()?;
        let mut raw = Vec::new();
        match stream.read_to_end(&mut raw) {
            Ok(_) => {}
            // Servers may close without close_notify.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {}
            Err(e) => return Err(e),
        }
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let chunked = head.lines().any(|l| {
            l.to_ascii_lowercase()
                .starts_with("transfer-encoding: chunked")
        });
        let body = if chunked {
            dechunk(rest)
        } else {
            rest.to_string()
        };
        Ok(Reply { status, body })
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, "application/json", None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Reply {
        self.request("POST", path, "application/json", Some(&body.to_string()))
    }

    /// Switches "never ready" (workloads, Jobs, Pods, PVCs stay unready).
    pub fn set_never_ready(&self, on: bool) {
        let r = self.post("/_test/config", &serde_json::json!({"neverReady": on}));
        assert_eq!(r.status, 200, "{}", r.body);
    }

    /// Replaces the fault list; see the server's `admin` module for the
    /// fields (`method`, `path` regex, `status`, `skip`, `times`, `message`).
    pub fn set_faults(&self, faults: Value) {
        let r = self.post("/_test/config", &serde_json::json!({"faults": faults}));
        assert_eq!(r.status, 200, "{}", r.body);
    }

    /// Fails the `k`-th API request from now (1-based) with `status`.
    pub fn fail_nth_request(&self, k: u64, status: u16) {
        self.set_faults(
            serde_json::json!([{"skip": k.saturating_sub(1), "times": 1, "status": status}]),
        );
    }

    /// The API requests served so far: `[{seq, method, path, query, contentType, userAgent, body, status}]`.
    pub fn requests(&self) -> Vec<Value> {
        match self.get("/_test/requests").json() {
            Value::Array(a) => a,
            _ => Vec::new(),
        }
    }

    pub fn clear_requests(&self) {
        self.request("DELETE", "/_test/requests", "application/json", None);
    }
}

fn dechunk(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `kubectl` for tests: the one on PATH, else Debian's `kubernetes-client`
/// installed with apt-get when we are root. `None` (after saying so loudly)
/// when neither works.
pub fn kubectl() -> Option<PathBuf> {
    let find = || {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join("kubectl"))
                .find(|p| p.is_file())
        })
    };
    if let Some(p) = find() {
        return Some(p);
    }
    let lock = std::env::temp_dir().join("chart-e2e-kubectl-install.lock");
    // One installer at a time across parallel test binaries.
    let _guard = loop_lock(&lock);
    if let Some(p) = find() {
        return Some(p);
    }
    eprintln!("kubectl not found: installing Debian's kubernetes-client with apt-get");
    let ok = Command::new("sh")
        .args([
            "-c",
            "(apt-get install -y -q kubernetes-client || (apt-get update -q && apt-get install -y -q kubernetes-client)) >/dev/null 2>&1",
        ])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let found = find();
    if !ok || found.is_none() {
        eprintln!(
            "\n!!! kubectl is not installed and apt-get could not install kubernetes-client\n"
        );
    }
    found
}

struct LockGuard(PathBuf);

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn loop_lock(path: &Path) -> Option<LockGuard> {
    for _ in 0..600 {
        if std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .is_ok()
        {
            return Some(LockGuard(path.to_path_buf()));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    None
}

/// The Helm oracle script (`<shared>/tools/helm-oracle`), if the shared folder exists.
pub fn helm_oracle() -> Option<PathBuf> {
    crate::shared_dir()
        .map(|d| d.join("tools/helm-oracle"))
        .filter(|p| p.is_file())
}
