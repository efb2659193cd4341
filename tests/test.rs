//! The `Test` fixture: a scratch directory with scripts in it, and the real `runbook` binary
//! run there. Every run asserts that nothing panicked.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_runbook");

pub struct Test {
    pub dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Drop for Test {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a finished command printed, with assertions that name the command on failure.
#[derive(Debug)]
pub struct Ran {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    #[track_caller]
    pub fn status(&self, code: i32) -> &Ran {
        assert_eq!(
            self.code,
            code,
            "exit code of runbook {:?}\n{}",
            self.args,
            self.dump()
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Ran {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n{}",
            self.dump()
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Ran {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\n{}",
            self.dump()
        );
        self
    }

    #[track_caller]
    pub fn stdout_is(&self, text: &str) -> &Ran {
        assert_eq!(
            self.stdout,
            text,
            "stdout of runbook {:?}\n{}",
            self.args,
            self.dump()
        );
        self
    }

    /// The whole of stderr, with each duration written as `<time>`: what a run prints is
    /// exact but for how long things took.
    #[track_caller]
    pub fn stderr_is(&self, text: &str) -> &Ran {
        assert_eq!(
            timeless(&self.stderr),
            text,
            "stderr of runbook {:?}",
            self.args
        );
        self
    }

    /// The AWS calls a `-v` run made that changed the world (`iam CreateRole`), in order: the
    /// writing calls AWS accepted. A create refused because the name is taken changed
    /// nothing (the stdlib creates first where the service takes tags).
    pub fn mutations(&self) -> Vec<String> {
        let bindings = runbook::aws::services::all();
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix("aws "))
            .filter_map(|l| l.split_once(": ok ").map(|(call, _)| call))
            .filter(|call| {
                let mut words = call.split(' ');
                let (service, operation) = (words.next(), words.next());
                bindings.iter().any(|b| {
                    Some(b.service) == service && Some(b.operation) == operation && b.is_mutating()
                })
            })
            .map(str::to_string)
            .collect()
    }

    /// The NDJSON events printed with `--json`, each checked against README's protocol.
    pub fn events(&self) -> Vec<Value> {
        let events: Vec<Value> = self
            .stdout
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        events.iter().for_each(crate::protocol::check);
        events
    }

    fn dump(&self) -> String {
        format!("--- stdout\n{}--- stderr\n{}", self.stdout, self.stderr)
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Test {
    pub fn new() -> Test {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("runbook-test-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the test directory");
        // The REPL's history goes to the XDG state directory: the test's own, not the user's.
        let state = dir.join("state").display().to_string();
        Test {
            dir,
            env: vec![("XDG_STATE_HOME".into(), state)],
        }
    }

    pub fn write(&self, name: &str, text: &str) -> &Test {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent directory");
        }
        std::fs::write(path, text).expect("write a test file");
        self
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Waits (at most a minute) until `name` holds `text`: a step's side effect is visible.
    #[track_caller]
    pub fn wait_for_file(&self, name: &str, text: &str) {
        for _ in 0..6000 {
            if self.read(name) == text {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("{name} never came to hold {text:?}");
    }

    pub fn env(mut self, key: &str, value: &str) -> Test {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The environment the fixture adds to every command.
    pub fn vars(&self) -> &[(String, String)] {
        &self.env
    }

    /// The binary with `args`, in the test's directory and environment, its output piped.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .current_dir(&self.dir)
            .env_remove("RUNBOOK_STATE_DIR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> Ran {
        let output = self.command(args).output().expect("run the runbook binary");
        finished(args, output.status.code(), output.stdout, output.stderr)
    }

    /// Runs the binary with more environment for this command only.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Ran {
        let mut command = self.command(args);
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("run the runbook binary");
        finished(args, output.status.code(), output.stdout, output.stderr)
    }

    /// Runs the binary as if its disk filled up once its files reach `bytes`: the process's
    /// file size limit (writes past it fail with EFBIG, as they fail with ENOSPC on a full
    /// disk; SIGXFSZ is ignored so the write fails instead of killing the process).
    pub fn run_with_file_limit(&self, args: &[&str], bytes: u64) -> Ran {
        use std::os::unix::process::CommandExt;
        let mut command = self.command(args);
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let limit = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: libc::RLIM_INFINITY,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let output = command.output().expect("run the runbook binary");
        finished(args, output.status.code(), output.stdout, output.stderr)
    }

    /// Runs the binary with `input` piped to its standard input.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> Ran {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .spawn()
            .expect("spawn the runbook binary");
        let mut stdin = child.stdin.take().expect("piped stdin");
        stdin
            .write_all(input.as_bytes())
            .expect("write the standard input");
        drop(stdin);
        let output = child.wait_with_output().expect("wait for runbook");
        finished(args, output.status.code(), output.stdout, output.stderr)
    }

    /// Runs `script` as a new run (with `args`) that must succeed, and returns the value its
    /// last step recorded.
    #[track_caller]
    pub fn value_of(&self, script: &str, args: &[&str]) -> Value {
        let _ = std::fs::remove_dir_all(self.path(".runbook"));
        self.write("case.rhai", script);
        let mut all = vec!["exec", "case.rhai"];
        all.extend_from_slice(args);
        self.run(&all).status(0);
        let steps = self.status_of("case-1")["steps"].as_array().cloned();
        steps
            .unwrap_or_default()
            .last()
            .map(|s| s["value"].clone())
            .unwrap_or_default()
    }

    /// What `status RUN --json` prints, which must succeed.
    #[track_caller]
    pub fn status_of(&self, run: &str) -> Value {
        let ran = self.run(&["status", run, "--json"]);
        ran.status(0);
        serde_json::from_str(&ran.stdout).expect("status --json prints JSON")
    }

    /// The value the step at `position` (from 0) of `run` recorded.
    #[track_caller]
    pub fn step_value(&self, run: &str, position: usize) -> Value {
        self.status_of(run)["steps"][position]["value"].clone()
    }

    /// Starts the binary with `--json` and returns it with a reader of its events.
    pub fn spawn(&self, args: &[&str]) -> Running {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let mut child = self
            .command(&all)
            .spawn()
            .expect("spawn the runbook binary");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Running {
            child,
            stdout,
            args: all.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// `text` with each duration the binary prints (`12 ms`, `1.25 s`, `2m05s`) as `<time>`.
pub fn timeless(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c.is_ascii_digit()) {
        let word_before = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_' || c == '-');
        let number = rest[at..]
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .map_or(rest.len(), |n| at + n);
        let after = &rest[number..];
        let unit = [" ms", " s"]
            .iter()
            .find(|unit| after.starts_with(*unit))
            .map(|unit| unit.len())
            .or_else(|| minutes(after));
        let ends = |n: usize| !after[n..].starts_with(|c: char| c.is_alphanumeric());
        match unit {
            Some(n) if !word_before && ends(n) => {
                out.push_str(&rest[..at]);
                out.push_str("<time>");
                rest = &after[n..];
            }
            _ => {
                out.push_str(&rest[..number]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of `m05s` at the start of `text`.
fn minutes(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (bytes.len() >= 4
        && bytes[0] == b'm'
        && bytes[1].is_ascii_digit()
        && bytes[2].is_ascii_digit()
        && bytes[3] == b's')
        .then_some(4)
}

#[test]
fn durations_are_masked_and_other_numbers_kept() {
    assert_eq!(
        timeless("done     one (12 ms)\nrun a-1 done: 2 ran (1.25 s; 2m05s) at line 3 x1 s3 s"),
        "done     one (<time>)\nrun a-1 done: 2 ran (<time>; <time>) at line 3 x1 s3 s"
    );
}

fn finished(args: &[&str], code: Option<i32>, stdout: Vec<u8>, stderr: Vec<u8>) -> Ran {
    let ran = Ran {
        args: args.iter().map(|s| s.to_string()).collect(),
        // Killed by a signal: report it as the shell would.
        code: code.unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert!(
        !ran.stderr.contains("panicked"),
        "runbook panicked\n{}",
        ran.dump()
    );
    ran
}

pub struct Running {
    pub child: Child,
    stdout: BufReader<ChildStdout>,
    args: Vec<String>,
}

impl Running {
    /// Reads events until one of `kind` whose fields match `field = value`.
    pub fn wait_for(&mut self, kind: &str, field: &str, value: &str) -> Value {
        let event = self.next_event(kind, field, value);
        event.unwrap_or_else(|| {
            panic!(
                "runbook {:?} ended before a {kind} event for {value}",
                self.args
            )
        })
    }

    /// The next event of `kind` whose fields match `field = value`; `None` when the process
    /// ends first.
    pub fn next_event(&mut self, kind: &str, field: &str, value: &str) -> Option<Value> {
        let mut line = String::new();
        loop {
            line.clear();
            if self.stdout.read_line(&mut line).expect("read events") == 0 {
                return None;
            }
            let Ok(event) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            crate::protocol::check(&event);
            if event["event"] == kind && event[field].as_str() == Some(value) {
                return Some(event);
            }
        }
    }

    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL the runbook process");
        let _ = self.child.wait();
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    pub fn finish(mut self) -> Ran {
        let mut rest = Vec::new();
        self.stdout
            .read_to_end(&mut rest)
            .expect("read the remaining events");
        let output = self.child.wait_with_output().expect("wait for runbook");
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        finished(&args, output.status.code(), rest, output.stderr)
    }
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}
