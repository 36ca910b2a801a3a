//! `.Capabilities` as `helm template` (Helm 3.10.1) exposes it: the
//! Kubernetes version (default `v1.25.0`, or `--kube-version`), the API
//! versions (Helm's built-in list plus `--api-versions`) and Helm's own
//! build info. Values come from `../shared/docs/helm-template-capabilities.txt`.

use std::sync::Arc;

use crate::template::{FuncError, Map, Object, Value};

/// Helm 3.10.1's default `APIVersions` for client-only rendering, in order.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1alpha1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `chartutil.KubeVersion`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeVersion {
    /// `v1.29.0`
    pub version: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Helm 3.10's default for `helm template`.
    pub fn default_client() -> KubeVersion {
        KubeVersion {
            version: "v1.25.0".into(),
            major: "1".into(),
            minor: "25".into(),
        }
    }
}

/// Helm's `chartutil.ParseKubeVersion` (Masterminds `semver.NewVersion`,
/// lenient: `1.29`, `v1.29.0`, `1.29.0-eks.1`). The error text is what Helm
/// prints after `invalid kube version '<v>': `.
pub fn parse_kube_version(s: &str) -> Result<KubeVersion, String> {
    let invalid = || "Invalid Semantic Version".to_string();
    let body = s.strip_prefix('v').unwrap_or(s);
    let (core, meta) = match body.split_once('+') {
        Some((c, m)) => (c, Some(m)),
        None => (body, None),
    };
    let (core, pre) = match core.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (core, None),
    };
    let ident_ok = |p: &str| {
        !p.is_empty()
            && p.split('.').all(|part| {
                !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    };
    if pre.is_some_and(|p| !ident_ok(p)) || meta.is_some_and(|m| !ident_ok(m)) {
        return Err(invalid());
    }
    let nums: Vec<&str> = core.split('.').collect();
    if nums.is_empty() || nums.len() > 3 {
        return Err(invalid());
    }
    let mut parsed = [0u64; 3];
    for (i, n) in nums.iter().enumerate() {
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        parsed[i] = n.parse().map_err(|_| invalid())?;
    }
    let mut version = format!("v{}.{}.{}", parsed[0], parsed[1], parsed[2]);
    if let Some(p) = pre {
        version.push('-');
        version.push_str(p);
    }
    if let Some(m) = meta {
        version.push('+');
        version.push_str(m);
    }
    Ok(KubeVersion {
        version,
        major: parsed[0].to_string(),
        minor: parsed[1].to_string(),
    })
}

/// `helmversion.BuildInfo` of the Helm we mirror.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelmVersion {
    pub version: String,
    pub git_commit: String,
    pub git_tree_state: String,
    pub go_version: String,
}

impl Default for HelmVersion {
    fn default() -> HelmVersion {
        HelmVersion {
            version: "v3.10.1".into(),
            git_commit: "9f88ccb6aee40b9a0535fcc7efea6055e1ef72c9".into(),
            git_tree_state: "clean".into(),
            go_version: "go1.18.7".into(),
        }
    }
}

/// `chartutil.Capabilities`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: Vec<String>,
    pub helm_version: HelmVersion,
}

impl Default for Capabilities {
    fn default() -> Capabilities {
        Capabilities {
            kube_version: KubeVersion::default_client(),
            api_versions: DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect(),
            helm_version: HelmVersion::default(),
        }
    }
}

impl Capabilities {
    /// What `helm template` uses: the defaults, the given kube version, and
    /// the extra API versions appended.
    pub fn for_template(kube_version: Option<KubeVersion>, extra_apis: &[String]) -> Capabilities {
        let mut caps = Capabilities::default();
        if let Some(kv) = kube_version {
            caps.kube_version = kv;
        }
        caps.api_versions.extend(extra_apis.iter().cloned());
        caps
    }

    /// The template object.
    pub fn to_value(&self) -> Value {
        Value::Object(Arc::new(CapabilitiesObject(Arc::new(self.clone()))))
    }
}

fn s(v: &str) -> Value {
    Value::str(v)
}

#[derive(Debug)]
struct CapabilitiesObject(Arc<Capabilities>);

impl Object for CapabilitiesObject {
    fn type_name(&self) -> &str {
        "*chartutil.Capabilities"
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "KubeVersion" => Value::Object(Arc::new(KubeVersionObject(self.0.clone()))),
            "APIVersions" => Value::Object(Arc::new(VersionSetObject(self.0.clone()))),
            "HelmVersion" => Value::Object(Arc::new(HelmVersionObject(self.0.clone()))),
            _ => return None,
        })
    }

    fn to_json_value(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "KubeVersion".into(),
            KubeVersionObject(self.0.clone()).to_json_value(),
        );
        m.insert(
            "APIVersions".into(),
            VersionSetObject(self.0.clone()).to_json_value(),
        );
        m.insert(
            "HelmVersion".into(),
            HelmVersionObject(self.0.clone()).to_json_value(),
        );
        Value::map(m)
    }

    fn fmt_v(&self, out: &mut String) {
        out.push_str("&{");
        KubeVersionObject(self.0.clone()).fmt_v(out);
        out.push(' ');
        VersionSetObject(self.0.clone()).fmt_v(out);
        out.push(' ');
        HelmVersionObject(self.0.clone()).fmt_v(out);
        out.push('}');
    }
}

#[derive(Debug)]
struct KubeVersionObject(Arc<Capabilities>);

impl Object for KubeVersionObject {
    fn type_name(&self) -> &str {
        "chartutil.KubeVersion"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let kv = &self.0.kube_version;
        Some(match name {
            "Version" => s(&kv.version),
            "Major" => s(&kv.major),
            "Minor" => s(&kv.minor),
            // Methods reachable with field syntax.
            "GitVersion" | "String" => s(&kv.version),
            _ => return None,
        })
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        match name {
            "GitVersion" | "String" => Some(if args.is_empty() {
                Ok(s(&self.0.kube_version.version))
            } else {
                Err(FuncError::new(format!(
                    "wrong number of args for {name}: want 0 got {}",
                    args.len()
                )))
            }),
            _ => None,
        }
    }

    fn to_json_value(&self) -> Value {
        let kv = &self.0.kube_version;
        let mut m = Map::new();
        m.insert("Version".into(), s(&kv.version));
        m.insert("Major".into(), s(&kv.major));
        m.insert("Minor".into(), s(&kv.minor));
        Value::map(m)
    }

    /// `KubeVersion` is a `fmt.Stringer`.
    fn fmt_v(&self, out: &mut String) {
        out.push_str(&self.0.kube_version.version);
    }
}

#[derive(Debug)]
struct VersionSetObject(Arc<Capabilities>);

impl Object for VersionSetObject {
    fn type_name(&self) -> &str {
        "chartutil.VersionSet"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        if name != "Has" {
            return None;
        }
        Some(match args {
            [Value::String(v)] => Ok(Value::Bool(
                self.0.api_versions.iter().any(|a| a.as_str() == &**v),
            )),
            [other] => Err(FuncError::new(format!(
                "wrong type for value; expected string; got {}",
                other.type_name()
            ))),
            _ => Err(FuncError::new(format!(
                "wrong number of args for Has: want 1 got {}",
                args.len()
            ))),
        })
    }

    fn to_json_value(&self) -> Value {
        Value::list(self.0.api_versions.iter().map(|a| s(a)).collect())
    }
}

#[derive(Debug)]
struct HelmVersionObject(Arc<Capabilities>);

impl Object for HelmVersionObject {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let hv = &self.0.helm_version;
        Some(match name {
            "Version" => s(&hv.version),
            "GitCommit" => s(&hv.git_commit),
            "GitTreeState" => s(&hv.git_tree_state),
            "GoVersion" => s(&hv.go_version),
            _ => return None,
        })
    }

    fn to_json_value(&self) -> Value {
        let hv = &self.0.helm_version;
        let mut m = Map::new();
        m.insert("version".into(), s(&hv.version));
        m.insert("git_commit".into(), s(&hv.git_commit));
        m.insert("git_tree_state".into(), s(&hv.git_tree_state));
        m.insert("go_version".into(), s(&hv.go_version));
        Value::map(m)
    }

    fn fmt_v(&self, out: &mut String) {
        let hv = &self.0.helm_version;
        out.push_str(&format!(
            "{{{} {} {} {}}}",
            hv.version, hv.git_commit, hv.git_tree_state, hv.go_version
        ));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions_parse_like_helm() {
        let kv = parse_kube_version("1.29.0").unwrap();
        assert_eq!(kv.version, "v1.29.0");
        assert_eq!((kv.major.as_str(), kv.minor.as_str()), ("1", "29"));
        assert_eq!(parse_kube_version("v1.2").unwrap().version, "v1.2.0");
        assert_eq!(
            parse_kube_version("1.29.3-eks.1").unwrap().version,
            "v1.29.3-eks.1"
        );
        // The oracle: `--kube-version abc` → Invalid Semantic Version.
        assert_eq!(
            parse_kube_version("abc").unwrap_err(),
            "Invalid Semantic Version"
        );
    }

    #[test]
    fn objects_print_like_go() {
        let caps = Capabilities::for_template(
            Some(parse_kube_version("1.29.0").unwrap()),
            &["example.com/v1/Thing".to_string()],
        );
        let v = caps.to_value();
        let Value::Object(o) = &v else { panic!() };
        let Some(Value::Object(kv)) = o.field("KubeVersion") else {
            panic!()
        };
        let mut out = String::new();
        kv.fmt_v(&mut out);
        assert_eq!(out, "v1.29.0");
        let Some(Value::Object(apis)) = o.field("APIVersions") else {
            panic!()
        };
        let has = |a: &str| apis.call_method("Has", &[Value::str(a)]);
        assert_eq!(has("apps/v1"), Some(Ok(Value::Bool(true))));
        assert_eq!(has("example.com/v1/Thing"), Some(Ok(Value::Bool(true))));
        assert_eq!(has("apps/v1/Deployment"), Some(Ok(Value::Bool(false))));
        assert_eq!(apis.to_json_value().as_list().map(|l| l.len()), Some(49));
    }
}
