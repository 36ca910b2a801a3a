//! Splitting one rendered file into YAML documents, as Helm's
//! `releaseutil.SplitManifests` does.
//!
//! Helm splits on the regular expression `(?:^|\s*\n)---\s*` (Go RE2, where
//! `\s` is ASCII whitespace without `\v`), after trimming the whole text, then
//! trims each part and drops the empty ones. Quirks kept on purpose: a line
//! `---foo` splits (leaving `foo`), an indented `  ---` does not, and a
//! document made of comments only survives.
//!
//! The expression is simple enough to match by hand (compiling it with the
//! `regex` crate cost ≈ 5 % of rendering a small chart); the tests check the
//! hand matcher against the expression on random texts.

/// Go's `\s`: ASCII whitespace without `\v`.
fn is_go_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// The leftmost match of `(?:^|\s*\n)---\s*` in `s` at or after `pos`, as
/// RE2 finds it. The `\s*\n` part can only be a whitespace run whose last
/// byte is the `\n` before `---` (a `-` ends any run), so each `\n---`
/// occurrence gives one candidate, starting where its run starts.
fn find_separator(s: &[u8], pos: usize) -> Option<(usize, usize)> {
    let after_dashes = |dashes: usize| {
        let end = dashes + 3;
        end + s[end..].iter().take_while(|&&b| is_go_space(b)).count()
    };
    if pos == 0 && s.starts_with(b"---") {
        return Some((0, after_dashes(0)));
    }
    let newline = pos + memchr::memmem::find(s.get(pos..)?, b"\n---")?;
    let run = s[pos..newline]
        .iter()
        .rev()
        .take_while(|&&b| is_go_space(b))
        .count();
    Some((newline - run, after_dashes(newline + 1)))
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
    for part in split_go(trimmed) {
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

/// Go's `regexp.Split(s, -1)` on the separator, returning byte ranges.
fn split_go(s: &str) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    if s.is_empty() {
        parts.push((0, 0));
        return parts;
    }
    let mut beg = 0;
    let mut end = 0;
    while let Some((start, stop)) = find_separator(s.as_bytes(), beg) {
        end = start;
        parts.push((beg, end));
        beg = stop;
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

    /// The expression itself, run by the `regex` crate, as the reference.
    fn split_by_regex(s: &str) -> Vec<(usize, usize)> {
        let re = regex::Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").unwrap();
        let mut parts = Vec::new();
        if s.is_empty() {
            return vec![(0, 0)];
        }
        let (mut beg, mut end) = (0, 0);
        for m in re.find_iter(s) {
            end = m.start();
            parts.push((beg, end));
            beg = m.end();
        }
        if end != s.len() {
            parts.push((beg, s.len()));
        }
        parts
    }

    #[test]
    fn hand_matcher_agrees_with_the_expression() {
        use rand::{RngExt, SeedableRng};
        let pieces = [
            "-", "--", "---", "\n", "\n---", " ", "\t", "\r", "\x0C", "\x0B", "a", "k: v",
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..20_000 {
            let n = rng.random_range(0..14);
            let text: String = (0..n)
                .map(|_| pieces[rng.random_range(0..pieces.len())])
                .collect();
            assert_eq!(split_go(&text), split_by_regex(&text), "{text:?}");
        }
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
