//! EventBridge: rules and their targets (the pipeline's change detection: a CodeCommit
//! "Repository State Change" rule targeting the pipeline).

use aws_sdk_eventbridge::types::{InputTransformer, RuleState, Tag, Target};
use aws_smithy_types::Document;

use crate::aws::clients::Clients;
use crate::aws::error::CallError;
use crate::aws::table::{Input, Table};
use crate::{doc, table_bindings};

const PUT_RULE: Table = &[
    ("Name", true),
    ("ScheduleExpression", false),
    ("EventPattern", false),
    ("State", false),
    ("Description", false),
    ("RoleArn", false),
    ("Tags", false),
    ("EventBusName", false),
];

async fn put_rule(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_RULE)?;
    let out = c
        .events()
        .put_rule()
        .set_name(i.string("Name")?)
        .set_schedule_expression(i.string("ScheduleExpression")?)
        .set_event_pattern(i.json_text("EventPattern")?)
        .set_state(i.enumeration("State", RuleState::values())?)
        .set_description(i.string("Description")?)
        .set_role_arn(i.string("RoleArn")?)
        .set_tags(i.tags("Tags", |k, v| Tag::builder().key(k).value(v).build())?)
        .set_event_bus_name(i.string("EventBusName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "RuleArn" => out.rule_arn() })
}

const RULE_NAME: Table = &[("Name", true), ("EventBusName", false)];

async fn describe_rule(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, RULE_NAME)?;
    let out = c
        .events()
        .describe_rule()
        .set_name(i.string("Name")?)
        .set_event_bus_name(i.string("EventBusName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "Name" => out.name(),
        "Arn" => out.arn(),
        "EventPattern" => out.event_pattern(),
        "ScheduleExpression" => out.schedule_expression(),
        "State" => out.state().map(|s| s.as_str()),
        "Description" => out.description(),
        "RoleArn" => out.role_arn(),
        "ManagedBy" => out.managed_by(),
        "EventBusName" => out.event_bus_name(),
        "CreatedBy" => out.created_by(),
    })
}

const LIST_RULES: Table = &[
    ("NamePrefix", false),
    ("EventBusName", false),
    ("NextToken", false),
    ("Limit", false),
];

async fn list_rules(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_RULES)?;
    let out = c
        .events()
        .list_rules()
        .set_name_prefix(i.string("NamePrefix")?)
        .set_event_bus_name(i.string("EventBusName")?)
        .set_next_token(i.string("NextToken")?)
        .set_limit(i.int("Limit")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let rules = out
        .rules()
        .iter()
        .map(|r| {
            doc! {
                "Name" => r.name(),
                "Arn" => r.arn(),
                "EventPattern" => r.event_pattern(),
                "State" => r.state().map(|s| s.as_str()),
                "Description" => r.description(),
                "ScheduleExpression" => r.schedule_expression(),
                "RoleArn" => r.role_arn(),
                "ManagedBy" => r.managed_by(),
                "EventBusName" => r.event_bus_name(),
            }
        })
        .collect::<Vec<_>>();
    Ok(doc! { "Rules" => rules, "NextToken" => out.next_token() })
}

const DELETE_RULE: Table = &[("Name", true), ("EventBusName", false), ("Force", false)];

async fn delete_rule(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DELETE_RULE)?;
    c.events()
        .delete_rule()
        .set_name(i.string("Name")?)
        .set_event_bus_name(i.string("EventBusName")?)
        .set_force(i.bool("Force")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

async fn enable_rule(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, RULE_NAME)?;
    c.events()
        .enable_rule()
        .set_name(i.string("Name")?)
        .set_event_bus_name(i.string("EventBusName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

async fn disable_rule(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, RULE_NAME)?;
    c.events()
        .disable_rule()
        .set_name(i.string("Name")?)
        .set_event_bus_name(i.string("EventBusName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

/// PutTargets' and RemoveTargets' answers: alike, but of two SDK types. An answer with failed
/// entries succeeded only in part, and a target that was not put is not there: it is raised
/// as the first entry's error (so the propagation table sees a role not usable yet), naming
/// the target, instead of being left for every script to look for.
macro_rules! failed_entries {
    ($out:expr) => {{
        let out = $out;
        match out.failed_entries().first() {
            Some(first) if out.failed_entry_count() > 0 => Err(CallError::new(
                first.error_code().unwrap_or("FailedEntry"),
                format!(
                    "target {}: {} ({} of the entries failed)",
                    first.target_id().unwrap_or("?"),
                    first.error_message().unwrap_or("no message"),
                    out.failed_entry_count()
                ),
            )),
            _ => Ok(doc! {
                "FailedEntryCount" => out.failed_entry_count(),
                "FailedEntries" => Vec::<Document>::new(),
            }),
        }
    }};
}

const PUT_TARGETS: Table = &[("Rule", true), ("Targets", true), ("EventBusName", false)];
const TARGET: Table = &[
    ("Id", true),
    ("Arn", true),
    ("RoleArn", false),
    ("Input", false),
    ("InputPath", false),
    ("InputTransformer", false),
];
const INPUT_TRANSFORMER: Table = &[("InputPathsMap", false), ("InputTemplate", true)];

fn target(mut t: Input) -> Result<Target, CallError> {
    let transformer = match t.object("InputTransformer", INPUT_TRANSFORMER)? {
        Some(mut x) => Some(
            InputTransformer::builder()
                .set_input_paths_map(x.string_map("InputPathsMap")?)
                .set_input_template(x.string("InputTemplate")?)
                .build()
                .map_err(|e| CallError::invalid("Targets.InputTransformer", e))?,
        ),
        None => None,
    };
    Target::builder()
        .set_id(t.string("Id")?)
        .set_arn(t.string("Arn")?)
        .set_role_arn(t.string("RoleArn")?)
        // The constant JSON text passed to the target: a map is serialized.
        .set_input(t.json_text("Input")?)
        .set_input_path(t.string("InputPath")?)
        .set_input_transformer(transformer)
        .build()
        .map_err(|e| CallError::invalid("Targets", e))
}

/// The target members this binding reads and writes; a target set up elsewhere with other
/// parameters (ECS, SQS, retry policy ...) shows only these.
fn target_doc(t: &Target) -> Document {
    doc! {
        "Id" => t.id(),
        "Arn" => t.arn(),
        "RoleArn" => t.role_arn(),
        "Input" => t.input(),
        "InputPath" => t.input_path(),
        "InputTransformer" => t.input_transformer().map(|x| doc! {
            "InputPathsMap" => x.input_paths_map(),
            "InputTemplate" => x.input_template(),
        }),
    }
}

async fn put_targets(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_TARGETS)?;
    let targets = i
        .objects("Targets", TARGET)?
        .map(|items| items.into_iter().map(target).collect::<Result<Vec<_>, _>>())
        .transpose()?;
    let out = c
        .events()
        .put_targets()
        .set_rule(i.string("Rule")?)
        .set_targets(targets)
        .set_event_bus_name(i.string("EventBusName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    failed_entries!(out)
}

const LIST_TARGETS_BY_RULE: Table = &[
    ("Rule", true),
    ("EventBusName", false),
    ("NextToken", false),
    ("Limit", false),
];

async fn list_targets_by_rule(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_TARGETS_BY_RULE)?;
    let out = c
        .events()
        .list_targets_by_rule()
        .set_rule(i.string("Rule")?)
        .set_event_bus_name(i.string("EventBusName")?)
        .set_next_token(i.string("NextToken")?)
        .set_limit(i.int("Limit")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "Targets" => out.targets().iter().map(target_doc).collect::<Vec<_>>(),
        "NextToken" => out.next_token(),
    })
}

const REMOVE_TARGETS: Table = &[
    ("Rule", true),
    ("Ids", true),
    ("EventBusName", false),
    ("Force", false),
];

async fn remove_targets(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, REMOVE_TARGETS)?;
    let out = c
        .events()
        .remove_targets()
        .set_rule(i.string("Rule")?)
        .set_ids(i.strings("Ids")?)
        .set_event_bus_name(i.string("EventBusName")?)
        .set_force(i.bool("Force")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    failed_entries!(out)
}

const LIST_RULE_NAMES_BY_TARGET: Table = &[
    ("TargetArn", true),
    ("EventBusName", false),
    ("NextToken", false),
    ("Limit", false),
];

async fn list_rule_names_by_target(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_RULE_NAMES_BY_TARGET)?;
    let out = c
        .events()
        .list_rule_names_by_target()
        .set_target_arn(i.string("TargetArn")?)
        .set_event_bus_name(i.string("EventBusName")?)
        .set_next_token(i.string("NextToken")?)
        .set_limit(i.int("Limit")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "RuleNames" => out.rule_names(), "NextToken" => out.next_token() })
}

table_bindings!("events" {
    put_rule "PutRule" PUT_RULE
        "Creates or updates the specified rule; EventPattern is a map or its JSON text.";
    describe_rule "DescribeRule" RULE_NAME
        "Describes the specified rule.";
    list_rules "ListRules" LIST_RULES
        "Lists your EventBridge rules; you can either list all the rules or provide a prefix.";
    delete_rule "DeleteRule" DELETE_RULE
        "Deletes the specified rule; remove all its targets first.";
    enable_rule "EnableRule" RULE_NAME
        "Enables the specified rule.";
    disable_rule "DisableRule" RULE_NAME
        "Disables the specified rule; it stops matching events.";
    put_targets "PutTargets" PUT_TARGETS
        "Adds the specified targets to the specified rule, or updates the targets if they are already associated with the rule.";
    list_targets_by_rule "ListTargetsByRule" LIST_TARGETS_BY_RULE
        "Lists the targets assigned to the specified rule.";
    remove_targets "RemoveTargets" REMOVE_TARGETS
        "Removes the specified targets from the specified rule.";
    list_rule_names_by_target "ListRuleNamesByTarget" LIST_RULE_NAMES_BY_TARGET
        "Lists the rules for the specified target.";
});
