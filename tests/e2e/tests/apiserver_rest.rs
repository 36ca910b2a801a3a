//! The test API server over plain HTTPS: discovery, CRUD, Status errors,
//! selectors, patches, server-side apply, CRDs, controllers, admin endpoints.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chart_e2e::cluster::TestCluster;
use serde_json::{Value, json};

fn cm(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}, "data": {"k": "v"}})
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

#[test]
fn discovery_documents() {
    let c = TestCluster::start();
    let v = c.get("/version").json();
    assert_eq!(v["major"], "1");
    assert_eq!(c.get("/api").json()["versions"], json!(["v1"]));
    let groups = c.get("/apis").json();
    let names: Vec<&str> = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    for g in [
        "apps",
        "batch",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "policy",
        "autoscaling",
        "apiextensions.k8s.io",
    ] {
        assert!(names.contains(&g), "{g} missing from {names:?}");
    }
    let autoscaling = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "autoscaling")
        .unwrap();
    assert_eq!(autoscaling["preferredVersion"]["version"], "v2");
    let apps = c.get("/apis/apps/v1").json();
    assert_eq!(apps["kind"], "APIResourceList");
    let d = apps["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "deployments")
        .unwrap();
    assert_eq!(d["kind"], "Deployment");
    assert_eq!(d["namespaced"], true);
    assert_eq!(d["shortNames"], json!(["deploy"]));
    assert!(
        apps["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "deployments/status")
    );
    let core = c.get("/api/v1").json();
    let ns = core["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "namespaces")
        .unwrap();
    assert_eq!(ns["namespaced"], false);
    assert_eq!(c.get("/apis/nope.example.com/v1").status, 404);
}

#[test]
fn unauthenticated_requests_are_refused() {
    let c = TestCluster::start();
    assert_eq!(
        c.request("GET", "/api", "application/json", None).status,
        200
    );
    let none = c.request_with_token("GET", "/api", None);
    assert_eq!(none.status, 401);
    assert_eq!(none.json()["reason"], "Unauthorized");
    assert_eq!(
        c.request_with_token("GET", "/_test/requests", Some("wrong"))
            .status,
        401
    );
}

#[test]
fn crud_with_resource_versions_and_status_errors() {
    let c = TestCluster::start();
    let created = c.post(CMS, &cm("a", json!({"app": "x"})));
    assert_eq!(created.status, 201, "{}", created.body);
    let obj = created.json();
    assert_eq!(obj["apiVersion"], "v1");
    assert_eq!(obj["kind"], "ConfigMap");
    assert_eq!(obj["metadata"]["namespace"], "default");
    assert!(obj["metadata"]["uid"].as_str().unwrap().len() == 36);
    assert!(
        obj["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    let rv1: u64 = obj["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let dup = c.post(CMS, &cm("a", json!({})));
    assert_eq!(dup.status, 409);
    assert_eq!(
        dup.body,
        r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"a\" already exists","reason":"AlreadyExists","details":{"name":"a","kind":"configmaps"},"code":409}"#
    );

    let missing = c.get(&format!("{CMS}/zz"));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["reason"], "NotFound");
    assert_eq!(missing.json()["message"], "configmaps \"zz\" not found");

    let nameless = c.post(
        CMS,
        &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}),
    );
    assert_eq!(nameless.status, 422);
    let s = nameless.json();
    assert_eq!(s["reason"], "Invalid");
    assert_eq!(
        s["message"],
        "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required"
    );
    assert_eq!(s["details"]["causes"][0]["field"], "metadata.name");

    let bad = c.post(CMS, &cm("Bad_Name", json!({})));
    assert_eq!(bad.status, 422);
    assert!(
        bad.json()["message"]
            .as_str()
            .unwrap()
            .contains("a lowercase RFC 1123 subdomain")
    );

    // PUT with the current resourceVersion succeeds and bumps it.
    let mut upd = obj.clone();
    upd["data"]["k"] = json!("w");
    let put = c.request(
        "PUT",
        &format!("{CMS}/a"),
        "application/json",
        Some(&upd.to_string()),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let rv2: u64 = put.json()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(rv2 > rv1);
    // The stale resourceVersion is a Conflict.
    let stale = c.request(
        "PUT",
        &format!("{CMS}/a"),
        "application/json",
        Some(&upd.to_string()),
    );
    assert_eq!(stale.status, 409);
    assert_eq!(stale.json()["reason"], "Conflict");
    assert_eq!(
        stale.json()["message"],
        "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again"
    );

    let generated = c.post(
        CMS,
        &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "gen-"}}),
    );
    assert_eq!(generated.status, 201);
    let gname = generated.json()["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(gname.starts_with("gen-") && gname.len() == 9, "{gname}");

    let list = c.get(CMS).json();
    assert_eq!(list["kind"], "ConfigMapList");
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(list["metadata"]["resourceVersion"].as_str().is_some());

    // Protobuf bodies are refused with 415 (only JSON is understood).
    let pb = c.request(
        "POST",
        CMS,
        "application/vnd.kubernetes.protobuf",
        Some("k8s\u{0}"),
    );
    assert_eq!(pb.status, 415);
    assert_eq!(pb.json()["reason"], "UnsupportedMediaType");

    let del = c.request("DELETE", &format!("{CMS}/a"), "application/json", None);
    assert_eq!(del.status, 200);
    assert_eq!(del.json()["status"], "Success");
    assert_eq!(c.get(&format!("{CMS}/a")).status, 404);
    assert_eq!(
        c.request("DELETE", &format!("{CMS}/a"), "application/json", None)
            .status,
        404
    );
}

#[test]
fn namespaces_scope_objects() {
    let c = TestCluster::start();
    let r = c.post("/api/v1/namespaces/nope/configmaps", &cm("a", json!({})));
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], "namespaces \"nope\" not found");
    let ns = c.post(
        "/api/v1/namespaces",
        &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}),
    );
    assert_eq!(ns.status, 201);
    assert_eq!(ns.json()["status"]["phase"], "Active");
    assert_eq!(
        c.post("/api/v1/namespaces/team/configmaps", &cm("a", json!({})))
            .status,
        201
    );
    assert_eq!(c.post(CMS, &cm("a", json!({}))).status, 201);
    // All-namespaces list.
    let all = c
        .get("/api/v1/configmaps?fieldSelector=metadata.name%3Da")
        .json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let only = c
        .get("/api/v1/configmaps?fieldSelector=metadata.namespace%3Dteam")
        .json();
    assert_eq!(only["items"].as_array().unwrap().len(), 1);
    // Mismatched namespace in the body.
    let wrong = c.post(CMS, &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "team"}}));
    assert_eq!(wrong.status, 400);
    // Deleting the namespace removes its contents.
    assert_eq!(
        c.request(
            "DELETE",
            "/api/v1/namespaces/team",
            "application/json",
            None
        )
        .status,
        200
    );
    assert_eq!(c.get("/api/v1/namespaces/team/configmaps/a").status, 404);
    assert_eq!(c.get(&format!("{CMS}/a")).status, 200);
}

#[test]
fn label_selectors_and_deletecollection() {
    let c = TestCluster::start();
    for (n, l) in [
        ("a", json!({"app": "web", "tier": "fe"})),
        ("b", json!({"app": "db"})),
        ("c", json!({})),
    ] {
        assert_eq!(c.post(CMS, &cm(n, l)).status, 201);
    }
    let names = |sel: &str| -> Vec<String> {
        let q = sel
            .replace('=', "%3D")
            .replace(' ', "%20")
            .replace('!', "%21");
        c.get(&format!("{CMS}?labelSelector={q}")).json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("app=web"), ["a"]);
    assert_eq!(names("app==db"), ["b"]);
    assert_eq!(names("app!=web"), ["b", "c"]);
    assert_eq!(names("app in (web,db)"), ["a", "b"]);
    assert_eq!(names("app notin (web)"), ["b", "c"]);
    assert_eq!(names("tier"), ["a"]);
    assert_eq!(names("!app"), ["c"]);
    let r = c.request(
        "DELETE",
        &format!("{CMS}?labelSelector=app"),
        "application/json",
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 2);
    assert_eq!(names(""), ["c"]);
}

fn deployment(image: &str, replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
                {"name": "web", "image": image, "ports": [{"containerPort": 80}], "env": [{"name": "A", "value": "1"}]},
                {"name": "side", "image": "side:1"}
            ]}}
        }
    })
}

const DEPLOY: &str = "/apis/apps/v1/namespaces/default/deployments";

#[test]
fn patches_merge_json_strategic() {
    let c = TestCluster::start();
    assert_eq!(c.post(DEPLOY, &deployment("web:1", 1)).status, 201);
    let url = format!("{DEPLOY}/web");
    let merge = c.request(
        "PATCH",
        &url,
        "application/merge-patch+json",
        Some(r#"{"spec":{"replicas":3},"metadata":{"labels":{"x":"y"}}}"#),
    );
    assert_eq!(merge.status, 200, "{}", merge.body);
    assert_eq!(merge.json()["spec"]["replicas"], 3);
    assert_eq!(
        merge.json()["metadata"]["labels"],
        json!({"app": "web", "x": "y"})
    );
    assert_eq!(merge.json()["metadata"]["generation"], 2);

    let jp = c.request("PATCH", &url, "application/json-patch+json", Some(r#"[{"op":"replace","path":"/spec/replicas","value":2},{"op":"remove","path":"/metadata/labels/x"}]"#));
    assert_eq!(jp.status, 200, "{}", jp.body);
    assert_eq!(jp.json()["spec"]["replicas"], 2);
    assert_eq!(jp.json()["metadata"]["labels"], json!({"app": "web"}));
    let jp_bad = c.request(
        "PATCH",
        &url,
        "application/json-patch+json",
        Some(r#"[{"op":"test","path":"/spec/replicas","value":9}]"#),
    );
    assert_eq!(jp_bad.status, 422);

    // Strategic: containers merge by name, env by name, $setElementOrder, $patch: delete.
    let smp = r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"web"}],
        "containers":[{"name":"web","image":"web:2","env":[{"name":"B","value":"2"}]}]}}}}"#;
    let r = c.request(
        "PATCH",
        &url,
        "application/strategic-merge-patch+json",
        Some(smp),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let cs = &r.json()["spec"]["template"]["spec"]["containers"];
    assert_eq!(cs[0]["name"], "side");
    assert_eq!(cs[1]["image"], "web:2");
    assert_eq!(cs[1]["ports"], json!([{"containerPort": 80}]));
    assert_eq!(
        cs[1]["env"],
        json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
    );
    let del =
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}"#;
    let r = c.request(
        "PATCH",
        &url,
        "application/strategic-merge-patch+json",
        Some(del),
    );
    assert_eq!(
        r.json()["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Strategic merge patch is refused for custom resources, like Kubernetes.
    let unknown = c.request("PATCH", &url, "application/x-unknown", Some("{}"));
    assert_eq!(unknown.status, 415);
}

#[test]
fn server_side_apply_owns_fields_and_conflicts() {
    let c = TestCluster::start();
    let url = format!("{DEPLOY}/web");
    let applied = c.request(
        "PATCH",
        &format!("{url}?fieldManager=alice"),
        "application/apply-patch+yaml",
        Some(&deployment("web:1", 1).to_string()),
    );
    assert_eq!(applied.status, 201, "{}", applied.body);
    let mf = &applied.json()["metadata"]["managedFields"];
    assert_eq!(mf[0]["manager"], "alice");
    assert_eq!(mf[0]["operation"], "Apply");
    assert_eq!(mf[0]["fieldsV1"]["f:spec"]["f:replicas"], json!({}));
    // Another manager changing a field alice owns conflicts…
    let bob = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 5}});
    let r = c.request(
        "PATCH",
        &format!("{url}?fieldManager=bob"),
        "application/apply-patch+yaml",
        Some(&bob.to_string()),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(
        r.json()["message"],
        "Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas"
    );
    assert_eq!(
        r.json()["details"]["causes"][0]["reason"],
        "FieldManagerConflict"
    );
    // …unless forced, which moves ownership.
    let r = c.request(
        "PATCH",
        &format!("{url}?fieldManager=bob&force=true"),
        "application/apply-patch+yaml",
        Some(&bob.to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["spec"]["replicas"], 5);
    // An Update by a third manager is named with its API version in conflicts.
    let r = c.request(
        "PATCH",
        &format!("{url}?fieldManager=carol"),
        "application/merge-patch+json",
        Some(r#"{"spec":{"replicas":7}}"#),
    );
    assert_eq!(r.status, 200);
    let r = c.request(
        "PATCH",
        &format!("{url}?fieldManager=bob"),
        "application/apply-patch+yaml",
        Some(&bob.to_string()),
    );
    assert_eq!(
        r.json()["message"],
        "Apply failed with 1 conflict: conflict with \"carol\" using apps/v1: .spec.replicas"
    );
    // Fields alice stops applying are removed when nobody else owns them.
    let mut less = deployment("web:1", 1);
    less["spec"].as_object_mut().unwrap().remove("replicas");
    less["metadata"]["labels"] = json!({});
    let r = c.request(
        "PATCH",
        &format!("{url}?fieldManager=alice"),
        "application/apply-patch+yaml",
        Some(&less.to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["metadata"]["labels"], json!({}));
    assert_eq!(r.json()["spec"]["replicas"], 7);
    // YAML bodies work too.
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: \"1\"\n";
    let r = c.request(
        "PATCH",
        &format!("{CMS}/y?fieldManager=alice"),
        "application/apply-patch+yaml",
        Some(yaml),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["data"]["a"], "1");
}

#[test]
fn controllers_make_workloads_ready_or_not() {
    let c = TestCluster::start();
    assert_eq!(c.post(DEPLOY, &deployment("web:1", 2)).status, 201);
    let d = c.get(&format!("{DEPLOY}/web")).json();
    assert_eq!(d["status"]["readyReplicas"], 2);
    assert_eq!(d["status"]["observedGeneration"], 1);
    let rs = c.get("/apis/apps/v1/namespaces/default/replicasets").json();
    let rs0 = &rs["items"][0];
    assert_eq!(
        rs0["metadata"]["ownerReferences"][0]["uid"],
        d["metadata"]["uid"]
    );
    assert!(rs0["metadata"]["labels"]["pod-template-hash"].is_string());
    let pods = c
        .get("/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")
        .json();
    assert_eq!(pods["items"].as_array().unwrap().len(), 2);
    assert_eq!(pods["items"][0]["status"]["phase"], "Running");

    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
        "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}});
    assert_eq!(
        c.post("/apis/batch/v1/namespaces/default/jobs", &job)
            .status,
        201
    );
    let j = c.get("/apis/batch/v1/namespaces/default/jobs/j").json();
    assert_eq!(j["status"]["succeeded"], 1);
    assert!(
        j["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Complete" && c["status"] == "True")
    );

    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}]}});
    let s = c.post("/api/v1/namespaces/default/services", &svc).json();
    assert!(
        s["spec"]["clusterIP"]
            .as_str()
            .unwrap()
            .starts_with("10.96.")
    );
    assert_eq!(s["spec"]["ports"][0]["targetPort"], 80);

    c.set_never_ready(true);
    let d = c.get(&format!("{DEPLOY}/web")).json();
    assert!(d["status"]["readyReplicas"].is_null(), "{}", d["status"]);
    let j2 = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j2"},
        "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}});
    c.post("/apis/batch/v1/namespaces/default/jobs", &j2);
    assert_eq!(
        c.get("/apis/batch/v1/namespaces/default/jobs/j2").json()["status"]["active"],
        1
    );
    c.set_never_ready(false);
    assert_eq!(
        c.get(&format!("{DEPLOY}/web")).json()["status"]["readyReplicas"],
        2
    );

    // Deleting the Deployment cascades to its ReplicaSets and Pods.
    assert_eq!(
        c.request(
            "DELETE",
            &format!("{DEPLOY}/web"),
            "application/json",
            Some(r#"{"propagationPolicy":"Background"}"#)
        )
        .status,
        200
    );
    assert_eq!(
        c.get("/apis/apps/v1/namespaces/default/replicasets").json()["items"],
        json!([])
    );
    assert_eq!(
        c.get("/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")
            .json()["items"],
        json!([])
    );
}

#[test]
fn crds_register_their_resources() {
    let c = TestCluster::start();
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
            "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}}, "schema": {"openAPIV3Schema": {"type": "object"}}}]}
    });
    assert_eq!(
        c.post(
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            &crd
        )
        .status,
        201
    );
    let got = c
        .get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
        .json();
    let conds = got["status"]["conditions"].as_array().unwrap();
    assert!(
        conds
            .iter()
            .any(|c| c["type"] == "Established" && c["status"] == "True")
    );
    assert!(
        conds
            .iter()
            .any(|c| c["type"] == "NamesAccepted" && c["status"] == "True")
    );
    let list = c.get("/apis/example.com/v1").json();
    assert_eq!(list["resources"][0]["kind"], "Widget");
    assert_eq!(list["resources"][0]["shortNames"], json!(["wd"]));
    let w = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"size": 1}});
    let r = c.post("/apis/example.com/v1/namespaces/default/widgets", &w);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["metadata"]["generation"], 1);
    let r = c.request(
        "PATCH",
        "/apis/example.com/v1/namespaces/default/widgets/w1",
        "application/merge-patch+json",
        Some(r#"{"spec":{"size":2}}"#),
    );
    assert_eq!(r.json()["metadata"]["generation"], 2);
    let smp = c.request(
        "PATCH",
        "/apis/example.com/v1/namespaces/default/widgets/w1",
        "application/strategic-merge-patch+json",
        Some("{}"),
    );
    assert_eq!(smp.status, 415);
    // Removing the CRD removes the resource and its objects.
    c.request(
        "DELETE",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
        "application/json",
        None,
    );
    assert_eq!(c.get("/apis/example.com/v1").status, 404);
}

#[test]
fn fault_injection_and_request_log() {
    let c = TestCluster::start();
    c.set_faults(json!([{"method": "POST", "path": "/configmaps$", "status": 500, "times": 1, "message": "boom"}]));
    let r = c.post(CMS, &cm("a", json!({})));
    assert_eq!(r.status, 500);
    assert_eq!(r.json()["reason"], "InternalError");
    assert_eq!(r.json()["message"], "boom");
    assert_eq!(c.post(CMS, &cm("a", json!({}))).status, 201);
    c.fail_nth_request(2, 503);
    assert_eq!(c.get(CMS).status, 200);
    assert_eq!(c.get(CMS).status, 503);
    assert_eq!(c.get(CMS).status, 200);
    let log = c.requests();
    let posts: Vec<&Value> = log.iter().filter(|r| r["method"] == "POST").collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0]["status"], 500);
    assert_eq!(posts[1]["status"], 201);
    assert!(posts[1]["body"].as_str().unwrap().contains("\"ConfigMap\""));
    c.clear_requests();
    assert!(c.requests().is_empty());
}

#[test]
fn watch_streams_events_from_a_resource_version() {
    let c = TestCluster::start();
    let list = c.get(CMS).json();
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    c.post(CMS, &cm("a", json!({"app": "x"})));
    c.request(
        "PATCH",
        &format!("{CMS}/a"),
        "application/merge-patch+json",
        Some(r#"{"data":{"k":"z"}}"#),
    );
    c.request("DELETE", &format!("{CMS}/a"), "application/json", None);
    // A bounded watch replays what happened after `rv`, then times out.
    let r = c.get(&format!(
        "{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=1"
    ));
    let types: Vec<String> = r
        .body
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(types, ["ADDED", "MODIFIED", "DELETED"]);
    // Without a resourceVersion, current objects come as ADDED.
    c.post(CMS, &cm("b", json!({})));
    let r = c.get(&format!(
        "{CMS}?watch=true&timeoutSeconds=1&labelSelector=app"
    ));
    assert_eq!(r.body, "");
    let r = c.get(&format!("{CMS}?watch=true&timeoutSeconds=1"));
    assert_eq!(r.body.lines().count(), 1);
}
