//! STS: who the caller is (the account id every ARN in a runbook needs).

use aws_smithy_types::Document;

use crate::aws::clients::Clients;
use crate::aws::error::CallError;
use crate::aws::table::{Input, Table};
use crate::{doc, table_bindings};

const GET_CALLER_IDENTITY: Table = &[];

async fn get_caller_identity(c: &Clients, input: Document) -> Result<Document, CallError> {
    Input::new(input, GET_CALLER_IDENTITY)?;
    let out = c
        .sts()
        .get_caller_identity()
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "UserId" => out.user_id(), "Account" => out.account(), "Arn" => out.arn() })
}

table_bindings!("sts" {
    get_caller_identity "GetCallerIdentity" GET_CALLER_IDENTITY
        "Returns details about the IAM user or role whose credentials are used to call the operation.";
});
