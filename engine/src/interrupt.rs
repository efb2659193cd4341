//! Ctrl-C and step timeouts. The script engine polls `check` between operations and every
//! blocking builtin waits through `sleep`, so both stop a step at its next instruction. A
//! second Ctrl-C exits at once: the `started` record already in the journal makes `resume`
//! run that step again.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::exit;
use crate::fiber;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Interrupted,
    TimedOut,
}

#[derive(Default)]
pub struct Interrupt {
    ctrl_c: Arc<AtomicBool>,
    deadline: Cell<Option<Instant>>,
}

impl Interrupt {
    /// Routes SIGINT here for the rest of the process.
    pub fn install() -> Interrupt {
        let interrupt = Interrupt::default();
        let flag = interrupt.ctrl_c.clone();
        // Fails only when a handler is already installed, which `run` never does twice.
        let _ = ctrlc::set_handler(move || {
            if flag.swap(true, Ordering::SeqCst) {
                std::process::exit(exit::INTERRUPTED);
            }
        });
        interrupt
    }

    pub fn check(&self) -> Option<Stop> {
        if self.ctrl_c.load(Ordering::Relaxed) {
            Some(Stop::Interrupted)
        } else if self.deadline.get().is_some_and(|d| Instant::now() >= d) {
            Some(Stop::TimedOut)
        } else {
            None
        }
    }

    /// Forgets a Ctrl-C that has been dealt with: the REPL goes on after a cancelled call.
    pub fn clear(&self) {
        self.ctrl_c.store(false, Ordering::SeqCst);
    }

    pub fn set_deadline(&self, deadline: Option<Instant>) {
        self.deadline.set(deadline);
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.get()
    }

    /// Sleeps, waking early for Ctrl-C or the step's deadline. Inside a `parallel` group's
    /// fiber, the other steps go on meanwhile.
    pub fn sleep(&self, duration: Duration) -> Result<(), Stop> {
        let end = Instant::now() + duration;
        let next = || {
            if let Some(stop) = self.check() {
                return Err(stop);
            }
            Ok(end
                .checked_duration_since(Instant::now())
                .filter(|left| !left.is_zero())
                .map(|left| left.min(Duration::from_millis(20))))
        };
        if fiber::active() {
            return fiber::wait(async {
                while let Some(pause) = next()? {
                    tokio::time::sleep(pause).await;
                }
                Ok(())
            });
        }
        while let Some(pause) = next()? {
            std::thread::sleep(pause);
        }
        Ok(())
    }
}
