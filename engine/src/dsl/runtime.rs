//! The state a script runs against: the run's journal and replay index, params, secrets and
//! output. Every `step` expression comes through `Runtime::step` (runtime/execute.rs), which
//! asks `enter` (runtime/replay.rs) whether the step replays its recorded value, runs, or
//! stops the run (a divergence, a refused change, the end of a `destroy` replay); a step that
//! runs records `started`, makes its attempts (runtime/retry.rs) and records its outcome,
//! each shown as an event (events.rs). Whether a record is fsynced is the journal's to say
//! (`Event::is_durable`).
//!
//! Invariant: no `RefCell` borrow of the state is held while script code runs, because the
//! script calls back into the runtime (`log`, nested `step`, builtins).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rhai::{Caches, Dynamic, EvalAltResult, EvalContext, Expression, FnPtr, Position};

use super::errors;
use super::params::Params;
use super::secrets::Secrets;
use super::source;
use super::step::StepCall;
use super::value::{from_json, to_json};
use crate::aws::bridge::Bridge;
use crate::aws::clients::AwsOptions;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::events::{Event as OutputEvent, StepRef};
use crate::fiber::Turn;
use crate::interrupt::{Interrupt, Stop};
use crate::journal::{Event, Journal, Outcome, RecordedError, ReplayIndex, StepId, Stream};
use crate::output::{self, Output};
use crate::progress;

mod execute;
mod replay;
mod retry;
mod tokens;

type EvalResult<T> = Result<T, Box<EvalAltResult>>;

/// How an undo action shows as the current step: `undo of <label>`.
pub const UNDO_OF: &str = "undo of ";

/// Why evaluation is cut short: the value Rhai's termination error (`ErrorTerminated`)
/// carries, so no error message is ever taken for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// Ctrl-C, or a step's timeout.
    Stopped(Stop),
    /// The runtime stopped the run; why is in its state (`take_stop`).
    Stop,
    /// A `destroy` replay reached the first step that never completed.
    EndOfReplay,
}

impl Halt {
    pub fn at(self, pos: Position) -> Box<EvalAltResult> {
        EvalAltResult::ErrorTerminated(Dynamic::from(self), pos).into()
    }
}

impl From<Stop> for Halt {
    fn from(stop: Stop) -> Halt {
        Halt::Stopped(stop)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `check`, `plan`: compiled, never run.
    Inspect,
    /// `exec` and `resume`: replay what completed, run the rest.
    Run { rerun_changed: bool },
    /// `destroy`: replay only, collecting undo actions; never run a step body.
    Destroy,
    /// The REPL: no journal; a step's body simply runs, and changes are made ad hoc.
    AdHoc,
}

/// Where a step is written in the script.
#[derive(Debug, Clone)]
pub struct StepSite {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub hash: String,
}

#[derive(Debug, Clone, Default)]
pub struct StepOptions {
    pub retries: u32,
    pub backoff: Duration,
    pub timeout: Option<Duration>,
}

/// What `Runtime::enter` decided for a step.
pub enum Entered {
    /// Replayed, or collected for `destroy`: its value.
    Value(Dynamic),
    /// To run now.
    Run(Pending),
}

/// A step about to run, at its position in the run.
pub struct Pending {
    position: usize,
    step: StepId,
    options: StepOptions,
    /// In the REPL: nothing is journaled.
    ad_hoc: bool,
}

/// An undo action collected by a `destroy` replay.
pub struct Undo {
    pub position: usize,
    pub step: StepId,
    pub action: Option<FnPtr>,
    pub value: Dynamic,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub ran: usize,
    pub replayed: usize,
    pub undone: usize,
    pub kept: usize,
}

struct State {
    mode: Mode,
    journal: Option<Journal>,
    index: ReplayIndex,
    position: usize,
    occurrences: HashMap<String, u32>,
    /// How many calls that take an idempotency token each running step's attempt made.
    token_calls: HashMap<String, u32>,
    current: Option<String>,
    /// Each step that failed in this process, with its error's message.
    failed_steps: Vec<(String, String)>,
    stop: Option<Error>,
    undos: Vec<Undo>,
    counts: Counts,
    /// `destroy --include-adopted`: undo adopted resources too.
    include_adopted: bool,
}

pub struct Runtime {
    pub output: Rc<Output>,
    pub aws: Bridge,
    pub secrets: Rc<Secrets>,
    pub params: Params,
    pub interrupt: Rc<Interrupt>,
    /// Relative paths in file builtins resolve against the script's directory.
    base_dir: RefCell<PathBuf>,
    sources: RefCell<HashMap<String, (String, Rc<str>)>>,
    lines: RefCell<HashMap<String, Rc<source::Lines>>>,
    main_source: RefCell<Option<String>>,
    state: RefCell<State>,
}

impl Runtime {
    pub fn new(
        output: Rc<Output>,
        params: Params,
        interrupt: Rc<Interrupt>,
        base_dir: PathBuf,
        aws: AwsOptions,
    ) -> Runtime {
        Runtime {
            aws: Bridge::new(aws, output.clone()),
            secrets: output.secrets().clone(),
            output,
            params,
            interrupt,
            base_dir: RefCell::new(base_dir),
            sources: RefCell::new(HashMap::new()),
            lines: RefCell::new(HashMap::new()),
            main_source: RefCell::new(None),
            state: RefCell::new(State {
                mode: Mode::Inspect,
                journal: None,
                index: ReplayIndex::default(),
                position: 0,
                occurrences: HashMap::new(),
                token_calls: HashMap::new(),
                current: None,
                failed_steps: Vec::new(),
                stop: None,
                undos: Vec::new(),
                counts: Counts::default(),
                include_adopted: false,
            }),
        }
    }

    pub fn base_dir(&self) -> PathBuf {
        self.base_dir.borrow().clone()
    }

    /// Points relative paths at `dir` (the REPL's `:load`); returns where they pointed.
    pub fn set_base_dir(&self, dir: PathBuf) -> PathBuf {
        self.base_dir.replace(dir)
    }

    /// Registers a script's text under its source name; the first one is the main script.
    pub fn add_source(&self, name: &str, text: Rc<str>) {
        self.main_source
            .borrow_mut()
            .get_or_insert_with(|| name.to_string());
        self.lines.borrow_mut().remove(name);
        self.sources
            .borrow_mut()
            .insert(name.to_string(), (name.to_string(), text));
    }

    /// Makes `name` the main script from now on: each REPL input is one.
    pub fn set_main_source(&self, name: &str, text: Rc<str>) {
        *self.main_source.borrow_mut() = Some(name.to_string());
        self.add_source(name, text);
    }

    pub fn main_source_name(&self) -> Option<String> {
        self.main_source.borrow().clone()
    }

    /// The file a source name stands for and its text, for diagnostics and step hashes. A
    /// module's source name is its import path (`"ensure"`), found as the resolver finds it.
    pub fn source_file(&self, name: &str) -> Option<(String, Rc<str>)> {
        if let Some(found) = self.sources.borrow().get(name) {
            return Some(found.clone());
        }
        let dirs = super::module_dirs(&self.base_dir());
        let candidates = std::iter::once(PathBuf::from(name))
            .chain(dirs.into_iter().map(|dir| dir.join(format!("{name}.rhai"))));
        for path in candidates {
            if let Ok(text) = std::fs::read_to_string(&path) {
                let found = (crate::session::display_name(&path), Rc::from(text));
                self.sources
                    .borrow_mut()
                    .insert(name.to_string(), found.clone());
                return Some(found);
            }
        }
        let text = super::stdlib::embedded(name)?;
        let found = (super::stdlib::display_name(name), Rc::from(text));
        self.sources
            .borrow_mut()
            .insert(name.to_string(), found.clone());
        Some(found)
    }

    pub fn source(&self, name: &str) -> Option<Rc<str>> {
        self.source_file(name).map(|(_, text)| text)
    }

    /// The hash of the step body from `start` to `end` in source `name` (see
    /// `source::body_hash`); each source's line starts are found once.
    pub fn body_hash(&self, name: &str, start: Position, end: Position) -> String {
        let lines = self.lines.borrow().get(name).cloned();
        let lines = match lines {
            Some(lines) => lines,
            None => {
                let Some(text) = self.source(name) else {
                    return source::body_hash("");
                };
                let lines = Rc::new(source::Lines::new(text));
                self.lines
                    .borrow_mut()
                    .insert(name.to_string(), lines.clone());
                lines
            }
        };
        source::body_hash(lines.slice(start, end).unwrap_or_default())
    }

    /// A secret's value: from Secrets Manager for a `secretsmanager:` reference, else from
    /// the environment, the params file or the terminal. Either way it is masked from then on.
    pub fn secret(&self, name: &str) -> Result<String, String> {
        if !super::aws_secrets::is_reference(name) {
            return self.secrets.get(name);
        }
        if let Some(value) = self.secrets.known(name) {
            return Ok(value);
        }
        let value = super::aws_secrets::fetch(&self.aws, &self.interrupt, name)?;
        self.secrets.remember(name, &value);
        Ok(value)
    }

    /// Binds the runtime to an opened run for `exec`, `resume` or `destroy`.
    pub fn attach(&self, journal: Journal, index: ReplayIndex, mode: Mode) {
        let mut state = self.state.borrow_mut();
        state.journal = Some(journal);
        state.index = index;
        state.mode = mode;
    }

    /// Puts the runtime in the REPL's mode: steps run ad hoc, nothing is journaled.
    pub fn ad_hoc(&self) {
        self.state.borrow_mut().mode = Mode::AdHoc;
    }

    pub fn is_destroying(&self) -> bool {
        self.state.borrow().mode == Mode::Destroy
    }

    pub fn is_ad_hoc(&self) -> bool {
        self.state.borrow().mode == Mode::AdHoc
    }

    pub fn with_journal<T>(&self, f: impl FnOnce(&mut Journal) -> T) -> Option<T> {
        self.state.borrow_mut().journal.as_mut().map(f)
    }

    pub fn detach(&self) -> Option<Journal> {
        self.state.borrow_mut().journal.take()
    }

    pub fn counts(&self) -> Counts {
        self.state.borrow().counts
    }

    pub fn count_undo(&self, undone: bool) {
        let counts = &mut self.state.borrow_mut().counts;
        if undone {
            counts.undone += 1;
        } else {
            counts.kept += 1;
        }
    }

    pub fn take_stop(&self) -> Option<Error> {
        self.state.borrow_mut().stop.take()
    }

    pub fn take_undos(&self) -> Vec<Undo> {
        std::mem::take(&mut self.state.borrow_mut().undos)
    }

    /// The step whose failure is `message`, when the script ended with a step's own error.
    pub fn failed_step_for(&self, message: &str) -> Option<String> {
        let state = self.state.borrow();
        state
            .failed_steps
            .iter()
            .find(|(_, m)| m == message)
            .map(|(step, _)| step.clone())
    }

    pub fn set_include_adopted(&self, include: bool) {
        self.state.borrow_mut().include_adopted = include;
    }

    /// `claim(resource, existed)`: records, inside a step, whether `resource` was found
    /// existing (adopted) or is about to be made by it, and returns whether it counts as
    /// adopted. The first claim of a resource in a step stands: when the step runs again
    /// after a crash and finds what its first attempt made, it is still its own. Outside a
    /// step (and in the REPL, which journals nothing) it only answers `existed`.
    pub fn claim(&self, resource: &str, existed: bool) -> EvalResult<bool> {
        let label = {
            let state = self.state.borrow();
            let Some(label) = state.current.clone() else {
                return Ok(existed);
            };
            if label.starts_with(UNDO_OF) {
                return Ok(existed);
            }
            if let Some(adopted) = state.index.claims(&label).and_then(|c| c.get(resource)) {
                return Ok(*adopted);
            }
            label
        };
        self.record(Event::Claimed {
            step: label,
            resource: resource.to_string(),
            adopted: existed,
        })?;
        Ok(existed)
    }

    /// `adopted(resource)`: whether the step being undone (or running) adopted `resource`
    /// rather than made it, so that its undo leaves it in place. Always false under
    /// `destroy --include-adopted`.
    pub fn adopted(&self, resource: &str) -> bool {
        let state = self.state.borrow();
        let Some(current) = &state.current else {
            return false;
        };
        let label = current.strip_prefix(UNDO_OF).unwrap_or(current);
        !state.include_adopted
            && state
                .index
                .claims(label)
                .and_then(|c| c.get(resource))
                .copied()
                .unwrap_or(false)
    }

    /// Whether a completed step adopted everything it claimed (and claimed something): its
    /// undo has nothing of its own to remove.
    pub fn only_adopted(&self, label: &str) -> Option<Vec<String>> {
        let state = self.state.borrow();
        if state.include_adopted {
            return None;
        }
        let claims = state.index.claims(label)?;
        (!claims.is_empty() && claims.values().all(|adopted| *adopted))
            .then(|| claims.keys().cloned().collect())
    }

    pub fn current_step(&self) -> Option<String> {
        self.state.borrow().current.clone()
    }

    /// Marks code that runs as part of a step outside `step` itself (an undo action).
    pub fn set_current(&self, label: Option<String>) {
        self.state.borrow_mut().current = label;
    }

    /// Whether script output (`print`, `log`) should be shown: a `destroy` replay stays
    /// silent, as it re-runs the script only to find its undo actions.
    pub fn shows_script_output(&self) -> bool {
        let state = self.state.borrow();
        state.mode != Mode::Destroy || state.current.is_some()
    }

    /// A `log` or `print` line: shown, and journaled masked with the step it came from, so
    /// `runbook logs` and `status` have it after the process is gone. A line that cannot be
    /// journaled is only warned about: the next step's record meets the same disk and stops
    /// the run properly.
    pub fn script_output(&self, stream: Stream, text: &str) {
        if !self.shows_script_output() {
            return;
        }
        let step = self.state.borrow().current.clone();
        match stream {
            Stream::Log => self.output.log(text, step.as_deref()),
            Stream::Print => self.output.print(text, step.as_deref()),
        }
        let mut state = self.state.borrow_mut();
        let Some(journal) = state.journal.as_mut() else {
            return;
        };
        let event = Event::Output {
            stream,
            step,
            message: self.secrets.redact(text),
        };
        if let Err(error) = journal.append(event) {
            drop(state);
            self.output
                .warn(&format!("a line of output is not journaled: {error}"));
        }
    }

    /// Refuses a call that changes the world outside a step: code outside steps runs again
    /// on every resume, so it must only read.
    pub fn require_step(&self, call: &str, pos: Position) -> EvalResult<()> {
        let state = self.state.borrow();
        if state.journal.is_some() && state.current.is_none() {
            return Err(runtime_error(
                format!(
                    "{call} changes the world, so it must run inside a step: code outside \
                     steps runs again on every resume"
                ),
                pos,
            ));
        }
        Ok(())
    }

    pub fn stop(&self, error: Error, pos: Position) -> Box<EvalAltResult> {
        self.state.borrow_mut().stop = Some(error);
        Halt::Stop.at(pos)
    }

    /// Records `event` of the step `step` refers to, and tells it to `--json` readers.
    fn record_step(&self, event: Event, step: &StepRef) -> EvalResult<()> {
        let told = OutputEvent::of_record(&event, step.clone());
        self.record(event)?;
        if let Some(told) = told {
            self.output.event(told);
        }
        Ok(())
    }

    fn record(&self, event: Event) -> EvalResult<()> {
        let mut state = self.state.borrow_mut();
        state.index.apply(&event);
        let Some(journal) = state.journal.as_mut() else {
            return Ok(());
        };
        if let Err(error) = journal.append(event) {
            drop(state);
            return Err(self.stop(error, Position::NONE));
        }
        Ok(())
    }
}

pub fn runtime_error(message: impl Into<String>, pos: Position) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(Dynamic::from(message.into()), pos).into()
}

/// Whether `error` is the halt `halt` (`Halt::EndOfReplay`, `Stop::Interrupted`).
pub fn is_halt(error: &EvalAltResult, halt: impl Into<Halt>) -> bool {
    match error {
        EvalAltResult::ErrorTerminated(value, _) => {
            value.clone().try_cast::<Halt>() == Some(halt.into())
        }
        _ => false,
    }
}
