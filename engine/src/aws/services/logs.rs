//! CloudWatch Logs: the log groups ECS tasks and CodeBuild builds write to, and reading them.

use aws_sdk_cloudwatchlogs::types::{LogGroup, LogStream, OutputLogEvent};
use aws_smithy_types::Document;

use crate::aws::clients::Clients;
use crate::aws::error::CallError;
use crate::aws::table::{Input, Table};
use crate::{doc, table_bindings};

fn log_group(g: &LogGroup) -> Document {
    doc! {
        "logGroupName" => g.log_group_name(),
        "creationTime" => g.creation_time(),
        "retentionInDays" => g.retention_in_days(),
        "metricFilterCount" => g.metric_filter_count(),
        "arn" => g.arn(),
        "storedBytes" => g.stored_bytes(),
        "kmsKeyId" => g.kms_key_id(),
        "logGroupClass" => g.log_group_class().map(|c| c.as_str()),
        "logGroupArn" => g.log_group_arn(),
    }
}

fn log_stream(s: &LogStream) -> Document {
    doc! {
        "logStreamName" => s.log_stream_name(),
        "creationTime" => s.creation_time(),
        "firstEventTimestamp" => s.first_event_timestamp(),
        "lastEventTimestamp" => s.last_event_timestamp(),
        "lastIngestionTime" => s.last_ingestion_time(),
        "arn" => s.arn(),
    }
}

fn event(e: &OutputLogEvent) -> Document {
    doc! {
        "timestamp" => e.timestamp(),
        "message" => e.message(),
        "ingestionTime" => e.ingestion_time(),
    }
}

const CREATE_LOG_GROUP: Table = &[
    ("logGroupName", true),
    ("kmsKeyId", false),
    ("tags", false),
    ("logGroupClass", false),
];

async fn create_log_group(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, CREATE_LOG_GROUP)?;
    c.logs()
        .create_log_group()
        .set_log_group_name(i.string("logGroupName")?)
        .set_kms_key_id(i.string("kmsKeyId")?)
        .set_tags(i.string_map("tags")?)
        .set_log_group_class(i.string("logGroupClass")?.map(|c| c.as_str().into()))
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const DESCRIBE_LOG_GROUPS: Table = &[
    ("logGroupNamePrefix", false),
    ("logGroupNamePattern", false),
    ("nextToken", false),
    ("limit", false),
    ("logGroupClass", false),
];

async fn describe_log_groups(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DESCRIBE_LOG_GROUPS)?;
    let out = c
        .logs()
        .describe_log_groups()
        .set_log_group_name_prefix(i.string("logGroupNamePrefix")?)
        .set_log_group_name_pattern(i.string("logGroupNamePattern")?)
        .set_next_token(i.string("nextToken")?)
        .set_limit(i.int("limit")?)
        .set_log_group_class(i.string("logGroupClass")?.map(|c| c.as_str().into()))
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "logGroups" => out.log_groups().iter().map(log_group).collect::<Vec<_>>(),
        "nextToken" => out.next_token(),
    })
}

const DELETE_LOG_GROUP: Table = &[("logGroupName", true)];

async fn delete_log_group(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DELETE_LOG_GROUP)?;
    c.logs()
        .delete_log_group()
        .set_log_group_name(i.string("logGroupName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const PUT_RETENTION_POLICY: Table = &[("logGroupName", true), ("retentionInDays", true)];

async fn put_retention_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_RETENTION_POLICY)?;
    c.logs()
        .put_retention_policy()
        .set_log_group_name(i.string("logGroupName")?)
        .set_retention_in_days(i.int("retentionInDays")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const DELETE_RETENTION_POLICY: Table = &[("logGroupName", true)];

async fn delete_retention_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DELETE_RETENTION_POLICY)?;
    c.logs()
        .delete_retention_policy()
        .set_log_group_name(i.string("logGroupName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const DESCRIBE_LOG_STREAMS: Table = &[
    ("logGroupName", false),
    ("logGroupIdentifier", false),
    ("logStreamNamePrefix", false),
    ("descending", false),
    ("nextToken", false),
    ("limit", false),
];

async fn describe_log_streams(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DESCRIBE_LOG_STREAMS)?;
    let out = c
        .logs()
        .describe_log_streams()
        .set_log_group_name(i.string("logGroupName")?)
        .set_log_group_identifier(i.string("logGroupIdentifier")?)
        .set_log_stream_name_prefix(i.string("logStreamNamePrefix")?)
        .set_descending(i.bool("descending")?)
        .set_next_token(i.string("nextToken")?)
        .set_limit(i.int("limit")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "logStreams" => out.log_streams().iter().map(log_stream).collect::<Vec<_>>(),
        "nextToken" => out.next_token(),
    })
}

const GET_LOG_EVENTS: Table = &[
    ("logGroupName", false),
    ("logGroupIdentifier", false),
    ("logStreamName", true),
    ("startTime", false),
    ("endTime", false),
    ("nextToken", false),
    ("limit", false),
    ("startFromHead", false),
];

async fn get_log_events(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, GET_LOG_EVENTS)?;
    let out = c
        .logs()
        .get_log_events()
        .set_log_group_name(i.string("logGroupName")?)
        .set_log_group_identifier(i.string("logGroupIdentifier")?)
        .set_log_stream_name(i.string("logStreamName")?)
        .set_start_time(i.long("startTime")?)
        .set_end_time(i.long("endTime")?)
        .set_next_token(i.string("nextToken")?)
        .set_limit(i.int("limit")?)
        .set_start_from_head(i.bool("startFromHead")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "events" => out.events().iter().map(event).collect::<Vec<_>>(),
        "nextForwardToken" => out.next_forward_token(),
        "nextBackwardToken" => out.next_backward_token(),
    })
}

table_bindings!("logs" {
    create_log_group "CreateLogGroup" CREATE_LOG_GROUP
        "Creates a log group with the specified name.";
    describe_log_groups "DescribeLogGroups" DESCRIBE_LOG_GROUPS
        "Returns information about log groups, optionally those whose names start with a prefix.";
    delete_log_group "DeleteLogGroup" DELETE_LOG_GROUP
        "Deletes the specified log group and permanently deletes all the archived log events in it.";
    put_retention_policy "PutRetentionPolicy" PUT_RETENTION_POLICY
        "Sets the retention of the specified log group.";
    delete_retention_policy "DeleteRetentionPolicy" DELETE_RETENTION_POLICY
        "Deletes the specified retention policy: log events do not expire.";
    describe_log_streams "DescribeLogStreams" DESCRIBE_LOG_STREAMS
        "Lists the log streams for the specified log group.";
    get_log_events "GetLogEvents" GET_LOG_EVENTS
        "Lists log events from the specified log stream.";
});
