//! The tutorial's sharing half (§6–§8) against a local HTTP repository,
//! with the real Helm (`helm-oracle`) as the reference: package and index
//! (archive layout and index.yaml agree with Helm's), repo add / search /
//! pull, music's `dependency update` fetching postgresql from the local
//! repository (same output and Chart.lock digest as Helm), a tampered
//! archive refused, Helm reading our repository and we reading Helm's,
//! basic auth, and the error messages Helm users know.
//!
//! Every run uses its own HELM_CONFIG_HOME/HELM_CACHE_HOME (one set for
//! us, another for the oracle); the user's Helm folders are never touched.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: failing loudly is the point

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chart_e2e::golden::{self, Tally};
use chart_e2e::repo_server::RepoServer;
use chart_e2e::{bin, report_missing_shared, shared_dir};

/// Cases of the tutorial flow that need commands other helpers are still
/// writing; the test fails if one starts passing (then remove it here).
const KNOWN_FAILING: &[&str] = &[];

/// One tool's isolated Helm homes.
struct Homes {
    root: PathBuf,
}

impl Homes {
    fn new(root: PathBuf) -> Homes {
        std::fs::create_dir_all(&root).unwrap();
        Homes { root }
    }

    fn apply(&self, cmd: &mut Command) {
        cmd.env("HELM_CONFIG_HOME", self.root.join("config"))
            .env("HELM_CACHE_HOME", self.root.join("cache"))
            .env("HELM_DATA_HOME", self.root.join("data"))
            .env_remove("HELM_REPOSITORY_CONFIG")
            .env_remove("HELM_REPOSITORY_CACHE")
            .env_remove("HELM_NAMESPACE")
            .env_remove("HELM_DEBUG");
    }
}

struct Fixture {
    shared: PathBuf,
    dir: PathBuf,
    ours: Homes,
    helm: Homes,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl Fixture {
    /// `None` (after saying so loudly) when the shared folder or the oracle
    /// is missing; under CI that is a failure.
    fn new(name: &str) -> Option<Fixture> {
        let Some(shared) = shared_dir() else {
            assert!(
                !report_missing_shared(&format!("repo tutorial ({name})"), 1),
                "shared folder missing under CI"
            );
            return None;
        };
        let dir = golden::scratch_dir(&format!("repo-{name}"));
        let f = Fixture {
            ours: Homes::new(dir.join("home-ours")),
            helm: Homes::new(dir.join("home-helm")),
            shared,
            dir,
        };
        let probe = f.helm_cmd(&f.dir, &["version"]);
        if !probe.status.success() {
            eprintln!(
                "\n!!! repo tutorial ({name}): helm-oracle unavailable ({}): 1 case NOT RUN — not counted as passed\n",
                text(&probe.stderr).trim()
            );
            assert!(
                std::env::var_os("CI").is_none(),
                "helm-oracle missing under CI"
            );
            return None;
        }
        Some(f)
    }

    fn seed(&self, chart: &str) -> PathBuf {
        self.shared.join("seed-charts").join(chart)
    }

    fn ours_cmd(&self, cwd: &Path, args: &[&str]) -> Output {
        let mut c = Command::new(bin("kubectl-chart"));
        c.args(args).current_dir(cwd);
        self.ours.apply(&mut c);
        c.output().expect("run kubectl-chart")
    }

    fn helm_cmd(&self, cwd: &Path, args: &[&str]) -> Output {
        let mut c = Command::new(self.shared.join("tools/helm-oracle"));
        c.args(args).current_dir(cwd);
        self.helm.apply(&mut c);
        c.output().expect("run helm-oracle")
    }

    /// Runs both and returns (ours, helm).
    fn both(&self, cwd: &Path, args: &[&str]) -> (Output, Output) {
        (self.ours_cmd(cwd, args), self.helm_cmd(cwd, args))
    }
}

fn ok(o: &Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed: {}\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

/// Helm's error line with our program name put back to `helm`.
fn stderr_as_helm(o: &Output) -> String {
    text(&o.stderr).replace("kubectl chart", "helm")
}

/// Compares stdout, stderr and status of both tools.
fn same_result(ours: &Output, helm: &Output) -> Result<(), String> {
    if ours.status.code() != helm.status.code() {
        return Err(format!(
            "exit {:?} vs helm {:?}\nours stderr: {}\nhelm stderr: {}",
            ours.status.code(),
            helm.status.code(),
            text(&ours.stderr),
            text(&helm.stderr)
        ));
    }
    if ours.stdout != helm.stdout {
        return Err(format!(
            "stdout differs\n--- ours\n{}\n--- helm\n{}",
            text(&ours.stdout),
            text(&helm.stdout)
        ));
    }
    if stderr_as_helm(ours) != text(&helm.stderr) {
        return Err(format!(
            "stderr differs\n--- ours\n{}\n--- helm\n{}",
            text(&ours.stderr),
            text(&helm.stderr)
        ));
    }
    Ok(())
}

/// Archive entries: (name, mode, uid, gid, bytes), in order.
fn archive(path: &Path) -> Vec<(String, u32, u64, u64, Vec<u8>)> {
    let raw = std::fs::read(path).unwrap();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(&raw[..]));
    ar.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let h = e.header().clone();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            (
                e.path().unwrap().to_string_lossy().into_owned(),
                h.mode().unwrap(),
                h.uid().unwrap(),
                h.gid().unwrap(),
                data,
            )
        })
        .collect()
}

/// index.yaml without the lines that change on every run.
fn stable_index(text: &str, keep_digest: bool) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("created:")
                || t.starts_with("generated:")
                || (!keep_digest && t.starts_with("digest:")))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap();
}

#[test]
fn repo_package_and_index_agree_with_helm() {
    let Some(f) = Fixture::new("package") else {
        return;
    };
    let pacman = f.seed("pacman");
    let pacman = pacman.to_str().unwrap();
    std::fs::create_dir_all(f.dir.join("ours")).unwrap();
    std::fs::create_dir_all(f.dir.join("helm")).unwrap();
    let o = f.ours_cmd(&f.dir, &["package", pacman, "-d", "ours"]);
    let h = f.helm_cmd(&f.dir, &["package", pacman, "-d", "helm"]);
    assert_eq!(
        ok(&o, "package").replace("ours/", "helm/"),
        ok(&h, "helm package"),
        "package output"
    );
    // Same entries, order, modes, owners and bytes (Chart.yaml re-serialised).
    let ours_ar = archive(&f.dir.join("ours/pacman-0.1.0.tgz"));
    let helm_ar = archive(&f.dir.join("helm/pacman-0.1.0.tgz"));
    assert_eq!(ours_ar, helm_ar, "archive contents");
    let listing = std::fs::read_to_string(
        f.shared
            .join("seed-charts/goldens/pacman-package-listing.txt"),
    )
    .unwrap();
    let names: Vec<&str> = ours_ar.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, listing.lines().collect::<Vec<_>>());
    // gzip header: flags, mtime, XFL, OS, extra field and comment as Helm's.
    let ours_raw = std::fs::read(f.dir.join("ours/pacman-0.1.0.tgz")).unwrap();
    let helm_raw = std::fs::read(f.dir.join("helm/pacman-0.1.0.tgz")).unwrap();
    assert_eq!(ours_raw[..58], helm_raw[..58], "gzip header");

    // --version / --app-version / errors.
    let (o, h) = f.both(
        &f.dir,
        &[
            "package",
            pacman,
            "-d",
            "v2",
            "--version",
            "0.2.0",
            "--app-version",
            "2.0.0",
        ],
    );
    same_result(&o, &h).unwrap();
    for args in [
        vec!["package", pacman, "--version", "not.a.version"],
        vec!["package", "no-such-chart"],
        vec!["package"],
    ] {
        let (o, h) = f.both(&f.dir, &args);
        same_result(&o, &h).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    }

    // Index the same archives with both tools: identical but timestamps.
    let pg = f.seed("music").join("charts/postgresql-11.6.12.tgz");
    for side in ["idx-ours", "idx-helm"] {
        let d = f.dir.join(side);
        copy(
            &f.dir.join("ours/pacman-0.1.0.tgz"),
            &d.join("pacman-0.1.0.tgz"),
        );
        copy(
            &f.dir.join("v2/pacman-0.2.0.tgz"),
            &d.join("pacman-0.2.0.tgz"),
        );
        copy(&pg, &d.join("db/postgresql-11.6.12.tgz"));
        std::fs::write(d.join("not-a-chart.tgz"), b"garbage").unwrap();
    }
    for extra in [vec![], vec!["--url", "https://charts.example.com/base/"]] {
        let mut a = vec!["repo", "index", "idx-ours"];
        a.extend(extra.iter());
        ok(&f.ours_cmd(&f.dir, &a), "repo index");
        let mut a = vec!["repo", "index", "idx-helm"];
        a.extend(extra.iter());
        ok(&f.helm_cmd(&f.dir, &a), "helm repo index");
        let ours_idx = std::fs::read_to_string(f.dir.join("idx-ours/index.yaml")).unwrap();
        let helm_idx = std::fs::read_to_string(f.dir.join("idx-helm/index.yaml")).unwrap();
        assert_eq!(
            stable_index(&ours_idx, true),
            stable_index(&helm_idx, true),
            "index.yaml {extra:?}"
        );
    }
    // --merge into an index holding another chart.
    let other = "apiVersion: v1\nentries:\n  other:\n  - apiVersion: v2\n    created: \"2020-01-02T03:04:05.5+01:00\"\n    name: other\n    urls:\n    - https://elsewhere/other-1.0.0.tgz\n    version: 1.0.0\n  pacman:\n  - apiVersion: v2\n    name: pacman\n    urls:\n    - https://elsewhere/pacman-0.1.0.tgz\n    version: 0.1.0\n    description: old\ngenerated: \"2020-01-02T03:04:05Z\"\n";
    std::fs::write(f.dir.join("merge.yaml"), other).unwrap();
    ok(
        &f.ours_cmd(
            &f.dir,
            &["repo", "index", "idx-ours", "--merge", "merge.yaml"],
        ),
        "merge",
    );
    ok(
        &f.helm_cmd(
            &f.dir,
            &["repo", "index", "idx-helm", "--merge", "merge.yaml"],
        ),
        "helm merge",
    );
    let ours_idx = std::fs::read_to_string(f.dir.join("idx-ours/index.yaml")).unwrap();
    let helm_idx = std::fs::read_to_string(f.dir.join("idx-helm/index.yaml")).unwrap();
    assert!(ours_idx.contains("created: \"2020-01-02T03:04:05.5+01:00\""));
    assert_eq!(
        stable_index(&ours_idx, true),
        stable_index(&helm_idx, true),
        "merged index"
    );
}

/// A repository built by us (package + repo index) and served locally.
fn our_repo(f: &Fixture) -> (PathBuf, RepoServer) {
    let repo = f.dir.join("served");
    std::fs::create_dir_all(&repo).unwrap();
    let pacman = f.seed("pacman");
    ok(
        &f.ours_cmd(
            &f.dir,
            &["package", pacman.to_str().unwrap(), "-d", "served"],
        ),
        "package",
    );
    copy(
        &f.seed("music").join("charts/postgresql-11.6.12.tgz"),
        &repo.join("postgresql-11.6.12.tgz"),
    );
    ok(
        &f.ours_cmd(&f.dir, &["repo", "index", "served"]),
        "repo index",
    );
    let server = RepoServer::start(&repo, None).unwrap();
    (repo, server)
}

#[test]
fn repo_tutorial_flow_matches_helm() {
    let Some(f) = Fixture::new("tutorial") else {
        return;
    };
    let (_repo, server) = our_repo(&f);
    let url = server.url.clone();
    let mut tally = Tally::default();
    let case = |tally: &mut Tally, id: &str, args: &[&str]| {
        let (o, h) = f.both(&f.dir, args);
        tally.record(id, KNOWN_FAILING, same_result(&o, &h));
    };
    case(&mut tally, "repo-add", &["repo", "add", "local", &url]);
    case(
        &mut tally,
        "repo-add-again",
        &["repo", "add", "local", &url],
    );
    case(
        &mut tally,
        "repo-add-conflict",
        &["repo", "add", "local", &format!("{url}/other")],
    );
    case(&mut tally, "repo-list", &["repo", "list"]);
    case(
        &mut tally,
        "repo-list-json",
        &["repo", "list", "-o", "json"],
    );
    case(&mut tally, "repo-update", &["repo", "update"]);
    case(&mut tally, "search-json", &["search", "repo", "-o", "json"]);
    case(&mut tally, "search-table", &["search", "repo", "pacman"]);
    case(&mut tally, "search-all", &["search", "repo"]);
    case(
        &mut tally,
        "search-yaml-versions",
        &["search", "repo", "-l", "sql", "-o", "yaml"],
    );
    case(
        &mut tally,
        "search-regexp",
        &["search", "repo", "-r", "pac.*"],
    );
    case(
        &mut tally,
        "search-constraint",
        &["search", "repo", "--version", "^11"],
    );
    case(
        &mut tally,
        "search-none",
        &["search", "repo", "nothing-matches"],
    );
    case(
        &mut tally,
        "search-bad-regexp",
        &["search", "repo", "-r", "("],
    );
    case(
        &mut tally,
        "show-values-from-repo",
        &["show", "values", "local/pacman"],
    );
    case(
        &mut tally,
        "template-from-repo",
        &[
            "template",
            "pacman",
            "local/pacman",
            "--namespace",
            "default",
            "--kube-version",
            "1.29.0",
        ],
    );
    // show/template from a repository: --version, --repo URL, errors.
    case(
        &mut tally,
        "show-chart-repo-url",
        &["show", "chart", "pacman", "--repo", &url],
    );
    case(
        &mut tally,
        "show-all-version",
        &["show", "all", "local/postgresql", "--version", "~11.6"],
    );
    case(
        &mut tally,
        "show-readme-missing-chart",
        &["show", "readme", "local/nothing"],
    );
    case(
        &mut tally,
        "template-repo-url-version",
        &[
            "template",
            "pacman",
            "pacman",
            "--repo",
            &url,
            "--version",
            "0.1.0",
            "--kube-version",
            "1.29.0",
        ],
    );
    case(
        &mut tally,
        "template-bad-version",
        &["template", "x", "local/pacman", "--version", "2.0.0"],
    );
    case(
        &mut tally,
        "template-repo-url-missing",
        &["template", "x", "nothing", "--repo", &url],
    );
    case(&mut tally, "pull-missing-chart", &["pull", "local/nothing"]);
    case(
        &mut tally,
        "pull-bad-version",
        &["pull", "local/pacman", "--version", "9.9.9"],
    );
    case(&mut tally, "pull-no-repo-name", &["pull", "pacman"]);
    case(&mut tally, "pull-unknown-repo", &["pull", "nope/pacman"]);
    case(
        &mut tally,
        "repo-remove-unknown",
        &["repo", "remove", "nope"],
    );
    case(
        &mut tally,
        "repo-update-unknown",
        &["repo", "update", "nope"],
    );
    // pull --untar and into a folder, then --repo URL.
    for (id, args) in [
        ("pull-untar", vec!["pull", "local/pacman", "--untar", "-d"]),
        (
            "pull-file",
            vec!["pull", "local/postgresql", "--version", "~11.6", "-d"],
        ),
        (
            "pull-repo-url",
            vec!["pull", "pacman", "--repo", url.as_str(), "-d"],
        ),
    ] {
        let od = f.dir.join(format!("{id}-ours"));
        let hd = f.dir.join(format!("{id}-helm"));
        std::fs::create_dir_all(&od).unwrap();
        std::fs::create_dir_all(&hd).unwrap();
        let mut oa = args.clone();
        oa.push(od.to_str().unwrap());
        let mut ha = args.clone();
        ha.push(hd.to_str().unwrap());
        let o = f.ours_cmd(&f.dir, &oa);
        let h = f.helm_cmd(&f.dir, &ha);
        let r = same_result(&o, &h).and_then(|()| {
            let ol = listing(&od);
            let hl = listing(&hd);
            if ol == hl {
                Ok(())
            } else {
                Err(format!("files {ol:?} vs helm {hl:?}"))
            }
        });
        tally.record(id, KNOWN_FAILING, r);
    }
    case(&mut tally, "repo-remove", &["repo", "remove", "local"]);
    case(&mut tally, "search-after-remove", &["search", "repo"]);
    let problems = tally.report("repo tutorial");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Helm's repositories.yaml and cache layout are shared.
    assert!(f.ours.root.join("config/repositories.yaml").is_file());
    assert!(
        !f.ours
            .root
            .join("cache/repository/local-index.yaml")
            .exists()
    );
}

/// Relative paths and contents of every file below `dir`.
fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(base: &Path, d: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                // Archives carry their packaging time; compare their content.
                let data = if rel.ends_with(".tgz") {
                    format!("{:?}", archive(&p)).into_bytes()
                } else {
                    std::fs::read(&p).unwrap()
                };
                out.push((rel, data));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// music with its postgresql dependency pointing at `repository`.
fn music_copy(f: &Fixture, name: &str, repository: &str) -> PathBuf {
    let dir = f.dir.join(name);
    golden::copy_dir(&f.seed("music"), &dir).unwrap();
    std::fs::remove_dir_all(dir.join("charts")).unwrap();
    let chart_yaml = std::fs::read_to_string(dir.join("Chart.yaml")).unwrap();
    let chart_yaml = chart_yaml.replace("https://charts.bitnami.com/bitnami", repository);
    std::fs::write(dir.join("Chart.yaml"), chart_yaml).unwrap();
    dir
}

fn lock_without_time(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("Chart.lock"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with("generated:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn repo_music_dependency_update_matches_helm() {
    let Some(f) = Fixture::new("music") else {
        return;
    };
    let (repo, server) = our_repo(&f);
    let url = server.url.clone();
    ok(
        &f.ours_cmd(&f.dir, &["repo", "add", "local", &url]),
        "repo add",
    );
    ok(
        &f.helm_cmd(&f.dir, &["repo", "add", "local", &url]),
        "helm repo add",
    );
    let mut tally = Tally::default();
    for (variant, repository) in [
        ("url", url.clone()),
        ("alias", "@local".to_string()),
        ("unlisted", format!("{url}/")),
    ] {
        let ours_dir = music_copy(&f, &format!("music-{variant}-ours"), &repository);
        let helm_dir = music_copy(&f, &format!("music-{variant}-helm"), &repository);
        if variant == "unlisted" {
            // A repository that is not in repositories.yaml: fetched ad hoc.
            ok(&f.ours_cmd(&f.dir, &["repo", "remove", "local"]), "remove");
            ok(
                &f.helm_cmd(&f.dir, &["repo", "remove", "local"]),
                "helm remove",
            );
        }
        let o = f.ours_cmd(
            &f.dir,
            &["dependency", "update", ours_dir.to_str().unwrap()],
        );
        let h = f.helm_cmd(
            &f.dir,
            &["dependency", "update", helm_dir.to_str().unwrap()],
        );
        let r = same_result(&o, &h).and_then(|()| {
            let (ol, hl) = (lock_without_time(&ours_dir), lock_without_time(&helm_dir));
            if ol != hl || !ol.contains("digest: sha256:") {
                return Err(format!("Chart.lock\n--- ours\n{ol}\n--- helm\n{hl}"));
            }
            let got = std::fs::read(ours_dir.join("charts/postgresql-11.6.12.tgz"))
                .map_err(|e| format!("charts/postgresql-11.6.12.tgz: {e}"))?;
            let served = std::fs::read(repo.join("postgresql-11.6.12.tgz")).unwrap();
            if got != served {
                return Err("downloaded archive differs from the served one".into());
            }
            if ours_dir.join("tmpcharts").exists() {
                return Err("tmpcharts left behind".into());
            }
            Ok(())
        });
        tally.record(&format!("dependency-update-{variant}"), KNOWN_FAILING, r);
        if variant == "unlisted" {
            continue;
        }
        // build from the lock, list, then render.
        for (id, args) in [
            ("dependency-build", vec!["dependency", "build"]),
            ("dependency-list", vec!["dependency", "list"]),
        ] {
            let mut oa = args.clone();
            oa.push(ours_dir.to_str().unwrap());
            let mut ha = args.clone();
            ha.push(helm_dir.to_str().unwrap());
            let o = f.ours_cmd(&f.dir, &oa);
            let h = f.helm_cmd(&f.dir, &ha);
            let o_out = text(&o.stdout).replace(ours_dir.to_str().unwrap(), "DIR");
            let h_out = text(&h.stdout).replace(helm_dir.to_str().unwrap(), "DIR");
            let r = if o.status.code() == h.status.code() && o_out == h_out {
                Ok(())
            } else {
                Err(format!(
                    "--- ours\n{o_out}{}\n--- helm\n{h_out}{}",
                    text(&o.stderr),
                    text(&h.stderr)
                ))
            };
            tally.record(&format!("{id}-{variant}"), KNOWN_FAILING, r);
        }
        if variant == "url" {
            let args = |d: &Path| {
                vec![
                    "template".to_string(),
                    "music-db".into(),
                    d.to_str().unwrap().into(),
                    "--namespace".into(),
                    "default".into(),
                    "--kube-version".into(),
                    "1.29.0".into(),
                    "--set".into(),
                    "postgresql.auth.postgresPassword=golden-admin-pw".into(),
                ]
            };
            let oa = args(&ours_dir);
            let o = f.ours_cmd(&f.dir, &oa.iter().map(String::as_str).collect::<Vec<_>>());
            let golden = std::fs::read(
                f.shared
                    .join("seed-charts/goldens/music-db-fixed-admin-password.yaml"),
            )
            .unwrap();
            let r = if o.status.success() && o.stdout == golden {
                Ok(())
            } else {
                Err(format!(
                    "template differs from the golden: {}",
                    text(&o.stderr)
                ))
            };
            tally.record("template-music-after-dependency-update", KNOWN_FAILING, r);
        }
    }
    // The lock is out of sync after editing Chart.yaml: same error as Helm.
    let ours_dir = f.dir.join("music-url-ours");
    let helm_dir = f.dir.join("music-url-helm");
    for d in [&ours_dir, &helm_dir] {
        let y = std::fs::read_to_string(d.join("Chart.yaml")).unwrap();
        std::fs::write(
            d.join("Chart.yaml"),
            y.replace("version: 11.6.12", "version: ~11.6.0"),
        )
        .unwrap();
    }
    let o = f.ours_cmd(&f.dir, &["dependency", "build", ours_dir.to_str().unwrap()]);
    let h = f.helm_cmd(&f.dir, &["dependency", "build", helm_dir.to_str().unwrap()]);
    tally.record(
        "dependency-build-out-of-sync",
        KNOWN_FAILING,
        same_result(&o, &h),
    );
    // package --dependency-update fetches into charts/ first (quietly, as
    // Helm): same output and the same archive entries as Helm's (the
    // dependency stored expanded, as Helm re-serialises loaded subcharts).
    let ours_dir = music_copy(&f, "music-pkg-ours", &url);
    let helm_dir = music_copy(&f, "music-pkg-helm", &url);
    let o = f.ours_cmd(
        &f.dir,
        &[
            "package",
            ours_dir.to_str().unwrap(),
            "-u",
            "-d",
            "pkg-ours",
        ],
    );
    let h = f.helm_cmd(
        &f.dir,
        &[
            "package",
            helm_dir.to_str().unwrap(),
            "-u",
            "-d",
            "pkg-helm",
        ],
    );
    let r = if o.status.success()
        && h.status.success()
        && text(&o.stdout).replace("pkg-ours", "pkg-helm") == text(&h.stdout)
    {
        let entries = |p: &Path| {
            archive(p)
                .into_iter()
                .map(|(name, mode, _, _, data)| {
                    // Chart.lock carries its generation time.
                    let data = if name.ends_with("Chart.lock") {
                        Vec::new()
                    } else {
                        data
                    };
                    (name, mode, data)
                })
                .collect::<Vec<_>>()
        };
        let oe = entries(&f.dir.join("pkg-ours/music-0.1.0.tgz"));
        let he = entries(&f.dir.join("pkg-helm/music-0.1.0.tgz"));
        if oe == he
            && oe
                .iter()
                .any(|e| e.0 == "music/charts/postgresql/Chart.yaml")
        {
            Ok(())
        } else {
            Err(format!(
                "archive entries differ: {:?} vs {:?}",
                oe.iter().map(|e| &e.0).collect::<Vec<_>>(),
                he.iter().map(|e| &e.0).collect::<Vec<_>>()
            ))
        }
    } else {
        Err(format!(
            "--- ours\n{}{}\n--- helm\n{}{}",
            text(&o.stdout),
            text(&o.stderr),
            text(&h.stdout),
            text(&h.stderr)
        ))
    };
    tally.record("package-dependency-update", KNOWN_FAILING, r);
    let problems = tally.report("music dependencies");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn repo_tampered_archive_is_refused() {
    let Some(f) = Fixture::new("tampered") else {
        return;
    };
    let (repo, server) = our_repo(&f);
    // Replace the served postgresql archive by another valid archive of the
    // same chart (re-packaged, so its bytes and digest differ).
    let unpacked = f.dir.join("unpacked");
    ok(
        &f.ours_cmd(&f.dir, &["repo", "add", "local", &server.url]),
        "repo add",
    );
    ok(
        &f.ours_cmd(
            &f.dir,
            &[
                "pull",
                "local/postgresql",
                "--untar",
                "-d",
                unpacked.to_str().unwrap(),
            ],
        ),
        "pull before tampering",
    );
    let repacked = f.dir.join("repacked");
    ok(
        &f.ours_cmd(
            &f.dir,
            &[
                "package",
                unpacked.join("postgresql").to_str().unwrap(),
                "-d",
                repacked.to_str().unwrap(),
            ],
        ),
        "repackage",
    );
    std::fs::copy(
        repacked.join("postgresql-11.6.12.tgz"),
        repo.join("postgresql-11.6.12.tgz"),
    )
    .unwrap();

    let music = music_copy(&f, "music-tampered", &server.url);
    let o = f.ours_cmd(&f.dir, &["dependency", "update", music.to_str().unwrap()]);
    assert!(
        !o.status.success(),
        "tampered archive accepted: {}",
        text(&o.stdout)
    );
    let err = text(&o.stderr);
    assert!(err.contains("digest mismatch"), "unclear error: {err}");
    assert!(
        err.contains("postgresql-11.6.12.tgz"),
        "error should name the archive: {err}"
    );
    let left: Vec<_> = std::fs::read_dir(music.join("charts")).unwrap().collect();
    assert!(
        left.is_empty(),
        "something was written to charts/: {left:?}"
    );
    assert!(!music.join("tmpcharts").exists());
    assert!(!music.join("Chart.lock").exists());

    let dest = f.dir.join("pulled");
    std::fs::create_dir_all(&dest).unwrap();
    let o = f.ours_cmd(
        &f.dir,
        &["pull", "local/postgresql", "-d", dest.to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("digest mismatch"));
    assert_eq!(
        std::fs::read_dir(&dest).unwrap().count(),
        0,
        "pull wrote a file"
    );
}

#[test]
fn repo_helm_and_we_read_each_others_repositories() {
    let Some(f) = Fixture::new("interop") else {
        return;
    };
    // Helm reads ours: add, then render the chart we packaged.
    let (_repo, server) = our_repo(&f);
    ok(
        &f.helm_cmd(&f.dir, &["repo", "add", "ours", &server.url]),
        "helm repo add",
    );
    let h = f.helm_cmd(
        &f.dir,
        &[
            "template",
            "pacman",
            "ours/pacman",
            "--namespace",
            "default",
            "--kube-version",
            "1.29.0",
        ],
    );
    let golden = std::fs::read(f.shared.join("seed-charts/goldens/pacman.yaml")).unwrap();
    assert_eq!(
        text(&h.stdout),
        text(&golden),
        "helm template of our package: {}",
        text(&h.stderr)
    );

    // We read Helm's: package + index by Helm, pull by us.
    let helm_repo = f.dir.join("helm-served");
    std::fs::create_dir_all(&helm_repo).unwrap();
    let pacman = f.seed("pacman");
    ok(
        &f.helm_cmd(
            &f.dir,
            &["package", pacman.to_str().unwrap(), "-d", "helm-served"],
        ),
        "helm package",
    );
    ok(
        &f.helm_cmd(&f.dir, &["repo", "index", "helm-served"]),
        "helm repo index",
    );
    let helm_server = RepoServer::start(&helm_repo, None).unwrap();
    ok(
        &f.ours_cmd(&f.dir, &["repo", "add", "theirs", &helm_server.url]),
        "repo add",
    );
    let dest = f.dir.join("pulled");
    std::fs::create_dir_all(&dest).unwrap();
    ok(
        &f.ours_cmd(
            &f.dir,
            &["pull", "theirs/pacman", "-d", dest.to_str().unwrap()],
        ),
        "pull",
    );
    assert_eq!(
        std::fs::read(dest.join("pacman-0.1.0.tgz")).unwrap(),
        std::fs::read(helm_repo.join("pacman-0.1.0.tgz")).unwrap()
    );
    ok(
        &f.ours_cmd(
            &f.dir,
            &[
                "pull",
                "theirs/pacman",
                "--untar",
                "-d",
                dest.to_str().unwrap(),
            ],
        ),
        "pull --untar",
    );
    assert_eq!(
        std::fs::read(dest.join("pacman/values.yaml")).unwrap(),
        std::fs::read(pacman.join("values.yaml")).unwrap()
    );
    let o = f.ours_cmd(&f.dir, &["search", "repo", "theirs/", "-o", "json"]);
    assert_eq!(
        ok(&o, "search"),
        "[{\"name\":\"theirs/pacman\",\"version\":\"0.1.0\",\"app_version\":\"1.0.0\",\"description\":\"A Helm chart for Pacman\"}]\n"
    );
}

#[test]
fn repo_basic_auth_and_errors_match_helm() {
    let Some(f) = Fixture::new("auth") else {
        return;
    };
    let repo = f.dir.join("private");
    std::fs::create_dir_all(&repo).unwrap();
    let pacman = f.seed("pacman");
    ok(
        &f.ours_cmd(
            &f.dir,
            &["package", pacman.to_str().unwrap(), "-d", "private"],
        ),
        "package",
    );
    ok(&f.ours_cmd(&f.dir, &["repo", "index", "private"]), "index");
    let server = RepoServer::start(&repo, Some(("user", "s3cret"))).unwrap();
    let url = server.url.clone();
    // Without credentials: the same 401 error as Helm.
    let (o, h) = f.both(&f.dir, &["repo", "add", "private", &url]);
    same_result(&o, &h).unwrap();
    // With them: added; the archive download carries the credentials too.
    let (o, h) = f.both(
        &f.dir,
        &[
            "repo",
            "add",
            "private",
            &url,
            "--username",
            "user",
            "--password",
            "s3cret",
        ],
    );
    same_result(&o, &h).unwrap();
    let dest = f.dir.join("dl");
    std::fs::create_dir_all(&dest).unwrap();
    ok(
        &f.ours_cmd(
            &f.dir,
            &["pull", "private/pacman", "-d", dest.to_str().unwrap()],
        ),
        "pull with stored credentials",
    );
    assert!(dest.join("pacman-0.1.0.tgz").is_file());
    let auth_seen = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with(".tgz"))
        .all(|r| r.authorization.as_deref() == Some("Basic dXNlcjpzM2NyZXQ="));
    assert!(
        auth_seen,
        "archive fetched without credentials: {:?}",
        server.requests()
    );

    // A closed port: Helm's wording.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (o, h) = f.both(
        &f.dir,
        &["repo", "add", "gone", &format!("http://127.0.0.1:{closed}")],
    );
    same_result(&o, &h).unwrap();
    // OCI references are recognised and refused clearly.
    let o = f.ours_cmd(
        &f.dir,
        &["pull", "oci://registry.example.com/charts/pacman"],
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("OCI registries are not supported yet"),
        "{}",
        text(&o.stderr)
    );
}

/// Tutorial §6–§8's last step: install from the served repository into the
/// test API server, by `repo/chart --version`, by `--repo URL`, then upgrade
/// from the repository; Helm (reading the same cluster) must see the same
/// release it gets by installing the same chart itself. A tampered archive
/// is refused before anything is stored.
#[test]
fn repo_install_from_the_repo_into_the_test_api_server() {
    let Some(f) = Fixture::new("install") else {
        return;
    };
    let (repo, server) = our_repo(&f);
    let url = server.url.clone();
    let c = chart_e2e::cluster::TestCluster::start();
    let run = |ours: bool, args: &[&str]| -> Output {
        let mut cmd = if ours {
            c.command(bin("kubectl-chart"))
        } else {
            c.command(f.shared.join("tools/helm-oracle"))
        };
        cmd.args(args).current_dir(&f.dir);
        if ours {
            f.ours.apply(&mut cmd);
        } else {
            f.helm.apply(&mut cmd);
        }
        cmd.output().expect("run")
    };
    ok(&run(true, &["repo", "add", "local", &url]), "repo add");
    ok(
        &run(false, &["repo", "add", "local", &url]),
        "helm repo add",
    );

    // Same chart, same release name, two namespaces: ours and Helm's.
    let o = run(
        true,
        &[
            "install",
            "pacman",
            "local/pacman",
            "--version",
            "0.1.0",
            "-n",
            "ours",
            "--create-namespace",
        ],
    );
    let out = ok(&o, "install from repo");
    assert!(out.starts_with("NAME: pacman\nLAST DEPLOYED: "), "{out}");
    assert!(out.contains("\nNAMESPACE: ours\nSTATUS: deployed\nREVISION: 1\n"));
    ok(
        &run(
            false,
            &[
                "install",
                "pacman",
                "local/pacman",
                "--version",
                "0.1.0",
                "-n",
                "theirs",
                "--create-namespace",
            ],
        ),
        "helm install from repo",
    );
    let deploy = c
        .get("/apis/apps/v1/namespaces/ours/deployments/pacman")
        .json();
    assert_eq!(
        deploy["spec"]["template"]["spec"]["containers"][0]["image"],
        "quay.io/gitops-cookbook/pacman-kikd:1.0.0"
    );
    for args in [
        vec!["get", "manifest", "pacman", "-n", "NS"],
        vec!["get", "values", "pacman", "-a", "-n", "NS"],
        vec!["get", "notes", "pacman", "-n", "NS"],
    ] {
        let with = |ns: &str| -> Vec<String> {
            args.iter()
                .map(|a| {
                    if *a == "NS" {
                        ns.to_string()
                    } else {
                        a.to_string()
                    }
                })
                .collect()
        };
        let ours_args = with("ours");
        let theirs_args = with("theirs");
        let ours_ref: Vec<&str> = ours_args.iter().map(String::as_str).collect();
        let theirs_ref: Vec<&str> = theirs_args.iter().map(String::as_str).collect();
        // Helm reads our release and its own; both must be the same.
        let h_ours = ok(&run(false, &ours_ref), "helm reads ours");
        let h_theirs = ok(&run(false, &theirs_ref), "helm reads theirs");
        assert_eq!(h_ours, h_theirs, "{args:?}");
        assert_eq!(ok(&run(true, &ours_ref), "we read ours"), h_theirs);
    }
    let hist = ok(
        &run(false, &["history", "pacman", "-n", "ours", "-o", "json"]),
        "helm history",
    );
    assert!(hist.contains("\"chart\":\"pacman-0.1.0\""), "{hist}");

    // --repo URL (no repositories.yaml entry needed), and an upgrade from
    // the repository with a value change.
    let out = ok(
        &run(
            true,
            &[
                "install",
                "viaurl",
                "pacman",
                "--repo",
                &url,
                "--version",
                "0.1.0",
                "-n",
                "viaurl",
                "--create-namespace",
            ],
        ),
        "install --repo",
    );
    assert!(out.contains("STATUS: deployed"), "{out}");
    assert_eq!(
        c.get("/apis/apps/v1/namespaces/viaurl/deployments/pacman")
            .status,
        200
    );
    let out = ok(
        &run(
            true,
            &[
                "upgrade",
                "pacman",
                "local/pacman",
                "-n",
                "ours",
                "--set",
                "replicaCount=2",
            ],
        ),
        "upgrade from repo",
    );
    assert!(out.contains("REVISION: 2"), "{out}");
    let deploy = c
        .get("/apis/apps/v1/namespaces/ours/deployments/pacman")
        .json();
    assert_eq!(deploy["spec"]["replicas"], 2);

    // Errors read as Helm's (program name aside).
    for args in [
        vec!["install", "x", "local/pacman", "--version", "9.9.9"],
        vec!["install", "x", "nope/pacman"],
        vec!["install", "x", "pacman"],
        vec!["upgrade", "pacman", "local/nothing", "-n", "ours"],
    ] {
        let (o, h) = (run(true, &args), run(false, &args));
        same_result(&o, &h).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    }

    // A tampered archive: refused, nothing stored, nothing created.
    let unpacked = f.dir.join("unpacked-pacman");
    ok(
        &run(
            true,
            &[
                "pull",
                "local/pacman",
                "--untar",
                "-d",
                unpacked.to_str().unwrap(),
            ],
        ),
        "pull",
    );
    let values = unpacked.join("pacman/values.yaml");
    let v = std::fs::read_to_string(&values).unwrap();
    std::fs::write(&values, v.replace("replicaCount: 1", "replicaCount: 5")).unwrap();
    ok(
        &run(
            true,
            &[
                "package",
                unpacked.join("pacman").to_str().unwrap(),
                "-d",
                repo.to_str().unwrap(),
            ],
        ),
        "repackage over the served archive",
    );
    // The cache from the first install must not hide the tampering.
    let cached = f.ours.root.join("cache/repository/pacman-0.1.0.tgz");
    let _ = std::fs::remove_file(cached);
    let o = run(
        true,
        &[
            "install",
            "tampered",
            "local/pacman",
            "-n",
            "tampered",
            "--create-namespace",
        ],
    );
    assert!(!o.status.success(), "tampered archive installed");
    let err = text(&o.stderr);
    assert!(
        err.contains("digest mismatch") && err.contains("pacman-0.1.0.tgz"),
        "{err}"
    );
    let secrets = c.get("/api/v1/namespaces/tampered/secrets?labelSelector=name%3Dtampered");
    assert_eq!(
        secrets.json()["items"].as_array().map(Vec::len),
        Some(0),
        "a release record was written"
    );
    assert_eq!(
        c.get("/apis/apps/v1/namespaces/tampered/deployments/pacman")
            .status,
        404
    );
}

/// `--repo URL --username/--password`: the index is fetched with the
/// credentials; an archive on another host:port gets them only with
/// `--pass-credentials`, as Helm does (both tools checked against the same
/// servers).
#[test]
fn repo_credentials_with_repo_url_follow_helm() {
    let Some(f) = Fixture::new("repo-url-auth") else {
        return;
    };
    // B serves the archive without auth; A serves the index (behind basic
    // auth) whose URLs point at B.
    let dir_a = f.dir.join("a");
    let dir_b = f.dir.join("b");
    std::fs::create_dir_all(&dir_a).unwrap();
    std::fs::create_dir_all(&dir_b).unwrap();
    let b = RepoServer::start(&dir_b, None).unwrap();
    let pacman = f.seed("pacman");
    ok(
        &f.ours_cmd(&f.dir, &["package", pacman.to_str().unwrap(), "-d", "a"]),
        "package",
    );
    ok(
        &f.ours_cmd(&f.dir, &["repo", "index", "a", "--url", &b.url]),
        "index",
    );
    std::fs::rename(
        dir_a.join("pacman-0.1.0.tgz"),
        dir_b.join("pacman-0.1.0.tgz"),
    )
    .unwrap();
    let a = RepoServer::start(&dir_a, Some(("user", "s3cret"))).unwrap();
    let golden = std::fs::read(f.shared.join("seed-charts/goldens/pacman.yaml")).unwrap();
    let base = [
        "template",
        "pacman",
        "pacman",
        "--repo",
        a.url.as_str(),
        "--namespace",
        "default",
        "--kube-version",
        "1.29.0",
    ];
    let creds = ["--username", "user", "--password", "s3cret"];
    let archive_auth = |b: &RepoServer, from: usize| -> Vec<Option<String>> {
        b.requests()[from..]
            .iter()
            .filter(|r| r.path.ends_with(".tgz"))
            .map(|r| r.authorization.clone())
            .collect()
    };
    // Without credentials: Helm's error for the index, for both tools.
    let (o, h) = f.both(&f.dir, &base);
    same_result(&o, &h).unwrap();
    assert!(!o.status.success());
    for (ours, pass, want_auth) in [
        (true, false, None),
        (false, false, None),
        (true, true, Some("Basic dXNlcjpzM2NyZXQ=".to_string())),
        (false, true, Some("Basic dXNlcjpzM2NyZXQ=".to_string())),
    ] {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(creds);
        if pass {
            args.push("--pass-credentials");
        }
        let from = b.requests().len();
        let out = if ours {
            f.ours_cmd(&f.dir, &args)
        } else {
            f.helm_cmd(&f.dir, &args)
        };
        let who = if ours { "ours" } else { "helm" };
        assert!(
            out.status.success(),
            "{who} pass={pass}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout), text(&golden), "{who} pass={pass}");
        assert_eq!(
            archive_auth(&b, from),
            vec![want_auth.clone()],
            "{who} pass={pass}: credentials sent to the archive host"
        );
    }
}
