//! The seed procedure end to end: runbooks/setup.rhai and runbooks/verify.rhai, with the
//! project's stdlib, run by the real binary against the emulator and checked from outside
//! with boto3.

use crate::emulator::{self, account, aws_test, boto3, vpc};
use crate::test::{Ran, Test};

/// The runbooks, their assets and the stdlib, laid out as in the repository.
pub fn project(t: &Test) {
    t.write("stdlib/aws.rhai", include_str!("../stdlib/aws.rhai"));
    t.write("stdlib/seed.rhai", include_str!("../stdlib/seed.rhai"));
    t.write(
        "runbooks/setup.rhai",
        include_str!("../runbooks/setup.rhai"),
    );
    t.write(
        "runbooks/verify.rhai",
        include_str!("../runbooks/verify.rhai"),
    );
    t.write(
        "runbooks/assets/buildspec.yml",
        include_str!("../runbooks/assets/buildspec.yml"),
    );
    t.write(
        "runbooks/assets/nginx/Dockerfile",
        include_str!("../runbooks/assets/nginx/Dockerfile"),
    );
}

/// Setup's params on the emulator: a VPC, a subnet and a security group made with boto3,
/// and the stand-in image push (moto's CodeBuild never builds).
pub fn network() -> Vec<String> {
    let mut params = emulator::network("subnets", "security_groups");
    params.extend(["--param".into(), "stand_in_push=true".into()]);
    params
}

pub fn setup(t: &Test, network: &[String], extra: &[&str]) -> Ran {
    let mut args = vec!["-v", "exec", "setup.rhai"];
    args.extend(network.iter().map(String::as_str));
    args.extend_from_slice(extra);
    let ran = t.run(&args);
    ran.status(0);
    ran
}

/// Checks the configuration setup made, from outside; prints "ok".
const CHECK: &str = r#"
iam, ecr = client('iam'), client('ecr')
acct = '123456789012'
name = 'example_2022_1126'
def trust(role):
    st = iam.get_role(RoleName=role)['Role']['AssumeRolePolicyDocument']['Statement']
    assert len(st) == 1 and st[0]['Action'] == 'sts:AssumeRole', st
    return st[0]['Principal']['Service']
cb_role = iam.get_role(RoleName=f'codebuild-{name}-service-role')['Role']
assert cb_role['Path'] == '/service-role/', cb_role
assert trust(f'codebuild-{name}-service-role') == 'codebuild.amazonaws.com'
def managed(role, policy):
    attached = iam.list_attached_role_policies(RoleName=role)['AttachedPolicies']
    assert [p['PolicyName'] for p in attached] == [policy], attached
    p = iam.get_policy(PolicyArn=attached[0]['PolicyArn'])['Policy']
    assert p['Path'] == '/service-role/', p
    return iam.get_policy_version(PolicyArn=p['Arn'], VersionId=p['DefaultVersionId'])['PolicyVersion']['Document']
base = managed(f'codebuild-{name}-service-role', f'CodeBuildBasePolicy-{name}-ap-northeast-1')
actions = [a for s in base['Statement'] for a in s['Action']]
assert 'codecommit:GitPull' in actions and 'logs:PutLogEvents' in actions, actions
ecr_actions = [a for a in actions if a.startswith('ecr:')]
assert len(ecr_actions) == 12, ecr_actions
pull = [s for s in base['Statement'] if s['Action'] == ['codecommit:GitPull']][0]
assert pull['Resource'] == [f'arn:aws:codecommit:ap-northeast-1:{acct}:{name}'], pull
pl_role = f'AWSCodePipelineServiceRole-ap-northeast-1-{name}'
assert trust(pl_role) == 'codepipeline.amazonaws.com'
pl_arn = iam.get_role(RoleName=pl_role)['Role']['Arn']
pl_policy = managed(pl_role, pl_role)
assume = [s for s in pl_policy['Statement'] if s.get('Sid') == 'AssumeRolePolicy'][0]
assert assume['Action'] == ['sts:AssumeRole'] and assume['Resource'] == [pl_arn], assume
assert trust(f'ecsTaskExecutionRole-{name}') == 'ecs-tasks.amazonaws.com'
attached = iam.list_attached_role_policies(RoleName=f'ecsTaskExecutionRole-{name}')['AttachedPolicies']
assert [p['PolicyName'] for p in attached] == ['AmazonECSTaskExecutionRolePolicy'], attached
repo_policy = json.loads(ecr.get_repository_policy(repositoryName=name)['policyText'])
assert repo_policy['Version'] == '2008-10-17'
st = repo_policy['Statement'][0]
assert st['Sid'] == 'new statement' and st['Principal']['AWS'] == cb_role['Arn'], st
assert len(st['Action']) == 6, st
p = client('codebuild').batch_get_projects(names=[name])['projects'][0]
assert p['source']['type'] == 'CODECOMMIT' and p['source']['gitCloneDepth'] == 0, p['source']
assert p['sourceVersion'] == 'refs/heads/master', p
env = p['environment']
assert env['image'] == 'aws/codebuild/amazonlinux2-x86_64-standard:4.0', env
assert env['type'] == 'LINUX_CONTAINER' and env['privilegedMode'] is True, env
assert {v['name']: v['value'] for v in env['environmentVariables']} == {
    'AWS_ACCOUNT_ID': acct, 'AWS_DEFAULT_REGION': 'ap-northeast-1', 'IMAGE_REPO_NAME1': name}
assert p['serviceRole'] == cb_role['Arn'] and 'vpcConfig' not in p, p
pipe = client('codepipeline').get_pipeline(name=name)['pipeline']
assert [s['name'] for s in pipe['stages']] == ['Source', 'Build'], pipe
src = pipe['stages'][0]['actions'][0]['configuration']
assert src == {'RepositoryName': name, 'BranchName': 'master', 'PollForSourceChanges': 'false',
               'OutputArtifactFormat': 'CODE_ZIP'}, src
assert pipe['stages'][1]['actions'][0]['configuration'] == {'ProjectName': name}
assert pipe['roleArn'] == pl_arn
assert pipe['artifactStore']['location'] == f'codepipeline-ap-northeast-1-{acct}'
ev = client('events')
rules = ev.list_rules()['Rules']
assert len(rules) == 1, rules
pattern = json.loads(rules[0]['EventPattern'])
assert pattern['detail-type'] == ['CodeCommit Repository State Change'], pattern
assert pattern['detail']['event'] == ['referenceCreated', 'referenceUpdated'], pattern
assert pattern['detail']['referenceName'] == ['master'], pattern
assert pattern['resources'] == [f'arn:aws:codecommit:ap-northeast-1:{acct}:{name}'], pattern
targets = ev.list_targets_by_rule(Rule=rules[0]['Name'])['Targets']
assert len(targets) == 1 and targets[0]['Arn'] == f'arn:aws:codepipeline:ap-northeast-1:{acct}:{name}', targets
events_policy = iam.get_role_policy(RoleName=targets[0]['RoleArn'].split('/')[-1],
    PolicyName=f'start-pipeline-execution-ap-northeast-1-{name}')['PolicyDocument']
assert events_policy['Statement'][0]['Action'] == ['codepipeline:StartPipelineExecution']
ecs = client('ecs')
td = ecs.describe_task_definition(taskDefinition=name)['taskDefinition']
c = td['containerDefinitions'][0]
assert td['networkMode'] == 'awsvpc' and td['requiresCompatibilities'] == ['FARGATE'], td
assert c['name'] == name and c['image'] == f'{acct}.dkr.ecr.ap-northeast-1.amazonaws.com/{name}:' + TAG, c
assert c['portMappings'][0]['containerPort'] == 80 and c['logConfiguration']['logDriver'] == 'awslogs'
svc = ecs.describe_services(cluster=name, services=[name])['services'][0]
assert svc['desiredCount'] == 1 and svc['taskDefinition'] == td['taskDefinitionArn'], svc
assert svc['networkConfiguration']['awsvpcConfiguration']['subnets'] == [SUBNET], svc
print('ok')
"#;

pub fn check(network: &[String], tag: &str) {
    let subnet = network[1].trim_start_matches("subnets=");
    let code = format!("TAG = {tag:?}\nSUBNET = {subnet:?}\n{CHECK}");
    assert_eq!(boto3(&code).trim(), "ok");
}

/// Facts that show whether a run changed anything: the branch head, the task definition
/// revisions, the service's task definition, the pipeline's version, rules and targets.
fn state() -> String {
    boto3(
        "name = 'example_2022_1126'\n\
         head = client('codecommit').get_branch(repositoryName=name, branchName='master')['branch']['commitId']\n\
         tds = client('ecs').list_task_definitions(familyPrefix=name)['taskDefinitionArns']\n\
         svc = client('ecs').describe_services(cluster=name, services=[name])['services'][0]['taskDefinition']\n\
         version = client('codepipeline').get_pipeline(name=name)['pipeline']['version']\n\
         rules = client('events').list_rules()['Rules']\n\
         targets = [t['Id'] for r in rules for t in client('events').list_targets_by_rule(Rule=r['Name'])['Targets']]\n\
         roles = sorted(r['RoleName'] for r in client('iam').list_roles()['Roles'])\n\
         roles.append(sorted((p['PolicyName'], p['DefaultVersionId']) for p in client('iam').list_policies(Scope='Local')['Policies']))\n\
         print(json.dumps([head, tds, svc, version, len(rules), targets, roles]))",
    )
}

#[test]
fn setup_and_verify_build_the_chain_reruns_change_nothing_and_destroy_removes_it() {
    let (_guard, t) = aws_test();
    project(&t);
    let network = network();

    // The service's first image comes before the service (on the emulator, a stand-in).
    setup(&t, &network, &[])
        .stderr_has("STAND-IN: pushing an image manifest for example_2022_1126:v0.95");
    let verify = t.run(&["exec", "verify.rhai", "--param", "stand_in_push=true"]);
    verify
        .status(0)
        .stderr_has("pipeline example_2022_1126 ran ");
    assert!(
        !verify.stderr.contains("STAND-IN: pushing"),
        "the image was there already: {}",
        verify.stderr
    );
    check(&network, "v0.95");
    let images = boto3(
        "print(json.dumps([i['imageTag'] for i in client('ecr').list_images(\
         repositoryName='example_2022_1126')['imageIds']]))",
    );
    assert_eq!(images.trim(), r#"["v0.95"]"#);

    // A new run over the same account: every step adopts what exists, nothing is written.
    let before = state();
    let again = setup(&t, &network, &[]);
    assert_eq!(again.mutations(), Vec::<String>::new(), "{}", again.stderr);
    assert_eq!(state(), before, "a second setup changed something");
    let before: serde_json::Value = serde_json::from_str(before.trim()).expect("state");
    assert_eq!(before[1].as_array().map(Vec::len), Some(1), "one revision");
    assert_eq!(before[4], 1, "one rule");
    assert_eq!(before[5], serde_json::json!(["codepipeline"]), "one target");

    // A new image tag changes the buildspec, the task definition and the service, and the
    // image is built (here: pushed as a stand-in) before the service moves to it: only them.
    let changed = setup(&t, &network, &["--param", "image_tag=v0.96"]);
    // The commit and the task definition are steps of one parallel group: either comes first.
    let mut mutations = changed.mutations();
    let group = mutations.len().min(2);
    mutations[..group].sort();
    assert_eq!(
        mutations,
        [
            "codecommit CreateCommit",
            "ecs RegisterTaskDefinition",
            "codepipeline StartPipelineExecution",
            "ecr PutImage",
            "ecs UpdateService"
        ],
        "{}",
        changed.stderr
    );
    check(&network, "v0.96");
    let after: serde_json::Value = serde_json::from_str(state().trim()).expect("state");
    assert_eq!(
        after[1].as_array().map(Vec::len),
        Some(2),
        "a second revision"
    );
    assert!(after[2].as_str().unwrap_or("").ends_with(":2"), "{after}");
    assert_eq!(after[3], before[3], "the pipeline is untouched");

    // setup-2 adopted everything setup-1 made: destroying it removes nothing (the other
    // runs' pipeline keeps its bucket), and says so; its status shows what it adopted.
    let kept = t.run(&["-v", "destroy", "setup-2"]);
    kept.status(0)
        .stderr_has(
            "kept     artifact bucket (adopted, it existed before this run: s3 bucket \
                     codepipeline-ap-northeast-1-123456789012; `destroy --include-adopted` \
                     removes it)",
        )
        .stderr_has("kept     ecs service (adopted");
    assert_eq!(kept.mutations(), Vec::<String>::new(), "{}", kept.stderr);
    t.run(&["status", "setup-2"])
        .status(0)
        .stdout_has("run setup-2: destroyed")
        .stdout_has("  kept         artifact bucket  line ")
        .stdout_has("adopted (existed before the run): s3 bucket codepipeline-ap-northeast-1-");
    t.run(&["plan", "setup.rhai"])
        .status(0)
        .stdout_has("run setup-3")
        .stdout_has(
            "artifact bucket  (line 160)  adopted: s3 bucket codepipeline-ap-northeast-1-123456789012",
        );
    // setup-3 made only its commit, task definition revision and image: the revision goes.
    let third = t.run(&["-v", "destroy", "setup-3"]);
    third.status(0);
    assert_eq!(
        third.mutations(),
        ["ecs DeregisterTaskDefinition"],
        "{}",
        third.stderr
    );
    let left: serde_json::Value = serde_json::from_str(account("left").trim()).expect("left");
    assert_eq!(left["buckets"].as_array().map(Vec::len), Some(1), "{left}");
    assert_eq!(
        left["pipelines"].as_array().map(Vec::len),
        Some(1),
        "{left}"
    );

    // The run that made them removes them: nothing of the seed is left in any service.
    t.run(&["destroy", "setup-1"]).status(0);
    assert_eq!(account("left").trim(), "{}");
    t.run(&["plan", "setup.rhai"])
        .status(0)
        .stdout_has("run setup-3 was destroyed: every step would run again");
}

#[test]
fn plan_lists_every_setup_step_in_order_without_calling_aws() {
    let t = Test::new()
        // A closed port: any call would fail.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_MAX_ATTEMPTS", "1");
    project(&t);
    let plan = t.run(&["plan", "runbooks/setup.rhai"]);
    plan.status(0);
    let steps: Vec<&str> = plan
        .stdout
        .lines()
        .filter(|l| l.contains("pending"))
        .filter_map(|l| l.split("pending").nth(1))
        .filter_map(|l| l.split("  (line").next())
        .map(str::trim)
        .collect();
    assert_eq!(steps, STEPS, "{}", plan.stdout);
}

pub const STEPS: [&str; 19] = [
    "account id",
    "codecommit repository",
    "ecs service-linked role",
    "log group",
    "task execution role",
    "commit assets",
    "codebuild service role",
    "artifact bucket",
    "event rule role",
    "ecs cluster",
    "task definition",
    "ecr repository",
    "codebuild project",
    "pipeline service role",
    "event rule",
    "pipeline",
    "image built",
    "ecs service",
    "service stable",
];

/// Runs `exec` and SIGKILLs it at every step (as it starts, which is right after the previous
/// step's outcome, and about halfway through its uninterrupted duration, `durations[i]`),
/// resuming `run` after each kill until it finishes. Returns where it killed.
fn kill_everywhere(t: &Test, exec: &[&str], run: &str, durations: &[f64]) -> Vec<String> {
    let mut targets: Vec<(usize, f64)> = (0..durations.len())
        .flat_map(|i| [(i, 0.0), (i, durations[i] / 2.0)])
        .collect();
    targets.reverse();
    let mut running = t.spawn(exec);
    let mut kills = Vec::new();
    while let Some(&(position, delay_ms)) = targets.last() {
        // Every step_started event, whichever step: finished steps are replayed silently. A
        // run that ends first has no step left to kill in: the last kill's delay outlasted
        // what remained of the run (on a loaded machine steps take longer, or shorter, than
        // the reference's).
        let Some(event) = running.next_event("step_started", "event", "step_started") else {
            break;
        };
        let at = event["position"].as_u64().unwrap_or(0) as usize;
        if at < position {
            continue;
        }
        if at == position && delay_ms > 0.0 {
            std::thread::sleep(std::time::Duration::from_secs_f64(delay_ms / 1000.0));
        }
        running.kill();
        kills.push(format!("{} +{delay_ms:.1}ms", event["step"]));
        targets.retain(|&(p, d)| p > at || (p == at && d > delay_ms));
        running = t.spawn(&["resume", run]);
    }
    running.finish().status(0);
    kills
}

/// SIGKILL at every step boundary (as the next step starts) and inside every step (about
/// halfway through its uninterrupted duration), resuming each time: the end state is the
/// one an uninterrupted run leaves.
#[test]
fn setup_killed_at_every_step_and_resumed_ends_as_an_uninterrupted_run() {
    let (_guard, t) = aws_test();
    project(&t);
    let network = network();
    let mut exec = vec!["exec", "setup.rhai"];
    exec.extend(network.iter().map(String::as_str));

    // The reference: an uninterrupted run (in its own state dir), its shape and durations.
    let mut reference = vec!["--json", "--state-dir", "reference"];
    reference.extend_from_slice(&exec);
    let reference = t.run(&reference);
    reference.status(0);
    // By position: the steps of a parallel group complete in any order.
    let mut durations = vec![0.0; STEPS.len()];
    for e in reference
        .events()
        .iter()
        .filter(|e| e["event"] == "step_completed")
    {
        durations[e["position"].as_u64().unwrap() as usize] = e["duration_ms"].as_f64().unwrap();
    }
    assert!(durations.iter().all(|d| *d > 0.0), "{durations:?}");
    let expected = account("shape");
    crate::emulator::reset_emulator();
    let network = self::network();
    let mut exec = vec!["exec", "setup.rhai"];
    exec.extend(network.iter().map(String::as_str));

    // A parallel group's steps start together, and a kill inside one of them must come before
    // the group ends, or it lands in a later group and skips the ones between: inside a group,
    // every kill comes halfway through its shortest step.
    for group in [0..=4, 5..=10, 11..=14] {
        let shortest = durations[group.clone()]
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        durations[group].fill(shortest);
    }
    let kills = kill_everywhere(&t, &exec, "setup-1", &durations);
    assert!(kills.len() >= STEPS.len(), "{kills:?}");
    t.run(&["status", "setup-1"])
        .status(0)
        .stdout_has("run setup-1: done");
    assert_eq!(account("shape"), expected, "after kills at {kills:?}");
}

#[test]
fn the_docker_hub_and_vpc_options_change_the_buildspec_the_project_and_its_policy() {
    let (_guard, t) = aws_test();
    project(&t);
    let ids = boto3(
        "ec2 = client('ec2')\n\
         vpc = ec2.create_vpc(CidrBlock='10.0.0.0/16')['Vpc']['VpcId']\n\
         subnet = ec2.create_subnet(VpcId=vpc, CidrBlock='10.0.1.0/24')['Subnet']['SubnetId']\n\
         sg = ec2.create_security_group(GroupName='web', Description='web', VpcId=vpc)['GroupId']\n\
         secret = client('secretsmanager').create_secret(Name='dockerhub',\n\
             SecretString=json.dumps({'username': 'u', 'password': 'p'}))['ARN']\n\
         print(json.dumps([vpc, subnet, sg, secret]))",
    );
    let ids: Vec<String> = serde_json::from_str(ids.trim()).expect("ids");
    let params = [
        format!("vpc_id={}", ids[0]),
        format!("subnets={}", ids[1]),
        format!("security_groups={}", ids[2]),
        format!("dockerhub_secret_arn={}", ids[3]),
        "stand_in_push=true".to_string(),
    ];
    let mut args = vec!["exec", "setup.rhai"];
    for p in &params {
        args.extend(["--param", p.as_str()]);
    }
    t.run(&args).status(0);
    let code = format!(
        "VPC, SUBNET, SG, SECRET = {ids:?}\n{}",
        r#"
name = 'example_2022_1126'
spec = client('codecommit').get_file(repositoryName=name, filePath='buildspec.yml')['fileContent'].decode()
assert f'DOCKERHUB_USER: {SECRET}:username' in spec and f'DOCKERHUB_PASS: {SECRET}:password' in spec, spec
assert 'docker login --username $DOCKERHUB_USER --password-stdin' in spec, spec
p = client('codebuild').batch_get_projects(names=[name])['projects'][0]
assert p['vpcConfig'] == {'vpcId': VPC, 'subnets': [SUBNET], 'securityGroupIds': [SG]}, p['vpcConfig']
iam = client('iam')
arn = iam.list_attached_role_policies(RoleName=f'codebuild-{name}-service-role')['AttachedPolicies'][0]['PolicyArn']
doc = iam.get_policy_version(PolicyArn=arn, VersionId='v1')['PolicyVersion']['Document']
actions = [a for s in doc['Statement'] for a in s['Action']]
assert 'secretsmanager:GetSecretValue' in actions and 'ec2:CreateNetworkInterface' in actions, actions
eni = [s for s in doc['Statement'] if s['Action'] == ['ec2:CreateNetworkInterfacePermission']][0]
assert eni['Condition']['StringEquals']['ec2:AuthorizedService'] == 'codebuild.amazonaws.com', eni
print('ok')
"#
    );
    assert_eq!(boto3(&code).trim(), "ok");
}

#[test]
fn without_options_the_committed_buildspec_is_the_asset_file() {
    let (_guard, t) = aws_test();
    project(&t);
    let network = network();
    setup(&t, &network, &[]);
    let files = boto3(
        "cc = client('codecommit')\n\
         get = lambda p: cc.get_file(repositoryName='example_2022_1126', filePath=p)['fileContent'].decode()\n\
         print(json.dumps([get('buildspec.yml'), get('nginx/Dockerfile')]))",
    );
    let files: Vec<String> = serde_json::from_str(files.trim()).expect("files");
    assert_eq!(files[0], include_str!("../runbooks/assets/buildspec.yml"));
    assert_eq!(files[1], "FROM nginx\n");
}

/// verify.rhai killed at every step and resumed: one change pushed (two commits on the
/// branch: setup's and verify's), one stand-in image, and the pipeline's execution for it.
#[test]
fn verify_killed_at_every_step_and_resumed_pushes_one_change() {
    let (_guard, t) = aws_test();
    project(&t);
    let network = network();
    let verify = ["exec", "verify.rhai", "--param", "stand_in_push=true"];
    // Durations from an uninterrupted setup and verify, then a fresh emulator.
    setup(&t, &network, &["--state-dir", "reference"]);
    let mut reference = vec!["--json", "--state-dir", "reference"];
    reference.extend_from_slice(&verify);
    let reference = t.run(&reference);
    reference.status(0);
    let durations: Vec<f64> = reference
        .events()
        .iter()
        .filter(|e| e["event"] == "step_completed")
        .map(|e| e["duration_ms"].as_f64().unwrap_or(0.0))
        .collect();
    crate::emulator::reset_emulator();
    let network = self::network();
    setup(&t, &network, &[]);

    let kills = kill_everywhere(&t, &verify, "verify-1", &durations);
    assert!(kills.len() >= durations.len(), "{kills:?}");
    let shape = boto3(
        "name = 'example_2022_1126'\n\
         cc = client('codecommit')\n\
         head = cc.get_branch(repositoryName=name, branchName='master')['branch']['commitId']\n\
         parent = cc.get_commit(repositoryName=name, commitId=head)['commit']['parents']\n\
         grand = cc.get_commit(repositoryName=name, commitId=parent[0])['commit']['parents']\n\
         images = client('ecr').list_images(repositoryName=name)['imageIds']\n\
         print(json.dumps([len(parent), len(grand), [i['imageTag'] for i in images]]))",
    );
    assert_eq!(
        shape.trim(),
        r#"[1, 0, ["v0.95"]]"#,
        "after kills at {kills:?}"
    );
}

/// Network params that name nothing in the region, or two VPCs, stop setup before its first
/// step with a usage error naming the param (and nothing is made).
#[test]
fn wrong_network_params_stop_setup_before_its_first_step() {
    let (_guard, t) = aws_test();
    project(&t);
    let (subnet, group) = vpc();
    let (_, other_group) = vpc();
    let run = |subnets: &str, groups: &str| {
        t.run(&[
            "exec",
            "setup.rhai",
            "--param",
            &format!("subnets={subnets}"),
            "--param",
            &format!("security_groups={groups}"),
        ])
    };
    run("subnet-0123456789abcdef0", &group)
        .status(2)
        .stderr_has("error: param subnets: ")
        .stderr_has("(InvalidSubnetID.NotFound, in ap-northeast-1)");
    run(&subnet, &other_group).status(2).stderr_has(&format!(
        "error: param security_groups: {other_group} is in vpc-"
    ));
    t.run(&[
        "-v",
        "exec",
        "setup.rhai",
        "--param",
        &format!("subnets={subnet}"),
    ])
    .status(2)
    .stderr_has("error: param security_groups: missing");
    let status = t.run(&["status", "setup-1"]);
    status.status(0);
    assert!(
        !status.stdout.contains("  done "),
        "no step ran: {}",
        status.stdout
    );
    assert_eq!(account("left").trim(), "{}");
}
