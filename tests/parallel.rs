//! `parallel { ... }`: steps run at once, with every guarantee serial steps have.

use crate::test::Test;

fn step_statuses(t: &Test, run: &str) -> Vec<(String, String)> {
    t.status_of(run)["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let field = |k: &str| s[k].as_str().unwrap_or_default().to_string();
            (field("name"), field("status"))
        })
        .collect()
}

#[test]
fn bodies_overlap_values_are_bound_after_the_group_and_assignments_stay_inside() {
    let t = Test::new();
    t.write(
        "group.rhai",
        r#"
let n = 10;
let slow;
let quick;
parallel {
    slow = step "slow" { append_file("log", "slow+ "); sleep(1.0); append_file("log", "slow- "); n += 1; n };
    quick = step "quick" { append_file("log", "quick+ "); sleep(0.1); append_file("log", "quick- "); 2 };
    step "unbound" { 3 };
}
step "after" { [slow, quick, n] }
"#,
    );
    let ran = t.run(&["--json", "exec", "group.rhai"]);
    ran.status(0);
    assert_eq!(
        t.read("log"),
        "slow+ quick+ quick- slow- ",
        "quick started while slow slept, and ended first"
    );
    assert_eq!(t.step_value("group-1", 3), serde_json::json!([11, 2, 10]));

    // Journaled one by one at the positions the steps are written in.
    let started: Vec<(String, u64)> = ran
        .events()
        .iter()
        .filter(|e| e["event"] == "step_started")
        .map(|e| {
            (
                e["step"].as_str().unwrap().to_string(),
                e["position"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        started,
        [
            ("slow".into(), 0),
            ("quick".into(), 1),
            ("unbound".into(), 2),
            ("after".into(), 3)
        ]
    );
    let completed: Vec<String> = ran
        .events()
        .iter()
        .filter(|e| e["event"] == "step_completed")
        .map(|e| e["step"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(completed, ["unbound", "quick", "slow", "after"]);
}

#[test]
fn a_kill_inside_a_group_resumes_only_its_unfinished_steps() {
    let t = Test::new();
    t.write(
        "group.rhai",
        r#"
let first = step "first" { append_file("count-first", "x"); 1 };
let fast; let slow; let other;
parallel {
    fast = step "fast" { append_file("count-fast", "x"); first + 1 };
    slow = step "slow" {
        append_file("count-slow", "x");
        if read_file("count-slow") == "x" { sleep(600); }
        first + 2
    };
    other = step "other" { append_file("count-other", "x"); first + 3 };
}
step "after" { append_file("count-after", "x"); fast + slow + other }
"#,
    );
    let mut running = t.spawn(&["exec", "group.rhai"]);
    running.wait_for("step_completed", "step", "fast");
    running.wait_for("step_completed", "step", "other");
    running.kill();
    assert_eq!(t.read("count-slow"), "x");

    t.run(&["resume"])
        .status(0)
        .stderr_has("replayed fast")
        .stderr_has("replayed other")
        .stderr_has("done     slow");
    for (file, runs) in [
        ("first", "x"),
        ("fast", "x"),
        ("other", "x"),
        ("slow", "xx"),
        ("after", "x"),
    ] {
        assert_eq!(t.read(&format!("count-{file}")), runs, "runs of {file}");
    }
    let status = t.status_of("group-1");
    assert_eq!(status["status"], "done");
    assert_eq!(status["steps"][4]["value"], 2 + 3 + 4);
}

#[test]
fn a_failure_lets_the_others_finish_then_stops_and_resume_runs_only_the_failed_one() {
    let t = Test::new();
    let script = |body: &str| {
        format!(
            r#"
parallel {{
    step "breaks" {{ sleep(0.05); {body} }};
    step "finishes" {{ sleep(0.5); append_file("count-finishes", "x"); 1 }};
}}
step "later" {{ append_file("count-later", "x") }}
"#
        )
    };
    t.write("group.rhai", &script(r#"fail("the disk is full")"#));
    t.run(&["exec", "group.rhai"])
        .status(1)
        .stderr_has("the disk is full")
        .stderr_has("breaks");
    assert_eq!(
        t.read("count-finishes"),
        "x",
        "the other step ran to its end"
    );
    assert!(
        !t.path("count-later").exists(),
        "nothing after the group ran"
    );
    assert_eq!(
        step_statuses(&t, "group-1"),
        [
            ("breaks".into(), "failed".into()),
            ("finishes".into(), "done".into())
        ]
    );

    t.write("group.rhai", &script("0"));
    t.run(&["resume", "group-1"])
        .status(0)
        .stderr_has("replayed finishes")
        .stderr_has("done     breaks");
    assert_eq!(t.read("count-finishes"), "x");
    assert_eq!(t.read("count-later"), "x");
}

#[test]
fn destroy_undoes_every_completed_step_of_a_group_newest_first_past_a_failed_one() {
    let t = Test::new();
    t.write(
        "group.rhai",
        r#"
step "before" { 0 } undo |v| { append_file("undone", "before;") };
parallel {
    step "one" { 1 } undo |v| { append_file("undone", "one;") };
    step "two" { fail("refused") } undo |v| { append_file("undone", "two;") };
    step "three" { 3 } undo |v| { append_file("undone", "three;") };
}
"#,
    );
    t.run(&["exec", "group.rhai"]).status(1);
    t.run(&["destroy", "group-1"]).status(0);
    assert_eq!(t.read("undone"), "three;one;before;");
}

#[test]
fn a_renamed_step_in_a_group_is_a_divergence_before_anything_runs() {
    let t = Test::new();
    let script = |name: &str| {
        format!(
            r#"
parallel {{
    step "{name}" {{ append_file("count-a", "x"); 1 }};
    step "b" {{ append_file("count-b", "x"); if read_file("count-b") == "x" {{ fail("once") }} 2 }};
}}
"#
        )
    };
    t.write("group.rhai", &script("a"));
    t.run(&["exec", "group.rhai"]).status(1);
    t.write("group.rhai", &script("renamed"));
    t.run(&["resume", "group-1"])
        .status(4)
        .stderr_has("the script no longer matches the run");
    assert_eq!(t.read("count-b"), "x", "b did not run again");
}

#[test]
fn a_group_holds_only_steps_and_never_sits_inside_a_step() {
    let t = Test::new();
    t.write(
        "mixed.rhai",
        "parallel {\n    let x = step \"a\" { 1 };\n}\n",
    );
    for command in ["check", "exec"] {
        t.run(&[command, "mixed.rhai"])
            .status(3)
            .stderr_has("a parallel group holds only steps")
            .stderr_has("mixed.rhai:2");
    }
    assert!(
        !t.path(".runbook/runs/mixed-1").exists(),
        "refused before a run was recorded"
    );

    t.write(
        "nested.rhai",
        "step \"outer\" {\n    parallel { step \"inner\" { 1 }; }\n}\n",
    );
    t.run(&["exec", "nested.rhai"])
        .status(1)
        .stderr_has("a parallel group is inside step \"outer\"");
}

#[test]
fn a_timeout_in_a_group_is_its_own_step_s() {
    let t = Test::new();
    t.write(
        "group.rhai",
        r#"
parallel {
    step "bounded", #{ timeout: 0.2 } { sleep(30); 1 };
    step "unbounded" { sleep(0.6); append_file("count", "x"); 2 };
}
"#,
    );
    t.run(&["exec", "group.rhai"])
        .status(1)
        .stderr_has("step \"bounded\" timed out after");
    assert_eq!(
        t.read("count"),
        "x",
        "the other step's sleep outlived the deadline"
    );
}
