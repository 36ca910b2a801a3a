//! Test controls under `/_test/`: the "never ready" switch, fault injection
//! and the request log.
//!
//! `POST /_test/config` takes a JSON object with any of:
//! - `neverReady` (bool): workloads, Jobs, Pods and PVCs never become ready;
//! - `faults` (array, replaces the current list): each `{"method": "PATCH",
//!   "path": "regex on path?query", "status": 500, "skip": 0, "times": 1,
//!   "message": "…"}`; all fields optional. A request matching method and
//!   path first uses up `skip`, then fails `times` times (absent = always)
//!   with `status` (default 500). "Fail the k-th request" is `{"skip": k-1, "times": 1}`.
//!
//! `GET /_test/config` shows the configuration (with remaining counts),
//! `GET /_test/requests` the log of API requests (`?since=SEQ`),
//! `DELETE /_test/requests` clears it.

use regex::Regex;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct Fault {
    pub method: Option<String>,
    pub path: Option<Regex>,
    pub status: u16,
    pub skip: u64,
    pub times: Option<u64>,
    pub message: Option<String>,
}

impl Fault {
    fn from_json(v: &Value) -> Result<Self, String> {
        let path = match v["path"].as_str() {
            Some(p) => Some(Regex::new(p).map_err(|e| format!("bad fault path regex: {e}"))?),
            None => None,
        };
        Ok(Fault {
            method: v["method"].as_str().map(str::to_ascii_uppercase),
            path,
            status: v["status"].as_u64().map(|s| s as u16).unwrap_or(500),
            skip: v["skip"].as_u64().unwrap_or(0),
            times: v["times"].as_u64(),
            message: v["message"].as_str().map(str::to_string),
        })
    }

    fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "path": self.path.as_ref().map(Regex::as_str),
            "status": self.status,
            "skip": self.skip,
            "times": self.times,
            "message": self.message,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub never_ready: bool,
    pub faults: Vec<Fault>,
}

impl Config {
    pub fn to_json(&self) -> Value {
        json!({
            "neverReady": self.never_ready,
            "faults": self.faults.iter().map(Fault::to_json).collect::<Vec<_>>(),
        })
    }

    /// Applies a `POST /_test/config` body.
    pub fn update(&mut self, body: &Value) -> Result<(), String> {
        if !body.is_object() {
            return Err("config must be a JSON object".into());
        }
        if let Some(b) = body.get("neverReady") {
            self.never_ready = b.as_bool().ok_or("neverReady must be a boolean")?;
        }
        if let Some(f) = body.get("faults") {
            let list = f.as_array().ok_or("faults must be an array")?;
            self.faults = list
                .iter()
                .map(Fault::from_json)
                .collect::<Result<_, _>>()?;
        }
        Ok(())
    }

    /// The injected failure for this request, if any (consumes counters).
    pub fn injected(&mut self, method: &str, path_and_query: &str) -> Option<(u16, String)> {
        for f in &mut self.faults {
            if f.method.as_deref().is_some_and(|m| m != method) {
                continue;
            }
            if f.path.as_ref().is_some_and(|r| !r.is_match(path_and_query)) {
                continue;
            }
            if f.skip > 0 {
                f.skip -= 1;
                continue;
            }
            match &mut f.times {
                Some(0) => continue,
                Some(n) => *n -= 1,
                None => {}
            }
            let msg = f
                .message
                .clone()
                .unwrap_or_else(|| format!("injected fault for {method} {path_and_query}"));
            return Some((f.status, msg));
        }
        None
    }
}

/// One logged API request.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: String,
    pub user_agent: String,
    pub body: String,
    pub status: u16,
}

impl RequestRecord {
    pub fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "contentType": self.content_type,
            "userAgent": self.user_agent,
            "body": self.body,
            "status": self.status,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kth_request_fails_once() {
        let mut c = Config::default();
        assert_eq!(
            c.update(&json!({"faults": [{"skip": 2, "times": 1, "status": 503}]})),
            Ok(())
        );
        assert!(c.injected("GET", "/a").is_none());
        assert!(c.injected("GET", "/b").is_none());
        assert_eq!(c.injected("GET", "/c").map(|x| x.0), Some(503));
        assert!(c.injected("GET", "/d").is_none());
    }

    #[test]
    fn method_and_path_filter() {
        let mut c = Config::default();
        assert_eq!(
            c.update(&json!({"faults": [{"method": "patch", "path": "/deployments/"}]})),
            Ok(())
        );
        assert!(
            c.injected("GET", "/apis/apps/v1/namespaces/d/deployments/x")
                .is_none()
        );
        assert!(
            c.injected("PATCH", "/apis/apps/v1/namespaces/d/deployments/x")
                .is_some()
        );
        assert!(
            c.injected("PATCH", "/apis/apps/v1/namespaces/d/deployments/x")
                .is_some()
        );
    }
}
