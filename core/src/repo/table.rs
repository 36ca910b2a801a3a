//! Tables laid out like `gosuri/uitable` (what Helm's `repo list`,
//! `search repo` and `dependency list` print): columns padded to the
//! widest cell, cells over `max_col_width` cut to `max-3` runes plus
//! `...`, multi-line cells spread over lines, tab separators.

/// A table of rows; the first row is usually the header.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub rows: Vec<Vec<String>>,
    /// 0 means unlimited.
    pub max_col_width: usize,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// `strutil.Resize`: pad to `n`, or cut to fit with `...`.
fn resize(s: &str, n: usize) -> String {
    let w = width(s);
    if w == n {
        return s.to_string();
    }
    if w < n {
        return format!("{s}{}", " ".repeat(n - w));
    }
    let mut out = String::new();
    for (used, c) in s.chars().enumerate() {
        out.push(c);
        if used + 1 >= n.saturating_sub(3) {
            break;
        }
    }
    out.push_str("...");
    out
}

impl Table {
    pub fn new(max_col_width: usize) -> Table {
        Table {
            rows: Vec::new(),
            max_col_width,
        }
    }

    pub fn add_row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The table text without a final newline (uitable's `String()`).
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = Vec::new();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                let mut w = cell.split('\n').map(width).max().unwrap_or(0);
                if self.max_col_width != 0 && w > self.max_col_width {
                    w = self.max_col_width;
                }
                if i >= widths.len() {
                    widths.push(w);
                } else if w > widths[i] {
                    widths[i] = w;
                }
            }
        }
        let mut lines = Vec::new();
        for row in &self.rows {
            let cells: Vec<Vec<String>> = row
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let shown = if widths[i] > 0 {
                        resize(c, widths[i])
                    } else {
                        c.clone()
                    };
                    shown.split('\n').map(str::to_string).collect()
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1);
            for line in 0..height {
                let parts: Vec<String> = cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let text = c.get(line).map(String::as_str).unwrap_or("");
                        if widths[i] > 0 {
                            resize(text, widths[i])
                        } else {
                            text.to_string()
                        }
                    })
                    .collect();
                lines.push(parts.join("\t"));
            }
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_and_truncates_like_uitable() {
        // `helm search repo --max-col-width 10` (Helm 3.10.1) printed:
        let mut t = Table::new(10);
        t.add_row(["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"]);
        t.add_row(["local/pacman", "0.1.0", "1.0.0", "A Helm chart for Pacman"]);
        assert_eq!(
            t.render(),
            "NAME      \tCHART V...\tAPP VER...\tDESCRIP...\nlocal/p...\t0.1.0     \t1.0.0     \tA Helm ..."
        );
    }
}
