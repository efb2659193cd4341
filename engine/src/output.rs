//! Everything a run says. Human progress goes to stderr (a line per step); with `--json`,
//! machine-readable NDJSON events go to stdout. Every byte passes the secret redaction here,
//! so no other module can print a secret by mistake.

use std::io::Write;
use std::rc::Rc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;
use crate::dsl::secrets::Secrets;
use crate::events::Event;
use crate::journal::now_rfc3339;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
    /// `-vv`: also each AWS request's attempts and retry decisions.
    Trace,
}

pub struct Output {
    json: bool,
    verbosity: Verbosity,
    secrets: Rc<Secrets>,
}

impl Output {
    pub fn new(json: bool, verbosity: Verbosity, secrets: Rc<Secrets>) -> Output {
        Output {
            json,
            verbosity,
            secrets,
        }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Whether progress lines show (not under `-q`).
    pub fn shows_progress(&self) -> bool {
        self.verbosity >= Verbosity::Normal
    }

    pub fn secrets(&self) -> &Rc<Secrets> {
        &self.secrets
    }

    /// One NDJSON event on stdout (only with `--json`).
    pub fn event(&self, event: Event) {
        self.event_at(event, &now_rfc3339());
    }

    /// An event that happened `at`, told again from the journal (`logs`).
    pub fn event_at(&self, event: Event, at: &str) {
        if !self.json {
            return;
        }
        let mut event = match serde_json::to_value(event) {
            Ok(Value::Object(members)) => members,
            _ => Map::new(),
        };
        event.insert("at".into(), at.into());
        let (event, _) = self.secrets.encode(Value::Object(event));
        // Serialised to bytes and written at once: through `Display` and `writeln!`, each
        // piece of the JSON went through the formatter and the line buffer's newline search.
        let mut line = serde_json::to_vec(&event).unwrap_or_default();
        line.push(b'\n');
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&line);
        let _ = out.flush();
    }

    /// A progress line on stderr; hidden by `-q`.
    pub fn progress(&self, line: &str) {
        if self.verbosity >= Verbosity::Normal {
            to_stderr(&self.secrets.redact(line));
        }
    }

    /// A detail shown with `-v`.
    pub fn detail(&self, line: &str) {
        if self.verbosity >= Verbosity::Verbose {
            to_stderr(&self.secrets.redact(line));
        }
    }

    pub fn warn(&self, message: &str) {
        to_stderr(&format!("warning: {}", self.secrets.redact(message)));
        self.event(Event::Warning {
            message: message.to_string(),
        });
    }

    /// An error without a place in a script: `error: ...` on stderr.
    pub fn error(&self, message: &str) {
        to_stderr(&format!("error: {}", self.secrets.redact(message)));
    }

    pub fn diagnostic(&self, diagnostic: &Diagnostic) {
        let _ = std::io::stderr().write_all(self.secrets.redact(&diagnostic.render()).as_bytes());
    }

    /// Plain output on stdout (reports, tables), redacted.
    pub fn stdout(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", self.secrets.redact(text));
    }

    /// The script's `print`: stdout, or a `print` event with `--json`.
    pub fn print(&self, text: &str, step: Option<&str>) {
        if self.json {
            self.event(Event::Print {
                message: text.to_string(),
                step: step.map(str::to_string),
            });
        } else {
            self.stdout(text);
        }
    }

    /// The script's `log`: stderr, or a `log` event with `--json`.
    pub fn log(&self, text: &str, step: Option<&str>) {
        if self.json {
            self.event(Event::Log {
                message: text.to_string(),
                step: step.map(str::to_string),
            });
        } else if self.verbosity >= Verbosity::Normal {
            for line in self.secrets.redact(text).lines() {
                to_stderr(&format!("  | {line}"));
            }
        }
    }
}

/// A line on stderr in one write: `eprintln!` writes the text and its newline apart, two
/// system calls a line on unbuffered stderr, and a replay prints a line a step.
fn to_stderr(line: &str) {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    let _ = std::io::stderr().write_all(&bytes);
}

/// `12 ms`, `1.50 s`, `2m03s`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        let secs = d.as_secs();
        format!("{}m{:02}s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::duration;

    #[test]
    fn formats_durations_for_people() {
        assert_eq!(duration(Duration::from_millis(12)), "12 ms");
        assert_eq!(duration(Duration::from_millis(1500)), "1.50 s");
        assert_eq!(duration(Duration::from_secs(123)), "2m03s");
    }
}
