//! `runbook report`: a run drawn as one self-contained HTML page, loaded in a real headless
//! browser: it must run without a console error and show one bar per step run and undo,
//! one lane per process, the failed step's error and line, and no secret.

use crate::browser::{self, Loaded};
use crate::emulator::aws_test;
use crate::seed;
use crate::test::Test;

const SCRIPT: &str = r#"
let pw = secret("pw");
step "made" { log("using " + pw); #{ arn: "arn:aws:iam::123456789012:role/demo" } }
step "slow" {
    append_file("count-slow", "x");
    if read_file("count-slow") == "x" { sleep(600); }
    2
}
step "flaky" {
    if !file_exists("ok") { fail("not yet, " + pw) }
    3
}
step "last" { 4 }
"#;

/// The report of `run`, written into the test's directory and loaded in the browser.
fn load_report(t: &Test, run: &str) -> Loaded {
    let page = t.path(&format!("{run}.html"));
    t.run(&["report", run, "-o", &page.display().to_string()])
        .status(0);
    let loaded = browser::load(&page, &t.path("browser-profile"));
    assert_eq!(loaded.attribute("data-ready"), Some("1"), "{}", loaded.dom);
    assert_eq!(loaded.attribute("data-errors"), None, "page errors");
    assert!(loaded.console.is_empty(), "console: {:?}", loaded.console);
    loaded
}

/// SCRIPT killed inside "slow", resumed into the failure of "flaky", then resumed to its end:
/// three processes, six step runs.
fn killed_failed_and_finished() -> Test {
    let t = Test::new();
    t.write("s.rhai", SCRIPT)
        .write("p.json", r#"{"secrets": {"pw": "hunter22"}}"#);
    let mut running = t.spawn(&["exec", "s.rhai", "--params", "p.json"]);
    running.wait_for("step_started", "step", "slow");
    t.wait_for_file("count-slow", "x");
    running.kill();
    t.run(&["resume", "--params", "p.json"]).status(1);
    t.write("ok", "");
    t.run(&["resume", "--params", "p.json"]).status(0);
    t
}

#[test]
fn report_shows_each_process_as_a_lane_and_each_step_run_as_a_bar() {
    let t = killed_failed_and_finished();
    t.run(&["report", "s-1"])
        .status(0)
        .stdout_is("wrote s-1.html (6 bars in 3 lanes); open it in a browser\n");
    let html = t.read("s-1.html");
    assert!(!html.contains("hunter22"), "a secret in the page");
    assert!(
        !html.contains("http://") && !html.contains("src="),
        "the page loads nothing"
    );

    let page = load_report(&t, "s-1");
    assert_eq!(page.attribute("data-bars"), Some("6"));
    assert_eq!(page.count(&["bar"]), 6);
    assert_eq!(page.count(&["lane"]), 3);
    for (status, count) in [("b-done", 4), ("b-killed", 1), ("b-failed", 1)] {
        assert_eq!(page.count(&["bar", status]), count, "{status}");
    }
    assert_eq!(page.count(&["bar", "again"]), 2, "slow and flaky ran again");
    assert!(page.dom.contains("exec (pid "), "{}", page.dom);
    assert!(page.dom.contains("resume (pid "), "{}", page.dom);
    assert!(page.dom.contains("1 replayed"), "{}", page.dom);
    assert!(
        page.dom.contains("flaky failed at s.rhai:10\nnot yet, ***"),
        "the failed step's line and error, masked: {}",
        page.dom
    );
    assert!(page.dom.contains("arn:aws:iam::123456789012:role/demo"));
    browser::screenshot(
        &t.path("s-1.html"),
        &t.path("browser-profile"),
        "report-local.png",
        900,
    );
}

#[test]
fn report_json_names_the_page_and_writes_to_stdout_with_a_dash() {
    let t = killed_failed_and_finished();
    let ran = t.run(&["--json", "report", "s-1", "-o", "out.html"]);
    ran.status(0);
    let answer: serde_json::Value = serde_json::from_str(&ran.stdout).expect("one JSON document");
    assert_eq!(
        answer,
        serde_json::json!({"report": "out.html", "run": "s-1", "bars": 6, "lanes": 3})
    );
    let to_stdout = t.run(&["report", "s-1", "-o", "-"]);
    to_stdout.status(0);
    assert!(to_stdout.stdout.starts_with("<!doctype html>"));
    assert!(to_stdout.stdout.trim_end().ends_with("</html>"));
    assert!(to_stdout.stdout.contains(r#""id":"s-1""#));
    t.run(&["report", "nope-1"]).status(2).stderr_has("nope-1");
}

#[test]
fn a_run_of_thousands_of_steps_builds_only_the_rows_in_view() {
    let t = Test::new();
    t.write("many.rhai", "for n in 0..3000 { step `s ${n}` { n } }");
    t.run(&["exec", "many.rhai"]).status(0);
    let page = load_report(&t, "many-1");
    assert_eq!(page.attribute("data-bars"), Some("3000"));
    assert_eq!(page.attribute("data-rows"), Some("3000"));
    let built = page.count(&["bar"]);
    assert!(
        (20..300).contains(&built),
        "{built} rows built for 3000 steps"
    );
}

#[test]
fn the_seed_setup_killed_resumed_and_destroyed_links_what_it_made_to_the_console() {
    let (_guard, t) = aws_test();
    seed::project(&t);
    let network = seed::network();
    let mut exec = vec!["exec", "runbooks/setup.rhai"];
    exec.extend(network.iter().map(String::as_str));
    let mut running = t.spawn(&exec);
    running.wait_for("step_completed", "step", "ecr repository");
    running.kill();
    let mut resume = vec!["resume"];
    resume.extend(network.iter().map(String::as_str));
    t.run(&resume).status(0);

    let page = load_report(&t, "setup-1");
    let bars: usize = page
        .attribute("data-bars")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(bars >= seed::STEPS.len(), "{bars} bars");
    assert_eq!(page.count(&["lane"]), 2);
    for link in [
        "https://ap-northeast-1.console.aws.amazon.com/ecr/repositories/private/",
        "https://console.aws.amazon.com/iam/home#/roles/details/",
        "https://ap-northeast-1.console.aws.amazon.com/ecs/v2/clusters/",
    ] {
        assert!(
            page.dom.contains(&format!("href=\"{link}")),
            "{link} in {}",
            page.dom
        );
    }
    assert!(page
        .dom
        .contains("arn:aws:ecr:ap-northeast-1:123456789012:repository/"));
    let shot = browser::screenshot(
        &t.path("setup-1.html"),
        &t.path("browser-profile"),
        "report-setup.png",
        1060,
    );
    assert!(shot.exists());

    t.run(&["destroy", "setup-1", "--yes"]).status(0);
    let page = load_report(&t, "setup-1");
    assert_eq!(page.count(&["lane"]), 3);
    assert!(page.count(&["bar", "undo"]) > 0);
    assert!(!page.dom.contains(">in place<"), "all undone: {}", page.dom);
}
