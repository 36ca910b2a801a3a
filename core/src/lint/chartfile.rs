//! Chart.yaml rules (Helm's `rules.Chartfile`), in Helm's order; every rule
//! after the YAML check needs a decodable Chart.yaml.

use std::path::Path;

use super::urls::{is_email, is_request_url, is_url};
use super::{Linter, Severity};
use crate::chart::Metadata;
use crate::semver::{Constraints, Version};
use crate::template::Value;

const F: &str = "Chart.yaml";

pub fn check(l: &mut Linter, dir: &Path) {
    let path = dir.join(F);
    if path.is_dir() {
        l.add(Severity::Error, F, "should be a file, not a directory");
    }
    let raw = match std::fs::read(&path) {
        Ok(r) => r,
        Err(e) => {
            let msg = crate::chart::loader::go_io_message_pub(&e);
            l.add(Severity::Error, F, format!("unable to parse YAML\n\t{msg}"));
            return;
        }
    };
    let meta = match crate::chart::loader::parse_chartfile(&raw) {
        Ok(m) => m,
        Err(e) => {
            l.add(Severity::Error, F, format!("unable to parse YAML\n\t{e}"));
            return;
        }
    };
    // Helm re-reads the file into a generic map to check the Go types of
    // `version` and `appVersion`.
    let generic = crate::chart::yaml_bridge::parse_document(&String::from_utf8_lossy(&raw))
        .unwrap_or(Value::Nil);
    l.rule(Severity::Error, F, name(&meta));
    l.rule(Severity::Error, F, api_version(&meta));
    l.rule(Severity::Error, F, string_typed(&generic, "version"));
    l.rule(Severity::Error, F, version(&meta));
    l.rule(Severity::Error, F, string_typed(&generic, "appVersion"));
    l.rule(Severity::Error, F, maintainers(&meta));
    l.rule(Severity::Error, F, sources(&meta));
    if meta.icon.is_empty() {
        l.add(Severity::Info, F, "icon is recommended");
    }
    if !meta.icon.is_empty() && !is_request_url(&meta.icon) {
        l.add(
            Severity::Error,
            F,
            format!("invalid icon URL '{}'", meta.icon),
        );
    }
    l.rule(Severity::Error, F, chart_type(&meta));
    l.rule(Severity::Error, F, dependencies(&meta));
}

fn name(m: &Metadata) -> Result<(), String> {
    if m.name.is_empty() {
        return Err("name is required".into());
    }
    Ok(())
}

fn api_version(m: &Metadata) -> Result<(), String> {
    if m.api_version.is_empty() {
        return Err("apiVersion is required. The value must be either \"v1\" or \"v2\"".into());
    }
    if m.api_version != "v1" && m.api_version != "v2" {
        return Err(format!(
            "apiVersion '{}' is not valid. The value must be either \"v1\" or \"v2\"",
            m.api_version
        ));
    }
    Ok(())
}

/// Go's `%T` of a value decoded into `interface{}`.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Nil => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Float(_) => "float64",
        Value::String(_) | Value::Bytes(_) => "string",
        Value::List(_) => "[]interface {}",
        _ => "map[string]interface {}",
    }
}

fn string_typed(doc: &Value, key: &str) -> Result<(), String> {
    let Some(map) = doc.as_map() else {
        return Ok(());
    };
    match map.get(key) {
        None | Some(Value::String(_)) => Ok(()),
        Some(v) => Err(format!(
            "{key} should be of type string but it's of type {}",
            go_type(v)
        )),
    }
}

fn version(m: &Metadata) -> Result<(), String> {
    if m.version.is_empty() {
        return Err("version is required".into());
    }
    let Ok(v) = Version::parse(&m.version) else {
        return Err(format!("version '{}' is not a valid SemVer", m.version));
    };
    if let Ok(c) = Constraints::parse(">0.0.0-0")
        && let Err(msgs) = c.validate(&v)
        && let Some(first) = msgs.first()
    {
        return Err(format!("version {first}"));
    }
    Ok(())
}

fn maintainers(m: &Metadata) -> Result<(), String> {
    for maintainer in m.maintainers.iter() {
        let Some(mt) = maintainer else {
            // A null entry decodes to a nil pointer; Helm would crash on it.
            return Err("each maintainer requires a name".into());
        };
        if mt.name.is_empty() {
            return Err("each maintainer requires a name".into());
        } else if !mt.email.is_empty() && !is_email(&mt.email) {
            return Err(format!(
                "invalid email '{}' for maintainer '{}'",
                mt.email, mt.name
            ));
        } else if !mt.url.is_empty() && !is_url(&mt.url) {
            return Err(format!(
                "invalid url '{}' for maintainer '{}'",
                mt.url, mt.name
            ));
        }
    }
    Ok(())
}

fn sources(m: &Metadata) -> Result<(), String> {
    for s in &m.sources {
        if s.is_empty() || !is_request_url(s) {
            return Err(format!("invalid source URL '{s}'"));
        }
    }
    Ok(())
}

fn chart_type(m: &Metadata) -> Result<(), String> {
    if !m.chart_type.is_empty() && m.api_version != "v2" {
        return Err(format!(
            "chart type is not valid in apiVersion '{}'. It is valid in apiVersion 'v2'",
            m.api_version
        ));
    }
    Ok(())
}

fn dependencies(m: &Metadata) -> Result<(), String> {
    if !m.dependencies.is_empty() && m.api_version != "v2" {
        return Err(format!(
            "dependencies are not valid in the Chart file with apiVersion '{}'. They are valid in apiVersion 'v2'",
            m.api_version
        ));
    }
    Ok(())
}
