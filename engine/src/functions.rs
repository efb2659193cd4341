//! `runbook functions [SERVICE]`: every AWS binding with its signature and doc line, from the
//! same metadata the static checks and the REPL use.

use serde_json::{json, Value};

use crate::aws::binding::Binding;
use crate::aws::examples::example;
use crate::aws::services::{self, SERVICES};
use crate::aws::wait::polled;
use crate::aws::waiter::Waiter;
use crate::dsl::suggest::did_you_mean;
use crate::error::{Error, Result};
use crate::output::Output;

/// `ecr::create_repository(#{ repositoryName*, registryId, ... })`; `*` marks required members.
pub fn signature(binding: &Binding) -> String {
    let members: Vec<String> = binding
        .members()
        .into_iter()
        .map(|(name, required)| {
            if required {
                format!("{name}*")
            } else {
                name.to_string()
            }
        })
        .collect();
    if members.is_empty() {
        format!("{}()", binding.qualified())
    } else {
        format!("{}(#{{ {} }})", binding.qualified(), members.join(", "))
    }
}

/// `ecs::wait_services_stable(#{ cluster, services*, include }[, #{ timeout }])`: the polled
/// operation's members.
pub fn wait_signature(waiter: &Waiter) -> String {
    let polled = signature(&polled(waiter));
    let members = &polled[polled.find('(').map_or(polled.len(), |at| at + 1)..polled.len() - 1];
    if members.is_empty() {
        format!("{}([#{{ timeout }}])", waiter.qualified())
    } else {
        format!("{}({members}[, #{{ timeout }}])", waiter.qualified())
    }
}

/// The wait's doc line.
pub fn wait_doc(waiter: &Waiter) -> String {
    waiter.doc(polled(waiter).operation)
}

pub fn list(service: Option<&str>, output: &Output) -> Result<()> {
    if let Some(service) = service {
        if !SERVICES.contains(&service) {
            return Err(Error::Usage(format!(
                "no service {service:?}{} (services: {})",
                did_you_mean(service, SERVICES),
                SERVICES.join(", ")
            )));
        }
    }
    let bindings: Vec<Binding> = services::all()
        .into_iter()
        .filter(|b| service.is_none_or(|s| b.service == s))
        .collect();
    if output.is_json() {
        let all: Vec<Value> = bindings
            .iter()
            .map(|b| {
                let members: Vec<Value> = b
                    .members()
                    .into_iter()
                    .map(|(name, required)| json!({ "name": name, "required": required }))
                    .collect();
                json!({
                    "service": b.service, "function": b.function, "operation": b.operation,
                    "doc": b.doc, "mutating": b.is_mutating(), "members": members,
                    "paginated": b.pages.is_some(), "idempotency_token": b.idempotency_token,
                    "core": b.core,
                })
            })
            .collect();
        output.stdout(&Value::Array(all).to_string());
        return Ok(());
    }
    for binding in &bindings {
        output.stdout(&format!("{}\n    {}", signature(binding), binding.doc));
        if let Some(member) = binding.idempotency_token {
            output.stdout(&format!(
                "    {member}: idempotency token, filled from the step when left out"
            ));
        }
        if let Some(example) = example(&binding.qualified()) {
            output.stdout(&format!(
                "    example:\n        {}",
                example.replace('\n', "\n        ")
            ));
        }
    }
    for waiter in services::waiters() {
        if service.is_none_or(|s| s == waiter.service) {
            output.stdout(&format!(
                "{}\n    {}",
                wait_signature(waiter),
                wait_doc(waiter)
            ));
            if let Some(example) = example(&waiter.qualified()) {
                output.stdout(&format!(
                    "    example:\n        {}",
                    example.replace('\n', "\n        ")
                ));
            }
        }
    }
    Ok(())
}
