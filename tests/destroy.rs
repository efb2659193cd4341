//! `destroy`: undo blocks run once each, newest first, and a killed destroy goes on.

use std::process::Command;

use crate::pty::Pty;
use crate::test::{Test, BIN};

const SCRIPT: &str = r#"
let prefix = param("prefix", "demo");
let a = step "create a" { `${prefix}-a` } undo |name| { append_file("undo.log", name + "\n"); };
step "note" { "no undo for me" }
let b = step "create b" { `${prefix}-b` } undo |name| {
    append_file("undo.log", name + "\n");
    if file_exists("hang-b") && read_file("undo.log").split("\n").len() == 3 { sleep(600); }
};
step "create c" { `${a}+${b}` } undo |name| { append_file("undo.log", name + "\n"); };
"#;

#[test]
fn an_undo_without_a_parameter_runs_without_the_value() {
    let t = Test::new();
    t.write(
        "marks.rhai",
        r#"
let dir = "marks";
step "mark" { append_file(dir, "made\n"); 1 } undo { append_file(dir, "undone\n") };
"#,
    );
    t.run(&["exec", "marks.rhai"]).status(0);
    t.run(&["destroy", "marks-1"]).status(0);
    assert_eq!(t.read("marks"), "made\nundone\n");
}

#[test]
fn destroy_calls_every_undo_once_newest_first_with_the_recorded_value() {
    let t = Test::new();
    t.write("setup.rhai", SCRIPT);
    t.run(&["exec", "setup.rhai", "--param", "prefix=x"])
        .status(0);
    t.run(&["destroy", "setup-1"]).status(0).stderr_is(
        "run setup-1 (destroy setup.rhai)\n\
         undone   create c (<time>)\n\
         undone   create b (<time>)\n\
         kept     note (no undo block: left in place)\n\
         undone   create a (<time>)\n\
         run setup-1 destroyed: 3 undone, 1 left in place (<time>)\n",
    );
    assert_eq!(t.read("undo.log"), "x-a+x-b\nx-b\nx-a\n");
    t.run(&["status", "setup-1"])
        .status(0)
        .stdout_has("run setup-1: destroyed");
    t.run(&["destroy", "setup-1"])
        .status(0)
        .stderr_is("run setup-1 is already destroyed\n");
    assert_eq!(
        t.read("undo.log"),
        "x-a+x-b\nx-b\nx-a\n",
        "a second destroy undoes nothing"
    );
    t.run(&["resume", "setup-1"]).status(4).stderr_is(
        "error: run setup-1 is being or has been destroyed: it cannot be resumed \
         (start a new run with `runbook exec`)\n",
    );
}

#[test]
fn a_killed_destroy_resumes_without_redoing_finished_undos() {
    let t = Test::new();
    t.write("setup.rhai", SCRIPT);
    t.run(&["exec", "setup.rhai"]).status(0);
    t.write("hang-b", "");
    let mut destroying = t.spawn(&["destroy", "setup-1"]);
    destroying.wait_for("undo_started", "step", "create b");
    // Wait for the undo body itself to have written before the kill.
    t.wait_for_file("undo.log", "demo-a+demo-b\ndemo-b\n");
    destroying.kill();
    assert_eq!(t.read("undo.log"), "demo-a+demo-b\ndemo-b\n");
    t.run(&["status", "setup-1"])
        .status(0)
        .stdout_has("undoing      create b");

    t.run(&["destroy", "setup-1"])
        .status(0)
        .stderr_has("undone   create c (already)");
    assert_eq!(
        t.read("undo.log"),
        "demo-a+demo-b\ndemo-b\ndemo-b\ndemo-a\n"
    );
}

#[test]
fn destroy_of_a_failed_run_undoes_only_the_completed_steps() {
    let t = Test::new();
    t.write(
        "half.rhai",
        r#"
step "made" { "m" } undo |v| { append_file("undo.log", v); };
step "broken" { fail("boom") } undo |v| { append_file("undo.log", "never"); };
"#,
    );
    t.run(&["exec", "half.rhai"]).status(1);
    t.run(&["destroy", "half-1"])
        .status(0)
        .stderr_has("1 undone, 0 left in place");
    assert_eq!(t.read("undo.log"), "m");
}

#[test]
fn a_failing_undo_is_reported_with_its_place_the_rest_are_undone_and_destroy_retries_it() {
    let t = Test::new();
    t.write(
        "undo.rhai",
        r#"
step "first" { 1 } undo |v| { append_file("undo.log", "first"); };
step "second" { 2 } undo |v| { if !file_exists("fixed") { fail("cannot delete") } };
"#,
    );
    t.run(&["exec", "undo.rhai"]).status(0);
    t.run(&["destroy", "undo-1"]).status(1).stderr_is(
        "run undo-1 (destroy undo.rhai)\n\
         failed   undo of second: cannot delete\n\
         undone   first (<time>)\n\
         run undo-1 destroying: 1 undone, 0 left in place (<time>)\n\
         error: cannot delete\n \
         --> undo.rhai:3:59\n  \
         |\n\
         3 | step \"second\" { 2 } undo |v| { if !file_exists(\"fixed\") { fail(\"cannot delete\") } };\n  \
         |                                                           ^\n  \
         = step: undo of second\n  \
         = note: fix the cause, then `runbook destroy undo-1` goes on\n\
         error: 1 undo action failed; the rest of the run is undone. Fix the cause and run \
         `runbook destroy` again: it retries only what is left\n",
    );
    // The older step's undo ran although the newer one failed.
    assert_eq!(t.read("undo.log"), "first");
    t.run(&["status", "undo-1"])
        .status(0)
        .stdout_has("run undo-1: destroying");
    t.write("fixed", "");
    t.run(&["destroy", "undo-1"]).status(0).stderr_is(
        "run undo-1 (destroy undo.rhai)\n\
         undone   second (<time>)\n\
         undone   first (already)\n\
         run undo-1 destroyed: 2 undone, 0 left in place (<time>)\n",
    );
    assert_eq!(t.read("undo.log"), "first", "not undone twice");
}

#[test]
fn undo_blocks_can_call_the_scripts_imported_modules() {
    let t = Test::new();
    t.write(
        "stdlib/log.rhai",
        "fn note(what) { append_file(\"../undo.log\", what); }\n",
    );
    t.write(
        "runbooks/made.rhai",
        "import \"log\" as log;\nstep \"make\" { \"thing\" } undo |v| { log::note(v); };\n",
    );
    t.run(&["exec", "made.rhai"]).status(0);
    t.run(&["destroy", "made-1"]).status(0);
    assert_eq!(t.read("undo.log"), "thing");
}

/// `destroy` on a terminal as the operator runs it.
fn destroy_on_a_terminal(t: &Test, args: &[&str]) -> Pty {
    let mut command = Command::new(BIN);
    command.arg("destroy").args(args).current_dir(&t.dir);
    for (key, value) in t.vars() {
        command.env(key, value);
    }
    Pty::spawn(command)
}

/// On a terminal, destroy lists what it will undo and what it leaves, and asks first; a no
/// changes nothing, and `--yes` does not ask.
#[test]
fn on_a_terminal_destroy_lists_what_it_will_undo_and_asks_first() {
    let t = Test::new();
    t.write("setup.rhai", SCRIPT);
    t.run(&["exec", "setup.rhai"]).status(0);
    let listing = "destroy setup-1 undoes, newest first:\n  \
                   create c (line 9)\n  \
                   create b (line 5)\n  \
                   create a (line 3)\n\
                   and leaves in place:\n  \
                   note (line 4): no undo block\n\
                   Undo 3 steps of setup-1? [y/N] ";

    let mut declined = destroy_on_a_terminal(&t, &["setup-1"]);
    declined.expect(listing);
    declined.send("n\r");
    declined
        .expect("destroy of setup-1 cancelled: nothing was changed (`--yes` skips the question)");
    assert_eq!(declined.wait(), Some(130));
    assert_eq!(t.read("undo.log"), "");
    assert_eq!(t.status_of("setup-1")["status"], "done");

    let mut agreed = destroy_on_a_terminal(&t, &["setup-1"]);
    agreed.expect(listing);
    agreed.send("y\r");
    agreed.expect("run setup-1 destroyed: 3 undone, 1 left in place");
    assert_eq!(agreed.wait(), Some(0));
    assert_eq!(t.read("undo.log"), "demo-a+demo-b\ndemo-b\ndemo-a\n");

    t.run(&["exec", "setup.rhai", "--param", "prefix=ci"])
        .status(0);
    let mut unasked = destroy_on_a_terminal(&t, &["setup-2", "--yes"]);
    unasked.expect("run setup-2 destroyed: 3 undone, 1 left in place");
    assert!(!unasked.screen().contains("[y/N]"), "--yes does not ask");
    assert_eq!(unasked.wait(), Some(0));
}

#[test]
fn an_interrupted_destroy_says_the_one_command_that_goes_on() {
    let t = Test::new();
    t.write("setup.rhai", SCRIPT);
    t.run(&["exec", "setup.rhai"]).status(0);
    t.write("hang-b", "");
    let mut destroying = t.spawn(&["destroy", "setup-1", "--yes"]);
    destroying.wait_for("undo_started", "step", "create b");
    t.wait_for_file("undo.log", "demo-a+demo-b\ndemo-b\n");
    destroying.signal("INT");
    destroying.finish().status(130).stderr_has(
        "error: run setup-1 interrupted while undoing \"create b\"; `runbook destroy setup-1` \
         goes on from there\n",
    );
    t.run(&["destroy", "setup-1", "--yes"]).status(0);
    assert_eq!(
        t.read("undo.log"),
        "demo-a+demo-b\ndemo-b\ndemo-b\ndemo-a\n"
    );
}
