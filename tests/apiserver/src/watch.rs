//! Watch streams: newline-delimited JSON events over a chunked response,
//! starting from a resourceVersion (replayed from the event log) or with the
//! current objects as ADDED, with optional bookmarks and a timeout.

use crate::objects::present;
use crate::resources::ResourceType;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::status::ApiError;
use crate::store::{Event, Store};
use crate::table::{self, As};
use hyper::body::{Body, Bytes, Frame};
use serde_json::{Value, json};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// A response body fed by a channel.
pub struct ChannelBody {
    rx: mpsc::Receiver<Bytes>,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b))))
    }
}

/// What one watch selects.
pub struct Filter {
    pub rt: ResourceType,
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    pub repr: As,
}

impl Filter {
    fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(&obj["metadata"]["labels"]) && self.fields.matches(obj)
    }

    /// The event this watcher sees for a store event, if any.
    fn translate(&self, ev: &Event) -> Option<(&'static str, Value)> {
        if ev.key.group != self.rt.group || ev.key.resource != self.rt.plural {
            return None;
        }
        if self
            .namespace
            .as_deref()
            .is_some_and(|ns| ns != ev.key.namespace)
        {
            return None;
        }
        let now = self.matches(&ev.object);
        let kind = match ev.kind {
            "MODIFIED" => {
                let was = ev.prev.as_ref().is_some_and(|p| self.matches(p));
                match (was, now) {
                    (true, true) => "MODIFIED",
                    (false, true) => "ADDED",
                    (true, false) => "DELETED",
                    (false, false) => return None,
                }
            }
            k => {
                if !now {
                    return None;
                }
                k
            }
        };
        Some((kind, present(&self.rt, &ev.object)))
    }

    fn line(&self, kind: &str, obj: Value) -> Bytes {
        let obj = match self.repr {
            As::Full => obj,
            As::Metadata => table::partial(&obj),
            As::Table => {
                let rv = obj["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                table::table(&self.rt, &[obj], &rv, "Metadata")
            }
        };
        let mut s = json!({"type": kind, "object": obj}).to_string();
        s.push('\n');
        Bytes::from(s)
    }

    fn bookmark(&self, rv: u64, initial_end: bool) -> Bytes {
        let mut meta = json!({"resourceVersion": rv.to_string()});
        if initial_end {
            meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        let obj =
            json!({"kind": self.rt.kind, "apiVersion": self.rt.api_version(), "metadata": meta});
        let mut s = json!({"type": "BOOKMARK", "object": obj}).to_string();
        s.push('\n');
        Bytes::from(s)
    }
}

pub struct Options {
    pub resource_version: Option<String>,
    pub send_initial_events: bool,
    pub bookmarks: bool,
    pub timeout: Duration,
}

/// Prepares a watch under the store lock; the returned body streams it.
pub fn start(store: &Store, filter: Filter, opts: Options) -> Result<ChannelBody, ApiError> {
    let mut first: Vec<Bytes> = Vec::new();
    let rx = store.tx.subscribe();
    let rv_text = opts.resource_version.clone().unwrap_or_default();
    let from_now = rv_text.is_empty() || rv_text == "0";
    if from_now || opts.send_initial_events {
        for (_, o) in store.list(
            &filter.rt.group,
            &filter.rt.plural,
            filter.namespace.as_deref(),
        ) {
            let o = present(&filter.rt, o);
            if filter.matches(&o) {
                first.push(filter.line("ADDED", o));
            }
        }
        if opts.send_initial_events && opts.bookmarks {
            first.push(filter.bookmark(store.rv, true));
        }
    } else {
        let rv: u64 = rv_text
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv_text}")))?;
        match store.events_after(rv) {
            Some(events) => {
                for ev in events {
                    if let Some((k, o)) = filter.translate(&ev) {
                        first.push(filter.line(k, o));
                    }
                }
            }
            None => {
                let e = ApiError::new(
                    410,
                    "Expired",
                    format!("too old resource version: {rv} ({})", store.compacted()),
                );
                let mut s = json!({"type": "ERROR", "object": e.to_status()}).to_string();
                s.push('\n');
                first.push(Bytes::from(s));
                let (tx, rx_body) = mpsc::channel(4);
                tokio::spawn(async move {
                    for b in first {
                        let _ = tx.send(b).await;
                    }
                });
                return Ok(ChannelBody { rx: rx_body });
            }
        }
    }
    let start_rv = store.rv;
    let (tx, rx_body) = mpsc::channel(256);
    tokio::spawn(run(filter, opts, first, rx, start_rv, tx));
    Ok(ChannelBody { rx: rx_body })
}

async fn run(
    filter: Filter,
    opts: Options,
    first: Vec<Bytes>,
    mut rx: broadcast::Receiver<Arc<Event>>,
    start_rv: u64,
    tx: mpsc::Sender<Bytes>,
) {
    for b in first {
        if tx.send(b).await.is_err() {
            return;
        }
    }
    let deadline = tokio::time::sleep(opts.timeout);
    tokio::pin!(deadline);
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    tick.tick().await;
    let mut last_rv = start_rv;
    loop {
        tokio::select! {
            _ = &mut deadline => return,
            _ = tx.closed() => return,
            _ = tick.tick() => {
                if opts.bookmarks && tx.send(filter.bookmark(last_rv, false)).await.is_err() {
                    return;
                }
            }
            ev = rx.recv() => match ev {
                Ok(ev) => {
                    if ev.rv <= start_rv {
                        continue;
                    }
                    last_rv = ev.rv;
                    if let Some((k, o)) = filter.translate(&ev)
                        && tx.send(filter.line(k, o)).await.is_err() {
                            return;
                        }
                }
                // Lagged or closed: end the watch; clients re-list.
                Err(_) => return,
            }
        }
    }
}
