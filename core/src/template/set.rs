//! The template set: named parsed templates sharing one function table, and
//! the entry point for execution.
//!
//! The Helm layer adds every chart file (in Helm's parse order), then
//! executes each output file by name. Trees are immutable and reference
//! counted, so execution never copies the set; `tpl` strings are parsed once
//! and cached per distinct text.

// foldhash: these maps are keyed by names, hashed on every lookup;
// SipHash costs more than the rest of a lookup.
use foldhash::HashMap;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use crate::source::{SourceId, Span};

use super::ast::{SourceText, Tree};
use super::error::{ExecError, ParseError};
use super::exec;
use super::funcs::{FuncError, FuncTable};
use super::lexer::Delims;
use super::parser;
use super::value::{Str, Value};

/// What a map lookup of a missing key yields (Go's `missingkey` option).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingKey {
    /// Go's default: "no value" (prints `<no value>`).
    Invalid,
    /// `missingkey=zero`, Helm's normal mode: a nil interface.
    Zero,
    /// `missingkey=error`, Helm's strict lint mode.
    Error,
}

/// Execution options and limits.
#[derive(Clone, Debug)]
pub struct Options {
    pub missing_key: MissingKey,
    /// Budget of evaluation steps (nodes and commands) for one `execute`.
    pub max_steps: u64,
    /// Budget of output bytes for one `execute` (includes `include` output).
    pub max_output: usize,
    /// Go's nesting limit for `{{template}}` calls.
    pub max_template_depth: usize,
    /// Helm's limit on nesting `include` of the same name.
    pub max_include_depth: usize,
    /// The name `tpl` strings are parsed under (Helm 3.10 uses `gotpl`).
    pub tpl_name: Str,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            missing_key: MissingKey::Zero,
            max_steps: 200_000_000,
            max_output: 512 * 1024 * 1024,
            max_template_depth: 100_000,
            max_include_depth: 1000,
            tpl_name: Arc::from("gotpl"),
        }
    }
}

/// Engine-level functions the Helm layer provides (`lookup`, …): every
/// [`FuncDef::Engine`](super::FuncDef::Engine) entry whose tag the template
/// engine does not implement itself is sent here, with its arguments
/// already converted to the entry's signature.
pub trait Host {
    fn call(&mut self, name: &str, tag: &str, args: &[Value]) -> Result<Value, FuncError> {
        let _ = (tag, args);
        Err(FuncError::new(format!("function {name} is not available")))
    }
}

/// A host with no engine functions.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHost;

impl Host for NoHost {}

/// One entry of the output trace: output from `start` (up to the next
/// entry's start) was produced by the node at `span`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    pub start: u32,
    pub span: Span,
}

/// The result of executing a template.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub output: String,
    /// Sorted by `start`; covers the whole output.
    pub trace: Vec<TraceEntry>,
}

impl Rendered {
    /// The span of the template node that produced the output byte at `offset`.
    pub fn span_at(&self, offset: usize) -> Option<Span> {
        let off = offset as u32;
        let i = self.trace.partition_point(|e| e.start <= off);
        if i == 0 {
            return None;
        }
        self.trace.get(i - 1).map(|e| e.span)
    }
}

/// A `tpl` string, parsed once.
#[derive(Debug)]
pub(crate) struct TplParsed {
    pub main: Arc<Tree>,
    pub defines: Arc<HashMap<Str, Arc<Tree>>>,
}

type TplKey = (Arc<str>, Str, Delims);
type TplResult = Result<Arc<TplParsed>, ParseError>;

/// First source id handed to `tpl` strings.
pub const TPL_SOURCE_BASE: u32 = 0x8000_0000;

/// Template text from below which [`TemplateSet::add_all`] parses on one
/// thread (a typical chart with a library subchart has 200–500 KB).
const PARALLEL_PARSE_MIN_BYTES: usize = 96 * 1024;

/// Source ids [`ParseAhead`] gives its files: apart from the ids callers
/// choose (small numbers) and from `tpl`'s.
pub const AHEAD_SOURCE_BASE: u32 = 0x4000_0000;

/// A template file to add: name, shared text, delimiters and source id.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    pub delims: Delims,
    pub source: SourceId,
}

fn parse_file(file: &SourceFile, funcs: &FuncTable, interner: &mut parser::Interner) -> Parse {
    let src = Arc::new(SourceText::with_delims(
        file.source,
        file.text.clone(),
        file.delims.clone(),
    ));
    let parsed = parser::parse_interned(
        &file.name,
        src.clone(),
        &file.delims,
        &|n| funcs.contains(n),
        interner,
    );
    (src, parsed)
}

/// A file's source text and what parsing it gave.
type Parse = (Arc<SourceText>, parser::Parsed);

/// Template files being parsed on a second thread before the set that will
/// hold them exists: a render can hand over each chart's templates as soon
/// as the chart is read and start parsing them while it still reads and
/// checks values; [`TemplateSet::add_all_ahead`] takes the results.
///
/// The thread (never with one CPU) starts once enough text has come to pay
/// for it, or at once when the caller expects that much (`eager`): a thread
/// started while this one is busy often waits on this one's CPU until it
/// next sleeps (up to 1–2 ms measured here) instead of moving to the idle one,
/// whereas a thread already waiting is woken on the idle CPU within tens
/// of microseconds. Whatever the worker has not taken, the render parses
/// on its own thread.
#[derive(Debug)]
pub struct ParseAhead {
    shared: Arc<AheadShared>,
    worker: Option<std::thread::JoinHandle<Vec<(usize, Parse)>>>,
    /// Whether starting the worker was tried.
    started: bool,
    /// Text handed over so far.
    bytes: usize,
}

#[derive(Debug)]
struct AheadShared {
    funcs: Arc<FuncTable>,
    queue: Mutex<AheadQueue>,
    /// Signalled when files are added or the queue closes.
    more: Condvar,
}

#[derive(Debug, Default)]
struct AheadQueue {
    /// Every file handed over; a file's index is its job number.
    files: Vec<SourceFile>,
    /// The first file nobody has taken.
    next: usize,
    /// How many files the worker thread took.
    worker_took: usize,
    /// No more files will come.
    closed: bool,
}

impl AheadShared {
    /// The next file nobody has taken; the worker thread (`wait`) waits
    /// for one until the queue closes.
    fn next_job(&self, wait: bool) -> Option<(usize, SourceFile)> {
        let mut q = self.queue.lock().ok()?;
        loop {
            if let Some(file) = q.files.get(q.next).cloned() {
                let j = q.next;
                q.next += 1;
                q.worker_took += usize::from(wait);
                return Some((j, file));
            }
            if q.closed || !wait {
                return None;
            }
            q = self.more.wait(q).ok()?;
        }
    }

    /// Parses files nobody has taken (the worker, `wait`: until the queue
    /// closes).
    fn work(&self, interner: &mut parser::Interner, wait: bool) -> Vec<(usize, Parse)> {
        let mut done = Vec::new();
        while let Some((j, file)) = self.next_job(wait) {
            done.push((j, parse_file(&file, &self.funcs, interner)));
        }
        done
    }

    fn close(&self) {
        if let Ok(mut q) = self.queue.lock() {
            q.closed = true;
        }
        self.more.notify_all();
    }
}

/// glibc gives a new thread a heap of its own and grows it by exactly what
/// each allocation lacks: one `mprotect` per page, where the main heap grows
/// with a 128 KiB pad. A thread building parse trees made hundreds of those
/// calls (each a TLB shoot-down while the other thread runs). Taking a few
/// blocks just below the mmap threshold and freeing them grows the heap in
/// sixteen steps; the freed pages stay usable without another call.
fn reserve_thread_heap() {
    let blocks: Vec<Vec<u8>> = (0..16)
        .map(|_| std::hint::black_box(Vec::with_capacity(120 * 1024)))
        .collect();
    drop(std::hint::black_box(blocks));
}

impl ParseAhead {
    /// `eager`: the caller expects at least [`PARALLEL_PARSE_MIN_BYTES`]
    /// of templates, so the worker starts now.
    pub fn new(funcs: Arc<FuncTable>, eager: bool) -> ParseAhead {
        let mut ahead = ParseAhead {
            shared: Arc::new(AheadShared {
                funcs,
                queue: Mutex::new(AheadQueue::default()),
                more: Condvar::new(),
            }),
            worker: None,
            started: false,
            bytes: 0,
        };
        if eager {
            ahead.start_worker();
        }
        ahead
    }

    /// Starts the worker, once.
    fn start_worker(&mut self) {
        if std::mem::replace(&mut self.started, true)
            || !std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
        {
            return;
        }
        let theirs = self.shared.clone();
        self.worker = std::thread::Builder::new()
            .spawn(move || {
                reserve_thread_heap();
                theirs.work(&mut parser::Interner::default(), true)
            })
            .ok();
    }

    /// Hands over files (name, text, delimiters) to parse.
    pub fn push(&mut self, files: impl IntoIterator<Item = (String, Arc<str>, Delims)>) {
        let Ok(mut q) = self.shared.queue.lock() else {
            return;
        };
        for (name, text, delims) in files {
            let Some(id) = u32::try_from(q.files.len())
                .ok()
                .and_then(|n| AHEAD_SOURCE_BASE.checked_add(n))
                .filter(|&id| id < TPL_SOURCE_BASE)
            else {
                break;
            };
            self.bytes += text.len();
            q.files.push(SourceFile {
                name,
                text,
                delims,
                source: SourceId(id),
            });
        }
        drop(q);
        self.shared.more.notify_one();
        if self.bytes >= PARALLEL_PARSE_MIN_BYTES {
            self.start_worker();
        }
    }
}

impl Drop for ParseAhead {
    /// A render that never comes (an error while values are read) lets the
    /// thread finish what it took and stop.
    fn drop(&mut self) {
        self.shared.close();
    }
}

/// A set of named templates sharing a function table.
#[derive(Debug)]
pub struct TemplateSet {
    pub(crate) funcs: Arc<FuncTable>,
    pub(crate) templates: HashMap<Str, Arc<Tree>>,
    /// Every definition of each name, in the order added (for `tpl`, which
    /// re-associates all files but the caller's).
    pub(crate) history: HashMap<Str, Vec<Arc<Tree>>>,
    pub(crate) options: Options,
    sources: HashMap<SourceId, Arc<SourceText>>,
    /// The file name each source was added under.
    source_names: HashMap<SourceId, Str>,
    pub(crate) tpl_cache: Mutex<HashMap<TplKey, TplResult>>,
    tpl_sources: Mutex<HashMap<SourceId, Arc<SourceText>>>,
    next_tpl_source: AtomicU32,
    /// Names and literals shared by all files of the set.
    interner: parser::Interner,
}

impl TemplateSet {
    pub fn new(funcs: Arc<FuncTable>) -> TemplateSet {
        TemplateSet::with_options(funcs, Options::default())
    }

    pub fn with_options(funcs: Arc<FuncTable>, options: Options) -> TemplateSet {
        TemplateSet {
            funcs,
            templates: HashMap::default(),
            history: HashMap::default(),
            options,
            sources: HashMap::default(),
            source_names: HashMap::default(),
            tpl_cache: Mutex::new(HashMap::default()),
            tpl_sources: Mutex::new(HashMap::default()),
            next_tpl_source: AtomicU32::new(TPL_SOURCE_BASE),
            interner: parser::Interner::default(),
        }
    }

    pub fn funcs(&self) -> &Arc<FuncTable> {
        &self.funcs
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn options_mut(&mut self) -> &mut Options {
        &mut self.options
    }

    /// Parses `text` as template `name` and adds it and its `define`s to the
    /// set. Later definitions replace earlier ones, except that an empty
    /// (whitespace/comment-only) definition never replaces a non-empty one
    /// (Go's `AddParseTree` rule, which makes Helm's parent defines win).
    /// On a parse error nothing is added.
    pub fn add(
        &mut self,
        name: &str,
        text: &str,
        delims: &Delims,
        source: SourceId,
    ) -> Result<(), ParseError> {
        let file = SourceFile {
            name: name.to_string(),
            text: Arc::from(text),
            delims: delims.clone(),
            source,
        };
        let parse = parse_file(&file, &self.funcs, &mut self.interner);
        self.add_result(&file, parse)
    }

    /// Adds many files in order, as repeated [`add`](Self::add) calls would
    /// (keeping each shared text without copying it), parsing them on two
    /// threads when there is enough text to pay for the second one. The
    /// error is the first file's (in order) that fails, with its index;
    /// files after it are not added.
    pub fn add_all(&mut self, files: &[SourceFile]) -> Result<(), (usize, ParseError)> {
        let total: usize = files.iter().map(|f| f.text.len()).sum();
        // It starts in ≈ 0.1 ms, so small sets stay on one thread.
        let parallel = total >= PARALLEL_PARSE_MIN_BYTES
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
        let funcs = self.funcs.clone();
        let interner = &mut self.interner;
        // Both threads take the next unparsed file until none is left: files
        // differ too much in cost per byte (comment blocks, dense manifests)
        // for a split by size to keep the two busy equally long.
        let next = AtomicUsize::new(0);
        let take = |interner: &mut parser::Interner| {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = files.get(i) else { break };
                done.push((i, parse_file(file, &funcs, interner)));
            }
            done
        };
        let mut slots: Vec<Option<Parse>> =
            std::iter::repeat_with(|| None).take(files.len()).collect();
        std::thread::scope(|scope| {
            let worker = parallel
                .then(|| {
                    std::thread::Builder::new()
                        .spawn_scoped(scope, || {
                            reserve_thread_heap();
                            take(&mut parser::Interner::default())
                        })
                        .ok()
                })
                .flatten();
            let mut done = take(interner);
            if let Some(Ok(theirs)) = worker.map(|w| w.join()) {
                done.extend(theirs);
            }
            for (i, parsed) in done {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Some(parsed);
                }
            }
        });
        for (i, (file, slot)) in files.iter().zip(slots).enumerate() {
            // A file a failed worker took is parsed here.
            let parsed = slot.unwrap_or_else(|| parse_file(file, &funcs, &mut self.interner));
            self.add_result(file, parsed).map_err(|e| (i, e))?;
        }
        Ok(())
    }

    /// [`add_all`](Self::add_all) for files `ahead` has been parsing: this
    /// thread helps with what the worker has not taken yet, then a file
    /// with the same name, text and delimiters as one of `ahead`'s takes its
    /// parse and source id (written into `files`); any other file is parsed
    /// here. Same order, precedence and error as `add_all`.
    pub fn add_all_ahead(
        &mut self,
        files: &mut [SourceFile],
        ahead: ParseAhead,
    ) -> Result<(), (usize, ParseError)> {
        let mut ahead = ahead;
        let shared = ahead.shared.clone();
        shared.close();
        let mut done = shared.work(&mut self.interner, false);
        // A worker that took nothing (a small chart, or one still starting)
        // is left to see the closed queue and stop on its own.
        let worker_took = shared.queue.lock().map_or(1, |q| q.worker_took);
        if let Some(worker) = ahead.worker.take().filter(|_| worker_took > 0)
            && let Ok(theirs) = worker.join()
        {
            done.extend(theirs);
        }
        let early: Vec<SourceFile> = match shared.queue.lock() {
            Ok(q) => q.files.clone(),
            Err(_) => Vec::new(),
        };
        let mut slots: Vec<Option<Parse>> =
            std::iter::repeat_with(|| None).take(early.len()).collect();
        for (j, parsed) in done {
            if let Some(slot) = slots.get_mut(j) {
                *slot = Some(parsed);
            }
        }
        let by_name: HashMap<&str, usize> = early
            .iter()
            .enumerate()
            .map(|(j, f)| (f.name.as_str(), j))
            .collect();
        for (i, file) in files.iter_mut().enumerate() {
            let ready = by_name.get(file.name.as_str()).and_then(|&j| {
                let first = early.get(j)?;
                if !Arc::ptr_eq(&first.text, &file.text) || first.delims != file.delims {
                    return None;
                }
                let parsed = slots.get_mut(j)?.take()?;
                Some((first.source, parsed))
            });
            let parsed = match ready {
                Some((source, parsed)) => {
                    file.source = source;
                    parsed
                }
                None => parse_file(file, &self.funcs, &mut self.interner),
            };
            self.add_result(file, parsed).map_err(|e| (i, e))?;
        }
        Ok(())
    }

    fn add_result(&mut self, file: &SourceFile, (src, parsed): Parse) -> Result<(), ParseError> {
        if let Some(e) = parsed.error {
            return Err(e);
        }
        self.sources.insert(file.source, src);
        self.source_names
            .insert(file.source, Str::from(file.name.as_str()));
        for tree in parsed.trees {
            self.associate(Arc::new(tree));
        }
        Ok(())
    }

    /// Parses without adding (for the language server): all trees completed
    /// before the first error, and the error.
    pub fn parse_only(
        &self,
        name: &str,
        text: &str,
        delims: &Delims,
        source: SourceId,
    ) -> parser::Parsed {
        let src = Arc::new(SourceText::with_delims(
            source,
            Arc::from(text),
            delims.clone(),
        ));
        parser::parse(name, src, delims, &|n| self.funcs.contains(n))
    }

    /// Adds trees returned by [`parse_only`](Self::parse_only) for a text
    /// that parsed without error, exactly as [`add`](Self::add) would (the
    /// language server keeps parsed files and re-parses only edited ones).
    pub fn add_parsed(&mut self, trees: &[Arc<Tree>]) {
        for tree in trees {
            self.sources
                .entry(tree.source.id)
                .or_insert_with(|| tree.source.clone());
            self.associate(tree.clone());
        }
    }

    fn associate(&mut self, tree: Arc<Tree>) {
        self.history
            .entry(tree.name.clone())
            .or_default()
            .push(tree.clone());
        if let Some(old) = self.templates.get(&tree.name)
            && tree.is_empty()
            && !old.is_empty()
        {
            return;
        }
        self.templates.insert(tree.name.clone(), tree);
    }

    /// The tree of a named template.
    pub fn get(&self, name: &str) -> Option<&Arc<Tree>> {
        self.templates.get(name)
    }

    /// Names of all templates, sorted.
    pub fn names(&self) -> Vec<Str> {
        let mut v: Vec<Str> = self.templates.keys().cloned().collect();
        v.sort();
        v
    }

    /// The text of a source (a template file added with [`add`](Self::add)
    /// or a `tpl` string parsed during execution).
    /// The name a file was added under (trace spans may point into a file
    /// other than the one rendered: an included `define`).
    pub fn source_name(&self, id: SourceId) -> Option<&str> {
        self.source_names.get(&id).map(|s| &**s)
    }

    pub fn source(&self, id: SourceId) -> Option<Arc<SourceText>> {
        if let Some(s) = self.sources.get(&id) {
            return Some(s.clone());
        }
        self.tpl_sources
            .lock()
            .ok()
            .and_then(|m| m.get(&id).cloned())
    }

    /// Number of distinct `tpl` strings parsed and cached so far.
    pub fn tpl_cache_len(&self) -> usize {
        self.tpl_cache.lock().map(|c| c.len()).unwrap_or(0)
    }

    /// Executes template `name` with `data` as `.` and `$`.
    pub fn execute(
        &self,
        name: &str,
        data: &Value,
        host: &mut dyn Host,
    ) -> Result<Rendered, ExecError> {
        exec::execute(self, name, data, host)
    }

    /// Parses (or fetches from the cache) a `tpl` string as template `name`.
    pub(crate) fn parse_tpl(
        &self,
        text: &str,
        name: &Str,
        delims: &Delims,
    ) -> Result<Arc<TplParsed>, ParseError> {
        let key: TplKey = (Arc::from(text), name.clone(), delims.clone());
        if let Ok(cache) = self.tpl_cache.lock()
            && let Some(hit) = cache.get(&key)
        {
            return hit.clone();
        }
        let id = SourceId(self.next_tpl_source.fetch_add(1, Ordering::Relaxed));
        let src = Arc::new(SourceText::with_delims(id, key.0.clone(), delims.clone()));
        let parsed = parser::parse(name, src.clone(), delims, &|n| self.funcs.contains(n));
        let result = match parsed.error {
            Some(e) => Err(e),
            None => {
                let mut trees = parsed.trees.into_iter();
                match trees.next() {
                    Some(main) => {
                        let mut defines = HashMap::default();
                        for t in trees {
                            defines.insert(t.name.clone(), Arc::new(t));
                        }
                        Ok(Arc::new(TplParsed {
                            main: Arc::new(main),
                            defines: Arc::new(defines),
                        }))
                    }
                    None => Err(ParseError {
                        name: name.clone(),
                        line: 1,
                        message: "internal error: no tree".into(),
                        span: Span::default(),
                    }),
                }
            }
        };
        if let Ok(mut m) = self.tpl_sources.lock() {
            m.insert(id, src);
        }
        if let Ok(mut cache) = self.tpl_cache.lock() {
            // Bound the cache so a template generating endless distinct
            // strings cannot grow it without limit.
            if cache.len() > 10_000 {
                cache.clear();
                if let Ok(mut m) = self.tpl_sources.lock() {
                    m.clear();
                }
            }
            cache.insert(key, result.clone());
        }
        result
    }
}
