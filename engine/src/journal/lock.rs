//! The run lock: an exclusive advisory lock (flock) on `<run>/lock`, held for as long as a
//! process owns the run. The kernel drops it when the holder dies, so a killed run never
//! leaves a stale lock behind; the file's text only says who holds it, for the error message.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

fn open(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::state(format!("cannot open lock {}", path.display()), e))
}

impl RunLock {
    pub fn acquire(path: &Path, run: &str, command: &str) -> Result<RunLock> {
        let mut file = open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(Error::Locked {
                    run: run.to_string(),
                    holder: if holder.is_empty() {
                        "unknown process".into()
                    } else {
                        holder.into()
                    },
                });
            }
            Err(TryLockError::Error(e)) => {
                return Err(Error::state(format!("cannot lock {}", path.display()), e))
            }
        }
        let who = format!(
            "`runbook {command}`, pid {}, since {}",
            std::process::id(),
            humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        );
        let written = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(who.as_bytes()));
        written.map_err(|e| Error::state(format!("cannot write {}", path.display()), e))?;
        Ok(RunLock { _file: file })
    }

    /// Whether some process holds the lock right now (without keeping it).
    pub fn is_held(path: &Path) -> bool {
        match File::open(path) {
            Ok(file) => matches!(file.try_lock_shared(), Err(TryLockError::WouldBlock)),
            Err(_) => false,
        }
    }
}
