//! The replay index: the journal folded into what each step position last did. Later records
//! win: a step that ran again replaces its entry, `Rewound` forgets every position from its
//! own on. Claims (what a step made or adopted) are kept by step label and never forgotten:
//! the first claim of a resource in a step is the truth, whatever later attempts find.

use std::collections::BTreeMap;

use serde_json::Value;

use super::record::{Event, Record, RecordedError, Redaction, StepId};

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Started, and the process died before an outcome was written.
    Started,
    Completed {
        value: Value,
        redactions: Vec<Redaction>,
        duration_ms: f64,
    },
    Failed(RecordedError),
    Interrupted,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UndoState {
    NotStarted,
    Started,
    Completed,
    Failed(RecordedError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepEntry {
    pub step: StepId,
    pub outcome: Outcome,
    pub undo: UndoState,
}

impl StepEntry {
    pub fn is_completed(&self) -> bool {
        matches!(self.outcome, Outcome::Completed { .. })
    }

    /// Its state, as `status` and the REPL name it. In a destroyed run a completed step
    /// that was not undone was kept (no undo block, or what it claimed was adopted).
    pub fn status(&self, destroyed: bool) -> StepStatus {
        match (&self.undo, &self.outcome) {
            (UndoState::Completed, _) => StepStatus::Undone,
            (UndoState::Failed(_), _) => StepStatus::UndoFailed,
            (UndoState::Started, _) => StepStatus::Undoing,
            (_, Outcome::Completed { .. }) if destroyed => StepStatus::Kept,
            (_, Outcome::Completed { .. }) => StepStatus::Done,
            (_, Outcome::Failed(_)) => StepStatus::Failed,
            (_, Outcome::Interrupted) => StepStatus::Interrupted,
            (_, Outcome::Started) => StepStatus::Started,
        }
    }
}

/// The one set of words for a step's state: `status`, `plan`, the REPL and the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Started, and the process died before an outcome was written.
    Started,
    Done,
    Failed,
    Interrupted,
    Undoing,
    Undone,
    UndoFailed,
    /// Left in place by `destroy`.
    Kept,
    /// `plan`: done, but with a body that has changed since.
    Changed,
    /// `plan`: not done yet.
    Pending,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Started => "started",
            StepStatus::Done => "done",
            StepStatus::Failed => "failed",
            StepStatus::Interrupted => "interrupted",
            StepStatus::Undoing => "undoing",
            StepStatus::Undone => "undone",
            StepStatus::UndoFailed => "undo-failed",
            StepStatus::Kept => "kept",
            StepStatus::Changed => "changed",
            StepStatus::Pending => "pending",
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct ReplayIndex {
    entries: Vec<StepEntry>,
    /// step label → resource → adopted (true) or made (false).
    claims: BTreeMap<String, BTreeMap<String, bool>>,
}

impl ReplayIndex {
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> ReplayIndex {
        let mut index = ReplayIndex::default();
        for record in records {
            index.apply(&record.event);
        }
        index
    }

    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Session { .. } | Event::Output { .. } => {}
            Event::Started { position, step } => {
                let entry = StepEntry {
                    step: step.clone(),
                    outcome: Outcome::Started,
                    undo: UndoState::NotStarted,
                };
                if *position < self.entries.len() {
                    self.entries[*position] = entry;
                } else {
                    self.entries.push(entry);
                }
            }
            Event::Completed {
                position,
                value,
                redactions,
                duration_ms,
                ..
            } => {
                self.set_outcome(
                    *position,
                    Outcome::Completed {
                        value: value.clone(),
                        redactions: redactions.clone(),
                        duration_ms: *duration_ms,
                    },
                );
            }
            Event::Failed {
                position, error, ..
            } => self.set_outcome(*position, Outcome::Failed(error.clone())),
            Event::Interrupted { position } => self.set_outcome(*position, Outcome::Interrupted),
            Event::Rewound { position } => self.entries.truncate(*position),
            Event::UndoStarted { position } => self.set_undo(*position, UndoState::Started),
            Event::UndoCompleted { position } => self.set_undo(*position, UndoState::Completed),
            Event::UndoFailed { position, error } => {
                self.set_undo(*position, UndoState::Failed(error.clone()))
            }
            Event::Claimed {
                step,
                resource,
                adopted,
            } => {
                self.claims
                    .entry(step.clone())
                    .or_default()
                    .entry(resource.clone())
                    .or_insert(*adopted);
            }
        }
    }

    /// What the step labelled `step` claimed: resource → adopted.
    pub fn claims(&self, step: &str) -> Option<&BTreeMap<String, bool>> {
        self.claims.get(step)
    }

    fn set_outcome(&mut self, position: usize, outcome: Outcome) {
        if let Some(entry) = self.entries.get_mut(position) {
            entry.outcome = outcome;
        }
    }

    fn set_undo(&mut self, position: usize, undo: UndoState) {
        if let Some(entry) = self.entries.get_mut(position) {
            entry.undo = undo;
        }
    }

    pub fn get(&self, position: usize) -> Option<&StepEntry> {
        self.entries.get(position)
    }

    pub fn entries(&self) -> &[StepEntry] {
        &self.entries
    }

    /// Whether a `destroy` has begun on this run.
    pub fn destroy_started(&self) -> bool {
        self.entries.iter().any(|e| e.undo != UndoState::NotStarted)
    }

    /// The position of the first step called `name` (or `name #k` for a repeated name).
    pub fn position_of(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.step.label() == name || e.step.name == name)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Outcome, ReplayIndex};
    use crate::journal::record::{Event, StepId};

    fn step(name: &str) -> StepId {
        StepId {
            name: name.into(),
            occurrence: 0,
            hash: "h".into(),
            file: "f".into(),
            line: 1,
        }
    }

    fn completed(position: usize) -> Event {
        Event::Completed {
            position,
            value: json!(position),
            redactions: vec![],
            duration_ms: 1.0,
            attempts: 1,
        }
    }

    #[test]
    fn a_rerun_replaces_its_entry_and_rewind_forgets_the_rest() {
        let mut index = ReplayIndex::default();
        for (i, name) in ["a", "b", "c"].iter().enumerate() {
            index.apply(&Event::Started {
                position: i,
                step: step(name),
            });
            index.apply(&completed(i));
        }
        index.apply(&Event::Started {
            position: 1,
            step: step("b"),
        });
        assert_eq!(index.get(1).unwrap().outcome, Outcome::Started);
        assert!(index.get(2).unwrap().is_completed());
        index.apply(&Event::Rewound { position: 1 });
        assert_eq!(index.entries().len(), 1);
        assert_eq!(index.position_of("a"), Some(0));
    }

    #[test]
    fn the_first_claim_of_a_resource_in_a_step_stands() {
        let mut index = ReplayIndex::default();
        let claim = |adopted| Event::Claimed {
            step: "bucket".into(),
            resource: "s3 bucket b".into(),
            adopted,
        };
        index.apply(&claim(false));
        index.apply(&Event::Rewound { position: 0 });
        index.apply(&claim(true));
        assert!(!index.claims("bucket").unwrap()["s3 bucket b"]);
        assert!(index.claims("other").is_none());
    }
}
