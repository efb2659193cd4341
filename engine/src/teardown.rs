//! What `destroy` is about to do, shown on a terminal before it does anything: the steps it
//! will undo, newest first, with what each made, and those it leaves in place and why. It is
//! read from the journal and the script's own steps, so nothing runs to find it out.

use crate::dsl::scan::{StaticStep, StepName};
use crate::journal::{ReplayIndex, StepEntry, UndoState};

pub struct Teardown {
    /// One line per step to undo, newest first.
    pub undo: Vec<String>,
    /// One line per step left in place, with why.
    pub kept: Vec<String>,
}

/// The script's step for a recorded one: by its literal name, else by its body.
fn static_step<'a>(steps: &'a [StaticStep], entry: &StepEntry) -> Option<&'a StaticStep> {
    steps
        .iter()
        .find(|s| matches!(&s.name, StepName::Literal(name) if *name == entry.step.name))
        .or_else(|| steps.iter().find(|s| s.hash == entry.step.hash))
}

pub fn preview(index: &ReplayIndex, steps: &[StaticStep], include_adopted: bool) -> Teardown {
    let mut teardown = Teardown {
        undo: Vec::new(),
        kept: Vec::new(),
    };
    for entry in index.entries().iter().rev() {
        if !entry.is_completed() || entry.undo == UndoState::Completed {
            continue;
        }
        let label = entry.step.label();
        let claims = index.claims(&label);
        let of = |adopted: bool| -> Vec<String> {
            claims
                .into_iter()
                .flatten()
                .filter(|(_, a)| **a == adopted)
                .map(|(resource, _)| resource.clone())
                .collect()
        };
        let (made, adopted) = (of(false), of(true));
        let place = format!("{label} (line {})", entry.step.line);
        match static_step(steps, entry) {
            None => teardown
                .kept
                .push(format!("{place}: the script no longer reaches it")),
            Some(step) if !step.has_undo => teardown.kept.push(format!("{place}: no undo block")),
            Some(_) if made.is_empty() && !adopted.is_empty() && !include_adopted => {
                teardown.kept.push(format!(
                    "{place}: adopted, it existed before the run: {} (`--include-adopted` \
                     removes it)",
                    adopted.join(", ")
                ))
            }
            Some(_) => {
                let mut what = made;
                if !adopted.is_empty() {
                    let verb = if include_adopted {
                        "and adopted"
                    } else {
                        "leaving adopted"
                    };
                    what.push(format!("{verb} {}", adopted.join(", ")));
                }
                teardown.undo.push(if what.is_empty() {
                    place
                } else {
                    format!("{place}: {}", what.join(", "))
                });
            }
        }
    }
    teardown
}

impl Teardown {
    /// The text shown above the question.
    pub fn describe(&self, run: &str) -> String {
        let mut text = format!("destroy {run} undoes, newest first:\n");
        for line in &self.undo {
            text.push_str(&format!("  {line}\n"));
        }
        if !self.kept.is_empty() {
            text.push_str("and leaves in place:\n");
            for line in &self.kept {
                text.push_str(&format!("  {line}\n"));
            }
        }
        text
    }

    pub fn question(&self, run: &str) -> String {
        let n = self.undo.len();
        format!(
            "Undo {n} step{} of {run}? [y/N] ",
            if n == 1 { "" } else { "s" }
        )
    }
}
