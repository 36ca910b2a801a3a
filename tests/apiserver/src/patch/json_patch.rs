//! RFC 6902 JSON patch: add, remove, replace, move, copy, test.

use serde_json::Value;

fn tokens(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| format!("invalid JSON pointer {pointer:?}"))?;
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn parent<'a>(doc: &'a mut Value, toks: &[String], path: &str) -> Result<&'a mut Value, String> {
    let mut cur = doc;
    for t in toks {
        cur = match cur {
            Value::Object(m) => m
                .get_mut(t)
                .ok_or_else(|| format!("doc is missing path: {path:?}"))?,
            Value::Array(a) => {
                let i: usize = t
                    .parse()
                    .map_err(|_| format!("invalid index {t:?} in {path:?}"))?;
                a.get_mut(i)
                    .ok_or_else(|| format!("doc is missing path: {path:?}: index out of range"))?
            }
            _ => return Err(format!("doc is missing path: {path:?}")),
        };
    }
    Ok(cur)
}

fn get(doc: &Value, path: &str) -> Result<Value, String> {
    let mut cur = doc;
    for t in tokens(path)? {
        cur = match cur {
            Value::Object(m) => m.get(&t),
            Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        }
        .ok_or_else(|| format!("doc is missing path: {path:?}"))?;
    }
    Ok(cur.clone())
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let toks = tokens(path)?;
    let Some((last, init)) = toks.split_last() else {
        *doc = value;
        return Ok(());
    };
    match parent(doc, init, path)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
        }
        Value::Array(a) => {
            if last == "-" {
                a.push(value);
            } else {
                let i: usize = last
                    .parse()
                    .map_err(|_| format!("invalid index {last:?}"))?;
                if i > a.len() {
                    return Err(format!(
                        "add operation does not apply: index out of bounds in {path:?}"
                    ));
                }
                a.insert(i, value);
            }
        }
        _ => {
            return Err(format!(
                "add operation does not apply: doc is missing path: {path:?}"
            ));
        }
    }
    Ok(())
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let toks = tokens(path)?;
    let Some((last, init)) = toks.split_last() else {
        return Err("cannot remove the whole document".into());
    };
    match parent(doc, init, path)? {
        Value::Object(m) => m.shift_remove(last).ok_or_else(|| {
            format!("remove operation does not apply: doc is missing path: {path:?}")
        }),
        Value::Array(a) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("invalid index {last:?}"))?;
            if i >= a.len() {
                return Err(format!(
                    "remove operation does not apply: doc is missing path: {path:?}"
                ));
            }
            Ok(a.remove(i))
        }
        _ => Err(format!(
            "remove operation does not apply: doc is missing path: {path:?}"
        )),
    }
}

pub fn apply(doc: &mut Value, patch: &Value) -> Result<(), String> {
    let ops = patch
        .as_array()
        .ok_or("json patch must be an array of operations")?;
    for op in ops {
        let path = op["path"].as_str().ok_or("operation is missing \"path\"")?;
        match op["op"].as_str().unwrap_or_default() {
            "add" => add(doc, path, op.get("value").cloned().unwrap_or(Value::Null))?,
            "remove" => {
                remove(doc, path)?;
            }
            "replace" => {
                remove(doc, path).map_err(|_| {
                    format!("replace operation does not apply: doc is missing key: {path}")
                })?;
                add(doc, path, op.get("value").cloned().unwrap_or(Value::Null))?;
            }
            "move" => {
                let from = op["from"].as_str().ok_or("move is missing \"from\"")?;
                let v = remove(doc, from)?;
                add(doc, path, v)?;
            }
            "copy" => {
                let from = op["from"].as_str().ok_or("copy is missing \"from\"")?;
                let v = get(doc, from)?;
                add(doc, path, v)?;
            }
            "test" => {
                let have = get(doc, path)?;
                if Some(&have) != op.get("value") {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations() {
        let mut d = json!({"a": {"b": [1, 2]}, "c": 1});
        let p = json!([
            {"op": "add", "path": "/a/b/1", "value": 9},
            {"op": "remove", "path": "/c"},
            {"op": "replace", "path": "/a/b/0", "value": 0},
            {"op": "copy", "from": "/a/b", "path": "/d"},
            {"op": "test", "path": "/d/1", "value": 9},
            {"op": "add", "path": "/a/b/-", "value": 3}
        ]);
        assert_eq!(apply(&mut d, &p), Ok(()));
        assert_eq!(d, json!({"a": {"b": [0, 9, 2, 3]}, "d": [0, 9, 2]}));
        assert!(apply(&mut d, &json!([{"op": "test", "path": "/d/0", "value": 5}])).is_err());
        assert!(
            apply(
                &mut d,
                &json!([{"op": "replace", "path": "/zz", "value": 5}])
            )
            .is_err()
        );
    }
}
