//! Errors of cluster calls, keeping the API server's Status reason so
//! callers can tell NotFound/AlreadyExists/Conflict apart.

/// A failed cluster call.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum KubeError {
    /// The server answered with a Status failure; the message is the server's.
    #[error("{message}")]
    Api {
        code: u16,
        reason: String,
        message: String,
    },
    /// Discovery has no resource for this kind.
    #[error("no matches for kind {kind:?} in version {api_version:?}")]
    NoMatch { api_version: String, kind: String },
    /// The connection or TLS failed, or the answer was not understood.
    #[error("{0}")]
    Transport(String),
    /// The kubeconfig could not be loaded.
    #[error("{0}")]
    Config(String),
    /// Refused before sending (client-go's checks, e.g. an empty name).
    #[error("{0}")]
    Invalid(String),
}

impl KubeError {
    pub fn api(code: u16, reason: &str, message: impl Into<String>) -> KubeError {
        KubeError::Api {
            code,
            reason: reason.to_string(),
            message: message.into(),
        }
    }

    /// client-go's refusal of an object call without a name.
    pub fn empty_name() -> KubeError {
        KubeError::Invalid("resource name may not be empty".into())
    }

    /// [`KubeError::empty_name`] when `name` is empty.
    pub fn require_name(name: &str) -> Result<(), KubeError> {
        if name.is_empty() {
            Err(KubeError::empty_name())
        } else {
            Ok(())
        }
    }

    pub fn not_found(resource: &str, name: &str) -> KubeError {
        KubeError::api(404, "NotFound", format!("{resource} {name:?} not found"))
    }

    pub fn already_exists(resource: &str, name: &str) -> KubeError {
        KubeError::api(
            409,
            "AlreadyExists",
            format!("{resource} {name:?} already exists"),
        )
    }

    fn reason(&self) -> Option<&str> {
        match self {
            KubeError::Api { reason, .. } => Some(reason),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.reason() == Some("NotFound")
    }

    pub fn is_already_exists(&self) -> bool {
        self.reason() == Some("AlreadyExists")
    }

    pub fn is_conflict(&self) -> bool {
        self.reason() == Some("Conflict")
    }
}
