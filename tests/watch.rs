//! `status --watch`: a run followed from another process through its journal, shown as the
//! running process shows it, then its status.

use std::process::Output;

use crate::pty::Pty;
use crate::test::{timeless, Running, Test};

const SLOW: &str = r#"
step "quick" { log("quick one"); 1 }
step "wait" {
    log("before");
    while !file_exists("go") { sleep(0.02); }
    log("after");
    2
}
step "last" { 3 }
"#;

/// A run of SLOW in its step "wait", which goes on once the test writes `go`.
fn waiting_run() -> (Test, Running) {
    let t = Test::new();
    t.write("slow.rhai", SLOW);
    let mut running = t.spawn(&["exec", "slow.rhai"]);
    running.wait_for("log", "message", "before");
    (t, running)
}

/// What `args` (a watch of the waiting run) printed, started while the run waits and ended
/// with it.
fn watched_to_the_end(args: &[&str]) -> Output {
    let (t, running) = waiting_run();
    let watching = t.command(args).spawn().expect("spawn");
    t.write("go", "");
    let watched = watching
        .wait_with_output()
        .expect("watch ends with the run");
    running.finish().status(0);
    watched
}

#[test]
fn watch_follows_a_live_run_as_it_shows_itself_then_shows_its_status() {
    let watched = watched_to_the_end(&["status", "slow-1", "--watch"]);
    assert!(watched.status.success());
    assert_eq!(
        timeless(&String::from_utf8_lossy(&watched.stderr)),
        "run slow-1 (exec slow.rhai)\n  \
         | quick one\n\
         done     quick (<time>)\n  \
         | before\n  \
         | after\n\
         done     wait (<time>)\n\
         done     last (<time>)\n"
    );
    let status = String::from_utf8_lossy(&watched.stdout);
    assert!(status.starts_with("run slow-1: done\n"), "{status}");
}

#[test]
fn watch_json_tells_the_runs_own_events() {
    let watched = watched_to_the_end(&["--json", "status", "slow-1", "--watch"]);
    let kinds: Vec<String> = String::from_utf8_lossy(&watched.stdout)
        .lines()
        .map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).expect("NDJSON");
            crate::protocol::check(&event);
            let step = event["step"]
                .as_str()
                .map_or(String::new(), |s| format!(" {s}"));
            format!("{}{step}", event["event"].as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "run_started",
            "step_started quick",
            "log quick",
            "step_completed quick",
            "step_started wait",
            "log wait",
            "log wait",
            "step_completed wait",
            "step_started last",
            "step_completed last",
        ]
    );
}

#[test]
fn on_a_terminal_watch_shows_the_step_in_flight_with_its_time() {
    let (t, running) = waiting_run();
    let mut command = std::process::Command::new(crate::test::BIN);
    command
        .args(["status", "slow-1", "--watch"])
        .current_dir(&t.dir)
        .env_remove("RUNBOOK_STATE_DIR");
    let mut watching = Pty::spawn(command);
    watching.expect("running  wait (");
    t.write("go", "");
    watching.expect("run slow-1: done");
    assert_eq!(watching.wait(), Some(0));
    running.finish().status(0);
}
