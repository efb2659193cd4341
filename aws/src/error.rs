//! What a failed AWS call becomes: the code, message and request id the service sent (or a
//! local validation error naming the member), raised in scripts as the map
//! `#{ service, operation, code, message, request_id }`.

use std::fmt;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    /// The HTTP status of a service's error answer (waiters' `status` acceptors read it).
    pub status: Option<u16>,
}

/// The code of errors found before a request is sent (as botocore names them).
pub const PARAM_VALIDATION: &str = "ParamValidation";

impl CallError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> CallError {
        CallError {
            code: code.into(),
            message: message.into(),
            request_id: None,
            status: None,
        }
    }

    /// An input the SDK would refuse or silently drop: `path` names the member.
    pub fn invalid(path: &str, message: impl fmt::Display) -> CallError {
        let message = if path.is_empty() {
            message.to_string()
        } else {
            format!("{path}: {message}")
        };
        CallError::new(PARAM_VALIDATION, message)
    }

    pub fn from_sdk<E>(error: SdkError<E, HttpResponse>) -> CallError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match &error {
            SdkError::ServiceError(service) => {
                let err = service.err();
                CallError {
                    code: err.code().unwrap_or("Unknown").to_string(),
                    message: err
                        .message()
                        .map_or_else(|| err.to_string(), str::to_string),
                    request_id: err.meta().extra("aws_request_id").map(str::to_string),
                    status: Some(service.raw().status().as_u16()),
                }
            }
            SdkError::ConstructionFailure(_) => CallError::new(PARAM_VALIDATION, chain(&error)),
            SdkError::TimeoutError(_) => CallError::new("Timeout", chain(&error)),
            SdkError::DispatchFailure(_) => CallError::new("DispatchFailure", chain(&error)),
            SdkError::ResponseError(_) => CallError::new("ResponseError", chain(&error)),
            _ => CallError::new("Unknown", chain(&error)),
        }
    }
}

/// The error and its sources on one line: the SDK's top-level messages alone ("dispatch
/// failure") do not say what went wrong.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}
