//! The release lifecycle against the in-memory cluster with Secret
//! storage: statuses, descriptions, history, ownership, pruning, pending
//! locks, fault injection and atomic rollback, as Helm 3 behaves.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use chart_core::action::install::Install;
use chart_core::action::rollback::Rollback;
use chart_core::action::uninstall::Uninstall;
use chart_core::action::upgrade::Upgrade;
use chart_core::action::{ActionError, ChartSource, Configuration, RenderOptions, Rendered};
use chart_core::action::{get, history, list::List};
use chart_core::kube::fake::{FakeClient, Verb};
use chart_core::kube::{ApiResource, KubeClient};
use chart_core::release::chart::Metadata;
use chart_core::release::{Hook, Status, chart::Chart};
use chart_core::storage::{KubeObjectDriver, Storage};
use chart_core::template::{Map, Value};
use serde_json::json;

/// A chart whose templates are a deployment with the image tag from
/// `tag` and replicas from `replicaCount`, plus a service.
struct TinyChart {
    app_version: &'static str,
    with_service: bool,
    hooks: Vec<Hook>,
}

impl TinyChart {
    fn new(app_version: &'static str) -> TinyChart {
        TinyChart {
            app_version,
            with_service: true,
            hooks: Vec::new(),
        }
    }

    fn defaults(&self) -> Map {
        let mut m = Map::new();
        m.insert("replicaCount".into(), Value::Float(1.0));
        m.insert("tag".into(), Value::str(self.app_version));
        m
    }
}

fn get_str(m: &Map, k: &str) -> String {
    match m.get(k) {
        Some(Value::String(s)) => s.to_string(),
        Some(v) => v.to_go_string(),
        None => String::new(),
    }
}

impl ChartSource for TinyChart {
    fn stored(&self, _vals: &Map) -> Result<Chart, ActionError> {
        Ok(Chart {
            metadata: Some(Metadata {
                name: "tiny".into(),
                version: "0.1.0".into(),
                api_version: "v2".into(),
                app_version: self.app_version.into(),
                ..Default::default()
            }),
            values: Some(self.defaults()),
            templates: Some(vec![]),
            files: Some(vec![]),
            ..Default::default()
        })
    }

    fn crds(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn render(
        &self,
        vals: &Map,
        defaults: Option<&Map>,
        opts: &RenderOptions,
    ) -> Result<Rendered, ActionError> {
        let base = defaults.cloned().unwrap_or_else(|| self.defaults());
        let v = chart_core::action::values::coalesce_values(&base, vals);
        let mut manifest = String::new();
        if self.with_service {
            manifest.push_str(&format!(
                "---\n# Source: tiny/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: {}\nspec:\n  ports:\n  - port: 80\n",
                opts.name
            ));
        }
        manifest.push_str(&format!(
            "---\n# Source: tiny/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {}\nspec:\n  replicas: {}\n  template:\n    spec:\n      containers:\n      - name: app\n        image: \"app:{}\"\n",
            opts.name,
            get_str(&v, "replicaCount"),
            get_str(&v, "tag")
        ));
        Ok(Rendered {
            hooks: self.hooks.clone(),
            manifest,
            notes: format!("revision {}", opts.revision),
        })
    }
}

fn setup() -> (Arc<FakeClient>, Configuration) {
    let fake = Arc::new(FakeClient::new("default"));
    let client: Arc<dyn KubeClient> = fake.clone();
    let storage = Storage::new(Box::new(KubeObjectDriver::secrets(
        client.clone(),
        "default",
    )));
    (fake, Configuration::new(client, storage))
}

fn install(
    cfg: &Configuration,
    name: &str,
    chart: &TinyChart,
    vals: Map,
) -> Result<(), ActionError> {
    let mut i = Install {
        release_name: name.into(),
        namespace: "default".into(),
        ..Default::default()
    };
    i.run(cfg, chart, &vals).map(|_| ())
}

fn upgrade(
    cfg: &mut Configuration,
    name: &str,
    chart: &TinyChart,
    vals: Map,
    opts: Upgrade,
) -> Result<(), ActionError> {
    let mut u = opts;
    u.run(cfg, name, chart, &vals).map(|_| ())
}

fn statuses(cfg: &Configuration, name: &str) -> Vec<(i64, String, String)> {
    history::run(cfg, name, 256)
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.version,
                r.status().to_string(),
                r.description().to_string(),
            )
        })
        .collect()
}

fn deployment_image(fake: &FakeClient) -> String {
    fake.objects("deployments")[0]["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_string()
}

fn set(k: &str, v: Value) -> Map {
    let mut m = Map::new();
    m.insert(k.into(), v);
    m
}

#[test]
fn install_upgrade_rollback_uninstall() {
    let (fake, mut cfg) = setup();
    install(&cfg, "pacman", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    assert_eq!(
        statuses(&cfg, "pacman"),
        vec![(1, "deployed".into(), "Install complete".into())]
    );

    // Release Secret: name, type, labels as Helm writes them.
    let secrets = fake.objects("secrets");
    assert_eq!(secrets.len(), 1);
    let s = &secrets[0];
    assert_eq!(s["metadata"]["name"], "sh.helm.release.v1.pacman.v1");
    assert_eq!(s["type"], "helm.sh/release.v1");
    let labels = &s["metadata"]["labels"];
    assert_eq!(labels["name"], "pacman");
    assert_eq!(labels["owner"], "helm");
    assert_eq!(labels["status"], "deployed");
    assert_eq!(labels["version"], "1");
    // The final status update rewrites the labels: Helm's Update sets
    // modifiedAt and drops createdAt.
    assert!(labels.get("modifiedAt").is_some());
    assert!(labels.get("createdAt").is_none());

    // Ownership metadata on applied objects, not in the stored manifest.
    let dep = &fake.objects("deployments")[0];
    assert_eq!(
        dep["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(
        dep["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "pacman"
    );
    assert_eq!(
        dep["metadata"]["annotations"]["meta.helm.sh/release-namespace"],
        "default"
    );
    let rel = get::run(&cfg, "pacman", 0).unwrap();
    assert!(!rel.manifest.contains("managed-by"));

    // upgrade --reuse-values --set replicaCount=2
    upgrade(
        &mut cfg,
        "pacman",
        &TinyChart::new("1.0.0"),
        set("replicaCount", Value::Int64(2)),
        Upgrade {
            reuse_values: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(fake.objects("deployments")[0]["spec"]["replicas"], 2);
    let vals = get::values(&cfg, "pacman", 0, false).unwrap();
    assert_eq!(vals.get("replicaCount"), Some(&Value::Float(2.0)));

    // A new chart version changes the image; rollback 1 restores it.
    upgrade(
        &mut cfg,
        "pacman",
        &TinyChart::new("1.1.0"),
        Map::new(),
        Upgrade::default(),
    )
    .unwrap();
    assert_eq!(deployment_image(&fake), "app:1.1.0");
    let mut rb = Rollback {
        version: 1,
        ..Default::default()
    };
    rb.run(&mut cfg, "pacman").unwrap();
    assert_eq!(deployment_image(&fake), "app:1.0.0");
    assert_eq!(
        statuses(&cfg, "pacman"),
        vec![
            (1, "superseded".into(), "Install complete".into()),
            (2, "superseded".into(), "Upgrade complete".into()),
            (3, "superseded".into(), "Upgrade complete".into()),
            (4, "deployed".into(), "Rollback to 1".into()),
        ]
    );

    let mut un = Uninstall::default();
    un.run(&cfg, "pacman").unwrap();
    assert!(fake.objects("secrets").is_empty());
    assert!(fake.objects("deployments").is_empty());
    assert!(fake.objects("services").is_empty());
}

#[test]
fn name_in_use_and_pending_release_block() {
    let (_fake, mut cfg) = setup();
    install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    let err = install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap_err();
    assert_eq!(err.to_string(), "cannot re-use a name that is still in use");

    // A killed client leaves pending-upgrade behind: the next upgrade is refused.
    let mut rel = get::run(&cfg, "app", 0).unwrap();
    rel.version = 2;
    rel.set_status(Status::PendingUpgrade, "Preparing upgrade");
    cfg.releases.create(&rel).unwrap();
    let err = upgrade(
        &mut cfg,
        "app",
        &TinyChart::new("1.0.0"),
        Map::new(),
        Upgrade::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "another operation (install/upgrade/rollback) is in progress"
    );
}

#[test]
fn adoption_of_foreign_objects_is_refused_with_helms_message() {
    let (fake, cfg) = setup();
    let svc = ApiResource {
        group: String::new(),
        version: "v1".into(),
        kind: "Service".into(),
        plural: "services".into(),
        namespaced: true,
    };
    fake.insert(&svc, "default", json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"}}));
    let err = install(&cfg, "web", &TinyChart::new("1.0.0"), Map::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "rendered manifests contain a resource that already exists. Unable to continue with install: Service \"web\" in namespace \"default\" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"web\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"default\""
    );
    assert!(fake.objects("secrets").is_empty());
}

#[test]
fn fault_during_upgrade_records_failed_revision_and_keeps_history() {
    let (fake, mut cfg) = setup();
    install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    fake.fail(Some(Verb::Patch), Some("deployments"), None, 1);
    let err = upgrade(
        &mut cfg,
        "app",
        &TinyChart::new("1.1.0"),
        Map::new(),
        Upgrade::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot patch \"app\" with kind Deployment: injected fault"
    );
    assert_eq!(
        statuses(&cfg, "app"),
        vec![
            (1, "deployed".into(), "Install complete".into()),
            (
                2,
                "failed".into(),
                "Upgrade \"app\" failed: cannot patch \"app\" with kind Deployment: injected fault"
                    .into()
            ),
        ]
    );
    // A later upgrade recovers from the failed revision.
    fake.clear_faults();
    upgrade(
        &mut cfg,
        "app",
        &TinyChart::new("1.1.0"),
        Map::new(),
        Upgrade::default(),
    )
    .unwrap();
    assert_eq!(
        statuses(&cfg, "app")[2],
        (3, "deployed".into(), "Upgrade complete".into())
    );
    assert_eq!(statuses(&cfg, "app")[0].1, "superseded");
}

#[test]
fn fault_at_every_api_call_of_install_never_loses_state() {
    // Count the calls of a clean install, then fail each one in turn.
    let (fake, cfg) = setup();
    install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    let n = fake.calls().len();
    assert!(n > 4);
    for k in 1..=n {
        let (fake, cfg) = setup();
        fake.fail(None, None, None, k);
        let result = install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new());
        fake.clear_faults();
        let secrets = fake.objects("secrets");
        match result {
            // Helm only logs a failed final status write, leaving pending-install.
            Ok(()) => assert!(
                ["deployed", "pending-install"].contains(&statuses(&cfg, "app")[0].1.as_str()),
                "call {k}"
            ),
            Err(_) if secrets.is_empty() => {}
            Err(_) => {
                let st = statuses(&cfg, "app");
                assert_eq!(st.len(), 1, "call {k}");
                assert!(
                    ["failed", "pending-install"].contains(&st[0].1.as_str()),
                    "call {k}: {st:?}"
                );
            }
        }
    }
}

#[test]
fn fault_at_every_api_call_of_upgrade_keeps_earlier_revisions() {
    let (fake, mut cfg) = setup();
    install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    let before = fake.calls().len();
    upgrade(
        &mut cfg,
        "app",
        &TinyChart::new("1.1.0"),
        Map::new(),
        Upgrade::default(),
    )
    .unwrap();
    let n = fake.calls().len() - before;
    for k in 1..=n {
        let (fake, mut cfg) = setup();
        install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap();
        fake.fail(None, None, None, k);
        let result = upgrade(
            &mut cfg,
            "app",
            &TinyChart::new("1.1.0"),
            Map::new(),
            Upgrade::default(),
        );
        fake.clear_faults();
        let st = statuses(&cfg, "app");
        assert_eq!(st[0].0, 1, "call {k}: revision 1 kept");
        if result.is_err() {
            assert!(st[0].1 == "deployed" || st.len() == 2, "call {k}: {st:?}");
        }
        // Whatever happened, the release can be upgraded again or is pending (client died).
        let last = st.last().unwrap();
        if last.1 != "pending-upgrade" {
            upgrade(
                &mut cfg,
                "app",
                &TinyChart::new("1.1.0"),
                Map::new(),
                Upgrade::default(),
            )
            .unwrap_or_else(|e| panic!("call {k}: recovery failed: {e}; {st:?}"));
        }
    }
}

#[test]
fn atomic_upgrade_rolls_back() {
    let (fake, mut cfg) = setup();
    install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    fake.fail(Some(Verb::Patch), Some("deployments"), None, 1);
    let err = upgrade(
        &mut cfg,
        "app",
        &TinyChart::new("1.1.0"),
        Map::new(),
        Upgrade {
            atomic: true,
            timeout: Duration::from_millis(10),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "release app failed, and has been rolled back due to atomic being set: cannot patch \"app\" with kind Deployment: injected fault"
    );
    let st = statuses(&cfg, "app");
    assert_eq!(st[0].1, "superseded");
    assert_eq!(st[1].1, "failed");
    assert_eq!(st[2], (3, "deployed".into(), "Rollback to 1".into()));
    assert_eq!(deployment_image(&fake), "app:1.0.0");
}

#[test]
fn atomic_upgrade_that_cannot_become_ready_reports_both_errors() {
    let (fake, mut cfg) = setup();
    install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    fake.set_never_ready(true);
    let err = upgrade(
        &mut cfg,
        "app",
        &TinyChart::new("1.1.0"),
        Map::new(),
        Upgrade {
            atomic: true,
            timeout: Duration::from_millis(10),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "an error occurred while rolling back the release. original upgrade error: timed out waiting for the condition: release app failed: timed out waiting for the condition"
    );
}

#[test]
fn atomic_install_uninstalls() {
    let (fake, cfg) = setup();
    fake.set_never_ready(true);
    let mut i = Install {
        release_name: "app".into(),
        atomic: true,
        timeout: Duration::from_millis(10),
        ..Default::default()
    };
    let err = i
        .run(&cfg, &TinyChart::new("1.0.0"), &Map::new())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "release app failed, and has been uninstalled due to atomic being set: timed out waiting for the condition"
    );
    assert!(fake.objects("secrets").is_empty());
    assert!(fake.objects("deployments").is_empty());
}

#[test]
fn history_max_prunes_oldest_but_never_the_deployed() {
    let (fake, mut cfg) = setup();
    install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    for _ in 0..4 {
        upgrade(
            &mut cfg,
            "app",
            &TinyChart::new("1.0.0"),
            Map::new(),
            Upgrade {
                max_history: 3,
                ..Default::default()
            },
        )
        .unwrap();
    }
    let versions: Vec<i64> = statuses(&cfg, "app").iter().map(|s| s.0).collect();
    assert_eq!(versions, vec![3, 4, 5]);
    assert_eq!(fake.objects("secrets").len(), 3);
}

#[test]
fn removed_objects_are_deleted_unless_kept() {
    let (fake, mut cfg) = setup();
    install(&cfg, "app", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    let mut no_svc = TinyChart::new("1.0.0");
    no_svc.with_service = false;
    upgrade(&mut cfg, "app", &no_svc, Map::new(), Upgrade::default()).unwrap();
    assert!(fake.objects("services").is_empty());
}

#[test]
fn list_shows_latest_deployed_or_failed() {
    let (_fake, mut cfg) = setup();
    install(&cfg, "b", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    install(&cfg, "a", &TinyChart::new("1.0.0"), Map::new()).unwrap();
    upgrade(
        &mut cfg,
        "a",
        &TinyChart::new("1.0.0"),
        Map::new(),
        Upgrade::default(),
    )
    .unwrap();
    let rels = List::default().run(&cfg).unwrap();
    let names: Vec<(String, i64)> = rels.iter().map(|r| (r.name.clone(), r.version)).collect();
    assert_eq!(names, vec![("a".into(), 2), ("b".into(), 1)]);
    let sup = List {
        superseded: true,
        ..Default::default()
    }
    .run(&cfg)
    .unwrap();
    assert_eq!(sup.len(), 1);
    assert_eq!(sup[0].version, 1);
}

#[test]
fn hooks_run_in_weight_order_and_are_recorded() {
    let (fake, cfg) = setup();
    let mut chart = TinyChart::new("1.0.0");
    let job = |name: &str, weight: i64| Hook {
        name: name.into(),
        kind: "Job".into(),
        path: format!("tiny/templates/{name}.yaml"),
        manifest: format!("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n"),
        events: vec!["pre-install".into()],
        weight,
        delete_policies: vec!["hook-succeeded".into()],
        ..Default::default()
    };
    chart.hooks = vec![job("second", 5), job("first", -1)];
    install(&cfg, "app", &chart, Map::new()).unwrap();
    let creates: Vec<String> = fake
        .calls()
        .into_iter()
        .filter(|c| c.starts_with("create jobs"))
        .collect();
    assert_eq!(
        creates,
        vec!["create jobs default/first", "create jobs default/second"]
    );
    assert!(fake.objects("jobs").is_empty(), "hook-succeeded deletes");
    let rel = get::run(&cfg, "app", 0).unwrap();
    assert!(rel.hooks.iter().all(|h| h.last_run.phase.0 == "Succeeded"));
    assert!(rel.hooks.iter().all(|h| !h.last_run.started_at.is_zero()));
}
