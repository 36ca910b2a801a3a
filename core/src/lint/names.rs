//! Kubernetes object-name rules as `helm lint` applies them to
//! `metadata.name` (Helm 3.10's `validateMetadataName`): which rule a kind
//! uses, and the apimachinery validation messages word for word.

use crate::chart::metadata::go_quote;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/// The name rule of a kind (matched case-insensitively, as Helm does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Subdomain,
    Dns1035Label,
    Label,
    PathSegment,
    None,
}

fn rule_for(kind: &str) -> Rule {
    match kind.to_ascii_lowercase().as_str() {
        "service" => Rule::Dns1035Label,
        "namespace" => Rule::Label,
        "certificatesigningrequest" => Rule::None,
        "role" | "clusterrole" | "rolebinding" | "clusterrolebinding" => Rule::PathSegment,
        // Every other kind, listed by Helm or not, is a DNS subdomain
        // (service accounts included).
        _ => Rule::Subdomain,
    }
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => alnum(f) && alnum(l) && b.iter().all(|&c| alnum(c) || c == b'-'),
        _ => false,
    }
}

fn is_subdomain(s: &str) -> bool {
    s.split('.').all(is_label)
}

fn is_dns1035(s: &str) -> bool {
    is_label(s) && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

/// The problems apimachinery reports for `name` under `rule`, in its order.
fn problems(rule: Rule, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut length_and_shape = |max: usize, ok: bool, msg: &str| {
        if name.len() > max {
            out.push(format!("must be no more than {max} characters"));
        }
        if !ok {
            out.push(msg.to_string());
        }
    };
    match rule {
        Rule::Subdomain => length_and_shape(253, is_subdomain(name), SUBDOMAIN_MSG),
        Rule::Label => length_and_shape(63, is_label(name), LABEL_MSG),
        Rule::Dns1035Label => length_and_shape(63, is_dns1035(name), DNS1035_MSG),
        Rule::PathSegment => {
            if name == "." || name == ".." {
                out.push(format!("may not be '{name}'"));
            } else {
                for bad in ["/", "%"] {
                    if name.contains(bad) {
                        out.push(format!("may not contain '{bad}'"));
                    }
                }
            }
        }
        Rule::None => {}
    }
    out
}

/// Helm's warning text for an object whose name breaks its kind's rule, or
/// `None` when the name is fine.
pub fn name_problem(kind: &str, name: &str) -> Option<String> {
    let list = problems(rule_for(kind), name);
    if list.is_empty() {
        return None;
    }
    let quoted = go_quote(name);
    // field.ErrorList.ToAggregate: duplicates collapse; several are
    // bracketed and comma-separated.
    let mut seen: Vec<String> = Vec::new();
    for p in list {
        let item = format!("metadata.name: Invalid value: {quoted}: {p}");
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    let body = if seen.len() == 1 {
        seen.remove(0)
    } else {
        format!("[{}]", seen.join(", "))
    };
    Some(format!(
        "object name does not conform to Kubernetes naming requirements: {quoted}: {body}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_per_kind() {
        assert_eq!(name_problem("ConfigMap", "good-name.example"), None);
        assert_eq!(name_problem("CertificateSigningRequest", "ANY_name"), None);
        assert_eq!(name_problem("Role", "Upper_ok"), None);
        assert!(name_problem("Service", "1svc").is_some_and(|m| m.contains("DNS-1035")));
        assert!(name_problem("namespace", "Ns.x").is_some_and(|m| m.contains("RFC 1123 label")));
        assert!(name_problem("ConfigMap", "").is_some_and(|m| m.contains("subdomain")));
    }

    #[test]
    fn aggregate_of_two() {
        // Oracle: `a%/b` as a Role.
        assert_eq!(
            name_problem("Role", "a%/b").as_deref(),
            Some(
                "object name does not conform to Kubernetes naming requirements: \"a%/b\": [metadata.name: Invalid value: \"a%/b\": may not contain '/', metadata.name: Invalid value: \"a%/b\": may not contain '%']"
            )
        );
        let long = "s".repeat(64);
        assert!(
            name_problem("Service", &long)
                .is_some_and(|m| m.ends_with(": must be no more than 63 characters"))
        );
    }
}
