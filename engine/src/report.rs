//! What ran and what is left: `status`, `plan` and `check`. These only read the store.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{json, Value};

use crate::dsl::scan::{self, StaticStep, StepName};
use crate::error::Result;
use crate::journal::{Outcome, ReplayIndex, RunStatus, StepEntry, StepStatus, Store, UndoState};
use crate::logs;
use crate::output::{self, Output};
use crate::session::{display_name, Session};

pub fn status(store: &Store, id: &str, output: &Output) -> Result<()> {
    let contents = store.read(id)?;
    let meta = &contents.meta;
    let index = ReplayIndex::from_records(&contents.records);
    let status = store.live_status(meta);
    let destroyed = meta.status == RunStatus::Destroyed;
    // What each step made and adopted, from its claims.
    let owned = |e: &StepEntry, adopted: bool| -> Vec<String> {
        index
            .claims(&e.step.label())
            .into_iter()
            .flatten()
            .filter(|(_, a)| **a == adopted)
            .map(|(resource, _)| resource.clone())
            .collect()
    };
    if output.is_json() {
        let steps: Vec<Value> = index
            .entries()
            .iter()
            .enumerate()
            .map(|(position, e)| {
                let mut step = json!({
                    "position": position, "name": e.step.name, "occurrence": e.step.occurrence,
                    "file": e.step.file, "line": e.step.line, "status": e.status(destroyed).as_str(),
                    "made": owned(e, false), "adopted": owned(e, true),
                });
                match &e.outcome {
                    Outcome::Completed {
                        value, duration_ms, ..
                    } => {
                        step["value"] = value.clone();
                        step["duration_ms"] = json!(duration_ms);
                    }
                    Outcome::Failed(error) => {
                        step["error"] = json!(error);
                        step["output"] =
                            json!(logs::last_lines(&contents.records, &e.step.label(), logs::TAIL));
                    }
                    _ => {}
                }
                if let UndoState::Failed(error) = &e.undo {
                    step["undo_error"] = json!(error);
                }
                step
            })
            .collect();
        let report = json!({
            "run": meta.id, "status": status, "script": meta.script, "params": meta.params,
            "started_at": meta.started_at, "ended_at": meta.ended_at, "error": meta.error,
            "unlocked": meta.unlocked, "steps": steps,
        });
        output.stdout(&report.to_string());
        return Ok(());
    }
    output.stdout(&format!("run {}: {status}", meta.id));
    output.stdout(&format!("script:  {}", display_name(&meta.script)));
    let ended = meta
        .ended_at
        .as_deref()
        .map_or(String::new(), |e| format!(", ended {e}"));
    output.stdout(&format!("started: {}{ended}", meta.started_at));
    for unlock in &meta.unlocked {
        output.stdout(&format!(
            "unlocked {} by {} (it was held by {})",
            unlock.at, unlock.by, unlock.holder
        ));
    }
    if !meta.params.is_empty() {
        let params: Vec<String> = meta
            .params
            .iter()
            .map(|(k, v)| format!("{k}={}", shorten(&v.to_string(), 60)))
            .collect();
        output.stdout(&format!("params:  {}", params.join(" ")));
    }
    if let Some(torn) = &contents.torn {
        output.stdout(&format!(
            "journal: a torn last record at line {} (dropped on resume)",
            torn.line
        ));
    }
    for entry in index.entries() {
        let detail = match &entry.outcome {
            Outcome::Completed {
                value, duration_ms, ..
            } => format!(
                "({}) = {}",
                output::duration(Duration::from_secs_f64(duration_ms / 1000.0)),
                shorten(&value.to_string(), 60)
            ),
            Outcome::Failed(error) => format!("error: {}", error.message),
            _ => String::new(),
        };
        output.stdout(&format!(
            "  {:11}  {}  line {}  {detail}",
            entry.status(destroyed).as_str(),
            entry.step.label(),
            entry.step.line
        ));
        if matches!(entry.outcome, Outcome::Failed(_)) {
            let label = entry.step.label();
            let lines = logs::last_lines(&contents.records, &label, logs::TAIL);
            for line in &lines {
                output.stdout(&format!("               | {line}"));
            }
            if !lines.is_empty() {
                output.stdout(&format!(
                    "               (all its output: runbook logs {} {})",
                    meta.id,
                    shell_word(&label)
                ));
            }
        }
        let adopted = owned(entry, true);
        if !adopted.is_empty() {
            output.stdout(&format!(
                "               adopted (existed before the run): {}",
                adopted.join(", ")
            ));
        }
    }
    if let Some(error) = &meta.error {
        output.stdout(&format!("error: {error}"));
    }
    Ok(())
}

/// A word as typed in a shell: quoted when it holds anything but plain characters.
fn shell_word(word: &str) -> String {
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}...", text.chars().take(max).collect::<String>())
    }
}

/// A static step's state in a run: done, changed, failed or pending, and how many times it
/// completed. Literal names match recorded steps by name; a computed name matches the
/// recorded steps no literal name claims, by body hash, else by line.
fn plan_status(
    step: &StaticStep,
    literals: &[&str],
    index: Option<&ReplayIndex>,
) -> (StepStatus, usize) {
    let Some(index) = index else {
        return (StepStatus::Pending, 0);
    };
    let entries: Vec<&StepEntry> = match &step.name {
        StepName::Literal(name) => index
            .entries()
            .iter()
            .filter(|e| &e.step.name == name)
            .collect(),
        StepName::Computed(_) => {
            let unclaimed = index
                .entries()
                .iter()
                .filter(|e| !literals.contains(&e.step.name.as_str()));
            let same_body: Vec<&StepEntry> = unclaimed
                .clone()
                .filter(|e| e.step.hash == step.hash)
                .collect();
            if same_body.is_empty() {
                unclaimed.filter(|e| e.step.line == step.line).collect()
            } else {
                same_body
            }
        }
    };
    let completed: Vec<&&StepEntry> = entries.iter().filter(|e| e.is_completed()).collect();
    let status = if completed.iter().any(|e| e.step.hash != step.hash) {
        StepStatus::Changed
    } else if !completed.is_empty() && completed.len() == entries.len() {
        StepStatus::Done
    } else if entries
        .iter()
        .any(|e| matches!(e.outcome, Outcome::Failed(_)))
    {
        StepStatus::Failed
    } else {
        StepStatus::Pending
    };
    (status, completed.len())
}

pub fn plan(store: &Store, session: &Session, output: &Output) -> Result<()> {
    let steps = scan::steps(&session.ast, &session.text);
    let newest = store
        .list()?
        .into_iter()
        .rev()
        .find(|m| m.script == session.path);
    // A destroyed run made nothing that is still there: every step would run again.
    let index = match &newest {
        Some(meta) if meta.status != RunStatus::Destroyed => {
            Some(ReplayIndex::from_records(&store.read(&meta.id)?.records))
        }
        _ => None,
    };
    let literals: Vec<&str> = steps
        .iter()
        .filter_map(|s| match &s.name {
            StepName::Literal(name) => Some(name.as_str()),
            StepName::Computed(_) => None,
        })
        .collect();
    let rows: Vec<(&StaticStep, StepStatus, usize)> = steps
        .iter()
        .map(|s| {
            let (status, times) = plan_status(s, &literals, index.as_ref());
            (s, status, times)
        })
        .collect();
    if output.is_json() {
        let steps: Vec<Value> = rows
            .iter()
            .map(|(s, status, times)| {
                let (name, computed) = match &s.name {
                    StepName::Literal(n) => (n.clone(), false),
                    StepName::Computed(text) => (text.clone(), true),
                };
                json!({ "name": name, "computed": computed, "line": s.line, "status": status.as_str(),
                        "recorded": times, "function": s.function })
            })
            .collect();
        let report = json!({
            "script": session.name, "run": newest.as_ref().map(|m| &m.id), "steps": steps,
        });
        output.stdout(&report.to_string());
        return Ok(());
    }
    let against = newest.as_ref().map_or("no run yet".to_string(), |m| {
        if m.status == RunStatus::Destroyed {
            format!("run {} was destroyed: every step would run again", m.id)
        } else {
            format!("against run {}", m.id)
        }
    });
    output.stdout(&format!("plan for {} ({against})", session.name));
    for (i, (step, status, times)) in rows.iter().enumerate() {
        let name = step.name.shown();
        let repeat = if *times > 1 {
            format!(" x{times}")
        } else {
            String::new()
        };
        let within = step
            .function
            .as_ref()
            .map_or(String::new(), |f| format!(" in {f}"));
        // What the run found already there (for a literal name: its steps of that name).
        let adopted: Vec<String> = match (&step.name, index.as_ref()) {
            (StepName::Literal(name), Some(index)) => index
                .entries()
                .iter()
                .filter(|e| &e.step.name == name)
                .flat_map(|e| index.claims(&e.step.label()).into_iter().flatten())
                .filter(|(_, adopted)| **adopted)
                .map(|(resource, _)| resource.clone())
                .collect(),
            _ => Vec::new(),
        };
        let adopted = if adopted.is_empty() {
            String::new()
        } else {
            format!("  adopted: {}", adopted.join(", "))
        };
        output.stdout(&format!(
            "{:>4}  {:8} {name}{repeat}  (line {}{within}){adopted}",
            i + 1,
            status.as_str(),
            step.line
        ));
    }
    Ok(())
}

/// `check FILE`: the script compiles and its calls are known; what it asks for (params,
/// secrets) and the steps it has, with which of them `destroy` can undo.
pub fn check(session: &Session, output: &Output) -> Result<()> {
    let steps = scan::steps(&session.ast, &session.text);
    let params = scan::params(&session.ast);
    let (secrets, more_secrets) = scan::secrets(&session.ast);
    if output.is_json() {
        let params: Option<Vec<Value>> = params.as_ref().map(|params| {
            params
                .iter()
                .map(|(name, used)| json!({ "name": name, "required": !used.has_default }))
                .collect()
        });
        let steps: Vec<Value> = steps
            .iter()
            .map(|s| {
                json!({ "name": s.name.shown(), "line": s.line, "function": s.function,
                        "undo": s.has_undo })
            })
            .collect();
        output.stdout(
            &json!({ "script": session.name, "params": params, "secrets": secrets,
                     "secrets_computed": more_secrets, "steps": steps, "aws": session.reached })
            .to_string(),
        );
        return Ok(());
    }
    let mut lines = vec![format!("{}: ok ({} steps)", session.name, steps.len())];
    match &params {
        None => lines.push("params:  some name is computed, so not all can be listed".into()),
        Some(params) if params.is_empty() => lines.push("params:  none".into()),
        Some(params) => {
            lines.push("params:".into());
            // Those the operator must give first.
            let mut params: Vec<_> = params.iter().collect();
            params.sort_by_key(|(name, used)| (used.has_default, name.as_str()));
            let width = params.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
            for (name, used) in params {
                let need = if used.has_default {
                    "default"
                } else {
                    "required"
                };
                lines.push(format!("  {name:width$}  {need:8}  (line {})", used.line));
            }
        }
    }
    let mut asked: Vec<String> = secrets.into_iter().collect();
    if more_secrets {
        asked.push("and some whose name is computed".into());
    }
    if asked.is_empty() {
        asked.push("none".into());
    }
    lines.push(format!("secrets: {}", asked.join(", ")));
    lines.push("steps:".into());
    for (i, step) in steps.iter().enumerate() {
        let within = step
            .function
            .as_ref()
            .map_or(String::new(), |f| format!(", in {f}"));
        let undo = if step.has_undo { ", undo" } else { "" };
        lines.push(format!(
            "  {:>3}  {}  (line {}{within}{undo})",
            i + 1,
            step.name.shown(),
            step.line
        ));
    }
    match &session.reached {
        None => lines.push("aws:     any function (an `eval` or a computed import)".into()),
        Some(reached) if reached.is_empty() => lines.push("aws:     none".into()),
        Some(reached) => {
            // What a policy for the run's role has to allow.
            let count: usize = reached.values().map(BTreeSet::len).sum();
            lines.push(format!("aws:     {count} functions"));
            let width = reached.keys().map(String::len).max().unwrap_or(0);
            for (service, functions) in reached {
                let mut line = format!("  {service:width$} ");
                for (i, function) in functions.iter().enumerate() {
                    if i > 0 && line.len() + function.len() > 98 {
                        lines.push(std::mem::replace(&mut line, " ".repeat(width + 3)));
                    }
                    line.push(' ');
                    line.push_str(function);
                    if i + 1 < functions.len() {
                        line.push(',');
                    }
                }
                lines.push(line);
            }
        }
    }
    output.stdout(&lines.join("\n"));
    Ok(())
}
