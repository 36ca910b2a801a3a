//! Helm's readiness rules for `--wait` (and `--wait-for-jobs`), hook
//! waiting (Jobs until complete, Pods until succeeded) and waiting for
//! deletions. Polls every 2 s until the timeout, reporting what is still
//! pending to a progress callback; a cancellation flag (Ctrl-C) stops it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use super::resource::{ResourceInfo, string_map};
use super::{ApiResource, KubeClient, KubeError, ListParams};

/// Set by the CLI's Ctrl-C handler; waits then fail with "context canceled".
pub static CANCELLED: AtomicBool = AtomicBool::new(false);

/// Why waiting stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    #[error("timed out waiting for the condition")]
    Timeout,
    #[error("context canceled")]
    Cancelled,
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Kube(#[from] KubeError),
}

/// A resource that is not ready yet and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub what: String,
    pub reason: String,
}

/// Receives the still-pending resources after every poll (empty when done).
pub type Progress<'a> = &'a mut dyn FnMut(&[Pending]);

const POLL: Duration = Duration::from_secs(2);

fn int(obj: &Json, ptr: &str) -> i64 {
    obj.pointer(ptr).and_then(Json::as_i64).unwrap_or(0)
}

fn string<'a>(obj: &'a Json, ptr: &str) -> &'a str {
    obj.pointer(ptr).and_then(Json::as_str).unwrap_or("")
}

fn condition(obj: &Json, ty: &str) -> Option<String> {
    obj.pointer("/status/conditions")
        .and_then(Json::as_array)?
        .iter()
        .find(|c| c.get("type").and_then(Json::as_str) == Some(ty))
        .and_then(|c| c.get("status").and_then(Json::as_str))
        .map(str::to_string)
}

/// Resolves an int-or-percent against `total` (Kubernetes' intstr rules).
fn int_or_percent(v: Option<&Json>, default: &str, total: i64, round_up: bool) -> i64 {
    let owned = Json::String(default.to_string());
    let v = v.unwrap_or(&owned);
    if let Some(i) = v.as_i64() {
        return i;
    }
    let s = v.as_str().unwrap_or(default);
    if let Ok(i) = s.parse::<i64>() {
        return i;
    }
    let Some(p) = s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) else {
        return 0;
    };
    let scaled = p * total;
    if round_up {
        (scaled + 99) / 100
    } else {
        scaled / 100
    }
}

/// `deploymentutil.MaxUnavailable`.
fn max_unavailable(dep: &Json) -> i64 {
    let replicas = dep
        .pointer("/spec/replicas")
        .and_then(Json::as_i64)
        .unwrap_or(1);
    let strategy = string(dep, "/spec/strategy/type");
    if !(strategy.is_empty() || strategy == "RollingUpdate") || replicas == 0 {
        return 0;
    }
    let ru = dep.pointer("/spec/strategy/rollingUpdate");
    let surge = int_or_percent(ru.and_then(|r| r.get("maxSurge")), "25%", replicas, true);
    let mut unavailable = int_or_percent(
        ru.and_then(|r| r.get("maxUnavailable")),
        "25%",
        replicas,
        false,
    );
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    unavailable.min(replicas)
}

fn strip_hash(template: &Json) -> Json {
    let mut t = template.clone();
    if let Some(labels) = t
        .pointer_mut("/metadata/labels")
        .and_then(Json::as_object_mut)
    {
        labels.remove("pod-template-hash");
    }
    t
}

/// The Deployment's current ReplicaSet (`deploymentutil.GetNewReplicaSet`).
fn new_replica_set(
    client: &dyn KubeClient,
    ns: &str,
    dep: &Json,
) -> Result<Option<Json>, KubeError> {
    let rs_res = ApiResource {
        group: "apps".into(),
        version: "v1".into(),
        kind: "ReplicaSet".into(),
        plural: "replicasets".into(),
        namespaced: true,
    };
    let uid = string(dep, "/metadata/uid");
    let name = string(dep, "/metadata/name");
    let owned: Vec<Json> = client
        .list(&rs_res, ns, &ListParams::default())?
        .into_iter()
        .filter(|rs| {
            rs.pointer("/metadata/ownerReferences")
                .and_then(Json::as_array)
                .is_some_and(|refs| {
                    refs.iter().any(|r| {
                        r.get("kind").and_then(Json::as_str) == Some("Deployment")
                            && (r.get("uid").and_then(Json::as_str) == Some(uid)
                                || (uid.is_empty()
                                    && r.get("name").and_then(Json::as_str) == Some(name)))
                    })
                })
        })
        .collect();
    let template = strip_hash(dep.pointer("/spec/template").unwrap_or(&Json::Null));
    if let Some(rs) = owned
        .iter()
        .find(|rs| strip_hash(rs.pointer("/spec/template").unwrap_or(&Json::Null)) == template)
    {
        return Ok(Some(rs.clone()));
    }
    let rev = string(
        dep,
        "/metadata/annotations/deployment.kubernetes.io~1revision",
    );
    Ok(owned.into_iter().find(|rs| {
        !rev.is_empty()
            && string(
                rs,
                "/metadata/annotations/deployment.kubernetes.io~1revision",
            ) == rev
    }))
}

fn pods_ready(client: &dyn KubeClient, ns: &str, obj: &Json) -> Result<Option<String>, KubeError> {
    let selector: Vec<String> = match obj
        .pointer("/spec/selector/matchLabels")
        .or(obj.pointer("/spec/selector"))
    {
        Some(Json::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
            .collect(),
        _ => Vec::new(),
    };
    let pods = client.list(
        &ApiResource::pods(),
        ns,
        &ListParams::labels(selector.join(",")),
    )?;
    for pod in pods {
        if condition(&pod, "Ready").as_deref() != Some("True") {
            return Ok(Some(format!(
                "pod {} is not ready",
                string(&pod, "/metadata/name")
            )));
        }
    }
    Ok(None)
}

/// Why `info` is not ready yet (`None` = ready), by Helm's rules per kind.
pub fn not_ready_reason(
    client: &dyn KubeClient,
    info: &ResourceInfo,
    check_jobs: bool,
) -> Result<Option<String>, KubeError> {
    let kind = info.kind();
    let tracked = matches!(
        kind,
        "Pod"
            | "Deployment"
            | "PersistentVolumeClaim"
            | "Service"
            | "DaemonSet"
            | "CustomResourceDefinition"
            | "StatefulSet"
            | "ReplicationController"
            | "ReplicaSet"
    ) || (kind == "Job" && check_jobs);
    if !tracked {
        return Ok(None);
    }
    let Some(obj) = info.get(client)? else {
        return Err(KubeError::not_found(&info.resource.plural, &info.name));
    };
    let ns = info.namespace.as_str();
    let reason = match kind {
        "Pod" => (condition(&obj, "Ready").as_deref() != Some("True"))
            .then(|| "pod is not ready".to_string()),
        "Job" => {
            let backoff = obj
                .pointer("/spec/backoffLimit")
                .and_then(Json::as_i64)
                .unwrap_or(6);
            let completions = obj.pointer("/spec/completions").and_then(Json::as_i64);
            if int(&obj, "/status/failed") > backoff {
                Some("job has failed".to_string())
            } else if completions.is_some_and(|c| int(&obj, "/status/succeeded") < c) {
                Some(format!(
                    "{} of {} completions",
                    int(&obj, "/status/succeeded"),
                    completions.unwrap_or(0)
                ))
            } else {
                None
            }
        }
        "Deployment" => {
            if obj.pointer("/spec/paused").and_then(Json::as_bool) == Some(true) {
                None
            } else {
                match new_replica_set(client, ns, &obj)? {
                    None => Some("new replica set not created yet".to_string()),
                    Some(rs) => {
                        let replicas = obj
                            .pointer("/spec/replicas")
                            .and_then(Json::as_i64)
                            .unwrap_or(1);
                        let expected = replicas - max_unavailable(&obj);
                        let ready = int(&rs, "/status/readyReplicas");
                        (ready < expected)
                            .then(|| format!("{ready} out of {expected} expected pods are ready"))
                    }
                }
            }
        }
        "PersistentVolumeClaim" => {
            (string(&obj, "/status/phase") != "Bound").then(|| "not bound".to_string())
        }
        "Service" => {
            let ty = string(&obj, "/spec/type");
            if ty == "ExternalName" {
                None
            } else if string(&obj, "/spec/clusterIP").is_empty() {
                Some("no cluster IP address".to_string())
            } else if ty == "LoadBalancer"
                && obj
                    .pointer("/spec/externalIPs")
                    .and_then(Json::as_array)
                    .is_none_or(Vec::is_empty)
                && obj.pointer("/status/loadBalancer/ingress").is_none()
            {
                Some("no load balancer ingress address".to_string())
            } else {
                None
            }
        }
        "DaemonSet" => {
            let ty = string(&obj, "/spec/updateStrategy/type");
            if !(ty.is_empty() || ty == "RollingUpdate") {
                None
            } else {
                let desired = int(&obj, "/status/desiredNumberScheduled");
                let updated = int(&obj, "/status/updatedNumberScheduled");
                if updated != desired {
                    Some(format!(
                        "{updated} out of {desired} expected pods have been scheduled"
                    ))
                } else {
                    let mu = int_or_percent(
                        obj.pointer("/spec/updateStrategy/rollingUpdate/maxUnavailable"),
                        "1",
                        desired,
                        true,
                    );
                    let expected = desired - mu;
                    let ready = int(&obj, "/status/numberReady");
                    (ready < expected)
                        .then(|| format!("{ready} out of {expected} expected pods are ready"))
                }
            }
        }
        "CustomResourceDefinition" => {
            let established = condition(&obj, "Established").as_deref() == Some("True");
            let names_rejected = condition(&obj, "NamesAccepted").as_deref() == Some("False");
            (!established && !names_rejected).then(|| "not established".to_string())
        }
        "StatefulSet" => {
            let ty = string(&obj, "/spec/updateStrategy/type");
            if !(ty.is_empty() || ty == "RollingUpdate") {
                None
            } else if int(&obj, "/status/observedGeneration") < int(&obj, "/metadata/generation") {
                Some("update has not yet been observed".to_string())
            } else {
                let partition = int(&obj, "/spec/updateStrategy/rollingUpdate/partition");
                let replicas = obj
                    .pointer("/spec/replicas")
                    .and_then(Json::as_i64)
                    .unwrap_or(1);
                let updated = int(&obj, "/status/updatedReplicas");
                let ready = int(&obj, "/status/readyReplicas");
                if updated < replicas - partition {
                    Some(format!(
                        "{updated} out of {} expected pods have been scheduled",
                        replicas - partition
                    ))
                } else if ready != replicas {
                    Some(format!("{ready} out of {replicas} expected pods are ready"))
                } else if string(&obj, "/status/currentRevision")
                    != string(&obj, "/status/updateRevision")
                {
                    Some("current revision does not yet match update revision".to_string())
                } else {
                    None
                }
            }
        }
        "ReplicationController" | "ReplicaSet" => pods_ready(client, ns, &obj)?,
        _ => None,
    };
    Ok(reason)
}

fn check_cancel() -> Result<(), WaitError> {
    if CANCELLED.load(Ordering::SeqCst) {
        Err(WaitError::Cancelled)
    } else {
        Ok(())
    }
}

/// Sleeps one poll interval in small steps so Ctrl-C is noticed quickly.
fn pause(deadline: Instant) -> Result<(), WaitError> {
    let until = (Instant::now() + POLL).min(deadline);
    while Instant::now() < until {
        check_cancel()?;
        sleep(Duration::from_millis(100));
    }
    check_cancel()
}

/// Waits until every resource is ready (Helm's `Wait`/`WaitWithJobs`).
pub fn wait_for_resources(
    client: &dyn KubeClient,
    resources: &[ResourceInfo],
    timeout: Duration,
    check_jobs: bool,
    progress: Progress<'_>,
) -> Result<(), WaitError> {
    let deadline = Instant::now() + timeout;
    loop {
        check_cancel()?;
        let mut pending = Vec::new();
        for info in resources {
            if let Some(reason) = not_ready_reason(client, info, check_jobs)? {
                pending.push(Pending {
                    what: format!("{}/{}", info.kind(), info.name),
                    reason,
                });
            }
        }
        progress(&pending);
        if pending.is_empty() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(WaitError::Timeout);
        }
        pause(deadline)?;
    }
}

/// Waits until every resource is gone (`uninstall --wait`).
pub fn wait_for_delete(
    client: &dyn KubeClient,
    resources: &[ResourceInfo],
    timeout: Duration,
    progress: Progress<'_>,
) -> Result<(), WaitError> {
    let deadline = Instant::now() + timeout;
    loop {
        check_cancel()?;
        let mut pending = Vec::new();
        for info in resources {
            if info.get(client)?.is_some() {
                pending.push(Pending {
                    what: format!("{}/{}", info.kind(), info.name),
                    reason: "still exists".to_string(),
                });
            }
        }
        progress(&pending);
        if pending.is_empty() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(WaitError::Timeout);
        }
        pause(deadline)?;
    }
}

/// Waits for a hook: Jobs until Complete/Failed, Pods until
/// Succeeded/Failed; other kinds return at once (`WatchUntilReady`).
pub fn watch_until_ready(
    client: &dyn KubeClient,
    info: &ResourceInfo,
    timeout: Duration,
) -> Result<(), WaitError> {
    if !matches!(info.kind(), "Job" | "Pod") {
        return Ok(());
    }
    let deadline = Instant::now() + timeout;
    loop {
        check_cancel()?;
        // A deleted hook counts as done, as a watch's Deleted event does.
        let Some(obj) = info.get(client)? else {
            return Ok(());
        };
        if info.kind() == "Job" {
            if condition(&obj, "Complete").as_deref() == Some("True") {
                return Ok(());
            }
            if condition(&obj, "Failed").as_deref() == Some("True") {
                let reason = obj
                    .pointer("/status/conditions")
                    .and_then(Json::as_array)
                    .and_then(|cs| {
                        cs.iter()
                            .find(|c| c.get("type").and_then(Json::as_str) == Some("Failed"))
                            .and_then(|c| c.get("reason").and_then(Json::as_str))
                    })
                    .unwrap_or("");
                return Err(WaitError::Failed(format!("job failed: {reason}")));
            }
        } else {
            match string(&obj, "/status/phase") {
                "Succeeded" => return Ok(()),
                "Failed" => return Err(WaitError::Failed(format!("pod {} failed", info.name))),
                _ => {}
            }
        }
        if Instant::now() >= deadline {
            return Err(WaitError::Timeout);
        }
        pause(deadline)?;
    }
}

/// Labels of an object (helper for callers).
pub fn labels(obj: &Json) -> std::collections::BTreeMap<String, String> {
    string_map(obj, "/metadata/labels")
}
