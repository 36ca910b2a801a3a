//! A fast path for reading document heads: one pass over saphyr-parser
//! events that checks the document parses and picks out `apiVersion`,
//! `kind`, `metadata.name` and `metadata.annotations`, without building the
//! whole value tree (rendered CRDs are megabytes of YAML nobody reads here).
//!
//! Anything this pass does not model exactly as Go's yaml.v2 +
//! sigs.k8s.io/yaml would (tabs, anchors, aliases, tags, merge keys,
//! complex or null keys, non-finite floats, a head field that is not a
//! scalar, any syntax error) makes it answer `None`, and the caller falls
//! back to the full loader, which has the exact semantics and messages.

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::head::{Head, HeadMetadata};
use crate::template::strconv::format_float;
use crate::yaml::resolve::{Resolved, resolve_plain};

/// What a scalar turns into for a Go `string` field; `None` = not modelled.
pub(super) fn scalar_string(text: &str, style: ScalarStyle) -> Option<String> {
    if style != ScalarStyle::Plain {
        return Some(text.to_string());
    }
    Some(match resolve_plain(text) {
        Resolved::Str | Resolved::Timestamp => text.to_string(),
        Resolved::Null => String::new(),
        Resolved::Bool(b) => b.to_string(),
        Resolved::Int(i) => i.to_string(),
        Resolved::Float(f) if f.is_finite() => {
            // sigs.k8s.io/yaml formats floats for string targets with 32 bits.
            let s = format_float(f as f32 as f64, 'g', -1);
            if (f as f32 as f64) == f {
                s
            } else {
                return None;
            }
        }
        Resolved::Float(_) | Resolved::Uint(_) | Resolved::Merge => return None,
    })
}

/// Is a plain scalar value fine for the JSON round trip?
pub(super) fn value_ok(text: &str, style: ScalarStyle) -> bool {
    if style != ScalarStyle::Plain {
        return true;
    }
    finite(&resolve_plain(text))
}

/// sigs.k8s.io/yaml refuses infinities and NaN (JSON has none).
fn finite(r: &Resolved) -> bool {
    !matches!(r, Resolved::Float(f) if !f.is_finite())
}

/// Is a plain scalar key one sigs.k8s.io/yaml accepts as is?
pub(super) fn key_ok(text: &str, style: ScalarStyle) -> bool {
    if style != ScalarStyle::Plain {
        return true;
    }
    // A plain `<<` is a merge key (resolution alone calls it a string).
    // Resolved once: what `value_ok` refuses, and null/uint/merge keys.
    if text == "<<" {
        return false;
    }
    let r = resolve_plain(text);
    !matches!(r, Resolved::Null | Resolved::Uint(_) | Resolved::Merge) && finite(&r)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Other,
    ApiVersion,
    Kind,
    Metadata,
    Name,
    Annotations,
    Annotation,
}

struct Frame {
    is_map: bool,
    /// For maps: the next scalar is a key.
    expect_key: bool,
    /// What the value being read belongs to.
    slot: Slot,
    /// What this collection itself is.
    kind: Slot,
}

/// Reads the head of one document; `None` means "use the full loader".
pub fn scan_head(doc: &str) -> Option<Head> {
    super::line_head::scan_head(doc).or_else(|| scan_events(doc))
}

/// [`scan_head`] over saphyr-parser events.
pub fn scan_events(doc: &str) -> Option<Head> {
    if doc.contains('\t') {
        return None;
    }
    let mut parser = Parser::new_from_str(doc);
    let mut stack: Vec<Frame> = Vec::new();
    let mut head = Head::default();
    let mut root_is_map = None;
    let mut documents = 0;
    let mut annotation_key = String::new();
    let mut metadata_seen = false;
    while let Some(next) = parser.next_event() {
        let (event, _) = next.ok()?;
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    // Later documents are ignored by yaml.v2 but must still
                    // parse; leave such texts to the full loader.
                    return None;
                }
            }
            Event::DocumentEnd => {}
            Event::Alias(_) => return None,
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let depth = stack.len();
                let Some(top) = stack.last_mut() else {
                    // A scalar document: let the full loader word the error.
                    return None;
                };
                if top.is_map && top.expect_key {
                    if !key_ok(&text, style) {
                        return None;
                    }
                    // Keys resolve like values (`n` is the key "false").
                    let key = scalar_string(&text, style)?;
                    top.expect_key = false;
                    top.slot = match (top.kind, key.as_str()) {
                        (Slot::Other, _) if depth == 1 => match key.as_str() {
                            "apiVersion" => Slot::ApiVersion,
                            "kind" => Slot::Kind,
                            "metadata" => Slot::Metadata,
                            _ => Slot::Other,
                        },
                        (Slot::Metadata, "name") => Slot::Name,
                        (Slot::Metadata, "annotations") => Slot::Annotations,
                        (Slot::Annotations, k) => {
                            annotation_key = k.to_string();
                            Slot::Annotation
                        }
                        _ => Slot::Other,
                    };
                    continue;
                }
                if !value_ok(&text, style) {
                    return None;
                }
                let slot = top.slot;
                if top.is_map {
                    top.expect_key = true;
                    top.slot = Slot::Other;
                }
                match slot {
                    Slot::ApiVersion => head.api_version = scalar_string(&text, style)?,
                    Slot::Kind => head.kind = scalar_string(&text, style)?,
                    Slot::Name => {
                        head.metadata.get_or_insert_with(HeadMetadata::default).name =
                            scalar_string(&text, style)?;
                    }
                    Slot::Annotation => {
                        let v = scalar_string(&text, style)?;
                        head.metadata
                            .get_or_insert_with(HeadMetadata::default)
                            .annotations
                            .get_or_insert_with(BTreeMap::new)
                            .insert(std::mem::take(&mut annotation_key), v);
                    }
                    Slot::Metadata | Slot::Annotations => {
                        // A scalar where a map is wanted: null is fine.
                        if style != ScalarStyle::Plain || resolve_plain(&text) != Resolved::Null {
                            return None;
                        }
                    }
                    Slot::Other => {}
                }
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let kind = match stack.last_mut() {
                    None => {
                        root_is_map = Some(is_map);
                        Slot::Other
                    }
                    Some(top) => {
                        if top.is_map && top.expect_key {
                            // A complex key.
                            return None;
                        }
                        let slot = top.slot;
                        if top.is_map {
                            top.expect_key = true;
                            top.slot = Slot::Other;
                        }
                        match slot {
                            Slot::Metadata if is_map => {
                                metadata_seen = true;
                                head.metadata.get_or_insert_with(HeadMetadata::default);
                                Slot::Metadata
                            }
                            Slot::Annotations if is_map => {
                                head.metadata
                                    .get_or_insert_with(HeadMetadata::default)
                                    .annotations
                                    .get_or_insert_with(BTreeMap::new);
                                Slot::Annotations
                            }
                            Slot::Other => Slot::Other,
                            // A collection in a string/map field: Go errors.
                            _ => return None,
                        }
                    }
                };
                stack.push(Frame {
                    is_map,
                    expect_key: true,
                    slot: Slot::Other,
                    kind,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
            }
        }
    }
    let _ = metadata_seen;
    match root_is_map {
        Some(true) => Some(head),
        // Empty document: a null head.
        None => Some(Head::default()),
        // A list document: Go's unmarshal error comes from the full loader.
        Some(false) => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::manifest::head::full_loader_head;

    #[test]
    fn agrees_with_the_full_loader() {
        for doc in [
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    helm.sh/hook: test\n    helm.sh/hook-weight: 5\n    x: true\n    n: ~\nspec:\n  containers:\n  - name: a\n    args: [\"--x\", '-y']\n",
            "kind: Service\nmetadata:\n  labels: {a: b}\n  name: \"quoted\"\n",
            "# only a comment",
            "---\nkind: A2",
            "kind: A3\n  ---",
            "metadata: ~\nkind: X",
            "kind: |\n  block\n",
            "kind: 1.5\nmetadata:\n  name: 0x10\n",
        ] {
            let fast = scan_head(doc).unwrap_or_else(|| panic!("fast path refused {doc:?}"));
            assert_eq!(fast, full_loader_head(doc), "{doc:?}");
        }
    }

    #[test]
    fn hands_over_what_it_does_not_model() {
        for doc in [
            "a: b\n c: d\n",
            "a:\n\tb: c\n",
            "a: &x 1\nb: *x\n",
            "kind: [1]\n",
            "- a\n- b\n",
            "metadata:\n  annotations: [1]\n",
            "a: .inf\n",
            "~: 1\n",
            "a: !!str 1\n",
            "<<: {kind: X}\n",
        ] {
            assert!(scan_events(doc).is_none(), "{doc:?}");
        }
    }
}
