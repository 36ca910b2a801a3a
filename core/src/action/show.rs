//! `helm show chart|values|readme|crds|all`: a chart's definition, raw
//! values, README and CRDs, laid out as Helm 3.10 prints them.
//!
//! `chart` is Chart.yaml re-serialised (sorted keys, as Helm marshals its
//! metadata), `values` the raw `values.yaml`, `readme` the first top-level
//! `README.md`/`README.txt`/`README` (any case), `crds` the raw files of
//! every `crds/` folder. `all` joins the sections with `---` lines.

use std::path::Path;

use crate::chart::{self, Chart};

/// Which section(s) to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowFormat {
    All,
    Chart,
    Values,
    Readme,
    Crds,
}

/// Helm's `findReadme`.
fn find_readme(chart: &Chart) -> Option<&chart::File> {
    ["readme.md", "readme.txt", "readme"]
        .iter()
        .find_map(|n| chart.files.iter().find(|f| f.name.eq_ignore_ascii_case(n)))
}

/// The text `helm show <format>` prints for a loaded chart.
pub fn show_chart(chart: &Chart, format: ShowFormat) -> Result<String, String> {
    let mut out = String::new();
    let all = format == ShowFormat::All;
    if matches!(format, ShowFormat::Chart | ShowFormat::All) {
        let yaml = crate::yaml::emit::marshal(&chart.metadata.to_json_value())
            .map_err(|e| e.to_string())?;
        out.push_str(&yaml);
        out.push('\n');
    }
    if matches!(format, ShowFormat::Values | ShowFormat::All)
        && let Some(raw) = chart.values_raw()
    {
        if all {
            out.push_str("---\n");
        }
        out.push_str(&raw.text());
        out.push('\n');
    }
    if matches!(format, ShowFormat::Readme | ShowFormat::All)
        && let Some(readme) = find_readme(chart)
    {
        if all {
            out.push_str("---\n");
        }
        out.push_str(&readme.text());
        out.push('\n');
    }
    if matches!(format, ShowFormat::Crds | ShowFormat::All) {
        let crds = chart.crds();
        if let Some(first) = crds.first()
            && all
            && !first.file.data.starts_with(b"---")
        {
            out.push_str("---\n");
        }
        for crd in crds {
            out.push_str(&crd.file.text());
            out.push('\n');
        }
    }
    Ok(out)
}

/// Loads the chart at `path` and shows it.
pub fn show(path: &Path, format: ShowFormat) -> Result<String, String> {
    let chart = chart::load(path).map_err(|e| e.to_string())?;
    show_chart(&chart, format)
}
