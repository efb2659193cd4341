//! How progress shows on a terminal: one line per step outcome, the same whether the running
//! process prints it or `status --watch` reads it from the journal, and a spinner that ticks
//! steadily with its elapsed time while something long is going on.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressState, ProgressStyle};

use crate::journal::Event;
use crate::output::{self, Output};

/// The line a step's (or an undo's) recorded outcome shows as; none for what is not an
/// outcome.
pub fn step_line(event: &Event, label: &str) -> Option<String> {
    let took = |ms: f64| output::duration(Duration::from_secs_f64(ms.max(0.0) / 1000.0));
    Some(match event {
        Event::Completed { duration_ms, .. } => {
            format!("done     {label} ({})", took(*duration_ms))
        }
        Event::Failed { duration_ms, .. } => format!("failed   {label} ({})", took(*duration_ms)),
        Event::Interrupted { .. } => format!("interrupted {label}"),
        Event::UndoCompleted { .. } => format!("undone   {label}"),
        Event::UndoFailed { error, .. } => format!(
            "failed   undo of {label}: {}",
            error.message.lines().next().unwrap_or_default()
        ),
        _ => return None,
    })
}

/// A spinner on stderr showing `message` and the time since it started, ticking on its own;
/// none when stderr is not a terminal, with `--json`, or with `-q`.
pub fn spinner(output: &Output, message: String) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() || output.is_json() || !output.shows_progress() {
        return None;
    }
    let style = ProgressStyle::with_template("{spinner} {msg} ({took})")
        .ok()?
        .with_key(
            "took",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}", output::duration(state.elapsed()));
            },
        );
    let bar = ProgressBar::new_spinner()
        .with_style(style)
        .with_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}
