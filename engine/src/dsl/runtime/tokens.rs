//! Idempotency tokens. AWS does a request sent again with the same token once, so a step
//! that runs again (a retry, or a resume after a crash lost the answer) must send the tokens
//! its earlier attempt sent: each is made from the run, the step and its body, not drawn at
//! random as the SDK draws them for each call.

use sha2::{Digest, Sha256};

use super::*;

impl Runtime {
    /// `step_token()`: the same on every attempt of the current step in this run, and
    /// another in any other step or run, or once the step's body is edited; fresh outside a
    /// step (the REPL, ad hoc), where there is no attempt to repeat.
    pub fn step_token(&self) -> String {
        match self.seed() {
            Some(seed) => token(&seed),
            None => {
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
                let nanos = now.map_or(0, |d| d.as_nanos());
                token(&format!("ad hoc {} {nanos}", std::process::id()))
            }
        }
    }

    /// The token for the next call in the current step that takes one (a member the model
    /// marks as an idempotency token, left out by the script): the n-th such call of an
    /// attempt sends what the n-th of every other attempt sends. None outside a journaled
    /// step, where the SDK's own fresh token is right.
    pub fn call_token(&self) -> Option<String> {
        let seed = self.seed()?;
        let label = self.current_step()?;
        let mut state = self.state.borrow_mut();
        let calls = state.token_calls.entry(label).or_insert(0);
        *calls += 1;
        Some(token(&format!("{seed}\ncall {calls}")))
    }

    /// A new attempt of the step `label` starts: its calls' tokens count from the first.
    pub(super) fn restart_tokens(&self, label: &str) {
        self.state.borrow_mut().token_calls.remove(label);
    }

    /// What a token of the current step is made from: the run, the step (or its undo) and
    /// its body's hash.
    fn seed(&self) -> Option<String> {
        let state = self.state.borrow();
        let label = state.current.as_deref()?;
        let run = state.journal.as_ref()?.id();
        let step = label.strip_prefix(UNDO_OF).unwrap_or(label);
        let hash = state
            .index
            .entries()
            .iter()
            .rev()
            .find(|entry| entry.step.label() == step)
            .map_or("", |entry| entry.step.hash.as_str());
        Some(format!("{run}\n{label}\n{hash}"))
    }
}

/// A token as the services take one: 36 characters, hex digits and dashes, as a UUID is
/// written (EC2 takes up to 64, Secrets Manager 32 to 64, CloudWatch Logs 36 to 128).
fn token(seed: &str) -> String {
    let hex = crate::dsl::source::hex(&Sha256::digest(seed.as_bytes())[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
