//! A step's attempts: its body again after a failure, as its `retries` and `backoff` say,
//! within its `timeout`.

use super::*;

impl Runtime {
    /// Runs the body, retrying as the options say. Returns the result and the attempts made.
    pub(super) fn attempts(
        &self,
        ctx: &mut EvalContext,
        label: &str,
        options: &StepOptions,
        body: &Expression,
        fields: &StepRef,
    ) -> (EvalResult<Dynamic>, u32) {
        let mut attempt = 1;
        loop {
            self.restart_tokens(label);
            self.interrupt
                .set_deadline(options.timeout.map(|t| Instant::now() + t));
            let result = ctx.eval_expression_tree(body);
            self.interrupt.set_deadline(None);
            let error = match result {
                Ok(value) => return (Ok(value), attempt),
                Err(error) if is_halt(&error, Stop::TimedOut) => {
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
                return (Err(Halt::from(stop).at(body.position())), attempt);
            }
            attempt += 1;
        }
    }
}
