//! A binding: one AWS API operation callable from scripts as `service::function(#{...})`.
//! Arguments and results are `Document`s keyed by the API's own member names; everything
//! about an operation comes from the models through scripts/gen-aws.

use std::future::Future;
use std::pin::Pin;

use aws_smithy_schema::Schema;
use aws_smithy_types::Document;

use super::clients::Clients;
use super::error::CallError;
use super::schema::Refusal;

pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Document, CallError>> + 'a>>;

/// Sends one operation: converts the input document, calls the SDK, converts the output.
pub type Call = for<'a> fn(&'a Clients, Document) -> CallFuture<'a>;

/// Checks an input known in part (`schema::check`): what a static check of a script sees.
pub type Check = fn(&Document, &[String]) -> Result<(), Refusal>;

/// How an operation pages, from the model's paginator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    /// The input member that takes the token: `NextToken`, `Marker`.
    pub input_token: &'static str,
    /// The output member that gives the next one: `NextToken`, `NextContinuationToken`.
    pub output_token: &'static str,
    /// The lists joined across pages.
    pub results: &'static [&'static str],
    /// The member that says more pages follow (IAM's `IsTruncated`).
    pub more_results: Option<&'static str>,
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
    /// The input's schema: its members, for `runbook functions`, completion and checks.
    pub input: &'static Schema<'static>,
    /// The input's required members, from the model.
    pub required: &'static [&'static str],
    /// In the default build (see scripts/gen_aws.py); the others need `all-operations`.
    pub core: bool,
    /// Reads nothing in the account (see scripts/gen-aws for how that is decided).
    pub read_only: bool,
    pub pages: Option<Pages>,
    /// The input member the model marks as an idempotency token (`clientToken`): a
    /// request sent again with the same one is done once.
    pub idempotency_token: Option<&'static str>,
    pub call: Call,
    pub check: Check,
}

impl Binding {
    /// The top-level member names, with whether each is required.
    pub fn members(&self) -> Vec<(&'static str, bool)> {
        self.input
            .members()
            .iter()
            .filter_map(|m| m.member_name())
            .map(|name| (name, self.required.contains(&name)))
            .collect()
    }

    pub fn accepts(&self, member: &str) -> bool {
        self.members().iter().any(|(name, _)| *name == member)
    }

    pub fn is_mutating(&self) -> bool {
        !self.read_only
    }

    /// `ecr::create_repository`
    pub fn qualified(&self) -> String {
        format!("{}::{}", self.service, self.function)
    }
}

/// A service's `bindings()`, a line per operation as scripts/gen-aws writes them:
/// `function module Input Output {field setter...} [required...] [core] [read_only] [token(...)]
/// [pages(...)] [body(...)] "doc";`. A binding without `core` is compiled only with the
/// feature `all-operations`: the linker then drops the SDK's code for its operation.
#[macro_export]
macro_rules! bindings {
    ($service:ident, $krate:ident, $rules:expr,
     $($function:ident $module:ident $input:ident $output:ident {$($field:ident $setter:ident)*}
       [$($required:literal),*]
       $($flag:ident $(($($page:tt)*))?)* $doc:literal;)*) => {
        pub fn bindings() -> Vec<$crate::binding::Binding> {
            #[allow(unused_mut)]
            let mut bindings = Vec::new();
            $($crate::bindings!(@gate [$($flag)*] bindings.push({
                use $krate::operation::$module::{$input as Input, $output as Output};
                const REQUIRED: &[&str] = &[$($required),*];
                fn call<'a>(
                    clients: &'a $crate::clients::Clients,
                    document: ::aws_smithy_types::Document,
                ) -> $crate::binding::CallFuture<'a> {
                    Box::pin(async move {
                        #[allow(unused_variables)]
                        let input: Input = $crate::schema::decode(&document, REQUIRED, $rules)?;
                        // Member by member through the fluent builder: the SDK reads some of
                        // them (S3's Bucket) before it serializes the input.
                        #[allow(unused_mut)]
                        let mut output: Output = clients
                            .$service()
                            .$function()
                            $(.$setter($crate::shape::IntoOption::into_option(input.$field)))*
                            .send()
                            .await
                            .map_err($crate::error::CallError::from_sdk)?;
                        $crate::bindings!(@output output $($flag $(($($page)*))?)*)
                            .and_then($crate::partial::failed_entries)
                    })
                }
                fn check(
                    document: &::aws_smithy_types::Document,
                    unknown: &[String],
                ) -> Result<(), $crate::schema::Refusal> {
                    $crate::schema::check::<Input>(document, REQUIRED, $rules, unknown)
                }
                $crate::binding::Binding {
                    service: stringify!($service),
                    function: stringify!($function),
                    operation: $crate::schema::operation_name(stringify!($input)),
                    doc: $doc,
                    input: <Input as $crate::shape::HasSchema>::SCHEMA,
                    required: REQUIRED,
                    core: $crate::bindings!(@core $($flag)*),
                    read_only: $crate::bindings!(@read_only $($flag $(($($page)*))?)*),
                    pages: $crate::bindings!(@pages $($flag $(($($page)*))?)*),
                    idempotency_token: $crate::bindings!(@token $($flag $(($($page)*))?)*),
                    call,
                    check,
                }
            }););)*
            bindings
        }
    };
    (@gate [core $($rest:tt)*] $($statement:tt)*) => { $($statement)* };
    (@gate [$other:tt $($rest:tt)*] $($statement:tt)*) => { $crate::bindings!(@gate [$($rest)*] $($statement)*) };
    (@gate [] $($statement:tt)*) => { #[cfg(feature = "all-operations")] { $($statement)* } };
    (@core core $($rest:tt)*) => { true };
    (@core $($rest:tt)*) => { false };
    (@read_only read_only $($rest:tt)*) => { true };
    (@read_only $other:tt $($rest:tt)*) => { $crate::bindings!(@read_only $($rest)*) };
    (@read_only) => { false };
    (@pages pages($input:literal, $output:literal, [$($result:literal),*], $more:expr) $($rest:tt)*) => {
        Some($crate::binding::Pages {
            input_token: $input,
            output_token: $output,
            results: &[$($result),*],
            more_results: $more,
        })
    };
    (@pages $other:tt $($rest:tt)*) => { $crate::bindings!(@pages $($rest)*) };
    (@pages) => { None };
    (@token token($member:literal) $($rest:tt)*) => { Some($member) };
    (@token $other:tt $($rest:tt)*) => { $crate::bindings!(@token $($rest)*) };
    (@token) => { None };
    (@output $output:ident body($field:ident $member:literal) $($rest:tt)*) => {
        match $crate::schema::with_body(&mut $output.$field).await {
            Ok(body) => $crate::schema::to_document(&$output)
                .map(|document| body.insert_into(document, $member)),
            Err(e) => Err(e),
        }
    };
    (@output $output:ident $other:tt $($rest:tt)*) => { $crate::bindings!(@output $output $($rest)*) };
    (@output $output:ident) => { $crate::schema::to_document(&$output) };
}
