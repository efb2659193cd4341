//! `runbook report RUN [-o FILE]`: one self-contained HTML file (no network, no CDN) drawing
//! the run from its journal: a timeline of its steps and undos, one lane per process, the
//! params, and what it made with console links. Everything shown comes from the journal,
//! which never holds a secret's value, so the page cannot either.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{json, Value};

use crate::config;
use crate::console_link::{self, Place};
use crate::error::{Error, Result};
use crate::journal::{now_rfc3339, Outcome, ReplayIndex, Store, UndoState};
use crate::output::Output;
use crate::timeline;

const PAGE: &str = include_str!("../assets/report.html");

pub fn write(
    store: &Store,
    id: &str,
    out: Option<&Path>,
    region: Option<&str>,
    output: &Output,
) -> Result<()> {
    let contents = store.read(id)?;
    let meta = &contents.meta;
    let active = store.is_active(id);
    let timeline = timeline::build(
        &contents.records,
        &meta.started_at,
        active,
        SystemTime::now(),
    );
    let index = ReplayIndex::from_records(&contents.records);
    let arns: Vec<(String, String)> = index
        .entries()
        .iter()
        .filter_map(|e| match &e.outcome {
            Outcome::Completed { value, .. } => Some((e.step.label(), value)),
            _ => None,
        })
        .flat_map(|(label, value)| {
            let mut found = BTreeSet::new();
            collect_arns(value, &mut found);
            found.into_iter().map(move |arn| (label.clone(), arn))
        })
        .collect();
    // The run's own region when it was pinned to one; otherwise the one this shell names,
    // which is where `resume` would work too.
    let region = meta
        .params
        .get(config::REGION_PARAM)
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| region.map(str::to_string))
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .filter(|r| !r.is_empty());
    let account = arns
        .iter()
        .find_map(|(_, arn)| console_link::account_of(arn));
    let mut resources = Vec::new();
    for entry in index.entries() {
        let label = entry.step.label();
        let step_arns: Vec<String> = arns
            .iter()
            .filter(|(l, _)| *l == label)
            .map(|(_, a)| a.clone())
            .collect();
        let place = region.as_deref().map(|region| Place {
            region,
            account,
            arns: &step_arns,
        });
        for (resource, adopted) in index.claims(&label).into_iter().flatten() {
            resources.push(json!({
                "resource": resource, "step": label, "adopted": adopted,
                "undone": entry.undo == UndoState::Completed,
                "link": place.as_ref().and_then(|place| console_link::for_claim(resource, place)),
            }));
        }
    }
    let document = json!({
        "run": {
            "id": meta.id, "script": meta.script, "status": store.live_status(meta),
            "started_at": meta.started_at, "ended_at": meta.ended_at,
            "error": meta.error,
            "planned_steps": meta.planned_steps, "region": region,
        },
        "params": meta.params,
        "lanes": timeline.lanes,
        "bars": timeline.bars,
        "resources": resources,
        "arns": arns.iter().map(|(step, arn)| json!({"step": step, "arn": arn})).collect::<Vec<_>>(),
        "generated_at": now_rfc3339(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    // Inside <script>, only `<` can end the element early; `\u003c` is the same JSON.
    let data = document.to_string().replace('<', "\\u003c");
    let html = PAGE
        .replace("{{DATA}}", &data)
        .replace("{{RUN}}", &html_escape(&meta.id));
    let path = out.map_or_else(|| PathBuf::from(format!("{id}.html")), Path::to_path_buf);
    if path.as_os_str() == "-" {
        output.stdout(html.trim_end());
        return Ok(());
    }
    std::fs::write(&path, html)
        .map_err(|e| Error::state(format!("cannot write {}", path.display()), e))?;
    if output.is_json() {
        output.stdout(
            &json!({"report": path, "run": id, "bars": timeline.bars.len(),
                "lanes": timeline.lanes.len()})
            .to_string(),
        );
    } else {
        output.stdout(&format!(
            "wrote {} ({} bars in {} lane{}); open it in a browser",
            path.display(),
            timeline.bars.len(),
            timeline.lanes.len(),
            if timeline.lanes.len() == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

fn collect_arns(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if s.starts_with("arn:") => {
            found.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| collect_arns(v, found)),
        Value::Object(members) => members.values().for_each(|v| collect_arns(v, found)),
        _ => {}
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
