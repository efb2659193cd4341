//! The journal on disk: damage, torn writes and permissions.

use std::os::unix::fs::PermissionsExt;

use crate::test::{files_under, Test};

const SCRIPT: &str = r#"
step "one" { append_file("count-one", "x"); 1 }
step "two" { append_file("count-two", "x"); 2 }
step "three" { append_file("count-three", "x"); 3 }
"#;

fn journal(t: &Test) -> String {
    t.read(".runbook/runs/steps-1/journal.jsonl")
}

#[test]
fn a_torn_last_line_is_dropped_with_a_warning_and_its_step_runs_again() {
    let t = Test::new();
    t.write("steps.rhai", SCRIPT);
    t.run(&["exec", "steps.rhai"]).status(0);
    let text = journal(&t);
    // A crash in the middle of writing the last record (step three's outcome).
    let torn = &text[..text.len() - 25];
    t.write(".runbook/runs/steps-1/journal.jsonl", torn);
    let lines = torn.lines().count();

    t.run(&["status", "steps-1"])
        .status(0)
        .stdout_has(&format!("journal: a torn last record at line {lines}"));
    t.run(&["resume", "steps-1"]).status(0).stderr_has(&format!(
        "warning: run steps-1: the journal's last record (line {lines}) was cut short by a crash \
         and was dropped; the step it recorded runs again"
    ));
    assert_eq!(t.read("count-one"), "x");
    assert_eq!(t.read("count-three"), "xx");
    assert!(
        journal(&t).lines().all(|l| l.ends_with("\"}")),
        "no torn line is left behind"
    );
}

#[test]
fn a_damaged_middle_record_is_refused_with_its_line_number() {
    let t = Test::new();
    t.write("steps.rhai", SCRIPT);
    t.run(&["exec", "steps.rhai"]).status(0);
    let damaged = journal(&t).replacen("\"value\":1", "\"value\":7", 1);
    let line = damaged
        .lines()
        .position(|l| l.contains("\"value\":7"))
        .unwrap()
        + 1;
    t.write(".runbook/runs/steps-1/journal.jsonl", &damaged);

    let expected = format!("is damaged at line {line}: checksum mismatch");
    t.run(&["resume", "steps-1"])
        .status(4)
        .stderr_has(&expected);
    t.run(&["destroy", "steps-1"])
        .status(4)
        .stderr_has(&expected);
    t.run(&["status", "steps-1"])
        .status(4)
        .stderr_has(&expected);
    assert_eq!(t.read("count-one"), "x", "nothing ran");
}

#[test]
fn a_record_out_of_sequence_is_refused() {
    let t = Test::new();
    t.write("steps.rhai", SCRIPT);
    t.run(&["exec", "steps.rhai"]).status(0);
    let mut lines: Vec<String> = journal(&t).lines().map(str::to_string).collect();
    lines.remove(2);
    t.write(
        ".runbook/runs/steps-1/journal.jsonl",
        &(lines.join("\n") + "\n"),
    );
    t.run(&["resume", "steps-1"])
        .status(4)
        .stderr_has("is damaged at line 3: sequence number 4 where 3 was expected");
}

#[test]
fn the_state_dir_is_private_to_its_owner() {
    let t = Test::new();
    t.write("steps.rhai", SCRIPT);
    t.run(&["exec", "steps.rhai"]).status(0);
    for dir in [".runbook/runs", ".runbook/runs/steps-1"] {
        let mode = std::fs::metadata(t.path(dir)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{dir}");
    }
    for file in files_under(&t.path(".runbook")) {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
}

/// Progress is counted against the steps the script shows, not only those a run reached.
#[test]
fn runs_lists_every_run_with_its_status() {
    let t = Test::new();
    t.write("steps.rhai", SCRIPT);
    t.write(
        "bad.rhai",
        "step \"x\" { fail(\"no\") }\nstep \"y\" { 1 }\n",
    );
    t.run(&["exec", "steps.rhai"]).status(0);
    t.run(&["exec", "bad.rhai"]).status(1);
    let ran = t.run(&["runs"]);
    ran.status(0);
    let rows: Vec<Vec<&str>> = ran
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0][..3], ["steps-1", "done", "3/3"]);
    assert_eq!(rows[1][..3], ["bad-1", "failed", "0/2"]);

    // One damaged run is listed as such, after the others, and hides none of them.
    let damaged = journal(&t).replacen("\"value\":1", "\"value\":7", 1);
    t.write(".runbook/runs/steps-1/journal.jsonl", &damaged);
    let ran = t.run(&["runs"]);
    ran.status(0).stderr_has(
        "warning: run steps-1: journal .runbook/runs/steps-1/journal.jsonl is damaged at line 3: \
         checksum mismatch (the other runs are unaffected; `runbook exec` starts its script \
         anew)\n",
    );
    let rows: Vec<Vec<&str>> = ran
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0][..3], ["bad-1", "failed", "0/2"]);
    assert_eq!(rows[1], ["steps-1", "damaged", "?", "?", "?", "?"]);
    let json: serde_json::Value =
        serde_json::from_str(&t.run(&["--json", "runs"]).stdout).expect("runs --json");
    assert_eq!(json[1]["status"], "damaged");
    assert_eq!(json[0]["run"], "bad-1");
}

/// The disk fills up in the middle of a run: the run stops with an error that names the
/// journal and the cause, the journal still ends on a whole record, and once there is room
/// the run resumes where it stopped.
#[test]
fn a_full_disk_mid_run_stops_with_a_clear_error_and_the_journal_stays_valid() {
    let t = Test::new();
    let steps: String = (1..=40)
        .map(|i| format!("step \"s{i}\" {{ \"{}\" }}\n", "v".repeat(40)))
        .collect();
    t.write("many.rhai", &steps);
    let full = t.run_with_file_limit(&["exec", "many.rhai"], 6000);
    full.status(4)
        .stderr_has("error: cannot write ")
        .stderr_has("journal.jsonl: File too large (os error 27)");
    let journal = t.read(".runbook/runs/many-1/journal.jsonl");
    assert!(journal.len() <= 6000, "{}", journal.len());
    assert!(journal.ends_with("\"}\n"), "ends on a whole record");
    t.run(&["status", "many-1"])
        .status(0)
        .stdout_has("  done         s1  line 1");
    let resumed = t.run(&["resume", "many-1"]);
    resumed.status(0);
    assert!(!resumed.stderr.contains("torn"), "{}", resumed.stderr);
    t.run(&["status", "many-1"])
        .status(0)
        .stdout_has("run many-1: done")
        .stdout_has("  done         s40  line 40");
}
