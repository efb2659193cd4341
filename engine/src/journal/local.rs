//! The local store: `<state-dir>/runs/<run-id>/` holding `journal.jsonl` (the append-only
//! record of what happened), `run.json` (the run's metadata, replaced atomically) and `lock`.
//! Directories are created 0700 and files 0600: journals hold step outputs.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::backend::{highest_number, Appender, Backend, Lease};
use super::lock::RunLock;
use super::record::{decode, Record};
use super::store::TornTail;
use crate::error::{Error, Result};

const JOURNAL: &str = "journal.jsonl";
const META: &str = "run.json";
const LOCK: &str = "lock";

pub struct LocalBackend {
    root: PathBuf,
}

impl LocalBackend {
    pub fn new(root: PathBuf) -> LocalBackend {
        LocalBackend { root }
    }

    fn runs_dir(&self) -> PathBuf {
        self.root.join("runs")
    }

    fn run_dir(&self, id: &str) -> PathBuf {
        self.runs_dir().join(id)
    }
}

impl Lease for RunLock {}

impl Backend for LocalBackend {
    fn location(&self) -> String {
        self.root.display().to_string()
    }

    fn run_ids(&self) -> Result<Vec<String>> {
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

    fn create_run(&self, stem: &str, command: &str) -> Result<(String, Box<dyn Lease>)> {
        let runs = self.runs_dir();
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&runs)
            .map_err(|e| Error::state(format!("cannot create {}", runs.display()), e))?;
        let mut n = highest_number(&self.run_ids()?, stem);
        loop {
            n += 1;
            let id = format!("{stem}-{n}");
            let dir = runs.join(&id);
            // create_dir is atomic: a concurrent `exec` that picked the same number moves on.
            match DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => {
                    let lease = self.lock(&id, command)?;
                    return Ok((id, lease));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::state(format!("cannot create {}", dir.display()), e)),
            }
        }
    }

    fn read_meta(&self, id: &str) -> Result<Option<(String, PathBuf)>> {
        let path = self.run_dir(id).join(META);
        match fs::read_to_string(&path) {
            Ok(text) => Ok(Some((text, path))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::state(format!("cannot read {}", path.display()), e)),
        }
    }

    fn write_meta(&self, id: &str, text: &str) -> Result<()> {
        let dir = self.run_dir(id);
        let tmp = dir.join(format!("{META}.tmp"));
        let target = dir.join(META);
        let written = (|| {
            let mut file = create_private(&tmp, true)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            fs::rename(&tmp, &target)?;
            File::open(&dir)?.sync_all()
        })();
        written.map_err(|e| Error::state(format!("cannot write {}", target.display()), e))
    }

    fn read_records(&self, id: &str) -> Result<(Vec<Record>, Option<TornTail>)> {
        read_journal(&self.run_dir(id).join(JOURNAL))
    }

    fn lock(&self, id: &str, command: &str) -> Result<Box<dyn Lease>> {
        let lock = RunLock::acquire(&self.run_dir(id).join(LOCK), id, command)?;
        Ok(Box::new(lock))
    }

    fn is_locked(&self, id: &str) -> bool {
        RunLock::is_held(&self.run_dir(id).join(LOCK))
    }

    fn holder(&self, id: &str) -> Result<Option<String>> {
        if !self.is_locked(id) {
            return Ok(None);
        }
        let text = fs::read_to_string(self.run_dir(id).join(LOCK)).unwrap_or_default();
        Ok(Some(text.trim().to_string()))
    }

    /// A local lock is the kernel's: it holds exactly as long as its process lives.
    fn unlock(&self, id: &str) -> Result<()> {
        let holder = self.holder(id)?.unwrap_or_default();
        Err(Error::Refused(format!(
            "run {id} is held by a live process on this machine ({holder}); its lock goes \
             when that process ends: stop it (Ctrl-C, or `kill PID`) rather than unlock"
        )))
    }

    fn appender(&self, id: &str, torn: Option<&TornTail>) -> Result<Box<dyn Appender>> {
        let path = self.run_dir(id).join(JOURNAL);
        if let Some(tail) = torn {
            let file = create_private(&path, false)
                .and_then(|f| f.set_len(tail.offset).and_then(|()| f.sync_all()));
            file.map_err(|e| Error::state(format!("cannot repair {}", path.display()), e))?;
        }
        let file = create_private(&path, false)
            .map_err(|e| Error::state(format!("cannot open {}", path.display()), e))?;
        Ok(Box::new(FileAppender { file, path }))
    }

    /// The run is first renamed to a hidden name, so a crash part-way leaves no half-run
    /// that `runs` would list.
    fn remove(&self, id: &str, lease: Box<dyn Lease>) -> Result<()> {
        let dir = self.run_dir(id);
        let hidden = self.runs_dir().join(format!(".{id}.removing"));
        fs::rename(&dir, &hidden)
            .map_err(|e| Error::state(format!("cannot remove {}", dir.display()), e))?;
        drop(lease);
        fs::remove_dir_all(&hidden)
            .map_err(|e| Error::state(format!("cannot remove {}", hidden.display()), e))
    }
}

struct FileAppender {
    file: File,
    path: PathBuf,
}

impl Appender for FileAppender {
    fn append(&mut self, _seq: u64, line: &str, durable: bool) -> Result<()> {
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
                format!("cannot write {}", self.path.display()),
                error,
            ));
        }
        Ok(())
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }
}

fn create_private(path: &Path, truncate: bool) -> io::Result<File> {
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
fn read_journal(path: &Path) -> Result<(Vec<Record>, Option<TornTail>)> {
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
