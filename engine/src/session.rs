//! Running a script against a run's journal: the shared core of `exec`, `resume` and
//! `destroy`. A `Session` is a compiled script with its runtime; `execute` runs it once from
//! the top (steps replay or run as the journal says) and `undo` runs collected undo actions.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use rhai::{Dynamic, Engine, EvalAltResult, Scope, AST};

use crate::aws::clients::AwsOptions;
use crate::config;
use crate::dsl::errors::eval_diagnostic;
use crate::dsl::params::Params;
use crate::dsl::runtime::{is_halt, Halt, Mode, Runtime, UNDO_OF};
use crate::dsl::suggest::did_you_mean;
use crate::dsl::{self, scan};
use crate::error::{Error, Result};
use crate::events::{Event as OutputEvent, StepRef};
use crate::interrupt::{Interrupt, Stop};
use crate::journal::{Event, Journal, RecordedError, ReplayIndex, UndoState};
use crate::output::{self, Output};

pub struct Session {
    pub runtime: Rc<Runtime>,
    pub engine: Engine,
    pub ast: AST,
    /// The AWS functions the script can reach (registered in `engine`), by service (`None`:
    /// every one).
    pub reached: dsl::Reached,
    /// The script as users name it (relative to the current directory where possible).
    pub name: String,
    pub text: Rc<str>,
    pub path: PathBuf,
}

/// How a script path is shown: relative to the current directory when it is inside it.
pub fn display_name(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let relative = cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok());
    relative.unwrap_or(path).display().to_string()
}

impl Session {
    /// Reads and compiles a script.
    pub fn prepare(
        path: &Path,
        params: Params,
        output: Rc<Output>,
        interrupt: Rc<Interrupt>,
        aws: AwsOptions,
    ) -> Result<Session> {
        let text: Rc<str> = config::read_script(path)?.into();
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let name = display_name(&path);
        let base_dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let runtime = Runtime::new(output, params, interrupt, base_dir, aws);
        runtime.add_source(&name, text.clone());
        let runtime = Rc::new(runtime);
        let mut engine = dsl::engine(&runtime);
        let compiled = dsl::compile(&engine, &runtime, &name, &text).map_err(Error::Compile)?;
        let reached = dsl::register_services_for(&mut engine, &runtime, &compiled);
        let ast = compiled.ast;
        Ok(Session {
            runtime,
            engine,
            reached,
            ast,
            name,
            text,
            path,
        })
    }

    /// Whether the script may call AWS at all.
    pub fn calls_aws(&self) -> bool {
        self.reached.as_ref().is_none_or(|r| !r.is_empty())
    }

    /// Refuses params the script never asks for and missing ones it needs.
    pub fn check_params(&self) -> Result<()> {
        let Some(used) = scan::params(&self.ast) else {
            return Ok(());
        };
        let given = self.runtime.params.given();
        if let Some(unknown) = given.keys().find(|k| !used.contains_key(*k)) {
            let names: Vec<&str> = used.keys().map(String::as_str).collect();
            let hint = did_you_mean(unknown, names.iter().copied());
            return Err(Error::Usage(format!(
                "unknown param {unknown}{hint}: {} uses {}",
                self.name,
                if names.is_empty() {
                    "no params".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
        if let Some((name, used)) = used
            .iter()
            .find(|(n, u)| !u.has_default && !given.contains_key(*n))
        {
            return Err(Error::Param {
                name: name.clone(),
                message: format!(
                    "missing (asked for at {}:{}:{}): give it with --param {name}=VALUE or in \
                     the params file",
                    self.name, used.line, used.column
                ),
            });
        }
        Ok(())
    }

    /// Runs the script from the top against `journal`.
    pub fn execute(&self, journal: Journal, index: ReplayIndex, mode: Mode) -> Result<()> {
        self.runtime.attach(journal, index, mode);
        let mut scope = Scope::new();
        let result = self.engine.run_ast_with_scope(&mut scope, &self.ast);
        match result {
            Ok(()) => Ok(()),
            Err(error) => match self.runtime.take_stop() {
                Some(stop) => Err(stop),
                None if is_halt(&error, Halt::EndOfReplay) => Ok(()),
                None => Err(self.failure(&error)),
            },
        }
    }

    fn failure(&self, error: &EvalAltResult) -> Error {
        if is_halt(error, Stop::Interrupted) {
            return Error::Interrupted("interrupted".into());
        }
        let diagnostic = eval_diagnostic(error, &self.runtime);
        let step = self.runtime.failed_step_for(&diagnostic.message);
        Error::Script(Box::new(diagnostic.in_step(step)))
    }

    /// Records `event` of the undo of `step` and tells it to `--json` readers.
    fn append(&self, event: Event, step: &StepRef) -> Result<()> {
        let told = OutputEvent::of_record(&event, step.clone());
        self.runtime
            .with_journal(|j| j.append(event))
            .unwrap_or(Ok(()))?;
        if let Some(told) = told {
            self.runtime.output.event(told);
        }
        Ok(())
    }

    /// Runs the undo actions a `destroy` replay collected, newest first, skipping those the
    /// journal says are done. An undo that fails is recorded and the others still run (an
    /// account half torn down is worse than one with a few leftovers); the failures are
    /// returned together at the end, and a second `destroy` retries only them. Returns the
    /// steps left in place (no undo block).
    pub fn undo(&mut self, index: &ReplayIndex) -> Result<Vec<String>> {
        dsl::keep_imports(&mut self.engine, &self.ast);
        let output = &self.runtime.output;
        let mut left_in_place = Vec::new();
        let mut failures = Vec::new();
        let undos = self.runtime.take_undos();
        for (position, entry) in index.entries().iter().enumerate() {
            if entry.is_completed() && !undos.iter().any(|u| u.position == position) {
                output.warn(&format!(
                    "step {:?} (line {}) is in the journal but the script no longer reaches it: \
                     left in place",
                    entry.step.label(),
                    entry.step.line
                ));
                left_in_place.push(entry.step.label());
            }
        }
        for undo in undos.into_iter().rev() {
            let label = undo.step.label();
            let done = index
                .get(undo.position)
                .is_some_and(|e| e.undo == UndoState::Completed);
            let run = self
                .runtime
                .with_journal(|j| j.id().to_string())
                .unwrap_or_default();
            let Some(action) = undo.action else {
                output.progress(&format!(
                    "kept     {} (no undo block: left in place)",
                    label
                ));
                output.event(OutputEvent::StepLeftInPlace {
                    run,
                    step: label.clone(),
                    position: undo.position,
                    reason: None,
                    resources: Vec::new(),
                });
                left_in_place.push(label);
                self.runtime.count_undo(false);
                continue;
            };
            if done {
                output.progress(&format!("undone   {} (already)", label));
                self.runtime.count_undo(true);
                continue;
            }
            if let Some(adopted) = self.runtime.only_adopted(&label) {
                output.progress(&format!(
                    "kept     {} (adopted, it existed before this run: {}; `destroy \
                     --include-adopted` removes it)",
                    label,
                    adopted.join(", ")
                ));
                output.event(OutputEvent::StepLeftInPlace {
                    run,
                    step: label.clone(),
                    position: undo.position,
                    reason: Some("adopted"),
                    resources: adopted,
                });
                left_in_place.push(label);
                self.runtime.count_undo(false);
                continue;
            }
            let step = self.runtime.step_ref(undo.position, &undo.step);
            self.append(
                Event::UndoStarted {
                    position: undo.position,
                },
                &step,
            )?;
            self.runtime
                .set_current(Some(format!("{UNDO_OF}{}", label)));
            let started = Instant::now();
            // `undo { .. }` takes no value, `undo |value| { .. }` the recorded one (captured
            // variables come curried before it).
            let takes_value = self
                .ast
                .iter_functions()
                .find(|f| f.name == action.fn_name())
                .is_none_or(|f| f.params.len() > action.curry().len());
            let result = if takes_value {
                action.call::<Dynamic>(&self.engine, &self.ast, (undo.value,))
            } else {
                action.call::<Dynamic>(&self.engine, &self.ast, ())
            };
            self.runtime.set_current(None);
            match result {
                Ok(_) => {
                    self.append(
                        Event::UndoCompleted {
                            position: undo.position,
                        },
                        &step,
                    )?;
                    let took = output::duration(started.elapsed());
                    output.progress(&format!("undone   {} ({took})", label));
                    self.runtime.count_undo(true);
                }
                Err(error) => {
                    if let Some(stop) = self.runtime.take_stop() {
                        return Err(stop);
                    }
                    if is_halt(&error, Stop::Interrupted) {
                        return Err(Error::Interrupted(format!(
                            "interrupted while undoing {label:?}"
                        )));
                    }
                    let diagnostic = eval_diagnostic(&error, &self.runtime)
                        .in_step(Some(format!("{UNDO_OF}{}", label)));
                    let location = diagnostic.location.as_ref();
                    let recorded = RecordedError {
                        message: self.runtime.secrets.redact(&diagnostic.message),
                        line: location.map(|l| l.line),
                        column: location.map(|l| l.column),
                    };
                    self.append(
                        Event::UndoFailed {
                            position: undo.position,
                            error: recorded,
                        },
                        &step,
                    )?;
                    output.progress(&format!(
                        "failed   undo of {}: {}",
                        label,
                        diagnostic.message.lines().next().unwrap_or_default()
                    ));
                    failures.push(diagnostic);
                }
            }
        }
        if !failures.is_empty() {
            return Err(Error::Undo(failures));
        }
        Ok(left_in_place)
    }
}
