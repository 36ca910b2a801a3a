//! The storage encoding of a release: Go JSON → gzip (level 9) → standard
//! base64, and back. Readers accept un-gzipped JSON, as Helm does.

use std::io::{Read, Write};

use base64::Engine as _;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use super::record::Release;
use super::schema::{SchemaError, release_from_json, release_to_json};

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Why a stored release could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    #[error("illegal base64 data: {0}")]
    Base64(#[from] base64::DecodeError),
    #[error("gzip: {0}")]
    Gzip(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] SchemaError),
}

/// Encodes a release as Helm stores it in a Secret/ConfigMap.
pub fn encode(rel: &Release) -> Result<String, CodecError> {
    let json = release_to_json(rel);
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(json.as_bytes())?;
    let bytes = gz.finish()?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Decodes a stored release: base64, then gunzip only if the gzip magic is
/// present, then JSON.
pub fn decode(data: &str) -> Result<Release, CodecError> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(data.trim_end())?;
    let json = if bytes.len() > 3 && bytes[..3] == GZIP_MAGIC {
        let mut out = Vec::new();
        GzDecoder::new(bytes.as_slice()).read_to_end(&mut out)?;
        out
    } else {
        bytes
    };
    Ok(release_from_json(&json)?)
}
