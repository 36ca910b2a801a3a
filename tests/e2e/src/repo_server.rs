//! A tiny HTTP chart-repository server for tests: serves the files of one
//! folder on 127.0.0.1 (random port), optionally behind basic auth,
//! records each request's path and `Authorization` header. Bounded: one
//! connection at a time, `Connection: close`, request heads up to 64 KiB,
//! read timeouts, and it stops when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MAX_HEAD: usize = 64 * 1024;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
}

/// A running server; stops on drop.
pub struct RepoServer {
    pub url: String,
    port: u16,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RepoServer {
    /// Serves `root`. With `auth = Some((user, pass))` every request needs
    /// that basic auth, else it gets `401 Unauthorized`.
    pub fn start(root: &Path, auth: Option<(&str, &str)>) -> std::io::Result<RepoServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let root = root.to_path_buf();
        let expected =
            auth.map(|(u, p)| format!("Basic {}", base64(format!("{u}:{p}").as_bytes())));
        let (stop2, seen2) = (stop.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    let _ = serve(stream, &root, expected.as_deref(), &seen2);
                }
            }
        });
        Ok(RepoServer {
            url: format!("http://127.0.0.1:{port}"),
            port,
            stop,
            seen,
            thread: Some(thread),
        })
    }

    /// The requests served so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Drop for RepoServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    root: &Path,
    expected_auth: Option<&str>,
    seen: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(MAX_HEAD as u64));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(v.trim().to_string());
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split('?').next().unwrap_or("/").to_string();
    if let Ok(mut s) = seen.lock() {
        s.push(Seen {
            path: path.clone(),
            authorization: authorization.clone(),
        });
    }
    let mut out = stream;
    if let Some(want) = expected_auth
        && authorization.as_deref() != Some(want)
    {
        return respond(&mut out, "401 Unauthorized", b"unauthorized\n");
    }
    if method != "GET" {
        return respond(&mut out, "405 Method Not Allowed", b"");
    }
    match file_for(root, &path).and_then(|p| std::fs::read(p).ok()) {
        Some(body) => respond(&mut out, "200 OK", &body),
        None => respond(&mut out, "404 Not Found", b"404 page not found\n"),
    }
}

/// The file for a URL path inside `root` (no `..`, no hidden escapes).
fn file_for(root: &Path, path: &str) -> Option<PathBuf> {
    let rel = path.trim_start_matches('/');
    if rel
        .split('/')
        .any(|s| s == ".." || s.is_empty() && !rel.is_empty())
    {
        return None;
    }
    let p = root.join(rel);
    p.is_file().then_some(p)
}

fn respond(out: &mut TcpStream, status: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    out.write_all(body)?;
    out.flush()
}

/// Standard base64 (for the expected `Authorization` header).
fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(super::base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(super::base64(b"ab"), "YWI=");
    }
}
