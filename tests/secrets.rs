//! Secrets never reach the journal, the logs or the terminal, yet replay rebuilds them.

use crate::emulator::{aws_test, boto3};
use crate::test::{files_under, Test};

const TOKEN: &str = "hunter2-Zq9x!";

const SCRIPT: &str = r#"
let token = secret("api_token");
let auth = step "login" {
    log(`logging in with ${token}`);
    print(`token=${token}`);
    #{ header: "Bearer " + token, user: "ops" }
};
step "use" {
    if !file_exists("go") { fail(`refused ${token}`); }
    if auth.header != "Bearer " + token { fail("the replayed value lost the secret"); }
    auth.user
}
"#;

fn assert_nowhere(t: &Test, outputs: &[&str]) {
    for file in files_under(&t.path(".runbook")) {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(TOKEN), "the secret is in {}", file.display());
        assert!(
            !text.contains("hunter2"),
            "part of the secret is in {}",
            file.display()
        );
    }
    for output in outputs {
        assert!(!output.contains(TOKEN), "the secret was printed:\n{output}");
    }
}

#[test]
fn a_secret_appears_in_no_byte_under_the_state_dir_and_in_no_output() {
    let t = Test::new().env("RUNBOOK_SECRET_API_TOKEN", TOKEN);
    t.write("secret.rhai", SCRIPT);
    let first = t.run(&["-v", "exec", "secret.rhai"]);
    first
        .status(1)
        .stderr_has("refused ***")
        .stdout_has("token=***");
    let status = t.run(&["status", "secret-1", "--json"]);
    let runs = t.run(&["runs"]);
    t.write("go", "");
    let resumed = t.run(&["--json", "-v", "resume"]);
    resumed.status(0);
    assert!(resumed.stdout.contains("\"run_finished\""));
    assert_nowhere(
        &t,
        &[
            &first.stdout,
            &first.stderr,
            &status.stdout,
            &runs.stdout,
            &resumed.stdout,
            &resumed.stderr,
        ],
    );
}

#[test]
fn a_secret_can_come_from_the_params_file() {
    let t = Test::new();
    t.write("secret.rhai", SCRIPT);
    t.write("go", "");
    t.write(
        "params.toml",
        &format!("[secrets]\napi_token = \"{TOKEN}\"\n"),
    );
    let ran = t.run(&["exec", "secret.rhai", "--params", "params.toml"]);
    ran.status(0);
    assert_nowhere(&t, &[&ran.stdout, &ran.stderr]);
}

#[test]
fn a_missing_secret_says_where_to_put_it() {
    let t = Test::new();
    t.write("secret.rhai", SCRIPT);
    t.run(&["exec", "secret.rhai"]).status(2).stderr_has(
        "error: secret api_token: not provided: set RUNBOOK_SECRET_API_TOKEN or put it in the \
         params file's [secrets] table\n",
    );
    let ran = t.run(&["status", "secret-1"]);
    ran.status(0).stdout_has("run secret-1: failed");
    let ran = t.env("RUNBOOK_SECRET_API_TOKEN", TOKEN).run(&["resume"]);
    ran.status(1).stderr_has("refused ***");
}

#[test]
fn a_secret_can_come_from_secrets_manager_and_is_masked_too() {
    let (_guard, t) = aws_test();
    boto3(&format!(
        "client('secretsmanager').create_secret(Name='dockerhub', \
         SecretString=json.dumps({{'user': 'ops', 'password': '{TOKEN}'}}))"
    ));
    t.write(
        "hub.rhai",
        r#"
let password = secret("secretsmanager:dockerhub#password");
let whole = secret("secretsmanager:dockerhub");
step "login" { print(`password ${password}`); #{ login: "ops:" + password, whole: whole } }
step "check" { if !file_exists("go") { fail("not yet") } }
"#,
    );
    let first = t.run(&["exec", "hub.rhai"]);
    first.status(1).stdout_has("password ***");
    t.write("go", "");
    let resumed = t.run(&["resume"]);
    resumed.status(0);
    assert_nowhere(
        &t,
        &[
            &first.stdout,
            &first.stderr,
            &resumed.stdout,
            &resumed.stderr,
        ],
    );
    // Read through the binding, the value is masked the same way.
    t.write(
        "direct.rhai",
        "step \"read\" { secretsmanager::get_secret_value(#{ SecretId: \"dockerhub\" }) }\n\
         step \"show\" { log(\"value was read\"); }\n",
    );
    let direct = t.run(&["--json", "exec", "direct.rhai"]);
    direct.status(0);
    t.run(&["resume", "direct-1", "--from", "show"]).status(0);
    assert_nowhere(&t, &[&direct.stdout, &direct.stderr]);
    t.write("missing.rhai", "let s = secret(\"secretsmanager:nope\");\n");
    t.run(&["exec", "missing.rhai"]).status(2).stderr_has(
        "error: secret secretsmanager:nope: secretsmanager GetSecretValue: ResourceNotFoundException: ",
    );
}

/// Drives `runbook` through a pseudo-terminal (Python's pty module) so `secret()` prompts.
const PTY_DRIVER: &str = r#"
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
seen = b""
def read_until(marker):
    global seen
    deadline = time.time() + 30
    while marker not in seen and time.time() < deadline:
        try:
            seen += os.read(fd, 1024)
        except OSError:
            break
read_until(b"secret api_token: ")
os.write(fd, os.environ["ANSWER"].encode() + b"\r")
read_until(b"run secret-1 done")
read_until(b"\n")
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;

#[test]
fn a_secret_is_asked_for_on_the_terminal_without_echo() {
    let t = Test::new();
    t.write("secret.rhai", SCRIPT);
    t.write("go", "");
    let output = std::process::Command::new("python3")
        .args(["-c", PTY_DRIVER, crate::test::BIN, "exec", "secret.rhai"])
        .current_dir(&t.dir)
        .env("ANSWER", TOKEN)
        .output()
        .expect("run python3");
    let seen = String::from_utf8_lossy(&output.stdout);
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{:?}\n{seen}\n{errors}",
        output.status
    );
    assert!(seen.contains("secret api_token: "), "{seen}");
    assert!(seen.contains("token=***"), "{seen}");
    assert_nowhere(&t, &[&seen]);
}
