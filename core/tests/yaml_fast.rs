//! The fast block-YAML reader against saphyr-parser: on every YAML text of
//! the shared corpus and seed charts (values files, Chart.yaml, each
//! document Helm rendered) and on damaged copies of them, whatever the fast
//! reader accepts must give saphyr's events with saphyr's spans. It must
//! also accept nearly all real values files, else it buys nothing.
//!
//! `YF_N` (runs per text / generated documents) and `YF_SEED` make longer
//! or different randomized runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shared_support;

use std::path::Path;

use chart_core::manifest::split_manifests;
use chart_core::yaml::fast::{Spanned, scan};
use saphyr_parser::Parser;
use shared_support::{Rng, shared_dir};

/// saphyr's events with byte spans, or its error's char index.
fn saphyr_events(text: &str) -> Result<Vec<Spanned<'_>>, usize> {
    let mut bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    bytes.push(text.len());
    let byte = |i: usize| bytes.get(i).copied().unwrap_or(text.len());
    let mut out = Vec::new();
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        match next {
            Ok((ev, span)) => out.push((ev, byte(span.start.index()), byte(span.end.index()))),
            Err(e) => return Err(e.marker().index()),
        }
    }
    Ok(out)
}

/// `Some(true)` when the fast reader took the text (and agreed), `Some(false)`
/// when it declined; panics on disagreement.
fn check(text: &str, what: &str) -> bool {
    let Some(fast) = scan(text) else {
        return false;
    };
    let slow = saphyr_events(text).unwrap_or_else(|at| {
        panic!("{what}: fast reader accepted a text saphyr rejects at char {at}:\n{text}")
    });
    if fast != slow {
        let at = fast
            .iter()
            .zip(&slow)
            .position(|(a, b)| a != b)
            .unwrap_or(fast.len().min(slow.len()));
        panic!(
            "{what}: events differ at #{at}\nfast:  {:?}\nsaphyr: {:?}\ntext:\n{text:?}",
            fast.get(at.saturating_sub(1)..(at + 2).min(fast.len())),
            slow.get(at.saturating_sub(1)..(at + 2).min(slow.len())),
        );
    }
    true
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "templates") {
                yaml_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

/// Every YAML text: values files, Chart.yaml and other non-template files,
/// and each document of each golden output.
fn corpus_texts() -> Option<Vec<(String, String)>> {
    let Some(shared) = shared_dir() else {
        eprintln!(
            "\n!!! yaml_fast: shared folder not found (set CHART_SHARED_DIR or put it at ../shared): cases NOT RUN — not counted as passed\n"
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "shared folder required in CI"
        );
        return None;
    };
    let mut files = Vec::new();
    yaml_files(&shared.join("corpus"), &mut files);
    yaml_files(&shared.join("seed-charts"), &mut files);
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples"),
        &mut files,
    );
    let mut texts = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let name = f.display().to_string();
        if name.ends_with("golden.yaml") {
            for (i, doc) in split_manifests(&text).into_iter().enumerate() {
                texts.push((format!("{name} #{i}"), doc.to_string()));
            }
        } else {
            texts.push((name, text));
        }
    }
    assert!(texts.len() > 500, "only {} texts", texts.len());
    Some(texts)
}

#[test]
fn agrees_with_saphyr_on_the_corpus() {
    let Some(texts) = corpus_texts() else { return };
    let (mut values, mut values_taken, mut taken) = (0, 0, 0);
    for (name, text) in &texts {
        let ok = check(text, name);
        taken += usize::from(ok);
        if name.ends_with("values.yaml") {
            values += 1;
            values_taken += usize::from(ok);
        }
    }
    eprintln!(
        "yaml_fast: fast reader took {taken} of {} texts, {values_taken} of {values} values.yaml",
        texts.len()
    );
    // It must pay for itself on real charts.
    assert!(
        values_taken * 10 >= values * 8,
        "{values_taken} of {values} values.yaml"
    );
    assert!(taken * 10 >= texts.len() * 8, "{taken} of {}", texts.len());
}

/// `text` with one random edit: a character inserted, deleted or replaced
/// by a YAML-significant one, a line re-indented or duplicated.
fn damage(text: &str, rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        " ", "  ", ":", ": ", "-", "- ", "#", " #", "\"", "'", "\n", "|", "|-", "|+", ">", "[",
        "]", "{", "}", ",", "x", "&a ", "*a", "!t ", "?", "\\", "''", "\n  ", "\n- ", "é", "---",
    ];
    let mut chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return PIECES[rng.below(PIECES.len())].to_string();
    }
    let at = rng.below(chars.len());
    match rng.below(5) {
        0 => {
            chars.remove(at);
        }
        1 | 2 => {
            let piece = PIECES[rng.below(PIECES.len())];
            for (k, c) in piece.chars().enumerate() {
                chars.insert(at + k, c);
            }
        }
        3 => {
            let piece = PIECES[rng.below(PIECES.len())];
            chars.splice(at..at + 1, piece.chars());
        }
        _ => {
            // Re-indent or duplicate the line holding `at`.
            let start = chars[..at]
                .iter()
                .rposition(|&c| c == '\n')
                .map_or(0, |i| i + 1);
            let end = chars[at..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |i| at + i);
            let line: Vec<char> = chars[start..end].to_vec();
            match rng.below(3) {
                0 => chars.splice(start..start, [' ']).for_each(drop),
                1 if chars.get(start) == Some(&' ') => {
                    chars.remove(start);
                }
                _ => {
                    let mut dup = line.clone();
                    dup.push('\n');
                    chars.splice(start..start, dup).for_each(drop);
                }
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn agrees_with_saphyr_on_damaged_texts() {
    let Some(texts) = corpus_texts() else { return };
    let mut rng = Rng(std::env::var("YF_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15));
    let (mut tried, mut taken) = (0, 0);
    // Small texts and slices of large ones keep the run short.
    for (name, text) in texts.iter().filter(|(_, t)| scan(t).is_some()) {
        let lines: Vec<&str> = text.lines().collect();
        for _ in 0..std::env::var("YF_N")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(6)
        {
            let from = rng.below(lines.len());
            let slice = lines[from..(from + 40).min(lines.len())].join("\n") + "\n";
            let mut t = slice;
            for _ in 0..=rng.below(3) {
                t = damage(&t, &mut rng);
            }
            tried += 1;
            taken += usize::from(check(&t, &format!("damaged {name}")));
        }
    }
    eprintln!("yaml_fast: fast reader took {taken} of {tried} damaged texts");
    assert!(tried > 1000 && taken > 100, "{taken} of {tried}");
}

#[test]
fn agrees_with_saphyr_on_written_cases() {
    let cases = [
        "",
        "# only a comment\n",
        "a: 1\n",
        "a: 1",
        "a:\n",
        "a:   # c\nb: 2\n",
        "a:\n- x\n-\n- \"q\"\nb: 1\n",
        "l:\n- k: v\n  j: 2\n- z\n",
        "a:\n  -\n    b: 1\n",
        "k:\n  j: |\n    x\n\n  m: 1\n",
        "e: |-\n  l1\n\n  l2\n\n\nf: 1\n",
        "g: |+\n  z\n\nh: ~\n",
        "a: |\n  x",
        "a: |\n  x\n  \n   \nb: 1\n",
        "a: |\n\n  x\n",
        "a: |\n    x\n  y\n",
        "a: [x, \"y\", {b: c}]\n",
        "a: [ x ,y ]\n",
        "a: {b: 1, c: [d]}\n",
        "a: []\nb: {}\n",
        "\"q k\": 1\n's': 2\n",
        "a : 1\n",
        "a: 'it''s'\nb: \"x\\\"y\\\\z\"\n",
        "  a: 1\n  b: 2\n",
        "- a\n- b: 1\n  c: 2\n",
        "a: x # c\nb: y#z\n",
        "a: http://x:80/y\n",
        "a: -1\nb: --flag\n",
        "é: ü\n",
        "a: x\n  # c\nb: 1\n",
        "a:\n  {}\nb:\n  [x]\n",
        "a: |\n\nb: 1\n",
        "a: |+\n\n\nb: 1\n",
        "a: |-\n  \nb: 1\n",
        "k:\n  a: |\n\n  # c\n  b: 1\n",
    ];
    for text in cases {
        check(text, "written case");
    }
}

/// A random block document built from the constructs the fast reader
/// takes (and some near misses), at random indentations.
fn generate(rng: &mut Rng, out: &mut String, indent: usize, depth: usize) {
    const SCALARS: &[&str] = &[
        "x",
        "1",
        "0755",
        "yes",
        "~",
        "null",
        "-1",
        "a b",
        "a:b",
        "a#b",
        "\"q\"",
        "'s'",
        "\"a\\\"b\"",
        "'it''s'",
        "[]",
        "{}",
        "[a, b]",
        "[ \"x\" , 'y' ]",
        "{a: 1, b: [c]}",
        "é",
        "http://h:1/p",
    ];
    let pad = " ".repeat(indent);
    let seq = rng.below(3) == 0;
    for _ in 0..=rng.below(4) {
        if rng.below(8) == 0 {
            // comment or blank lines, at any indentation
            out.push_str(&" ".repeat(rng.below(indent + 4)));
            if rng.below(2) == 0 {
                out.push_str("# c");
            }
            out.push('\n');
            continue;
        }
        out.push_str(&pad);
        let inner = if seq {
            out.push_str("- ");
            indent + 2
        } else {
            indent + 1 + rng.below(3)
        };
        if !seq || rng.below(2) == 0 {
            let key = ["k", "key", "\"q k\"", "'s'", "a.b/c", "k "][rng.below(6)];
            out.push_str(key);
            out.push(':');
        }
        let key_line = out.rsplit('\n').next().unwrap_or("").to_string();
        match rng.below(6) {
            0 | 1 if depth < 4 => {
                if key_line.ends_with(':') || rng.below(2) == 0 {
                    if rng.below(3) == 0 {
                        out.push_str(" # c");
                    }
                    out.push('\n');
                    generate(rng, out, inner, depth + 1);
                } else {
                    out.push_str(" x\n");
                }
            }
            2 => {
                out.push_str([" |", " |-", " |+", " | # c"][rng.below(4)]);
                out.push('\n');
                let m = inner + rng.below(2);
                for _ in 0..=rng.below(4) {
                    match rng.below(5) {
                        0 => out.push('\n'),
                        1 => out.push_str(&format!("{}\n", " ".repeat(rng.below(m + 3)))),
                        2 => out.push_str(&format!("{}# not a comment\n", " ".repeat(m))),
                        _ => out.push_str(&format!(
                            "{}{}text\n",
                            " ".repeat(m),
                            " ".repeat(rng.below(2) * 2)
                        )),
                    }
                }
            }
            _ => {
                out.push(' ');
                out.push_str(SCALARS[rng.below(SCALARS.len())]);
                out.push_str(["", " ", " # c", "  "][rng.below(4)]);
                out.push('\n');
            }
        }
    }
}

#[test]
fn agrees_with_saphyr_on_generated_documents() {
    let n: usize = std::env::var("YF_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3000);
    let mut rng = Rng(std::env::var("YF_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x2545_f491_4f6c_dd1d));
    let mut taken = 0;
    for _ in 0..n {
        let mut text = String::new();
        let indent = rng.below(2) * 2;
        generate(&mut rng, &mut text, indent, 0);
        if rng.below(4) == 0 {
            text.pop();
        }
        taken += usize::from(check(&text, "generated"));
        check(&damage(&text, &mut rng), "generated, damaged");
    }
    eprintln!("yaml_fast: fast reader took {taken} of {n} generated documents");
    assert!(taken * 4 >= n, "{taken} of {n}");
}

#[test]
fn leaves_deep_nesting_to_saphyr() {
    let mut deep = String::new();
    for i in 0..200 {
        deep.push_str(&" ".repeat(i));
        deep.push_str("k:\n");
    }
    assert!(scan(&deep).is_none());
    let flow = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
    assert!(scan(&flow).is_none());
    let shallow = format!("a: {}{}\n", "[".repeat(20), "]".repeat(20));
    assert!(check(&shallow, "nested flows"));
}
