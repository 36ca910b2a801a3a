//! The README's first command renders the example chart exactly as Helm
//! does (golden recorded with `helm template hello examples/hello-web`).

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: failing loudly is the point

use chart_e2e::{command, repo_root};

/// Flip to `false` once rendering lands; while `true` the test asserts the
/// example still fails, so it cannot silently pass.
const KNOWN_FAILING: bool = false;

#[test]
fn readme_example_renders_like_helm() {
    let root = repo_root();
    let out = command("kubectl-chart")
        .args(["template", "hello", "examples/hello-web"])
        .current_dir(&root)
        .output()
        .expect("run kubectl-chart");
    let golden = std::fs::read(root.join("tests/e2e/golden/hello-web.yaml")).expect("golden");
    let matches = out.status.success() && out.stdout == golden;
    if KNOWN_FAILING {
        eprintln!("!!! README example is KNOWN FAILING (Sprig sha256sum not landed yet)");
        assert!(
            !matches,
            "README example passes now: set KNOWN_FAILING to false"
        );
    } else {
        assert!(
            matches,
            "{}\n{}",
            String::from_utf8_lossy(&out.stderr),
            chart_e2e::golden::first_difference(&golden, &out.stdout)
        );
    }
}
