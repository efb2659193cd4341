//! The journal: the durable record of a run. This module owns the record format and its
//! guarantees; nothing outside it reads or writes a store (`backend.rs` says what a store
//! keeps; `local.rs` keeps it in a directory).
//!
//! Invariants:
//! - one process appends to a run at a time (the backend's lock; locally `lock.rs`);
//! - an outcome record (`completed`, `failed`, `interrupted`, undo outcomes) is fsynced
//!   before the caller goes on, so a step's value is durable before the script uses it;
//!   a `started` record is not, because losing it only means the step runs again;
//! - records are only ever appended; a torn last line (a crash mid-write) is cut off before
//!   the next append, with a warning, and any other damage refuses the run.

mod backend;
mod local;
mod lock;
mod record;
mod replay;
mod s3;
mod store;

use std::sync::Arc;
use std::time::SystemTime;

pub use record::{Event, Record, RecordedError, RedactedPart, Redaction, StepId, Stream};
pub use replay::{Outcome, ReplayIndex, StepEntry, StepStatus, UndoState};
pub use store::{RunContents, RunMeta, RunStatus, Store, TornTail, Unlocked};

use crate::error::Result;
use backend::{Appender, Backend, Lease};
use record::encode;

pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// The user and host this process runs as: `ana@laptop`, or only the host when the
/// environment names no user (a container, a CI runner).
pub fn who() -> String {
    match std::env::var("USER").or_else(|_| std::env::var("LOGNAME")) {
        Ok(user) if !user.is_empty() => format!("{user}@{}", host()),
        _ => host(),
    }
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "an unknown host".into())
}

/// This process as a run's holder names it: `` `runbook exec`, pid 4242 on ci-7, since ... ``.
pub fn holder(command: &str) -> String {
    format!(
        "`runbook {command}`, pid {} on {}, since {}",
        std::process::id(),
        host(),
        humantime::format_rfc3339_seconds(SystemTime::now())
    )
}

/// A run opened for writing: holds the lock for as long as it lives.
pub struct Journal {
    pub meta: RunMeta,
    backend: Arc<dyn Backend>,
    appender: Box<dyn Appender>,
    next_seq: u64,
    _lease: Box<dyn Lease>,
}

/// A freshly opened run, with what was already recorded.
pub struct Opened {
    pub journal: Journal,
    pub index: ReplayIndex,
    pub torn: Option<TornTail>,
}

impl Journal {
    /// Starts a new run of a script; its id is `<stem>-<n>`.
    pub fn create(
        store: &Store,
        stem: &str,
        meta: impl FnOnce(String) -> RunMeta,
    ) -> Result<Journal> {
        let (id, lease) = store.create_run(stem, "exec")?;
        let meta = meta(id);
        let backend = store.backend();
        store::write_meta(backend.as_ref(), &meta)?;
        let appender = store.appender(&meta.id, None)?;
        Ok(Journal {
            meta,
            backend,
            appender,
            next_seq: 1,
            _lease: lease,
        })
    }

    /// Takes over an existing run: locks it, reads the journal and cuts off a torn tail.
    pub fn open(store: &Store, id: &str, command: &str) -> Result<Opened> {
        let meta = store.meta(id)?;
        let lease = store.lock(id, command)?;
        let (records, torn) = store.records(id)?;
        let appender = store.appender(id, torn.as_ref())?;
        let next_seq = records.last().map_or(1, |r| r.seq + 1);
        let index = ReplayIndex::from_records(&records);
        Ok(Opened {
            journal: Journal {
                meta,
                backend: store.backend(),
                appender,
                next_seq,
                _lease: lease,
            },
            index,
            torn,
        })
    }

    pub fn id(&self) -> &str {
        &self.meta.id
    }

    /// Where the records go, for messages.
    pub fn location(&self) -> String {
        self.appender.location()
    }

    /// Appends one record; a durable one (`Event::is_durable`) reaches storage first.
    pub fn append(&mut self, event: Event) -> Result<()> {
        let durable = event.is_durable();
        let record = Record {
            seq: self.next_seq,
            at: now_rfc3339(),
            event,
        };
        self.appender
            .append(record.seq, &encode(&record), durable)?;
        self.next_seq += 1;
        Ok(())
    }

    pub fn save_meta(&self) -> Result<()> {
        store::write_meta(self.backend.as_ref(), &self.meta)
    }
}
