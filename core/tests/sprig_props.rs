//! Property tests for the Sprig functions whose output is random or
//! time-dependent: alphabets and lengths, round trips, verification with
//! independent tools (bcrypt verify, coreutils `sha512sum`, `openssl verify`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sprig_support;

use std::collections::HashSet;
use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine;
use chart_core::template::Value;
use sprig_support::Evaluator;

fn render(tpl: &str) -> String {
    let table = chart_core::sprig::table();
    Evaluator::new(&table, Value::empty_map())
        .render(tpl)
        .unwrap_or_else(|e| panic!("{tpl}: {e}"))
}

#[test]
fn bcrypt_and_htpasswd_verify() {
    let h = render(r#"{{ bcrypt "s3cret" }}"#);
    assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
    assert!(bcrypt::verify("s3cret", &h).unwrap());
    assert!(!bcrypt::verify("other", &h).unwrap());
    let line = render(r#"{{ htpasswd "admin" "pw" }}"#);
    let (user, hash) = line.split_once(':').unwrap();
    assert_eq!(user, "admin");
    assert!(bcrypt::verify("pw", hash).unwrap());
}

#[test]
fn uuids_are_v4_and_unique() {
    let re =
        regex::Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            .unwrap();
    let ids: HashSet<String> = (0..50).map(|_| render("{{ uuidv4 }}")).collect();
    assert_eq!(ids.len(), 50);
    assert!(ids.iter().all(|i| re.is_match(i)), "{ids:?}");
}

#[test]
fn random_strings_use_their_alphabets() {
    type Check<'a> = &'a dyn Fn(char) -> bool;
    let cases: [(&str, Check, usize); 4] = [
        ("randAlphaNum", &|c: char| c.is_ascii_alphanumeric(), 62),
        ("randAlpha", &|c: char| c.is_ascii_alphabetic(), 52),
        ("randNumeric", &|c: char| c.is_ascii_digit(), 10),
        ("randAscii", &|c: char| (' '..='~').contains(&c), 95),
    ];
    for (f, ok, size) in cases {
        let s = render(&format!("{{{{ {f} 2000 }}}}"));
        assert_eq!(s.chars().count(), 2000, "{f}");
        assert!(s.chars().all(ok), "{f}: {s}");
        let distinct: HashSet<char> = s.chars().collect();
        // 2000 uniform draws from ≤95 symbols hit (almost surely) all of them.
        assert!(
            distinct.len() >= size - 2,
            "{f} used {} symbols",
            distinct.len()
        );
    }
    let b = render("{{ randBytes 24 }}");
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(&b)
            .unwrap()
            .len(),
        24
    );
    assert_ne!(b, render("{{ randBytes 24 }}"));
}

#[test]
fn shuffle_permutes_and_rand_int_stays_in_range() {
    let s = render(r#"{{ shuffle "abcdefghijklmnopqrstuvwxyz0123456789" }}"#);
    let mut got: Vec<char> = s.chars().collect();
    got.sort_unstable();
    assert_eq!(
        got.into_iter().collect::<String>(),
        "0123456789abcdefghijklmnopqrstuvwxyz"
    );
    let seen: HashSet<String> = (0..200).map(|_| render("{{ randInt 3 7 }}")).collect();
    let want: HashSet<String> = ["3", "4", "5", "6"].iter().map(|s| s.to_string()).collect();
    assert_eq!(seen, want);
}

#[test]
fn aes_round_trips_with_random_iv() {
    let a = render(r#"{{ encryptAES "key" "some secret text" }}"#);
    let b = render(r#"{{ encryptAES "key" "some secret text" }}"#);
    assert_ne!(a, b, "IV must be random");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&a)
        .unwrap();
    assert_eq!(raw.len(), 16 + 32);
    assert_eq!(
        render(&format!(r#"{{{{ decryptAES "key" "{a}" }}}}"#)),
        "some secret text"
    );
}

#[test]
fn sha512sum_matches_coreutils() {
    for input in ["", "abc", "héllo\nworld"] {
        let mut child = Command::new("sha512sum")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("coreutils sha512sum is required for this test");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
        let want = out.split_whitespace().next().unwrap();
        let table = chart_core::sprig::table();
        let Some(chart_core::template::FuncDef::Native { f, .. }) = table.get("sha512sum") else {
            panic!("sha512sum missing")
        };
        assert_eq!(f(&[Value::str(input)]).unwrap(), Value::str(want));
    }
}

#[test]
fn localhost_resolves_to_loopback() {
    let ip = render(r#"{{ getHostByName "localhost" }}"#);
    assert!(ip == "127.0.0.1" || ip == "::1", "{ip}");
}

#[test]
fn now_and_relative_dates() {
    let year = render(r#"{{ now | date "2006" }}"#);
    assert_eq!(year.len(), 4);
    assert_eq!(render(r#"{{ typeOf now }}"#), "time.Time");
    // Anything but a time or an int is "now" for `date`, floats included.
    assert_eq!(render(r#"{{ date "2006" 1.5 }}"#), year);
    let s = render("{{ now }}");
    assert!(s.contains(" m=+"), "{s}");
    let ago = render(r#"{{ ago (dateModify "-90s" now) }}"#);
    assert!(ago == "1m30s" || ago == "1m31s", "{ago}");
    assert_eq!(
        render(r#"{{ durationRound (dateModify "-50h" now) }}"#),
        "2d"
    );
    assert_eq!(
        render(r#"{{ regexMatch "^[0-9]+h[0-9]+m[0-9]+s$" (ago 0) }}"#),
        "true"
    );
}

fn openssl(args: &[&str], dir: &std::path::Path) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is required for the certificate tests (apt-get install openssl)");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn generated_certificates_verify_with_openssl() {
    let dir = std::env::temp_dir().join(format!("sprig-certs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let table = chart_core::sprig::table();
    let mut ev = Evaluator::new(&table, Value::empty_map());
    let out = ev
        .render(concat!(
            r#"{{ $ca := genCA "my-ca" 365 }}"#,
            r#"{{ $c := genSignedCert "svc.example" (list "10.0.0.1") (list "svc.example" "alt.example") 30 $ca }}"#,
            r#"{{ $s := genSelfSignedCert "self" nil (list "self.example") 10 }}"#,
            r#"{{ $ca.Cert }}@@{{ $ca.Key }}@@{{ $c.Cert }}@@{{ $c.Key }}@@{{ $s.Cert }}"#
        ))
        .unwrap();
    let parts: Vec<&str> = out.split("@@").collect();
    let [ca, ca_key, cert, key, selfc] = parts[..] else {
        panic!("{out}")
    };
    assert!(ca_key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert!(key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    for (name, text) in [
        ("ca.pem", ca),
        ("ca.key", ca_key),
        ("c.pem", cert),
        ("c.key", key),
        ("s.pem", selfc),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let (ok, text) = openssl(&["verify", "-CAfile", "ca.pem", "c.pem"], &dir);
    assert!(ok && text.contains("c.pem: OK"), "{text}");
    let (ok, text) = openssl(&["x509", "-in", "c.pem", "-noout", "-text"], &dir);
    assert!(ok, "{text}");
    for want in [
        "Subject: CN = svc.example",
        "IP Address:10.0.0.1",
        "DNS:svc.example",
        "DNS:alt.example",
        "TLS Web Server Authentication",
        "CA:FALSE",
        "Issuer: CN = my-ca",
    ] {
        assert!(text.contains(want), "missing {want} in\n{text}");
    }
    let (ok, text) = openssl(&["x509", "-in", "ca.pem", "-noout", "-text"], &dir);
    assert!(
        ok && text.contains("CA:TRUE") && text.contains("Certificate Sign"),
        "{text}"
    );
    let (ok, text) = openssl(&["rsa", "-in", "ca.key", "-check", "-noout"], &dir);
    assert!(ok && text.contains("RSA key ok"), "{text}");
    let (ok, text) = openssl(&["verify", "-CAfile", "s.pem", "s.pem"], &dir);
    assert!(ok, "{text}");
    // The key in the CA signs the certificate: their moduli match.
    let (_, m1) = openssl(&["x509", "-in", "c.pem", "-noout", "-modulus"], &dir);
    let (_, m2) = openssl(&["rsa", "-in", "c.key", "-noout", "-modulus"], &dir);
    assert_eq!(m1.trim(), m2.trim());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn certificates_with_given_keys() {
    let dir = std::env::temp_dir().join(format!("sprig-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let table = chart_core::sprig::table();
    let mut ev = Evaluator::new(&table, Value::empty_map());
    let out = ev
        .render(concat!(
            r#"{{ $k := genPrivateKey "ecdsa" }}{{ $e := genPrivateKey "ed25519" }}"#,
            r#"{{ $ca := genCAWithKey "ec-ca" 5 $k }}"#,
            r#"{{ $c := genSignedCertWithKey "leaf" nil nil 5 $ca $e }}"#,
            r#"{{ $s := genSelfSignedCertWithKey "s" (list "::1") nil 5 $k }}"#,
            r#"{{ $b := buildCustomCert ($ca.Cert | b64enc) ($ca.Key | b64enc) }}"#,
            r#"{{ $k }}@@{{ $e }}@@{{ $ca.Cert }}@@{{ $c.Cert }}@@{{ $c.Key }}@@{{ $s.Cert }}@@{{ $b.Cert }}"#
        ))
        .unwrap();
    let parts: Vec<&str> = out.split("@@").collect();
    let [k, e, ca, cert, ckey, selfc, built] = parts[..] else {
        panic!("{out}")
    };
    assert!(k.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{k}");
    assert!(e.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{e}");
    assert_eq!(ckey, e, "the given key is returned");
    assert_eq!(built, ca);
    for (name, text) in [
        ("k.pem", k),
        ("e.pem", e),
        ("ca.pem", ca),
        ("c.pem", cert),
        ("s.pem", selfc),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let (ok, text) = openssl(&["ec", "-in", "k.pem", "-check", "-noout"], &dir);
    assert!(ok, "{text}");
    let (ok, text) = openssl(&["pkey", "-in", "e.pem", "-noout"], &dir);
    assert!(ok, "{text}");
    let (ok, text) = openssl(&["verify", "-CAfile", "ca.pem", "c.pem"], &dir);
    assert!(ok && text.contains("OK"), "{text}");
    let (ok, text) = openssl(&["x509", "-in", "s.pem", "-noout", "-text"], &dir);
    assert!(ok && text.contains("IP Address:0:0:0:0:0:0:0:1"), "{text}");
    std::fs::remove_dir_all(&dir).ok();

    assert_eq!(render(r#"{{ genPrivateKey "foo" }}"#), "Unknown type foo");
}
