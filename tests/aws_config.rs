//! AWS configuration as AWS users have it: one region for the script and the clients,
//! pinned with the run; credentials and retry settings checked before anything is recorded.

use crate::emulator::aws_test;
use crate::test::Test;

const REGION_SCRIPT: &str = "let region = param(\"region\", aws_region());\n\
    step \"where\" { #{ param: region, clients: aws_region(),\n\
        account: sts::get_caller_identity().Account } }\n\
    step \"then\" { if file_exists(\"stop\") { fail(\"stopped\") } aws_region() }\n";

/// The value of step `position` of `run`, from `status --json`.
fn value(t: &Test, run: &str, position: usize) -> serde_json::Value {
    let status = t.run(&["status", run, "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status.stdout).expect("status --json");
    status["steps"][position]["value"].clone()
}

#[test]
fn the_region_param_and_the_clients_region_are_one_value_pinned_with_the_run() {
    let (_guard, t) = aws_test();
    t.write("where.rhai", REGION_SCRIPT);
    t.write("stop", "");
    // Not given: the chain's region (AWS_REGION here), recorded with the run.
    t.run(&["exec", "where.rhai"]).status(1);
    t.run(&["status", "where-1"])
        .status(0)
        .stdout_has("params:  region=\"ap-northeast-1\"");
    let first = serde_json::json!({ "account": "123456789012", "clients": "ap-northeast-1",
                                    "param": "ap-northeast-1" });
    assert_eq!(value(&t, "where-1", 0), first);
    // A resume in a shell set to another region still works in the run's region.
    std::fs::remove_file(t.path("stop")).expect("remove stop");
    t.run_with_env(&["resume", "where-1"], &[("AWS_REGION", "eu-west-1")])
        .status(0);
    assert_eq!(value(&t, "where-1", 1), "ap-northeast-1");

    // Given: the clients are built for it; a --region that says otherwise is refused.
    t.run(&["exec", "where.rhai", "--param", "region=us-east-1"])
        .status(0);
    assert_eq!(value(&t, "where-2", 0)["clients"], "us-east-1");
    assert_eq!(value(&t, "where-2", 0)["param"], "us-east-1");
    t.run(&[
        "--region",
        "eu-west-1",
        "exec",
        "where.rhai",
        "--param",
        "region=us-east-1",
    ])
    .status(2)
    .stderr_is(
        "error: --region eu-west-1 and param region=us-east-1 disagree: the run's region \
             is one value (give one of them)\n",
    );
}

#[test]
fn no_region_and_no_credentials_are_usage_errors_before_any_run_is_recorded() {
    let t = Test::new()
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    t.write("where.rhai", REGION_SCRIPT);
    t.run(&["exec", "where.rhai"]).status(2).stderr_is(
        "error: no AWS region is set: give --region REGION (or --param region=REGION), set \
         AWS_REGION, or put `region = ...` in your AWS profile (`aws configure`)\n",
    );
    let no_keys = t.run(&["--region", "ap-northeast-1", "exec", "where.rhai"]);
    no_keys
        .status(2)
        .stderr_has("error: no AWS credentials (")
        .stderr_has("run `aws configure`, set AWS_PROFILE, or for the local emulator");
    t.run(&["runs"]).status(0).stdout_has("no runs in ");
    // A script without AWS needs neither.
    t.write("hello.rhai", "step \"hi\" { 1 }\n");
    t.run(&["exec", "hello.rhai"]).status(0);
}

#[test]
fn malformed_retry_settings_are_usage_errors() {
    let t = Test::new().env("AWS_MAX_ATTEMPTS", "lots");
    t.write("hello.rhai", "step \"hi\" { 1 }\n");
    t.run(&["exec", "hello.rhai"])
        .status(2)
        .stderr_is("error: AWS_MAX_ATTEMPTS=\"lots\" is not a number of attempts (1 or more)\n");
    let t = Test::new().env("AWS_RETRY_MODE", "eager");
    t.write("hello.rhai", "step \"hi\" { 1 }\n");
    t.run(&["exec", "hello.rhai"])
        .status(2)
        .stderr_is("error: AWS_RETRY_MODE=\"eager\" is not a retry mode (standard or adaptive)\n");
    let t = Test::new().env("AWS_RETRY_MODE", "adaptive");
    t.write("hello.rhai", "step \"hi\" { 1 }\n");
    t.run(&["--max-attempts", "4", "exec", "hello.rhai"])
        .status(0);
}
