//! Where runs are kept. A backend stores a run's metadata document, its records in order and
//! its lock; what the records mean, and when one must be durable, is decided above it.

use std::path::PathBuf;

use super::record::Record;
use super::store::TornTail;
use crate::error::Result;

pub trait Backend: Send + Sync {
    /// Where the runs are, for messages: `.runbook`.
    fn location(&self) -> String;

    /// The ids of the runs kept, sorted.
    fn run_ids(&self) -> Result<Vec<String>>;

    /// Claims the id `<stem>-<n>`, one past the highest `n` used so far, and locks it, so
    /// that a concurrent claim gets another.
    fn create_run(&self, stem: &str, command: &str) -> Result<(String, Box<dyn Lease>)>;

    /// The run's metadata document and where it was read; `None` for a run not kept here.
    fn read_meta(&self, id: &str) -> Result<Option<(String, PathBuf)>>;

    /// Replaces the run's metadata document whole, durably.
    fn write_meta(&self, id: &str, text: &str) -> Result<()>;

    /// Every record, checked in order; a torn last record is returned apart.
    fn read_records(&self, id: &str) -> Result<(Vec<Record>, Option<TornTail>)>;

    /// Takes the run for this process until the lease is dropped; `Error::Locked` names
    /// the holder when another has it.
    fn lock(&self, id: &str, command: &str) -> Result<Box<dyn Lease>>;

    /// Whether some process holds the run's lock right now.
    fn is_locked(&self, id: &str) -> bool;

    /// Who holds the run's lock, as its holder wrote it; `None` when no one does.
    fn holder(&self, id: &str) -> Result<Option<String>>;

    /// Lets the run go whoever holds it, for a holder that is gone but left its lock.
    fn unlock(&self, id: &str) -> Result<()>;

    /// Opens the run for appending, first cutting off `torn` when given.
    fn appender(&self, id: &str, torn: Option<&TornTail>) -> Result<Box<dyn Appender>>;

    /// Who this process runs as, for the runs it starts: `ana@laptop`.
    fn who(&self) -> String {
        super::who()
    }

    /// Deletes the run; the caller holds its lease.
    fn remove(&self, id: &str, lease: Box<dyn Lease>) -> Result<()>;
}

/// The highest `n` of the ids `<stem>-<n>` among `ids`, 0 when there is none.
pub fn highest_number(ids: &[String], stem: &str) -> u64 {
    let prefix = format!("{stem}-");
    ids.iter()
        .filter_map(|id| id.strip_prefix(&prefix)?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
}

/// A run held by this process; dropping it lets the run go.
pub trait Lease: Send {}

pub trait Appender: Send {
    /// Adds one encoded record; a `durable` one is on stable storage when this returns.
    /// A failed append leaves the records as they were.
    fn append(&mut self, seq: u64, line: &str, durable: bool) -> Result<()>;

    /// Where the records go, for messages.
    fn location(&self) -> String;
}
