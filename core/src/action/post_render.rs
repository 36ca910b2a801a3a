//! `--post-renderer`: a program that receives the rendered manifest (hooks
//! excluded) on stdin and prints the manifest to use on stdout, as Helm's
//! `postrender.NewExec`. The program is found like Go's `exec.LookPath`
//! when the flag is read, and its failure is reported with its stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A resolved post-renderer: absolute program path and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostRenderer {
    pub program: PathBuf,
    pub args: Vec<String>,
}

impl PostRenderer {
    /// Finds `binary` (a path, or a name looked up in `$PATH`). The error is
    /// Helm's flag error text after `invalid argument "x" for "--post-renderer" flag: `.
    pub fn new(binary: &str, args: Vec<String>) -> Result<PostRenderer, String> {
        let program = look_path(binary)
            .map_err(|e| format!("unable to find binary at {binary}: exec: {binary:?}: {e}"))?;
        let program = std::path::absolute(&program).unwrap_or(program);
        Ok(PostRenderer { program, args })
    }

    /// The full flag error Helm prints for a program it cannot use.
    pub fn flag_error(binary: &str, e: &str) -> String {
        format!("invalid argument {binary:?} for \"--post-renderer\" flag: {e}")
    }

    /// Runs the program on `manifest` and returns its stdout.
    pub fn run(&self, manifest: &str) -> Result<String, String> {
        let fail = |detail: &str| {
            format!(
                "error while running command {}. error output:\n{detail}",
                self.program.display()
            )
        };
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(&format!(": {e}")))?;
        // Feed stdin from a thread so a program that writes before reading
        // everything cannot deadlock on full pipes.
        let feeder = child.stdin.take().map(|mut stdin| {
            let input = manifest.as_bytes().to_vec();
            std::thread::spawn(move || {
                let _ = stdin.write_all(&input);
            })
        });
        let out = child
            .wait_with_output()
            .map_err(|e| fail(&format!(": {e}")))?;
        if let Some(f) = feeder {
            let _ = f.join();
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            return Err(fail(&format!("{stderr}: {}", go_exit_status(&out.status))));
        }
        String::from_utf8(out.stdout)
            .map_err(|_| fail(&format!("{stderr}: the output is not UTF-8 text")))
    }
}

/// Go's `ExitError` text: `exit status N` or `signal: …`.
fn go_exit_status(status: &std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("signal: {}", signal_name(sig));
        }
    }
    status.to_string()
}

#[cfg(unix)]
fn signal_name(sig: i32) -> String {
    match sig {
        6 => "aborted".into(),
        9 => "killed".into(),
        11 => "segmentation fault".into(),
        13 => "broken pipe".into(),
        15 => "terminated".into(),
        n => format!("signal {n}"),
    }
}

/// Go's `exec.LookPath`: a name with a `/` is checked as is, otherwise each
/// `$PATH` entry; the file must exist, not be a directory and be
/// executable. Errors are Go's texts.
fn look_path(name: &str) -> Result<PathBuf, String> {
    if name.contains('/') {
        return executable(Path::new(name)).map(|()| PathBuf::from(name));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        let candidate = dir.join(name);
        if executable(&candidate).is_ok() {
            return Ok(candidate);
        }
    }
    Err("executable file not found in $PATH".into())
}

fn executable(p: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(p).map_err(|e| {
        format!(
            "stat {}: {}",
            p.display(),
            crate::chart::loader::go_io_message_pub(&e)
        )
    })?;
    if meta.is_dir() {
        return Err("permission denied".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 == 0 {
            return Err("permission denied".into());
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn lookup_errors_read_like_go() {
        // Texts recorded from the oracle (helm 3.10.1 template --post-renderer).
        assert_eq!(
            PostRenderer::new("nosuch-post-renderer-x", vec![]).unwrap_err(),
            "unable to find binary at nosuch-post-renderer-x: exec: \"nosuch-post-renderer-x\": executable file not found in $PATH"
        );
        let dir = std::env::temp_dir().join(format!("postrender-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let plain = dir.join("plain.txt");
        std::fs::write(&plain, "x").unwrap();
        let p = plain.to_str().unwrap();
        assert_eq!(
            PostRenderer::new(p, vec![]).unwrap_err(),
            format!("unable to find binary at {p}: exec: \"{p}\": permission denied")
        );
        assert_eq!(
            PostRenderer::new("./nosuch.sh", vec![]).unwrap_err(),
            "unable to find binary at ./nosuch.sh: exec: \"./nosuch.sh\": stat ./nosuch.sh: no such file or directory"
        );
    }

    #[cfg(unix)]
    #[test]
    fn runs_with_stdin_and_reports_failures() {
        let pr = PostRenderer::new("cat", vec![]).unwrap();
        assert!(pr.program.is_absolute());
        assert_eq!(pr.run("a: 1\n").unwrap(), "a: 1\n");
        let pr =
            PostRenderer::new("sh", vec!["-c".into(), "echo oops >&2; exit 3".into()]).unwrap();
        let err = pr.run("").unwrap_err();
        assert!(
            err.ends_with(". error output:\noops\n: exit status 3"),
            "{err}"
        );
    }
}
