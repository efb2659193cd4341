//! `runbook repl --run RUN`: a run's params and completed steps' values as variables. Step
//! names become identifiers (`"ECR repository"` → `ecr_repository`); `:steps` shows the
//! mapping. Values that held a secret are rebuilt as on replay, or shown masked when the
//! secret cannot be had.

use std::collections::BTreeMap;

use rhai::Dynamic;
use serde_json::Value;

use crate::dsl::runtime::Runtime;
use crate::dsl::value::from_json;
use crate::journal::{Outcome, ReplayIndex, RunContents};

/// A step of the attached run, with the variable that holds its value.
pub struct AttachedStep {
    pub label: String,
    pub line: usize,
    pub status: &'static str,
    pub variable: Option<String>,
}

pub struct Attached {
    pub run: String,
    pub status: String,
    pub params: BTreeMap<String, Value>,
    pub steps: Vec<AttachedStep>,
    /// (variable, JSON value) in the order they were made.
    pub variables: Vec<(String, Value)>,
}

const RESERVED: [&str; 24] = [
    "let", "const", "step", "undo", "fn", "if", "else", "for", "in", "while", "loop", "do",
    "until", "break", "continue", "return", "throw", "try", "catch", "import", "export", "as",
    "true", "false",
];

/// `"bucket in ap-northeast-1"` → `bucket_in_ap_northeast_1`.
pub fn identifier(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("step_{out}")
    } else if RESERVED.contains(&out.as_str()) {
        format!("{out}_")
    } else {
        out
    }
}

/// `name`, or `name_2`, `name_3`, ... when taken.
fn unique(name: String, taken: &[(String, Value)]) -> String {
    let free = |n: &str| !taken.iter().any(|(t, _)| t == n);
    if free(&name) {
        return name;
    }
    (2..)
        .map(|k| format!("{name}_{k}"))
        .find(|n| free(n))
        .unwrap_or(name)
}

/// The variables a run's contents give, with values rebuilt through `runtime`'s secrets.
pub fn attach(contents: &RunContents, runtime: &Runtime) -> Attached {
    let index = ReplayIndex::from_records(&contents.records);
    let mut variables: Vec<(String, Value)> = Vec::new();
    for (name, value) in &contents.meta.params {
        let name = unique(identifier(name), &variables);
        variables.push((name, value.clone()));
    }
    let mut steps = Vec::new();
    for entry in index.entries() {
        let label = entry.step.label();
        let value = match &entry.outcome {
            Outcome::Completed {
                value, redactions, ..
            } => {
                let rebuilt = runtime
                    .secrets
                    .decode(value.clone(), redactions, |name| runtime.secret(name));
                let value = rebuilt.unwrap_or_else(|why| {
                    runtime.output.warn(&format!(
                        "step {label:?}: its value holds a secret that cannot be had ({why}): \
                         shown masked"
                    ));
                    value.clone()
                });
                Some(value)
            }
            _ => None,
        };
        let status = entry.status(false).as_str();
        let variable = value.map(|value| {
            let name = unique(identifier(&label), &variables);
            variables.push((name.clone(), value));
            name
        });
        steps.push(AttachedStep {
            label,
            line: entry.step.line,
            status,
            variable,
        });
    }
    Attached {
        run: contents.meta.id.clone(),
        status: contents.meta.status.as_str().to_string(),
        params: contents.meta.params.clone(),
        steps,
        variables,
    }
}

impl Attached {
    pub fn values(&self) -> impl Iterator<Item = (&str, Dynamic)> {
        self.variables
            .iter()
            .map(|(name, value)| (name.as_str(), from_json(value)))
    }
}

#[cfg(test)]
mod tests {
    use super::identifier;

    #[test]
    fn step_names_become_identifiers() {
        assert_eq!(identifier("ECR repository"), "ecr_repository");
        assert_eq!(
            identifier("bucket in ap-northeast-1"),
            "bucket_in_ap_northeast_1"
        );
        assert_eq!(identifier("account id #2"), "account_id_2");
        assert_eq!(identifier("3 tasks"), "step_3_tasks");
        assert_eq!(identifier("--"), "step_");
        assert_eq!(identifier("import"), "import_");
    }
}
