//! The integration tests: one binary driving the real `runbook` executable.

mod test;

mod bad_input;
mod destroy;
mod journal;
mod plan;
mod resume;
mod secrets;
