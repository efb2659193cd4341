//! The team store: runs kept in the emulator's S3 (`--state-dir s3://bucket/prefix`), resumed,
//! watched and destroyed from other working directories, locked by conditional writes.

use serde_json::json;

use crate::emulator::{aws_test, aws_test_through_proxy, boto3, faults, proxy_log};
use crate::test::Test;

const URL: &str = "s3://team-runs/runbook";

fn bucket(versioned: bool) {
    boto3(&format!(
        "s3 = client('s3')\n\
         s3.create_bucket(Bucket='team-runs', \
             CreateBucketConfiguration={{'LocationConstraint': 'ap-northeast-1'}})\n\
         if {versioned}:\n    \
             s3.put_bucket_versioning(Bucket='team-runs', \
                 VersioningConfiguration={{'Status': 'Enabled'}})",
        versioned = if versioned { "True" } else { "False" },
    ));
}

/// Another operator: a working directory of their own, with the same AWS set-up.
fn elsewhere(t: &Test) -> Test {
    let mut other = Test::new();
    for (key, value) in t.vars() {
        if key != "XDG_STATE_HOME" {
            other = other.env(key, value);
        }
    }
    other
}

/// Three steps that count their runs in files of `dir`, wherever they are run from; step
/// two blocks on its first run only, so a test can kill the process inside it.
const THREE_STEPS: &str = r#"
let dir = param("dir");
let one = step "one" { append_file(dir + "/count-one", "x"); 1 };
let two = step "two" {
    append_file(dir + "/count-two", "x");
    if read_file(dir + "/count-two") == "x" { sleep(600); }
    one + 1
} undo { append_file(dir + "/undone", "2") };
step "three" { append_file(dir + "/count-three", "x"); two + 1 }
"#;

#[test]
fn a_run_killed_in_one_directory_is_resumed_and_destroyed_from_another() {
    let (_guard, t) = aws_test();
    bucket(true);
    let script = t.path("three.rhai");
    t.write("three.rhai", THREE_STEPS);
    let dir = t.dir.display().to_string();
    let param = format!("dir={dir}");
    let script_arg = script.display().to_string();
    let mut running = t.spawn(&["--state-dir", URL, "exec", &script_arg, "--param", &param]);
    running.wait_for("step_started", "step", "two");
    t.wait_for_file("count-two", "x");
    running.kill();

    let other = elsewhere(&t);
    // The killed process could not let the run go: its lock names it, and once its
    // heartbeat is old, says what to do.
    // Who started it shows wherever the run is listed: the caller's ARN, user and host.
    other
        .run(&["--state-dir", URL, "runs"])
        .status(0)
        .stdout_has("three-1")
        .stdout_has("arn:aws:sts::123456789012:user/moto (");
    let resumed = other.run_with_env(&["resume", "three-1"], &[("RUNBOOK_STATE_DIR", URL)]);
    resumed
        .status(4)
        .stderr_has("in use by another runbook process (`runbook exec`, pid ")
        .stderr_has(" as arn:aws:sts::123456789012:user/moto; heartbeat ")
        .stderr_has("; heartbeat ");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    other
        .run_with_env(
            &["--state-dir", URL, "resume", "three-1"],
            &[("RUNBOOK_LOCK_STALE_SECS", "0")],
        )
        .status(4)
        .stderr_has("its heartbeat stopped ")
        .stderr_has("`runbook unlock three-1` lets the run go");
    other
        .run(&["--state-dir", URL, "unlock", "three-1"])
        .status(2)
        .stderr_has("`runbook unlock three-1 --force`");
    other
        .run(&["--state-dir", URL, "unlock", "three-1", "--force"])
        .status(0)
        .stderr_has("run three-1 unlocked; it was held by `runbook exec`, pid ");
    other
        .run(&["--state-dir", URL, "unlock", "three-1"])
        .status(0)
        .stderr_has("run three-1 is not locked");

    other
        .run_with_env(&["resume", "three-1"], &[("RUNBOOK_STATE_DIR", URL)])
        .status(0)
        .stderr_has("replayed one")
        .stderr_has("done     three");
    assert_eq!(t.read("count-one"), "x", "step one must not run again");
    assert_eq!(t.read("count-two"), "xx");
    assert_eq!(t.read("count-three"), "x");
    let status = other.run(&["--state-dir", URL, "status", "three-1", "--json"]);
    status.status(0);
    let status: serde_json::Value = serde_json::from_str(&status.stdout).expect("JSON");
    assert_eq!(status["status"], "done");
    assert_eq!(status["steps"][2]["value"], 3);
    let unlocked = &status["unlocked"][0];
    assert!(unlocked["by"]
        .as_str()
        .is_some_and(|by| by.starts_with("`runbook unlock`, pid ")));
    assert!(unlocked["holder"]
        .as_str()
        .is_some_and(|h| h.starts_with("`runbook exec`, pid ")));

    elsewhere(&t)
        .run(&["--state-dir", URL, "destroy", "three-1", "--yes"])
        .status(0);
    assert_eq!(t.read("undone"), "2");
    assert!(
        !t.path(".runbook").exists(),
        "nothing is kept locally when the store is in S3"
    );
}

#[test]
fn two_processes_starting_or_resuming_one_run_never_both_hold_it() {
    let (_guard, t) = aws_test();
    bucket(true);
    t.write("once.rhai", "step \"once\" { 1 }\n");
    for round in 0..20u64 {
        let a = t.spawn(&["--state-dir", URL, "exec", "once.rhai"]);
        std::thread::sleep(std::time::Duration::from_millis(round * 7 % 40));
        let b = t.spawn(&["--state-dir", URL, "exec", "once.rhai"]);
        let ids: Vec<String> = [a.finish(), b.finish()]
            .iter()
            .map(|ran| {
                ran.status(0);
                ran.events()[0]["run"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert_ne!(ids[0], ids[1], "round {round}: two runs took one id");
    }

    // A run that fails until a file exists, resumed by two processes at once.
    t.write(
        "waits.rhai",
        "step \"slow\" { sleep(1); if !file_exists(\"go\") { throw \"not yet\" } }\n",
    );
    t.run(&["--state-dir", URL, "exec", "waits.rhai"]).status(1);
    for round in 0..20u64 {
        let a = t.spawn(&["--state-dir", URL, "resume", "waits-1"]);
        std::thread::sleep(std::time::Duration::from_millis(round * 23 % 300));
        let b = t.spawn(&["--state-dir", URL, "resume", "waits-1"]);
        let mut codes: Vec<i32> = [a.finish(), b.finish()]
            .iter()
            .map(|ran| ran.code)
            .collect();
        codes.sort();
        assert_eq!(
            codes,
            vec![1, 4],
            "round {round}: one resumes (and fails again), one is refused"
        );
    }
}

#[test]
fn a_bucket_without_versioning_is_refused_with_the_command_that_fixes_it() {
    let (_guard, t) = aws_test();
    bucket(false);
    t.run(&["--state-dir", URL, "runs"])
        .status(2)
        .stderr_has("does not keep versions")
        .stderr_has("put-bucket-versioning --bucket team-runs");
    t.run(&["--state-dir", "s3://no-such-bucket/x", "runs"])
        .status(2)
        .stderr_has("bucket no-such-bucket does not exist");
    // What reads no runs does not reach the store.
    t.write("once.rhai", "step \"once\" { 1 }\n");
    t.run(&["--state-dir", "s3://no-such-bucket/x", "check", "once.rhai"])
        .status(0);
}

/// The record objects of a run, as their names number them.
fn record_numbers(run: &str) -> Vec<u64> {
    let listed = boto3(&format!(
        "pages = client('s3').get_paginator('list_objects_v2').paginate(\
             Bucket='team-runs', Prefix='runbook/runs/{run}/records/')\n\
         print(json.dumps([o['Key'].rsplit('/', 1)[1] for p in pages for o in p.get('Contents', [])]))"
    ));
    let names: Vec<String> = serde_json::from_str(listed.trim()).expect("a JSON list");
    names.iter().map(|n| n.parse().expect("a number")).collect()
}

const EIGHT_STEPS: &str = r#"
let total = 0;
for n in 1..=8 { total = step `step ${n}` { total + n }; }
"#;

#[test]
fn faults_during_appends_never_lose_or_double_a_record_and_the_run_goes_on() {
    let (_guard, t) = aws_test_through_proxy();
    bucket(true);
    t.write("eight.rhai", EIGHT_STEPS);
    // Writes that land but whose answer is lost (twice in a row, then once more), refusals
    // the SDK retries, and one that hangs past the read timeout.
    let put = |fault: serde_json::Value, after: u64, times: u64| {
        let mut rule = json!({"service": "s3", "operation": "PutObject", "after": after,
                              "times": times});
        if let (Some(rule), Some(fault)) = (rule.as_object_mut(), fault.as_object()) {
            rule.extend(fault.clone());
        }
        rule
    };
    faults(json!([
        put(json!({"fault": "reset_after"}), 4, 2),
        put(json!({"fault": "error", "status": 503}), 9, 2),
        put(json!({"fault": "timeout", "delay": 5}), 14, 1),
        put(json!({"fault": "reset_after"}), 20, 1),
    ]));
    t.run(&["--state-dir", URL, "exec", "eight.rhai"]).status(0);
    let fired: Vec<String> = proxy_log()
        .iter()
        .filter_map(|entry| entry["fault"].as_str().map(String::from))
        .collect();
    for fault in ["reset_after", "error", "timeout"] {
        assert!(
            fired.iter().any(|f| f == fault),
            "no {fault} fired: {fired:?}"
        );
    }
    let numbers = record_numbers("eight-1");
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());
    let status = t.run(&["--state-dir", URL, "status", "eight-1", "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status.stdout).expect("JSON");
    assert_eq!(status["status"], "done");
    assert_eq!(status["steps"][7]["value"], 36);

    // Writes refused past every retry stop the run; once S3 answers again, it resumes.
    faults(json!([
        {"service": "s3", "operation": "PutObject", "fault": "error", "status": 500, "after": 8},
    ]));
    t.run(&[
        "--state-dir",
        URL,
        "--max-attempts",
        "2",
        "exec",
        "eight.rhai",
    ])
    .status(4)
    .stderr_has("cannot write s3://team-runs/runbook/runs/eight-2");
    faults(json!([]));
    t.run(&["--state-dir", URL, "resume", "eight-2"])
        .status(0)
        .stderr_has("replayed step 1");
    let numbers = record_numbers("eight-2");
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());
    let status = t.run(&["--state-dir", URL, "status", "eight-2", "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status.stdout).expect("JSON");
    assert_eq!(status["steps"][7]["value"], 36);
}

#[test]
fn with_a_kms_key_everything_the_store_writes_is_encrypted_with_it() {
    let (_guard, t) = aws_test();
    bucket(true);
    t.write("once.rhai", "step \"once\" { 1 }\n");
    let key = "arn:aws:kms:ap-northeast-1:123456789012:key/runbook-state";
    t.run(&[
        "--state-dir",
        URL,
        "--state-kms-key",
        key,
        "exec",
        "once.rhai",
    ])
    .status(0);
    let seen = boto3(
        "s3 = client('s3')\n\
         keys = [o['Key'] for o in s3.list_objects_v2(Bucket='team-runs')['Contents']]\n\
         print(json.dumps(sorted({(s3.head_object(Bucket='team-runs', Key=k).get('ServerSideEncryption'), \
             s3.head_object(Bucket='team-runs', Key=k).get('SSEKMSKeyId')) for k in keys})))",
    );
    let seen: serde_json::Value = serde_json::from_str(seen.trim()).expect("JSON");
    assert_eq!(seen, json!([["aws:kms", key]]));
    t.run(&["--state-kms-key", key, "runs"])
        .status(2)
        .stderr_has("--state-kms-key encrypts an S3 store");
}
