//! The mapping path at a cursor in YAML that may not parse (the user is in the
//! middle of typing a key), found from indentation alone: walk up to the
//! lines that open the enclosing blocks.

/// One step of a cursor path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    /// Inside some item of a block sequence (`- `).
    Item,
}

/// What surrounds a cursor in a YAML text.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CursorContext {
    /// Keys (and list items) that enclose the cursor's line, outermost first.
    pub path: Vec<Step>,
    /// The cursor is where a mapping key goes (not after `key:`).
    pub at_key: bool,
    /// The partial key typed before the cursor, and where it starts.
    pub prefix: String,
    pub prefix_start: usize,
    /// Keys already present in the cursor's mapping (other lines).
    pub siblings: Vec<String>,
}

struct Line<'a> {
    indent: usize,
    /// Content after indentation (and after `- ` for items: see `item`).
    body: &'a str,
    /// Column where `body` starts when the line is a `- ` item.
    item: Option<usize>,
}

fn classify(line: &str) -> Option<Line<'_>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = line.get(indent..)?.trim_end_matches(['\r', '\n']);
    if rest.trim().is_empty() || rest.starts_with('#') {
        return None;
    }
    if let Some(after) = rest
        .strip_prefix("- ")
        .or(if rest == "-" { Some("") } else { None })
    {
        let extra = after.len() - after.trim_start_matches(' ').len();
        return Some(Line {
            indent,
            body: after.trim_start_matches(' '),
            item: Some(indent + 2 + extra),
        });
    }
    Some(Line {
        indent,
        body: rest,
        item: None,
    })
}

/// The key a line defines (`key:` followed by space/end), if any.
fn key_of(body: &str) -> Option<&str> {
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b':' {
            let next = bytes.get(i + 1).copied();
            if matches!(next, None | Some(b' ' | b'\t' | b'\r' | b'\n')) {
                let key = body.get(..i)?.trim();
                let key = key.trim_matches(|c| c == '"' || c == '\'');
                return (!key.is_empty()).then_some(key);
            }
        }
        if b == b'#' && i > 0 && bytes.get(i - 1) == Some(&b' ') {
            return None;
        }
    }
    None
}

/// Does the line open a nested block (`key:` with nothing but a comment after)?
fn opens_block(body: &str) -> bool {
    match body.find(':') {
        Some(i) => {
            let after = body.get(i + 1..).unwrap_or("").trim();
            after.is_empty() || after.starts_with('#') || after == "|" || after == ">"
        }
        None => false,
    }
}

/// The context at byte `offset` of `text`.
pub fn context_at(text: &str, offset: usize) -> CursorContext {
    let offset = offset.min(text.len());
    let line_start = text
        .get(..offset)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    let before = text.get(line_start..offset).unwrap_or("");
    let mut ctx = CursorContext::default();

    // Indentation of the cursor's mapping and the partial key.
    let mut indent = before.len() - before.trim_start_matches(' ').len();
    let mut rest = before.get(indent..).unwrap_or("");
    let mut on_item = false;
    if let Some(after) = rest.strip_prefix("- ") {
        let extra = after.len() - after.trim_start_matches(' ').len();
        indent += 2 + extra;
        rest = after.trim_start_matches(' ');
        on_item = true;
    }
    ctx.at_key = !rest.contains(':') && !rest.starts_with('#');
    let key_chars = rest.trim_start_matches(|c: char| c.is_alphanumeric() || "_-./".contains(c));
    ctx.at_key &= key_chars.is_empty();
    ctx.prefix = rest.to_string();
    ctx.prefix_start = offset - rest.len();

    let lines: Vec<&str> = text.split('\n').collect();
    let cur = text
        .get(..line_start)
        .map_or(0, |s| s.matches('\n').count());

    // Siblings below the cursor (same indentation, until the block ends).
    for l in lines.iter().skip(cur + 1).filter_map(|l| classify(l)) {
        if l.indent < indent {
            break;
        }
        if l.indent == indent
            && l.item.is_none()
            && let Some(k) = key_of(l.body)
        {
            ctx.siblings.push(k.to_string());
        }
    }

    // Upwards: siblings, then the lines that open each enclosing block.
    let mut want = indent;
    let mut rev_path = Vec::new();
    let mut gathering = true;
    if on_item {
        // A fresh `- ` item: its list sits at the dash's column.
        rev_path.push(Step::Item);
        want = before.len() - before.trim_start_matches(' ').len();
        gathering = false;
    }
    for l in lines.iter().take(cur).rev().filter_map(|l| classify(l)) {
        let col = l.item.unwrap_or(l.indent);
        if col > want {
            continue;
        }
        if col == want {
            if gathering && let Some(k) = key_of(l.body) {
                ctx.siblings.push(k.to_string());
            }
            if l.item.is_some() {
                // `- key: v` starts the item our mapping belongs to.
                rev_path.push(Step::Item);
                want = l.indent;
                gathering = false;
            }
            continue;
        }
        // col < want: this line opens the block we are in.
        match key_of(l.body) {
            Some(k) if opens_block(l.body) => {
                rev_path.push(Step::Key(k.to_string()));
                if l.item.is_some() {
                    rev_path.push(Step::Item);
                }
                want = l.indent;
                gathering = false;
            }
            _ => break,
        }
        if want == 0 && l.item.is_none() {
            break;
        }
    }
    rev_path.reverse();
    ctx.path = rev_path;
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text_with_cursor: &str) -> CursorContext {
        let offset = text_with_cursor.find('$').unwrap_or(0);
        let text = text_with_cursor.replacen('$', "", 1);
        context_at(&text, offset)
    }

    fn keys(ctx: &CursorContext) -> Vec<String> {
        ctx.path
            .iter()
            .map(|s| match s {
                Step::Key(k) => k.clone(),
                Step::Item => "[]".to_string(),
            })
            .collect()
    }

    #[test]
    fn nested_key() {
        let c = at("image:\n  repo: x\n  ta$\nother: 1\n");
        assert_eq!(keys(&c), ["image"]);
        assert!(c.at_key);
        assert_eq!(c.prefix, "ta");
        assert_eq!(c.siblings, ["repo"]);
    }

    #[test]
    fn top_level_and_value_position() {
        let c = at("a: 1\n$\nb:\n  c: 2\n");
        assert!(c.path.is_empty());
        assert_eq!(c.siblings, ["b", "a"]);
        let c = at("a: $\n");
        assert!(!c.at_key);
    }

    #[test]
    fn deep_with_comments_and_blank_lines() {
        let c = at("a:\n  # note\n  b:\n\n    x: 1\n    $\n");
        assert_eq!(keys(&c), ["a", "b"]);
        assert_eq!(c.siblings, ["x"]);
    }

    #[test]
    fn inside_list_item() {
        let c = at("list:\n  - name: a\n    $\n");
        assert_eq!(keys(&c), ["list", "[]"]);
        assert_eq!(c.siblings, ["name"]);
        let c = at("list:\n  - $\n");
        assert_eq!(keys(&c), ["list", "[]"]);
    }
}
