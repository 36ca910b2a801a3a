//! kube-rs (the client our CLI uses) against the test API server: config
//! from the written kubeconfig, typed and dynamic APIs, discovery, patches,
//! server-side apply, watch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chart_e2e::cluster::TestCluster;
use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::Discovery;
use kube::{Client, Config};
use serde_json::json;
use std::time::Duration;

async fn client(c: &TestCluster) -> Client {
    let kc = Kubeconfig::read_from(c.kubeconfig()).unwrap();
    let cfg = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    assert_eq!(cfg.default_namespace, "default");
    Client::try_from(cfg).unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn typed_crud_and_errors() {
    let c = TestCluster::start();
    rt().block_on(async {
        let client = client(&c).await;
        let v = client.apiserver_version().await.unwrap();
        assert_eq!(v.major, "1");
        let cms: Api<ConfigMap> = Api::default_namespaced(client.clone());
        let cm: ConfigMap =
            serde_json::from_value(json!({"metadata": {"name": "a"}, "data": {"x": "1"}})).unwrap();
        let created = cms.create(&PostParams::default(), &cm).await.unwrap();
        assert!(created.metadata.uid.is_some());
        let err = cms.create(&PostParams::default(), &cm).await.unwrap_err();
        match err {
            kube::Error::Api(s) => {
                assert_eq!(s.code, 409);
                assert_eq!(s.reason, "AlreadyExists");
            }
            other => panic!("unexpected {other:?}"),
        }
        let got = cms.get("a").await.unwrap();
        assert_eq!(got.data.unwrap()["x"], "1");
        assert!(cms.get_opt("missing").await.unwrap().is_none());
        let patched = cms
            .patch(
                "a",
                &PatchParams::default(),
                &Patch::Merge(json!({"data": {"y": "2"}})),
            )
            .await
            .unwrap();
        assert_eq!(patched.data.unwrap().len(), 2);
        let list = cms.list(&ListParams::default()).await.unwrap();
        assert_eq!(list.items.len(), 1);
        cms.delete("a", &DeleteParams::default()).await.unwrap();
        assert!(cms.get_opt("a").await.unwrap().is_none());

        // Secrets with stringData are stored as base64 data.
        let secrets: Api<Secret> = Api::default_namespaced(client.clone());
        let s: Secret =
            serde_json::from_value(json!({"metadata": {"name": "s"}, "stringData": {"k": "v"}}))
                .unwrap();
        let s = secrets.create(&PostParams::default(), &s).await.unwrap();
        assert_eq!(s.data.unwrap()["k"].0, b"v".to_vec());
        assert_eq!(s.type_.as_deref(), Some("Opaque"));
    });
}

#[test]
fn server_side_apply_and_discovery() {
    let c = TestCluster::start();
    rt().block_on(async {
        let client = client(&c).await;
        let deploys: Api<Deployment> = Api::default_namespaced(client.clone());
        let d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}
        });
        let pp = PatchParams::apply("kubectl-chart");
        let applied = deploys.patch("web", &pp, &Patch::Apply(&d)).await.unwrap();
        assert_eq!(applied.spec.replicas, Some(2));
        let status = deploys.get_status("web").await.unwrap().status.unwrap();
        assert_eq!(status.ready_replicas, Some(2));
        let conflict = deploys
            .patch("web", &PatchParams::apply("other"), &Patch::Apply(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 3}})))
            .await
            .unwrap_err();
        match conflict {
            kube::Error::Api(s) => assert_eq!(s.code, 409),
            other => panic!("unexpected {other:?}"),
        }

        let discovery = Discovery::new(client.clone()).run().await.unwrap();
        let apps = discovery.groups().find(|g| g.name() == "apps").unwrap();
        let (ar, caps) = apps.recommended_kind("Deployment").unwrap();
        assert_eq!(ar.plural, "deployments");
        assert_eq!(caps.scope, kube::discovery::Scope::Namespaced);
    });
}

#[test]
fn watch_sees_changes() {
    let c = TestCluster::start();
    rt().block_on(async {
        let client = client(&c).await;
        let cms: Api<ConfigMap> = Api::default_namespaced(client.clone());
        let rv = cms
            .list(&ListParams::default())
            .await
            .unwrap()
            .metadata
            .resource_version
            .unwrap();
        let mut stream = cms
            .watch(&WatchParams::default().timeout(10), &rv)
            .await
            .unwrap()
            .boxed();
        let cm: ConfigMap = serde_json::from_value(json!({"metadata": {"name": "w"}})).unwrap();
        cms.create(&PostParams::default(), &cm).await.unwrap();
        cms.delete("w", &DeleteParams::default()).await.unwrap();
        let mut seen = Vec::new();
        while seen.len() < 2 {
            let ev = tokio::time::timeout(Duration::from_secs(10), stream.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            match ev {
                WatchEvent::Added(o) => seen.push(format!("added {}", o.metadata.name.unwrap())),
                WatchEvent::Deleted(o) => {
                    seen.push(format!("deleted {}", o.metadata.name.unwrap()))
                }
                _ => {}
            }
        }
        assert_eq!(seen, ["added w", "deleted w"]);
    });
}
