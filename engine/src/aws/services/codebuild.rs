//! CodeBuild: build projects, builds, report groups and fleets. Every operation of the API, through
//! the schema-driven conversion of `aws::schema`: a line per operation.

use crate::aws::schema::Required;
use crate::schema_bindings;

/// The required members of the shapes inside the inputs, which the schemas do not mark;
/// derived from the builders of aws-sdk-codebuild 1.145.0.
const NESTED: Required = &[
    ("CloudWatchLogsConfig", &["status"]),
    ("DockerServer", &["computeType"]),
    ("EnvironmentVariable", &["name", "value"]),
    ("FleetProxyRule", &["type", "effect", "entities"]),
    ("GitSubmodulesConfig", &["fetchSubmodules"]),
    ("ProjectArtifacts", &["type"]),
    ("ProjectCache", &["type"]),
    ("ProjectEnvironment", &["type", "image", "computeType"]),
    ("ProjectSource", &["type"]),
    (
        "ProjectSourceVersion",
        &["sourceIdentifier", "sourceVersion"],
    ),
    ("PullRequestBuildPolicy", &["requiresCommentApproval"]),
    ("RegistryCredential", &["credential", "credentialProvider"]),
    ("S3LogsConfig", &["status"]),
    ("ScopeConfiguration", &["name", "scope"]),
    ("SourceAuth", &["type"]),
    ("WebhookFilter", &["type", "pattern"]),
];

schema_bindings!(codebuild, aws_sdk_codebuild, NESTED, {
    batch_delete_builds BatchDeleteBuildsInput ["ids"]
        "Deletes one or more builds.";
    batch_get_build_batches BatchGetBuildBatchesInput ["ids"]
        "Retrieves information about one or more batch builds.";
    batch_get_builds BatchGetBuildsInput ["ids"]
        "Gets information about one or more builds.";
    batch_get_command_executions BatchGetCommandExecutionsInput ["sandboxId", "commandExecutionIds"]
        "Gets information about the command executions.";
    batch_get_fleets BatchGetFleetsInput ["names"]
        "Gets information about one or more compute fleets.";
    batch_get_projects BatchGetProjectsInput ["names"]
        "Gets information about one or more build projects.";
    batch_get_report_groups BatchGetReportGroupsInput ["reportGroupArns"]
        "Returns an array of report groups.";
    batch_get_reports BatchGetReportsInput ["reportArns"]
        "Returns an array of reports.";
    batch_get_sandboxes BatchGetSandboxesInput ["ids"]
        "Gets information about the sandbox status.";
    create_fleet CreateFleetInput ["name", "baseCapacity", "environmentType", "computeType"]
        "Creates a compute fleet.";
    create_project CreateProjectInput ["name", "source", "artifacts", "environment", "serviceRole"]
        "Creates a build project.";
    create_report_group CreateReportGroupInput ["name", "type", "exportConfig"]
        "Creates a report group.";
    create_webhook CreateWebhookInput ["projectName"]
        "For an existing CodeBuild build project that has its source code stored in a GitHub or \
        Bitbucket repository, enables CodeBuild to start rebuilding the source code every time a \
        code change is pushed to the repository.";
    delete_build_batch DeleteBuildBatchInput ["id"]
        "Deletes a batch build.";
    delete_fleet DeleteFleetInput ["arn"]
        "Deletes a compute fleet.";
    delete_project DeleteProjectInput ["name"]
        "Deletes a build project.";
    delete_report DeleteReportInput ["arn"]
        "Deletes a report.";
    delete_report_group DeleteReportGroupInput ["arn"]
        "Deletes a report group.";
    delete_resource_policy DeleteResourcePolicyInput ["resourceArn"]
        "Deletes a resource policy that is identified by its resource ARN.";
    delete_source_credentials DeleteSourceCredentialsInput ["arn"]
        "Deletes a set of GitHub, GitHub Enterprise, or Bitbucket source credentials.";
    delete_webhook DeleteWebhookInput ["projectName"]
        "For an existing CodeBuild build project that has its source code stored in a GitHub or \
        Bitbucket repository, stops CodeBuild from rebuilding the source code every time a code \
        change is pushed to the repository.";
    describe_code_coverages DescribeCodeCoveragesInput ["reportArn"]
        "Retrieves one or more code coverage reports.";
    describe_test_cases DescribeTestCasesInput ["reportArn"]
        "Returns a list of details about test cases for a report.";
    get_report_group_trend GetReportGroupTrendInput ["reportGroupArn", "trendField"]
        "Analyzes and accumulates test report values for the specified test reports.";
    get_resource_policy GetResourcePolicyInput ["resourceArn"]
        "Gets a resource policy that is identified by its resource ARN.";
    import_source_credentials ImportSourceCredentialsInput ["token", "serverType", "authType"]
        "Imports the source repository credentials for an CodeBuild project that has its source \
        code stored in a GitHub, GitHub Enterprise, GitLab, GitLab Self Managed, or Bitbucket \
        repository.";
    invalidate_project_cache InvalidateProjectCacheInput ["projectName"]
        "Resets the cache for a project.";
    list_build_batches ListBuildBatchesInput []
        "Retrieves the identifiers of your build batches in the current region.";
    list_build_batches_for_project ListBuildBatchesForProjectInput []
        "Retrieves the identifiers of the build batches for a specific project.";
    list_builds ListBuildsInput []
        "Gets a list of build IDs, with each build ID representing a single build.";
    list_builds_for_project ListBuildsForProjectInput ["projectName"]
        "Gets a list of build identifiers for the specified build project, with each build \
        identifier representing a single build.";
    list_command_executions_for_sandbox ListCommandExecutionsForSandboxInput ["sandboxId"]
        "Gets a list of command executions for a sandbox.";
    list_curated_environment_images ListCuratedEnvironmentImagesInput []
        "Gets information about Docker images that are managed by CodeBuild.";
    list_fleets ListFleetsInput []
        "Gets a list of compute fleet names with each compute fleet name representing a single \
        compute fleet.";
    list_projects ListProjectsInput []
        "Gets a list of build project names, with each build project name representing a single \
        build project.";
    list_report_groups ListReportGroupsInput []
        "Gets a list ARNs for the report groups in the current Amazon Web Services account.";
    list_reports ListReportsInput []
        "Returns a list of ARNs for the reports in the current Amazon Web Services account.";
    list_reports_for_report_group ListReportsForReportGroupInput ["reportGroupArn"]
        "Returns a list of ARNs for the reports that belong to a ReportGroup.";
    list_sandboxes ListSandboxesInput []
        "Gets a list of sandboxes.";
    list_sandboxes_for_project ListSandboxesForProjectInput ["projectName"]
        "Gets a list of sandboxes for a given project.";
    list_shared_projects ListSharedProjectsInput []
        "Gets a list of projects that are shared with other Amazon Web Services accounts or users.";
    list_shared_report_groups ListSharedReportGroupsInput []
        "Gets a list of report groups that are shared with other Amazon Web Services accounts or \
        users.";
    list_source_credentials ListSourceCredentialsInput []
        "Returns a list of SourceCredentialsInfo objects.";
    put_resource_policy PutResourcePolicyInput ["policy", "resourceArn"]
        "Stores a resource policy for the ARN of a Project or ReportGroup object.";
    retry_build RetryBuildInput []
        "Restarts a build.";
    retry_build_batch RetryBuildBatchInput []
        "Restarts a failed batch build.";
    start_build StartBuildInput ["projectName"]
        "Starts running a build with the settings defined in the project.";
    start_build_batch StartBuildBatchInput ["projectName"]
        "Starts a batch build for a project.";
    start_command_execution StartCommandExecutionInput ["sandboxId", "command"]
        "Starts a command execution.";
    start_sandbox StartSandboxInput []
        "Starts a sandbox.";
    start_sandbox_connection StartSandboxConnectionInput ["sandboxId"]
        "Starts a sandbox connection.";
    stop_build StopBuildInput ["id"]
        "Attempts to stop running a build.";
    stop_build_batch StopBuildBatchInput ["id"]
        "Stops a running batch build.";
    stop_sandbox StopSandboxInput ["id"]
        "Stops a sandbox.";
    update_fleet UpdateFleetInput ["arn"]
        "Updates a compute fleet.";
    update_project UpdateProjectInput ["name"]
        "Changes the settings of a build project.";
    update_project_visibility UpdateProjectVisibilityInput ["projectArn", "projectVisibility"]
        "Changes the public visibility for a project.";
    update_report_group UpdateReportGroupInput ["arn"]
        "Updates a report group.";
    update_webhook UpdateWebhookInput ["projectName"]
        "Updates the webhook associated with an CodeBuild build project.";
});
