//! The `--json` protocol: what a command tells a program reading its stdout, one JSON object
//! a line. Each has `event` (its kind: the variant's name in snake case) and `at` (RFC 3339,
//! UTC), then the members below. README's "The --json protocol" lists them, and
//! tests/protocol.rs checks every kind a run emits against that list.

use serde::Serialize;
use serde_json::Value;

use crate::journal::Event as Record;

/// Which step an event is about.
#[derive(Debug, Clone, Serialize)]
pub struct StepRef {
    /// `None` in the REPL, whose steps are not journaled.
    pub run: Option<String>,
    pub step: String,
    /// 0 for the first step of a name, n for its n+1-th.
    pub occurrence: u32,
    /// The step's place in the run's journal.
    pub position: usize,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStarted {
        run: String,
        /// `exec`, `resume` or `destroy`.
        command: String,
        script: String,
    },
    RunFinished {
        run: String,
        /// The run's status after the command (as `runbook runs` shows it).
        status: &'static str,
        ran: usize,
        replayed: usize,
        undone: usize,
        left_in_place: usize,
        duration_ms: f64,
    },
    StepStarted {
        #[serde(flatten)]
        step: StepRef,
    },
    /// A finished step whose recorded value was used instead of running it.
    StepReplayed {
        #[serde(flatten)]
        step: StepRef,
    },
    StepCompleted {
        #[serde(flatten)]
        step: StepRef,
        duration_ms: f64,
        attempts: u32,
    },
    /// An attempt failed and the step's `retries` allow another.
    StepRetry {
        #[serde(flatten)]
        step: StepRef,
        attempt: u32,
        error: String,
    },
    StepFailed {
        #[serde(flatten)]
        step: StepRef,
        error: String,
        duration_ms: f64,
    },
    StepInterrupted {
        #[serde(flatten)]
        step: StepRef,
    },
    /// `destroy` kept what a step made: it has no undo, or (`reason: "adopted"`) what it
    /// found existed before the run.
    StepLeftInPlace {
        run: String,
        step: String,
        position: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<&'static str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        resources: Vec<String>,
    },
    UndoStarted {
        #[serde(flatten)]
        step: StepRef,
    },
    UndoCompleted {
        #[serde(flatten)]
        step: StepRef,
    },
    UndoFailed {
        #[serde(flatten)]
        step: StepRef,
        error: String,
    },
    /// `log(...)`, from the step labelled `step` (absent outside steps).
    Log {
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        step: Option<String>,
    },
    /// `print(...)`.
    Print {
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        step: Option<String>,
    },
    Warning {
        message: String,
    },
    /// What ended the command unsuccessfully; the last event it emits.
    Error {
        message: String,
        exit_code: i32,
        /// The place in the script, when there is one (`message`, `location`, `step`,
        /// `notes`).
        diagnostic: Option<Value>,
    },
    /// An AWS call is tried again: an IAM change not visible yet (`reason: "propagation"`).
    AwsRetry {
        service: &'static str,
        operation: &'static str,
        code: String,
        message: String,
        reason: &'static str,
        attempt: u32,
        delay_ms: u64,
        waited_ms: u64,
    },
    /// One poll of a wait (`ecs::wait_services_stable`): what it saw, and whether it is over.
    Wait {
        what: String,
        state: String,
        elapsed_ms: u64,
        done: bool,
    },
}

impl Event {
    /// The event that tells of `record`, a change the journal records of `step`; none for
    /// what only the journal needs (a session, a rewind, a claim, a line of output, which
    /// the output told when it was written). Every change to a step or
    /// an undo is told from its record, so `--json` never says what the journal does not.
    pub fn of_record(record: &Record, step: StepRef) -> Option<Event> {
        Some(match record {
            Record::Started { .. } => Event::StepStarted { step },
            Record::Completed {
                duration_ms,
                attempts,
                ..
            } => Event::StepCompleted {
                step,
                duration_ms: *duration_ms,
                attempts: *attempts,
            },
            Record::Failed {
                error, duration_ms, ..
            } => Event::StepFailed {
                step,
                error: error.message.clone(),
                duration_ms: *duration_ms,
            },
            Record::Interrupted { .. } => Event::StepInterrupted { step },
            Record::UndoStarted { .. } => Event::UndoStarted { step },
            Record::UndoCompleted { .. } => Event::UndoCompleted { step },
            Record::UndoFailed { error, .. } => Event::UndoFailed {
                step,
                error: error.message.clone(),
            },
            Record::Session { .. }
            | Record::Rewound { .. }
            | Record::Claimed { .. }
            | Record::Output { .. } => return None,
        })
    }
}
