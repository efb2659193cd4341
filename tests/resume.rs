//! Runs that stop (killed, failed, interrupted, locked, edited) and go on with `resume`.

use crate::test::Test;

/// Three steps that count their runs in files; step two blocks on its first run only, so a
/// test can kill the process inside it.
const THREE_STEPS: &str = r#"
let one = step "one" { append_file("count-one", "x"); 1 };
let two = step "two" {
    append_file("count-two", "x");
    if read_file("count-two") == "x" { sleep(600); }
    one + 1
};
step "three" { append_file("count-three", "x"); two + 1 }
"#;

#[test]
fn a_run_killed_inside_a_step_resumes_without_redoing_finished_steps() {
    let t = Test::new();
    t.write("three.rhai", THREE_STEPS);
    let mut running = t.spawn(&["exec", "three.rhai"]);
    running.wait_for("step_started", "step", "two");
    t.wait_for_file("count-two", "x");
    running.kill();
    assert_eq!(t.read("count-one"), "x");
    assert_eq!(t.read("count-three"), "");

    t.run(&["resume"]).status(0).stderr_is(
        "run three-1 (resume three.rhai)\n\
         replayed one\n\
         done     two (<time>)\n\
         done     three (<time>)\n\
         run three-1 done: 2 ran, 1 replayed (<time>)\n",
    );
    assert_eq!(t.read("count-one"), "x", "step one must not run again");
    assert_eq!(t.read("count-two"), "xx", "step two runs again");
    assert_eq!(t.read("count-three"), "x");
    let status = t.status_of("three-1");
    assert_eq!(status["status"], "done");
    assert_eq!(status["steps"][2]["value"], 3);
}

#[test]
fn a_failed_step_exits_1_shows_in_status_and_resumes_once_fixed() {
    let t = Test::new();
    t.write(
        "fails.rhai",
        r#"
step "one" { append_file("count-one", "x"); }
let config = step "read config" { read_file("config.txt") };
step "use it" { config + "!" }
"#,
    );
    let ran = t.run(&["exec", "fails.rhai"]);
    ran.status(1)
        .stderr_has("error: cannot read ")
        .stderr_has("config.txt")
        .stderr_has("--> fails.rhai:3:35")
        .stderr_has("= step: read config")
        .stderr_has("then `runbook resume fails-1` goes on from this step");
    let status = t.run(&["status", "fails-1"]);
    status
        .status(0)
        .stdout_has("run fails-1: failed")
        .stdout_has("failed       read config  line 3  error: cannot read ");

    t.write("config.txt", "fixed");
    t.run(&["resume", "fails-1"]).status(0);
    assert_eq!(t.read("count-one"), "x");
    let status = t.status_of("fails-1");
    assert_eq!(status["status"], "done");
    assert_eq!(status["steps"][2]["value"], "fixed!");
}

#[test]
fn a_second_process_on_the_same_run_gets_a_lock_error_and_the_first_goes_on() {
    let t = Test::new();
    t.write(
        "slow.rhai",
        r#"
step "wait" { while !file_exists("go") { sleep(0.02); } "waited" }
step "after" { append_file("after", "x"); }
"#,
    );
    let mut first = t.spawn(&["exec", "slow.rhai"]);
    first.wait_for("step_started", "step", "wait");
    t.run(&["resume", "slow-1"])
        .status(4)
        .stderr_has("error: run slow-1 is in use by another runbook process (`runbook exec`, pid");
    t.write("go", "");
    first.finish().status(0);
    assert_eq!(t.read("after"), "x");
}

#[test]
fn a_step_in_a_loop_records_one_entry_per_iteration_and_replays_all() {
    let t = Test::new();
    t.write(
        "loop.rhai",
        r#"
let regions = ["ap-northeast-1", "us-east-1", "eu-west-1"];
let made = [];
for region in regions {
    made.push(step `bucket in ${region}` { append_file("count", "x"); `bucket-${region}` });
}
step "summary" { made.len() }
"#,
    );
    t.run(&["exec", "loop.rhai"]).status(0);
    let status = t.status_of("loop-1");
    let names: Vec<&str> = status["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "bucket in ap-northeast-1",
            "bucket in us-east-1",
            "bucket in eu-west-1",
            "summary"
        ]
    );
    assert_eq!(status["steps"][1]["value"], "bucket-us-east-1");

    let ran = t.run(&["--json", "resume", "loop-1"]);
    ran.status(0);
    let replayed = ran
        .events()
        .iter()
        .filter(|e| e["event"] == "step_replayed")
        .count();
    assert_eq!(replayed, 4);
    assert_eq!(t.read("count"), "xxx");
}

#[test]
fn a_repeated_name_is_told_apart_by_its_occurrence() {
    let t = Test::new();
    t.write("twice.rhai", "for i in 0..2 { step \"poll\" { i } }\n");
    t.run(&["exec", "twice.rhai"]).status(0).stderr_is(
        "run twice-1 (exec twice.rhai)\n\
         done     poll (<time>)\n\
         done     poll #2 (<time>)\n\
         run twice-1 done: 2 ran, 0 replayed (<time>)\n",
    );
    let status = t.status_of("twice-1");
    assert_eq!(status["steps"][1]["occurrence"], 1);
}

#[test]
fn ctrl_c_records_the_step_as_interrupted_exits_130_and_resume_goes_on() {
    let t = Test::new();
    t.write("three.rhai", THREE_STEPS);
    let mut running = t.spawn(&["exec", "three.rhai"]);
    running.wait_for("step_started", "step", "two");
    t.wait_for_file("count-two", "x");
    running.signal("INT");
    let ran = running.finish();
    ran.status(130).stderr_has(
        "error: run three-1 interrupted during step \"two\"; `runbook resume three-1` goes on \
         from there\n",
    );
    assert!(ran
        .events()
        .iter()
        .any(|e| e["event"] == "step_interrupted"));
    let status = t.status_of("three-1");
    assert_eq!(status["status"], "interrupted");
    assert_eq!(status["steps"][1]["status"], "interrupted");
    t.run(&["resume"]).status(0);
    assert_eq!(t.read("count-one"), "x");
    assert_eq!(t.read("count-three"), "x");
}

#[test]
fn retries_run_the_body_again_with_backoff_until_it_succeeds() {
    let t = Test::new();
    t.write(
        "flaky.rhai",
        r#"
step "flaky", #{ retries: 2, backoff: 0.01 } {
    append_file("tries", "x");
    if read_file("tries").len() < 3 { fail("not yet"); }
    "ok"
}
"#,
    );
    t.run(&["exec", "flaky.rhai"])
        .status(0)
        .stderr_has("attempt 1 of 3 failed (not yet)");
    assert_eq!(t.read("tries"), "xxx");
}

#[test]
fn a_step_that_outlives_its_timeout_fails_and_can_be_caught() {
    let t = Test::new();
    t.write(
        "slow.rhai",
        r#"
let r = "";
try { step "slow", #{ timeout: 0.1 } { sleep(60); } } catch (e) { r = e; }
step "after" { r }
"#,
    );
    t.run(&["exec", "slow.rhai"]).status(0);
    let status = t.status_of("slow-1");
    assert_eq!(status["steps"][0]["status"], "failed");
    assert_eq!(
        status["steps"][1]["value"],
        "step \"slow\" timed out after 100 ms"
    );
}

#[test]
fn resume_from_a_step_runs_it_and_everything_after_it_again() {
    let t = Test::new();
    t.write("three.rhai", &THREE_STEPS.replace("sleep(600)", "sleep(0)"));
    t.run(&["exec", "three.rhai"]).status(0);
    t.run(&["resume", "three-1", "--from", "two"])
        .status(0)
        .stderr_has("replayed one");
    assert_eq!(t.read("count-one"), "x");
    assert_eq!(t.read("count-two"), "xx");
    assert_eq!(t.read("count-three"), "xx");
    t.run(&["resume", "three-1", "--from", "nope"])
        .status(2)
        .stderr_has("run three-1 has no step \"nope\" (its steps: one, two, three)");
}

#[test]
fn params_are_recorded_with_the_run_and_a_change_on_resume_must_be_explicit() {
    let t = Test::new();
    t.write(
        "params.rhai",
        r#"
let tag = param("tag", "v0.95");
let count = param("count", 1);
step "tag" { if !file_exists("go") { fail("not yet") } `${tag}/${count + 1}` }
"#,
    );
    t.run(&[
        "exec",
        "params.rhai",
        "--param",
        "tag=v1",
        "--param",
        "count=2",
    ])
    .status(1);
    t.write("go", "");
    t.run(&["resume", "--param", "tag=v2"])
        .status(2)
        .stderr_has("param tag was \"v1\" in run params-1, now \"v2\": pass --change-params");
    t.run(&["resume"]).status(0);
    assert_eq!(t.step_value("params-1", 0), "v1/3");
    t.run(&["status", "params-1"])
        .status(0)
        .stdout_has("params:  count=\"2\" tag=\"v1\"\n");

    // A long param is shortened in `status`, as values are; `--json` keeps it whole.
    let long = "x".repeat(100);
    t.run(&["exec", "params.rhai", "--param", &format!("tag={long}")])
        .status(0);
    t.run(&["status", "params-2"])
        .status(0)
        .stdout_has(&format!("params:  tag=\"{}...\n", &long[..59]));
    assert_eq!(t.status_of("params-2")["params"]["tag"], long.as_str());
}
