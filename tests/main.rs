//! The integration tests: one binary driving the real `runbook` executable.

mod browser;
mod emulator;
mod pty;
mod test;

mod aws_config;
mod aws_generic;
mod aws_services;
mod aws_tables;
mod bad_input;
mod cli;
mod destroy;
mod faults;
mod init;
mod journal;
mod logs;
mod modules;
mod parallel;
mod plan;
mod protocol;
mod repl;
mod report;
mod resume;
mod runs;
mod secrets;
mod seed;
mod stdlib;
mod team_store;
mod watch;
