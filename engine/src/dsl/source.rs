//! Script source text: slicing it by the positions the parser reports, and the step-body hash
//! that tells an edited step from an unchanged one.

use std::rc::Rc;

use rhai::Position;
use sha2::{Digest, Sha256};

/// A text and where each of its lines starts, so that the parser's 1-based `line:column`
/// positions (columns count characters) turn into byte offsets without reading the text from
/// the top for each one: a script of a thousand steps slices a thousand bodies.
pub struct Lines {
    text: Rc<str>,
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: Rc<str>) -> Lines {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The byte offset of `pos`.
    pub fn offset(&self, pos: Position) -> Option<usize> {
        let (line, column) = (pos.line()?, pos.position()?);
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let rest = &self.text[start..];
        let within = rest
            .char_indices()
            .nth(column.checked_sub(1)?)
            .map_or(rest.len(), |(i, _)| i);
        Some(start + within)
    }

    /// The text from `start` to `end`, both included.
    pub fn slice(&self, start: Position, end: Position) -> Option<&str> {
        let (from, to) = (self.offset(start)?, self.offset(end)?);
        let to = to + self.text[to..].chars().next().map_or(0, char::len_utf8);
        self.text.get(from..to)
    }

    /// The text from `start` up to (not including) `end`.
    pub fn between(&self, start: Position, end: Position) -> Option<&str> {
        self.text.get(self.offset(start)?..self.offset(end)?)
    }
}

/// A hash of a step body's text, insensitive to indentation and blank lines, so moving a
/// step or re-indenting it does not count as a change.
pub fn body_hash(body: &str) -> String {
    let mut hasher = Sha256::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
    }
    hex(&hasher.finalize()[..8])
}

/// A hash of a whole script file.
pub fn file_hash(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Bytes in lowercase hex. A `format!` a byte was a third of a replayed step's cost.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use rhai::Position;

    use super::{body_hash, file_hash, hex, Lines};

    #[test]
    fn slices_by_line_and_column() {
        let lines = Lines::new("let a = 1;\nstep \"é\" {\n  a + 1\n}\n".into());
        let text = lines
            .slice(Position::new(2, 10), Position::new(4, 1))
            .unwrap();
        assert_eq!(text, "{\n  a + 1\n}");
        assert_eq!(
            lines.between(Position::new(1, 5), Position::new(1, 6)),
            Some("a")
        );
        assert_eq!(lines.slice(Position::new(9, 1), Position::new(9, 2)), None);
    }

    #[test]
    fn hash_ignores_indentation_but_not_code() {
        assert_eq!(body_hash("{\n  a + 1\n}"), body_hash("{\n\n      a + 1\n}"));
        assert_ne!(body_hash("{ a + 1 }"), body_hash("{ a + 2 }"));
    }

    /// Journals keep these hashes: the same text must give the same digits as before.
    #[test]
    fn hashes_are_lowercase_hex_of_sha256() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(
            file_hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(body_hash("{ 0 }"), "e488e6ff456ab24f");
    }
}
