//! Script source text: slicing it by the positions the parser reports, and the step-body hash
//! that tells an edited step from an unchanged one.

use rhai::Position;
use sha2::{Digest, Sha256};

/// The byte offset of a 1-based `line:column` (columns count characters).
fn offset(source: &str, pos: Position) -> Option<usize> {
    let (line, column) = (pos.line()?, pos.position()?);
    let mut start = 0;
    for _ in 1..line {
        start += source[start..].find('\n')? + 1;
    }
    let text = &source[start..];
    let within = text
        .char_indices()
        .nth(column - 1)
        .map_or(text.len(), |(i, _)| i);
    Some(start + within)
}

/// The text from `start` to `end`, both included.
pub fn slice(source: &str, start: Position, end: Position) -> Option<&str> {
    let (from, to) = (offset(source, start)?, offset(source, end)?);
    let to = to + source[to..].chars().next().map_or(0, char::len_utf8);
    source.get(from..to)
}

/// The text from `start` up to (not including) `end`.
pub fn between(source: &str, start: Position, end: Position) -> Option<&str> {
    source.get(offset(source, start)?..offset(source, end)?)
}

/// A hash of a step body's text, insensitive to indentation and blank lines, so moving a
/// step or re-indenting it does not count as a change.
pub fn body_hash(body: &str) -> String {
    let mut hasher = Sha256::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A hash of a whole script file.
pub fn file_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use rhai::Position;

    use super::{body_hash, slice};

    #[test]
    fn slices_by_line_and_column() {
        let source = "let a = 1;\nstep \"é\" {\n  a + 1\n}\n";
        let text = slice(source, Position::new(2, 10), Position::new(4, 1)).unwrap();
        assert_eq!(text, "{\n  a + 1\n}");
    }

    #[test]
    fn hash_ignores_indentation_but_not_code() {
        assert_eq!(body_hash("{\n  a + 1\n}"), body_hash("{\n\n      a + 1\n}"));
        assert_ne!(body_hash("{ a + 1 }"), body_hash("{ a + 2 }"));
    }
}
