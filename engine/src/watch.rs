//! `status RUN --watch`: follows a run from another terminal by reading its journal as it
//! grows, and shows it as the running process does (a heading per process, a line per step
//! outcome, the script's log lines, a spinner with the step in flight), then the run's status
//! once no process holds it. With `--json`, the same events as the run's own `--json`.

use std::time::{Duration, SystemTime};

use indicatif::ProgressBar;

use crate::error::Result;
use crate::events::{Event as OutputEvent, StepRef};
use crate::journal::{Event, Record, ReplayIndex, RunMeta, Store, Stream};
use crate::output::Output;
use crate::progress;
use crate::report;
use crate::session::display_name;

const POLL: Duration = Duration::from_millis(200);

struct Watcher<'a> {
    meta: RunMeta,
    output: &'a Output,
    index: ReplayIndex,
    /// The spinner of the step (or undo) in flight, with its position.
    in_flight: Option<(ProgressBar, usize)>,
}

pub fn watch(store: &Store, id: &str, output: &Output) -> Result<()> {
    let mut watcher = Watcher {
        meta: store.meta(id)?,
        output,
        index: ReplayIndex::default(),
        in_flight: None,
    };
    let mut seen = 0u64;
    loop {
        let active = store.is_active(id);
        let contents = store.read(id)?;
        let new = contents.records.iter().skip_while(|r| r.seq <= seen);
        for record in new {
            watcher.tell(record);
        }
        seen = contents.records.last().map_or(seen, |r| r.seq);
        if !active {
            break;
        }
        std::thread::sleep(POLL);
    }
    if let Some((bar, _)) = watcher.in_flight.take() {
        bar.finish_and_clear();
    }
    if output.is_json() {
        return Ok(());
    }
    report::status(store, id, output)
}

impl Watcher<'_> {
    fn tell(&mut self, record: &Record) {
        self.index.apply(&record.event);
        let event = &record.event;
        let Some(position) = position_of(event) else {
            return self.tell_run(record);
        };
        let Some(entry) = self.index.get(position) else {
            return;
        };
        let label = entry.step.label();
        let step = StepRef {
            run: Some(self.meta.id.clone()),
            step: entry.step.name.clone(),
            occurrence: entry.step.occurrence,
            position,
            file: entry.step.file.clone(),
            line: entry.step.line,
        };
        if let Some(told) = OutputEvent::of_record(event, step) {
            self.output.event_at(told, &record.at);
        }
        match event {
            Event::Started { .. } => self.start(position, format!("running  {label}"), &record.at),
            Event::UndoStarted { .. } => {
                self.start(position, format!("undoing  {label}"), &record.at)
            }
            _ => {
                if self.in_flight.as_ref().is_some_and(|(_, p)| *p == position) {
                    if let Some((bar, _)) = self.in_flight.take() {
                        bar.finish_and_clear();
                    }
                }
                if let Some(line) = progress::step_line(event, &label) {
                    self.around_spinner(|| self.output.progress(&line));
                }
            }
        }
    }

    /// What is not about one step: a process taking the run over, and the script's output.
    fn tell_run(&mut self, record: &Record) {
        let output = self.output;
        let say = || match &record.event {
            Event::Session { command, .. } => {
                let script = display_name(&self.meta.script);
                output.progress(&format!("run {} ({command} {script})", self.meta.id));
                let told = OutputEvent::RunStarted {
                    run: self.meta.id.clone(),
                    command: command.clone(),
                    script,
                };
                output.event_at(told, &record.at);
            }
            Event::Output {
                stream,
                step,
                message,
            } => {
                let (message, step) = (message.clone(), step.clone());
                if output.is_json() {
                    let told = match stream {
                        Stream::Log => OutputEvent::Log { message, step },
                        Stream::Print => OutputEvent::Print { message, step },
                    };
                    output.event_at(told, &record.at);
                } else {
                    match stream {
                        Stream::Log => output.log(&message, step.as_deref()),
                        Stream::Print => output.print(&message, step.as_deref()),
                    }
                }
            }
            _ => {}
        };
        self.around_spinner(say);
    }

    /// Prints with the spinner of another step in flight lifted out of the way.
    fn around_spinner(&self, print: impl FnOnce()) {
        match &self.in_flight {
            Some((bar, _)) => bar.suspend(print),
            None => print(),
        }
    }

    fn start(&mut self, position: usize, message: String, at: &str) {
        if let Some((bar, _)) = self.in_flight.take() {
            bar.finish_and_clear();
        }
        let since = humantime::parse_rfc3339(at)
            .ok()
            .and_then(|at| SystemTime::now().duration_since(at).ok())
            .unwrap_or_default();
        self.in_flight =
            progress::spinner(self.output, message).map(|bar| (bar.with_elapsed(since), position));
    }
}

/// The step an event is about, for those that are about one.
fn position_of(event: &Event) -> Option<usize> {
    match event {
        Event::Started { position, .. }
        | Event::Completed { position, .. }
        | Event::Failed { position, .. }
        | Event::Interrupted { position }
        | Event::UndoStarted { position }
        | Event::UndoCompleted { position }
        | Event::UndoFailed { position, .. } => Some(*position),
        Event::Session { .. }
        | Event::Rewound { .. }
        | Event::Claimed { .. }
        | Event::Output { .. } => None,
    }
}
