//! The journal: the durable record of a run. This module owns the on-disk format and its
//! guarantees; nothing outside it reads or writes the files.
//!
//! Invariants:
//! - one process appends to a run at a time (the lock in `lock.rs`);
//! - an outcome record (`completed`, `failed`, `interrupted`, undo outcomes) is fsynced
//!   before the caller goes on, so a step's value is durable before the script uses it;
//!   a `started` record is not, because losing it only means the step runs again;
//! - records are only ever appended; a torn last line (a crash mid-write) is cut off before
//!   the next append, with a warning, and any other damage refuses the run.

mod lock;
mod record;
mod replay;
mod store;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use record::{Event, Record, RecordedError, RedactedPart, Redaction, StepId, Stream};
pub use replay::{Outcome, ReplayIndex, StepEntry, StepStatus, UndoState};
pub use store::{RunContents, RunMeta, RunStatus, Store, TornTail};

use crate::error::{Error, Result};
use lock::RunLock;
use record::encode;

pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// A run opened for writing: holds the lock for as long as it lives.
pub struct Journal {
    pub meta: RunMeta,
    dir: PathBuf,
    file: File,
    next_seq: u64,
    _lock: RunLock,
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
        let (id, dir) = store.new_run_dir(stem)?;
        let lock = RunLock::acquire(&dir.join(store::LOCK), &id, "exec")?;
        let meta = meta(id);
        Store::write_meta(&dir, &meta)?;
        let file = open_append(&dir)?;
        Ok(Journal {
            meta,
            dir,
            file,
            next_seq: 1,
            _lock: lock,
        })
    }

    /// Takes over an existing run: locks it, reads the journal and cuts off a torn tail.
    pub fn open(store: &Store, id: &str, command: &str) -> Result<Opened> {
        let meta = store.meta(id)?;
        let dir = store.run_dir(id);
        let lock = RunLock::acquire(&dir.join(store::LOCK), id, command)?;
        let path = dir.join(store::JOURNAL);
        let (records, torn) = store::read_journal(&path)?;
        if let Some(tail) = &torn {
            let file = store::create_private(&path, false)
                .and_then(|f| f.set_len(tail.offset).and_then(|()| f.sync_all()));
            file.map_err(|e| Error::state(format!("cannot repair {}", path.display()), e))?;
        }
        let file = open_append(&dir)?;
        let next_seq = records.last().map_or(1, |r| r.seq + 1);
        let index = ReplayIndex::from_records(&records);
        Ok(Opened {
            journal: Journal {
                meta,
                dir,
                file,
                next_seq,
                _lock: lock,
            },
            index,
            torn,
        })
    }

    pub fn id(&self) -> &str {
        &self.meta.id
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(store::JOURNAL)
    }

    /// Appends one record; a durable one (`Event::is_durable`) reaches the disk first.
    pub fn append(&mut self, event: Event) -> Result<()> {
        let durable = event.is_durable();
        let record = Record {
            seq: self.next_seq,
            at: now_rfc3339(),
            event,
        };
        let line = encode(&record);
        let before = self.file.metadata().map(|m| m.len());
        let written = self.file.write_all(line.as_bytes()).and_then(|()| {
            if durable {
                self.file.sync_data()
            } else {
                Ok(())
            }
        });
        if let Err(error) = written {
            // A full disk or a file size limit can take half a line: cut it off again, so
            // the journal ends on a whole record whatever is written to it next.
            if let Ok(len) = before {
                let _ = self.file.set_len(len);
            }
            return Err(Error::state(
                format!("cannot write {}", self.path().display()),
                error,
            ));
        }
        self.next_seq += 1;
        Ok(())
    }

    pub fn save_meta(&self) -> Result<()> {
        Store::write_meta(&self.dir, &self.meta)
    }
}

fn open_append(dir: &Path) -> Result<File> {
    let path = dir.join(store::JOURNAL);
    store::create_private(&path, false)
        .map_err(|e| Error::state(format!("cannot open {}", path.display()), e))
}
