//! The bridge from synchronous script calls to the async SDK. The script runs on the thread
//! that owns a current-thread Tokio runtime, and each binding `block_on`s its call there, so
//! no call ever blocks inside a runtime worker. The SDK configuration is loaded on the first
//! call, so scripts that never touch AWS never pay for it.
//!
//! A call in flight is cancelled when Ctrl-C arrives or the step's deadline passes: the
//! future is dropped, which aborts the request.

use std::cell::OnceCell;
use std::future::Future;
use std::time::Duration;

use aws_smithy_types::Document;

use super::binding::Binding;
use super::clients::{self, AwsOptions, Clients};
use super::error::CallError;
use crate::interrupt::{Interrupt, Stop};

/// How a call ended without a result.
#[derive(Debug)]
pub enum Failure {
    Aws(CallError),
    Stopped(Stop),
}

pub struct Bridge {
    runtime: OnceCell<tokio::runtime::Runtime>,
    options: AwsOptions,
    clients: OnceCell<Clients>,
}

impl Bridge {
    pub fn new(options: AwsOptions) -> Bridge {
        Bridge {
            runtime: OnceCell::new(),
            options,
            clients: OnceCell::new(),
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

    /// Runs `future` to completion unless Ctrl-C or the deadline stops it first.
    pub fn block_on<T>(
        &self,
        interrupt: &Interrupt,
        future: impl Future<Output = T>,
    ) -> Result<T, Failure> {
        self.runtime().map_err(Failure::Aws)?.block_on(async {
            tokio::select! {
                result = future => Ok(result),
                stop = watch(interrupt) => Err(Failure::Stopped(stop)),
            }
        })
    }

    pub fn clients(&self, interrupt: &Interrupt) -> Result<&Clients, Failure> {
        if let Some(clients) = self.clients.get() {
            return Ok(clients);
        }
        let config = self.block_on(interrupt, clients::load(&self.options))?;
        Ok(self.clients.get_or_init(|| Clients::new(config)))
    }

    /// Sends one request of `binding`.
    pub fn call(
        &self,
        interrupt: &Interrupt,
        binding: &Binding,
        input: Document,
    ) -> Result<Document, Failure> {
        let clients = self.clients(interrupt)?;
        self.block_on(interrupt, (binding.call)(clients, input))?
            .map_err(Failure::Aws)
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
