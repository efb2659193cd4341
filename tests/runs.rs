//! `runs` filtered by status, script and start, and `runs prune`, which deletes only what
//! left nothing behind unless told otherwise.

use crate::test::Test;

const STEPS: &str = "step \"a\" { 1 }\nstep \"b\" { 2 }\n";
const FAILS: &str = "step \"x\" { fail(\"no\") }\n";
const NO_STEPS: &str = "let n = 1;\n";
const UNDOES: &str =
    "step \"made\" { \"thing\" } undo |name| { append_file(\"undo.log\", name); };\n";

/// The run ids `runs` lists for these arguments, in order.
fn listed(t: &Test, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--json", "runs"];
    all.extend_from_slice(args);
    let ran = t.run(&all);
    ran.status(0);
    let runs: serde_json::Value = serde_json::from_str(&ran.stdout).expect("runs --json");
    runs.as_array()
        .expect("an array of runs")
        .iter()
        .map(|run| run["run"].as_str().expect("a run id").to_string())
        .collect()
}

#[test]
fn runs_are_filtered_by_status_script_and_start() {
    let t = Test::new();
    t.write("steps.rhai", STEPS)
        .write("fails.rhai", FAILS)
        .write("runbooks/nested.rhai", NO_STEPS);
    t.run(&["exec", "steps.rhai"]).status(0);
    t.run(&["exec", "fails.rhai"]).status(1);
    t.run(&["exec", "nested.rhai"]).status(0);
    t.run(&["exec", "steps.rhai"]).status(0);

    assert_eq!(
        listed(&t, &[]),
        ["steps-1", "fails-1", "nested-1", "steps-2"]
    );
    assert_eq!(listed(&t, &["--status", "failed"]), ["fails-1"]);
    assert_eq!(
        listed(&t, &["--status", "failed,done", "--script", "steps"]),
        ["steps-1", "steps-2"]
    );
    // A script by the path runs shows, by file name, or by stem.
    for script in ["runbooks/nested.rhai", "nested.rhai", "nested"] {
        assert_eq!(listed(&t, &["--script", script]), ["nested-1"], "{script}");
    }
    assert_eq!(listed(&t, &["--since", "1h"]).len(), 4);
    assert_eq!(listed(&t, &["--since", "2000-01-01"]).len(), 4);
    assert!(listed(&t, &["--since", "2999-01-01T00:00:00Z"]).is_empty());
    t.run(&["runs", "--status", "destroyed"])
        .status(0)
        .stdout_is("no runs match in .runbook\n");

    t.run(&["runs", "--since", "yesterday"])
        .status(2)
        .stderr_has(
            "invalid value 'yesterday' for '--since <WHEN>': `yesterday` is neither an age \
             (30m, 2h, 7d) nor a UTC time (2026-12-01, 2026-12-01T08:00:00Z)",
        );
    t.run(&["runs", "--status", "finished"])
        .status(2)
        .stderr_has("invalid value 'finished' for '--status <STATUS>'");
}

/// A damaged run's script and start are unknown: only a status filter leaves it out.
#[test]
fn a_filter_does_not_hide_a_damaged_run() {
    let t = Test::new();
    t.write("steps.rhai", STEPS);
    t.run(&["exec", "steps.rhai"]).status(0);
    t.write(".runbook/runs/steps-1/run.json", "{ not json");
    assert_eq!(listed(&t, &["--script", "other"]), ["steps-1"]);
    assert_eq!(listed(&t, &["--status", "damaged"]), ["steps-1"]);
    assert!(listed(&t, &["--status", "done"]).is_empty());
}

#[test]
fn prune_deletes_old_runs_that_left_nothing_behind_and_names_the_others() {
    let t = Test::new();
    t.write("steps.rhai", STEPS)
        .write("none.rhai", NO_STEPS)
        .write("undoes.rhai", UNDOES);
    t.run(&["exec", "steps.rhai"]).status(0);
    t.run(&["exec", "none.rhai"]).status(0);
    t.run(&["exec", "undoes.rhai"]).status(0);
    t.run(&["destroy", "undoes-1"]).status(0);
    assert_eq!(t.read("undo.log"), "thing");

    // Nothing is old enough yet.
    t.run(&["runs", "prune", "--older-than", "1d"])
        .status(0)
        .stdout_has("removed 0 runs that ended before ");
    let kept = "kept steps-1: done, and may still own what its 2 steps made (`runbook destroy \
                steps-1` first, or --forget-resources)\n";
    let dry = t.run(&["runs", "prune", "--older-than", "0s", "--dry-run"]);
    dry.status(0)
        .stdout_has(&format!(
            "would remove none-1\nwould remove undoes-1\n{kept}"
        ))
        .stdout_has("would remove 2 runs that ended before ");
    assert_eq!(listed(&t, &[]).len(), 3, "a dry run deletes nothing");

    t.run(&["runs", "prune", "--older-than", "0s"])
        .status(0)
        .stdout_has(&format!("removed none-1\nremoved undoes-1\n{kept}"))
        .stdout_has(", kept 1\n");
    assert_eq!(listed(&t, &[]), ["steps-1"]);
    assert!(!t.path(".runbook/runs/none-1").exists());
    assert!(std::fs::read_dir(t.path(".runbook/runs")).unwrap().count() == 1);

    // A filter narrows what prune considers; --forget-resources lets a live run go.
    t.run(&["exec", "steps.rhai"]).status(0);
    let json: serde_json::Value = serde_json::from_str(
        &t.run(&[
            "--json",
            "runs",
            "prune",
            "--older-than",
            "0s",
            "--forget-resources",
            "--status",
            "done",
            "--since",
            "2999-01-01",
        ])
        .stdout,
    )
    .expect("prune --json");
    assert_eq!(json["removed"], serde_json::json!([]));
    let ran = t.run(&[
        "--json",
        "runs",
        "prune",
        "--older-than",
        "0s",
        "--forget-resources",
    ]);
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).expect("prune --json");
    assert_eq!(json["removed"], serde_json::json!(["steps-1", "steps-2"]));
    assert_eq!(json["kept"], serde_json::json!([]));
    t.run(&["runs"])
        .status(0)
        .stdout_is("no runs in .runbook\n");

    t.run(&["runs", "--status", "done", "prune", "--older-than", "0s"])
        .status(2)
        .stderr_has("the subcommand 'prune' cannot be used with '--status <STATUS>'");
}

/// A run a process is using is never pruned, whatever the flags.
#[test]
fn prune_keeps_a_run_in_use() {
    let t = Test::new();
    t.write(
        "slow.rhai",
        "step \"wait\" { append_file(\"started\", \"x\"); sleep(600); }\n",
    );
    let running = t.spawn(&["exec", "slow.rhai"]);
    t.wait_for_file("started", "x");
    t.run(&["runs", "prune", "--older-than", "0s", "--forget-resources"])
        .status(0)
        .stdout_has("kept slow-1: a process is using it right now\n");
    assert_eq!(listed(&t, &[]), ["slow-1"]);
    running.kill();
}
