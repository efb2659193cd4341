//! The embedded file store: `<state-dir>/runs/<run-id>/` holding `journal.jsonl` (the
//! append-only record of what happened), `run.json` (the run's metadata, replaced atomically)
//! and `lock`. Directories are created 0700 and files 0600: journals hold step outputs.

use std::collections::BTreeMap;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lock::RunLock;
use super::record::{decode, Record};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    Done,
    Failed,
    Interrupted,
    Destroying,
    Destroyed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Done => "done",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Destroying => "destroying",
            RunStatus::Destroyed => "destroyed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    pub id: String,
    pub script: PathBuf,
    pub script_hash: String,
    pub params: BTreeMap<String, Value>,
    /// The steps the script shows (a step in a loop or a function counts once): `runs`
    /// measures progress against it. Absent in runs recorded before it was kept.
    #[serde(default)]
    pub planned_steps: Option<usize>,
    pub started_at: String,
    #[serde(default)]
    pub ended_at: Option<String>,
    pub status: RunStatus,
    #[serde(default)]
    pub error: Option<String>,
}

/// A torn last line: a crash interrupted the write of the journal's final record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    pub line: usize,
    pub offset: u64,
}

/// Everything read back from a run's directory.
#[derive(Debug)]
pub struct RunContents {
    pub meta: RunMeta,
    pub records: Vec<Record>,
    pub torn: Option<TornTail>,
}

pub struct Store {
    root: PathBuf,
}

pub(super) const JOURNAL: &str = "journal.jsonl";
const META: &str = "run.json";
pub(super) const LOCK: &str = "lock";

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn runs_dir(&self) -> PathBuf {
        self.root.join("runs")
    }

    pub(super) fn run_dir(&self, id: &str) -> PathBuf {
        self.runs_dir().join(id)
    }

    /// Makes a new run directory named `<stem>-<n>`, one past the highest `n` used so far.
    pub(super) fn new_run_dir(&self, stem: &str) -> Result<(String, PathBuf)> {
        let runs = self.runs_dir();
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&runs)
            .map_err(|e| Error::state(format!("cannot create {}", runs.display()), e))?;
        let prefix = format!("{stem}-");
        let mut n = self
            .run_ids()?
            .iter()
            .filter_map(|id| id.strip_prefix(&prefix)?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        loop {
            n += 1;
            let id = format!("{stem}-{n}");
            let dir = runs.join(&id);
            // create_dir is atomic: a concurrent `exec` that picked the same number moves on.
            match DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => return Ok((id, dir)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::state(format!("cannot create {}", dir.display()), e)),
            }
        }
    }

    pub fn run_ids(&self) -> Result<Vec<String>> {
        let runs = self.runs_dir();
        let entries = match fs::read_dir(&runs) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::state(format!("cannot list {}", runs.display()), e)),
        };
        let mut ids: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().join(META).is_file())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|id| !id.starts_with('.'))
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// Every run's metadata, oldest first.
    pub fn list(&self) -> Result<Vec<RunMeta>> {
        let mut metas = Vec::new();
        for id in self.run_ids()? {
            metas.push(self.meta(&id)?);
        }
        metas.sort_by(|a, b| (&a.started_at, &a.id).cmp(&(&b.started_at, &b.id)));
        Ok(metas)
    }

    pub fn meta(&self, id: &str) -> Result<RunMeta> {
        let path = self.run_dir(id).join(META);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::UnknownRun(
                    id.to_string(),
                    self.root.display().to_string(),
                ))
            }
            Err(e) => return Err(Error::state(format!("cannot read {}", path.display()), e)),
        };
        serde_json::from_str(&text).map_err(|e| Error::Damaged {
            path: path.clone(),
            line: e.line(),
            reason: e.to_string(),
        })
    }

    /// Reads a run without taking its lock (for `status`, `plan` and `runs`).
    pub fn read(&self, id: &str) -> Result<RunContents> {
        let meta = self.meta(id)?;
        let (records, torn) = read_journal(&self.run_dir(id).join(JOURNAL))?;
        Ok(RunContents {
            meta,
            records,
            torn,
        })
    }

    /// Whether a process owns the run right now.
    pub fn is_active(&self, id: &str) -> bool {
        RunLock::is_held(&self.run_dir(id).join(LOCK))
    }

    /// A run's status as users need it: `running` only while a process really owns the run.
    pub fn live_status(&self, meta: &RunMeta) -> &'static str {
        match meta.status {
            RunStatus::Running if !self.is_active(&meta.id) => "stopped",
            status => status.as_str(),
        }
    }

    /// Deletes a run, under its lock so that no process can be using it. It is first renamed
    /// to a hidden name, so a crash part-way leaves no half-run that `runs` would list.
    pub fn remove(&self, id: &str) -> Result<()> {
        let dir = self.run_dir(id);
        let lock = RunLock::acquire(&dir.join(LOCK), id, "runs prune")?;
        let hidden = self.runs_dir().join(format!(".{id}.removing"));
        fs::rename(&dir, &hidden)
            .map_err(|e| Error::state(format!("cannot remove {}", dir.display()), e))?;
        drop(lock);
        fs::remove_dir_all(&hidden)
            .map_err(|e| Error::state(format!("cannot remove {}", hidden.display()), e))
    }

    pub(super) fn write_meta(dir: &Path, meta: &RunMeta) -> Result<()> {
        let text = serde_json::to_string_pretty(meta).expect("run metadata is plain data");
        let tmp = dir.join(format!("{META}.tmp"));
        let target = dir.join(META);
        let written = (|| {
            let mut file = create_private(&tmp, true)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            fs::rename(&tmp, &target)?;
            File::open(dir)?.sync_all()
        })();
        written.map_err(|e| Error::state(format!("cannot write {}", target.display()), e))
    }
}

pub(super) fn create_private(path: &Path, truncate: bool) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(truncate)
        .append(!truncate)
        .mode(0o600)
        .open(path)
}

/// Reads every record, checking checksums and sequence numbers. Only the last line may be
/// damaged (a crash in the middle of its write): it is reported as a torn tail. Damage
/// anywhere else is refused with its line number.
pub(super) fn read_journal(path: &Path) -> Result<(Vec<Record>, Option<TornTail>)> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), None)),
        Err(e) => return Err(Error::state(format!("cannot read {}", path.display()), e)),
    };
    let mut records: Vec<Record> = Vec::new();
    let mut offset = 0usize;
    let mut line_no = 0usize;
    while offset < bytes.len() {
        line_no += 1;
        let end = bytes[offset..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| offset + i);
        let line = &bytes[offset..end.unwrap_or(bytes.len())];
        let is_last = end.is_none_or(|e| e + 1 >= bytes.len());
        let decoded = std::str::from_utf8(line)
            .map_err(|_| "not UTF-8".to_string())
            .and_then(decode)
            .and_then(|record| {
                let expected = records.last().map_or(1, |r| r.seq + 1);
                if record.seq == expected {
                    Ok(record)
                } else {
                    Err(format!(
                        "sequence number {} where {expected} was expected",
                        record.seq
                    ))
                }
            });
        match decoded {
            Ok(record) => records.push(record),
            Err(_) if is_last => {
                return Ok((
                    records,
                    Some(TornTail {
                        line: line_no,
                        offset: offset as u64,
                    }),
                ))
            }
            Err(reason) => {
                return Err(Error::Damaged {
                    path: path.to_path_buf(),
                    line: line_no,
                    reason,
                })
            }
        }
        offset = end.map_or(bytes.len(), |e| e + 1);
    }
    Ok((records, None))
}
