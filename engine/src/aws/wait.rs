//! Waits: `codebuild::wait_build(id)`, `ecs::wait_services_stable(#{ cluster, services })`,
//! `codepipeline::wait_execution(#{ pipelineName, pipelineExecutionId })`. Each polls the
//! describing call with a growing interval (2 s, x1.5, at most 30 s) until the resource is
//! done, failed, or the bound passes (`#{ timeout: SECS }`, default 30 minutes). Progress
//! shows as a spinner on a terminal and as `wait` events with `--json`.
//!
//! What counts as done or failed is decided by pure functions over the describing call's
//! answer, so the logic is unit-tested on recorded answers (the emulator's builds and
//! executions never fail).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use aws_smithy_types::Document;
use serde_json::json;

use super::bridge::{Bridge, Failure};
use super::error::CallError;
use super::paginate::call_pages;
use super::services;
use crate::interrupt::{Interrupt, Stop};
use crate::output::{self, Output};

/// The wait functions: (module, function, signature, doc).
pub const WAITS: [(&str, &str, &str, &str); 4] = [
    (
        "codebuild",
        "wait_build",
        "codebuild::wait_build(id[, #{ timeout }])",
        "Waits until the build succeeds (returns BatchGetBuilds' answer) or fails (raises).",
    ),
    (
        "ecs",
        "wait_services_stable",
        "ecs::wait_services_stable(#{ cluster, services* }[, #{ timeout }])",
        "Waits until every service runs its desired count in a single deployment.",
    ),
    (
        "ecs",
        "wait_services_inactive",
        "ecs::wait_services_inactive(#{ cluster, services* }[, #{ timeout }])",
        "Waits until every deleted service is INACTIVE (or gone), so its cluster can go.",
    ),
    (
        "codepipeline",
        "wait_execution",
        "codepipeline::wait_execution(#{ pipelineName*, pipelineExecutionId* }[, #{ timeout }])",
        "Waits until the pipeline execution succeeds (returns it) or fails (raises).",
    ),
];

/// What one poll found.
#[derive(Debug, PartialEq)]
pub enum Poll {
    Waiting(String),
    Done(String),
    Failed { code: String, message: String },
}

pub struct Wait {
    /// The service and describing function to poll.
    pub service: &'static str,
    pub function: &'static str,
    /// What is waited for, for progress lines: `build example:1234`.
    pub what: String,
    pub input: Document,
    pub judge: fn(&Document) -> Poll,
    pub timeout: Duration,
}

fn get<'a>(document: &'a Document, path: &[&str]) -> Option<&'a Document> {
    path.iter().try_fold(document, |doc, key| match doc {
        Document::Object(object) => object.get(*key),
        _ => None,
    })
}

fn text<'a>(document: &'a Document, path: &[&str]) -> Option<&'a str> {
    match get(document, path) {
        Some(Document::String(s)) => Some(s),
        _ => None,
    }
}

fn number(document: &Document, path: &[&str]) -> Option<f64> {
    match get(document, path) {
        Some(Document::Number(n)) => Some(n.to_f64_lossy()),
        _ => None,
    }
}

fn first<'a>(document: &'a Document, list: &str) -> Option<&'a Document> {
    match get(document, &[list]) {
        Some(Document::Array(items)) => items.first(),
        _ => None,
    }
}

/// CodeBuild `BatchGetBuilds` for one build.
pub fn judge_build(answer: &Document) -> Poll {
    let Some(build) = first(answer, "builds") else {
        return Poll::Failed {
            code: "BuildNotFound".into(),
            message: "no such build".into(),
        };
    };
    let status = text(build, &["buildStatus"]).unwrap_or("UNKNOWN");
    let phase = text(build, &["currentPhase"]).unwrap_or("?");
    match status {
        "IN_PROGRESS" => Poll::Waiting(format!("IN_PROGRESS, phase {phase}")),
        "SUCCEEDED" => Poll::Done("SUCCEEDED".into()),
        failed => {
            let reason = match get(build, &["phases"]) {
                Some(Document::Array(phases)) => phases
                    .iter()
                    .find(|p| !matches!(text(p, &["phaseStatus"]), None | Some("SUCCEEDED")))
                    .map(|p| {
                        let name = text(p, &["phaseType"]).unwrap_or("?");
                        let detail = match get(p, &["contexts"]) {
                            Some(Document::Array(c)) => {
                                c.first().and_then(|c| text(c, &["message"])).unwrap_or("")
                            }
                            _ => "",
                        };
                        format!(
                            " in phase {name}{}",
                            if detail.is_empty() {
                                String::new()
                            } else {
                                format!(": {detail}")
                            }
                        )
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            };
            Poll::Failed {
                code: format!("Build{}", title(failed)),
                message: format!("build {failed}{reason}"),
            }
        }
    }
}

/// `TIMED_OUT` → `TimedOut`
fn title(status: &str) -> String {
    status
        .split('_')
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or(String::new(), |c| {
                format!("{c}{}", chars.as_str().to_lowercase())
            })
        })
        .collect()
}

/// ECS `DescribeServices`: stable when every service has one deployment and runs as many
/// tasks as it wants (the SDK waiter's rule).
pub fn judge_services(answer: &Document) -> Poll {
    if let Some(failure) = first(answer, "failures") {
        let arn = text(failure, &["arn"]).unwrap_or("?");
        let reason = text(failure, &["reason"]).unwrap_or("?");
        return Poll::Failed {
            code: "ServiceNotFound".into(),
            message: format!("{arn}: {reason}"),
        };
    }
    let Some(Document::Array(services)) = get(answer, &["services"]) else {
        return Poll::Failed {
            code: "ServiceNotFound".into(),
            message: "no services".into(),
        };
    };
    let mut waiting = Vec::new();
    for service in services {
        let name = text(service, &["serviceName"]).unwrap_or("?");
        // ACTIVE, DRAINING (being deleted) or INACTIVE (deleted): only ACTIVE can settle.
        if let Some(status @ ("INACTIVE" | "DRAINING")) = text(service, &["status"]) {
            return Poll::Failed {
                code: format!("Service{}", title(status)),
                message: format!("service {name} is {status}: it is being or was deleted"),
            };
        }
        let deployments = match get(service, &["deployments"]) {
            Some(Document::Array(d)) => d.as_slice(),
            _ => &[],
        };
        // A deployment's rolloutState is IN_PROGRESS, COMPLETED or FAILED (the circuit
        // breaker stopped it): a failed one never becomes stable.
        if let Some(failed) = deployments
            .iter()
            .find(|d| text(d, &["rolloutState"]) == Some("FAILED"))
        {
            let reason = text(failed, &["rolloutStateReason"]).unwrap_or("no reason given");
            return Poll::Failed {
                code: "DeploymentFailed".into(),
                message: format!("service {name}: deployment failed: {reason}"),
            };
        }
        let running = number(service, &["runningCount"]).unwrap_or(0.0);
        let desired = number(service, &["desiredCount"]).unwrap_or(0.0);
        let pending = number(service, &["pendingCount"]).unwrap_or(0.0);
        if deployments.len() != 1 || running != desired {
            let rollout = deployments
                .iter()
                .find(|d| text(d, &["status"]) == Some("PRIMARY"))
                .and_then(|d| text(d, &["rolloutState"]))
                .map(|state| format!(", rollout {state}"))
                .unwrap_or_default();
            waiting.push(format!(
                "{name}: {running}/{desired} running, {pending} pending, {} deployments{rollout}",
                deployments.len()
            ));
        }
    }
    if waiting.is_empty() {
        Poll::Done("stable".into())
    } else {
        Poll::Waiting(waiting.join("; "))
    }
}

/// ECS `DescribeServices` after a delete: done when every service is INACTIVE or gone, so
/// that the cluster can be deleted (AWS refuses while a service is DRAINING).
pub fn judge_services_inactive(answer: &Document) -> Poll {
    let mut waiting = Vec::new();
    if let Some(Document::Array(services)) = get(answer, &["services"]) {
        for service in services {
            let name = text(service, &["serviceName"]).unwrap_or("?");
            match text(service, &["status"]) {
                Some("INACTIVE") => {}
                status => {
                    let running = number(service, &["runningCount"]).unwrap_or(0.0);
                    waiting.push(format!(
                        "{name}: {}, {running} running",
                        status.unwrap_or("?")
                    ));
                }
            }
        }
    }
    if waiting.is_empty() {
        Poll::Done("inactive".into())
    } else {
        Poll::Waiting(waiting.join("; "))
    }
}

/// CodePipeline `GetPipelineExecution`.
pub fn judge_execution(answer: &Document) -> Poll {
    let status = text(answer, &["pipelineExecution", "status"]).unwrap_or("Unknown");
    match status {
        "InProgress" | "Stopping" => Poll::Waiting(status.into()),
        "Succeeded" => Poll::Done(status.into()),
        other => {
            let summary = text(answer, &["pipelineExecution", "statusSummary"]).unwrap_or("");
            Poll::Failed {
                code: format!("Execution{other}"),
                message: format!(
                    "execution {other}{}",
                    if summary.is_empty() {
                        String::new()
                    } else {
                        format!(": {summary}")
                    }
                ),
            }
        }
    }
}

/// Polls until done; returns the last answer.
pub fn wait(
    bridge: &Bridge,
    interrupt: &Interrupt,
    output: &Output,
    wait: Wait,
) -> Result<Document, Failure> {
    let binding = services::all()
        .into_iter()
        .find(|b| b.service == wait.service && b.function == wait.function)
        .ok_or_else(|| {
            Failure::Aws(CallError::new(
                "Unsupported",
                format!("{}::{} is not bound", wait.service, wait.function),
            ))
        })?;
    let started = Instant::now();
    let spinner = (std::io::stderr().is_terminal() && !output.is_json()).then(|| {
        indicatif::ProgressBar::new_spinner().with_message(format!("waiting for {}", wait.what))
    });
    let mut interval = Duration::from_secs(2);
    let result = loop {
        let answer = call_pages(bridge, interrupt, &binding, wait.input.clone(), Some(1))?;
        let poll = (wait.judge)(&answer);
        let elapsed = started.elapsed();
        let (state, done) = match &poll {
            Poll::Waiting(state) => (state.clone(), false),
            Poll::Done(state) => (state.clone(), true),
            Poll::Failed { message, .. } => (message.clone(), true),
        };
        output.event("wait", json!({ "what": wait.what, "state": state, "elapsed_ms": elapsed.as_millis() as u64, "done": done }));
        if let Some(spinner) = &spinner {
            spinner.set_message(format!(
                "{}: {state} ({})",
                wait.what,
                output::duration(elapsed)
            ));
            spinner.tick();
        }
        match poll {
            Poll::Done(_) => break Ok(answer),
            Poll::Failed { code, message } => {
                break Err(Failure::Aws(CallError::new(
                    code,
                    format!("{}: {message}", wait.what),
                )))
            }
            Poll::Waiting(state) if elapsed >= wait.timeout => {
                break Err(Failure::Aws(CallError::new(
                    "WaitTimeout",
                    format!(
                        "{} still {state} after {}",
                        wait.what,
                        output::duration(elapsed)
                    ),
                )))
            }
            Poll::Waiting(_) => {}
        }
        let pause = interval
            .min(wait.timeout.saturating_sub(elapsed))
            .max(Duration::from_millis(100));
        if let Err(stop) = sleep(bridge, interrupt, pause) {
            break Err(Failure::Stopped(stop));
        }
        interval = (interval.mul_f64(1.5)).min(Duration::from_secs(30));
    };
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    output.detail(&format!(
        "waited {} for {}",
        output::duration(started.elapsed()),
        wait.what
    ));
    result
}

fn sleep(bridge: &Bridge, interrupt: &Interrupt, pause: Duration) -> Result<(), Stop> {
    match bridge.sleep(interrupt, pause) {
        Ok(()) => Ok(()),
        Err(Failure::Stopped(stop)) => Err(stop),
        Err(Failure::Aws(_)) => interrupt.sleep(pause),
    }
}

#[cfg(test)]
mod tests {
    use aws_smithy_types::{Document, Number};

    use super::{judge_build, judge_execution, judge_services, judge_services_inactive, Poll};

    fn doc(value: serde_json::Value) -> Document {
        match value {
            serde_json::Value::Null => Document::Null,
            serde_json::Value::Bool(b) => Document::Bool(b),
            serde_json::Value::Number(n) => {
                Document::Number(Number::Float(n.as_f64().unwrap_or(0.0)))
            }
            serde_json::Value::String(s) => Document::String(s),
            serde_json::Value::Array(a) => Document::Array(a.into_iter().map(doc).collect()),
            serde_json::Value::Object(o) => {
                Document::Object(o.into_iter().map(|(k, v)| (k, doc(v))).collect())
            }
        }
    }

    #[test]
    fn a_failed_build_names_its_phase_and_reason() {
        // Recorded from BatchGetBuilds of a build whose docker push was refused.
        let answer = doc(serde_json::json!({ "builds": [{
            "id": "example:1", "buildStatus": "FAILED", "currentPhase": "COMPLETED",
            "phases": [
                { "phaseType": "SUBMITTED", "phaseStatus": "SUCCEEDED" },
                { "phaseType": "BUILD", "phaseStatus": "SUCCEEDED" },
                { "phaseType": "POST_BUILD", "phaseStatus": "FAILED", "contexts": [
                    { "statusCode": "COMMAND_EXECUTION_ERROR",
                      "message": "Error while executing command: docker push. Reason: exit status 1" }] }
            ] }] }));
        assert_eq!(
            judge_build(&answer),
            Poll::Failed {
                code: "BuildFailed".into(),
                message: "build FAILED in phase POST_BUILD: Error while executing command: \
                          docker push. Reason: exit status 1"
                    .into()
            }
        );
        let running = doc(
            serde_json::json!({ "builds": [{ "buildStatus": "IN_PROGRESS", "currentPhase": "BUILD" }] }),
        );
        assert_eq!(
            judge_build(&running),
            Poll::Waiting("IN_PROGRESS, phase BUILD".into())
        );
        let timed_out = doc(serde_json::json!({ "builds": [{ "buildStatus": "TIMED_OUT" }] }));
        assert!(
            matches!(judge_build(&timed_out), Poll::Failed { code, .. } if code == "BuildTimedOut")
        );
    }

    #[test]
    fn services_are_stable_with_one_deployment_and_all_tasks_running() {
        let rolling = doc(
            serde_json::json!({ "services": [{ "serviceName": "web", "status": "ACTIVE",
            "desiredCount": 1, "runningCount": 1, "deployments": [{}, {}] }], "failures": [] }),
        );
        assert_eq!(
            judge_services(&rolling),
            Poll::Waiting("web: 1/1 running, 0 pending, 2 deployments".into())
        );
        let stable = doc(
            serde_json::json!({ "services": [{ "serviceName": "web", "status": "ACTIVE",
            "desiredCount": 1, "runningCount": 1, "deployments": [{}] }], "failures": [] }),
        );
        assert_eq!(judge_services(&stable), Poll::Done("stable".into()));
        let missing = doc(
            serde_json::json!({ "services": [], "failures": [{ "arn": "arn:x", "reason": "MISSING" }] }),
        );
        assert!(
            matches!(judge_services(&missing), Poll::Failed { code, .. } if code == "ServiceNotFound")
        );
        let draining = doc(
            serde_json::json!({ "services": [{ "serviceName": "web", "status": "DRAINING",
            "desiredCount": 0, "runningCount": 1, "deployments": [{}] }] }),
        );
        assert!(
            matches!(judge_services(&draining), Poll::Failed { code, .. } if code == "ServiceDraining")
        );
        let broken = doc(serde_json::json!({ "services": [{ "serviceName": "web",
            "status": "ACTIVE", "desiredCount": 1, "runningCount": 0, "deployments": [{
                "status": "PRIMARY", "rolloutState": "FAILED",
                "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to start." }] }] }));
        assert_eq!(
            judge_services(&broken),
            Poll::Failed {
                code: "DeploymentFailed".into(),
                message: "service web: deployment failed: ECS deployment circuit breaker: \
                          tasks failed to start."
                    .into()
            }
        );
        let starting = doc(serde_json::json!({ "services": [{ "serviceName": "web",
            "status": "ACTIVE", "desiredCount": 1, "runningCount": 0, "pendingCount": 1,
            "deployments": [{ "status": "PRIMARY", "rolloutState": "IN_PROGRESS" }] }] }));
        assert_eq!(
            judge_services(&starting),
            Poll::Waiting("web: 0/1 running, 1 pending, 1 deployments, rollout IN_PROGRESS".into())
        );
    }

    #[test]
    fn deleted_services_are_waited_for_until_inactive() {
        let draining = doc(serde_json::json!({ "services": [{ "serviceName": "web",
            "status": "DRAINING", "runningCount": 1 }] }));
        assert_eq!(
            judge_services_inactive(&draining),
            Poll::Waiting("web: DRAINING, 1 running".into())
        );
        let gone = doc(serde_json::json!({ "services": [{ "serviceName": "web",
            "status": "INACTIVE" }], "failures": [] }));
        assert_eq!(
            judge_services_inactive(&gone),
            Poll::Done("inactive".into())
        );
        let missing = doc(serde_json::json!({ "services": [],
            "failures": [{ "arn": "arn:x", "reason": "MISSING" }] }));
        assert_eq!(
            judge_services_inactive(&missing),
            Poll::Done("inactive".into())
        );
    }

    #[test]
    fn a_failed_execution_says_why() {
        let failed = doc(
            serde_json::json!({ "pipelineExecution": { "status": "Failed",
            "statusSummary": "Build stage failed" } }),
        );
        assert_eq!(
            judge_execution(&failed),
            Poll::Failed {
                code: "ExecutionFailed".into(),
                message: "execution Failed: Build stage failed".into()
            }
        );
        let running = doc(serde_json::json!({ "pipelineExecution": { "status": "InProgress" } }));
        assert_eq!(
            judge_execution(&running),
            Poll::Waiting("InProgress".into())
        );
    }
}
