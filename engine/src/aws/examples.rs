//! Runnable examples of the bindings a runbook uses most: `runbook functions` shows them, and
//! a test runs every one against the local emulator, each on a fresh emulator, so the docs
//! cannot drift from what works. Each example sets up what it needs and checks its result.

/// (`module::function`, a Rhai snippet that runs as a step's body).
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "sts::get_caller_identity",
        r#"let account = sts::get_caller_identity().Account;
if account.len() != 12 { fail(`unexpected account ${account}`) }"#,
    ),
    (
        "iam::create_role",
        r#"let role = iam::create_role(#{
    RoleName: "codebuild-example-service-role", Path: "/service-role/",
    AssumeRolePolicyDocument: #{ Version: "2012-10-17", Statement: [#{ Effect: "Allow",
        Principal: #{ Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] },
}).Role;
if !role.Arn.ends_with(":role/service-role/codebuild-example-service-role") { fail(role.Arn) }"#,
    ),
    (
        "iam::put_role_policy",
        r#"iam::create_role(#{ RoleName: "r", AssumeRolePolicyDocument: #{ Version: "2012-10-17",
    Statement: [#{ Effect: "Allow", Principal: #{ Service: "ecs-tasks.amazonaws.com" },
                   Action: "sts:AssumeRole" }] } });
iam::put_role_policy(#{ RoleName: "r", PolicyName: "ecr-read", PolicyDocument: #{
    Version: "2012-10-17",
    Statement: [#{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" }] } });
let names = iam::list_role_policies(#{ RoleName: "r" }).PolicyNames;
if names != ["ecr-read"] { fail(names) }"#,
    ),
    (
        "iam::attach_role_policy",
        r#"iam::create_role(#{ RoleName: "task-exec", AssumeRolePolicyDocument: #{
    Version: "2012-10-17", Statement: [#{ Effect: "Allow",
    Principal: #{ Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] } });
let arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
iam::attach_role_policy(#{ RoleName: "task-exec", PolicyArn: arn });
let attached = iam::list_attached_role_policies(#{ RoleName: "task-exec" }).AttachedPolicies;
if attached[0].PolicyArn != arn { fail(attached) }"#,
    ),
    (
        "ecr::create_repository",
        r#"let repo = ecr::create_repository(#{ repositoryName: "example_2022_1126" }).repository;
if !repo.repositoryUri.ends_with("/example_2022_1126") { fail(repo.repositoryUri) }"#,
    ),
    (
        "ecr::set_repository_policy",
        r#"ecr::create_repository(#{ repositoryName: "example" });
ecr::set_repository_policy(#{ repositoryName: "example", policyText: #{
    Version: "2008-10-17", Statement: [#{ Sid: "new statement", Effect: "Allow",
        Principal: #{ AWS: "arn:aws:iam::123456789012:root" },
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:PutImage"] }] } });
let text = ecr::get_repository_policy(#{ repositoryName: "example" }).policyText;
if !text.contains("new statement") { fail(text) }"#,
    ),
    (
        "ecr::describe_repositories",
        r#"ecr::create_repository(#{ repositoryName: "a" });
let found = ecr::describe_repositories(#{ repositoryNames: ["a"] }).repositories;
if found.len() != 1 { fail(found) }"#,
    ),
    (
        "codecommit::create_repository",
        r#"let meta = codecommit::create_repository(#{ repositoryName: "example_2022_1126",
    repositoryDescription: "the seed's repository" }).repositoryMetadata;
if meta.repositoryName != "example_2022_1126" { fail(meta) }"#,
    ),
    (
        "codecommit::create_commit",
        r#"codecommit::create_repository(#{ repositoryName: "r" });
let commit = codecommit::create_commit(#{ repositoryName: "r", branchName: "master",
    commitMessage: "add the Dockerfile",
    putFiles: [#{ filePath: "nginx/Dockerfile", fileContent: "FROM nginx\n" }] });
let head = codecommit::get_branch(#{ repositoryName: "r", branchName: "master" });
if head.branch.commitId != commit.commitId { fail(head) }"#,
    ),
    (
        "codebuild::create_project",
        r#"let project = codebuild::create_project(#{ name: "example",
    source: #{ type: "CODECOMMIT", gitCloneDepth: 0,
               location: "https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/example" },
    sourceVersion: "refs/heads/master",
    artifacts: #{ type: "NO_ARTIFACTS" },
    environment: #{ type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_SMALL",
        image: "aws/codebuild/amazonlinux2-x86_64-standard:4.0", privilegedMode: true },
    serviceRole: "arn:aws:iam::123456789012:role/service-role/codebuild-example-service-role",
}).project;
if !project.environment.privilegedMode { fail(project) }"#,
    ),
    (
        "codebuild::wait_build_succeeded",
        r#"codebuild::create_project(#{ name: "example",
    source: #{ type: "CODECOMMIT",
               location: "https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/example" },
    artifacts: #{ type: "NO_ARTIFACTS" },
    environment: #{ type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_SMALL",
                    image: "aws/codebuild/amazonlinux2-x86_64-standard:4.0" },
    serviceRole: "arn:aws:iam::123456789012:role/service-role/codebuild-example-service-role" });
let id = codebuild::start_build(#{ projectName: "example" }).build.id;
let done = codebuild::wait_build_succeeded(#{ ids: [id] }, #{ timeout: 600 });
if done.builds[0].buildStatus != "SUCCEEDED" { fail(done) }"#,
    ),
    (
        "ecs::create_cluster",
        r#"let cluster = ecs::create_cluster(#{ clusterName: "example" }).cluster;
if cluster.status != "ACTIVE" { fail(cluster) }"#,
    ),
    (
        "ecs::register_task_definition",
        r#"let td = ecs::register_task_definition(#{ family: "example", networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512",
    containerDefinitions: [#{ name: "web", image: "nginx", memory: 512,
        portMappings: [#{ containerPort: 80 }] }] }).taskDefinition;
if td.revision != 1 { fail(td) }"#,
    ),
    (
        "logs::create_log_group",
        r#"logs::create_log_group(#{ logGroupName: "/ecs/example" });
let groups = logs::describe_log_groups(#{ logGroupNamePrefix: "/ecs/" }).logGroups;
if groups[0].logGroupName != "/ecs/example" { fail(groups) }"#,
    ),
    (
        "s3::create_bucket",
        r#"s3::create_bucket(#{ Bucket: "codepipeline-ap-northeast-1-example",
    CreateBucketConfiguration: #{ LocationConstraint: "ap-northeast-1" } });
let names = s3::list_buckets().Buckets.map(|b| b.Name);
if !names.contains("codepipeline-ap-northeast-1-example") { fail(names) }"#,
    ),
    (
        "events::put_rule",
        r#"let rule = events::put_rule(#{ Name: "codepipeline-example-master",
    EventPattern: #{ source: ["aws.codecommit"], "detail-type": ["CodeCommit Repository State Change"],
        resources: ["arn:aws:codecommit:ap-northeast-1:123456789012:example"],
        detail: #{ event: ["referenceCreated", "referenceUpdated"], referenceType: ["branch"],
                   referenceName: ["master"] } } });
if !rule.RuleArn.ends_with("rule/codepipeline-example-master") { fail(rule) }"#,
    ),
    (
        "events::put_targets",
        r#"events::put_rule(#{ Name: "r", EventPattern: #{ source: ["aws.codecommit"] } });
let out = events::put_targets(#{ Rule: "r", Targets: [#{ Id: "codepipeline",
    Arn: "arn:aws:codepipeline:ap-northeast-1:123456789012:example",
    RoleArn: "arn:aws:iam::123456789012:role/events-start-pipeline" }] });
if out.FailedEntryCount != 0 { fail(out) }
let targets = events::list_targets_by_rule(#{ Rule: "r" }).Targets;
if targets[0].Id != "codepipeline" { fail(targets) }"#,
    ),
    (
        "secretsmanager::create_secret",
        r#"secretsmanager::create_secret(#{ Name: "dockerhub",
    SecretString: `{"username": "ops", "password": "not-a-real-one"}` });
let value = secretsmanager::get_secret_value(#{ SecretId: "dockerhub" }).SecretString;
if !value.contains("ops") { fail("unexpected secret value") }"#,
    ),
];

/// The example of `module::function`, if it has one.
pub fn example(qualified: &str) -> Option<&'static str> {
    EXAMPLES
        .iter()
        .find(|(name, _)| *name == qualified)
        .map(|(_, example)| *example)
}
