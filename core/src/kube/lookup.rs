//! The template function `lookup(apiVersion, kind, namespace, name)` against
//! a cluster, as Helm's `NewLookupFunction`: discovery maps the kind to its
//! resource (namespace ignored for cluster-scoped kinds), a name reads one
//! object, an empty name lists (all namespaces when the namespace is
//! empty), and a missing object or collection is an empty map so charts
//! can write `if not (lookup …)`.

use std::sync::Arc;

use serde_json::{Value as Json, json};

use super::{KubeClient, ListParams};

/// Reads what `lookup` returns, as JSON.
pub fn lookup(
    client: &dyn KubeClient,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<Json, String> {
    let res = client.resolve(api_version, kind).map_err(|e| {
        let gvk = match api_version.split_once('/') {
            Some((g, v)) => format!("{g}/{v}, Kind={kind}"),
            None => format!("/{api_version}, Kind={kind}"),
        };
        format!("unable to get apiresource from unstructured: {gvk}: {e}")
    })?;
    let ns = if res.namespaced { namespace } else { "" };
    if !name.is_empty() {
        return match client.get(&res, ns, name) {
            Ok(Some(obj)) => Ok(obj),
            Ok(None) => Ok(json!({})),
            Err(e) if e.is_not_found() => Ok(json!({})),
            Err(e) => Err(e.to_string()),
        };
    }
    match client.list_object(&res, ns, &ListParams::default()) {
        Ok(list) => Ok(list),
        Err(e) if e.is_not_found() => Ok(json!({})),
        Err(e) => Err(e.to_string()),
    }
}

/// [`lookup`] as the engine's `lookup` hook, converting to template values.
pub fn lookup_fn(client: Arc<dyn KubeClient>) -> crate::engine::LookupFn {
    Arc::new(move |api_version, kind, namespace, name| {
        lookup(client.as_ref(), api_version, kind, namespace, name)
            .map(|j| crate::json::value_from_json(&j))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::kube::fake::FakeClient;

    #[test]
    fn object_list_and_missing() {
        let c = FakeClient::new("default");
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "ns1"}, "data": {"k": "v"}});
        let res = c.resolve("v1", "ConfigMap").unwrap();
        c.create(&res, "ns1", &cm).unwrap();
        let got = lookup(&c, "v1", "ConfigMap", "ns1", "a").unwrap();
        assert_eq!(got["data"]["k"], "v");
        assert_eq!(
            lookup(&c, "v1", "ConfigMap", "ns1", "b").unwrap(),
            json!({})
        );
        let list = lookup(&c, "v1", "ConfigMap", "", "").unwrap();
        assert_eq!(list["kind"], "ConfigMapList");
        assert_eq!(list["items"][0]["metadata"]["name"], "a");
        let err = lookup(&c, "nope/v1", "Thing", "", "").unwrap_err();
        assert!(
            err.starts_with("unable to get apiresource from unstructured: nope/v1, Kind=Thing"),
            "{err}"
        );
    }
}
