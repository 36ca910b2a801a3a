//! The Chart.lock digest: `sha256:` + hex sha256 of Go's
//! `json.Marshal([2][]*chart.Dependency{chartYamlDeps, lockedDeps})`, with
//! struct field order and omitempty exactly as Helm's `Dependency` type.

use sha2::{Digest, Sha256};

use crate::chart::Dependency;
use crate::json::write_json_string;

fn push_str_field(out: &mut String, key: &str, v: &str) {
    out.push(',');
    write_json_string(out, key, true);
    out.push(':');
    write_json_string(out, v, true);
}

/// One dependency as `json.Marshal` writes it.
pub fn dependency_json(d: &Dependency) -> String {
    let mut out = String::from("{");
    write_json_string(&mut out, "name", true);
    out.push(':');
    write_json_string(&mut out, &d.name, true);
    if !d.version.is_empty() {
        push_str_field(&mut out, "version", &d.version);
    }
    push_str_field(&mut out, "repository", &d.repository);
    if !d.condition.is_empty() {
        push_str_field(&mut out, "condition", &d.condition);
    }
    if !d.tags.is_empty() {
        out.push_str(",\"tags\":[");
        for (i, t) in d.tags.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_json_string(&mut out, t, true);
        }
        out.push(']');
    }
    if d.enabled {
        out.push_str(",\"enabled\":true");
    }
    if !d.import_values.is_empty() {
        out.push_str(",\"import-values\":");
        let list = crate::template::Value::list(d.import_values.clone());
        out.push_str(&crate::json::to_json(&list).unwrap_or_else(|_| "null".into()));
    }
    if !d.alias.is_empty() {
        push_str_field(&mut out, "alias", &d.alias);
    }
    out.push('}');
    out
}

fn list_json(deps: &[Option<Dependency>]) -> String {
    let items: Vec<String> = deps
        .iter()
        .map(|d| {
            d.as_ref()
                .map_or_else(|| "null".to_string(), dependency_json)
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// Helm's `resolver.HashReq(req, lock)`.
pub fn hash_req(req: &[Option<Dependency>], lock: &[Option<Dependency>]) -> String {
    let data = format!("[{},{}]", list_json(req), list_json(lock));
    format!("sha256:{}", hex::encode(Sha256::digest(data.as_bytes())))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn json_in_struct_order() {
        let d = Dependency {
            name: "postgresql".into(),
            version: "11.x".into(),
            repository: "http://127.0.0.1/r".into(),
            alias: "db".into(),
            tags: vec!["a".into()],
            ..Dependency::default()
        };
        assert_eq!(
            dependency_json(&d),
            r#"{"name":"postgresql","version":"11.x","repository":"http://127.0.0.1/r","tags":["a"],"alias":"db"}"#
        );
        let empty = Dependency::default();
        assert_eq!(dependency_json(&empty), r#"{"name":"","repository":""}"#);
    }
}
