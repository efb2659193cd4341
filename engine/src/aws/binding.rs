//! A binding: one AWS API operation callable from scripts as `service::function(#{...})`.
//! Arguments and results are `Document`s keyed by the API's own member names; converting
//! them to and from the SDK's types is each service file's job, sending and error mapping is
//! shared.

use std::future::Future;
use std::pin::Pin;

use aws_smithy_schema::Schema;
use aws_smithy_types::Document;

use super::clients::Clients;
use super::error::CallError;

pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Document, CallError>> + 'a>>;

/// Sends one operation: converts the input document, calls the SDK, converts the output.
pub type Call = for<'a> fn(&'a Clients, Document) -> CallFuture<'a>;

/// The members an operation's input accepts, for `runbook functions`, the REPL's completion
/// and validation messages.
#[derive(Clone, Copy)]
pub enum Members {
    /// Generated from the SDK's schema (codebuild, codecommit, codepipeline, ecs). The
    /// generated schemas carry no `required` trait, so the required members are listed.
    Schema {
        schema: &'static Schema<'static>,
        required: &'static [&'static str],
    },
    /// Listed by hand with the table-driven conversion: (member name, required).
    Table(&'static [(&'static str, bool)]),
}

#[derive(Clone, Copy)]
pub struct Binding {
    /// The Rhai module: `ecr`.
    pub service: &'static str,
    /// As boto3 names it: `create_repository`.
    pub function: &'static str,
    /// As the API reference names it: `CreateRepository`.
    pub operation: &'static str,
    /// One line from the API reference.
    pub doc: &'static str,
    pub input: Members,
    pub call: Call,
}

impl Members {
    /// The top-level member names, with whether each is required.
    pub fn names(&self) -> Vec<(String, bool)> {
        match self {
            Members::Table(table) => table.iter().map(|(n, r)| (n.to_string(), *r)).collect(),
            Members::Schema { schema, required } => schema
                .members()
                .iter()
                .filter_map(|m| m.member_name())
                .map(|name| (name.to_string(), required.contains(&name)))
                .collect(),
        }
    }

    pub fn accepts(&self, member: &str) -> bool {
        self.names().iter().any(|(name, _)| name == member)
    }
}

impl Binding {
    pub fn is_mutating(&self) -> bool {
        is_mutating(self.operation)
    }

    /// `ecr::create_repository`
    pub fn qualified(&self) -> String {
        format!("{}::{}", self.service, self.function)
    }
}

/// Whether an operation changes the world, judged by its name as the AWS APIs use them:
/// reads are named Get, Describe, List, BatchGet, Head, Test or Validate.
pub fn is_mutating(operation: &str) -> bool {
    const READS: [&str; 8] = [
        "Get", "Describe", "List", "BatchGet", "Head", "Test", "Validate", "Lookup",
    ];
    !READS.iter().any(|prefix| {
        operation
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(char::is_uppercase))
    })
}

#[cfg(test)]
mod tests {
    use super::is_mutating;

    #[test]
    fn reads_are_told_from_changes_by_name() {
        for read in [
            "GetRole",
            "DescribeRepositories",
            "ListImages",
            "BatchGetBuilds",
            "HeadBucket",
        ] {
            assert!(!is_mutating(read), "{read}");
        }
        for change in [
            "CreateRepository",
            "PutImage",
            "StartBuild",
            "DeleteRole",
            "Getaway",
        ] {
            assert!(is_mutating(change), "{change}");
        }
    }
}
