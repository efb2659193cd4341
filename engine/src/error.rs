//! Everything that can stop a command, as data. Each variant carries the facts a user needs
//! (file, line, step, run) and decides the process exit code; the text is rendered once, in
//! `run.rs`.

use std::io;
use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

/// The exit codes documented in README.md.
pub mod exit {
    pub const DONE: i32 = 0;
    pub const STEP_FAILED: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const COMPILE: i32 = 3;
    pub const JOURNAL: i32 = 4;
    pub const INTERRUPTED: i32 = 130;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),

    #[error("cannot read {}: {source}", path.display())]
    ReadFile { path: PathBuf, source: io::Error },

    #[error("param {name}: {message}")]
    Param { name: String, message: String },

    #[error("secret {name}: {message}")]
    Secret { name: String, message: String },

    #[error("no run named {0:?} in {1} (see `runbook runs`)")]
    UnknownRun(String, String),

    #[error("{0}")]
    NothingToResume(String),

    /// The script does not compile, or a check found a mistake before anything ran.
    #[error("{}", .0.message)]
    Compile(Box<Diagnostic>),

    /// The script failed at run time; the run can be resumed.
    #[error("{}", .0.message)]
    Script(Box<Diagnostic>),

    /// Some undo actions of a `destroy` failed (each with its diagnostic); the others ran.
    #[error(
        "{} undo action{} failed; the rest of the run is undone. Fix the cause and run \
         `runbook destroy` again: it retries only what is left",
        .0.len(),
        if .0.len() == 1 { "" } else { "s" }
    )]
    Undo(Vec<Diagnostic>),

    #[error("{0}")]
    Interrupted(String),

    #[error("run {run} is in use by another runbook process ({holder})")]
    Locked { run: String, holder: String },

    /// The script and the journal disagree: the script was edited since the run.
    #[error("{}", .0.message)]
    Diverged(Box<Diagnostic>),

    #[error("journal {} is damaged at line {line}: {reason}", path.display())]
    Damaged {
        path: PathBuf,
        line: usize,
        reason: String,
    },

    #[error("{0}")]
    Refused(String),

    #[error("{context}: {source}")]
    State { context: String, source: io::Error },
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_)
            | Error::ReadFile { .. }
            | Error::Param { .. }
            | Error::Secret { .. }
            | Error::UnknownRun(..)
            | Error::NothingToResume(_) => exit::USAGE,
            Error::Compile(_) => exit::COMPILE,
            Error::Script(_) | Error::Undo(_) => exit::STEP_FAILED,
            Error::Interrupted(_) => exit::INTERRUPTED,
            Error::Locked { .. }
            | Error::Diverged(_)
            | Error::Damaged { .. }
            | Error::Refused(_)
            | Error::State { .. } => exit::JOURNAL,
        }
    }

    /// The source-pointing diagnostic, for the errors that have one.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            Error::Compile(d) | Error::Script(d) | Error::Diverged(d) => Some(d),
            _ => None,
        }
    }

    /// Every diagnostic the error carries: one, or each failed undo's.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        match self {
            Error::Undo(all) => all.iter().collect(),
            other => other.diagnostic().into_iter().collect(),
        }
    }

    pub fn state(context: impl Into<String>, source: io::Error) -> Error {
        Error::State {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
