//! The tutorial's seed charts (`../shared/seed-charts/`): every golden of
//! `goldens/cases.yaml`, including `--set replicaCount=3`, the greetings
//! checksum that follows the ConfigMap, and the missing-dependency error.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: failing loudly is the point

use std::path::{Path, PathBuf};

use chart_e2e::golden::{self, Case, Tally};
use chart_e2e::{bin, report_missing_shared, shared_dir};

/// Cases that do not pass yet; the test fails if one starts passing.
const KNOWN_FAILING: &[&str] = &[];

const PUBLIC_CASES: usize = 8;

/// The folder a case runs from: the seed-charts folder, or a modified copy
/// as its `run_from` note describes.
fn run_dir(case: &Case, base: &Path) -> Result<PathBuf, String> {
    let note = case.run_from.as_deref().unwrap_or("seed-charts");
    if note == "seed-charts" {
        return Ok(base.to_path_buf());
    }
    let dir = golden::scratch_dir(&case.id);
    for chart in ["pacman", "greetings", "music"] {
        golden::copy_dir(&base.join(chart), &dir.join(chart)).map_err(|e| e.to_string())?;
    }
    if let Some(rest) = note.split("replaced by ").nth(1) {
        // "with greetings/templates/configmap.yaml replaced by goldens/x.yaml)"
        let target = note
            .split("with ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .ok_or("unreadable run_from note")?;
        let source = rest.trim_end_matches(')');
        std::fs::copy(base.join(source), dir.join(target)).map_err(|e| e.to_string())?;
    } else if let Some(rest) = note.split("with ").nth(1)
        && let Some(path) = rest.strip_suffix(" removed)")
    {
        let path = dir.join(path.trim_end_matches('/'));
        std::fs::remove_dir_all(&path).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&path).map_err(|e| e.to_string())?;
    } else {
        return Err(format!("unknown run_from note: {note}"));
    }
    Ok(dir)
}

#[test]
fn seed_charts_match_helm() {
    let Some(shared) = shared_dir() else {
        assert!(
            !report_missing_shared("seed charts", PUBLIC_CASES),
            "seed charts missing under CI"
        );
        return;
    };
    let base = shared.join("seed-charts");
    let index = match golden::load_index(&base.join("goldens/cases.yaml")) {
        Ok(i) => i,
        Err(e) => panic!("seed index: {e}"),
    };
    assert!(!index.cases.is_empty(), "seed index lists no cases");
    let kc = bin("kubectl-chart");
    let mut tally = Tally::default();
    for case in &index.cases {
        let result = run_dir(case, &base).and_then(|dir| {
            let out = golden::run_ours(&kc, case, &dir)
                .map_err(|e| format!("cannot run kubectl-chart: {e}"))?;
            golden::check(case, &base, &out)
        });
        tally.record(&case.id, KNOWN_FAILING, result);
    }
    tally.record(
        "greetings-checksum-follows-configmap",
        KNOWN_FAILING,
        greetings_checksum_follows_the_configmap(&kc, &base),
    );
    let problems = tally.report("seed charts");
    assert!(problems.is_empty(), "seed charts: {}", problems.join("; "));
}

/// The greetings Deployment's `checksum/config` follows its ConfigMap: the
/// two goldens differ there, and so must our two renders, each equal to its
/// golden's.
fn greetings_checksum_follows_the_configmap(kc: &Path, base: &Path) -> Result<(), String> {
    let render = |dir: &Path| -> Result<String, String> {
        let out = std::process::Command::new(kc)
            .args([
                "template",
                "greetings",
                "greetings",
                "--namespace",
                "default",
            ])
            .current_dir(dir)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let checksum = |text: &str| -> String {
        text.lines()
            .find(|l| l.trim_start().starts_with("checksum/config:"))
            .map(|l| l.trim().to_string())
            .unwrap_or_default()
    };
    let read = |p: &str| std::fs::read_to_string(base.join(p)).map_err(|e| e.to_string());
    let aloha = render(base)?;
    let copy = golden::scratch_dir("greetings-namaste-checksum");
    golden::copy_dir(&base.join("greetings"), &copy.join("greetings"))
        .map_err(|e| e.to_string())?;
    std::fs::copy(
        base.join("goldens/greetings-namaste.configmap.yaml"),
        copy.join("greetings/templates/configmap.yaml"),
    )
    .map_err(|e| e.to_string())?;
    let namaste = render(&copy)?;
    let (want_a, want_n) = (
        checksum(&read("goldens/greetings-aloha.yaml")?),
        checksum(&read("goldens/greetings-namaste.yaml")?),
    );
    if want_a.is_empty() || want_a == want_n {
        return Err("goldens lack distinct checksum/config annotations".into());
    }
    if checksum(&aloha) != want_a || checksum(&namaste) != want_n {
        return Err(format!(
            "checksums: ours {} / {}, helm {want_a} / {want_n}",
            checksum(&aloha),
            checksum(&namaste)
        ));
    }
    Ok(())
}
