//! Keys and X.509 certificates: `genPrivateKey genCA genCAWithKey
//! genSelfSignedCert genSelfSignedCertWithKey genSignedCert
//! genSignedCertWithKey buildCustomCert`.
//!
//! RSA keys are built by the `rsa` crate from primes found by
//! [`super::prime`] (ring, behind rcgen, cannot generate RSA keys); ECDSA
//! P-256 and Ed25519 keys from rcgen/ring. Certificates are built and
//! signed by rcgen with Sprig's template: random 128-bit serial, CN
//! subject, IP/DNS SANs, key usages KeyEncipherment+DigitalSignature
//! (+CertSign for a CA), server+client auth, basic constraints. PEM output
//! uses Go's block types (`RSA PRIVATE KEY` PKCS#1, `EC PRIVATE KEY` SEC1,
//! `PRIVATE KEY` PKCS#8 for Ed25519). DSA keys are not supported.

use std::net::IpAddr;
use std::sync::Arc;

use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SerialNumber,
};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};

use super::{arg, arg_int, arg_str};
use crate::template::{FuncError, FuncResult, FuncTable, Map, Object, Signature, Ty, Value};

/// Sprig's `certificate` parameter type (a [`Certificate`] object converts).
const CERT: Ty = Ty::Struct("sprig.certificate");

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    t.add("genPrivateKey", Signature::fixed(&[String]), |a| {
        let kind = arg_str(a, 0)?;
        let key = match kind {
            "" | "rsa" => PrivKey::rsa(4096),
            "ecdsa" => PrivKey::generate(&rcgen::PKCS_ECDSA_P256_SHA256),
            "ed25519" => PrivKey::generate(&rcgen::PKCS_ED25519),
            // Sprig supports DSA; no maintained crate generates DSA keys.
            "dsa" => Err("dsa keys are not supported".to_string()),
            _ => return Ok(Value::from_string(format!("Unknown type {kind}"))),
        };
        Ok(Value::from_string(match key.and_then(|k| k.to_pem()) {
            Ok(pem) => pem,
            Err(e) => format!("failed to generate private key: {e}"),
        }))
    });
    t.add("genCA", Signature::fixed(&[String, Int]), |a| {
        let key = PrivKey::rsa(2048).map_err(rsa_err)?;
        gen_ca(arg_str(a, 0)?, arg_int(a, 1)?, key)
    });
    t.add(
        "genCAWithKey",
        Signature::fixed(&[String, Int, String]),
        |a| {
            let key = PrivKey::from_pem(arg_str(a, 2)?).map_err(parsing_key)?;
            gen_ca(arg_str(a, 0)?, arg_int(a, 1)?, key)
        },
    );
    t.add(
        "genSelfSignedCert",
        Signature::fixed(&[String, List, List, Int]),
        |a| {
            let key = PrivKey::rsa(2048).map_err(rsa_err)?;
            self_signed(a, key)
        },
    );
    t.add(
        "genSelfSignedCertWithKey",
        Signature::fixed(&[String, List, List, Int, String]),
        |a| {
            let key = PrivKey::from_pem(arg_str(a, 4)?).map_err(parsing_key)?;
            self_signed(a, key)
        },
    );
    t.add(
        "genSignedCert",
        Signature::fixed(&[String, List, List, Int, CERT]),
        |a| {
            let key = PrivKey::rsa(2048).map_err(rsa_err)?;
            signed(a, key)
        },
    );
    t.add(
        "genSignedCertWithKey",
        Signature::fixed(&[String, List, List, Int, CERT, String]),
        |a| {
            let key = PrivKey::from_pem(arg_str(a, 5)?).map_err(parsing_key)?;
            signed(a, key)
        },
    );
    t.add(
        "buildCustomCert",
        Signature::fixed(&[String, String]),
        build_custom,
    );
}

fn rsa_err(e: String) -> FuncError {
    FuncError::new(format!("error generating rsa key: {e}"))
}

fn parsing_key(e: String) -> FuncError {
    FuncError::new(format!("parsing private key: {e}"))
}

/// Go's `certificate{Cert, Key string}` as templates see it.
#[derive(Debug)]
pub struct Certificate {
    pub cert: String,
    pub key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(&self.cert)),
            "Key" => Some(Value::str(&self.key)),
            _ => None,
        }
    }

    fn to_json_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("Cert".into(), Value::str(&self.cert));
        m.insert("Key".into(), Value::str(&self.key));
        Value::map(m)
    }

    fn fmt_v(&self, out: &mut String) {
        out.push('{');
        out.push_str(&self.cert);
        out.push(' ');
        out.push_str(&self.key);
        out.push('}');
    }
}

fn cert_value(cert: String, key: String) -> Value {
    Value::Object(Arc::new(Certificate { cert, key }))
}

// ---- keys ------------------------------------------------------------------------

enum PrivKey {
    Rsa(Box<rsa::PrivateKey>),
    /// ECDSA P-256 or Ed25519, held as ring PKCS#8.
    Ring(Box<KeyPair>),
}

const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

impl PrivKey {
    /// A two-prime RSA key with e = 65537 and d = e⁻¹ mod φ(n), as Go's
    /// `rsa.GenerateKey` (and `rsa::PrivateKey::new`) make it, from primes
    /// with their top two bits set (see [`super::prime`]).
    fn rsa(bits: usize) -> Result<PrivKey, String> {
        let half = u32::try_from(bits / 2).map_err(|e| e.to_string())?;
        // A pair whose φ(n) shares a factor with e is rare; try again then.
        let mut last_err = String::new();
        for _ in 0..8 {
            let primes = super::prime::random_primes(half, 2)?;
            match rsa::PrivateKey::from_primes(primes, rsa::BoxedUint::from(65537u64)) {
                Ok(k) => return Ok(PrivKey::Rsa(Box::new(k))),
                Err(e) => last_err = e.to_string(),
            }
        }
        Err(last_err)
    }

    fn generate(alg: &'static rcgen::SignatureAlgorithm) -> Result<PrivKey, String> {
        KeyPair::generate_for(alg)
            .map(|k| PrivKey::Ring(Box::new(k)))
            .map_err(|e| e.to_string())
    }

    /// Sprig `parsePrivateKeyPEM`, with its error texts.
    fn from_pem(text: &str) -> Result<PrivKey, String> {
        let block = pem::parse(text).map_err(|_| "no PEM data in input".to_string())?;
        let der = block.contents();
        match block.tag() {
            "PRIVATE KEY" => {
                if let Ok(k) = rsa::PrivateKey::from_pkcs8_der(der) {
                    return Ok(PrivKey::Rsa(Box::new(k)));
                }
                let pk = rustls_pki_types::PrivatePkcs8KeyDer::from(der.to_vec());
                KeyPair::try_from(&rustls_pki_types::PrivateKeyDer::Pkcs8(pk))
                    .map(|k| PrivKey::Ring(Box::new(k)))
                    .map_err(|e| format!("decoding PEM as PKCS#8: {e}"))
            }
            "RSA PRIVATE KEY" => rsa::PrivateKey::from_pkcs1_der(der)
                .map(|k| PrivKey::Rsa(Box::new(k)))
                .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
            "EC PRIVATE KEY" => {
                let pkcs8 = sec1_to_pkcs8(der).ok_or_else(|| {
                    "parsing EC private key from PEM: x509: failed to parse EC private key"
                        .to_string()
                })?;
                let pk = rustls_pki_types::PrivatePkcs8KeyDer::from(pkcs8);
                KeyPair::from_pkcs8_der_and_sign_algo(&pk, &rcgen::PKCS_ECDSA_P256_SHA256)
                    .map(|k| PrivKey::Ring(Box::new(k)))
                    .map_err(|e| format!("parsing EC private key from PEM: {e}"))
            }
            t if t.ends_with(" PRIVATE KEY") => Err(format!("invalid private key type {t}")),
            t => Err(format!("no private key data in PEM block of type {t}")),
        }
    }

    /// The rcgen signing key.
    fn key_pair(&self) -> Result<KeyPair, String> {
        match self {
            PrivKey::Rsa(k) => {
                let der = k.to_pkcs8_der().map_err(|e| e.to_string())?;
                let pk = rustls_pki_types::PrivatePkcs8KeyDer::from(der.as_bytes().to_vec());
                KeyPair::from_pkcs8_der_and_sign_algo(&pk, &rcgen::PKCS_RSA_SHA256)
                    .map_err(|e| e.to_string())
            }
            PrivKey::Ring(kp) => {
                let der = kp.serialize_der();
                let pk = rustls_pki_types::PrivatePkcs8KeyDer::from(der);
                KeyPair::from_pkcs8_der_and_sign_algo(&pk, kp.algorithm())
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Sprig `pemBlockForKey`.
    fn to_pem(&self) -> Result<String, String> {
        match self {
            PrivKey::Rsa(k) => k
                .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
                .map(|p| p.to_string())
                .map_err(|e| e.to_string()),
            PrivKey::Ring(kp) if kp.algorithm() == &rcgen::PKCS_ECDSA_P256_SHA256 => {
                let sec1 = pkcs8_to_sec1(&kp.serialize_der(), kp.public_key_raw())
                    .ok_or("cannot encode EC key")?;
                Ok(pem_encode("EC PRIVATE KEY", &sec1))
            }
            PrivKey::Ring(kp) => {
                let der = kp.serialize_der();
                Ok(pem_encode("PRIVATE KEY", &pkcs8_v1(&der).unwrap_or(der)))
            }
        }
    }
}

/// Go `pem.Encode`: 64-column base64 lines.
fn pem_encode(tag: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {tag}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {tag}-----\n"));
    out
}

// Minimal DER, enough to move an EC key between PKCS#8 and SEC1.

fn der_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
}

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    der_len(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

/// Splits one TLV off `b`: (tag, contents, rest).
fn read_tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, hdr) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        let mut len = 0usize;
        for i in 0..n {
            len = len.checked_mul(256)? + usize::from(*b.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let body = b.get(hdr..hdr.checked_add(len)?)?;
    Some((tag, body, &b[hdr + len..]))
}

/// PKCS#8 (ring) → SEC1 `ECPrivateKey` with the curve OID and public key,
/// as Go's `x509.MarshalECPrivateKey` writes it.
fn pkcs8_to_sec1(pkcs8: &[u8], public: &[u8]) -> Option<Vec<u8>> {
    let (_, seq, _) = read_tlv(pkcs8)?;
    let (_, _, rest) = read_tlv(seq)?; // version
    let (_, _, rest) = read_tlv(rest)?; // algorithm
    let (_, inner, _) = read_tlv(rest)?; // OCTET STRING
    let (_, ec, _) = read_tlv(inner)?; // ECPrivateKey
    let (_, _, rest) = read_tlv(ec)?; // version
    let (_, scalar, _) = read_tlv(rest)?;
    let mut body = tlv(0x02, &[1]);
    body.extend(tlv(0x04, scalar));
    body.extend(tlv(0xa0, &tlv(0x06, OID_P256)));
    let mut bits = vec![0u8];
    bits.extend_from_slice(public);
    body.extend(tlv(0xa1, &tlv(0x03, &bits)));
    Some(tlv(0x30, &body))
}

/// ring writes PKCS#8 v2 (with the public key); Go's
/// `MarshalPKCS8PrivateKey` writes v1: version 0, algorithm, private key.
fn pkcs8_v1(v2: &[u8]) -> Option<Vec<u8>> {
    let (_, seq, _) = read_tlv(v2)?;
    let (_, _, rest) = read_tlv(seq)?;
    let (tag, alg, rest) = read_tlv(rest)?;
    let (_, key, _) = read_tlv(rest)?;
    let mut body = tlv(0x02, &[0]);
    body.extend(tlv(tag, alg));
    body.extend(tlv(0x04, key));
    Some(tlv(0x30, &body))
}

/// SEC1 → PKCS#8 for ring (P-256 only).
fn sec1_to_pkcs8(sec1: &[u8]) -> Option<Vec<u8>> {
    let (tag, _, _) = read_tlv(sec1)?;
    if tag != 0x30 {
        return None;
    }
    let mut alg = tlv(0x06, OID_EC_PUBLIC_KEY);
    alg.extend(tlv(0x06, OID_P256));
    let mut body = tlv(0x02, &[0]);
    body.extend(tlv(0x30, &alg));
    body.extend(tlv(0x04, sec1));
    Some(tlv(0x30, &body))
}

// ---- certificates ---------------------------------------------------------------

/// Sprig `getBaseCertTemplate`.
fn base_params(
    cn: &str,
    ips: &Value,
    dns: &Value,
    days: i64,
) -> Result<CertificateParams, FuncError> {
    let mut params = CertificateParams::default();
    let items =
        |v: &Value| -> Vec<Value> { v.as_list().map(<[Value]>::to_vec).unwrap_or_default() };
    for ip in items(ips) {
        let Value::String(s) = &ip else {
            return Err(FuncError::new(format!(
                "error parsing ip: {} is not a string",
                ip.to_go_string()
            )));
        };
        let addr: IpAddr = s
            .parse()
            .map_err(|_| FuncError::new(format!("error parsing ip: {s}")))?;
        params.subject_alt_names.push(SanType::IpAddress(addr));
    }
    for name in items(dns) {
        let Value::String(s) = &name else {
            return Err(FuncError::new(format!(
                "error processing alternate dns name: {} is not a string",
                name.to_go_string()
            )));
        };
        let ia5 = rcgen::string::Ia5String::try_from(s.to_string())
            .map_err(|e| FuncError::new(format!("error creating certificate: {e}")))?;
        params.subject_alt_names.push(SanType::DnsName(ia5));
    }
    let mut serial = [0u8; 16];
    rand::Rng::fill_bytes(&mut rand::rng(), &mut serial);
    serial[0] &= 0x7f;
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, cn);
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now;
    params.not_after = now.checked_add(time::Duration::days(days)).unwrap_or(now);
    params.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    params.is_ca = IsCa::ExplicitNoCa;
    Ok(params)
}

fn create_err(e: impl std::fmt::Display) -> FuncError {
    FuncError::new(format!("error creating certificate: {e}"))
}

fn gen_ca(cn: &str, days: i64, key: PrivKey) -> FuncResult {
    let mut params = base_params(cn, &Value::Nil, &Value::Nil, days)?;
    params.key_usages.push(KeyUsagePurpose::KeyCertSign);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let kp = key.key_pair().map_err(create_err)?;
    let cert = params.self_signed(&kp).map_err(create_err)?;
    Ok(cert_value(cert.pem(), key.to_pem().map_err(create_err)?))
}

fn self_signed(a: &[Value], key: PrivKey) -> FuncResult {
    let params = base_params(arg_str(a, 0)?, arg(a, 1), arg(a, 2), arg_int(a, 3)?)?;
    let kp = key.key_pair().map_err(create_err)?;
    let cert = params.self_signed(&kp).map_err(create_err)?;
    Ok(cert_value(cert.pem(), key.to_pem().map_err(create_err)?))
}

fn signed(a: &[Value], key: PrivKey) -> FuncResult {
    let (ca_cert, ca_key) = match arg(a, 4) {
        Value::Object(o) if o.type_name() == "sprig.certificate" => (
            o.field("Cert")
                .map(|v| v.to_go_string())
                .unwrap_or_default(),
            o.field("Key").map(|v| v.to_go_string()).unwrap_or_default(),
        ),
        other => {
            return Err(FuncError::new(format!(
                "wrong type for value; expected sprig.certificate; got {}",
                other.type_name()
            )));
        }
    };
    if pem::parse(&ca_cert).is_err() {
        return Err(FuncError::new("unable to decode certificate"));
    }
    let signer = PrivKey::from_pem(&ca_key)
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
    let signer_kp = signer.key_pair().map_err(create_err)?;
    let issuer = Issuer::from_ca_cert_pem(&ca_cert, signer_kp).map_err(|e| {
        FuncError::new(format!(
            "error parsing certificate: decodedSignerCert.Bytes: {e}"
        ))
    })?;
    let params = base_params(arg_str(a, 0)?, arg(a, 1), arg(a, 2), arg_int(a, 3)?)?;
    let kp = key.key_pair().map_err(create_err)?;
    let cert = params.signed_by(&kp, &issuer).map_err(create_err)?;
    Ok(cert_value(cert.pem(), key.to_pem().map_err(create_err)?))
}

fn build_custom(a: &[Value]) -> FuncResult {
    let b64 = base64::engine::general_purpose::STANDARD;
    let cert = b64
        .decode(arg_str(a, 0)?)
        .map_err(|_| FuncError::new("unable to decode base64 certificate"))?;
    let key = b64
        .decode(arg_str(a, 1)?)
        .map_err(|_| FuncError::new("unable to decode base64 private key"))?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let block = pem::parse(&cert).map_err(|_| FuncError::new("unable to decode certificate"))?;
    x509_parser::parse_x509_certificate(block.contents()).map_err(|e| {
        FuncError::new(format!("error parsing certificate: decodedCert.Bytes: {e}"))
    })?;
    PrivKey::from_pem(&key)
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
    Ok(cert_value(cert, key))
}
