//! Source positions: byte spans, file ids and line/column conversion.
//!
//! Everything in the crate stores byte offsets; 1-based line:column (Go's
//! convention, counted in bytes like Go does) and UTF-16 columns (for LSP) are
//! computed on demand from a [`LineIndex`].

use std::fmt;

/// Identifies one source text (a template file, a values file, a `tpl` string).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SourceId(pub u32);

/// A half-open byte range `start..end` inside one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub source: SourceId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        Span {
            source,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both (assumes the same source).
    pub fn cover(self, other: Span) -> Span {
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// 1-based line and column. `col` counts bytes, as Go's template errors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Line starts of a text, for offset → line/column conversion.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset at which each line starts; `line_starts[0] == 0`.
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        LineIndex {
            line_starts,
            len: text.len() as u32,
        }
    }

    /// Number of lines (a trailing newline starts a final empty line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line of a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = (offset as u32).min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset at which a 0-based line starts, if that line exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).map(|&s| s as usize)
    }

    /// 1-based line and 1-based byte column of an offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let line = self.line_of(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        LineCol {
            line: line as u32 + 1,
            col: (offset.min(self.len as usize).saturating_sub(start)) as u32 + 1,
        }
    }

    /// 0-based line and 0-based UTF-16 column of an offset (for LSP).
    pub fn utf16_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        let end = offset.min(text.len());
        let col = text
            .get(start..end)
            .map(|s| s.encode_utf16().count())
            .unwrap_or(0);
        (line as u32, col as u32)
    }

    /// Byte offset of a 0-based line and 0-based UTF-16 column, clamped to the line.
    pub fn offset_of_utf16(&self, text: &str, line: u32, col: u32) -> usize {
        let Some(start) = self.line_start(line as usize) else {
            return text.len();
        };
        let end = self
            .line_start(line as usize + 1)
            .unwrap_or(text.len())
            .min(text.len());
        let mut units = 0u32;
        let slice = text.get(start..end).unwrap_or("");
        for (i, ch) in slice.char_indices() {
            if units >= col || ch == '\n' {
                return start + i;
            }
            units += ch.len_utf16() as u32;
        }
        end
    }
}

/// A file's bytes as text, invalid UTF-8 replaced by U+FFFD as Go's
/// conversions do; borrows when the bytes are valid (nearly always), and
/// checks them with the standard library's fast validator first.
pub fn lossy_utf8(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_and_utf16() {
        let text = "ab\nçd€x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(idx.line_col(3), LineCol { line: 2, col: 1 });
        // 'd' is after the 2-byte 'ç'
        assert_eq!(idx.line_col(5), LineCol { line: 2, col: 3 });
        // 'x' is after ç(2 bytes) d(1) €(3 bytes): byte 9, utf-16 col 3
        assert_eq!(idx.utf16_position(text, 9), (1, 3));
        assert_eq!(idx.offset_of_utf16(text, 1, 3), 9);
    }
}
