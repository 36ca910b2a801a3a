//! `helm pull`: downloads a chart archive (digest-checked) and optionally
//! unpacks it.

use std::path::{Path, PathBuf};

use crate::repo::download::ChartDownloader;
use crate::repo::{ChartPathOptions, Getter, RepoError, RepoSettings, is_oci, oci_unsupported};

/// `helm pull` flags.
#[derive(Clone, Debug)]
pub struct PullOptions {
    pub chart: ChartPathOptions,
    /// `-d`.
    pub destination: String,
    pub untar: bool,
    /// `--untardir`.
    pub untar_dir: String,
    /// `--prov`: fetch the provenance file (not supported yet).
    pub prov: bool,
}

impl Default for PullOptions {
    fn default() -> PullOptions {
        PullOptions {
            chart: ChartPathOptions::default(),
            destination: ".".into(),
            untar: false,
            untar_dir: ".".into(),
            prov: false,
        }
    }
}

/// Pulls `chart_ref`; returns what Helm prints (nothing without `--verify`).
pub fn run(
    chart_ref: &str,
    opts: &PullOptions,
    settings: &RepoSettings,
) -> Result<String, RepoError> {
    if is_oci(chart_ref) {
        return Err(oci_unsupported(chart_ref));
    }
    if opts.chart.verify || opts.prov {
        return Err(RepoError::msg(
            "--verify and --prov are not supported yet by kubectl-chart (provenance files)",
        ));
    }
    let version = opts.chart.effective_version();
    let getter = Getter::new();
    let dl = ChartDownloader {
        settings,
        getter: &getter,
        options: opts.chart.get_options(),
        progress: true,
    };
    let resolved = if opts.chart.repo_url.is_empty() {
        dl.resolve(chart_ref, &version)?
    } else {
        dl.find_in_repo_url(&opts.chart.repo_url, chart_ref, &version)?
    };
    if !opts.untar {
        dl.download_resolved(&resolved, Path::new(&opts.destination))?;
        return Ok(String::new());
    }
    let data = dl.fetch(&resolved)?;
    let mut ud = PathBuf::from(&opts.untar_dir);
    if !ud.is_absolute() {
        ud = crate::package::go_clean_join(Path::new(&opts.destination), &opts.untar_dir);
    }
    let base = chart_ref.rsplit('/').next().unwrap_or(chart_ref);
    let check = if ud.as_os_str() == "." {
        PathBuf::from(base)
    } else {
        ud.join(base)
    };
    if check.exists() {
        return Err(RepoError::msg(format!(
            "failed to untar: a file or directory with the name {} already exists",
            check.display()
        )));
    }
    std::fs::create_dir_all(&check).map_err(|e| {
        RepoError::io(format!("mkdir {}", check.display()), e).wrap("failed to untar (mkdir)")
    })?;
    expand(&ud, &data)?;
    Ok(String::new())
}

/// `chartutil.Expand`: writes the archive's files under `dir/<chart name>/`.
pub fn expand(dir: &Path, archive: &[u8]) -> Result<(), RepoError> {
    let files =
        crate::chart::loader::archive_files(archive).map_err(|e| RepoError::msg(e.to_string()))?;
    let mut name = String::new();
    for f in &files {
        if f.name == "Chart.yaml" {
            let doc = crate::repo::decode::parse(&f.data)
                .map_err(|e| RepoError::msg(format!("cannot load Chart.yaml: {}", e.0)))?;
            let mut md = crate::chart::Metadata::default();
            md.decode_into(&doc)
                .map_err(|e| RepoError::msg(format!("cannot load Chart.yaml: {}", e.0)))?;
            name = md.name;
        }
    }
    if name.is_empty() {
        return Err(RepoError::msg("chart name not specified"));
    }
    let chart_dir = secure_join(dir, &name)?;
    for f in &files {
        let out = secure_join(&chart_dir, &f.name)?;
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| RepoError::io(format!("mkdir {}", parent.display()), e))?;
        }
        std::fs::write(&out, &f.data)
            .map_err(|e| RepoError::io(format!("open {}", out.display()), e))?;
    }
    Ok(())
}

/// Joins a relative archive name below `root`, refusing to leave it.
fn secure_join(root: &Path, name: &str) -> Result<PathBuf, RepoError> {
    let cleaned = crate::gopath::clean(&format!("/{name}"));
    let rel = cleaned.trim_start_matches('/');
    if rel.is_empty() {
        return Ok(root.to_path_buf());
    }
    Ok(root.join(rel))
}
