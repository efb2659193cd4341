//! The one renderer for errors that point into a script: `check`, compile errors, run-time
//! failures and the REPL all print through `Diagnostic::render`, so a user sees one format:
//!
//! ```text
//! error: Function not found: frob (i64)
//!   --> runbooks/demo.rhai:3:5
//!    |
//!  3 |     frob(1);
//!    |     ^
//!    = step: create repository
//! ```

use std::fmt::Write;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip)]
    pub source_line: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            location: None,
            source_line: None,
            step: None,
            notes: Vec::new(),
        }
    }

    /// Points the diagnostic at `line:column` (1-based) of `file`, whose text is `source`.
    pub fn at(mut self, file: &str, source: &str, line: usize, column: usize) -> Diagnostic {
        self.source_line = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::to_string);
        self.location = Some(Location {
            file: file.to_string(),
            line,
            column: column.max(1),
        });
        self
    }

    pub fn in_step(mut self, step: Option<String>) -> Diagnostic {
        self.step = step;
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn render(&self) -> String {
        let mut out = format!("error: {}\n", self.message);
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |l| l.line.to_string().len())
            .max(1);
        let pad = " ".repeat(gutter);
        if let Some(loc) = &self.location {
            let _ = writeln!(out, "{pad}--> {}:{}:{}", loc.file, loc.line, loc.column);
            if let Some(text) = &self.source_line {
                // Tabs would put the caret in the wrong column on most terminals.
                let shown = text.replace('\t', "    ");
                let before: String = text.chars().take(loc.column - 1).collect();
                let caret_at = before.replace('\t', "    ").chars().count();
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{} | {}", loc.line, shown.trim_end());
                let _ = writeln!(out, "{pad} | {}^", " ".repeat(caret_at));
            }
        }
        if let Some(step) = &self.step {
            let _ = writeln!(out, "{pad} = step: {step}");
        }
        for note in &self.notes {
            let _ = writeln!(out, "{pad} = note: {note}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Diagnostic;

    #[test]
    fn renders_location_caret_step_and_notes() {
        let source = "let a = 1;\n\tfrob(a);\n";
        let d = Diagnostic::new("Function not found: frob (i64)")
            .at("demo.rhai", source, 2, 2)
            .in_step(Some("create repository".into()))
            .note("called from line 9");
        assert_eq!(
            d.render(),
            "error: Function not found: frob (i64)\n \
             --> demo.rhai:2:2\n  |\n2 |     frob(a);\n  |     ^\n  = step: create repository\n  \
             = note: called from line 9\n"
        );
    }

    #[test]
    fn renders_without_location() {
        assert_eq!(Diagnostic::new("boom").render(), "error: boom\n");
    }
}
