//! A step that runs: `started` is recorded, the body runs (with its retries), and its outcome
//! is recorded and shown; a `parallel` group's steps run together on fibers.

use super::*;

impl Runtime {
    /// Evaluates one `step` expression.
    pub fn step(&self, ctx: &mut EvalContext, call: StepCall) -> EvalResult<Dynamic> {
        let body = call.body;
        match self.enter(ctx, call)? {
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

    pub fn step_ref(&self, position: usize, step: &StepId) -> StepRef {
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
        self.record_step(
            Event::Started {
                position: pending.position,
                step: pending.step.clone(),
            },
            &fields,
        )?;
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
                let completed = Event::Completed {
                    position,
                    value: recorded,
                    redactions,
                    duration_ms: elapsed.as_secs_f64() * 1000.0,
                    attempts,
                };
                let line = progress::step_line(&completed, &label);
                self.record_step(completed, &fields)?;
                self.output.progress(&line.unwrap_or_default());
                self.state.borrow_mut().counts.ran += 1;
                Ok(value)
            }
            Err(error) if is_halt(&error, Stop::Interrupted) || is_halt(&error, Halt::Stop) => {
                if is_halt(&error, Stop::Interrupted) {
                    let interrupted = Event::Interrupted { position };
                    let line = progress::step_line(&interrupted, &label);
                    self.record_step(interrupted, &fields)?;
                    self.output.progress(&line.unwrap_or_default());
                    let mut state = self.state.borrow_mut();
                    state.stop = Some(Error::Interrupted(format!(
                        "interrupted during step {label:?}"
                    )));
                }
                Err(Halt::Stop.at(body.position()))
            }
            Err(error) => {
                let diagnostic = errors::eval_diagnostic(&error, self);
                let location = diagnostic.location.as_ref();
                let recorded = RecordedError {
                    message: self.secrets.redact(&diagnostic.message),
                    line: location.map(|l| l.line),
                    column: location.map(|l| l.column),
                };
                let failed = Event::Failed {
                    position,
                    error: recorded,
                    duration_ms: elapsed.as_secs_f64() * 1000.0,
                };
                let line = progress::step_line(&failed, &label);
                self.record_step(failed, &fields)?;
                self.output.progress(&line.unwrap_or_default());
                self.state
                    .borrow_mut()
                    .failed_steps
                    .push((label, diagnostic.message));
                Err(error)
            }
        }
    }
}
