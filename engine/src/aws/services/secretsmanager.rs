//! Secrets Manager: secrets and their values (the Docker Hub login a build reads through
//! its buildspec's `env.secrets-manager`).
//!
//! These bindings only convert: keeping a fetched value out of the journal is not done here.

use std::collections::HashMap;
use std::convert::Infallible;

use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_sdk_secretsmanager::types::{
    Filter, FilterNameStringType, ReplicationStatusType, SecretListEntry, SortByType,
    SortOrderType, Tag,
};
use aws_smithy_types::Document;

use crate::aws::clients::Clients;
use crate::aws::error::CallError;
use crate::aws::table::{blob, tag, Input, Table};
use crate::{doc, table_bindings};

fn replication(statuses: &[ReplicationStatusType]) -> Vec<Document> {
    statuses
        .iter()
        .map(|r| {
            doc! {
                "Region" => r.region(),
                "KmsKeyId" => r.kms_key_id(),
                "Status" => r.status().map(|s| s.as_str()),
                "StatusMessage" => r.status_message(),
                "LastAccessedDate" => r.last_accessed_date(),
            }
        })
        .collect()
}

/// The members DescribeSecret and a ListSecrets entry share (both SDK types name their
/// accessors alike), plus the one they name differently: the version stages.
macro_rules! secret_description {
    ($s:expr, $stages:literal) => {{
        let s = $s;
        doc! {
            "ARN" => s.arn(),
            "Name" => s.name(),
            "Type" => s.r#type(),
            "Description" => s.description(),
            "KmsKeyId" => s.kms_key_id(),
            "RotationEnabled" => s.rotation_enabled(),
            "RotationLambdaARN" => s.rotation_lambda_arn(),
            "RotationRules" => s.rotation_rules().map(|r| doc! {
                "AutomaticallyAfterDays" => r.automatically_after_days(),
                "Duration" => r.duration(),
                "ScheduleExpression" => r.schedule_expression(),
            }),
            "LastRotatedDate" => s.last_rotated_date(),
            "LastChangedDate" => s.last_changed_date(),
            "LastAccessedDate" => s.last_accessed_date(),
            "DeletedDate" => s.deleted_date(),
            "NextRotationDate" => s.next_rotation_date(),
            "Tags" => s.tags.as_deref().map(|tags| {
                tags.iter().map(|t| tag(t.key(), t.value())).collect::<Vec<_>>()
            }),
            $stages => s.versions_to_stages(),
            "OwningService" => s.owning_service(),
            "CreatedDate" => s.created_date(),
            "PrimaryRegion" => s.primary_region(),
        }
    }};
}

/// The version stages map, under the name each shape gives it.
trait VersionsToStages {
    fn versions_to_stages(&self) -> Option<&HashMap<String, Vec<String>>>;
}
impl VersionsToStages for DescribeSecretOutput {
    fn versions_to_stages(&self) -> Option<&HashMap<String, Vec<String>>> {
        self.version_ids_to_stages.as_ref()
    }
}
impl VersionsToStages for SecretListEntry {
    fn versions_to_stages(&self) -> Option<&HashMap<String, Vec<String>>> {
        self.secret_versions_to_stages.as_ref()
    }
}

fn tags(input: &mut Input) -> Result<Option<Vec<Tag>>, CallError> {
    input.tags("Tags", |k, v| {
        Ok::<_, Infallible>(Tag::builder().key(k).value(v).build())
    })
}

const CREATE_SECRET: Table = &[
    ("Name", true),
    ("ClientRequestToken", false),
    ("Description", false),
    ("KmsKeyId", false),
    ("SecretBinary", false),
    ("SecretString", false),
    ("Tags", false),
    ("ForceOverwriteReplicaSecret", false),
];

async fn create_secret(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, CREATE_SECRET)?;
    let out = c
        .secretsmanager()
        .create_secret()
        .set_name(i.string("Name")?)
        .set_client_request_token(i.string("ClientRequestToken")?)
        .set_description(i.string("Description")?)
        .set_kms_key_id(i.string("KmsKeyId")?)
        .set_secret_binary(i.blob("SecretBinary")?.map(Into::into))
        .set_secret_string(i.string("SecretString")?)
        .set_tags(tags(&mut i)?)
        .set_force_overwrite_replica_secret(i.bool("ForceOverwriteReplicaSecret")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "ARN" => out.arn(),
        "Name" => out.name(),
        "VersionId" => out.version_id(),
        "ReplicationStatus" => out.replication_status.as_deref().map(replication),
    })
}

const GET_SECRET_VALUE: Table = &[
    ("SecretId", true),
    ("VersionId", false),
    ("VersionStage", false),
];

async fn get_secret_value(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, GET_SECRET_VALUE)?;
    let out = c
        .secretsmanager()
        .get_secret_value()
        .set_secret_id(i.string("SecretId")?)
        .set_version_id(i.string("VersionId")?)
        .set_version_stage(i.string("VersionStage")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "ARN" => out.arn(),
        "Name" => out.name(),
        "VersionId" => out.version_id(),
        "SecretBinary" => out.secret_binary().map(|b| blob(b.as_ref())),
        "SecretString" => out.secret_string(),
        "VersionStages" => out.version_stages.as_deref(),
        "CreatedDate" => out.created_date(),
    })
}

const PUT_SECRET_VALUE: Table = &[
    ("SecretId", true),
    ("ClientRequestToken", false),
    ("SecretBinary", false),
    ("SecretString", false),
    ("VersionStages", false),
];

async fn put_secret_value(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_SECRET_VALUE)?;
    let out = c
        .secretsmanager()
        .put_secret_value()
        .set_secret_id(i.string("SecretId")?)
        .set_client_request_token(i.string("ClientRequestToken")?)
        .set_secret_binary(i.blob("SecretBinary")?.map(Into::into))
        .set_secret_string(i.string("SecretString")?)
        .set_version_stages(i.strings("VersionStages")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "ARN" => out.arn(),
        "Name" => out.name(),
        "VersionId" => out.version_id(),
        "VersionStages" => out.version_stages.as_deref(),
    })
}

const SECRET_ID: Table = &[("SecretId", true)];

async fn describe_secret(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, SECRET_ID)?;
    let out = c
        .secretsmanager()
        .describe_secret()
        .set_secret_id(i.string("SecretId")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let mut description = secret_description!(&out, "VersionIdsToStages");
    if let (Document::Object(object), Some(statuses)) =
        (&mut description, out.replication_status.as_deref())
    {
        object.insert(
            "ReplicationStatus".to_string(),
            Document::Array(replication(statuses)),
        );
    }
    Ok(description)
}

const LIST_SECRETS: Table = &[
    ("IncludePlannedDeletion", false),
    ("MaxResults", false),
    ("NextToken", false),
    ("Filters", false),
    ("SortOrder", false),
    ("SortBy", false),
];
const FILTER: Table = &[("Key", false), ("Values", false)];

async fn list_secrets(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_SECRETS)?;
    let mut filters = None;
    if let Some(items) = i.objects("Filters", FILTER)? {
        let mut list = Vec::with_capacity(items.len());
        for mut f in items {
            list.push(
                Filter::builder()
                    .set_key(f.enumeration("Key", FilterNameStringType::values())?)
                    .set_values(f.strings("Values")?)
                    .build(),
            );
        }
        filters = Some(list);
    }
    let out = c
        .secretsmanager()
        .list_secrets()
        .set_include_planned_deletion(i.bool("IncludePlannedDeletion")?)
        .set_max_results(i.int("MaxResults")?)
        .set_next_token(i.string("NextToken")?)
        .set_filters(filters)
        .set_sort_order(i.enumeration("SortOrder", SortOrderType::values())?)
        .set_sort_by(i.enumeration("SortBy", SortByType::values())?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let secrets = out
        .secret_list()
        .iter()
        .map(|s| secret_description!(s, "SecretVersionsToStages"))
        .collect::<Vec<_>>();
    Ok(doc! { "SecretList" => secrets, "NextToken" => out.next_token() })
}

const DELETE_SECRET: Table = &[
    ("SecretId", true),
    ("RecoveryWindowInDays", false),
    ("ForceDeleteWithoutRecovery", false),
];

async fn delete_secret(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DELETE_SECRET)?;
    let out = c
        .secretsmanager()
        .delete_secret()
        .set_secret_id(i.string("SecretId")?)
        .set_recovery_window_in_days(i.long("RecoveryWindowInDays")?)
        .set_force_delete_without_recovery(i.bool("ForceDeleteWithoutRecovery")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "ARN" => out.arn(),
        "Name" => out.name(),
        "DeletionDate" => out.deletion_date(),
    })
}

const UPDATE_SECRET: Table = &[
    ("SecretId", true),
    ("ClientRequestToken", false),
    ("Description", false),
    ("KmsKeyId", false),
    ("SecretBinary", false),
    ("SecretString", false),
];

async fn update_secret(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, UPDATE_SECRET)?;
    let out = c
        .secretsmanager()
        .update_secret()
        .set_secret_id(i.string("SecretId")?)
        .set_client_request_token(i.string("ClientRequestToken")?)
        .set_description(i.string("Description")?)
        .set_kms_key_id(i.string("KmsKeyId")?)
        .set_secret_binary(i.blob("SecretBinary")?.map(Into::into))
        .set_secret_string(i.string("SecretString")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "ARN" => out.arn(),
        "Name" => out.name(),
        "VersionId" => out.version_id(),
    })
}

table_bindings!("secretsmanager" {
    create_secret "CreateSecret" CREATE_SECRET
        "Creates a new secret, optionally with its first value (SecretString or SecretBinary).";
    get_secret_value "GetSecretValue" GET_SECRET_VALUE
        "Retrieves the contents of the encrypted fields SecretString or SecretBinary from the specified version of a secret.";
    put_secret_value "PutSecretValue" PUT_SECRET_VALUE
        "Creates a new version of your secret by creating a new encrypted value and attaching it to the secret.";
    describe_secret "DescribeSecret" SECRET_ID
        "Retrieves the details of a secret; it does not include the encrypted secret value.";
    list_secrets "ListSecrets" LIST_SECRETS
        "Lists the secrets that are stored by Secrets Manager in the Amazon Web Services account, not including secrets that are marked for deletion.";
    delete_secret "DeleteSecret" DELETE_SECRET
        "Deletes a secret and all of its versions, after a recovery window unless ForceDeleteWithoutRecovery.";
    update_secret "UpdateSecret" UPDATE_SECRET
        "Modifies the details of a secret, including metadata and the secret value.";
});
