//! `-vv`: every HTTP attempt of every AWS call, as the SDK's retry layer makes it, on stderr:
//! the operation, the attempt out of how many, the answer's status and error type and the
//! time it took, the pause the retry strategy chose before the next attempt, and why the call
//! stopped when it gave up. Only names, statuses and times are shown: no request or answer
//! body, so nothing secret can reach the terminal.

use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::retry::RetryConfig;

#[derive(Debug)]
pub struct Trace;

/// When the attempt in flight started, and when the one before it ended.
#[derive(Debug, Clone, Copy)]
struct Attempt {
    started: Instant,
    previous_end: Option<Instant>,
}

impl Storable for Attempt {
    type Storer = StoreReplace<Self>;
}

/// `sts GetCallerIdentity`: the operation as the bindings and `-v` name it (the SDK says
/// `STS`, `CloudWatch Logs`, `EventBridge`).
fn operation(cfg: &ConfigBag) -> String {
    let Some(metadata) = cfg.load::<Metadata>() else {
        return "?".to_string();
    };
    let service = match metadata.service() {
        "CloudWatch Logs" => "logs".to_string(),
        "EventBridge" => "events".to_string(),
        other => other.replace(' ', "").to_lowercase(),
    };
    format!("{service} {}", metadata.name())
}

fn attempts(cfg: &ConfigBag) -> (u32, u32) {
    let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
    let max = cfg.load::<RetryConfig>().map_or(1, |r| r.max_attempts());
    (attempt.max(1), max)
}

fn millis(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

impl Intercept for Trace {
    fn name(&self) -> &'static str {
        "runbook trace"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let now = Instant::now();
        let previous_end = cfg.load::<Attempt>().and_then(|a| a.previous_end);
        let (attempt, max) = attempts(cfg);
        if let Some(end) = previous_end {
            eprintln!(
                "  aws      {} attempt {attempt} of {max}: retrying after a pause of {}",
                operation(cfg),
                millis(now.saturating_duration_since(end))
            );
        }
        cfg.interceptor_state().store_put(Attempt {
            started: now,
            previous_end,
        });
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let now = Instant::now();
        let started = cfg.load::<Attempt>().map_or(now, |a| a.started);
        let (attempt, max) = attempts(cfg);
        let answer = match context.response() {
            Some(response) => {
                let headers = response.headers();
                let kind = headers
                    .get("x-amzn-errortype")
                    .or_else(|| headers.get("x-amzn-query-error"))
                    .map_or(String::new(), |t| {
                        format!(" {}", t.split([':', ';']).next().unwrap_or(t))
                    });
                format!("HTTP {}{kind}", response.status().as_u16())
            }
            None => match context.output_or_error() {
                Some(Err(error)) => format!("no answer ({error})"),
                _ => "no answer".to_string(),
            },
        };
        eprintln!(
            "  aws      {} attempt {attempt} of {max}: {answer} in {}",
            operation(cfg),
            millis(now.saturating_duration_since(started))
        );
        cfg.interceptor_state().store_put(Attempt {
            started,
            previous_end: Some(now),
        });
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(Err(_)) = context.output_or_error() {
            let (attempt, max) = attempts(cfg);
            let why = if attempt >= max {
                "every attempt used"
            } else {
                "not retried (an error that is not transient, or the retry quota is spent)"
            };
            eprintln!(
                "  aws      {} failed after {attempt} attempt{}: {why}",
                operation(cfg),
                if attempt == 1 { "" } else { "s" }
            );
        }
        Ok(())
    }
}
