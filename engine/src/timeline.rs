//! A run's journal as a timeline: one lane per process that took the run over (`exec`,
//! each `resume`, `destroy`) and one bar per step or undo that process ran, timed from the
//! records' own clocks. `runbook report` draws it.

use std::collections::HashMap;
use std::time::SystemTime;

use serde::Serialize;

use crate::journal::{Event, Outcome, Record, ReplayIndex};

#[derive(Debug, Default, Serialize)]
pub struct Timeline {
    pub lanes: Vec<Lane>,
    pub bars: Vec<Bar>,
}

/// One process's turn at the run. `replayed` counts the finished steps it took from the
/// journal instead of running them.
#[derive(Debug, Serialize)]
pub struct Lane {
    pub command: String,
    pub pid: u32,
    pub start_ms: f64,
    pub end_ms: f64,
    pub replayed: usize,
    /// `resume --from`: the position every step was run again from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewound_to: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BarStatus {
    Done,
    Failed,
    Interrupted,
    /// Started, and its process ended with no outcome written (SIGKILL, a crash).
    Killed,
    Running,
    Undone,
    UndoFailed,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub label: String,
    pub position: usize,
    pub undo: bool,
    pub lane: usize,
    pub start_ms: f64,
    pub end_ms: f64,
    pub status: BarStatus,
    /// AWS call attempts of a finished step beyond the first are retries.
    pub attempts: u32,
    /// This position ran before, in this lane or an earlier one (a retry after a failure, a
    /// kill, `--from` or `--rerun-changed`).
    pub again: bool,
    pub file: String,
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_line: Option<usize>,
}

/// Milliseconds from `origin` to an RFC 3339 time; a time that does not parse counts as the
/// origin, so one bad clock reading cannot hide the rest.
pub fn millis_since(origin: SystemTime, at: &str) -> f64 {
    humantime::parse_rfc3339_weak(at)
        .ok()
        .and_then(|t| t.duration_since(origin).ok())
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Folds `records` into lanes and bars. `started_at` is time zero; `now` is where bars of
/// a run still `active` end.
pub fn build(records: &[Record], started_at: &str, active: bool, now: SystemTime) -> Timeline {
    let origin = humantime::parse_rfc3339_weak(started_at).unwrap_or(SystemTime::UNIX_EPOCH);
    let mut timeline = Timeline::default();
    let mut index = ReplayIndex::default();
    // position → the bar of its step and of its undo still waiting for an outcome.
    let mut open: HashMap<(usize, bool), usize> = HashMap::new();
    let mut ran: HashMap<usize, usize> = HashMap::new();
    let mut lane_fresh = false;
    for record in records {
        let t = millis_since(origin, &record.at);
        if let Event::Session { command, pid } = &record.event {
            close_open(&mut timeline, &mut open, BarStatus::Killed);
            timeline.lanes.push(Lane {
                command: command.clone(),
                pid: *pid,
                start_ms: t,
                end_ms: t,
                replayed: 0,
                rewound_to: None,
            });
            lane_fresh = true;
            continue;
        }
        if timeline.lanes.is_empty() {
            // A journal written before sessions were recorded: one lane for all of it.
            timeline.lanes.push(Lane {
                command: "exec".into(),
                pid: 0,
                start_ms: 0.0,
                end_ms: t,
                replayed: 0,
                rewound_to: None,
            });
        }
        let lane = timeline.lanes.len() - 1;
        timeline.lanes[lane].end_ms = timeline.lanes[lane].end_ms.max(t);
        match &record.event {
            Event::Rewound { position } => timeline.lanes[lane].rewound_to = Some(*position),
            Event::Started { position, step } => {
                if lane_fresh {
                    // What this process found finished before it ran its first step.
                    timeline.lanes[lane].replayed = index
                        .entries()
                        .iter()
                        .take(*position)
                        .filter(|e| matches!(e.outcome, Outcome::Completed { .. }))
                        .count();
                    lane_fresh = false;
                }
                let again = ran.contains_key(position);
                *ran.entry(*position).or_default() += 1;
                open.insert((*position, false), timeline.bars.len());
                timeline.bars.push(Bar {
                    label: step.label(),
                    position: *position,
                    undo: false,
                    lane,
                    start_ms: t,
                    end_ms: t,
                    status: BarStatus::Running,
                    attempts: 0,
                    again,
                    file: step.file.clone(),
                    line: step.line,
                    error: None,
                    error_line: None,
                });
            }
            Event::UndoStarted { position } => {
                let (label, file, line) = index.get(*position).map_or_else(
                    || (format!("step {position}"), String::new(), 0),
                    |e| (e.step.label(), e.step.file.clone(), e.step.line),
                );
                open.insert((*position, true), timeline.bars.len());
                timeline.bars.push(Bar {
                    label,
                    position: *position,
                    undo: true,
                    lane,
                    start_ms: t,
                    end_ms: t,
                    status: BarStatus::Running,
                    attempts: 0,
                    again: false,
                    file,
                    line,
                    error: None,
                    error_line: None,
                });
            }
            Event::Completed {
                position,
                duration_ms,
                attempts,
                ..
            } => finish(&mut timeline, &mut open, (*position, false), t, |bar| {
                bar.status = BarStatus::Done;
                bar.attempts = *attempts;
                // The step's own clock is exact; the Started record may be a few ms off.
                bar.start_ms = (t - duration_ms).max(bar.start_ms.min(t));
            }),
            Event::Failed {
                position, error, ..
            } => finish(&mut timeline, &mut open, (*position, false), t, |bar| {
                bar.status = BarStatus::Failed;
                bar.error = Some(error.message.clone());
                bar.error_line = error.line;
            }),
            Event::Interrupted { position } => {
                finish(&mut timeline, &mut open, (*position, false), t, |bar| {
                    bar.status = BarStatus::Interrupted;
                })
            }
            Event::UndoCompleted { position } => {
                finish(&mut timeline, &mut open, (*position, true), t, |bar| {
                    bar.status = BarStatus::Undone;
                })
            }
            Event::UndoFailed { position, error } => {
                finish(&mut timeline, &mut open, (*position, true), t, |bar| {
                    bar.status = BarStatus::UndoFailed;
                    bar.error = Some(error.message.clone());
                    bar.error_line = error.line;
                })
            }
            Event::Session { .. } | Event::Claimed { .. } | Event::Output { .. } => {}
        }
        index.apply(&record.event);
    }
    if active {
        let t = now
            .duration_since(origin)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        if let Some(lane) = timeline.lanes.last_mut() {
            lane.end_ms = lane.end_ms.max(t);
        }
        for &bar in open.values() {
            timeline.bars[bar].end_ms = t;
        }
    } else {
        close_open(&mut timeline, &mut open, BarStatus::Killed);
    }
    timeline
}

fn finish(
    timeline: &mut Timeline,
    open: &mut HashMap<(usize, bool), usize>,
    key: (usize, bool),
    t: f64,
    set: impl FnOnce(&mut Bar),
) {
    if let Some(bar) = open.remove(&key) {
        let bar = &mut timeline.bars[bar];
        bar.end_ms = t;
        set(bar);
    }
}

/// Ends the bars left open by a process that stopped writing: at its lane's last record.
fn close_open(
    timeline: &mut Timeline,
    open: &mut HashMap<(usize, bool), usize>,
    status: BarStatus,
) {
    for (_, bar) in open.drain() {
        let end = timeline.lanes[timeline.bars[bar].lane].end_ms;
        let bar = &mut timeline.bars[bar];
        bar.status = status;
        bar.end_ms = end.max(bar.start_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::{build, BarStatus};
    use crate::journal::{Event, Record, RecordedError, StepId};
    use serde_json::json;
    use std::time::SystemTime;

    fn at(ms: u64) -> String {
        format!("2026-12-06T10:00:{:02}.{:03}Z", ms / 1000, ms % 1000)
    }

    fn record(seq: u64, ms: u64, event: Event) -> Record {
        Record {
            seq,
            at: at(ms),
            event,
        }
    }

    fn started(position: usize, name: &str) -> Event {
        Event::Started {
            position,
            step: StepId {
                name: name.into(),
                occurrence: 0,
                hash: "h".into(),
                file: "setup.rhai".into(),
                line: position + 3,
            },
        }
    }

    fn session(command: &str) -> Event {
        Event::Session {
            command: command.into(),
            pid: 7,
        }
    }

    fn completed(position: usize, duration_ms: f64) -> Event {
        Event::Completed {
            position,
            value: json!(null),
            redactions: vec![],
            duration_ms,
            attempts: 2,
        }
    }

    #[test]
    fn a_killed_run_resumed_has_two_lanes_and_the_rerun_is_marked() {
        let records = [
            record(1, 0, session("exec")),
            record(2, 10, started(0, "role")),
            record(3, 110, completed(0, 100.0)),
            record(4, 120, started(1, "repo")),
            record(5, 5000, session("resume")),
            record(6, 5010, started(1, "repo")),
            record(
                7,
                5500,
                Event::Failed {
                    position: 1,
                    error: RecordedError {
                        message: "AccessDenied".into(),
                        line: Some(9),
                        column: None,
                    },
                    duration_ms: 490.0,
                },
            ),
        ];
        let timeline = build(&records, &at(0), false, SystemTime::now());
        assert_eq!(timeline.lanes.len(), 2);
        assert_eq!(timeline.lanes[1].replayed, 1);
        let bars: Vec<_> = timeline
            .bars
            .iter()
            .map(|b| (b.label.as_str(), b.lane, b.status, b.again))
            .collect();
        assert_eq!(
            bars,
            [
                ("role", 0, BarStatus::Done, false),
                ("repo", 0, BarStatus::Killed, false),
                ("repo", 1, BarStatus::Failed, true),
            ]
        );
        assert_eq!(timeline.bars[0].start_ms, 10.0);
        assert_eq!(timeline.bars[0].attempts, 2);
        // The killed bar ends where its process last wrote.
        assert_eq!(timeline.bars[1].end_ms, 120.0);
        assert_eq!(timeline.bars[2].error_line, Some(9));
    }

    #[test]
    fn undo_bars_carry_the_label_of_their_step() {
        let records = [
            record(1, 0, session("exec")),
            record(2, 10, started(0, "role")),
            record(3, 20, completed(0, 10.0)),
            record(4, 900, session("destroy")),
            record(5, 910, Event::UndoStarted { position: 0 }),
            record(6, 950, Event::UndoCompleted { position: 0 }),
        ];
        let timeline = build(&records, &at(0), false, SystemTime::now());
        let undo = &timeline.bars[1];
        assert_eq!(
            (undo.label.as_str(), undo.undo, undo.lane, undo.status),
            ("role", true, 1, BarStatus::Undone)
        );
        assert_eq!((undo.start_ms, undo.end_ms), (910.0, 950.0));
    }
}
