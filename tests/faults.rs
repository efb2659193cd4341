//! Real AWS's misbehaviour, through the rig's fault proxy: IAM changes that other services do
//! not see yet, throttling, 5xx answers and reset connections. setup.rhai and destroy must
//! finish through all of them, and stop at once on an error that retrying cannot mend.

use serde_json::{json, Value};

use crate::emulator::{account, aws_test_through_proxy, boto3, faults, proxy_log};
use crate::seed::{check, network, project};
use crate::test::{Ran, Test};

/// The answers real accounts give while a role made a moment ago is not visible yet, each
/// for the first two requests that name a role created in the last two minutes.
fn propagation_rules() -> Value {
    let rule = |service: &str, operation: &str, code: &str, message: &str, mentioned: bool| {
        json!({ "service": service, "operation": operation, "fault": "error", "status": 400,
                "code": code, "message": message, "propagation": 120, "mentioned": mentioned,
                "times": 2 })
    };
    json!([
        rule("ecr", "SetRepositoryPolicy", "InvalidParameterException",
             "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Principal not found'", true),
        rule("codebuild", "CreateProject", "InvalidInputException",
             "CodeBuild is not authorized to perform: sts:AssumeRole on arn:aws:iam::123456789012:role/service-role/codebuild-example_2022_1126-service-role", true),
        rule("codepipeline", "CreatePipeline", "InvalidStructureException",
             "CodePipeline is not authorized to perform AssumeRole on role arn:aws:iam::123456789012:role/service-role/AWSCodePipelineServiceRole-ap-northeast-1-example_2022_1126", true),
        rule("events", "PutTargets", "ValidationException",
             "Role arn:aws:iam::123456789012:role/service-role/cwe-role cannot be assumed by principal events.amazonaws.com", true),
        rule("ecs", "RegisterTaskDefinition", "ClientException", "Role is not valid", true),
        rule("ecs", "CreateService", "InvalidParameterException",
             "Unable to assume the service linked role. Please verify that the ECS service linked role exists.", false),
    ])
}

/// What one operation's requests met at the proxy: the faults injected, in order.
fn faults_of(log: &[Value], service: &str, operation: &str) -> Vec<String> {
    log.iter()
        .filter(|r| r["service"] == service && r["operation"] == operation)
        .map(|r| r["fault"].as_str().unwrap_or("none").to_string())
        .collect()
}

fn setup_json(t: &Test, network: &[String]) -> Ran {
    let mut args = vec!["--json", "exec", "setup.rhai"];
    args.extend(network.iter().map(String::as_str));
    t.run(&args)
}

#[test]
fn setup_goes_through_iam_propagation_delays_on_every_role_dependent_call() {
    let (_guard, t) = aws_test_through_proxy();
    project(&t);
    let network = network();
    faults(propagation_rules());

    let ran = setup_json(&t, &network);
    ran.status(0);
    let retried: Vec<(String, String)> = ran
        .events()
        .iter()
        .filter(|e| e["event"] == "aws_retry")
        .map(|e| {
            assert_eq!(e["reason"], "propagation", "{e}");
            (
                e["service"].as_str().unwrap_or("").to_string(),
                e["operation"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let log = proxy_log();
    for (service, operation) in [
        ("ecr", "SetRepositoryPolicy"),
        ("codebuild", "CreateProject"),
        ("codepipeline", "CreatePipeline"),
        ("events", "PutTargets"),
        ("ecs", "RegisterTaskDefinition"),
        ("ecs", "CreateService"),
    ] {
        // Refused twice, retried by runbook twice, then through: one call in the end.
        assert_eq!(
            faults_of(&log, service, operation),
            ["error", "error", "none"],
            "{service} {operation}"
        );
        let retries = retried
            .iter()
            .filter(|(s, o)| s == service && o == operation)
            .count();
        assert_eq!(retries, 2, "{service} {operation}: {retried:?}");
    }
    check(&network, "v0.95");
    let shape: Value = serde_json::from_str(account("shape").trim()).expect("shape");
    assert_eq!(shape["revisions"], 1, "{shape}");
    assert_eq!(shape["commits on master"], 1, "{shape}");
    assert_eq!(shape["services"], 1, "{shape}");
}

#[test]
fn a_validation_error_stops_at_once_and_resume_finishes_once_it_is_gone() {
    let (_guard, t) = aws_test_through_proxy();
    project(&t);
    let network = network();
    // Same code as the propagation answer, but a malformed policy: not retried.
    faults(
        json!([{ "service": "ecr", "operation": "SetRepositoryPolicy", "fault": "error",
                    "code": "InvalidParameterException",
                    "message": "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'" }]),
    );
    let mut args = vec!["exec", "setup.rhai"];
    args.extend(network.iter().map(String::as_str));
    let failed = t.run(&args);
    failed
        .status(1)
        .stderr_has(
            "ecr SetRepositoryPolicy: InvalidParameterException: Invalid parameter at \
             'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'",
        )
        .stderr_has("= step: ecr repository");
    assert!(!failed.stderr.contains("retry"), "{}", failed.stderr);
    assert_eq!(
        faults_of(&proxy_log(), "ecr", "SetRepositoryPolicy"),
        ["error"],
        "sent once"
    );

    faults(json!([]));
    t.run(&["resume", "setup-1"]).status(0);
    check(&network, "v0.95");
}

/// Throttling (as each protocol spells it) on one request in ten, 5xx answers on one in
/// twenty, and one connection in thirty reset before the request reached the service.
fn weather() -> Value {
    let throttle = |service: &str, status: u16, code: &str| {
        json!({ "service": service, "fault": "error", "status": status, "code": code,
                "message": "Rate exceeded", "probability": 0.1 })
    };
    let mut rules = vec![
        throttle("iam", 400, "Throttling"),
        throttle("sts", 400, "Throttling"),
        throttle("s3", 503, "SlowDown"),
    ];
    for service in [
        "codebuild",
        "codecommit",
        "codepipeline",
        "ecr",
        "ecs",
        "events",
        "logs",
    ] {
        rules.push(throttle(service, 400, "ThrottlingException"));
    }
    rules.push(json!({ "fault": "error", "status": 503, "probability": 0.03 }));
    rules.push(json!({ "fault": "error", "status": 500, "probability": 0.02 }));
    rules.push(json!({ "fault": "reset", "probability": 0.03 }));
    Value::Array(rules)
}

#[test]
fn setup_and_destroy_finish_under_throttling_server_errors_and_resets() {
    let (_guard, t) = aws_test_through_proxy();
    project(&t);
    let network = network();
    faults(weather());

    setup_json(&t, &network).status(0);
    let log = proxy_log();
    let injected = |fault: &str| log.iter().filter(|r| r["fault"] == fault).count();
    assert!(injected("error") > 0 && injected("reset") > 0, "{log:?}");
    check(&network, "v0.95");
    let shape: Value = serde_json::from_str(account("shape").trim()).expect("shape");
    assert_eq!(shape["revisions"], 1, "{shape}");
    assert_eq!(shape["commits on master"], 1, "{shape}");

    t.run(&["destroy", "setup-1"]).status(0);
    assert_eq!(account("left").trim(), "{}");
}

#[test]
fn a_destroy_that_hit_an_error_undoes_the_rest_and_a_second_destroy_finishes() {
    let (_guard, t) = aws_test_through_proxy();
    project(&t);
    let network = network();
    setup_json(&t, &network).status(0);

    // The first role destroy deletes (the pipeline service role, whose undo deletes the role,
    // then its policy) cannot go yet: everything else still does.
    faults(
        json!([{ "service": "iam", "operation": "DeleteRole", "fault": "error",
                    "status": 409, "code": "DeleteConflict",
                    "message": "Cannot delete entity, must detach all policies first.",
                    "times": 1 }]),
    );
    let first = t.run(&["destroy", "setup-1"]);
    first
        .status(1)
        .stderr_has("failed   undo of ")
        .stderr_has("iam DeleteRole: DeleteConflict: Cannot delete entity")
        .stderr_has("1 undo action failed; the rest of the run is undone");
    let left: Value = serde_json::from_str(account("left").trim()).expect("left");
    assert_eq!(
        left.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["policies".to_string(), "roles".to_string()]),
        "only that role and its policy are left: {left}"
    );
    assert_eq!(left["roles"].as_array().map(Vec::len), Some(1), "{left}");
    assert_eq!(left["policies"].as_array().map(Vec::len), Some(1), "{left}");

    let second = t.run(&["destroy", "setup-1"]);
    second.status(0).stderr_has("(already)");
    assert_eq!(account("left").trim(), "{}");
    t.run(&["status", "setup-1"])
        .status(0)
        .stdout_has("run setup-1: destroyed");
}

/// PutTargets can succeed and still report a target it did not put (a role EventBridge
/// cannot assume yet): that answer is an error, the propagation rule retries it, and the
/// rule ends with its target.
#[test]
fn a_target_put_only_in_part_is_an_error_and_retried_while_its_role_propagates() {
    let (_guard, t) = aws_test_through_proxy();
    t.write(
        "rule.rhai",
        "import \"aws\" as aws;\n\
         let role = step \"role\" { aws::ensure_role(\"cwe-role\", \"/service-role/\",\n\
             aws::trust_policy(\"events.amazonaws.com\"), #{}, []) };\n\
         step \"rule\" { aws::ensure_event_rule(\"r\", #{ source: [\"aws.codecommit\"] },\n\
             [#{ Id: \"t\", Arn: \"arn:aws:codepipeline:ap-northeast-1:123456789012:p\",\n\
                 RoleArn: role.Arn }]) }\n",
    );
    let failed_entry = json!({ "FailedEntryCount": 1, "FailedEntries": [{ "TargetId": "t",
        "ErrorCode": "ValidationException",
        "ErrorMessage": "Role arn:aws:iam::123456789012:role/service-role/cwe-role cannot be assumed by principal events.amazonaws.com" }] });
    faults(
        json!([{ "service": "events", "operation": "PutTargets", "fault": "answer",
                    "members": failed_entry, "times": 1 }]),
    );
    let ran = t.run(&["exec", "rule.rhai"]);
    ran.status(0).stderr_has("retry    events PutTargets in ");
    assert_eq!(
        faults_of(&proxy_log(), "events", "PutTargets"),
        ["answer", "none"]
    );
    let targets = boto3("print(len(client('events').list_targets_by_rule(Rule='r')['Targets']))");
    assert_eq!(targets.trim(), "1");

    // Not a propagation answer: the run stops with the entry's error, naming the target.
    faults(
        json!([{ "service": "events", "operation": "PutTargets", "fault": "answer",
                    "members": { "FailedEntryCount": 1, "FailedEntries": [{ "TargetId": "t",
                        "ErrorCode": "LimitExceededException", "ErrorMessage": "too many" }] } }]),
    );
    t.write(
        "other.rhai",
        "step \"targets\" { events::put_targets(#{ Rule: \"r\", Targets: [#{ Id: \"u\",\n\
             Arn: \"arn:aws:codepipeline:ap-northeast-1:123456789012:p\" }] }) }\n",
    );
    t.run(&["exec", "other.rhai"]).status(1).stderr_has(
        "error: events PutTargets: LimitExceededException: target t: too many (1 of the entries failed)",
    );
}

#[test]
fn very_verbose_shows_every_attempt_of_every_aws_call_and_why_retrying_stopped() {
    let (_guard, t) = aws_test_through_proxy();
    faults(
        json!([{ "service": "sts", "operation": "GetCallerIdentity", "fault": "error",
                    "status": 503, "code": "ServiceUnavailable", "times": 1 }]),
    );
    t.write(
        "calls.rhai",
        "print(sts::get_caller_identity(#{}).Account);\n\
         try { logs::describe_log_streams(#{ logGroupName: \"nope\" }) } catch {}\n\
         iam::get_role(#{ RoleName: \"no-such-role\" });\n",
    );
    let ran = t.run(&["-vv", "exec", "calls.rhai"]);
    ran.status(1).stdout_is("123456789012\n");
    let aws: Vec<String> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("  aws "))
        .map(|l| {
            crate::test::timeless(l)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        aws,
        [
            "aws sts GetCallerIdentity attempt 1 of 6: HTTP 503 in <time>",
            "aws sts GetCallerIdentity attempt 2 of 6: retrying after a pause of <time>",
            "aws sts GetCallerIdentity attempt 2 of 6: HTTP 200 in <time>",
            "aws logs DescribeLogStreams attempt 1 of 6: HTTP 400 ResourceNotFoundException in <time>",
            "aws logs DescribeLogStreams failed after 1 attempt: not retried (an error that is \
             not transient, or the retry quota is spent)",
            "aws iam GetRole attempt 1 of 6: HTTP 404 in <time>",
            "aws iam GetRole failed after 1 attempt: not retried (an error that is not \
             transient, or the retry quota is spent)",
        ],
        "{}",
        ran.stderr
    );
    // One -v is the step-level detail only.
    let ran = t.run(&["-v", "exec", "calls.rhai"]);
    assert!(!ran.stderr.contains("  aws "), "{}", ran.stderr);
}
