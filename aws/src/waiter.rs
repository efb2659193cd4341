//! Waiters, from the models (botocore's waiters-2.json, written out by scripts/gen-aws): an
//! operation polled until one of its acceptors says the resource reached a success or a
//! failure state. This module judges one answer; the engine does the polling.

use aws_smithy_types::Document;

use crate::error::CallError;
use crate::path::{eval, Expr, Literal};

pub struct Waiter {
    /// The Rhai module: `ecs`.
    pub service: &'static str,
    /// As the model names it: `ServicesStable`.
    pub name: &'static str,
    /// The script function: `wait_services_stable`.
    pub function: &'static str,
    /// The binding polled: `describe_services`.
    pub operation: &'static str,
    /// The model's seconds between polls and how many it makes before giving up.
    pub delay: u64,
    pub max_attempts: u64,
    /// Tried in order; the first that matches decides.
    pub acceptors: &'static [Acceptor],
    /// Written in the models' format for a service whose model publishes none (named in
    /// scripts/gen-aws, with why).
    pub by_hand: bool,
    /// Where a long wait is, beyond what the acceptors test (a build's phase, a
    /// deployment's running tasks), named for the progress line.
    pub progress: &'static [(&'static str, &'static Expr)],
    /// A second read for where the wait is, when the answer polled does not say.
    pub progress_read: Option<&'static ProgressRead>,
}

/// Read beside each poll that leaves the wait pending (GetPipelineState for a pipeline
/// execution's stage); its answer only adds to the progress line.
pub struct ProgressRead {
    /// The binding read: `get_pipeline_state`.
    pub operation: &'static str,
    /// Its input, from members of the wait's input: (its member, the wait's member).
    pub input: &'static [(&'static str, &'static str)],
    pub shown: &'static [(&'static str, &'static Expr)],
}

impl ProgressRead {
    /// The read's input, or `None` when the wait's input lacks a member it needs.
    pub fn input(&self, wait_input: &Document) -> Option<Document> {
        let Document::Object(given) = wait_input else {
            return None;
        };
        let mut members = std::collections::HashMap::new();
        for (to, of) in self.input {
            members.insert((*to).to_string(), given.get(*of)?.clone());
        }
        Some(Document::Object(members))
    }

    /// What its answer shows, as parts of the progress line: `stage in progress: ["Build"]`.
    pub fn progress(&self, answer: &Document) -> Vec<String> {
        let mut parts = Vec::new();
        for (label, expr) in self.shown {
            shown(&mut parts, label, expr, answer);
        }
        parts
    }
}

pub struct Acceptor {
    pub state: State,
    pub matcher: Matcher,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Success,
    Failure,
    Retry,
}

pub enum Matcher {
    /// The expression's value, compared with `expected`: as a whole (`path`), every element
    /// of a non-empty list (`pathAll`) or any element (`pathAny`).
    Path {
        kind: PathKind,
        argument: &'static str,
        expr: &'static Expr,
        expected: Literal,
    },
    /// The answer's HTTP status (a success is 200).
    Status(u16),
    /// The call failed with this error code.
    Error(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    One,
    All,
    Any,
}

/// What one answer says.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// An acceptor matched: its state, the value it expected (`"DRAINING"`, an error code,
    /// an HTTP status) and what it saw (`a services[].status is "DRAINING"`).
    Matched {
        state: State,
        expected: Literal,
        found: String,
    },
    /// No acceptor matched a successful answer: poll again.
    Pending,
    /// No acceptor matched a failed call: the error stands (as in botocore).
    Unexpected,
}

impl Waiter {
    /// `ecs::wait_services_stable`
    pub fn qualified(&self) -> String {
        format!("{}::{}", self.service, self.function)
    }

    /// The longest wait the model allows.
    pub fn bound_secs(&self) -> u64 {
        self.delay * self.max_attempts
    }

    /// One line for `runbook functions`: `Polls DescribeServices until ServicesStable: ...`.
    pub fn doc(&self, operation: &str) -> String {
        let origin = if self.by_hand {
            "written in the models' format: the model has no waiters"
        } else {
            "the model's waiter"
        };
        format!(
            "Polls {operation} until {} ({origin}); gives up after {} s (`#{{ timeout: SECS }}`).",
            self.name,
            self.bound_secs()
        )
    }

    pub fn judge(&self, answer: &Result<Document, CallError>) -> Verdict {
        for acceptor in self.acceptors {
            if let Some((expected, found)) = acceptor.matcher.matches(answer) {
                return Verdict::Matched {
                    state: acceptor.state,
                    expected,
                    found,
                };
            }
        }
        match answer {
            Ok(_) => Verdict::Pending,
            Err(_) => Verdict::Unexpected,
        }
    }

    /// What the answer shows of the values the acceptors look at, for progress lines:
    /// `services[].status: ["ACTIVE"]; services[].deployments[].rolloutState: ["IN_PROGRESS"]`.
    pub fn progress(&self, answer: &Document) -> String {
        let mut seen: Vec<&str> = Vec::new();
        let mut parts = Vec::new();
        for acceptor in self.acceptors {
            let Matcher::Path { argument, expr, .. } = &acceptor.matcher else {
                continue;
            };
            if seen.contains(argument) {
                continue;
            }
            seen.push(argument);
            shown(&mut parts, argument, expr, answer);
        }
        for (label, expr) in self.progress {
            shown(&mut parts, label, expr, answer);
        }
        if parts.is_empty() {
            "not yet".into()
        } else {
            parts.join("; ")
        }
    }
}

impl Matcher {
    fn matches(&self, answer: &Result<Document, CallError>) -> Option<(Literal, String)> {
        match (self, answer) {
            (
                Matcher::Path {
                    kind,
                    argument,
                    expr,
                    expected,
                },
                Ok(document),
            ) => {
                let value = eval(expr, document).ok()?;
                let hit = match (kind, &value) {
                    (PathKind::One, value) => expected.matches(value),
                    (PathKind::All, Document::Array(items)) => {
                        !items.is_empty() && items.iter().all(|item| expected.matches(item))
                    }
                    (PathKind::Any, Document::Array(items)) => {
                        items.iter().any(|item| expected.matches(item))
                    }
                    _ => false,
                };
                hit.then(|| {
                    let shown = crate::document::json(&expected.document());
                    let found = match kind {
                        PathKind::One => format!("{argument} is {shown}"),
                        PathKind::All => format!("every {argument} is {shown}"),
                        PathKind::Any => format!("a {argument} is {shown}"),
                    };
                    (*expected, found)
                })
            }
            (Matcher::Status(200), Ok(_)) => Some((Literal::Int(200), "HTTP 200".into())),
            (Matcher::Status(status), Err(error)) if error.status == Some(*status) => Some((
                Literal::Int(i64::from(*status)),
                format!("HTTP {status} ({})", error.code),
            )),
            (Matcher::Error(code), Err(error)) if error.code == *code => {
                Some((Literal::Str(code), format!("error {code}")))
            }
            _ => None,
        }
    }
}

/// A value the answer holds, as `label: value`; a condition's true or false and a member the
/// answer lacks say nothing an operator can act on.
fn shown(parts: &mut Vec<String>, label: &str, expr: &Expr, answer: &Document) {
    if let Ok(value) = eval(expr, answer) {
        if !matches!(value, Document::Bool(_) | Document::Null) {
            parts.push(format!("{label}: {}", short(&value)));
        }
    }
}

/// A value on one line, cut at 80 characters.
fn short(value: &Document) -> String {
    let text = crate::document::json(value).to_string();
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::document::from_json;
    use crate::services::{codebuild, codepipeline, ecs};

    #[test]
    fn a_pending_wait_tells_where_it_is_beyond_what_its_acceptors_test() {
        let build = codebuild::WAITERS
            .iter()
            .find(|w| w.name == "BuildSucceeded")
            .expect("the waiter written by hand");
        let answer = json!({"builds": [{"buildStatus": "IN_PROGRESS", "currentPhase": "BUILD"}],
                            "buildsNotFound": []});
        assert_eq!(
            build.progress(&from_json(&answer)),
            r#"builds[].buildStatus: ["IN_PROGRESS"]; phase: ["BUILD"]"#
        );
        let stable = ecs::WAITERS
            .iter()
            .find(|w| w.name == "ServicesStable")
            .expect("the model's waiter");
        let answer = json!({"services": [{"status": "ACTIVE", "runningCount": 1, "desiredCount": 3,
            "deployments": [{"rolloutState": "IN_PROGRESS"}]}]});
        assert_eq!(
            stable.progress(&from_json(&answer)),
            r#"services[].deployments[].rolloutState: ["IN_PROGRESS"]; services[].status: ["ACTIVE"]; running: [1]; desired: [3]"#
        );
        let execution = codepipeline::WAITERS
            .iter()
            .find(|w| w.name == "PipelineExecutionSucceeded")
            .expect("the waiter written by hand");
        let read = execution
            .progress_read
            .expect("a pipeline's stage is read beside");
        let input = from_json(&json!({"pipelineName": "web", "pipelineExecutionId": "e-2"}));
        assert_eq!(
            read.input(&input)
                .map(|input| crate::document::json(&input)),
            Some(json!({"name": "web"}))
        );
        assert_eq!(
            read.input(&from_json(&json!({"pipelineExecutionId": "e-2"}))),
            None
        );
        // GetPipelineState as its API reference shows it, one stage done and one running.
        let state = json!({"pipelineName": "web", "stageStates": [
            {"stageName": "Source", "latestExecution": {"pipelineExecutionId": "e-2", "status": "Succeeded"}},
            {"stageName": "Build", "latestExecution": {"pipelineExecutionId": "e-2", "status": "InProgress"}},
            {"stageName": "Deploy"}]});
        assert_eq!(
            read.progress(&from_json(&state)),
            vec![r#"stage in progress: ["Build"]"#]
        );
    }
}
