//! Hashes and cryptography: `sha1sum sha256sum sha512sum adler32sum bcrypt
//! htpasswd randBytes uuidv4 derivePassword encryptAES decryptAES`, and the
//! key/certificate generators (see [`super::certs`]).
//!
//! `derivePassword` is the Master Password algorithm (scrypt N=32768 r=8
//! p=2, then HMAC-SHA256 over the site), implemented here on `hmac`/`sha2`
//! so it stays byte-identical to Sprig; AES is CBC with PKCS#7-style padding
//! and the password zero-padded/truncated to a 32-byte key, as Sprig does.

use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha1::Digest;
use sha2::Sha256;

use super::encoding::go_base64_decode;
use super::{arg_int, arg_str, ok};
#[cfg(test)]
use crate::template::Value;
use crate::template::{FuncError, FuncResult, FuncTable, Signature, Ty};

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    let s1 = Signature::fixed(&[String]);
    t.add("sha1sum", s1, |a| {
        ok(hex::encode(sha1::Sha1::digest(arg_str(a, 0)?)))
    });
    t.add("sha256sum", s1, |a| {
        ok(hex::encode(Sha256::digest(arg_str(a, 0)?)))
    });
    // Not in Helm 3.10's Sprig (v3.2.2); later Helm versions have it.
    t.add("sha512sum", s1, |a| {
        ok(hex::encode(sha2::Sha512::digest(arg_str(a, 0)?)))
    });
    t.add("adler32sum", s1, |a| {
        ok(adler::adler32_slice(arg_str(a, 0)?.as_bytes()).to_string())
    });
    t.add("bcrypt", s1, |a| ok(bcrypt_hash(arg_str(a, 0)?)));
    t.add("htpasswd", Signature::fixed(&[String, String]), |a| {
        let (user, pass) = (arg_str(a, 0)?, arg_str(a, 1)?);
        ok(if user.contains(':') {
            format!("invalid username: {user}")
        } else {
            format!("{user}:{}", bcrypt_hash(pass))
        })
    });
    t.add("randBytes", Signature::fixed(&[Int]), |a| {
        let n = arg_int(a, 0)?;
        let n = usize::try_from(n)
            .map_err(|_| FuncError::new("runtime error: makeslice: len out of range"))?;
        let mut buf = vec![0u8; n];
        rand::rng().fill_bytes(&mut buf);
        ok(base64::engine::general_purpose::STANDARD.encode(buf))
    });
    t.add("uuidv4", Signature::fixed(&[]), |_| {
        ok(uuid::Uuid::new_v4().to_string())
    });
    t.add(
        "derivePassword",
        // Go: derivePassword(counter uint32, passwordType, password, user, site string)
        Signature::fixed(&[Int, String, String, String, String]),
        |a| {
            ok(derive_password(
                arg_int(a, 0)? as u32,
                arg_str(a, 1)?,
                arg_str(a, 2)?,
                arg_str(a, 3)?,
                arg_str(a, 4)?,
            ))
        },
    );
    t.add("encryptAES", Signature::fixed(&[String, String]), |a| {
        encrypt_aes(arg_str(a, 0)?, arg_str(a, 1)?)
    });
    t.add("decryptAES", Signature::fixed(&[String, String]), |a| {
        decrypt_aes(arg_str(a, 0)?, arg_str(a, 1)?)
    });
}

/// Go x/crypto bcrypt at the default cost 10, `$2a$` prefix.
fn bcrypt_hash(s: &str) -> std::string::String {
    match bcrypt::hash_with_result(s, 10) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

// ---- derivePassword -------------------------------------------------------------

const MASTER_PASSWORD_SEED: &[u8] = b"com.lyndir.masterpassword";

fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_chars(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

fn derive_password(
    counter: u32,
    kind: &str,
    password: &str,
    user: &str,
    site: &str,
) -> std::string::String {
    let Some(temps) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = MASTER_PASSWORD_SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let key = scrypt(password.as_bytes(), &salt, 32768, 8, 2, 64);
    let mut msg = MASTER_PASSWORD_SEED.to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let seed = hmac_sha256(&key, &msg);
    let temp = temps[usize::from(seed[0]) % temps.len()].as_bytes();
    temp.iter()
        .enumerate()
        .map(|(i, &c)| {
            let chars = template_chars(c);
            char::from(chars[usize::from(seed[i + 1]) % chars.len()])
        })
        .collect()
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(msg);
            m.finalize().into_bytes().to_vec()
        }
        // HMAC accepts keys of any length.
        Err(_) => Vec::new(),
    }
}

/// PBKDF2-HMAC-SHA256 with one iteration (all scrypt needs).
fn pbkdf2_1(password: &[u8], salt: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut i: u32 = 1;
    while out.len() < len {
        let mut msg = salt.to_vec();
        msg.extend_from_slice(&i.to_be_bytes());
        out.extend(hmac_sha256(password, &msg));
        i += 1;
    }
    out.truncate(len);
    out
}

/// The Salsa20/8 core, on locals (this runs two million times per
/// `derivePassword`, so it avoids indexing).
fn salsa20_8(b: &mut [u32; 16]) {
    let [
        mut x0,
        mut x1,
        mut x2,
        mut x3,
        mut x4,
        mut x5,
        mut x6,
        mut x7,
        mut x8,
        mut x9,
        mut x10,
        mut x11,
        mut x12,
        mut x13,
        mut x14,
        mut x15,
    ] = *b;
    for _ in 0..4 {
        x4 ^= x0.wrapping_add(x12).rotate_left(7);
        x8 ^= x4.wrapping_add(x0).rotate_left(9);
        x12 ^= x8.wrapping_add(x4).rotate_left(13);
        x0 ^= x12.wrapping_add(x8).rotate_left(18);
        x9 ^= x5.wrapping_add(x1).rotate_left(7);
        x13 ^= x9.wrapping_add(x5).rotate_left(9);
        x1 ^= x13.wrapping_add(x9).rotate_left(13);
        x5 ^= x1.wrapping_add(x13).rotate_left(18);
        x14 ^= x10.wrapping_add(x6).rotate_left(7);
        x2 ^= x14.wrapping_add(x10).rotate_left(9);
        x6 ^= x2.wrapping_add(x14).rotate_left(13);
        x10 ^= x6.wrapping_add(x2).rotate_left(18);
        x3 ^= x15.wrapping_add(x11).rotate_left(7);
        x7 ^= x3.wrapping_add(x15).rotate_left(9);
        x11 ^= x7.wrapping_add(x3).rotate_left(13);
        x15 ^= x11.wrapping_add(x7).rotate_left(18);
        x1 ^= x0.wrapping_add(x3).rotate_left(7);
        x2 ^= x1.wrapping_add(x0).rotate_left(9);
        x3 ^= x2.wrapping_add(x1).rotate_left(13);
        x0 ^= x3.wrapping_add(x2).rotate_left(18);
        x6 ^= x5.wrapping_add(x4).rotate_left(7);
        x7 ^= x6.wrapping_add(x5).rotate_left(9);
        x4 ^= x7.wrapping_add(x6).rotate_left(13);
        x5 ^= x4.wrapping_add(x7).rotate_left(18);
        x11 ^= x10.wrapping_add(x9).rotate_left(7);
        x8 ^= x11.wrapping_add(x10).rotate_left(9);
        x9 ^= x8.wrapping_add(x11).rotate_left(13);
        x10 ^= x9.wrapping_add(x8).rotate_left(18);
        x12 ^= x15.wrapping_add(x14).rotate_left(7);
        x13 ^= x12.wrapping_add(x15).rotate_left(9);
        x14 ^= x13.wrapping_add(x12).rotate_left(13);
        x15 ^= x14.wrapping_add(x13).rotate_left(18);
    }
    let x = [
        x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15,
    ];
    for (o, v) in b.iter_mut().zip(x) {
        *o = o.wrapping_add(v);
    }
}

/// scrypt BlockMix over `2r` 64-byte blocks (as u32 words).
fn block_mix(b: &[u32], out: &mut [u32], r: usize) {
    let mut x = [0u32; 16];
    x.copy_from_slice(&b[(2 * r - 1) * 16..2 * r * 16]);
    for i in 0..2 * r {
        for (xv, bv) in x.iter_mut().zip(&b[i * 16..(i + 1) * 16]) {
            *xv ^= bv;
        }
        salsa20_8(&mut x);
        let dst = if i % 2 == 0 { i / 2 } else { r + i / 2 };
        out[dst * 16..(dst + 1) * 16].copy_from_slice(&x);
    }
}

fn scrypt(password: &[u8], salt: &[u8], n: usize, r: usize, p: usize, len: usize) -> Vec<u8> {
    let words = 32 * r;
    let b = pbkdf2_1(password, salt, p * 128 * r);
    let mut mixed = Vec::with_capacity(b.len());
    let mut v = vec![0u32; n * words];
    for chunk in b.chunks(128 * r) {
        let mut x: Vec<u32> = chunk
            .chunks(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let mut y = vec![0u32; words];
        for i in 0..n {
            v[i * words..(i + 1) * words].copy_from_slice(&x);
            block_mix(&x, &mut y, r);
            std::mem::swap(&mut x, &mut y);
        }
        for _ in 0..n {
            let j = (x[(2 * r - 1) * 16] as usize) & (n - 1);
            for (xv, vv) in x.iter_mut().zip(&v[j * words..(j + 1) * words]) {
                *xv ^= vv;
            }
            block_mix(&x, &mut y, r);
            std::mem::swap(&mut x, &mut y);
        }
        mixed.extend(x.iter().flat_map(|w| w.to_le_bytes()));
    }
    pbkdf2_1(password, &mixed, len)
}

// ---- AES ------------------------------------------------------------------------

fn aes_key(password: &str) -> Result<aes::Aes256, FuncError> {
    let mut key = [0u8; 32];
    let p = password.as_bytes();
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    aes::Aes256::new_from_slice(&key).map_err(|e| FuncError::new(e.to_string()))
}

fn encrypt_aes(password: &str, plaintext: &str) -> FuncResult {
    if plaintext.is_empty() {
        return ok("");
    }
    let cipher = aes_key(password)?;
    let mut content = plaintext.as_bytes().to_vec();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(pad as u8, pad));
    let mut iv = [0u8; 16];
    rand::rng().fill_bytes(&mut iv);
    let mut out = iv.to_vec();
    let mut prev = iv;
    for chunk in content.chunks(16) {
        let mut block = aes::Block::default();
        for (i, b) in block.iter_mut().enumerate() {
            *b = chunk[i] ^ prev[i];
        }
        cipher.encrypt_block(&mut block);
        prev.copy_from_slice(&block);
        out.extend_from_slice(&block);
    }
    ok(base64::engine::general_purpose::STANDARD.encode(out))
}

fn decrypt_aes(password: &str, crypt64: &str) -> FuncResult {
    if crypt64.is_empty() {
        return ok("");
    }
    let cipher = aes_key(password)?;
    let crypt = go_base64_decode(crypt64)
        .map_err(|at| FuncError::new(format!("illegal base64 data at input byte {at}")))?;
    if crypt.len() < 16 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            // Go's decode buffer is sized DecodedLen(len(input)).
            crypt64.len() / 4 * 3
        )));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err(FuncError::new("crypto/cipher: input not full blocks"));
    }
    let mut out = Vec::with_capacity(body.len());
    let mut prev = iv.to_vec();
    for chunk in body.chunks(16) {
        let mut block = aes::Block::default();
        block.copy_from_slice(chunk);
        cipher.decrypt_block(&mut block);
        out.extend(block.iter().zip(&prev).map(|(b, p)| b ^ p));
        prev = chunk.to_vec();
    }
    let Some(&last) = out.last() else {
        return Err(FuncError::new("runtime error: index out of range [-1]"));
    };
    let keep = out.len() as i64 - i64::from(last);
    if keep < 0 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:{keep}]"
        )));
    }
    ok(std::string::String::from_utf8_lossy(&out[..keep as usize]).into_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn scrypt_rfc7914_vector() {
        // RFC 7914 §12, second vector.
        let dk = scrypt(b"password", b"NaCl", 1024, 8, 16, 64);
        assert_eq!(
            hex::encode(dk),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        );
    }

    #[test]
    fn aes_round_trip() {
        let Value::String(c) = encrypt_aes("secret", "hello world").unwrap() else {
            panic!()
        };
        let Value::String(p) = decrypt_aes("secret", &c).unwrap() else {
            panic!()
        };
        assert_eq!(&*p, "hello world");
    }
}
