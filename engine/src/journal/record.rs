//! The journal's records and their line encoding. One record is one line of JSON whose last
//! member is a CRC-32 of everything before it:
//!
//! ```text
//! {"seq":3,"at":"2026-11-24T16:40:02.120Z","kind":"completed","position":0,...,"crc":"1c291ca3"}
//! ```
//!
//! The checksum covers the exact bytes written, so a flipped bit or a half-written line is
//! told apart from a record that is merely unusual.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub at: String,
    #[serde(flatten)]
    pub event: Event,
}

/// What happened. `position` is the step's place in the run's execution order (0-based):
/// the n-th step the script reaches is matched with the n-th step recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A process took the run over (`exec`, `resume` or `destroy`).
    Session {
        command: String,
        pid: u32,
    },
    Started {
        position: usize,
        step: StepId,
    },
    Completed {
        position: usize,
        value: Value,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        redactions: Vec<Redaction>,
        duration_ms: f64,
        attempts: u32,
    },
    Failed {
        position: usize,
        error: RecordedError,
        /// Absent from journals written before it was recorded.
        #[serde(default)]
        duration_ms: f64,
    },
    Interrupted {
        position: usize,
    },
    /// `resume --from`: every step from `position` on runs again.
    Rewound {
        position: usize,
    },
    UndoStarted {
        position: usize,
    },
    UndoCompleted {
        position: usize,
    },
    UndoFailed {
        position: usize,
        error: RecordedError,
    },
    /// Inside the step labelled `step`, a resource was found existing (`adopted`) or was
    /// about to be made. Recorded before the make, so a repeat of the step after a crash
    /// still knows the resource is its own.
    Claimed {
        step: String,
        resource: String,
        adopted: bool,
    },
    /// A line the script wrote with `log` or `print`, masked, from the step (or `undo of`
    /// the step) labelled `step`, or from code outside steps. For `runbook logs`; no replay
    /// reads it.
    Output {
        stream: Stream,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<String>,
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Log,
    Print,
}

impl Event {
    /// Whether the record must be on disk before the run goes on (fsync), decided here for
    /// every writer. An outcome must: a step that completed is not run again, an undo that
    /// ran is not run again, a claim keeps a resource its step's own. A start need not:
    /// losing it only means its step or undo runs again, as it would after any crash. Nor
    /// need a script's output line, which only `logs` reads.
    pub fn is_durable(&self) -> bool {
        !matches!(
            self,
            Event::Session { .. }
                | Event::Started { .. }
                | Event::UndoStarted { .. }
                | Event::Output { .. }
        )
    }
}

/// A step's identity: its name, how many steps of that name ran before it in the run, and a
/// hash of its body's source text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepId {
    pub name: String,
    pub occurrence: u32,
    pub hash: String,
    pub file: String,
    pub line: usize,
}

impl StepId {
    /// The name as users see it: `deploy` or, for a repeated name, `deploy #2`.
    pub fn label(&self) -> String {
        if self.occurrence == 0 {
            self.name.clone()
        } else {
            format!("{} #{}", self.name, self.occurrence + 1)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedError {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// A string inside a recorded value that held secret text. The value itself stores `"***"`
/// at `path` (a JSON pointer); `parts` rebuild the string once the secrets are known again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    pub path: String,
    pub parts: Vec<RedactedPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RedactedPart {
    Secret { secret: String },
    Text(String),
}

const CRC_SUFFIX_LEN: usize = r#","crc":"00000000"}"#.len();

/// Encodes a record as one line, newline included.
pub fn encode(record: &Record) -> String {
    let body = serde_json::to_string(record).expect("records hold only JSON-safe data");
    let open = &body[..body.len() - 1];
    let crc = crc32fast::hash(open.as_bytes());
    format!("{open},\"crc\":\"{crc:08x}\"}}\n")
}

/// Decodes one line (without its newline), checking the checksum.
pub fn decode(line: &str) -> Result<Record, String> {
    if line.len() < CRC_SUFFIX_LEN || !line.ends_with("\"}") {
        return Err("not a journal record".into());
    }
    let (open, suffix) = line.split_at(line.len() - CRC_SUFFIX_LEN);
    let stored = suffix
        .strip_prefix(",\"crc\":\"")
        .and_then(|s| s.strip_suffix("\"}"))
        .ok_or("the record has no checksum")?;
    let stored = u32::from_str_radix(stored, 16).map_err(|_| "the checksum is not hex")?;
    if crc32fast::hash(open.as_bytes()) != stored {
        return Err("checksum mismatch".into());
    }
    serde_json::from_str(&format!("{open}}}")).map_err(|e| format!("unreadable record: {e}"))
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, Event, Record, StepId};

    fn started() -> Record {
        Record {
            seq: 7,
            at: "2026-11-24T16:40:02.120Z".into(),
            event: Event::Started {
                position: 2,
                step: StepId {
                    name: "create \"repo\"".into(),
                    occurrence: 1,
                    hash: "ab12".into(),
                    file: "setup.rhai".into(),
                    line: 4,
                },
            },
        }
    }

    #[test]
    fn round_trips() {
        let line = encode(&started());
        assert!(line.ends_with("\"}\n"));
        assert_eq!(decode(line.trim_end()).unwrap(), started());
    }

    #[test]
    fn detects_a_flipped_byte() {
        let line = encode(&started()).replace("\"position\":2", "\"position\":3");
        assert_eq!(decode(line.trim_end()).unwrap_err(), "checksum mismatch");
    }

    #[test]
    fn detects_a_torn_line() {
        let line = encode(&started());
        assert!(decode(&line[..line.len() / 2]).is_err());
    }
}
