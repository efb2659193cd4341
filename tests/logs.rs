//! `runbook logs`: what a run's script wrote, kept in its journal (masked), per step, across
//! the processes that took the run over, and followed while it runs; `status` shows the last
//! lines of a failed step.

use std::io::{BufRead, BufReader};

use crate::test::Test;

const SCRIPT: &str = r#"
let pw = secret("pw");
print("starting");
step "first" { log("hello from first"); log("two\nlines"); 1 }
step "second" {
    log("the secret is " + pw);
    for n in 1..=7 { log(`line ${n}`) }
    if !file_exists("ok") { fail("no ok file") }
    2
}
step "first" { print("again"); 3 }
"#;

/// Each line without its time (`12:37:25.861 `), which differs on every run.
fn timeless(text: &str) -> String {
    text.lines()
        .map(|line| match line.split_once(' ') {
            Some((time, rest)) if time.len() == 12 && time.as_bytes()[2] == b':' => rest,
            _ => line,
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// `-- exec (pid 123) at <time>` with the pid and time taken out.
fn headings_plain(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("-- ") {
            Some(rest) => format!("-- {}\n", rest.split(" (pid").next().unwrap_or(rest)),
            None => format!("{line}\n"),
        })
        .collect()
}

fn failed_then_resumed() -> Test {
    let t = Test::new();
    t.write("s.rhai", SCRIPT)
        .write("p.json", r#"{"secrets": {"pw": "hunter22"}}"#);
    t.run(&["exec", "s.rhai", "--params", "p.json"]).status(1);
    t.write("ok", "");
    t.run(&["resume", "--params", "p.json"]).status(0);
    t
}

#[test]
fn logs_shows_every_line_with_its_step_and_each_process_that_ran() {
    let t = failed_then_resumed();
    let logs = t.run(&["logs", "s-1"]);
    logs.status(0);
    assert!(!logs.stdout.contains("hunter22"), "{}", logs.stdout);
    let lines: String = (1..=7).map(|n| format!("[second] line {n}\n")).collect();
    assert_eq!(
        headings_plain(&timeless(&logs.stdout)),
        format!(
            "-- exec\n\
             starting\n\
             [first] hello from first\n\
             [first] two\n\
             [first] lines\n\
             [second] the secret is ***\n\
             {lines}\
             -- resume\n\
             starting\n\
             [second] the secret is ***\n\
             {lines}\
             [first #2] again\n"
        )
    );
}

#[test]
fn logs_of_one_step_and_of_an_unknown_one() {
    let t = failed_then_resumed();
    let first = t.run(&["logs", "s-1", "first"]);
    first.status(0);
    assert_eq!(
        headings_plain(&timeless(&first.stdout)),
        "-- exec\n\
         [first] hello from first\n\
         [first] two\n\
         [first] lines\n\
         -- resume\n\
         [first #2] again\n"
    );
    let second_first = t.run(&["logs", "s-1", "first #2"]);
    assert_eq!(
        headings_plain(&timeless(&second_first.stdout)),
        "-- resume\n[first #2] again\n"
    );
    t.run(&["logs", "s-1", "secnd"]).status(2).stderr_is(
        "error: run s-1 has no step \"secnd\" (did you mean \"second\"?) (its steps: first, \
         second, first #2)\n",
    );
    t.run(&["logs", "s-9"])
        .status(2)
        .stderr_has("no run named \"s-9\"");
}

#[test]
fn logs_json_tells_the_log_and_print_events_again_with_their_time() {
    let t = failed_then_resumed();
    let events = t.run(&["--json", "logs", "s-1", "first"]).events();
    let told: Vec<(String, String, String)> = events
        .iter()
        .map(|e| {
            crate::protocol::check(e);
            let field = |name: &str| e[name].as_str().unwrap_or_default().to_string();
            (field("event"), field("step"), field("message"))
        })
        .collect();
    let own = |kind: &str, step: &str, message: &str| {
        (kind.to_string(), step.to_string(), message.to_string())
    };
    assert_eq!(
        told,
        [
            own("log", "first", "hello from first"),
            own("log", "first", "two\nlines"),
            own("print", "first #2", "again"),
        ]
    );
}

#[test]
fn status_shows_the_last_lines_of_a_failed_step() {
    let t = Test::new();
    t.write("s.rhai", SCRIPT)
        .write("p.json", r#"{"secrets": {"pw": "hunter22"}}"#);
    t.run(&["exec", "s.rhai", "--params", "p.json"]).status(1);
    let status = t.run(&["status", "s-1"]);
    status.stdout_has(
        "  failed       second  line 5  error: no ok file\n\
         \x20              | line 3\n\
         \x20              | line 4\n\
         \x20              | line 5\n\
         \x20              | line 6\n\
         \x20              | line 7\n\
         \x20              (all its output: runbook logs s-1 second)\n",
    );
    let json = t.status_of("s-1");
    assert_eq!(
        json["steps"][1]["output"],
        serde_json::json!(["line 3", "line 4", "line 5", "line 6", "line 7"])
    );
}

#[test]
fn logs_follow_prints_lines_as_a_run_writes_them_and_ends_with_it() {
    let t = Test::new();
    t.write(
        "slow.rhai",
        r#"
step "wait" {
    log("before");
    while !file_exists("go") { sleep(0.02); }
    log("after");
}
"#,
    );
    let mut running = t.spawn(&["exec", "slow.rhai"]);
    running.wait_for("log", "message", "before");
    let mut follow = t
        .command(&["logs", "slow-1", "--follow"])
        .spawn()
        .expect("spawn logs --follow");
    let mut lines = BufReader::new(follow.stdout.take().expect("piped stdout")).lines();
    let mut next = || lines.next().expect("a line").expect("readable");
    assert!(next().starts_with("-- exec (pid "));
    assert!(next().ends_with("[wait] before"));
    t.write("go", "");
    assert!(next().ends_with("[wait] after"));
    assert!(
        follow.wait().expect("logs ends").success(),
        "logs ends when the run does"
    );
    running.finish().status(0);
}
