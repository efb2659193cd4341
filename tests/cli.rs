//! The command line's conventions: shell completion, driven through real bash with the script
//! `runbook completions bash` prints; the manual pages `runbook man` renders; help with
//! examples.

use crate::test::Test;

const STEPS: &str = "step \"first\" { 1 }\nstep \"second\" { fail(\"no\") }\n";

/// What bash offers for Tab after `line` (the words typed so far; the last is the one
/// being completed), run in the test's directory with the registered completion.
fn offered(t: &Test, line: &[&str]) -> Vec<String> {
    let script = t.run(&["completions", "bash"]);
    script.status(0);
    t.write("completion.bash", &script.stdout);
    let quote = |w: &str| format!("'{}'", w.replace('\'', "'\\''"));
    let words: Vec<String> = line.iter().map(|w| quote(w)).collect();
    let current = quote(line.last().expect("a word being completed"));
    let previous = quote(line[line.len() - 2]);
    let driver = format!(
        "source completion.bash\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_TYPE=9\n\
         _clap_complete_runbook runbook {current} {previous}\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = words.join(" "),
        cword = line.len() - 1,
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(driver)
        .current_dir(&t.dir)
        .env_remove("RUNBOOK_STATE_DIR")
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_and_options() {
    let t = Test::new();
    assert_eq!(offered(&t, &["runbook", "de"]), ["destroy"]);
    assert_eq!(
        offered(&t, &["runbook", "destroy", "--inc"]),
        ["--include-adopted"]
    );
    assert_eq!(
        offered(&t, &["runbook", "runs", "--status", "fa"]),
        ["failed"]
    );
    assert_eq!(offered(&t, &["runbook", "completions", "z"]), ["zsh"]);
}

#[test]
fn bash_completes_run_ids_newest_first_from_the_state_dir_the_line_names() {
    let t = Test::new();
    t.write("steps.rhai", STEPS)
        .write("other.rhai", "step \"x\" { 1 }\n");
    t.run(&["exec", "steps.rhai"]).status(1);
    t.run(&["exec", "other.rhai"]).status(0);
    t.run(&["exec", "steps.rhai"]).status(1);
    t.run(&["--state-dir", "elsewhere", "exec", "other.rhai"])
        .status(0);

    assert_eq!(
        offered(&t, &["runbook", "status", "st"]),
        ["steps-2", "steps-1"]
    );
    assert_eq!(offered(&t, &["runbook", "destroy", "o"]), ["other-1"]);
    assert_eq!(
        offered(&t, &["runbook", "repl", "--run", "steps-1"]),
        ["steps-1"]
    );
    // An empty word is offered the options too; the runs come first.
    let offered_empty = offered(&t, &["runbook", "--state-dir", "elsewhere", "resume", ""]);
    assert_eq!(offered_empty[0], "other-1");
    assert!(
        offered_empty[1..].iter().all(|o| o.starts_with("--")),
        "{offered_empty:?}"
    );
}

#[test]
fn bash_completes_the_steps_resume_can_start_from() {
    let t = Test::new();
    t.write("steps.rhai", STEPS)
        .write("other.rhai", "step \"x\" { 1 }\n");
    t.run(&["exec", "steps.rhai"]).status(1);
    t.run(&["exec", "other.rhai"]).status(0);

    // Of the run named, else of the run `resume` would pick: the newest unfinished one.
    assert_eq!(
        offered(&t, &["runbook", "resume", "other-1", "--from", ""]),
        ["x"]
    );
    assert_eq!(
        offered(&t, &["runbook", "resume", "--from", ""]),
        ["first", "second"]
    );
    assert_eq!(
        offered(&t, &["runbook", "resume", "--from", "s"]),
        ["second"]
    );
}

#[test]
fn bash_completes_a_step_name_with_spaces_as_one_word() {
    let t = Test::new();
    t.write(
        "spaced.rhai",
        "step \"ecs service\" { 1 }\nstep \"ecs service\" { 2 }\nstep \"it's (done)\" { fail(\"no\") }\n",
    );
    t.run(&["exec", "spaced.rhai"]).status(1);
    let escaped = ["ecs\\ service", "ecs\\ service\\ \\#2"];
    assert_eq!(
        offered(&t, &["runbook", "resume", "--from", "ecs"]),
        escaped
    );
    // The word typed so far, escaped or quoted as bash has it, narrows the same way.
    assert_eq!(
        offered(&t, &["runbook", "resume", "--from", "ecs\\ s"]),
        escaped
    );
    assert_eq!(
        offered(&t, &["runbook", "resume", "--from", "'ecs s"]),
        escaped
    );
    let odd = offered(&t, &["runbook", "logs", "spaced-1", "it"]);
    assert_eq!(odd, ["it\\'s\\ \\(done\\)"]);
    // What bash reads back from the line is the step's name, one word.
    let read = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("printf '%s|' {} {}", escaped[1], odd[0]))
        .output()
        .expect("run bash");
    assert_eq!(
        String::from_utf8_lossy(&read.stdout),
        "ecs service #2|it's (done)|"
    );
}

#[test]
fn bash_completes_scripts_and_services() {
    let t = Test::new();
    t.write("runbooks/setup.rhai", "")
        .write("runbooks/notes.txt", "")
        .write("local.rhai", "");
    assert_eq!(
        offered(&t, &["runbook", "exec", "runbooks/"]),
        ["runbooks/setup.rhai"]
    );
    assert_eq!(offered(&t, &["runbook", "check", "lo"]), ["local.rhai"]);
    assert_eq!(offered(&t, &["runbook", "functions", "code"]).len(), 3);
}

#[test]
fn man_renders_a_page_per_command_from_the_cli_definition() {
    let t = Test::new();
    let page = t.run(&["man"]);
    page.status(0);
    assert!(page.stdout.contains(".TH runbook 1"), "{}", page.stdout);
    assert!(
        page.stdout.contains("runbook\\-destroy(1)\nUndo a run"),
        "subcommands are listed"
    );

    t.run(&["man", "--dir", "man1"])
        .status(0)
        .stdout_has("man1/runbook-destroy.1");
    assert!(t
        .read("man1/runbook-destroy.1")
        .contains("\\-\\-include\\-adopted"));

    t.run(&["completions", "tcsh"])
        .status(2)
        .stderr_has("invalid value 'tcsh'");
}

#[test]
fn every_command_help_ends_with_examples() {
    let t = Test::new();
    for command in [
        "exec",
        "resume",
        "runs",
        "status",
        "plan",
        "check",
        "functions",
        "repl",
        "destroy",
        "completions",
        "man",
    ] {
        let help = t.run(&[command, "--help"]);
        help.status(0);
        let examples = help.stdout.split("Examples:\n").nth(1);
        let examples = examples.unwrap_or_else(|| panic!("{command} --help has no examples"));
        assert!(
            examples
                .lines()
                .all(|l| l.starts_with("  runbook ") || l.starts_with("  echo ")),
            "{command}: {examples}"
        );
    }
    t.run(&["--help"])
        .stdout_has("Global options:")
        .stdout_has("AWS options:");
}
