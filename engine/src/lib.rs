//! runbook: durable, resumable runbooks written in Rhai.
//!
//! A runbook's side effects live in steps; each step's outcome is journaled before the next
//! starts, so a run that fails or is killed resumes where it stopped. See DESIGN.md.

pub mod aws;
pub mod cli;
pub mod completion;
pub mod config;
pub mod console_link;
pub mod diagnostic;
pub mod dsl;
pub mod error;
pub mod events;
pub mod fiber;
pub mod functions;
pub mod html_report;
pub mod init;
pub mod interrupt;
pub mod journal;
pub mod logs;
pub mod manpage;
pub mod output;
pub mod progress;
pub mod prompt;
pub mod repl;
pub mod report;
pub mod run;
pub mod runs;
pub mod session;
pub mod teardown;
pub mod timeline;
pub mod watch;
