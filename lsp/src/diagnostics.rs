//! Live diagnostics: edits mark charts dirty and wake one worker, which waits
//! a short quiet period, computes diagnostics for the open documents of the
//! dirty charts from a snapshot, and publishes them only if no edit arrived
//! meanwhile (otherwise the result is dropped and the work redone for the
//! newer text). So a burst of edits ends with diagnostics for its last version.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chart_core::ide::{self, Severity};
use ropey::Rope;
use tokio::sync::Notify;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Uri};

use crate::convert::{self, Encoding};
use crate::snapshot::{self, ChartSnapshot, RenderRoot, Renders};
use crate::state::{State, path_uri};

/// Quiet time after an edit before computing (bursts of keystrokes coalesce).
const DEBOUNCE: Duration = Duration::from_millis(3);

/// Shared between the handlers (which mark) and the worker.
#[derive(Debug, Default)]
pub struct Queue {
    dirty: Mutex<BTreeSet<PathBuf>>,
    wake: Notify,
}

impl Queue {
    /// Marks a chart directory for recomputation and wakes the worker.
    pub fn mark(&self, chart_dir: PathBuf) {
        if let Ok(mut d) = self.dirty.lock() {
            d.insert(chart_dir);
        }
        self.wake.notify_one();
    }

    fn take(&self) -> BTreeSet<PathBuf> {
        self.dirty
            .lock()
            .map(|mut d| std::mem::take(&mut *d))
            .unwrap_or_default()
    }

    fn put_back(&self, dirs: BTreeSet<PathBuf>) {
        if let Ok(mut d) = self.dirty.lock() {
            d.extend(dirs);
        }
    }
}

/// One document's computed diagnostics.
struct Computed {
    uri: Uri,
    version: i32,
    diagnostics: Vec<Diagnostic>,
}

/// Runs forever: the diagnostics worker.
pub async fn worker(
    state: Arc<Mutex<State>>,
    renders: Arc<Renders>,
    queue: Arc<Queue>,
    client: Client,
) {
    loop {
        queue.wake.notified().await;
        tokio::time::sleep(DEBOUNCE).await;
        let dirs = queue.take();
        if dirs.is_empty() {
            continue;
        }
        let st = state.clone();
        let rs = renders.clone();
        let dirs2 = dirs.clone();
        let job = tokio::task::spawn_blocking(move || compute(&st, &rs, &dirs2)).await;
        let Ok(Some((revision, results))) = job else {
            continue;
        };
        // Stale? Drop the result; the edit that made it stale re-marked its chart.
        let current = state.lock().map(|s| s.revision).unwrap_or(u64::MAX);
        if current != revision {
            queue.put_back(dirs);
            queue.wake.notify_one();
            continue;
        }
        for c in results {
            client
                .publish_diagnostics(c.uri, c.diagnostics, Some(c.version))
                .await;
        }
    }
}

/// One chart's share of a computation, cut under the state lock.
struct Job {
    dir: PathBuf,
    snapshot: Option<ChartSnapshot>,
    /// Names and aliases of the chart's subcharts (their values are theirs).
    subcharts: Vec<String>,
    docs: Vec<(PathBuf, i32, Arc<str>)>,
    root: Option<RenderRoot>,
}

/// Computes diagnostics for the open documents of `dirs`; returns the
/// revision they belong to.
fn compute(
    state: &Mutex<State>,
    renders: &Renders,
    dirs: &BTreeSet<PathBuf>,
) -> Option<(u64, Vec<Computed>)> {
    // Cut the inputs under the lock, analyse without it.
    let (revision, enc, overlay, jobs) = {
        let st = state.lock().ok()?;
        let overlay = snapshot::overlay(&st);
        let mut jobs = Vec::new();
        for dir in dirs {
            let Some(ci) = st.workspace.charts.iter().position(|c| &c.dir == dir) else {
                continue;
            };
            let docs: Vec<(PathBuf, i32, Arc<str>)> = st
                .docs
                .iter()
                .filter(|(p, _)| st.workspace.chart_for(p) == Some(ci))
                .map(|(p, d)| (p.clone(), d.version, d.text.clone()))
                .collect();
            if docs.is_empty() {
                continue;
            }
            let snapshot = snapshot::chart(&st, ci);
            let subcharts = st
                .workspace
                .charts
                .get(ci)
                .map(|c| {
                    c.meta
                        .dependencies
                        .iter()
                        .map(|(n, a)| a.clone().unwrap_or_else(|| n.clone()))
                        .collect()
                })
                .unwrap_or_default();
            jobs.push(Job {
                dir: dir.clone(),
                snapshot,
                subcharts,
                docs,
                root: snapshot::render_root(&st, ci),
            });
        }
        (st.revision, st.encoding, overlay, jobs)
    };
    let mut out = Vec::new();
    for job in jobs {
        // Template diagnostics for all of the chart's documents in one update.
        let rendered: Vec<Vec<ide::Diagnostic>> = job
            .root
            .as_ref()
            .and_then(|root| {
                renders.with(root, &overlay, |live| {
                    job.docs
                        .iter()
                        .map(|(p, _, _)| {
                            let mut d = live.diagnostics(p);
                            let stack = job.snapshot.as_ref().map(|s| &s.stack);
                            if let Some(fi) = live.file_index(p) {
                                d.extend(ide::template::undefined_values(live, fi, stack));
                            } else if let Some(stack) = stack
                                && let Some(layer) = stack.layer_of(p)
                                && *p == job.dir.join("values.yaml")
                            {
                                d.extend(ide::template::unused_keys(
                                    live,
                                    &job.dir,
                                    stack,
                                    layer,
                                    &job.subcharts,
                                ));
                            }
                            d
                        })
                        .collect()
                })
            })
            .unwrap_or_default();
        for (k, (path, version, text)) in job.docs.into_iter().enumerate() {
            let Some(uri) = path_uri(&path) else { continue };
            let mut diags = match job
                .snapshot
                .as_ref()
                .and_then(|s| Some((s, s.layer_of(&path)?)))
            {
                Some((snap, layer)) => {
                    ide::values_file::diagnostics(&snap.stack, layer, snap.schema.as_ref())
                }
                None => Vec::new(),
            };
            if let Some(d) = rendered.get(k) {
                diags.extend(d.iter().cloned());
            }
            let rope = Rope::from_str(&text);
            out.push(Computed {
                uri,
                version,
                diagnostics: diags.iter().map(|d| to_lsp(&rope, d, enc)).collect(),
            });
        }
    }
    Some((revision, out))
}

/// An `ide` diagnostic as LSP.
pub fn to_lsp(rope: &Rope, d: &ide::Diagnostic, enc: Encoding) -> Diagnostic {
    Diagnostic {
        range: convert::range(rope, d.span.start as usize, d.span.end as usize, enc),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Information => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("chart-lsp".to_string()),
        message: d.message.clone(),
        ..Diagnostic::default()
    }
}
