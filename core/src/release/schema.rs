//! The JSON layout of a release record: field names, order and `omitempty`
//! exactly as Helm's Go structs, written with [`JsonWriter`] and read back
//! leniently (unknown fields ignored, as Go does).

use serde_json::Value as Json;

use super::chart::{Chart, Dependency, File, Lock, Maintainer, Metadata};
use super::hook::{Hook, HookExecution, HookPhase};
use super::info::Info;
use super::record::Release;
use super::status::Status;
use super::time::Timestamp;
use crate::json::{JsonWriter, map_from_json, value_from_json};

/// A record that does not have the shape of a Helm release.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SchemaError(pub String);

/// Go-encodes a release (`json.Marshal(rls)`).
pub fn release_to_json(r: &Release) -> String {
    let mut w = JsonWriter::new();
    write_release(&mut w, r);
    w.finish()
}

pub fn write_release(w: &mut JsonWriter, r: &Release) {
    w.begin_object();
    if !r.name.is_empty() {
        w.key("name");
        w.string(&r.name);
    }
    if let Some(info) = &r.info {
        w.key("info");
        write_info(w, info);
    }
    if let Some(chart) = &r.chart {
        w.key("chart");
        write_chart(w, chart);
    }
    if !r.config.is_empty() {
        w.key("config");
        w.map(&r.config);
    }
    if !r.manifest.is_empty() {
        w.key("manifest");
        w.string(&r.manifest);
    }
    if !r.hooks.is_empty() {
        w.key("hooks");
        w.begin_array();
        for h in &r.hooks {
            write_hook(w, h);
        }
        w.end_array();
    }
    if r.version != 0 {
        w.key("version");
        w.int(r.version);
    }
    if !r.namespace.is_empty() {
        w.key("namespace");
        w.string(&r.namespace);
    }
    w.end_object();
}

fn write_time(w: &mut JsonWriter, t: &Timestamp) {
    w.raw(&t.json());
}

fn write_info(w: &mut JsonWriter, i: &Info) {
    w.begin_object();
    w.key("first_deployed");
    write_time(w, &i.first_deployed);
    w.key("last_deployed");
    write_time(w, &i.last_deployed);
    w.key("deleted");
    write_time(w, &i.deleted);
    if !i.description.is_empty() {
        w.key("description");
        w.string(&i.description);
    }
    w.key("status");
    w.string(i.status.as_str());
    if !i.notes.is_empty() {
        w.key("notes");
        w.string(&i.notes);
    }
    w.end_object();
}

fn write_hook(w: &mut JsonWriter, h: &Hook) {
    w.begin_object();
    for (k, v) in [
        ("name", &h.name),
        ("kind", &h.kind),
        ("path", &h.path),
        ("manifest", &h.manifest),
    ] {
        if !v.is_empty() {
            w.key(k);
            w.string(v);
        }
    }
    if !h.events.is_empty() {
        w.key("events");
        w.strings(&h.events);
    }
    w.key("last_run");
    w.begin_object();
    w.key("started_at");
    write_time(w, &h.last_run.started_at);
    w.key("completed_at");
    write_time(w, &h.last_run.completed_at);
    w.key("phase");
    w.string(&h.last_run.phase.0);
    w.end_object();
    if h.weight != 0 {
        w.key("weight");
        w.int(h.weight);
    }
    if !h.delete_policies.is_empty() {
        w.key("delete_policies");
        w.strings(&h.delete_policies);
    }
    if !h.output_log_policies.is_empty() {
        w.key("output_log_policies");
        w.strings(&h.output_log_policies);
    }
    w.end_object();
}

fn write_files(w: &mut JsonWriter, files: &Option<Vec<File>>) {
    match files {
        None => w.null(),
        Some(files) => {
            w.begin_array();
            for f in files {
                w.begin_object();
                w.key("name");
                w.string(&f.name);
                w.key("data");
                w.bytes(&f.data);
                w.end_object();
            }
            w.end_array();
        }
    }
}

pub fn write_chart(w: &mut JsonWriter, c: &Chart) {
    w.begin_object();
    w.key("metadata");
    match &c.metadata {
        Some(m) => write_metadata(w, m),
        None => w.null(),
    }
    w.key("lock");
    match &c.lock {
        Some(l) => write_lock(w, l),
        None => w.null(),
    }
    w.key("templates");
    write_files(w, &c.templates);
    w.key("values");
    match &c.values {
        Some(v) => w.map(v),
        None => w.null(),
    }
    w.key("schema");
    match &c.schema {
        Some(s) => w.bytes(s),
        None => w.null(),
    }
    w.key("files");
    write_files(w, &c.files);
    w.end_object();
}

/// Chart.yaml metadata: keys, order and omitempty from
/// [`Metadata::json_fields`]; the struct lists are written here so each
/// element keeps its Go field order (a map value would sort the keys).
fn write_metadata(w: &mut JsonWriter, m: &Metadata) {
    w.begin_object();
    for (key, value) in m.json_fields() {
        w.key(key);
        match key {
            "maintainers" => write_maintainers(w, &m.maintainers),
            "dependencies" => write_dependencies(w, m.dependencies.iter().map(Option::as_ref)),
            _ => w.value(&value),
        }
    }
    w.end_object();
}

fn write_maintainers(w: &mut JsonWriter, maintainers: &[Option<Maintainer>]) {
    w.begin_array();
    for mt in maintainers {
        let Some(mt) = mt else {
            w.null();
            continue;
        };
        write_fields(w, mt.json_fields());
    }
    w.end_array();
}

/// A Go struct's JSON object, fields in struct order (as
/// [`Maintainer::json_fields`] and [`Dependency::json_fields`] give them).
fn write_fields(w: &mut JsonWriter, fields: Vec<(&'static str, crate::template::Value)>) {
    w.begin_object();
    for (key, value) in fields {
        w.key(key);
        w.value(&value);
    }
    w.end_object();
}

fn write_dependencies<'a>(
    w: &mut JsonWriter,
    deps: impl IntoIterator<Item = Option<&'a Dependency>>,
) {
    w.begin_array();
    for d in deps {
        let Some(d) = d else {
            w.null();
            continue;
        };
        write_fields(w, d.json_fields());
    }
    w.end_array();
}

fn write_lock(w: &mut JsonWriter, l: &Lock) {
    w.begin_object();
    w.key("generated");
    w.string(&l.generated.rfc3339_nano());
    w.key("digest");
    w.string(&l.digest);
    w.key("dependencies");
    match &l.dependencies {
        Some(d) => write_dependencies(w, d.iter().map(Some)),
        None => w.null(),
    }
    w.end_object();
}

// ---- reading ----

type Obj = serde_json::Map<String, Json>;

fn err(msg: impl Into<String>) -> SchemaError {
    SchemaError(msg.into())
}

fn get_str(o: &Obj, key: &str) -> Result<String, SchemaError> {
    match o.get(key) {
        None | Some(Json::Null) => Ok(String::new()),
        Some(Json::String(s)) => Ok(s.clone()),
        Some(other) => Err(err(format!(
            "json: cannot unmarshal {} into Go struct field .{key} of type string",
            json_kind(other)
        ))),
    }
}

fn get_int(o: &Obj, key: &str) -> Result<i64, SchemaError> {
    match o.get(key) {
        None | Some(Json::Null) => Ok(0),
        Some(Json::Number(n)) => n.as_i64().ok_or_else(|| {
            err(format!(
                "json: cannot unmarshal number {n} into Go struct field .{key} of type int"
            ))
        }),
        Some(other) => Err(err(format!(
            "json: cannot unmarshal {} into Go struct field .{key} of type int",
            json_kind(other)
        ))),
    }
}

fn get_bool(o: &Obj, key: &str) -> bool {
    matches!(o.get(key), Some(Json::Bool(true)))
}

fn get_strings(o: &Obj, key: &str) -> Result<Vec<String>, SchemaError> {
    match o.get(key) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| match i {
                Json::String(s) => Ok(s.clone()),
                other => Err(err(format!(
                    "json: cannot unmarshal {} into Go struct field .{key} of type string",
                    json_kind(other)
                ))),
            })
            .collect(),
        Some(other) => Err(err(format!(
            "json: cannot unmarshal {} into Go struct field .{key} of type []string",
            json_kind(other)
        ))),
    }
}

fn get_time(o: &Obj, key: &str) -> Result<Timestamp, SchemaError> {
    match o.get(key) {
        None | Some(Json::Null) => Ok(Timestamp::zero()),
        Some(Json::String(s)) => {
            Timestamp::parse(s).ok_or_else(|| err(format!("parsing time {s:?} as RFC 3339")))
        }
        Some(other) => Err(err(format!(
            "json: cannot unmarshal {} into Go struct field .{key} of type time.Time",
            json_kind(other)
        ))),
    }
}

fn get_obj<'a>(o: &'a Obj, key: &str) -> Result<Option<&'a Obj>, SchemaError> {
    match o.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Object(m)) => Ok(Some(m)),
        Some(other) => Err(err(format!(
            "json: cannot unmarshal {} into Go struct field .{key} of type object",
            json_kind(other)
        ))),
    }
}

fn get_array<'a>(o: &'a Obj, key: &str) -> Result<Option<&'a Vec<Json>>, SchemaError> {
    match o.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Array(a)) => Ok(Some(a)),
        Some(other) => Err(err(format!(
            "json: cannot unmarshal {} into Go struct field .{key} of type array",
            json_kind(other)
        ))),
    }
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn as_obj<'a>(v: &'a Json, what: &str) -> Result<&'a Obj, SchemaError> {
    match v {
        Json::Object(m) => Ok(m),
        other => Err(err(format!(
            "json: cannot unmarshal {} into Go value of type {what}",
            json_kind(other)
        ))),
    }
}

/// Reads a release from Helm's JSON.
pub fn release_from_json(text: &[u8]) -> Result<Release, SchemaError> {
    let v: Json = serde_json::from_slice(text).map_err(|e| err(e.to_string()))?;
    release_from_value(&v)
}

pub fn release_from_value(v: &Json) -> Result<Release, SchemaError> {
    let o = as_obj(v, "release.Release")?;
    let info = get_obj(o, "info")?.map(read_info).transpose()?;
    let chart = get_obj(o, "chart")?.map(read_chart).transpose()?;
    let config = get_obj(o, "config")?.map(map_from_json).unwrap_or_default();
    let hooks = match get_array(o, "hooks")? {
        None => Vec::new(),
        Some(items) => items
            .iter()
            .filter(|h| !h.is_null())
            .map(|h| read_hook(as_obj(h, "release.Hook")?))
            .collect::<Result<_, _>>()?,
    };
    Ok(Release {
        name: get_str(o, "name")?,
        info,
        chart,
        config,
        manifest: get_str(o, "manifest")?,
        hooks,
        version: get_int(o, "version")?,
        namespace: get_str(o, "namespace")?,
        labels: Default::default(),
    })
}

fn read_info(o: &Obj) -> Result<Info, SchemaError> {
    Ok(Info {
        first_deployed: get_time(o, "first_deployed")?,
        last_deployed: get_time(o, "last_deployed")?,
        deleted: get_time(o, "deleted")?,
        description: get_str(o, "description")?,
        status: Status::parse(&get_str(o, "status")?),
        notes: get_str(o, "notes")?,
    })
}

fn read_hook(o: &Obj) -> Result<Hook, SchemaError> {
    let last_run = match get_obj(o, "last_run")? {
        None => HookExecution::default(),
        Some(lr) => HookExecution {
            started_at: get_time(lr, "started_at")?,
            completed_at: get_time(lr, "completed_at")?,
            phase: HookPhase(get_str(lr, "phase")?),
        },
    };
    Ok(Hook {
        name: get_str(o, "name")?,
        kind: get_str(o, "kind")?,
        path: get_str(o, "path")?,
        manifest: get_str(o, "manifest")?,
        events: get_strings(o, "events")?,
        last_run,
        weight: get_int(o, "weight")?,
        delete_policies: get_strings(o, "delete_policies")?,
        output_log_policies: get_strings(o, "output_log_policies")?,
    })
}

fn read_bytes(v: &Json, what: &str) -> Result<Vec<u8>, SchemaError> {
    use base64::Engine as _;
    match v {
        Json::Null => Ok(Vec::new()),
        Json::String(s) => base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|e| err(format!("illegal base64 data in {what}: {e}"))),
        other => Err(err(format!(
            "json: cannot unmarshal {} into Go struct field .{what} of type []uint8",
            json_kind(other)
        ))),
    }
}

fn read_files(o: &Obj, key: &str) -> Result<Option<Vec<File>>, SchemaError> {
    let Some(items) = get_array(o, key)? else {
        return Ok(None);
    };
    items
        .iter()
        .filter(|f| !f.is_null())
        .map(|f| {
            let fo = as_obj(f, "chart.File")?;
            Ok(File {
                name: get_str(fo, "name")?,
                data: read_bytes(fo.get("data").unwrap_or(&Json::Null), "data")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn read_chart(o: &Obj) -> Result<Chart, SchemaError> {
    Ok(Chart {
        metadata: get_obj(o, "metadata")?.map(read_metadata).transpose()?,
        lock: get_obj(o, "lock")?.map(read_lock).transpose()?,
        templates: read_files(o, "templates")?,
        values: get_obj(o, "values")?.map(map_from_json),
        schema: match o.get("schema") {
            None | Some(Json::Null) => None,
            Some(v) => Some(read_bytes(v, "schema")?),
        },
        files: read_files(o, "files")?,
    })
}

fn read_dependencies(items: Option<&Vec<Json>>) -> Result<Vec<Dependency>, SchemaError> {
    let Some(items) = items else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .filter(|d| !d.is_null())
        .map(|d| {
            let d = as_obj(d, "chart.Dependency")?;
            Ok(Dependency {
                name: get_str(d, "name")?,
                version: get_str(d, "version")?,
                repository: get_str(d, "repository")?,
                condition: get_str(d, "condition")?,
                tags: get_strings(d, "tags")?,
                enabled: get_bool(d, "enabled"),
                import_values: get_array(d, "import-values")?
                    .map(|a| a.iter().map(value_from_json).collect())
                    .unwrap_or_default(),
                alias: get_str(d, "alias")?,
            })
        })
        .collect()
}

fn read_metadata(o: &Obj) -> Result<Metadata, SchemaError> {
    let maintainers = match get_array(o, "maintainers")? {
        None => Vec::new(),
        Some(items) => items
            .iter()
            .filter(|m| !m.is_null())
            .map(|m| {
                let m = as_obj(m, "chart.Maintainer")?;
                Ok(Some(Maintainer {
                    name: get_str(m, "name")?,
                    email: get_str(m, "email")?,
                    url: get_str(m, "url")?,
                }))
            })
            .collect::<Result<_, SchemaError>>()?,
    };
    let annotations = match get_obj(o, "annotations")? {
        None => Default::default(),
        Some(a) => a
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect(),
    };
    Ok(Metadata {
        name: get_str(o, "name")?,
        home: get_str(o, "home")?,
        sources: get_strings(o, "sources")?,
        version: get_str(o, "version")?,
        description: get_str(o, "description")?,
        keywords: get_strings(o, "keywords")?,
        maintainers,
        icon: get_str(o, "icon")?,
        api_version: get_str(o, "apiVersion")?,
        condition: get_str(o, "condition")?,
        tags: get_str(o, "tags")?,
        app_version: get_str(o, "appVersion")?,
        deprecated: get_bool(o, "deprecated"),
        annotations,
        kube_version: get_str(o, "kubeVersion")?,
        dependencies: read_dependencies(get_array(o, "dependencies")?)?
            .into_iter()
            .map(Some)
            .collect(),
        chart_type: get_str(o, "type")?,
    })
}

fn read_lock(o: &Obj) -> Result<Lock, SchemaError> {
    Ok(Lock {
        generated: get_time(o, "generated")?,
        digest: get_str(o, "digest")?,
        dependencies: match get_array(o, "dependencies")? {
            None => None,
            Some(a) => Some(read_dependencies(Some(a))?),
        },
    })
}
