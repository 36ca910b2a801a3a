//! The patch formats the API accepts: JSON merge patch (RFC 7386), JSON patch
//! (RFC 6902) and Kubernetes' strategic merge patch for built-in kinds.

pub mod json_patch;
pub mod merge_keys;
pub mod merge_patch;
pub mod strategic;
