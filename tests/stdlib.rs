//! stdlib/aws.rhai: every ensure_* helper run twice through the real binary against the
//! emulator. The second run must change nothing: same ARNs, commit ids and revisions, and
//! not one call that writes.

use serde_json::{json, Value};

use crate::emulator::{aws_test, aws_test_through_proxy, boto3, faults, network, proxy_log};
use crate::test::{Ran, Test};

const HELPERS: &str = r#"
import "aws" as aws;
let tag = param("tag", "v1");
let content = param("content", "FROM nginx\n");
step "helpers" {
    let role = aws::ensure_role("helper-role", "/service-role/",
        aws::trust_policy("codebuild.amazonaws.com"),
        #{ base: aws::policy([aws::allow(["logs:PutLogEvents"], "*")]) },
        ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]);
    let managed = aws::ensure_managed_policy("helper-policy", "/service-role/",
        aws::policy([aws::allow(["ecr:GetAuthorizationToken"], "*")]));
    let pipeline_role = aws::ensure_role("helper-pipeline-role", "/",
        aws::trust_policy("codepipeline.amazonaws.com"), #{}, []);
    let ecr_repo = aws::ensure_ecr_repository("helper", #{ Version: "2008-10-17",
        Statement: [#{ Sid: "new statement", Effect: "Allow", Principal: #{ AWS: role.Arn },
                       Action: ["ecr:PutImage"] }] });
    let repo = aws::ensure_codecommit_repository("helper", "helper");
    let commit = aws::commit_files("helper", "master",
        #{ "nginx/Dockerfile": content, "buildspec.yml": "version: 0.2\n" }, "helper");
    let project = aws::ensure_codebuild_project(#{ name: "helper",
        source: #{ type: "CODECOMMIT", location: repo.cloneUrlHttp, gitCloneDepth: 0 },
        artifacts: #{ type: "NO_ARTIFACTS" },
        environment: #{ type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_SMALL",
                        image: "aws/codebuild/amazonlinux2-x86_64-standard:4.0" },
        serviceRole: role.Arn });
    let bucket = aws::ensure_bucket("helper-artifacts", "ap-northeast-1");
    let pipeline = aws::ensure_pipeline(#{ name: "helper", roleArn: pipeline_role.Arn,
        artifactStore: #{ type: "S3", location: bucket.Bucket },
        stages: [
            #{ name: "Source", actions: [#{ name: "Source",
                actionTypeId: #{ category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
                configuration: #{ RepositoryName: "helper", BranchName: "master",
                                  PollForSourceChanges: "false" },
                outputArtifacts: [#{ name: "SourceArtifact" }] }] },
            #{ name: "Build", actions: [#{ name: "Build",
                actionTypeId: #{ category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
                configuration: #{ ProjectName: "helper" },
                inputArtifacts: [#{ name: "SourceArtifact" }] }] } ] });
    let rule = aws::ensure_event_rule("helper-rule", #{ source: ["aws.codecommit"],
        resources: [repo.Arn], detail: #{ referenceName: ["master"] } },
        [#{ Id: "codepipeline", Arn: "arn:aws:codepipeline:ap-northeast-1:123456789012:helper",
            RoleArn: role.Arn }]);
    let cluster = aws::ensure_cluster("helper");
    let group = aws::ensure_log_group("/ecs/helper");
    let task = aws::ensure_task_definition(#{ family: "helper", networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512",
        containerDefinitions: [#{ name: "web", image: `nginx:${tag}`, memory: 512,
            essential: true, portMappings: [#{ containerPort: 80, protocol: "tcp" }] }] });
    let service = aws::ensure_service(#{ cluster: "helper", serviceName: "helper",
        taskDefinition: task.taskDefinitionArn, desiredCount: 1, launchType: "FARGATE",
        networkConfiguration: #{ awsvpcConfiguration: #{ subnets: [param("subnet")],
                                                          securityGroups: [param("sg")] } } });
    #{ role: role.Arn, policy: managed.Arn, policy_version: managed.DefaultVersionId,
       pipeline_role: pipeline_role.Arn, ecr: ecr_repo.repositoryArn,
       repo: repo.Arn, commit: commit.commitId, project: project.arn,
       bucket: bucket.Bucket, pipeline_version: pipeline.version, rule: rule.Arn,
       cluster: cluster.clusterArn, log_group: group.logGroupName,
       task: task.taskDefinitionArn, service: service.serviceArn,
       service_task: service.taskDefinition }
}
"#;

fn run(t: &Test, n: usize, network: &[String], extra: &[&str]) -> (Ran, Value) {
    let mut args = vec!["-v", "exec", "helpers.rhai"];
    args.extend(network.iter().map(String::as_str));
    args.extend_from_slice(extra);
    let ran = t.run(&args);
    ran.status(0);
    (ran, t.step_value(&format!("helpers-{n}"), 0))
}

fn counts() -> String {
    boto3(
        "iam = client('iam')\n\
         print(json.dumps([\n\
           client('codecommit').get_branch(repositoryName='helper', branchName='master')['branch']['commitId'],\n\
           client('ecs').list_task_definitions(familyPrefix='helper')['taskDefinitionArns'],\n\
           client('codepipeline').get_pipeline(name='helper')['pipeline']['version'],\n\
           client('events').list_targets_by_rule(Rule='helper-rule')['Targets'],\n\
           iam.list_role_policies(RoleName='helper-role')['PolicyNames'],\n\
           [p['PolicyArn'] for p in iam.list_attached_role_policies(RoleName='helper-role')['AttachedPolicies']],\n\
           len(client('ecr').describe_repositories()['repositories']),\n\
           len(client('codebuild').list_projects()['projects']),\n\
           [len(iam.list_policy_versions(PolicyArn=p['Arn'])['Versions']) for p in iam.list_policies(Scope='Local')['Policies']]]))",
    )
}

#[test]
fn every_helper_run_twice_changes_nothing_the_second_time() {
    let (_guard, t) = aws_test();
    t.write("stdlib/aws.rhai", include_str!("../stdlib/aws.rhai"));
    t.write("runbooks/helpers.rhai", HELPERS);
    let network = network("subnet", "sg");

    let (first, made) = run(&t, 1, &network, &[]);
    assert!(
        first.mutations().contains(&"iam CreateRole".to_string()),
        "{}",
        first.stderr
    );
    let before = counts();
    let (second, adopted) = run(&t, 2, &network, &[]);
    assert_eq!(
        second.mutations(),
        Vec::<String>::new(),
        "{}",
        second.stderr
    );
    assert_eq!(adopted, made, "the same resources, described the same");
    assert_eq!(
        counts(),
        before,
        "no new commit, revision, version or target"
    );
    assert!(second
        .stderr
        .contains("codebuild project helper exists as declared: adopted"));
}

#[test]
fn helpers_repair_drift_and_change_only_what_differs() {
    let (_guard, t) = aws_test();
    t.write("stdlib/aws.rhai", include_str!("../stdlib/aws.rhai"));
    t.write("runbooks/helpers.rhai", HELPERS);
    let network = network("subnet", "sg");
    let (_, made) = run(&t, 1, &network, &[]);

    // Drift made from outside: a widened trust policy, an extra inline policy, a detached
    // managed policy, a managed policy's new default version, a second rule target.
    boto3(
        "iam = client('iam')\n\
         iam.update_assume_role_policy(RoleName='helper-role', PolicyDocument=json.dumps({\
         'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole',\
         'Principal': {'Service': 'ec2.amazonaws.com'}}]}))\n\
         iam.put_role_policy(RoleName='helper-role', PolicyName='extra', PolicyDocument=json.dumps({\
         'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]}))\n\
         iam.detach_role_policy(RoleName='helper-role', PolicyArn=\
         'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy')\n\
         arn = [p['Arn'] for p in iam.list_policies(Scope='Local')['Policies']][0]\n\
         iam.create_policy_version(PolicyArn=arn, SetAsDefault=True, PolicyDocument=json.dumps({\
         'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}))\n\
         client('events').put_targets(Rule='helper-rule', Targets=[{'Id': 'stray', 'Arn': \
         'arn:aws:codepipeline:ap-northeast-1:123456789012:other'}])",
    );
    let (repaired, _) = run(&t, 2, &network, &[]);
    let mut calls = repaired.mutations();
    calls.sort();
    assert_eq!(
        calls,
        [
            "events RemoveTargets",
            "iam AttachRolePolicy",
            "iam CreatePolicyVersion",
            "iam DeleteRolePolicy",
            "iam UpdateAssumeRolePolicy"
        ],
        "{}",
        repaired.stderr
    );
    let fixed = boto3(
        "iam = client('iam')\n\
         print(json.dumps([iam.get_role(RoleName='helper-role')['Role']['AssumeRolePolicyDocument']\
         ['Statement'][0]['Principal']['Service'], iam.list_role_policies(RoleName='helper-role')\
         ['PolicyNames'], [t['Id'] for t in client('events').list_targets_by_rule(Rule='helper-rule')['Targets']]]))",
    );
    assert_eq!(
        fixed.trim(),
        r#"["codebuild.amazonaws.com", ["base"], ["codepipeline"]]"#
    );

    // New content and a new image: one commit on top of the last, one new revision, the
    // service moved to it; nothing else.
    let (changed, value) = run(
        &t,
        3,
        &network,
        &["--param", "content=FROM nginx:1.27\n", "--param", "tag=v2"],
    );
    let mut calls = changed.mutations();
    calls.sort();
    assert_eq!(
        calls,
        [
            "codecommit CreateCommit",
            "ecs RegisterTaskDefinition",
            "ecs UpdateService"
        ],
        "{}",
        changed.stderr
    );
    assert!(value["task"].as_str().unwrap_or("").ends_with("helper:2"));
    assert_eq!(value["service_task"], value["task"]);
    let parent = boto3(&format!(
        "c = client('codecommit').get_commit(repositoryName='helper', commitId={:?})['commit']\n\
         print(json.dumps(c['parents']))",
        value["commit"].as_str().unwrap_or("")
    ));
    assert_eq!(
        parent.trim(),
        format!("[{}]", made["commit"]),
        "one commit on top of the first"
    );
}

#[test]
fn a_drifted_codebuild_project_is_adopted_and_said_so_where_it_cannot_be_updated() {
    let (_guard, t) = aws_test();
    t.write("stdlib/aws.rhai", include_str!("../stdlib/aws.rhai"));
    t.write("runbooks/helpers.rhai", HELPERS);
    let network = network("subnet", "sg");
    // Made beforehand with another image; moto has no UpdateProject.
    boto3(
        "client('codebuild').create_project(name='helper', source={'type': 'CODECOMMIT',\
         'location': 'https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/helper'},\
         artifacts={'type': 'NO_ARTIFACTS'}, environment={'type': 'LINUX_CONTAINER',\
         'computeType': 'BUILD_GENERAL1_SMALL', 'image': 'aws/codebuild/standard:5.0'},\
         serviceRole='arn:aws:iam::123456789012:role/other')",
    );
    let (ran, value) = run(&t, 1, &network, &[]);
    assert!(
        ran.stderr
            .contains("codebuild project helper drifted and cannot be updated here"),
        "{}",
        ran.stderr
    );
    assert_eq!(
        value["project"],
        "arn:aws:codebuild:ap-northeast-1:123456789012:project/helper"
    );
}

/// A failed build is explained with its log link and the last lines it logged, read through
/// the logs binding (the emulator's builds never fail, so the build is described here; its
/// log is real).
#[test]
fn a_failed_build_is_told_with_its_log_link_and_last_lines() {
    let (_guard, t) = aws_test();
    boto3(
        "logs = client('logs')\n\
         logs.create_log_group(logGroupName='/aws/codebuild/p')\n\
         logs.create_log_stream(logGroupName='/aws/codebuild/p', logStreamName='b1')\n\
         import time\n\
         now = int(time.time() * 1000)\n\
         logs.put_log_events(logGroupName='/aws/codebuild/p', logStreamName='b1', logEvents=[\n\
             {'timestamp': now + i, 'message': m} for i, m in enumerate(\n\
             ['[Container] Running command docker push x\\n', 'denied: not authorized\\n'])])",
    );
    t.write(
        "why.rhai",
        "import \"aws\" as aws;\n\
         print(aws::build_failure(#{ id: \"p:b1\", buildStatus: \"FAILED\", currentPhase: \"POST_BUILD\",\n\
             logs: #{ groupName: \"/aws/codebuild/p\", streamName: \"b1\",\n\
                      deepLink: \"https://console.aws.amazon.com/cloudwatch/home#logEvent:group=/aws/codebuild/p;stream=b1\" } }));\n",
    );
    t.run(&["exec", "why.rhai"]).status(0).stdout_is(
        "build p:b1 ended FAILED (phase POST_BUILD)\n\
         log: https://console.aws.amazon.com/cloudwatch/home#logEvent:group=/aws/codebuild/p;stream=b1\n\
         log group /aws/codebuild/p, stream b1\n\
         last lines:\n\
         \x20 [Container] Running command docker push x\n\
         \x20 denied: not authorized\n",
    );
}

/// A run that found its resource already there adopted it: its destroy leaves it in place
/// (and says so) unless --include-adopted; the run that made it removes it. (That a step
/// run again after a crash still owns what its first attempt made is what bench/chaos.py
/// shows: every killed and resumed run's destroy leaves nothing.)
#[test]
fn destroy_leaves_what_a_run_adopted_unless_asked() {
    let (_guard, t) = aws_test();
    t.write(
        "group.rhai",
        "import \"aws\" as aws;\n\
         step \"group\" { aws::ensure_log_group(\"/shared\") } undo |g| { aws::delete_log_group(g.logGroupName); };\n",
    );
    let groups = || boto3("print(len(client('logs').describe_log_groups()['logGroups']))");
    t.run(&["exec", "group.rhai"]).status(0);
    t.run(&["exec", "group.rhai"]).status(0);
    t.run(&["status", "group-2"])
        .status(0)
        .stdout_has("adopted (existed before the run): logs log group /shared");
    t.run(&["destroy", "group-2"]).status(0).stderr_has(
        "kept     group (adopted, it existed before this run: logs log group /shared; \
         `destroy --include-adopted` removes it)",
    );
    assert_eq!(groups().trim(), "1");
    t.run(&["destroy", "group-2", "--include-adopted"])
        .status(0)
        .stderr_has("undone   group (");
    assert_eq!(groups().trim(), "0");

    // The maker's own destroy removes it: its journal says it made it.
    t.run(&["exec", "group.rhai"]).status(0);
    let journal = t.read(".runbook/runs/group-3/journal.jsonl");
    assert!(
        journal.contains(
            r#""kind":"claimed","step":"group","resource":"logs log group /shared","adopted":false"#
        ),
        "{journal}"
    );
    t.run(&["destroy", "group-3"])
        .status(0)
        .stderr_has("undone   group (");
    assert_eq!(groups().trim(), "0");
}

/// A versioned artifact bucket keeps every version and delete marker: delete_bucket removes
/// them all, a batch at a time, and then the bucket.
#[test]
fn delete_bucket_empties_every_version_first() {
    let (_guard, t) = aws_test();
    boto3(
        "s3 = client('s3')\n\
         s3.create_bucket(Bucket='artifacts', CreateBucketConfiguration={'LocationConstraint': 'ap-northeast-1'})\n\
         s3.put_bucket_versioning(Bucket='artifacts', VersioningConfiguration={'Status': 'Enabled'})\n\
         for i in range(3):\n    s3.put_object(Bucket='artifacts', Key='build.zip', Body=b'v%d' % i)\n\
         s3.put_object(Bucket='artifacts', Key='other', Body=b'x')\n\
         s3.delete_object(Bucket='artifacts', Key='other')\n\
         v = s3.list_object_versions(Bucket='artifacts')\n\
         print(len(v['Versions']), len(v['DeleteMarkers']))",
    );
    t.write(
        "empty.rhai",
        "import \"aws\" as aws;\nstep \"delete\" { aws::delete_bucket(\"artifacts\") }\n",
    );
    t.run(&["-v", "exec", "empty.rhai"])
        .status(0)
        .stderr_has("aws s3 DeleteObjects: ok")
        .stderr_has("aws s3 DeleteBucket: ok");
    let left = boto3("print([b['Name'] for b in client('s3').list_buckets()['Buckets']])");
    assert_eq!(left.trim(), "[]");
}

const CREATES: &str = r#"
import "aws" as aws;
step "make" {
    #{ role: aws::ensure_role("lost-role", "/", aws::trust_policy("ecs-tasks.amazonaws.com"),
                              #{}, []).RoleName,
       policy: aws::ensure_managed_policy("lost-policy", "/",
                   aws::policy([aws::allow(["s3:GetObject"], "*")])).Arn,
       repo: aws::ensure_ecr_repository("lost-repo", ()).repositoryName,
       group: aws::ensure_log_group("/lost/group").logGroupName,
       found: aws::ensure_log_group("/found/group").logGroupName }
} undo |m| {
    aws::delete_role(m.role);
    aws::delete_managed_policy(m.policy);
    aws::delete_ecr_repository(m.repo);
    aws::delete_log_group(m.group);
    aws::delete_log_group(m.found);
};
"#;

/// The helpers that create first (the service tags what it makes) tell their own resource
/// from one that was there: a create that landed but whose answer was lost is refused when
/// the SDK sends it again, and the resource it finds carries the step's token, so it is the
/// run's own and destroy removes it; a log group made beforehand is adopted and kept.
#[test]
fn a_create_whose_answer_was_lost_is_owned_and_what_existed_is_adopted() {
    let (_guard, t) = aws_test_through_proxy();
    boto3("client('logs').create_log_group(logGroupName='/found/group')");
    t.write("stdlib/aws.rhai", include_str!("../stdlib/aws.rhai"));
    t.write("creates.rhai", CREATES);
    let lost = |service: &str, operation: &str| json!({"service": service, "operation": operation, "fault": "reset_after", "times": 1});
    faults(json!([
        lost("iam", "CreateRole"),
        lost("iam", "CreatePolicy"),
        lost("ecr", "CreateRepository"),
        lost("logs", "CreateLogGroup"),
    ]));
    t.run(&["-v", "exec", "creates.rhai"])
        .status(0)
        .stderr_has("aws iam CreateRole: EntityAlreadyExists")
        .stderr_has("aws iam CreatePolicy: EntityAlreadyExists")
        .stderr_has("aws ecr CreateRepository: RepositoryAlreadyExistsException")
        .stderr_has("aws logs CreateLogGroup: ResourceAlreadyExistsException");
    let lost_answers = proxy_log()
        .iter()
        .filter(|entry| entry["fault"] == "reset_after")
        .count();
    assert_eq!(lost_answers, 4);
    faults(json!([]));

    t.run(&["destroy", "creates-1"])
        .status(0)
        .stderr_has("left in place: logs log group /found/group existed before this run");
    let left = boto3(
        "iam = client('iam')\n\
         print(json.dumps([[r['RoleName'] for r in iam.list_roles()['Roles'] if r['RoleName'] == 'lost-role'],\n\
           [p['PolicyName'] for p in iam.list_policies(Scope='Local')['Policies']],\n\
           [r['repositoryName'] for r in client('ecr').describe_repositories()['repositories']],\n\
           [g['logGroupName'] for g in client('logs').describe_log_groups()['logGroups']]]))",
    );
    assert_eq!(left.trim(), r#"[[], [], [], ["/found/group"]]"#);
}
