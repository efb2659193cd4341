//! The `--json` protocol: every event a test reads is checked against README's table (its
//! kind documented, each member it must have present, none undocumented), and one run here
//! emits every kind that needs no AWS (`aws_retry` and `wait` come from the emulator's tests).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

use crate::test::Test;

/// Each kind's members as README lists them: (name, may be absent).
fn documented() -> &'static BTreeMap<String, Vec<(String, bool)>> {
    static TABLE: OnceLock<BTreeMap<String, Vec<(String, bool)>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
            .expect("README.md");
        let section = readme
            .split("### The `--json` protocol")
            .nth(1)
            .expect("README has a section on the --json protocol");
        let mut table = BTreeMap::new();
        for row in section.lines().take_while(|l| !l.starts_with("### ")) {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let [_, kind, members, _] = cells[..] else {
                continue;
            };
            let Some(kind) = kind.strip_prefix('`').and_then(|k| k.strip_suffix('`')) else {
                continue;
            };
            let members = members
                .split(',')
                .map(|m| m.trim().trim_matches('`'))
                .map(|m| match m.strip_suffix('?') {
                    Some(optional) => (optional.to_string(), true),
                    None => (m.to_string(), false),
                })
                .collect();
            table.insert(kind.to_string(), members);
        }
        assert!(table.len() >= 18, "README's protocol table: {table:?}");
        table
    })
}

/// Panics unless `event` is as README documents its kind.
pub fn check(event: &Value) {
    let object = event.as_object().expect("an event is a JSON object");
    let kind = event["event"].as_str().expect("an event has a kind");
    let members = documented()
        .get(kind)
        .unwrap_or_else(|| panic!("README does not document the event {kind:?}: {event}"));
    assert!(event["at"].is_string(), "{event}");
    for (name, optional) in members {
        assert!(
            *optional || object.contains_key(name),
            "{kind} lacks {name}: {event}"
        );
    }
    for name in object.keys() {
        assert!(
            name == "event" || name == "at" || members.iter().any(|(m, _)| m == name),
            "{kind} has {name}, which README does not document: {event}"
        );
    }
}

#[test]
fn every_kind_a_run_emits_without_aws_is_as_readme_documents_it() {
    let t = Test::new();
    t.write(
        "p.rhai",
        r#"
log("starting");
print("hello");
step "a" { 1 } undo |v| { append_file("undone", "a") };
step "b", #{ retries: 1, backoff: 0 } {
    if !file_exists("tried") { write_file("tried", "x"); fail("first try") }
    2
} undo |v| { fail("cannot undo b") };
step "c" { 3 };
step "d" { if !file_exists("go") { fail("not yet") } 4 };
step "e" { while !file_exists("end") { sleep(0.02); } 5 };
"#,
    );
    let mut seen = BTreeSet::new();
    let mut note = |events: Vec<Value>| {
        for event in events {
            seen.insert(event["event"].as_str().unwrap_or_default().to_string());
        }
    };
    note(t.run(&["--json", "exec", "p.rhai"]).status(1).events());
    t.write("go", "x");
    let mut running = t.spawn(&["resume", "p-1"]);
    running.wait_for("step_started", "step", "e");
    running.signal("INT");
    note(running.finish().events());
    t.write("end", "x");
    // A record cut short by a crash: dropped, with a warning.
    let journal = ".runbook/runs/p-1/journal.jsonl";
    t.write(journal, &format!("{}{{\"half", t.read(journal)));
    note(t.run(&["--json", "resume", "p-1"]).status(0).events());
    note(t.run(&["--json", "destroy", "p-1"]).status(1).events());
    let without_aws: BTreeSet<String> = documented()
        .keys()
        .filter(|k| !["aws_retry", "wait"].contains(&k.as_str()))
        .cloned()
        .collect();
    assert_eq!(seen, without_aws);
}
