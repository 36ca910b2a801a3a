//! Splitting one rendered file into YAML documents, as Helm's
//! `releaseutil.SplitManifests` does.
//!
//! Helm splits on the regular expression `(?:^|\s*\n)---\s*` (Go RE2, where
//! `\s` is ASCII whitespace without `\v`), after trimming the whole text, then
//! trims each part and drops the empty ones. Quirks kept on purpose: a line
//! `---foo` splits (leaving `foo`), an indented `  ---` does not, and a
//! document made of comments only survives.

use std::sync::OnceLock;

use regex::Regex;

#[allow(clippy::expect_used)] // a constant pattern, covered by the tests
fn separator() -> &'static Regex {
    static SEP: OnceLock<Regex> = OnceLock::new();
    SEP.get_or_init(|| {
        // Go's `\s` is `[\t\n\f\r ]`; Rust's is Unicode-aware, so spell it out.
        Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").expect("valid separator regex")
    })
}

/// One document of a split file: its text (trimmed) and its byte offset in
/// the original (untrimmed) text, so errors can point back into the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Document<'a> {
    pub text: &'a str,
    pub offset: usize,
}

/// Splits a rendered file into its non-empty, trimmed documents, in order.
pub fn split_documents(big: &str) -> Vec<Document<'_>> {
    let trimmed = big.trim();
    let base = trimmed.as_ptr() as usize - big.as_ptr() as usize;
    let mut docs = Vec::new();
    for part in split_go(separator(), trimmed) {
        let (start, end) = part;
        let raw = &trimmed[start..end];
        // Helm skips only parts that are empty *before* trimming; a part that
        // is whitespace only cannot occur because the separator eats the
        // whitespace around `---`.
        if raw.is_empty() {
            continue;
        }
        let text = raw.trim();
        let lead = raw.len() - raw.trim_start().len();
        docs.push(Document {
            text,
            offset: base + start + lead,
        });
    }
    docs
}

/// Splits like [`split_documents`] and returns only the texts.
pub fn split_manifests(big: &str) -> Vec<&str> {
    split_documents(big).into_iter().map(|d| d.text).collect()
}

/// Go's `regexp.Split(s, -1)`, returning byte ranges.
fn split_go(re: &Regex, s: &str) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    if s.is_empty() {
        parts.push((0, 0));
        return parts;
    }
    let mut beg = 0;
    let mut end = 0;
    for m in re.find_iter(s) {
        end = m.start();
        if m.end() != 0 {
            parts.push((beg, end));
        }
        beg = m.end();
    }
    if end != s.len() {
        parts.push((beg, s.len()));
    }
    parts
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        // Expected parts follow the oracle's output for the same file.
        let file = "kind: A1\n---\n---\nkind: A2\n---\nkind: A3\n  ---  \n--- # c\nkind: A5\n\n\n---\n# only comment\n---\n\n";
        assert_eq!(
            split_manifests(file),
            vec![
                "kind: A1",
                "---\nkind: A2",
                "kind: A3\n  ---",
                "# c\nkind: A5",
                "# only comment"
            ]
        );
    }

    #[test]
    fn dash_prefix_and_crlf() {
        assert_eq!(split_manifests("a: 1\n---foo: 1\n"), vec!["a: 1", "foo: 1"]);
        assert_eq!(
            split_manifests(
                "kind: Deployment\r\nmetadata:\r\n  name: crlf\r\n---\r\nkind: Service\r\n"
            ),
            vec![
                "kind: Deployment\r\nmetadata:\r\n  name: crlf",
                "kind: Service"
            ]
        );
        assert!(split_manifests("\n\n   \n").is_empty());
        // The oracle prints one document `---` for this file.
        assert_eq!(split_manifests("---\n---\n"), vec!["---"]);
    }

    #[test]
    fn offsets_point_into_the_original() {
        let file = "\n\na: 1\n---\n  b: 2\n";
        let docs = split_documents(file);
        assert_eq!(docs.len(), 2);
        assert_eq!(&file[docs[0].offset..docs[0].offset + 4], "a: 1");
        assert_eq!(&file[docs[1].offset..docs[1].offset + 4], "b: 2");
    }
}
