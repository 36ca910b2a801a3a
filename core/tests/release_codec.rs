//! The release record round-trips Helm's JSON byte for byte and the storage
//! encoding (gzip + base64) reads what Helm writes, gzipped or not.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use chart_core::release::codec::{decode, encode};
use chart_core::release::schema::{release_from_json, release_to_json};
use chart_core::release::{Status, Timestamp};

/// A record laid out as Helm 3.10's `json.Marshal` writes it: struct field
/// order, omitempty rules, `""` for zero times, `null` chart fields,
/// HTML-escaped strings, sorted map keys, base64 file data.
const HELM_JSON: &str = concat!(
    r#"{"name":"pacman","info":{"first_deployed":"2026-11-25T11:12:37.123456789Z","last_deployed":"2026-11-25T11:12:37.123456789Z","deleted":"","description":"Install complete","status":"deployed","notes":"Visit \u003chttp://x\u003e \u0026 enjoy"},"#,
    r#""chart":{"metadata":{"name":"pacman","version":"0.1.0","description":"A Helm chart for Pacman","apiVersion":"v2","appVersion":"1.0.0","annotations":{"a":"1","b":"2"},"dependencies":[{"name":"db","version":"1.x","repository":"","enabled":true,"import-values":["x",{"child":"a","parent":"b"}]}],"type":"application"},"lock":null,"#,
    r#""templates":[{"name":"templates/deployment.yaml","data":"YXBpVmVyc2lvbjogYXBwcy92MQ=="}],"values":{"image":{"tag":"1.0.0"},"replicaCount":1},"schema":null,"files":[]},"#,
    r#""config":{"ratio":0.5,"replicaCount":2},"manifest":"---\n# Source: pacman/templates/service.yaml\nkind: Service\n","#,
    r#""hooks":[{"name":"t","kind":"Pod","path":"pacman/templates/test.yaml","manifest":"kind: Pod","events":["test"],"last_run":{"started_at":"","completed_at":"","phase":""},"weight":-5,"delete_policies":["before-hook-creation"]}],"#,
    r#""version":1,"namespace":"default"}"#
);

#[test]
fn helm_json_round_trips_byte_for_byte() {
    let rel = release_from_json(HELM_JSON.as_bytes()).expect("parse");
    assert_eq!(rel.name, "pacman");
    assert_eq!(rel.version, 1);
    assert_eq!(rel.status(), Status::Deployed);
    assert_eq!(rel.hooks[0].weight, -5);
    assert_eq!(release_to_json(&rel), HELM_JSON);
}

#[test]
fn minimal_release_omits_empty_fields() {
    let rel = chart_core::release::Release {
        name: "x".into(),
        version: 3,
        info: Some(chart_core::release::Info {
            status: Status::PendingUpgrade,
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        release_to_json(&rel),
        r#"{"name":"x","info":{"first_deployed":"","last_deployed":"","deleted":"","status":"pending-upgrade"},"version":3}"#
    );
}

#[test]
fn storage_encoding_round_trips_and_is_gzip_level_9() {
    let rel = release_from_json(HELM_JSON.as_bytes()).expect("parse");
    let stored = encode(&rel).expect("encode");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&stored)
        .expect("base64");
    assert_eq!(&raw[..3], &[0x1f, 0x8b, 0x08]);
    // XFL byte 2 = maximum compression, as Go's gzip writer at level 9.
    assert_eq!(raw[8], 2);
    let back = decode(&stored).expect("decode");
    assert_eq!(release_to_json(&back), HELM_JSON);
}

#[test]
fn plain_base64_json_is_accepted_like_helm() {
    let stored = base64::engine::general_purpose::STANDARD.encode(HELM_JSON);
    let rel = decode(&stored).expect("decode");
    assert_eq!(rel.namespace, "default");
}

#[test]
fn bad_records_are_errors_not_panics() {
    assert!(decode("!!!").is_err());
    let not_json = base64::engine::general_purpose::STANDARD.encode("nope");
    assert!(decode(&not_json).is_err());
    let wrong_type = base64::engine::general_purpose::STANDARD.encode(r#"{"version":"1"}"#);
    assert!(decode(&wrong_type).is_err());
}

#[test]
fn timestamps_keep_their_offset() {
    let t = Timestamp::parse("2024-01-02T03:04:05.5+01:00").expect("time");
    assert_eq!(t.json(), "\"2024-01-02T03:04:05.5+01:00\"");
}
