//! The bridge from synchronous script calls to the async SDK. The script runs on the thread
//! that owns a current-thread Tokio runtime, and each binding `block_on`s its call there, so
//! no call ever blocks inside a runtime worker. The SDK configuration is loaded on the first
//! call, so scripts that never touch AWS never pay for it.
//!
//! A call in flight is cancelled when Ctrl-C arrives or the step's deadline passes: the
//! future is dropped, which aborts the request. A call refused because an IAM change has not
//! propagated yet (`propagation.rs`) is retried here, so every binding, page and wait poll
//! gets the same rule, and each retry is shown.

use std::cell::{OnceCell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::events::Event;
use aws_smithy_types::Document;

use super::binding::Binding;
use super::clients::{self, AwsOptions, Clients};
use super::error::CallError;
use super::propagation;
use crate::fiber;
use crate::interrupt::{Interrupt, Stop};
use crate::output::{self, Output};

/// How a call ended without a result.
#[derive(Debug)]
pub enum Failure {
    Aws(CallError),
    Stopped(Stop),
}

pub struct Bridge {
    runtime: OnceCell<tokio::runtime::Runtime>,
    options: RefCell<AwsOptions>,
    /// Built on the first call; dropped when the options change (the REPL's `:region`).
    clients: RefCell<Option<Rc<Clients>>>,
    output: Rc<Output>,
}

impl Bridge {
    pub fn new(options: AwsOptions, output: Rc<Output>) -> Bridge {
        Bridge {
            runtime: OnceCell::new(),
            options: RefCell::new(options),
            clients: RefCell::new(None),
            output,
        }
    }

    fn runtime(&self) -> Result<&tokio::runtime::Runtime, CallError> {
        if let Some(runtime) = self.runtime.get() {
            return Ok(runtime);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CallError::new("RuntimeUnavailable", e.to_string()))?;
        Ok(self.runtime.get_or_init(|| runtime))
    }

    /// Runs `future` to completion unless Ctrl-C or the deadline stops it first. Inside a
    /// `parallel` group's fiber, the other steps go on meanwhile.
    pub fn block_on<T>(
        &self,
        interrupt: &Interrupt,
        future: impl Future<Output = T>,
    ) -> Result<T, Failure> {
        let guarded = async {
            tokio::select! {
                result = future => Ok(result),
                stop = watch(interrupt) => Err(Failure::Stopped(stop)),
            }
        };
        if fiber::active() {
            return fiber::wait(guarded);
        }
        self.runtime().map_err(Failure::Aws)?.block_on(guarded)
    }

    /// Runs `jobs` as fibers on this bridge's runtime (see `fiber::run_all`).
    pub fn run_fibers<'a, R>(
        &self,
        jobs: Vec<Box<dyn FnOnce() -> R + 'a>>,
        turn: impl FnMut(usize, fiber::Turn),
    ) -> Result<Vec<R>, CallError> {
        let runtime = self.runtime()?;
        fiber::run_all(runtime, jobs, turn)
            .map_err(|e| CallError::new("FiberUnavailable", format!("no stack for a fiber: {e}")))
    }

    pub fn clients(&self, interrupt: &Interrupt) -> Result<Rc<Clients>, Failure> {
        if let Some(clients) = self.clients.borrow().as_ref() {
            return Ok(clients.clone());
        }
        let options = self.options.borrow().clone();
        let config = self
            .block_on(interrupt, clients::load(&options))?
            .map_err(Failure::Aws)?;
        let clients = Rc::new(Clients::new(config, options.trace));
        *self.clients.borrow_mut() = Some(clients.clone());
        Ok(clients)
    }

    /// Changes the options (another profile or region): the next call builds new clients.
    pub fn reconfigure(&self, change: impl FnOnce(&mut AwsOptions)) {
        change(&mut self.options.borrow_mut());
        *self.clients.borrow_mut() = None;
    }

    pub fn options(&self) -> AwsOptions {
        self.options.borrow().clone()
    }

    /// Waits `pause` on the runtime's clock, unless Ctrl-C or the deadline comes first.
    pub fn sleep(&self, interrupt: &Interrupt, pause: Duration) -> Result<(), Failure> {
        // The timer is made inside the runtime: tokio's `sleep` panics when called outside.
        self.block_on(interrupt, async move { tokio::time::sleep(pause).await })
    }

    /// Resolves the credentials the calls will sign with (the SDK's chain: environment,
    /// profile files, SSO, web identity, container and instance metadata).
    pub fn check_credentials(&self, interrupt: &Interrupt) -> Result<(), Failure> {
        use aws_credential_types::provider::ProvideCredentials;
        let clients = self.clients(interrupt)?;
        let Some(provider) = clients.config().credentials_provider() else {
            return Err(Failure::Aws(CallError::new("NoCredentials", "no provider")));
        };
        self.block_on(
            interrupt,
            async move { provider.provide_credentials().await },
        )?
        .map(drop)
        .map_err(|e| Failure::Aws(CallError::new("NoCredentials", e.to_string())))
    }

    /// The region the clients work in, from the options or the SDK's chain.
    pub fn region(&self, interrupt: &Interrupt) -> Result<Option<String>, Failure> {
        let clients = self.clients(interrupt)?;
        Ok(clients.config().region().map(|r| r.to_string()))
    }

    /// Sends one request of `binding`, again while AWS answers that an IAM change has not
    /// reached the service yet (for at most `propagation::BUDGET`).
    pub fn call(
        &self,
        interrupt: &Interrupt,
        binding: &Binding,
        input: Document,
    ) -> Result<Document, Failure> {
        let clients = self.clients(interrupt)?;
        if clients.config().region().is_none() {
            return Err(Failure::Aws(CallError::new("NoRegion", clients::NO_REGION)));
        }
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let error = match self.block_on(interrupt, (binding.call)(&clients, input.clone()))? {
                Ok(output) => return Ok(output),
                Err(error) => error,
            };
            if !propagation::is_propagation(binding.service, binding.operation, &error) {
                return Err(Failure::Aws(error));
            }
            let waited = started.elapsed();
            let pause = propagation::delay(attempt, propagation::jitter());
            if waited + pause > propagation::BUDGET {
                return Err(Failure::Aws(CallError {
                    message: format!(
                        "{} (still so after {} of retries: the IAM change did not propagate)",
                        error.message,
                        output::duration(waited)
                    ),
                    ..error
                }));
            }
            self.output.progress(&format!(
                "  retry    {} {} in {}: {} (IAM change not visible yet; {} of retries so far)",
                binding.service,
                binding.operation,
                output::duration(pause),
                error.code,
                output::duration(waited)
            ));
            self.output.event(Event::AwsRetry {
                service: binding.service,
                operation: binding.operation,
                code: error.code.clone(),
                message: error.message.clone(),
                reason: "propagation",
                attempt,
                delay_ms: pause.as_millis() as u64,
                waited_ms: waited.as_millis() as u64,
            });
            self.sleep(interrupt, pause)?;
            attempt += 1;
        }
    }
}

async fn watch(interrupt: &Interrupt) -> Stop {
    loop {
        if let Some(stop) = interrupt.check() {
            return stop;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
