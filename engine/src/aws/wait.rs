//! Waits: every waiter of the models as `service::wait_name(input[, #{ timeout: SECS }])`
//! (`ecs::wait_services_stable`, `codebuild::wait_build_succeeded`). Each polls its operation
//! with a growing interval (2 s, x1.5, up to the model's delay) until an acceptor says success
//! (the last answer is returned) or failure (raised as `WaitFailed`), or the bound passes (the
//! model's delay × attempts, or `timeout`; raised as `WaitTimeout`). Progress shows as a
//! spinner on a terminal and as `wait` events with `--json`.

use std::time::{Duration, Instant};

use super::path::Literal;
use super::waiter::{State, Verdict, Waiter};
use aws_smithy_types::Document;

use super::binding::Binding;
use super::bridge::{Bridge, Failure};
use super::error::CallError;
use super::paginate::call_pages;
use super::services;
use crate::events::Event;
use crate::interrupt::{Interrupt, Stop};
use crate::output::{self, Output};
use crate::progress;

/// How a wait ended without success.
pub enum Ended {
    /// The call failed, or the run was stopped.
    Failure(Failure),
    /// A failure acceptor matched: the resource will not reach the state waited for.
    /// `expected` is the value it matched (`"Superseded"`), for scripts to branch on.
    Failed { error: CallError, expected: Literal },
}

impl From<Failure> for Ended {
    fn from(failure: Failure) -> Ended {
        Ended::Failure(failure)
    }
}

/// The binding a waiter polls.
pub fn polled(waiter: &Waiter) -> Binding {
    bound(waiter, waiter.operation)
}

fn bound(waiter: &Waiter, function: &str) -> Binding {
    services::of(waiter.service)
        .into_iter()
        .find(|b| b.service == waiter.service && b.function == function)
        .expect("scripts/gen-aws writes waiters only for bound operations")
}

/// Where a pending wait is: what its answer shows, then what its progress read shows. The
/// read only informs, so when it fails (or the emulator lacks it) its part is left out.
fn whereabouts(
    bridge: &Bridge,
    interrupt: &Interrupt,
    waiter: &Waiter,
    input: &Document,
    answer: &Document,
) -> String {
    let shown = waiter.progress(answer);
    let Some(read) = waiter.progress_read else {
        return shown;
    };
    let Some(read_input) = read.input(input) else {
        return shown;
    };
    let binding = bound(waiter, read.operation);
    let Ok(state) = call_pages(bridge, interrupt, &binding, read_input, Some(1)) else {
        return shown;
    };
    let mut parts = vec![shown];
    parts.extend(read.progress(&state));
    parts.join("; ")
}

/// Polls until an acceptor decides; returns the last answer (`()` when the success was an
/// error or a status, such as a resource gone).
pub fn wait(
    bridge: &Bridge,
    interrupt: &Interrupt,
    output: &Output,
    waiter: &Waiter,
    input: Document,
    timeout: Option<Duration>,
) -> Result<Document, Ended> {
    let binding = polled(waiter);
    let what = waiter.qualified();
    let timeout = timeout.unwrap_or(Duration::from_secs(waiter.bound_secs()));
    let cap = Duration::from_secs(waiter.delay.max(1));
    let started = Instant::now();
    let spinner = progress::spinner(output, format!("{what}: polling"));
    let mut interval = Duration::from_secs(2).min(cap);
    let result = loop {
        let answer = match call_pages(bridge, interrupt, &binding, input.clone(), Some(1)) {
            Err(Failure::Aws(error)) => Err(error),
            Err(stopped) => break Err(stopped.into()),
            Ok(answer) => Ok(answer),
        };
        let verdict = waiter.judge(&answer);
        let elapsed = started.elapsed();
        let state = match (&verdict, &answer) {
            (Verdict::Matched { found, .. }, _) => found.clone(),
            (_, Ok(answer)) => whereabouts(bridge, interrupt, waiter, &input, answer),
            (_, Err(error)) => error.code.clone(),
        };
        let done = !matches!(
            verdict,
            Verdict::Pending
                | Verdict::Matched {
                    state: State::Retry,
                    ..
                }
        );
        output.event(Event::Wait {
            what: what.clone(),
            state: state.clone(),
            elapsed_ms: elapsed.as_millis() as u64,
            done,
        });
        if let Some(spinner) = &spinner {
            spinner.set_message(format!("{what}: {state}"));
        }
        match (verdict, answer) {
            (
                Verdict::Matched {
                    state: State::Success,
                    ..
                },
                answer,
            ) => break Ok(answer.unwrap_or(Document::Null)),
            (
                Verdict::Matched {
                    state: State::Failure,
                    expected,
                    found,
                },
                _,
            ) => {
                break Err(Ended::Failed {
                    error: CallError::new(
                        "WaitFailed",
                        format!("{what}: {found}, a failure state of {}", waiter.name),
                    ),
                    expected,
                })
            }
            (Verdict::Unexpected, Err(error)) => break Err(Failure::Aws(error).into()),
            _ if elapsed >= timeout => {
                break Err(Failure::Aws(CallError::new(
                    "WaitTimeout",
                    format!("{what}: still {state} after {}", output::duration(elapsed)),
                ))
                .into())
            }
            _ => {}
        }
        let pause = interval
            .min(timeout.saturating_sub(elapsed))
            .max(Duration::from_millis(100));
        if let Err(stop) = sleep(bridge, interrupt, pause) {
            break Err(Failure::Stopped(stop).into());
        }
        interval = interval.mul_f64(1.5).min(cap);
    };
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    output.detail(&format!(
        "waited {} for {what}",
        output::duration(started.elapsed())
    ));
    result
}

fn sleep(bridge: &Bridge, interrupt: &Interrupt, pause: Duration) -> Result<(), Stop> {
    match bridge.sleep(interrupt, pause) {
        Ok(()) => Ok(()),
        Err(Failure::Stopped(stop)) => Err(stop),
        Err(Failure::Aws(_)) => interrupt.sleep(pause),
    }
}
