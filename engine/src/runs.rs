//! `runs`: every run in the store, filtered by status, script and start, and `runs prune`,
//! which deletes the records of old runs that left nothing behind. These only read the store,
//! but for prune's deletions.

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use crate::cli::RunFilter;
use crate::error::{Error, Result};
use crate::journal::{ReplayIndex, RunMeta, RunStatus, Store};
use crate::output::Output;
use crate::session::display_name;

/// One run as `runs` lists it: one that reads back, or one whose files are damaged (shown,
/// with why, so one bad run does not hide the others).
enum Row {
    Read {
        meta: Box<RunMeta>,
        status: &'static str,
        done: usize,
        /// Steps that left a record: what a prune must not forget unless told to.
        recorded: usize,
        total: usize,
    },
    Damaged {
        id: String,
        error: String,
    },
}

impl Row {
    fn id(&self) -> &str {
        match self {
            Row::Read { meta, .. } => &meta.id,
            Row::Damaged { id, .. } => id,
        }
    }

    fn status(&self) -> &'static str {
        match self {
            Row::Read { status, .. } => status,
            Row::Damaged { .. } => "damaged",
        }
    }
}

fn row(store: &Store, id: &str) -> Row {
    match store.read(id) {
        Ok(contents) => {
            let index = ReplayIndex::from_records(&contents.records);
            let entries = index.entries();
            Row::Read {
                status: store.live_status(&contents.meta),
                done: entries.iter().filter(|e| e.is_completed()).count(),
                recorded: entries.len(),
                total: contents
                    .meta
                    .planned_steps
                    .map_or(entries.len(), |planned| planned.max(entries.len())),
                meta: Box::new(contents.meta),
            }
        }
        Err(error) => Row::Damaged {
            id: id.to_string(),
            error: error.to_string(),
        },
    }
}

fn time_of(rfc3339: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339(rfc3339).ok()
}

/// Whether `script` names this run's script: as `runs` shows it, by file name, or by stem.
fn is_script(meta: &RunMeta, script: &str) -> bool {
    let path = Path::new(&meta.script);
    display_name(&meta.script) == script
        || path.file_name().is_some_and(|n| n == script)
        || path.file_stem().is_some_and(|n| n == script)
}

/// Whether the filter keeps a row. A damaged run's script and start are unknown: it is kept
/// unless a status filter leaves damaged runs out, so a filter never hides damage.
fn keeps(filter: &RunFilter, row: &Row) -> bool {
    if !filter.status.is_empty() && !filter.status.iter().any(|s| s == row.status()) {
        return false;
    }
    let Row::Read { meta, .. } = row else {
        return true;
    };
    if let Some(script) = &filter.script {
        if !is_script(meta, script) {
            return false;
        }
    }
    if let Some(since) = filter.since {
        if time_of(&meta.started_at).is_none_or(|started| started < since) {
            return false;
        }
    }
    true
}

/// The store's runs that the filter keeps: oldest first, a damaged run after the others.
fn rows(store: &Store, filter: &RunFilter) -> Result<Vec<Row>> {
    let mut rows: Vec<Row> = store
        .run_ids()?
        .iter()
        .map(|id| row(store, id))
        .filter(|row| keeps(filter, row))
        .collect();
    rows.sort_by(|a, b| match (a, b) {
        (Row::Read { meta: a, .. }, Row::Read { meta: b, .. }) => {
            (&a.started_at, &a.id).cmp(&(&b.started_at, &b.id))
        }
        (Row::Read { .. }, Row::Damaged { .. }) => std::cmp::Ordering::Less,
        (Row::Damaged { .. }, Row::Read { .. }) => std::cmp::Ordering::Greater,
        (Row::Damaged { id: a, .. }, Row::Damaged { id: b, .. }) => a.cmp(b),
    });
    Ok(rows)
}

fn is_filtered(filter: &RunFilter) -> bool {
    !filter.status.is_empty() || filter.script.is_some() || filter.since.is_some()
}

pub fn list(store: &Store, filter: &RunFilter, output: &Output) -> Result<()> {
    let rows = rows(store, filter)?;
    if output.is_json() {
        let runs: Vec<Value> = rows
            .iter()
            .map(|row| match row {
                Row::Read {
                    meta,
                    status,
                    done,
                    total,
                    ..
                } => json!({ "run": meta.id, "status": status, "steps_done": done,
                             "steps": total, "started_at": meta.started_at,
                             "ended_at": meta.ended_at, "script": meta.script,
                             "started_by": meta.started_by }),
                Row::Damaged { id, error } => {
                    json!({ "run": id, "status": "damaged", "error": error })
                }
            })
            .collect();
        output.stdout(&Value::Array(runs).to_string());
        return Ok(());
    }
    if rows.is_empty() {
        let which = if is_filtered(filter) {
            "no runs match"
        } else {
            "no runs"
        };
        output.stdout(&format!("{which} in {}", store.location()));
        return Ok(());
    }
    let width = rows
        .iter()
        .map(|row| row.id().len())
        .max()
        .unwrap_or(3)
        .max(3);
    let by = |row: &Row| match row {
        Row::Read { meta, .. } => meta.started_by.clone().unwrap_or_else(|| "?".into()),
        Row::Damaged { .. } => "?".into(),
    };
    let by_width = rows
        .iter()
        .map(|row| by(row).len())
        .max()
        .unwrap_or(2)
        .max(2);
    output.stdout(&format!(
        "{:width$}  {:11}  {:>5}  {:24}  {:by_width$}  SCRIPT",
        "RUN", "STATUS", "STEPS", "STARTED", "BY"
    ));
    for row in &rows {
        let line = match row {
            Row::Read {
                meta,
                status,
                done,
                total,
                ..
            } => format!(
                "{:width$}  {:11}  {:>5}  {:24}  {:by_width$}  {}",
                meta.id,
                status,
                format!("{done}/{total}"),
                meta.started_at,
                by(row),
                display_name(&meta.script)
            ),
            Row::Damaged { id, .. } => format!(
                "{id:width$}  {:11}  {:>5}  {:24}  {:by_width$}  ?",
                "damaged", "?", "?", "?"
            ),
        };
        output.stdout(&line);
    }
    for row in &rows {
        if let Row::Damaged { id, error } = row {
            output.warn(&format!(
                "run {id}: {error} (the other runs are unaffected; `runbook exec` starts its \
                 script anew)"
            ));
        }
    }
    Ok(())
}

/// What prune does with one old run.
enum Verdict {
    Remove,
    Keep(String),
}

fn verdict(row: &Row, forget_resources: bool) -> Verdict {
    match row {
        Row::Damaged { .. } => Verdict::Keep(
            "damaged: its age is unknown (`runbook runs` says why; remove its directory by hand)"
                .into(),
        ),
        Row::Read {
            status: "running", ..
        } => Verdict::Keep("a process is using it right now".into()),
        Row::Read { meta, .. } if meta.status == RunStatus::Destroyed => Verdict::Remove,
        Row::Read { recorded: 0, .. } => Verdict::Remove,
        Row::Read { .. } if forget_resources => Verdict::Remove,
        Row::Read {
            meta,
            status,
            recorded,
            ..
        } => Verdict::Keep(format!(
            "{status}, and may still own what its {recorded} step{} made (`runbook destroy {}` \
             first, or --forget-resources)",
            if *recorded == 1 { "" } else { "s" },
            meta.id
        )),
    }
}

/// Whether a run ended (or, never having ended, started) before `cutoff`. A damaged run
/// counts as old: prune then names it, and keeps it.
fn is_older(row: &Row, cutoff: SystemTime) -> bool {
    match row {
        Row::Read { meta, .. } => meta
            .ended_at
            .as_deref()
            .or(Some(&meta.started_at))
            .and_then(time_of)
            .is_some_and(|at| at < cutoff),
        Row::Damaged { .. } => true,
    }
}

pub fn prune(
    store: &Store,
    filter: &RunFilter,
    older_than: Duration,
    forget_resources: bool,
    dry_run: bool,
    output: &Output,
) -> Result<()> {
    let cutoff = SystemTime::now()
        .checked_sub(older_than)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut removed = Vec::new();
    let mut kept = Vec::new();
    for row in rows(store, filter)? {
        if !is_older(&row, cutoff) {
            continue;
        }
        match verdict(&row, forget_resources) {
            Verdict::Remove if dry_run => removed.push(row.id().to_string()),
            Verdict::Remove => match store.remove(row.id()) {
                Ok(()) => removed.push(row.id().to_string()),
                Err(error) => kept.push((row.id().to_string(), error.to_string())),
            },
            Verdict::Keep(reason) => kept.push((row.id().to_string(), reason)),
        }
    }
    if output.is_json() {
        let kept: Vec<Value> = kept
            .iter()
            .map(|(run, reason)| json!({ "run": run, "reason": reason }))
            .collect();
        output.stdout(&json!({ "dry_run": dry_run, "removed": removed, "kept": kept }).to_string());
        return Ok(());
    }
    let verb = if dry_run { "would remove" } else { "removed" };
    for id in &removed {
        output.stdout(&format!("{verb} {id}"));
    }
    for (id, reason) in &kept {
        output.stdout(&format!("kept {id}: {reason}"));
    }
    output.stdout(&format!(
        "{verb} {} run{} that ended before {}, kept {}",
        removed.len(),
        if removed.len() == 1 { "" } else { "s" },
        humantime::format_rfc3339_seconds(cutoff),
        kept.len()
    ));
    Ok(())
}

/// The run `resume` continues when none is named.
pub fn newest_unfinished(store: &Store) -> Result<String> {
    let runs = store.list()?;
    let unfinished = runs.iter().rev().find(|m| {
        matches!(
            m.status,
            RunStatus::Running | RunStatus::Failed | RunStatus::Interrupted
        )
    });
    unfinished.map(|m| m.id.clone()).ok_or_else(|| {
        Error::NothingToResume(format!(
            "no unfinished run in {} (see `runbook runs`)",
            store.location()
        ))
    })
}
