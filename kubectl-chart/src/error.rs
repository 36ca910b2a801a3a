//! What a command fails with; `main` prints it as `Error: …`.

use std::fmt;

/// A command's failure. Chart, values and render errors arrive as text
/// already in Helm's words and stay text: making an `anyhow::Error` of them
/// would capture a backtrace whenever `RUST_BACKTRACE` is set, and in a
/// statically linked binary the first capture costs milliseconds (the
/// unwinder sorts every frame description) for a backtrace nobody prints.
#[derive(Debug)]
pub enum CliError {
    Message(String),
    Other(anyhow::Error),
}

impl CliError {
    /// Did the command stop because its output was closed (`| head`)?
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            CliError::Message(_) => false,
            CliError::Other(e) => e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Other(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Other(e.into())
    }
}

/// `{:#}` shows the causes too, as anyhow's does.
impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Message(m) => f.write_str(m),
            CliError::Other(e) if f.alternate() => write!(f, "{e:#}"),
            CliError::Other(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_anyhow() {
        let io = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "pipe closed");
        let wrapped = CliError::Other(anyhow::Error::new(io).context("writing output"));
        assert_eq!(format!("{wrapped:#}"), "writing output: pipe closed");
        assert_eq!(format!("{wrapped}"), "writing output");
        assert!(wrapped.is_broken_pipe());
        let text = CliError::Message("chart requires kubeVersion: >= 1.22.0-0".into());
        assert_eq!(
            format!("{text:#}"),
            "chart requires kubeVersion: >= 1.22.0-0"
        );
        assert!(!text.is_broken_pipe());
    }
}
