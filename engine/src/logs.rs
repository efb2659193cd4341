//! `runbook logs RUN [STEP] [--follow]`: the lines a run's script wrote with `log` and
//! `print`, read from its journal (masked when they were written), each with its time and the
//! step it came from, and a heading for each process that took the run over. `--follow` goes
//! on printing as the journal grows until no process holds the run.

use std::time::Duration;

use crate::dsl::runtime::UNDO_OF;
use crate::dsl::suggest::did_you_mean;
use crate::error::{Error, Result};
use crate::events::Event as OutputEvent;
use crate::journal::{Event, Record, ReplayIndex, Store, Stream};
use crate::output::Output;

const FOLLOW_POLL: Duration = Duration::from_millis(200);

/// How many of a failed step's last lines `status` shows.
pub const TAIL: usize = 5;

pub fn show(
    store: &Store,
    id: &str,
    step: Option<&str>,
    follow: bool,
    output: &Output,
) -> Result<()> {
    let mut printed = 0u64;
    let mut heading: Option<String> = None;
    let mut checked = step.is_none();
    loop {
        let active = follow && store.is_active(id);
        let contents = store.read(id)?;
        if !checked && !active {
            check_step(id, step.unwrap_or_default(), &contents.records)?;
            checked = true;
        }
        let seen = printed;
        for record in contents.records.iter().filter(|r| r.seq > seen) {
            match &record.event {
                Event::Session { command, pid } => {
                    heading = Some(format!("-- {command} (pid {pid}) at {}", record.at));
                }
                Event::Output {
                    stream,
                    step: from,
                    message,
                } if step.is_none_or(|wanted| is_of(from.as_deref(), wanted)) => {
                    if let Some(heading) = heading.take() {
                        if !output.is_json() {
                            output.stdout(&heading);
                        }
                    }
                    print_line(output, record, *stream, from.as_deref(), message);
                }
                _ => {}
            }
            printed = record.seq;
        }
        if !active {
            return Ok(());
        }
        std::thread::sleep(FOLLOW_POLL);
    }
}

fn print_line(output: &Output, record: &Record, stream: Stream, step: Option<&str>, message: &str) {
    if output.is_json() {
        let (message, step) = (message.to_string(), step.map(str::to_string));
        let event = match stream {
            Stream::Log => OutputEvent::Log { message, step },
            Stream::Print => OutputEvent::Print { message, step },
        };
        output.event_at(event, &record.at);
        return;
    }
    // `2026-12-06T12:37:25.861Z` → `12:37:25.861`
    let time = record.at.get(11..23).unwrap_or(&record.at);
    let place = step.map_or(String::new(), |s| format!(" [{s}]"));
    for line in message.lines() {
        output.stdout(&format!("{time}{place} {line}"));
    }
}

/// Whether a line from the step labelled `from` belongs to the step the user named: its label
/// (`deploy #2`), its name (every `deploy`), or either for its undo.
fn is_of(from: Option<&str>, wanted: &str) -> bool {
    let Some(from) = from else {
        return false;
    };
    let label = from.strip_prefix(UNDO_OF).unwrap_or(from);
    label == wanted || label.split(" #").next() == Some(wanted)
}

/// A step the run never reached is a usage error naming the steps it has.
fn check_step(id: &str, wanted: &str, records: &[Record]) -> Result<()> {
    let index = ReplayIndex::from_records(records);
    let mut known: Vec<String> = Vec::new();
    for entry in index.entries() {
        for name in [entry.step.name.clone(), entry.step.label()] {
            if !known.contains(&name) {
                known.push(name);
            }
        }
    }
    if known.iter().any(|k| k == wanted) {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "run {id} has no step {wanted:?}{} (its steps: {})",
        did_you_mean(wanted, known.iter().map(String::as_str)),
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    )))
}

/// The last `n` lines the step labelled `label` wrote in its latest attempt.
pub fn last_lines<'a>(records: &'a [Record], label: &str, n: usize) -> Vec<&'a str> {
    let mut lines: Vec<&str> = Vec::new();
    for record in records {
        match &record.event {
            Event::Started { step, .. } if step.label() == label => lines.clear(),
            Event::Output {
                step: Some(from),
                message,
                ..
            } if from == label => lines.extend(message.lines()),
            _ => {}
        }
    }
    lines.split_off(lines.len().saturating_sub(n))
}
