//! Version-range checks on charts: the `kubeVersion` constraint of
//! Chart.yaml against the target Kubernetes version, and Helm's
//! `IsCompatibleRange` used when matching subcharts to dependencies.

use super::metadata::Metadata;
use crate::semver::{Constraints, Version};

/// Helm's `chartutil.IsCompatibleRange`: false when either side fails to
/// parse, else whether the version satisfies the constraint.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Ok(v) = Version::parse(version) else {
        return false;
    };
    let Ok(c) = Constraints::parse(constraint) else {
        return false;
    };
    c.matches(&v)
}

/// The install/template check: `kube_version` is printed as given (Helm
/// prints `Capabilities.KubeVersion.String()`, e.g. `v1.29.0`).
pub fn check_kube_version(md: &Metadata, kube_version: &str) -> Result<(), String> {
    if md.kube_version.is_empty() || is_compatible_range(&md.kube_version, kube_version) {
        return Ok(());
    }
    Err(format!(
        "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
        md.kube_version, kube_version
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn kube_version_wording() {
        let md = Metadata {
            kube_version: ">= 1.22.0-0".into(),
            ..Metadata::default()
        };
        assert_eq!(
            check_kube_version(&md, "v1.20.0"),
            Err("chart requires kubeVersion: >= 1.22.0-0 which is incompatible with Kubernetes v1.20.0".into())
        );
        assert!(check_kube_version(&md, "v1.29.0").is_ok());
        let md = Metadata {
            kube_version: ">=1.20.0".into(),
            ..Metadata::default()
        };
        // Prerelease versions only match constraints with a prerelease.
        assert!(check_kube_version(&md, "v1.29.0-eks-1").is_err());
        // Masterminds rejects an empty constraint, so a dependency without
        // a version never matches a vendored chart.
        assert!(!is_compatible_range("", "1.0.0"));
        assert!(is_compatible_range("2.x.x", "2.31.4"));
    }
}
