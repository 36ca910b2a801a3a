//! The only place that knows LSP positions: converting between byte offsets
//! (what chart-core speaks) and `line`/`character` in the negotiated encoding
//! (UTF-16 by default, UTF-8 when the client offers it). Lines end at `\n`,
//! `\r\n` or `\r`, as the LSP specification says.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range};

/// How `Position.character` counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

/// Byte offset of a position, clamped to the line's end and the text's end
/// (clients may send positions past a line's end; that means the line end).
pub fn offset(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    char_index(rope, pos, enc)
        .map(|c| rope.char_to_byte(c))
        .unwrap_or(rope.len_bytes())
}

/// Char index of a position (for rope edits), clamped like [`offset`].
pub fn char_index(rope: &Rope, pos: Position, enc: Encoding) -> Option<usize> {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return Some(rope.len_chars());
    }
    let line_start = rope.line_to_char(line);
    let line_end = line_content_end(rope, line);
    let col = pos.character as usize;
    let c = match enc {
        Encoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(line_start);
            let end_cu = rope.char_to_utf16_cu(line_end);
            rope.utf16_cu_to_char((start_cu + col).min(end_cu))
        }
        Encoding::Utf8 => {
            let start_b = rope.char_to_byte(line_start);
            let end_b = rope.char_to_byte(line_end);
            rope.byte_to_char((start_b + col).min(end_b))
        }
    };
    Some(c.clamp(line_start, line_end))
}

/// Char index where a line's content ends (before its line break).
fn line_content_end(rope: &Rope, line: usize) -> usize {
    let next = if line + 1 < rope.len_lines() {
        rope.line_to_char(line + 1)
    } else {
        return rope.len_chars();
    };
    let mut end = next;
    if end > 0 && rope.char(end - 1) == '\n' {
        end -= 1;
    }
    if end > 0 && rope.char(end - 1) == '\r' {
        end -= 1;
    }
    end.max(rope.line_to_char(line))
}

/// The position of a byte offset (clamped to the text; an offset inside a
/// character counts as that character's start).
pub fn position(rope: &Rope, byte: usize, enc: Encoding) -> Position {
    let byte = byte.min(rope.len_bytes());
    let c = rope.byte_to_char(byte);
    let line = rope.char_to_line(c);
    let line_start = rope.line_to_char(line);
    let character = match enc {
        Encoding::Utf16 => rope.char_to_utf16_cu(c) - rope.char_to_utf16_cu(line_start),
        Encoding::Utf8 => rope.char_to_byte(c) - rope.char_to_byte(line_start),
    };
    Position::new(line as u32, character as u32)
}

/// The range of a byte span.
pub fn range(rope: &Rope, start: usize, end: usize, enc: Encoding) -> Range {
    Range::new(
        position(rope, start, enc),
        position(rope, end.max(start), enc),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_columns() {
        // é is 2 bytes / 1 unit, 😀 is 4 bytes / 2 units.
        let rope = Rope::from_str("a: é😀x\r\nb\rc\n");
        let x = "a: é😀".len();
        assert_eq!(position(&rope, x, Encoding::Utf16), Position::new(0, 6));
        assert_eq!(position(&rope, x, Encoding::Utf8), Position::new(0, 9));
        assert_eq!(offset(&rope, Position::new(0, 6), Encoding::Utf16), x);
        assert_eq!(offset(&rope, Position::new(0, 9), Encoding::Utf8), x);
        // Past the end of a line: the line's end, before `\r\n`.
        assert_eq!(offset(&rope, Position::new(0, 99), Encoding::Utf16), x + 1);
        // A lone `\r` ends a line too.
        assert_eq!(
            position(&rope, "a: é😀x\r\nb\r".len(), Encoding::Utf16),
            Position::new(2, 0)
        );
        // Past the last line: the end of the text.
        assert_eq!(
            offset(&rope, Position::new(9, 0), Encoding::Utf16),
            rope.len_bytes()
        );
    }
}
