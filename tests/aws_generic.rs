//! The schema-driven services (ecs, codebuild, codecommit, codepipeline) through Rhai
//! scripts run by the real binary against the emulator.

use serde_json::{json, Value};

use crate::emulator::{aws_test, boto3, network};

/// A role CodePipeline may assume in moto (which wants the service as a single string).
fn pipeline_role() {
    boto3(
        "client('iam').create_role(RoleName='pipeline', AssumeRolePolicyDocument=json.dumps({\
         'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole',\
         'Principal': {'Service': 'codepipeline.amazonaws.com'}}]}))",
    );
}

#[test]
fn ecs_task_definition_round_trips_and_a_service_becomes_stable() {
    let (_guard, t) = aws_test();
    let network = network("subnet", "sg");
    let args: Vec<&str> = network.iter().map(String::as_str).collect();
    let value = t.value_of(
        r#"
let subnet = param("subnet");
let sg = param("sg");
let task = #{
    family: "example",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "256",
    memory: "512",
    executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    containerDefinitions: [#{
        name: "web", image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/example:v0.95",
        cpu: 256, memory: 512, essential: true,
        portMappings: [#{ containerPort: 80, hostPort: 80, protocol: "tcp" }],
        environment: [#{ name: "MODE", value: "demo" }],
        logConfiguration: #{ logDriver: "awslogs", options: #{
            "awslogs-group": "/ecs/example", "awslogs-region": "ap-northeast-1",
            "awslogs-stream-prefix": "ecs" } },
    }],
};
step "ecs" {
    ecs::create_cluster(#{ clusterName: "example" });
    let registered = ecs::register_task_definition(task);
    let described = ecs::describe_task_definition(#{ taskDefinition: "example" });
    ecs::create_service(#{ cluster: "example", serviceName: "web", desiredCount: 1,
        taskDefinition: registered.taskDefinition.taskDefinitionArn, launchType: "FARGATE",
        networkConfiguration: #{ awsvpcConfiguration: #{ subnets: [subnet],
                                                         securityGroups: [sg] } } });
    let stable = ecs::wait_services_stable(#{ cluster: "example", services: ["web"] });
    #{ sent: task, got: described.taskDefinition,
       running: stable.services[0].runningCount }
}
"#,
        &args,
    );
    let (sent, got) = (&value["sent"], &value["got"]);
    for member in [
        "family",
        "networkMode",
        "requiresCompatibilities",
        "cpu",
        "memory",
        "executionRoleArn",
    ] {
        assert_eq!(got[member], sent[member], "{member}");
    }
    let (sent, got) = (
        &sent["containerDefinitions"][0],
        &got["containerDefinitions"][0],
    );
    for member in [
        "name",
        "image",
        "cpu",
        "memory",
        "essential",
        "portMappings",
        "environment",
        "logConfiguration",
    ] {
        assert_eq!(
            got[member], sent[member],
            "containerDefinitions[0].{member}"
        );
    }
    assert_eq!(value["running"], 1);
}

#[test]
fn ecs_duplicate_and_missing_resources_are_error_codes_in_rhai() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "ecs" {
    ecs::create_cluster(#{ clusterName: "c" });
    let missing = "";
    try { ecs::delete_service(#{ cluster: "c", service: "nope" }); } catch (e) { missing = e.code; }
    let clusters = ecs::list_clusters().clusterArns;
    ecs::delete_cluster(#{ cluster: "c" });
    #{ missing: missing, clusters: clusters.len(),
       after: ecs::describe_clusters(#{ clusters: ["c"] }).clusters[0].status }
}
"#,
        &[],
    );
    assert_eq!(value["missing"], "ServiceNotFoundException");
    assert_eq!(value["clusters"], 1);
    assert_eq!(value["after"], "INACTIVE");
}

#[test]
fn codebuild_project_build_and_wait() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
let project = #{
    name: "example_2022_1126",
    source: #{ type: "CODECOMMIT", gitCloneDepth: 0,
               location: "https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/example_2022_1126" },
    sourceVersion: "refs/heads/master",
    artifacts: #{ type: "NO_ARTIFACTS" },
    environment: #{ type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_SMALL",
        image: "aws/codebuild/amazonlinux2-x86_64-standard:4.0", privilegedMode: true,
        environmentVariables: [#{ name: "AWS_ACCOUNT_ID", value: "123456789012", type: "PLAINTEXT" }] },
    serviceRole: "arn:aws:iam::123456789012:role/service-role/codebuild-example_2022_1126-service-role",
};
step "codebuild" {
    codebuild::create_project(project);
    let duplicate = "";
    try { codebuild::create_project(project); } catch (e) { duplicate = e.code; }
    let got = codebuild::batch_get_projects(#{ names: ["example_2022_1126"] }).projects[0];
    let build = codebuild::start_build(#{ projectName: "example_2022_1126" }).build;
    let done = codebuild::wait_build_succeeded(#{ ids: [build.id] }, #{ timeout: 60 });
    codebuild::delete_project(#{ name: "example_2022_1126" });
    #{ duplicate: duplicate, sent: project, got: got, status: done.builds[0].buildStatus,
       after: codebuild::list_projects().projects.len() }
}
"#, &[]);
    assert_eq!(value["duplicate"], "ResourceAlreadyExistsException");
    assert_eq!(value["status"], "SUCCEEDED");
    assert_eq!(value["after"], 0);
    for member in ["source", "environment", "serviceRole", "sourceVersion"] {
        assert_eq!(value["got"][member], value["sent"][member], "{member}");
    }
}

#[test]
fn codepipeline_declaration_with_two_stages_round_trips_and_runs() {
    let (_guard, t) = aws_test();
    pipeline_role();
    let value = t.value_of(
        r#"
let pipeline = #{
    name: "example_2022_1126",
    roleArn: "arn:aws:iam::123456789012:role/pipeline",
    artifactStore: #{ type: "S3", location: "codepipeline-ap-northeast-1-example" },
    stages: [
        #{ name: "Source", actions: [#{ name: "Source",
            actionTypeId: #{ category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
            configuration: #{ RepositoryName: "example_2022_1126", BranchName: "master",
                              PollForSourceChanges: "false", OutputArtifactFormat: "CODE_ZIP" },
            outputArtifacts: [#{ name: "SourceArtifact" }], runOrder: 1 }] },
        #{ name: "Build", actions: [#{ name: "Build",
            actionTypeId: #{ category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
            configuration: #{ ProjectName: "example_2022_1126" },
            inputArtifacts: [#{ name: "SourceArtifact" }],
            outputArtifacts: [#{ name: "BuildArtifact" }], runOrder: 1 }] },
    ],
};
step "codepipeline" {
    codepipeline::create_pipeline(#{ pipeline: pipeline });
    // AWS answers PipelineNameInUseException; moto 5.2.5 answers InvalidStructureException.
    let duplicate = "";
    try { codepipeline::create_pipeline(#{ pipeline: pipeline }); } catch (e) { duplicate = e.code; }
    let got = codepipeline::get_pipeline(#{ name: "example_2022_1126" }).pipeline;
    let id = codepipeline::start_pipeline_execution(#{ name: "example_2022_1126" }).pipelineExecutionId;
    let done = codepipeline::wait_pipeline_execution_succeeded(#{
        pipelineName: "example_2022_1126", pipelineExecutionId: id });
    codepipeline::delete_pipeline(#{ name: "example_2022_1126" });
    #{ sent: pipeline, got: got, status: done.pipelineExecution.status, duplicate: duplicate,
       after: codepipeline::list_pipelines().pipelines.len() }
}
"#, &[]);
    assert_eq!(value["status"], "Succeeded");
    assert_eq!(value["duplicate"], "InvalidStructureException");
    assert_eq!(value["after"], 0);
    let (sent, got) = (&value["sent"], &value["got"]);
    assert_eq!(got["roleArn"], sent["roleArn"]);
    assert_eq!(got["artifactStore"], sent["artifactStore"]);
    for stage in 0..2 {
        let (s, g) = (&sent["stages"][stage], &got["stages"][stage]);
        assert_eq!(g["name"], s["name"]);
        for member in [
            "name",
            "actionTypeId",
            "configuration",
            "outputArtifacts",
            "runOrder",
        ] {
            assert_eq!(
                g["actions"][0][member], s["actions"][0][member],
                "stage {stage} {member}"
            );
        }
    }
    assert_eq!(
        got["stages"][1]["actions"][0]["inputArtifacts"],
        json!([{ "name": "SourceArtifact" }])
    );
}

#[test]
fn codecommit_commits_real_files_and_reports_duplicates() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "codecommit" {
    let repo = codecommit::create_repository(#{ repositoryName: "example_2022_1126" });
    let duplicate = "";
    try { codecommit::create_repository(#{ repositoryName: "example_2022_1126" }); }
    catch (e) { duplicate = e.code; }
    let commit = codecommit::create_commit(#{ repositoryName: "example_2022_1126",
        branchName: "master", commitMessage: "seed",
        putFiles: [#{ filePath: "nginx/Dockerfile", fileContent: "FROM nginx\n" }] });
    let file = codecommit::get_file(#{ repositoryName: "example_2022_1126",
                                       filePath: "nginx/Dockerfile" });
    let branch = codecommit::get_branch(#{ repositoryName: "example_2022_1126", branchName: "master" });
    codecommit::delete_repository(#{ repositoryName: "example_2022_1126" });
    #{ arn: repo.repositoryMetadata.Arn, duplicate: duplicate, content: file.fileContent,
       same: branch.branch.commitId == commit.commitId }
}
"#, &[]);
    assert_eq!(value["duplicate"], "RepositoryNameExistsException");
    assert_eq!(value["content"], "FROM nginx\n");
    assert_eq!(value["same"], true);
    assert_eq!(
        value["arn"],
        "arn:aws:codecommit:ap-northeast-1:123456789012:example_2022_1126"
    );
}

#[test]
fn a_nested_member_typo_is_named_with_its_path_before_sending() {
    let (_guard, t) = aws_test();
    t.write(
        "typo.rhai",
        "step \"typo\" { ecs::register_task_definition(#{ family: \"f\", containerDefinitions: \
         [#{ name: \"web\", image: \"nginx\", logConfiguration: #{ logDrivr: \"awslogs\" } }] }) }\n",
    );
    // Written out in the call, it is refused before the run, at the member (exit 3).
    t.run(&["exec", "typo.rhai"]).status(3).stderr_has(
        "error: ecs RegisterTaskDefinition: ParamValidation: \
         containerDefinitions[0].logConfiguration.logDrivr: unknown member (did you mean \
         \"logDriver\"?)",
    );
    let value = t.value_of(
        "step \"none\" { ecs::list_task_definitions().taskDefinitionArns.len() }\n",
        &[],
    );
    assert_eq!(value, 0, "nothing was sent");
}

/// Creates the repository, a pipeline and a rule for `branch` targeting the pipeline; commits
/// to master; returns how many executions the pipeline has then.
fn executions_after_a_commit_to_master(rule_branch: &str) -> Value {
    let (_guard, t) = aws_test();
    pipeline_role();
    let script = r#"
let branch = param("branch");
step "delivery" {
    let repo = codecommit::create_repository(#{ repositoryName: "example" }).repositoryMetadata;
    codepipeline::create_pipeline(#{ pipeline: #{ name: "example",
        roleArn: "arn:aws:iam::123456789012:role/pipeline",
        artifactStore: #{ type: "S3", location: "artifacts" },
        stages: [
            #{ name: "Source", actions: [#{ name: "Source",
                actionTypeId: #{ category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
                configuration: #{ RepositoryName: "example", BranchName: "master",
                                  PollForSourceChanges: "false" },
                outputArtifacts: [#{ name: "SourceArtifact" }] }] },
            #{ name: "Build", actions: [#{ name: "Build",
                actionTypeId: #{ category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
                configuration: #{ ProjectName: "example" },
                inputArtifacts: [#{ name: "SourceArtifact" }] }] } ] } });
    events::put_rule(#{ Name: "example-change", EventPattern: #{
        source: ["aws.codecommit"], "detail-type": ["CodeCommit Repository State Change"],
        resources: [repo.Arn],
        detail: #{ event: ["referenceCreated", "referenceUpdated"], referenceType: ["branch"],
                   referenceName: [branch] } } });
    events::put_targets(#{ Rule: "example-change", Targets: [#{ Id: "pipeline",
        Arn: "arn:aws:codepipeline:ap-northeast-1:123456789012:example",
        RoleArn: "arn:aws:iam::123456789012:role/events" }] });
    let before = codepipeline::list_pipeline_executions(#{ pipelineName: "example" })
        .pipelineExecutionSummaries.len();
    codecommit::create_commit(#{ repositoryName: "example", branchName: "master",
        commitMessage: "seed", putFiles: [#{ filePath: "buildspec.yml", fileContent: "version: 0.2\n" }] });
    let after = codepipeline::list_pipeline_executions(#{ pipelineName: "example" })
        .pipelineExecutionSummaries.len();
    #{ before: before, after: after }
}
"#;
    let branch = format!("branch={rule_branch}");
    t.value_of(script, &["--param", &branch])
}

#[test]
fn a_commit_to_master_with_a_matching_rule_starts_exactly_one_execution() {
    let value = executions_after_a_commit_to_master("master");
    assert_eq!(
        (value["before"].clone(), value["after"].clone()),
        (json!(0), json!(1))
    );
}

#[test]
fn a_rule_for_another_branch_starts_none() {
    let value = executions_after_a_commit_to_master("develop");
    assert_eq!(
        (value["before"].clone(), value["after"].clone()),
        (json!(0), json!(0))
    );
}
