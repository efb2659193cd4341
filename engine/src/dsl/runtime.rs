//! The state a script runs against: the run's journal and replay index, params, secrets and
//! output. Every `step` expression comes through `Runtime::step`, which decides whether the
//! step replays its recorded value, runs (recording `started`, then its outcome), or stops
//! the run (a divergence, a refused change, the end of a `destroy` replay).
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
use super::value::{from_json, to_json};
use crate::aws::bridge::Bridge;
use crate::aws::clients::AwsOptions;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::events::{Event as OutputEvent, StepRef};
use crate::fiber::Turn;
use crate::interrupt::{Interrupt, Stop};
use crate::journal::{Event, Journal, Outcome, RecordedError, ReplayIndex, StepId};
use crate::output::{self, Output};

type EvalResult<T> = Result<T, Box<EvalAltResult>>;

/// How an undo action shows as the current step: `undo of <label>`.
pub const UNDO_OF: &str = "undo of ";

/// Why the script was stopped from inside (carried out by `EvalAltResult::ErrorTerminated`).
pub const STOP_TOKEN: &str = "runbook:stop";

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
    pub label: String,
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
        self.record(
            Event::Claimed {
                step: label,
                resource: resource.to_string(),
                adopted: existed,
            },
            true,
        )?;
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
        EvalAltResult::ErrorTerminated(STOP_TOKEN.into(), pos).into()
    }

    fn record(&self, event: Event, durable: bool) -> EvalResult<()> {
        let mut state = self.state.borrow_mut();
        state.index.apply(&event);
        let Some(journal) = state.journal.as_mut() else {
            return Ok(());
        };
        if let Err(error) = journal.append(event, durable) {
            drop(state);
            return Err(self.stop(error, Position::NONE));
        }
        Ok(())
    }

    /// Evaluates one `step` expression.
    pub fn step(
        &self,
        ctx: &mut EvalContext,
        name: String,
        options: StepOptions,
        body: &Expression,
        undo: Option<&Expression>,
        site: StepSite,
    ) -> EvalResult<Dynamic> {
        match self.enter(ctx, name, options, body, undo, site)? {
            Entered::Value(value) => Ok(value),
            Entered::Run(pending) => {
                let fields = self.begin(&pending)?;
                self.state.borrow_mut().current = Some(pending.step.label());
                let result = self.run(ctx, pending, fields, body);
                self.state.borrow_mut().current = None;
                result
            }
        }
    }

    /// Decides what a `step` expression does: replay its recorded value (or, for `destroy`,
    /// collect its undo), run, or stop the run (a divergence, a refused change, the end of a
    /// `destroy` replay). Takes the step's position in the run.
    pub fn enter(
        &self,
        ctx: &mut EvalContext,
        name: String,
        options: StepOptions,
        body: &Expression,
        undo: Option<&Expression>,
        site: StepSite,
    ) -> EvalResult<Entered> {
        let pos = body.position();
        let (position, step, entry, mode) = {
            let mut state = self.state.borrow_mut();
            if let Some(outer) = &state.current {
                return Err(runtime_error(
                    format!("step {name:?} is inside step {outer:?}: steps cannot be nested"),
                    pos,
                ));
            }
            let occurrence = state.occurrences.entry(name.clone()).or_insert(0);
            let step = StepId {
                name: name.clone(),
                occurrence: *occurrence,
                hash: site.hash.clone(),
                file: site.file.clone(),
                line: site.line,
            };
            *occurrence += 1;
            let position = state.position;
            state.position += 1;
            (
                position,
                step,
                state.index.get(position).cloned(),
                state.mode,
            )
        };
        let label = step.label();

        if let Some(entry) = &entry {
            if entry.step.name != step.name || entry.step.occurrence != step.occurrence {
                let message = format!(
                    "the script no longer matches the run: step {} of the run is {:?} (line {}), \
                     but the script now has {:?} here",
                    position + 1,
                    entry.step.label(),
                    entry.step.line,
                    label
                );
                let diagnostic = self
                    .diagnostic_at(&site, message)
                    .note("a step was renamed, added or removed before this one")
                    .note("run `runbook plan` to compare, or start a new run with `runbook exec`");
                return Err(self.stop(Error::Diverged(Box::new(diagnostic)), pos));
            }
        }

        let replayable = entry.as_ref().and_then(|e| match &e.outcome {
            Outcome::Completed {
                value, redactions, ..
            } => Some((value, redactions, &e.step)),
            _ => None,
        });
        let run = |ad_hoc| {
            Ok(Entered::Run(Pending {
                position,
                step: step.clone(),
                options: options.clone(),
                ad_hoc,
            }))
        };

        match (mode, replayable) {
            (Mode::Destroy, Some((value, redactions, _))) => {
                let value = self.replayed_value(value, redactions, pos)?;
                let action = match undo {
                    Some(expr) => Some(
                        ctx.eval_expression_tree(expr)?
                            .try_cast::<FnPtr>()
                            .ok_or_else(|| runtime_error("undo must be a closure", pos))?,
                    ),
                    None => None,
                };
                let mut state = self.state.borrow_mut();
                state.undos.push(Undo {
                    position,
                    label,
                    action,
                    value: value.clone(),
                });
                state.counts.replayed += 1;
                Ok(Entered::Value(value))
            }
            (Mode::Destroy, None) => Err(self.stop_with_end(pos)),
            (Mode::Run { rerun_changed }, Some((value, redactions, recorded))) => {
                if recorded.hash == step.hash {
                    let value = self.replayed_value(value, redactions, pos)?;
                    self.output.progress(&format!("replayed {label}"));
                    self.output.event(OutputEvent::StepReplayed {
                        step: self.step_ref(position, &step),
                    });
                    self.state.borrow_mut().counts.replayed += 1;
                    Ok(Entered::Value(value))
                } else if rerun_changed {
                    self.output
                        .detail(&format!("step {label:?} changed: running it again"));
                    run(false)
                } else {
                    let message = format!(
                        "step {label:?} changed since the run recorded it (line {} then, line {} now)",
                        recorded.line, site.line
                    );
                    let diagnostic = self.diagnostic_at(&site, message).note(
                        "resume with --rerun-changed to run changed steps again, or start a \
                         new run with `runbook exec`",
                    );
                    Err(self.stop(Error::Diverged(Box::new(diagnostic)), pos))
                }
            }
            (Mode::Run { .. }, None) => run(false),
            (Mode::AdHoc, _) => run(true),
            (Mode::Inspect, _) => Err(runtime_error("steps do not run while inspecting", pos)),
        }
    }

    fn stop_with_end(&self, pos: Position) -> Box<EvalAltResult> {
        EvalAltResult::ErrorTerminated(END_OF_REPLAY.into(), pos).into()
    }

    fn diagnostic_at(&self, site: &StepSite, message: String) -> Diagnostic {
        let diagnostic = Diagnostic::new(message);
        match self.source(&site.file) {
            Some(text) => diagnostic.at(&site.file, &text, site.line, site.column),
            None => diagnostic,
        }
    }

    fn replayed_value(
        &self,
        value: &serde_json::Value,
        redactions: &[crate::journal::Redaction],
        pos: Position,
    ) -> EvalResult<Dynamic> {
        match self
            .secrets
            .decode(value.clone(), redactions, |name| self.secret(name))
        {
            Ok(value) => Ok(from_json(&value)),
            Err(message) => Err(self.stop(
                Error::Secret {
                    name: "in a recorded value".into(),
                    message,
                },
                pos,
            )),
        }
    }

    fn step_ref(&self, position: usize, step: &StepId) -> StepRef {
        StepRef {
            run: self.with_journal(|j| j.id().to_string()),
            step: step.name.clone(),
            occurrence: step.occurrence,
            position,
            file: step.file.clone(),
            line: step.line,
        }
    }

    /// Runs the steps of a `parallel` group together, each on a fiber of its own with its own
    /// copy of the variables in scope; every one runs to its end, whatever the others do.
    /// Their outcomes in the group's order.
    pub fn run_group(
        &self,
        ctx: &mut EvalContext,
        steps: Vec<(Pending, &Expression)>,
    ) -> EvalResult<Vec<EvalResult<Dynamic>>> {
        // Every `started` is written before any body runs, in the steps' order: a position
        // never appears in the journal before the ones ahead of it.
        let mut begun = Vec::with_capacity(steps.len());
        for (pending, _) in &steps {
            begun.push(self.begin(pending)?);
        }
        let engine = ctx.engine();
        let labels: Vec<String> = steps.iter().map(|(p, _)| p.step.label()).collect();
        let mut jobs: Vec<Box<dyn FnOnce() -> EvalResult<Dynamic> + '_>> = Vec::new();
        for ((pending, body), fields) in steps.into_iter().zip(begun) {
            let mut global = ctx.global_runtime_state().clone();
            let mut scope = ctx.scope().clone();
            jobs.push(Box::new(move || {
                let mut caches = Caches::new();
                let mut own = EvalContext::new(engine, &mut global, &mut caches, &mut scope, None);
                self.run(&mut own, pending, fields, body)
            }));
        }
        let mut deadlines = vec![None; labels.len()];
        let turn = |i: usize, turn: Turn| match turn {
            Turn::Begins => {
                self.state.borrow_mut().current = Some(labels[i].clone());
                self.interrupt.set_deadline(deadlines[i]);
            }
            Turn::Ends => {
                deadlines[i] = self.interrupt.deadline();
                self.interrupt.set_deadline(None);
                self.state.borrow_mut().current = None;
            }
        };
        self.aws
            .run_fibers(jobs, turn)
            .map_err(|e| runtime_error(e.message, Position::NONE))
    }

    /// Runs a begun step's body with its retries, and writes how it ended.
    fn run(
        &self,
        ctx: &mut EvalContext,
        pending: Pending,
        fields: StepRef,
        body: &Expression,
    ) -> EvalResult<Dynamic> {
        let label = pending.step.label();
        let started = Instant::now();
        let (result, attempts) = self.attempts(ctx, &label, &pending.options, body, &fields);
        self.finish(pending, fields, result, attempts, started.elapsed(), body)
    }

    /// Writes that a step starts running; what its events say of it.
    fn begin(&self, pending: &Pending) -> EvalResult<StepRef> {
        let fields = self.step_ref(pending.position, &pending.step);
        if pending.ad_hoc {
            return Ok(fields);
        }
        let label = pending.step.label();
        self.record(
            Event::Started {
                position: pending.position,
                step: pending.step.clone(),
            },
            false,
        )?;
        self.output.event(OutputEvent::StepStarted {
            step: fields.clone(),
        });
        self.output.detail(&format!("started {label}"));
        Ok(fields)
    }

    /// Writes how a step that ran ended, and shows it.
    fn finish(
        &self,
        pending: Pending,
        fields: StepRef,
        result: EvalResult<Dynamic>,
        attempts: u32,
        elapsed: Duration,
        body: &Expression,
    ) -> EvalResult<Dynamic> {
        let Pending {
            position,
            step,
            ad_hoc,
            ..
        } = pending;
        let label = step.label();
        if ad_hoc {
            // The REPL: the body ran (with its retries and timeout) and nothing records it.
            if result.is_ok() {
                self.output.progress(&format!(
                    "ran      {label} ({}; ad hoc, not journaled)",
                    output::duration(elapsed)
                ));
            }
            return result;
        }
        let result = result.and_then(|value| {
            to_json(&value).map(|json| (value, json)).map_err(|why| {
                runtime_error(
                    format!("step {label:?} returned a value that {why}"),
                    body.position(),
                )
            })
        });

        match result {
            Ok((value, json)) => {
                let (recorded, redactions) = self.secrets.encode(json);
                let duration_ms = elapsed.as_secs_f64() * 1000.0;
                self.record(
                    Event::Completed {
                        position,
                        value: recorded,
                        redactions,
                        duration_ms,
                        attempts,
                    },
                    true,
                )?;
                self.output
                    .progress(&format!("done     {label} ({})", output::duration(elapsed)));
                self.output.event(OutputEvent::StepCompleted {
                    step: fields,
                    duration_ms,
                    attempts,
                });
                self.state.borrow_mut().counts.ran += 1;
                Ok(value)
            }
            Err(error) if is_stop(&error, Stop::Interrupted) || is_token(&error, STOP_TOKEN) => {
                if is_stop(&error, Stop::Interrupted) {
                    self.record(Event::Interrupted { position }, true)?;
                    self.output.progress(&format!("interrupted {label}"));
                    self.output
                        .event(OutputEvent::StepInterrupted { step: fields });
                    let mut state = self.state.borrow_mut();
                    state.stop = Some(Error::Interrupted(format!(
                        "interrupted during step {label:?}; `runbook resume` runs it again"
                    )));
                }
                Err(EvalAltResult::ErrorTerminated(STOP_TOKEN.into(), body.position()).into())
            }
            Err(error) => {
                let diagnostic = errors::eval_diagnostic(&error, self);
                let message = self.secrets.redact(&diagnostic.message);
                let location = diagnostic.location.as_ref();
                let recorded = RecordedError {
                    message: message.clone(),
                    line: location.map(|l| l.line),
                    column: location.map(|l| l.column),
                };
                self.record(
                    Event::Failed {
                        position,
                        error: recorded,
                    },
                    true,
                )?;
                self.output
                    .progress(&format!("failed   {label} ({})", output::duration(elapsed)));
                self.output.event(OutputEvent::StepFailed {
                    step: fields,
                    error: message,
                    duration_ms: elapsed.as_secs_f64() * 1000.0,
                });
                self.state
                    .borrow_mut()
                    .failed_steps
                    .push((label, diagnostic.message));
                Err(error)
            }
        }
    }

    /// Runs the body, retrying as the options say. Returns the result and the attempts made.
    fn attempts(
        &self,
        ctx: &mut EvalContext,
        label: &str,
        options: &StepOptions,
        body: &Expression,
        fields: &StepRef,
    ) -> (EvalResult<Dynamic>, u32) {
        let mut attempt = 1;
        loop {
            self.interrupt
                .set_deadline(options.timeout.map(|t| Instant::now() + t));
            let result = ctx.eval_expression_tree(body);
            self.interrupt.set_deadline(None);
            let error = match result {
                Ok(value) => return (Ok(value), attempt),
                Err(error) if is_stop(&error, Stop::TimedOut) => {
                    let limit = options.timeout.unwrap_or_default();
                    runtime_error(
                        format!("step {label:?} timed out after {}", output::duration(limit)),
                        error.position(),
                    )
                }
                Err(error) if matches!(*error, EvalAltResult::ErrorTerminated(..)) => {
                    return (Err(error), attempt)
                }
                Err(error) => error,
            };
            if attempt > options.retries {
                return (Err(error), attempt);
            }
            let wait = options.backoff * 2u32.saturating_pow(attempt - 1);
            let message = errors::eval_diagnostic(&error, self).message;
            self.output.progress(&format!(
                "retry    {label}: attempt {attempt} of {} failed ({message}); again in {}",
                options.retries + 1,
                output::duration(wait)
            ));
            self.output.event(OutputEvent::StepRetry {
                step: fields.clone(),
                attempt,
                error: message,
            });
            if let Err(stop) = self.interrupt.sleep(wait) {
                let stopped = EvalAltResult::ErrorTerminated(stop.token().into(), body.position());
                return (Err(stopped.into()), attempt);
            }
            attempt += 1;
        }
    }
}

/// The token that ends a `destroy` replay at the first step that never completed.
pub const END_OF_REPLAY: &str = "runbook:end-of-replay";

pub fn runtime_error(message: impl Into<String>, pos: Position) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(Dynamic::from(message.into()), pos).into()
}

pub fn is_token(error: &EvalAltResult, token: &str) -> bool {
    matches!(error, EvalAltResult::ErrorTerminated(t, _) if t.clone().into_string().ok().as_deref() == Some(token))
}

pub fn is_stop(error: &EvalAltResult, stop: Stop) -> bool {
    is_token(error, stop.token())
}
