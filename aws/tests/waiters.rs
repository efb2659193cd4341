//! The models' waiters judge recorded answers as botocore does (the emulator's builds and
//! deployments never fail, so the failure states are shown here), and every JMESPath form the
//! models use evaluates as JMESPath says.

use aws_smithy_types::Document;
use runbook_aws::document::from_json;
use runbook_aws::error::CallError;
use runbook_aws::path::{eval, Comparison, Expr, Literal};
use runbook_aws::services;
use runbook_aws::waiter::{State, Verdict, Waiter};
use serde_json::json;

fn waiter(qualified: &str) -> &'static Waiter {
    services::waiters()
        .find(|w| w.qualified() == qualified)
        .unwrap_or_else(|| panic!("no waiter {qualified}"))
}

fn judge(qualified: &str, answer: serde_json::Value) -> Verdict {
    waiter(qualified).judge(&Ok(from_json(&answer)))
}

fn matched(state: State, expected: Literal, found: &str) -> Verdict {
    Verdict::Matched {
        state,
        expected,
        found: found.into(),
    }
}

#[test]
fn every_waiter_polls_a_read_of_its_own_service() {
    let all: Vec<_> = services::waiters().collect();
    // botocore's 62 for these services, and the two written by hand.
    assert_eq!(all.len(), 64);
    let bindings = services::all();
    for waiter in &all {
        let polled = bindings
            .iter()
            .find(|b| b.service == waiter.service && b.function == waiter.operation)
            .unwrap_or_else(|| panic!("{} polls nothing", waiter.qualified()));
        assert!(polled.read_only, "{} polls a write", waiter.qualified());
        assert!(waiter.function.starts_with("wait_") && !waiter.acceptors.is_empty());
        assert!(waiter.bound_secs() > 0);
    }
    let by_hand: Vec<_> = all
        .iter()
        .filter(|w| w.by_hand)
        .map(|w| w.qualified())
        .collect();
    assert_eq!(
        by_hand,
        [
            "codebuild::wait_build_succeeded",
            "codepipeline::wait_pipeline_execution_succeeded"
        ]
    );
}

#[test]
fn services_stable_follows_the_model_and_stops_on_a_failed_rollout() {
    let name = "ecs::wait_services_stable";
    assert_eq!(
        judge(
            name,
            json!({ "services": [{ "serviceName": "web", "status": "ACTIVE",
                "desiredCount": 1, "runningCount": 1, "deployments": [{}] }], "failures": [] })
        ),
        matched(
            State::Success,
            Literal::Bool(true),
            "length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) \
             == `0` is true"
        )
    );
    let rolling = json!({ "services": [{ "serviceName": "web", "status": "ACTIVE",
        "desiredCount": 1, "runningCount": 1,
        "deployments": [{ "rolloutState": "IN_PROGRESS" }, { "rolloutState": "COMPLETED" }] }],
        "failures": [] });
    assert_eq!(judge(name, rolling.clone()), Verdict::Pending);
    assert_eq!(
        waiter(name).progress(&from_json(&rolling)),
        "services[].deployments[].rolloutState: [\"IN_PROGRESS\",\"COMPLETED\"]; \
         failures[].reason: []; services[].status: [\"ACTIVE\"]; running: [1]; desired: [1]"
    );
    assert_eq!(
        judge(
            name,
            json!({ "services": [{ "status": "DRAINING", "deployments": [{}] }] })
        ),
        matched(
            State::Failure,
            Literal::Str("DRAINING"),
            "a services[].status is \"DRAINING\""
        )
    );
    assert_eq!(
        judge(
            name,
            json!({ "services": [], "failures": [{ "arn": "arn:x", "reason": "MISSING" }] })
        ),
        matched(
            State::Failure,
            Literal::Str("MISSING"),
            "a failures[].reason is \"MISSING\""
        )
    );
    // Written before the model's acceptors (scripts/gen-aws says why).
    assert_eq!(
        judge(
            name,
            json!({ "services": [{ "status": "ACTIVE", "desiredCount": 1, "runningCount": 0,
            "deployments": [{ "status": "PRIMARY", "rolloutState": "FAILED" }] }] })
        ),
        matched(
            State::Failure,
            Literal::Str("FAILED"),
            "a services[].deployments[].rolloutState is \"FAILED\""
        )
    );
}

#[test]
fn builds_and_executions_end_in_their_failure_states() {
    let build = "codebuild::wait_build_succeeded";
    assert_eq!(
        judge(
            build,
            json!({ "builds": [{ "buildStatus": "IN_PROGRESS" }] })
        ),
        Verdict::Pending
    );
    assert_eq!(
        judge(build, json!({ "builds": [{ "buildStatus": "SUCCEEDED" }] })),
        matched(
            State::Success,
            Literal::Str("SUCCEEDED"),
            "every builds[].buildStatus is \"SUCCEEDED\""
        )
    );
    assert_eq!(
        judge(build, json!({ "builds": [{ "buildStatus": "TIMED_OUT" }] })),
        matched(
            State::Failure,
            Literal::Str("TIMED_OUT"),
            "a builds[].buildStatus is \"TIMED_OUT\""
        )
    );
    assert_eq!(
        judge(build, json!({ "builds": [], "buildsNotFound": ["x:1"] })),
        matched(
            State::Failure,
            Literal::Bool(true),
            "length(buildsNotFound[]) > `0` is true"
        )
    );
    // No builds and no buildsNotFound: length(null) is an error, so nothing matches.
    assert_eq!(judge(build, json!({ "builds": [] })), Verdict::Pending);
    let execution = "codepipeline::wait_pipeline_execution_succeeded";
    assert_eq!(
        judge(
            execution,
            json!({ "pipelineExecution": { "status": "Superseded" } })
        ),
        matched(
            State::Failure,
            Literal::Str("Superseded"),
            "pipelineExecution.status is \"Superseded\""
        )
    );
}

#[test]
fn status_and_error_acceptors_read_the_failed_call() {
    let role = waiter("iam::wait_role_exists");
    let missing = CallError {
        status: Some(404),
        ..CallError::new("NoSuchEntity", "The role with name x cannot be found.")
    };
    assert!(matches!(
        role.judge(&Err(missing)),
        Verdict::Matched {
            state: State::Retry,
            ..
        }
    ));
    assert!(matches!(
        role.judge(&Ok(from_json(&json!({ "Role": {} })))),
        Verdict::Matched {
            state: State::Success,
            ..
        }
    ));
    // An error no acceptor names ends the wait with that error, as in botocore.
    assert_eq!(
        role.judge(&Err(CallError::new("AccessDenied", "no"))),
        Verdict::Unexpected
    );
    let bucket = waiter("s3::wait_bucket_not_exists");
    let gone = CallError {
        status: Some(404),
        ..CallError::new("NotFound", "Not Found")
    };
    assert_eq!(
        bucket.judge(&Err(gone)),
        matched(State::Success, Literal::Int(404), "HTTP 404 (NotFound)")
    );
}

#[test]
fn the_jmespath_forms_of_the_models_evaluate_as_jmespath_says() {
    let doc = from_json(&json!({
        "Reservations": [
            { "Instances": [{ "State": { "Name": "running" } }, { "State": { "Name": "pending" } }] },
            { "Instances": [{ "State": { "Name": "running" } }, { "State": {} }] }
        ],
        "n": 2, "s": "ab", "empty": []
    }));
    const NAMES: Expr = Expr::Projection(
        &Expr::Flatten(&Expr::Projection(
            &Expr::Flatten(&Expr::Field("Reservations")),
            &Expr::Field("Instances"),
        )),
        &Expr::Sub(&Expr::Field("State"), &Expr::Field("Name")),
    );
    assert_eq!(
        eval(&NAMES, &doc),
        Ok(from_json(&json!(["running", "pending", "running"])))
    );
    const LONG: Expr = Expr::Compare(
        Comparison::Gt,
        &Expr::Length(&Expr::Field("s")),
        &Expr::Literal(Literal::Int(1)),
    );
    assert_eq!(eval(&LONG, &doc), Ok(Document::Bool(true)));
    // A number and a float of one value are equal; ordering a string gives null.
    const EQ: Expr = Expr::Compare(
        Comparison::Eq,
        &Expr::Field("n"),
        &Expr::Literal(Literal::Int(2)),
    );
    assert_eq!(eval(&EQ, &doc), Ok(Document::Bool(true)));
    const LT: Expr = Expr::Compare(
        Comparison::Lt,
        &Expr::Field("s"),
        &Expr::Literal(Literal::Int(2)),
    );
    assert_eq!(eval(&LT, &doc), Ok(Document::Null));
    // `&&` gives its left side when that is false, `||` its left side when true.
    const AND: Expr = Expr::And(&Expr::Field("empty"), &Expr::Field("n"));
    assert_eq!(eval(&AND, &doc), Ok(Document::Array(vec![])));
    const OR: Expr = Expr::Or(&Expr::Field("missing"), &Expr::Field("s"));
    assert_eq!(eval(&OR, &doc), Ok(Document::String("ab".into())));
    const NOT: Expr = Expr::Not(&Expr::Field("empty"));
    assert_eq!(eval(&NOT, &doc), Ok(Document::Bool(true)));
    const FILTER: Expr = Expr::Filter(
        &Expr::Field("Reservations"),
        &Expr::Identity,
        &Expr::Compare(
            Comparison::Eq,
            &Expr::Length(&Expr::Field("Instances")),
            &Expr::Literal(Literal::Int(2)),
        ),
    );
    assert!(matches!(eval(&FILTER, &doc), Ok(Document::Array(a)) if a.len() == 2));
    assert!(eval(&Expr::Length(&Expr::Field("n")), &doc).is_err());
}
