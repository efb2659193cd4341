//! The store: the runs kept in one place, read and written through a backend (the local
//! directory), which the engine never sees.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::backend::{Appender, Backend, Lease};
use super::local::LocalBackend;
use super::record::Record;
use super::s3::S3Backend;
use crate::error::{Error, Result};
use runbook_aws::clients::AwsOptions;

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
    /// Who started the run, and where: `ana@laptop`. Absent in runs recorded before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_by: Option<String>,
    #[serde(default)]
    pub ended_at: Option<String>,
    pub status: RunStatus,
    #[serde(default)]
    pub error: Option<String>,
    /// Locks let go by `runbook unlock`, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unlocked: Vec<Unlocked>,
}

/// A lock let go by `runbook unlock`: whose it was, who let it go, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unlocked {
    pub at: String,
    pub by: String,
    pub holder: String,
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
    backend: Arc<dyn Backend>,
}

impl Store {
    /// The runs kept under a local directory.
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store {
            backend: Arc::new(LocalBackend::new(root.into())),
        }
    }

    /// The store `--state-dir` names: an `s3://bucket/prefix` URL (the team store, reached
    /// with the AWS options), else a local directory.
    pub fn open(state_dir: &Path, kms_key: Option<&str>, aws: &AwsOptions) -> Result<Store> {
        match state_dir.to_str().filter(|dir| dir.starts_with("s3://")) {
            Some(url) => Ok(Store {
                backend: Arc::new(S3Backend::open(url, kms_key, aws)?),
            }),
            None if kms_key.is_some() => Err(Error::Usage(
                "--state-kms-key encrypts an S3 store; a local state directory is kept 0700".into(),
            )),
            None => Ok(Store::new(state_dir)),
        }
    }

    /// Who this process runs as, for the runs it starts: `ana@laptop`, or in S3 the
    /// caller's ARN too.
    pub fn who(&self) -> String {
        self.backend.who()
    }

    /// Where the runs are, for messages: `.runbook`, `s3://team/runbook/`.
    pub fn location(&self) -> String {
        self.backend.location()
    }

    pub(super) fn create_run(&self, stem: &str, command: &str) -> Result<(String, Box<dyn Lease>)> {
        self.backend.create_run(stem, command)
    }

    pub(super) fn lock(&self, id: &str, command: &str) -> Result<Box<dyn Lease>> {
        self.backend.lock(id, command)
    }

    pub(super) fn appender(&self, id: &str, torn: Option<&TornTail>) -> Result<Box<dyn Appender>> {
        self.backend.appender(id, torn)
    }

    pub(super) fn records(&self, id: &str) -> Result<(Vec<Record>, Option<TornTail>)> {
        self.backend.read_records(id)
    }

    pub fn run_ids(&self) -> Result<Vec<String>> {
        self.backend.run_ids()
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
        let Some((text, path)) = self.backend.read_meta(id)? else {
            return Err(Error::UnknownRun(id.to_string(), self.location()));
        };
        serde_json::from_str(&text).map_err(|e| Error::Damaged {
            path,
            line: e.line(),
            reason: e.to_string(),
        })
    }

    /// Reads a run without taking its lock (for `status`, `plan` and `runs`).
    pub fn read(&self, id: &str) -> Result<RunContents> {
        let meta = self.meta(id)?;
        let (records, torn) = self.records(id)?;
        Ok(RunContents {
            meta,
            records,
            torn,
        })
    }

    /// Whether a process owns the run right now.
    pub fn is_active(&self, id: &str) -> bool {
        self.backend.is_locked(id)
    }

    /// Who holds the run, as its holder wrote it; `None` when no one does.
    pub fn holder(&self, id: &str) -> Result<Option<String>> {
        self.backend.holder(id)
    }

    /// Lets the run go, for a holder that is gone but left its lock (`runbook unlock`).
    pub fn unlock(&self, id: &str) -> Result<()> {
        self.backend.unlock(id)
    }

    /// A run's status as users need it: `running` only while a process really owns the run.
    pub fn live_status(&self, meta: &RunMeta) -> &'static str {
        match meta.status {
            RunStatus::Running if !self.is_active(&meta.id) => "stopped",
            status => status.as_str(),
        }
    }

    /// Deletes a run, under its lock so that no process can be using it.
    pub fn remove(&self, id: &str) -> Result<()> {
        let lease = self.backend.lock(id, "runs prune")?;
        self.backend.remove(id, lease)
    }

    /// The backend, for a journal to keep its run's metadata up to date.
    pub(super) fn backend(&self) -> Arc<dyn Backend> {
        self.backend.clone()
    }
}

pub(super) fn write_meta(backend: &dyn Backend, meta: &RunMeta) -> Result<()> {
    let text = serde_json::to_string_pretty(meta).expect("run metadata is plain data");
    backend.write_meta(&meta.id, &text)
}
