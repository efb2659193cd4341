//! Whether a `step` replays: its recorded value is used (or, for `destroy`, its undo is
//! collected), it runs, or the run stops (a divergence, a refused change, the end of a
//! `destroy` replay).

use super::*;

impl Runtime {
    /// Decides what a `step` expression does: replay its recorded value (or, for `destroy`,
    /// collect its undo), run, or stop the run (a divergence, a refused change, the end of a
    /// `destroy` replay). Takes the step's position in the run.
    pub fn enter(&self, ctx: &mut EvalContext, call: StepCall) -> EvalResult<Entered> {
        let StepCall {
            name,
            options,
            body,
            undo,
            site,
        } = call;
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
                    step,
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
        Halt::EndOfReplay.at(pos)
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
}
