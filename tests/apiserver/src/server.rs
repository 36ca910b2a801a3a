//! HTTP front: authentication, request log and fault injection, routing of
//! discovery, resource and `/_test/` paths to their handlers.

use crate::admin::{Config, RequestRecord};
use crate::controllers;
use crate::discovery;
use crate::objects::{self, PatchType, Write, present};
use crate::resources::ResourceType;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::status::ApiError;
use crate::store::Store;
use crate::table::{self, As};
use crate::watch;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub type Body = BoxBody<Bytes, Infallible>;

/// Everything behind the lock.
pub struct World {
    pub store: Store,
    pub config: Config,
    pub requests: Vec<RequestRecord>,
    pub seq: u64,
}

pub struct App {
    pub world: Mutex<World>,
    pub token: String,
    /// `127.0.0.1:PORT`
    pub addr: String,
    pub kube_version: String,
}

impl App {
    pub fn lock(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock must not take the server down.
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

fn json_response(code: u16, v: &Value) -> Response<Body> {
    let mut r = Response::new(full(v.to_string()));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

fn error_response(e: &ApiError) -> Response<Body> {
    json_response(e.code, &e.to_status())
}

/// Decoded query parameters.
pub struct Query(Vec<(String, String)>);

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Query {
    pub fn parse(q: &str) -> Self {
        Query(
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (percent_decode(k), percent_decode(v)),
                    None => (percent_decode(p), String::new()),
                })
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Some("true") | Some("1") | Some(""))
    }
}

pub async fn handle(app: Arc<App>, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let query_text = parts.uri.query().unwrap_or_default().to_string();
    let header = |n: &str| {
        parts
            .headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (content_type, accept, user_agent, auth) = (
        header("content-type"),
        header("accept"),
        header("user-agent"),
        header("authorization"),
    );
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    if auth != format!("Bearer {}", app.token) {
        let e = ApiError::new(401, "Unauthorized", "Unauthorized");
        return Ok(error_response(&e));
    }
    let is_admin = path.starts_with("/_test/") || path == "/_test";
    let seq;
    {
        let mut w = app.lock();
        w.seq += 1;
        seq = w.seq;
        if !is_admin {
            let pq = if query_text.is_empty() {
                path.clone()
            } else {
                format!("{path}?{query_text}")
            };
            if let Some((code, msg)) = w.config.injected(&method, &pq) {
                let e = ApiError::for_code(code, msg);
                w.requests.push(RequestRecord {
                    seq,
                    method: method.clone(),
                    path: path.clone(),
                    query: query_text.clone(),
                    content_type: content_type.clone(),
                    user_agent: user_agent.clone(),
                    body: String::from_utf8_lossy(&body).into_owned(),
                    status: code,
                });
                return Ok(error_response(&e));
            }
        }
    }
    // Only JSON (and YAML for apply) bodies are understood; clients that
    // prefer protobuf or CBOR fall back to JSON on 415, as with old servers.
    let base_type = content_type.split(';').next().unwrap_or_default().trim();
    if !body.is_empty() && (base_type.contains("protobuf") || base_type.contains("cbor")) {
        let e = ApiError::unsupported_media(format!(
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got {base_type})"
        ));
        record(
            &app,
            seq,
            &method,
            &path,
            &query_text,
            &content_type,
            &user_agent,
            "",
            e.code,
        );
        return Ok(error_response(&e));
    }
    let query = Query::parse(&query_text);
    let req = Req {
        method: &method,
        path: &path,
        query: &query,
        content_type: &content_type,
        accept: &accept,
        user_agent: &user_agent,
        body: &body,
    };
    let resp = if is_admin {
        admin(&app, &req)
    } else {
        route(&app, &req)
    };
    if !is_admin {
        let text: String = String::from_utf8_lossy(&body)
            .chars()
            .take(1 << 20)
            .collect();
        let status = resp.status().as_u16();
        record(
            &app,
            seq,
            &method,
            &path,
            &query_text,
            &content_type,
            &user_agent,
            &text,
            status,
        );
    }
    Ok(resp)
}

#[allow(clippy::too_many_arguments)]
fn record(
    app: &App,
    seq: u64,
    method: &str,
    path: &str,
    query: &str,
    content_type: &str,
    user_agent: &str,
    body: &str,
    status: u16,
) {
    let mut w = app.lock();
    w.requests.push(RequestRecord {
        seq,
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        content_type: content_type.to_string(),
        user_agent: user_agent.to_string(),
        body: body.to_string(),
        status,
    });
}

struct Req<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a Query,
    content_type: &'a str,
    accept: &'a str,
    user_agent: &'a str,
    body: &'a Bytes,
}

fn parse_json_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding request body: {e}")))
}

fn admin(app: &App, req: &Req) -> Response<Body> {
    let mut w = app.lock();
    match (req.method, req.path) {
        ("GET", "/_test/config") => json_response(200, &w.config.to_json()),
        ("POST", "/_test/config") | ("PUT", "/_test/config") => {
            let body = match parse_json_body(req.body) {
                Ok(b) => b,
                Err(e) => return error_response(&e),
            };
            if let Err(msg) = w.config.update(&body) {
                return error_response(&ApiError::bad_request(msg));
            }
            let never_ready = w.config.never_ready;
            controllers::reconcile(&mut w.store, never_ready);
            w.store.save();
            json_response(200, &w.config.to_json())
        }
        ("GET", "/_test/requests") => {
            let since: u64 = req
                .query
                .get("since")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let list: Vec<Value> = w
                .requests
                .iter()
                .filter(|r| r.seq > since)
                .map(|r| r.to_json())
                .collect();
            json_response(200, &Value::Array(list))
        }
        ("DELETE", "/_test/requests") => {
            w.requests.clear();
            json_response(200, &json!([]))
        }
        _ => error_response(&ApiError::page_not_found()),
    }
}

fn route(app: &App, req: &Req) -> Response<Body> {
    let segs: Vec<&str> = req
        .path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let w = app.lock();
    let get = req.method == "GET";
    match segs.as_slice() {
        ["version"] if get => return json_response(200, &discovery::version(&app.kube_version)),
        ["healthz"] | ["readyz"] | ["livez"] if get => {
            let mut r = Response::new(full("ok"));
            r.headers_mut().insert(
                "content-type",
                hyper::header::HeaderValue::from_static("text/plain"),
            );
            return r;
        }
        ["api"] if get => return json_response(200, &discovery::core_versions(&app.addr)),
        ["apis"] if get => return json_response(200, &discovery::group_list(&w.store.registry)),
        ["apis", g] if get => {
            return match discovery::group(&w.store.registry, g) {
                Some(doc) => json_response(200, &doc),
                None => error_response(&ApiError::page_not_found()),
            };
        }
        ["openapi", "v2"] if get => {
            if req.accept.contains("protobuf") {
                let mut r = Response::new(full(discovery::openapi_v2_proto(&app.kube_version)));
                r.headers_mut().insert(
                    "content-type",
                    hyper::header::HeaderValue::from_static(
                        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
                    ),
                );
                return r;
            }
            return json_response(200, &discovery::openapi_v2_json(&app.kube_version));
        }
        ["openapi", "v3"] if get => return json_response(200, &discovery::openapi_v3_index()),
        _ => {}
    }
    let (group, version, rest) = match segs.as_slice() {
        ["api", "v1", rest @ ..] => ("", "v1", rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return error_response(&ApiError::page_not_found()),
    };
    if rest.is_empty() {
        if !get {
            return error_response(&ApiError::method_not_allowed());
        }
        return match discovery::resource_list(&w.store.registry, group, version) {
            Some(doc) => json_response(200, &doc),
            None => error_response(&ApiError::page_not_found()),
        };
    }
    let reg = &w.store.registry;
    let (namespace, rest) = match rest {
        ["namespaces", ns, plural, tail @ ..]
            if reg
                .find(group, version, plural)
                .is_some_and(|t| t.namespaced) =>
        {
            let mut v = vec![*plural];
            v.extend_from_slice(tail);
            (Some(ns.to_string()), v)
        }
        other => (None, other.to_vec()),
    };
    let Some(rt) = reg.find(group, version, rest[0]).cloned() else {
        return error_response(&ApiError::page_not_found());
    };
    if rest.len() > 3 || (!rt.namespaced && namespace.is_some()) {
        return error_response(&ApiError::page_not_found());
    }
    let name = rest.get(1).map(|s| s.to_string());
    let sub = rest.get(2).map(|s| s.to_string());
    if let Some(s) = &sub
        && !rt.subresources.contains(s)
    {
        return error_response(&ApiError::page_not_found());
    }
    if rt.namespaced && name.is_some() && namespace.is_none() {
        return error_response(&ApiError::page_not_found());
    }
    drop(w);
    let ctx = ResCtx {
        rt,
        namespace,
        name,
        sub,
    };
    resource(app, req, &ctx)
}

struct ResCtx {
    rt: ResourceType,
    namespace: Option<String>,
    name: Option<String>,
    sub: Option<String>,
}

fn manager(req: &Req) -> String {
    match req.query.get("fieldManager") {
        Some(m) if !m.is_empty() => m.to_string(),
        _ => req
            .user_agent
            .split('/')
            .next()
            .unwrap_or_default()
            .chars()
            .take(128)
            .collect(),
    }
}

fn resource(app: &App, req: &Req, c: &ResCtx) -> Response<Body> {
    let repr = As::from_accept(req.accept);
    let ns = c.namespace.clone().unwrap_or_default();
    let rt = &c.rt;
    let dry_run = req.query.get("dryRun").is_some_and(|v| v == "All");
    let mgr = manager(req);
    let w = Write {
        rt,
        namespace: &ns,
        manager: &mgr,
        dry_run,
        subresource: c.sub.as_deref(),
    };
    let mut world = app.lock();
    let never_ready = world.config.never_ready;
    let result: Result<(u16, Value), ApiError> = match (req.method, &c.name, c.sub.as_deref()) {
        ("GET", None, _) => {
            let labels =
                match LabelSelector::parse(req.query.get("labelSelector").unwrap_or_default()) {
                    Ok(l) => l,
                    Err(e) => return error_response(&ApiError::bad_request(e)),
                };
            let fields =
                match FieldSelector::parse(req.query.get("fieldSelector").unwrap_or_default()) {
                    Ok(f) => f,
                    Err(e) => return error_response(&ApiError::bad_request(e)),
                };
            if req.query.flag("watch") && req.query.get("watch").is_some() {
                let timeout = req
                    .query
                    .get("timeoutSeconds")
                    .and_then(|t| t.parse::<u64>().ok())
                    .unwrap_or(1800);
                let filter = watch::Filter {
                    rt: rt.clone(),
                    namespace: c.namespace.clone(),
                    labels,
                    fields,
                    repr,
                };
                let opts = watch::Options {
                    resource_version: req.query.get("resourceVersion").map(str::to_string),
                    send_initial_events: req.query.get("sendInitialEvents") == Some("true"),
                    bookmarks: req.query.get("allowWatchBookmarks") == Some("true"),
                    timeout: Duration::from_secs(timeout),
                };
                return match watch::start(&world.store, filter, opts) {
                    Ok(body) => {
                        let mut r = Response::new(body.boxed());
                        r.headers_mut().insert(
                            "content-type",
                            hyper::header::HeaderValue::from_static("application/json"),
                        );
                        r
                    }
                    Err(e) => error_response(&e),
                };
            }
            Ok((
                200,
                list(
                    &world.store,
                    rt,
                    c.namespace.as_deref(),
                    &labels,
                    &fields,
                    req,
                    repr,
                ),
            ))
        }
        ("GET", Some(name), sub) => {
            let obj = objects::get(&world.store, rt, &ns, name);
            match (obj, sub) {
                (Ok(o), Some("scale")) => Ok((200, scale_of(rt, &o))),
                (Ok(o), Some("log")) => {
                    let _ = o;
                    let mut r = Response::new(full(""));
                    r.headers_mut().insert(
                        "content-type",
                        hyper::header::HeaderValue::from_static("text/plain"),
                    );
                    return r;
                }
                (Ok(o), _) => Ok((200, render_one(rt, o, repr))),
                (Err(e), _) => Err(e),
            }
        }
        ("POST", None, None) => parse_json_body(req.body)
            .and_then(|b| objects::create(&mut world.store, &w, b))
            .map(|o| (201, o)),
        ("PUT", Some(name), sub) if sub != Some("scale") => parse_json_body(req.body)
            .and_then(|b| objects::update(&mut world.store, &w, name, b))
            .map(|o| (200, o)),
        ("PUT", Some(name), Some("scale")) => parse_json_body(req.body).and_then(|b| {
            let replicas = b["spec"]["replicas"].clone();
            let mut o = objects::get(&world.store, rt, &ns, name)?;
            o["spec"]["replicas"] = replicas;
            let w2 = Write {
                subresource: None,
                ..w
            };
            let o = objects::update(&mut world.store, &w2, name, o)?;
            Ok((200, scale_of(rt, &o)))
        }),
        ("PATCH", Some(name), _) => patch(&mut world.store, &w, name, req),
        ("DELETE", Some(name), None) => {
            let opts = if req.body.is_empty() {
                Ok(json!({}))
            } else {
                parse_json_body(req.body)
            };
            opts.and_then(|o| {
                objects::delete(
                    &mut world.store,
                    &w,
                    name,
                    &o,
                    req.query.get("propagationPolicy"),
                )
            })
            .map(|o| (200, o))
        }
        ("DELETE", None, None) => {
            delete_collection(&mut world.store, &w, c.namespace.as_deref(), req)
        }
        _ => Err(ApiError::method_not_allowed()),
    };
    match result {
        Ok((code, body)) => {
            if req.method != "GET" && !dry_run {
                controllers::reconcile(&mut world.store, never_ready);
                world.store.save();
            }
            json_response(code, &body)
        }
        Err(e) => error_response(&e),
    }
}

fn patch(store: &mut Store, w: &Write, name: &str, req: &Req) -> Result<(u16, Value), ApiError> {
    let Some(ptype) = PatchType::from_content_type(req.content_type) else {
        return Err(ApiError::unsupported_media(format!(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got {:?})",
            req.content_type
        )));
    };
    let body = if ptype == PatchType::Apply {
        let text = String::from_utf8_lossy(req.body);
        crate::yaml::to_json(&text).map_err(ApiError::bad_request)?
    } else {
        parse_json_body(req.body)?
    };
    let force = req.query.get("force") == Some("true");
    let existed = store
        .get(&crate::store::ObjKey::new(
            &w.rt.group,
            &w.rt.plural,
            w.namespace,
            name,
        ))
        .is_some();
    if w.subresource == Some("scale") {
        let mut o = objects::get(store, w.rt, w.namespace, name)?;
        let mut scale = scale_of(w.rt, &o);
        match ptype {
            PatchType::Json => crate::patch::json_patch::apply(&mut scale, &body)
                .map_err(|e| ApiError::new(422, "Invalid", e))?,
            _ => crate::patch::merge_patch::apply(&mut scale, &body),
        }
        o["spec"]["replicas"] = scale["spec"]["replicas"].clone();
        let w2 = Write {
            rt: w.rt,
            namespace: w.namespace,
            manager: w.manager,
            dry_run: w.dry_run,
            subresource: None,
        };
        let o = objects::update(store, &w2, name, o)?;
        return Ok((200, scale_of(w.rt, &o)));
    }
    let out = objects::patch(store, w, name, ptype, &body, force)?;
    Ok((if existed { 200 } else { 201 }, out))
}

fn scale_of(rt: &ResourceType, o: &Value) -> Value {
    let selector = o["status"]["selector"].clone();
    let mut status = json!({"replicas": o["status"]["replicas"].as_i64().unwrap_or(0)});
    if !selector.is_null() {
        status["selector"] = selector;
    }
    let _ = rt;
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": o["metadata"]["name"],
            "namespace": o["metadata"]["namespace"],
            "uid": o["metadata"]["uid"],
            "resourceVersion": o["metadata"]["resourceVersion"],
            "creationTimestamp": o["metadata"]["creationTimestamp"]
        },
        "spec": {"replicas": o["spec"]["replicas"].as_i64().unwrap_or(0)},
        "status": status
    })
}

fn render_one(rt: &ResourceType, o: Value, repr: As) -> Value {
    match repr {
        As::Full => o,
        As::Metadata => table::partial(&o),
        As::Table => {
            let rv = o["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            table::table(rt, &[o], &rv, "Metadata")
        }
    }
}

fn list(
    store: &Store,
    rt: &ResourceType,
    ns: Option<&str>,
    labels: &LabelSelector,
    fields: &FieldSelector,
    req: &Req,
    repr: As,
) -> Value {
    let items: Vec<Value> = store
        .list(&rt.group, &rt.plural, ns)
        .map(|(_, o)| present(rt, o))
        .filter(|o| labels.matches(&o["metadata"]["labels"]) && fields.matches(o))
        .collect();
    let rv = store.rv.to_string();
    // Pagination: `continue` is the offset of the next item.
    let offset: usize = req
        .query
        .get("continue")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let limit: usize = req
        .query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    let next = offset.saturating_add(page.len());
    let mut meta = json!({"resourceVersion": rv});
    if next < total {
        meta["continue"] = json!(next.to_string());
        meta["remainingItemCount"] = json!(total - next);
    }
    match repr {
        As::Table => {
            let mut t = table::table(
                rt,
                &page,
                &rv,
                req.query.get("includeObject").unwrap_or("Metadata"),
            );
            t["metadata"] = meta;
            t
        }
        As::Metadata => {
            let mut l = table::partial_list(&page, &rv);
            l["metadata"] = meta;
            l
        }
        As::Full => json!({
            "kind": format!("{}List", rt.kind),
            "apiVersion": rt.api_version(),
            "metadata": meta,
            "items": page
        }),
    }
}

fn delete_collection(
    store: &mut Store,
    w: &Write,
    ns: Option<&str>,
    req: &Req,
) -> Result<(u16, Value), ApiError> {
    let labels = LabelSelector::parse(req.query.get("labelSelector").unwrap_or_default())
        .map_err(ApiError::bad_request)?;
    let fields = FieldSelector::parse(req.query.get("fieldSelector").unwrap_or_default())
        .map_err(ApiError::bad_request)?;
    let opts = if req.body.is_empty() {
        json!({})
    } else {
        parse_json_body(req.body)?
    };
    let victims: Vec<(String, Value)> = store
        .list(&w.rt.group, &w.rt.plural, ns)
        .map(|(k, o)| (k.namespace.clone(), present(w.rt, o)))
        .filter(|(_, o)| labels.matches(&o["metadata"]["labels"]) && fields.matches(o))
        .collect();
    let mut deleted = Vec::new();
    for (obj_ns, o) in victims {
        let name = o["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let w2 = Write {
            rt: w.rt,
            namespace: &obj_ns,
            manager: w.manager,
            dry_run: w.dry_run,
            subresource: None,
        };
        objects::delete(store, &w2, &name, &opts, req.query.get("propagationPolicy"))?;
        deleted.push(o);
    }
    Ok((
        200,
        json!({"kind": format!("{}List", w.rt.kind), "apiVersion": w.rt.api_version(), "metadata": {"resourceVersion": store.rv.to_string()}, "items": deleted}),
    ))
}
