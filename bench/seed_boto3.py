"""The seed procedure (runbooks/setup.rhai) as one straight-line boto3 script: the peer a
user would write instead of the runbook, for bench/speed.py.

    python bench/seed_boto3.py SUBNET SECURITY_GROUP

The same resources with the same names, policies and configuration, in the same order,
with the default parameters of setup.rhai and `stand_in_push=true` (the emulator's
CodeBuild never runs the buildspec, so the first image is a stand-in manifest put into ECR
here). Unlike the runbook it looks nothing up before creating it: it works on a fresh
account only, and a second run fails at the first create. Endpoints, credentials and
region come from the standard environment (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, ...).
"""

import json
import os
import sys
import time

import boto3

ASSETS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "runbooks", "assets")
NAME = "example_2022_1126"  # repository, project, ECR repository, pipeline, cluster, service
BRANCH = "master"
IMAGE_TAG = "v0.95"


def allow(actions, resources):
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def main(subnet, security_group):
    session = boto3.session.Session()
    region = session.region_name
    sts, iam, codecommit, ecr, codebuild, s3, codepipeline, events, ecs, logs = (
        session.client(name) for name in ("sts", "iam", "codecommit", "ecr", "codebuild",
                                          "s3", "codepipeline", "events", "ecs", "logs"))
    account = sts.get_caller_identity()["Account"]

    # 1. CodeCommit: the repository and one commit of runbooks/assets.
    repo = codecommit.create_repository(
        repositoryName=NAME,
        repositoryDescription="seed: CodeCommit -> CodeBuild -> ECR -> ECS")["repositoryMetadata"]
    files = []
    for folder, _, names in os.walk(ASSETS):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                files.append({"filePath": os.path.relpath(path, ASSETS), "fileContent": f.read()})
    codecommit.create_commit(repositoryName=NAME, branchName=BRANCH,
                             commitMessage="seed: buildspec.yml and nginx/Dockerfile",
                             putFiles=sorted(files, key=lambda f: f["filePath"]))

    # 2, 3. The CodeBuild service role and its customer-managed base policy (+ ECR).
    project_logs = f"arn:aws:logs:{region}:{account}:log-group:/aws/codebuild/{NAME}"
    codebuild_policy = iam.create_policy(
        PolicyName=f"CodeBuildBasePolicy-{NAME}-{region}", Path="/service-role/",
        PolicyDocument=policy(
            allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                  [project_logs, f"{project_logs}:*"]),
            allow(["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:GetBucketAcl",
                   "s3:GetBucketLocation"], [f"arn:aws:s3:::codepipeline-{region}-*"]),
            allow(["codecommit:GitPull"], [repo["Arn"]]),
            allow(["codebuild:CreateReportGroup", "codebuild:CreateReport",
                   "codebuild:UpdateReport", "codebuild:BatchPutTestCases",
                   "codebuild:BatchPutCodeCoverages"],
                  [f"arn:aws:codebuild:{region}:{account}:report-group/{NAME}-*"]),
            allow(["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                   "ecr:GetDownloadUrlForLayer", "ecr:GetRepositoryPolicy",
                   "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages",
                   "ecr:BatchGetImage", "ecr:GetLifecyclePolicy",
                   "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource",
                   "ecr:DescribeImageScanFindings"], "*")))["Policy"]
    codebuild_role = iam.create_role(RoleName=f"codebuild-{NAME}-service-role",
                                     Path="/service-role/",
                                     AssumeRolePolicyDocument=trust("codebuild.amazonaws.com"))["Role"]
    iam.attach_role_policy(RoleName=codebuild_role["RoleName"], PolicyArn=codebuild_policy["Arn"])

    # 4. ECR: the repository CodeBuild pushes to.
    ecr.create_repository(repositoryName=NAME)
    ecr.set_repository_policy(repositoryName=NAME, policyText=json.dumps({
        "Version": "2008-10-17", "Statement": [{
            "Sid": "new statement", "Effect": "Allow",
            "Principal": {"AWS": codebuild_role["Arn"]},
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload",
                       "ecr:GetAuthorizationToken", "ecr:InitiateLayerUpload", "ecr:PutImage",
                       "ecr:UploadLayerPart"]}]}))

    # 2. The CodeBuild project.
    codebuild.create_project(
        name=NAME,
        source={"type": "CODECOMMIT", "location": repo["cloneUrlHttp"], "gitCloneDepth": 0},
        sourceVersion=f"refs/heads/{BRANCH}",
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "computeType": "BUILD_GENERAL1_SMALL",
                     "image": "aws/codebuild/amazonlinux2-x86_64-standard:4.0",
                     "privilegedMode": True,
                     "environmentVariables": [
                         {"name": "AWS_ACCOUNT_ID", "value": account, "type": "PLAINTEXT"},
                         {"name": "AWS_DEFAULT_REGION", "value": region, "type": "PLAINTEXT"},
                         {"name": "IMAGE_REPO_NAME1", "value": NAME, "type": "PLAINTEXT"}]},
        serviceRole=codebuild_role["Arn"])

    # 5. CodePipeline: its artifact bucket, service role, the pipeline, and the
    # EventBridge rule (with its role) that starts it on a push.
    bucket = f"codepipeline-{region}-{account}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    pipeline_role_name = f"AWSCodePipelineServiceRole-{region}-{NAME}"
    pipeline_policy = iam.create_policy(
        PolicyName=pipeline_role_name, Path="/service-role/", PolicyDocument=policy(
            {"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*",
             "Condition": {"StringEqualsIfExists": {"iam:PassedToService": [
                 "cloudformation.amazonaws.com", "elasticbeanstalk.amazonaws.com",
                 "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]}}},
            allow(["codecommit:CancelUploadArchive", "codecommit:GetBranch",
                   "codecommit:GetCommit", "codecommit:GetRepository",
                   "codecommit:GetUploadArchiveStatus", "codecommit:UploadArchive"], "*"),
            allow(["codebuild:BatchGetBuilds", "codebuild:StartBuild",
                   "codebuild:BatchGetBuildBatches", "codebuild:StartBuildBatch"], "*"),
            allow(["ecr:DescribeImages"], "*"),
            allow(["ecs:*"], "*"),
            allow(["s3:GetObject", "s3:GetObjectVersion", "s3:GetBucketVersioning",
                   "s3:GetBucketAcl", "s3:GetBucketLocation", "s3:PutObject",
                   "s3:PutObjectAcl"], [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]),
            {"Sid": "AssumeRolePolicy", "Effect": "Allow", "Action": ["sts:AssumeRole"],
             "Resource": [f"arn:aws:iam::{account}:role/service-role/{pipeline_role_name}"]},
        ))["Policy"]
    pipeline_role = iam.create_role(RoleName=pipeline_role_name, Path="/service-role/",
                                    AssumeRolePolicyDocument=trust("codepipeline.amazonaws.com"))["Role"]
    iam.attach_role_policy(RoleName=pipeline_role_name, PolicyArn=pipeline_policy["Arn"])

    codepipeline.create_pipeline(pipeline={
        "name": NAME,
        "roleArn": pipeline_role["Arn"],
        "artifactStore": {"type": "S3", "location": bucket},
        "stages": [
            {"name": "Source", "actions": [{
                "name": "Source",
                "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "CodeCommit",
                                 "version": "1"},
                "configuration": {"RepositoryName": NAME, "BranchName": BRANCH,
                                  "PollForSourceChanges": "false",
                                  "OutputArtifactFormat": "CODE_ZIP"},
                "outputArtifacts": [{"name": "SourceArtifact"}], "runOrder": 1}]},
            {"name": "Build", "actions": [{
                "name": "Build",
                "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild",
                                 "version": "1"},
                "configuration": {"ProjectName": NAME},
                "inputArtifacts": [{"name": "SourceArtifact"}],
                "outputArtifacts": [{"name": "BuildArtifact"}], "runOrder": 1}]},
        ]})
    pipeline_arn = f"arn:aws:codepipeline:{region}:{account}:{NAME}"

    events_role = iam.create_role(RoleName=f"cwe-role-{region}-{NAME}", Path="/service-role/",
                                  AssumeRolePolicyDocument=trust("events.amazonaws.com"))["Role"]
    iam.put_role_policy(RoleName=events_role["RoleName"],
                        PolicyName=f"start-pipeline-execution-{region}-{NAME}",
                        PolicyDocument=policy(allow(["codepipeline:StartPipelineExecution"],
                                                    [pipeline_arn])))
    rule = f"codepipeline-{NAME}-{BRANCH}-rule"
    events.put_rule(Name=rule, State="ENABLED", EventPattern=json.dumps({
        "source": ["aws.codecommit"],
        "detail-type": ["CodeCommit Repository State Change"],
        "resources": [repo["Arn"]],
        "detail": {"event": ["referenceCreated", "referenceUpdated"],
                   "referenceType": ["branch"], "referenceName": [BRANCH]}}))
    events.put_targets(Rule=rule, Targets=[
        {"Id": "codepipeline", "Arn": pipeline_arn, "RoleArn": events_role["Arn"]}])

    # 6. ECS: the service-linked role, cluster, log group, task execution role and
    # task definition; the first image; the service, once it runs.
    iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    ecs.create_cluster(clusterName=NAME)
    log_group = f"/ecs/{NAME}"
    logs.create_log_group(logGroupName=log_group)
    task_role_name = f"ecsTaskExecutionRole-{NAME}"
    task_role = iam.create_role(RoleName=task_role_name, Path="/",
                                AssumeRolePolicyDocument=trust("ecs-tasks.amazonaws.com"))["Role"]
    iam.attach_role_policy(
        RoleName=task_role_name,
        PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    task = ecs.register_task_definition(
        family=NAME, networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
        cpu="256", memory="512", executionRoleArn=task_role["Arn"],
        containerDefinitions=[{
            "name": NAME,
            "image": f"{account}.dkr.ecr.{region}.amazonaws.com/{NAME}:{IMAGE_TAG}",
            "memory": 512,  # container-level too: moto's ECS wants it to place the task
            "essential": True,
            "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": log_group, "awslogs-region": region,
                "awslogs-stream-prefix": "ecs"}}}])["taskDefinition"]

    # The pipeline's first run builds the image; CodePipeline has no boto3 waiter.
    execution = codepipeline.start_pipeline_execution(name=NAME)["pipelineExecutionId"]
    while (status := codepipeline.get_pipeline_execution(
            pipelineName=NAME, pipelineExecutionId=execution)
            ["pipelineExecution"]["status"]) == "InProgress":
        time.sleep(2)
    if status != "Succeeded":
        sys.exit(f"pipeline execution {execution}: {status}")
    # STAND-IN: this CodeBuild ran no docker push, so an empty manifest stands for it.
    manifest = {"schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                           "size": 0, "digest": "sha256:" + "0" * 64},
                "layers": []}
    ecr.put_image(repositoryName=NAME, imageTag=IMAGE_TAG, imageManifest=json.dumps(manifest),
                  imageManifestMediaType=manifest["mediaType"])

    ecs.create_service(
        cluster=NAME, serviceName=NAME, taskDefinition=task["taskDefinitionArn"],
        desiredCount=1, launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": [subnet], "securityGroups": [security_group],
            "assignPublicIp": "ENABLED"}})
    ecs.get_waiter("services_stable").wait(cluster=NAME, services=[NAME])
    print(f"service {NAME} stable, {task['taskDefinitionArn']}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
