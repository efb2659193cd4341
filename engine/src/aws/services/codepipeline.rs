//! CodePipeline: pipelines, their executions, action types and webhooks. Every operation of the
//! API, through the schema-driven conversion of `aws::schema`: a line per operation.

use crate::aws::schema::Required;
use crate::schema_bindings;

/// The required members of the shapes inside the inputs, which the schemas do not mark;
/// derived from the builders of aws-sdk-codepipeline 1.131.0.
const NESTED: Required = &[
    (
        "ActionConfigurationProperty",
        &["name", "required", "key", "secret"],
    ),
    ("ActionDeclaration", &["name", "actionTypeId"]),
    (
        "ActionRevision",
        &["revisionId", "revisionChangeId", "created"],
    ),
    (
        "ActionTypeArtifactDetails",
        &["minimumCount", "maximumCount"],
    ),
    (
        "ActionTypeDeclaration",
        &[
            "executor",
            "id",
            "inputArtifactDetails",
            "outputArtifactDetails",
        ],
    ),
    ("ActionTypeExecutor", &["configuration", "type"]),
    (
        "ActionTypeId",
        &["category", "owner", "provider", "version"],
    ),
    (
        "ActionTypeIdentifier",
        &["category", "owner", "provider", "version"],
    ),
    ("ActionTypePermissions", &["allowedAccounts"]),
    ("ActionTypeProperty", &["name", "optional", "key", "noEcho"]),
    ("ApprovalResult", &["summary", "status"]),
    ("ArtifactDetails", &["minimumCount", "maximumCount"]),
    ("ArtifactStore", &["type", "location"]),
    ("BeforeEntryConditions", &["conditions"]),
    ("BlockerDeclaration", &["name", "type"]),
    ("CurrentRevision", &["revision", "changeIdentifier"]),
    ("EncryptionKey", &["id", "type"]),
    ("EnvironmentVariable", &["name", "value"]),
    ("FailureDetails", &["type", "message"]),
    ("GitConfiguration", &["sourceActionName"]),
    ("InputArtifact", &["name"]),
    ("LambdaExecutorConfiguration", &["lambdaFunctionArn"]),
    (
        "LatestInPipelineExecutionFilter",
        &["pipelineExecutionId", "startTimeRange"],
    ),
    ("OutputArtifact", &["name"]),
    ("PipelineDeclaration", &["name", "roleArn", "stages"]),
    (
        "PipelineTriggerDeclaration",
        &["providerType", "gitConfiguration"],
    ),
    ("PipelineVariable", &["name", "value"]),
    ("PipelineVariableDeclaration", &["name"]),
    ("RuleDeclaration", &["name", "ruleTypeId"]),
    ("RuleTypeId", &["category", "provider"]),
    (
        "SourceRevisionOverride",
        &["actionName", "revisionType", "revisionValue"],
    ),
    ("StageDeclaration", &["name", "actions"]),
    ("SuccessConditions", &["conditions"]),
    ("Tag", &["key", "value"]),
    (
        "WebhookDefinition",
        &[
            "name",
            "targetPipeline",
            "targetAction",
            "filters",
            "authentication",
            "authenticationConfiguration",
        ],
    ),
    ("WebhookFilterRule", &["jsonPath"]),
];

schema_bindings!(codepipeline, aws_sdk_codepipeline, NESTED, {
    acknowledge_job AcknowledgeJobInput ["jobId", "nonce"]
        "Returns information about a specified job and whether that job has been received by the \
        job worker.";
    acknowledge_third_party_job AcknowledgeThirdPartyJobInput ["jobId", "nonce", "clientToken"]
        "Confirms a job worker has received the specified job.";
    create_custom_action_type CreateCustomActionTypeInput [
        "category",
        "provider",
        "version",
        "inputArtifactDetails",
        "outputArtifactDetails",
    ]
        "Creates a new custom action that can be used in all pipelines associated with the \
        Amazon Web Services account.";
    create_pipeline CreatePipelineInput ["pipeline"]
        "Creates a pipeline.";
    delete_custom_action_type DeleteCustomActionTypeInput ["category", "provider", "version"]
        "Marks a custom action as deleted.";
    delete_pipeline DeletePipelineInput ["name"]
        "Deletes the specified pipeline.";
    delete_webhook DeleteWebhookInput ["name"]
        "Deletes a previously created webhook by name.";
    deregister_webhook_with_third_party DeregisterWebhookWithThirdPartyInput []
        "Removes the connection between the webhook that was created by CodePipeline and the \
        external tool with events to be detected.";
    disable_stage_transition DisableStageTransitionInput [
        "pipelineName",
        "stageName",
        "transitionType",
        "reason",
    ]
        "Prevents artifacts in a pipeline from transitioning to the next stage in the pipeline.";
    enable_stage_transition EnableStageTransitionInput [
        "pipelineName",
        "stageName",
        "transitionType",
    ]
        "Enables artifacts in a pipeline to transition to a stage in a pipeline.";
    get_action_type GetActionTypeInput ["category", "owner", "provider", "version"]
        "Returns information about an action type created for an external provider, where the \
        action is to be used by customers of the external provider.";
    get_job_details GetJobDetailsInput ["jobId"]
        "Returns information about a job.";
    get_pipeline GetPipelineInput ["name"]
        "Returns the metadata, structure, stages, and actions of a pipeline.";
    get_pipeline_execution GetPipelineExecutionInput ["pipelineName", "pipelineExecutionId"]
        "Returns information about an execution of a pipeline, including details about \
        artifacts, the pipeline execution ID, and the name, version, and status of the \
        pipeline.";
    get_pipeline_state GetPipelineStateInput ["name"]
        "Returns information about the state of a pipeline, including the stages and actions.";
    get_third_party_job_details GetThirdPartyJobDetailsInput ["jobId", "clientToken"]
        "Requests the details of a job for a third party action.";
    list_action_executions ListActionExecutionsInput ["pipelineName"]
        "Lists the action executions that have occurred in a pipeline.";
    list_action_types ListActionTypesInput []
        "Gets a summary of all CodePipeline action types associated with your account.";
    list_deploy_action_execution_targets ListDeployActionExecutionTargetsInput ["actionExecutionId"]
        "Lists the targets for the deploy action.";
    list_pipeline_executions ListPipelineExecutionsInput ["pipelineName"]
        "Gets a summary of the most recent executions for a pipeline.";
    list_pipelines ListPipelinesInput []
        "Gets a summary of all of the pipelines associated with your account.";
    list_rule_executions ListRuleExecutionsInput ["pipelineName"]
        "Lists the rule executions that have occurred in a pipeline configured for conditions \
        with rules.";
    list_rule_types ListRuleTypesInput []
        "Lists the rules for the condition.";
    list_tags_for_resource ListTagsForResourceInput ["resourceArn"]
        "Gets the set of key-value pairs (metadata) that are used to manage the resource.";
    list_webhooks ListWebhooksInput []
        "Gets a listing of all the webhooks in this Amazon Web Services Region for this account.";
    override_stage_condition OverrideStageConditionInput [
        "pipelineName",
        "stageName",
        "pipelineExecutionId",
        "conditionType",
    ]
        "Used to override a stage condition.";
    poll_for_jobs PollForJobsInput ["actionTypeId"]
        "Returns information about any jobs for CodePipeline to act on.";
    poll_for_third_party_jobs PollForThirdPartyJobsInput ["actionTypeId"]
        "Determines whether there are any third party jobs for a job worker to act on.";
    put_action_revision PutActionRevisionInput [
        "pipelineName",
        "stageName",
        "actionName",
        "actionRevision",
    ]
        "Provides information to CodePipeline about new revisions to a source.";
    put_approval_result PutApprovalResultInput [
        "pipelineName",
        "stageName",
        "actionName",
        "result",
        "token",
    ]
        "Provides the response to a manual approval request to CodePipeline.";
    put_job_failure_result PutJobFailureResultInput ["jobId", "failureDetails"]
        "Represents the failure of a job as returned to the pipeline by a job worker.";
    put_job_success_result PutJobSuccessResultInput ["jobId"]
        "Represents the success of a job as returned to the pipeline by a job worker.";
    put_third_party_job_failure_result PutThirdPartyJobFailureResultInput [
        "jobId",
        "clientToken",
        "failureDetails",
    ]
        "Represents the failure of a third party job as returned to the pipeline by a job worker.";
    put_third_party_job_success_result PutThirdPartyJobSuccessResultInput ["jobId", "clientToken"]
        "Represents the success of a third party job as returned to the pipeline by a job worker.";
    put_webhook PutWebhookInput ["webhook"]
        "Defines a webhook and returns a unique webhook URL generated by CodePipeline.";
    register_webhook_with_third_party RegisterWebhookWithThirdPartyInput []
        "Configures a connection between the webhook that was created and the external tool with \
        events to be detected.";
    retry_stage_execution RetryStageExecutionInput [
        "pipelineName",
        "stageName",
        "pipelineExecutionId",
        "retryMode",
    ]
        "You can retry a stage that has failed without having to run a pipeline again from the \
        beginning.";
    rollback_stage RollbackStageInput ["pipelineName", "stageName", "targetPipelineExecutionId"]
        "Rolls back a stage execution.";
    start_pipeline_execution StartPipelineExecutionInput ["name"]
        "Starts the specified pipeline.";
    stop_pipeline_execution StopPipelineExecutionInput ["pipelineName", "pipelineExecutionId"]
        "Stops the specified pipeline execution.";
    tag_resource TagResourceInput ["resourceArn", "tags"]
        "Adds to or modifies the tags of the given resource.";
    untag_resource UntagResourceInput ["resourceArn", "tagKeys"]
        "Removes tags from an Amazon Web Services resource.";
    update_action_type UpdateActionTypeInput ["actionType"]
        "Updates an action type that was created with any supported integration model, where the \
        action type is to be used by customers of the action type provider.";
    update_pipeline UpdatePipelineInput ["pipeline"]
        "Updates a specified pipeline with edits or changes to its structure.";
});

#[cfg(test)]
mod tests {
    use aws_sdk_codepipeline::operation::create_pipeline::CreatePipelineInput;
    use aws_sdk_codepipeline::types::ActionOwner;

    use super::{bindings, NESTED};
    use crate::aws::error::CallError;
    use crate::aws::schema::testing::{document, required};
    use crate::aws::schema::{decode, to_document};

    fn create(script: &str) -> Result<CreatePipelineInput, CallError> {
        let required = required(&bindings(), "create_pipeline");
        decode(
            &document(script),
            required,
            NESTED,
            CreatePipelineInput::deserialize,
        )
    }

    const PIPELINE: &str = r#"#{
        pipeline: #{
            name: "example-pipeline",
            roleArn: "arn:aws:iam::123456789012:role/example-pipeline",
            artifactStore: #{ "type": "S3", location: "example-artifacts" },
            stages: [
                #{
                    name: "Source",
                    actions: [#{
                        name: "Source",
                        actionTypeId: #{
                            category: "Source", owner: "AWS", provider: "CodeCommit", version: "1",
                        },
                        configuration: #{
                            RepositoryName: "example_2022_1126",
                            BranchName: "main",
                            PollForSourceChanges: "false",
                            OutputArtifactFormat: "CODE_ZIP",
                        },
                        outputArtifacts: [#{ name: "SourceOutput" }],
                        runOrder: 1,
                    }],
                },
                #{
                    name: "Build",
                    actions: [#{
                        name: "Build",
                        actionTypeId: #{
                            category: "Build", owner: "AWS", provider: "CodeBuild", version: "1",
                        },
                        configuration: #{ ProjectName: "example-build" },
                        inputArtifacts: [#{ name: "SourceOutput" }],
                        outputArtifacts: [#{ name: "BuildOutput" }],
                        runOrder: 1,
                    }],
                },
            ],
            pipelineType: "V2",
        },
        tags: [#{ key: "team", value: "ops" }],
    }"#;

    #[test]
    fn a_two_stage_pipeline_declaration_round_trips() {
        let input = create(PIPELINE).unwrap();
        let pipeline = input.pipeline().unwrap();
        let source = &pipeline.stages()[0].actions()[0];
        assert_eq!(
            source.action_type_id().map(|t| t.owner()),
            Some(&ActionOwner::Aws)
        );
        assert_eq!(source.configuration().unwrap()["BranchName"], "main");
        assert_eq!(to_document(&input).unwrap(), document(PIPELINE));
    }

    #[test]
    fn a_missing_nested_required_member_is_named_with_its_path() {
        let error = create(&PIPELINE.replace(
            "owner: \"AWS\", provider: \"CodeBuild\"",
            "provider: \"CodeBuild\"",
        ))
        .unwrap_err();
        assert_eq!(
            error.message,
            "pipeline.stages[1].actions[0].actionTypeId.owner: required member is missing"
        );
        assert_eq!(
            create("#{}").unwrap_err().message,
            "pipeline: required member is missing"
        );
    }

    #[test]
    fn a_configuration_value_must_be_a_string() {
        let error = create(&PIPELINE.replace(
            "PollForSourceChanges: \"false\"",
            "PollForSourceChanges: false",
        ))
        .unwrap_err();
        assert_eq!(
            error.message,
            "pipeline.stages[0].actions[0].configuration.PollForSourceChanges: \
             expected a string, got a bool"
        );
    }
}
