//! Each service against the emulator, through Rhai scripts run by the real binary: create,
//! describe, the duplicate-create error caught in Rhai, delete.

use serde_json::Value;

use crate::emulator::{aws_test, reset_emulator};
use crate::test::Test;

#[test]
fn sts_tells_the_account() {
    let (_guard, t) = aws_test();
    let value = t.value_of("step \"who\" { sts::get_caller_identity() }\n", &[]);
    assert_eq!(value["Account"], "123456789012");
    assert!(value["Arn"].as_str().unwrap().starts_with("arn:aws:"));
}

/// A run registers only the AWS functions its script can call: those it names, those the
/// modules it imports name, and every one when text passed to `eval` may name any.
#[test]
fn every_function_a_script_can_reach_is_there() {
    let (_guard, t) = aws_test();
    t.write(
        "lib.rhai",
        "fn repositories() { ecr::describe_repositories().repositories.len() }\n",
    );
    let value = t.value_of(
        r#"
import "lib" as lib;
step "reach" {
    #{ named: sts::get_caller_identity().Account, imported: lib::repositories(),
       evaluated: eval("iam::list_roles().Roles.len()") }
}
"#,
        &[],
    );
    assert_eq!(value["named"], "123456789012", "{value}");
    assert!(value["imported"].is_i64(), "{value}");
    assert!(value["evaluated"].is_i64(), "{value}");
}

#[test]
fn ecr_create_describe_duplicate_delete() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "ecr" {
    let made = ecr::create_repository(#{ repositoryName: "example_2022_1126",
                                         imageTagMutability: "MUTABLE" });
    let found = ecr::describe_repositories(#{ repositoryNames: ["example_2022_1126"] });
    let duplicate = "";
    try { ecr::create_repository(#{ repositoryName: "example_2022_1126" }); }
    catch (e) { duplicate = e.code; }
    ecr::delete_repository(#{ repositoryName: "example_2022_1126" });
    let after = ecr::describe_repositories();
    #{ uri: made.repository.repositoryUri, found: found.repositories.len(),
       name: found.repositories[0].repositoryName, created: made.repository.createdAt,
       duplicate: duplicate, after: after.repositories.len() }
}
"#,
        &[],
    );
    assert_eq!(value["found"], 1);
    assert_eq!(value["name"], "example_2022_1126");
    assert_eq!(value["duplicate"], "RepositoryAlreadyExistsException");
    assert_eq!(value["after"], 0);
    assert!(value["uri"]
        .as_str()
        .unwrap()
        .ends_with("/example_2022_1126"));
    assert!(
        value["created"].as_str().unwrap().ends_with('Z'),
        "timestamps are RFC 3339"
    );
}

#[test]
fn logs_create_describe_duplicate_delete() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "logs" {
    logs::create_log_group(#{ logGroupName: "/ecs/example" });
    logs::put_retention_policy(#{ logGroupName: "/ecs/example", retentionInDays: 7 });
    let found = logs::describe_log_groups(#{ logGroupNamePrefix: "/ecs/" });
    let duplicate = "";
    try { logs::create_log_group(#{ logGroupName: "/ecs/example" }); } catch (e) { duplicate = e.code; }
    logs::delete_log_group(#{ logGroupName: "/ecs/example" });
    #{ found: found.logGroups, duplicate: duplicate,
       after: logs::describe_log_groups().logGroups.len() }
}
"#, &[]);
    assert_eq!(value["found"][0]["logGroupName"], "/ecs/example");
    assert_eq!(value["found"][0]["retentionInDays"], 7);
    assert_eq!(value["duplicate"], "ResourceAlreadyExistsException");
    assert_eq!(value["after"], 0);
}

#[test]
fn an_uncaught_aws_error_names_the_call_the_code_the_line_and_the_step() {
    let (_guard, t) = aws_test();
    t.write(
        "dup.rhai",
        "step \"one\" { ecr::create_repository(#{ repositoryName: \"r\" }) }\n\
         step \"two\" {\n    ecr::create_repository(#{ repositoryName: \"r\" })\n}\n",
    );
    t.run(&["exec", "dup.rhai"])
        .status(1)
        .stderr_has("error: ecr CreateRepository: RepositoryAlreadyExistsException: ")
        .stderr_has(" --> dup.rhai:3:10\n")
        .stderr_has("= step: two\n");
}

#[test]
fn a_mutating_call_outside_a_step_is_refused_and_reads_are_allowed() {
    let (_guard, t) = aws_test();
    t.write(
        "outside.rhai",
        "let account = sts::get_caller_identity().Account;\n\
         ecr::create_repository(#{ repositoryName: account });\n",
    );
    t.run(&["-q", "exec", "outside.rhai"]).status(1).stderr_is(
        "error: ecr::create_repository changes the world, so it must run inside a step: code \
         outside steps runs again on every resume\n --> outside.rhai:2:6\n  |\n\
         2 | ecr::create_repository(#{ repositoryName: account });\n  |      ^\n  \
         = note: fix the cause, then `runbook resume outside-1` goes on from this step\n",
    );
}

#[test]
fn a_wrong_member_or_type_is_named_before_anything_is_sent() {
    // Given by a variable, an input is checked when the call is made; written out in the
    // call, before the run (bad_input.rs).
    let (_guard, t) = aws_test();
    t.write(
        "typo.rhai",
        "let input = #{ repositoryNam: \"r\" };\nstep \"typo\" { ecr::create_repository(input) }\n",
    );
    t.run(&["exec", "typo.rhai"]).status(1).stderr_has(
        "error: ecr CreateRepository: ParamValidation: repositoryNam: unknown member (did you \
         mean \"repositoryName\"?)",
    );
    t.write(
        "missing.rhai",
        "let input = #{ tags: [] };\nstep \"missing\" { ecr::create_repository(input) }\n",
    );
    t.run(&["exec", "missing.rhai"]).status(1).stderr_has(
        "error: ecr CreateRepository: ParamValidation: repositoryName: required member is missing",
    );
    t.write(
        "typed.rhai",
        "let input = #{ repositoryName: 7 };\nstep \"typed\" { ecr::create_repository(input) }\n",
    );
    t.run(&["exec", "typed.rhai"]).status(1).stderr_has(
        "error: ecr CreateRepository: ParamValidation: repositoryName: expected a string, got a number",
    );
    let value = t.value_of(
        "step \"none\" { ecr::describe_repositories().repositories.len() }\n",
        &[],
    );
    assert_eq!(value, 0, "nothing was created");
}

#[test]
fn lists_return_every_page() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "many" {
    // moto pages CloudWatch Logs (not ECR repositories): 120 groups, 50 a page.
    for i in 0..120 { logs::create_log_group(#{ logGroupName: `/ecs/group-${i}` }); }
    let all = logs::describe_log_groups(#{ limit: 50 });
    let first = logs::describe_log_groups(#{ limit: 50 }, #{ all_pages: false });
    let two = logs::describe_log_groups(#{ limit: 50 }, #{ max_pages: 2 });
    let names = all.logGroups.map(|g| g.logGroupName);
    names.sort();
    names.dedup();
    #{ all: all.logGroups.len(), distinct: names.len(), all_token: "nextToken" in all,
       first: first.logGroups.len(), first_token: "nextToken" in first,
       two: two.logGroups.len() }
}
"#,
        &[],
    );
    assert_eq!(value["all"], 120);
    assert_eq!(value["distinct"], 120);
    assert_eq!(value["all_token"], false);
    assert_eq!(value["first"], 50);
    assert_eq!(value["first_token"], true);
    assert_eq!(value["two"], 100);
}

#[test]
fn ctrl_c_cancels_the_call_in_flight_and_records_the_step_as_interrupted() {
    // An endpoint that accepts connections and never answers: the call hangs until cancelled.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let url = format!("http://{}", silent.local_addr().unwrap());
    let t = Test::new()
        .env("AWS_ENDPOINT_URL", &url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "ap-northeast-1")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    t.write(
        "hang.rhai",
        "step \"create\" { ecr::create_repository(#{ repositoryName: \"r\" }) }\n",
    );
    let mut running = t.spawn(&["exec", "hang.rhai"]);
    running.wait_for("step_started", "step", "create");
    let (_connection, _) = silent.accept().expect("the call connects");
    running.signal("INT");
    running
        .finish()
        .status(130)
        .stderr_has("interrupted during step \"create\"");
    t.run(&["status", "hang-1"])
        .status(0)
        .stdout_has("interrupted  create");
}

#[test]
fn verbose_logs_show_calls_but_never_the_secret_key() {
    let (_guard, t) = aws_test();
    t.write("who.rhai", "step \"who\" { sts::get_caller_identity() }\n");
    let ran = t.run(&["-v", "exec", "who.rhai"]);
    ran.status(0).stderr_has("aws sts GetCallerIdentity: ok (");
    assert!(
        !ran.stderr.contains("testing-secret-key") && !ran.stdout.contains("testing-secret-key")
    );
}

#[test]
fn every_binding_example_runs_against_the_emulator() {
    let (_guard, t) = aws_test();
    for (name, example) in runbook::aws::examples::EXAMPLES {
        reset_emulator();
        let _ = std::fs::remove_dir_all(t.path(".runbook"));
        t.write(
            "example.rhai",
            &format!("step \"example\" {{\n{example}\n}}\n"),
        );
        let ran = t.run(&["exec", "example.rhai"]);
        assert_eq!(ran.code, 0, "the example of {name} failed:\n{}", ran.stderr);
    }
}

#[test]
fn functions_lists_every_service_with_signatures_docs_and_examples() {
    let t = Test::new();
    let ran = t.run(&["functions", "ecr"]);
    ran.status(0).stdout_has(
        "ecr::create_repository(#{ registryId, repositoryName*, tags, imageTagMutability, \
         imageTagMutabilityExclusionFilters, imageScanningConfiguration, encryptionConfiguration \
         })\n    Creates a repository.\n",
    );
    let all = t.run(&["--json", "functions"]);
    let all: Value = serde_json::from_str(&all.stdout).unwrap();
    for service in runbook::aws::services::SERVICES {
        assert!(
            all.as_array()
                .unwrap()
                .iter()
                .any(|b| b["service"] == service),
            "{service}"
        );
    }
    let run_task = all
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["function"] == "run_task")
        .expect("ecs::run_task is listed");
    assert_eq!(run_task["idempotency_token"], "clientToken");
    t.run(&["functions", "ecs"])
        .status(0)
        .stdout_has("\n    clientToken: idempotency token, filled from the step when left out\n");
    t.run(&["functions", "codebuild"])
        .status(0)
        .stdout_has("codebuild::wait_build_succeeded(#{ ids* }[, #{ timeout }])\n    Polls BatchGetBuilds until BuildSucceeded (written in the models' format: the model has no waiters)");
    t.run(&["functions", "codebiuld"])
        .status(2)
        .stderr_has("no service \"codebiuld\" (did you mean \"codebuild\"?)");
}

/// The default build binds only the core operations (scripts/gen_aws.py): every AWS function
/// the stdlib and the runbooks of this repository can reach, as `check` tells them, is one.
#[test]
fn the_core_operations_cover_the_stdlib_and_the_runbooks() {
    let t = Test::new();
    let functions: Value = serde_json::from_str(&t.run(&["--json", "functions"]).stdout).unwrap();
    let core: std::collections::HashSet<String> = functions
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["core"] == true)
        .map(|b| {
            format!(
                "{}::{}",
                b["service"].as_str().unwrap(),
                b["function"].as_str().unwrap()
            )
        })
        .collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    for dir in ["stdlib", "runbooks"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rhai") {
                continue;
            }
            let ran = t.run(&["--json", "check", path.to_str().unwrap()]);
            assert_eq!(ran.code, 0, "{}: {}", path.display(), ran.stderr);
            let report: Value = serde_json::from_str(&ran.stdout).unwrap();
            let reached = report["aws"].as_object().unwrap_or_else(|| {
                panic!(
                    "{}: which functions it calls cannot be told",
                    path.display()
                )
            });
            for (service, functions) in reached {
                for function in functions.as_array().unwrap() {
                    let function = function.as_str().unwrap();
                    // A waiter: gen-aws makes every waiter's polled operation a core one.
                    if function.starts_with("wait_") {
                        continue;
                    }
                    let name = format!("{service}::{function}");
                    assert!(
                        core.contains(&name),
                        "{}: {name} is not core",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 60, "only {checked} calls were found");
}

/// The checked-in bindings are what scripts/gen-aws makes of the pinned botocore models and
/// the locked SDK crates.
#[test]
fn the_generated_bindings_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::process::Command::new(root.join("scripts/gen-aws"))
        .arg("--check")
        .current_dir(&root)
        .output()
        .expect("scripts/gen-aws runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Operations no hand-written table had, one or more per generated service, against the
/// emulator.
#[test]
fn operations_from_the_models_run_against_the_emulator() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "sample" {
    iam::create_role(#{ RoleName: "sample", AssumeRolePolicyDocument: #{
        Version: "2012-10-17", Statement: [#{ Effect: "Allow", Action: "sts:AssumeRole",
        Principal: #{ Service: "ecs.amazonaws.com" } }] } });
    iam::attach_role_policy(#{ RoleName: "sample",
        PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" });
    let attached = iam::list_attached_role_policies(#{ RoleName: "sample" }).AttachedPolicies;
    iam::detach_role_policy(#{ RoleName: "sample", PolicyArn: attached[0].PolicyArn });
    iam::delete_role(#{ RoleName: "sample" });
    ecr::create_repository(#{ repositoryName: "sample" });
    let tokens = ecr::get_authorization_token().authorizationData.len();
    ecr::delete_repository(#{ repositoryName: "sample" });
    let vpcs = ec2::describe_vpcs().Vpcs.len();
    let zones = ec2::describe_availability_zones().AvailabilityZones.len();
    logs::create_log_group(#{ logGroupName: "/sample" });
    logs::create_log_stream(#{ logGroupName: "/sample", logStreamName: "s" });
    let streams = logs::describe_log_streams(#{ logGroupName: "/sample" }).logStreams;
    logs::delete_log_group(#{ logGroupName: "/sample" });
    let buses = events::list_event_buses().EventBuses.map(|b| b.Name);
    let secrets = secretsmanager::list_secrets().SecretList.len();
    s3::create_bucket(#{ Bucket: "sample-tags",
        CreateBucketConfiguration: #{ LocationConstraint: "ap-northeast-1" } });
    s3::put_bucket_tagging(#{ Bucket: "sample-tags",
        Tagging: #{ TagSet: [#{ Key: "team", Value: "ops" }] } });
    let tags = s3::get_bucket_tagging(#{ Bucket: "sample-tags" }).TagSet;
    s3::delete_bucket(#{ Bucket: "sample-tags" });
    let account = sts::get_access_key_info(#{ AccessKeyId: "AKIAIOSFODNN7EXAMPLE" }).Account;
    #{ attached: attached.map(|p| p.PolicyName), tokens: tokens, vpcs: vpcs > 0,
       zones: zones > 0, streams: streams.map(|s| s.logStreamName), buses: buses,
       secrets: secrets, tags: tags, account_given: account != () }
}
"#,
        &[],
    );
    assert_eq!(
        value,
        serde_json::json!({
            "attached": ["AmazonECSTaskExecutionRolePolicy"],
            "tokens": 1,
            "vpcs": true, "zones": true, "streams": ["s"], "buses": ["default"], "secrets": 0,
            "tags": [{ "Key": "team", "Value": "ops" }], "account_given": true,
        })
    );
}

/// A member the model marks as an idempotency token, left out by the script, is filled from
/// the run, the step and the call's place in it: a step's second attempt sends what its
/// first sent (AWS then does the request once), another call or another run sends another.
#[test]
fn model_marked_idempotency_tokens_repeat_on_every_attempt_of_a_step() {
    let (_guard, t) = aws_test();
    crate::emulator::boto3(
        "client('secretsmanager').create_secret(Name='tokens', SecretString='first')",
    );
    t.write(
        "tokens.rhai",
        r#"
step "put", #{ retries: 1, backoff: 0 } {
    let put = |value| secretsmanager::put_secret_value(#{ SecretId: "tokens",
                                                          SecretString: value }).VersionId;
    let own = secretsmanager::put_secret_value(#{ SecretId: "tokens", SecretString: "c",
        ClientRequestToken: "the-scripts-own-token-0123456789ab" }).VersionId;
    append_file("versions", `${put.call("a")} ${put.call("b")} ${own}` + "\n");
    if !file_exists("answered") {
        write_file("answered", "");
        fail("the answer was lost");
    }
}
"#,
    );
    t.run(&["exec", "tokens.rhai"])
        .status(0)
        .stderr_has("retry    put: attempt 1 of 2 failed (the answer was lost)");
    let versions = t.read("versions");
    let attempts: Vec<Vec<&str>> = versions.lines().map(|l| l.split(' ').collect()).collect();
    assert_eq!(attempts.len(), 2, "{versions}");
    assert_eq!(attempts[0], attempts[1], "the retry sends the same tokens");
    let (a, b, own) = (attempts[0][0], attempts[0][1], attempts[0][2]);
    assert_ne!(a, b, "each call of the step has its own token");
    assert_eq!(own, "the-scripts-own-token-0123456789ab");
    assert!(
        a.len() == 36 && a.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
        "{a}"
    );

    std::fs::remove_file(t.path("answered")).expect("remove the marker");
    std::fs::remove_file(t.path("versions")).expect("remove the versions");
    t.run(&["exec", "tokens.rhai"]).status(0);
    let again = t.read("versions");
    assert_ne!(
        again.split(' ').next(),
        Some(a),
        "another run sends other tokens"
    );
}
