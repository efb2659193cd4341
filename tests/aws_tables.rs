//! The generated bindings of iam, s3, events, secretsmanager and ecr against the emulator,
//! through Rhai scripts run by the real binary: create, describe, the duplicate-create error
//! caught in Rhai, delete; and the policy documents as the seed runbook writes them, read
//! back equal to what was put.

use serde_json::Value;

use crate::emulator::aws_test;

/// A JSON text member (a policy document) parsed, to compare it with what was put.
#[track_caller]
fn json(text: &Value) -> Value {
    let text = text
        .as_str()
        .unwrap_or_else(|| panic!("a JSON string: {text}"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn iam_role_create_get_duplicate_delete() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "iam" {
    let trust = #{ Version: "2012-10-17", Statement: [#{ Effect: "Allow",
        Principal: #{ Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    let made = iam::create_role(#{ RoleName: "codebuild-example_2022_1126-service-role",
        Path: "/service-role/", AssumeRolePolicyDocument: trust,
        Tags: [#{ Key: "runbook", Value: "seed" }] });
    let got = iam::get_role(#{ RoleName: "codebuild-example_2022_1126-service-role" });
    let listed = iam::list_roles(#{ PathPrefix: "/service-role/" });
    let duplicate = "";
    try { iam::create_role(#{ RoleName: "codebuild-example_2022_1126-service-role",
                              AssumeRolePolicyDocument: trust }); }
    catch (e) { duplicate = e.code; }
    iam::delete_role(#{ RoleName: "codebuild-example_2022_1126-service-role" });
    let after = "";
    try { iam::get_role(#{ RoleName: "codebuild-example_2022_1126-service-role" }); }
    catch (e) { after = e.code; }
    #{ made: made.Role, got: got.Role, listed: listed.Roles.len(), duplicate: duplicate,
       after: after }
}
"#,
        &[],
    );
    assert_eq!(
        value["made"]["Arn"],
        "arn:aws:iam::123456789012:role/service-role/codebuild-example_2022_1126-service-role"
    );
    assert_eq!(value["got"]["RoleName"], value["made"]["RoleName"]);
    assert_eq!(value["got"]["Path"], "/service-role/");
    assert_eq!(
        value["got"]["Tags"],
        serde_json::json!([{ "Key": "runbook", "Value": "seed" }])
    );
    assert!(value["got"]["CreateDate"].as_str().unwrap().ends_with('Z'));
    assert_eq!(value["listed"], 1);
    assert_eq!(value["duplicate"], "EntityAlreadyExists");
    assert_eq!(value["after"], "NoSuchEntity");
}

#[test]
fn iam_trust_inline_and_managed_policies_read_back_as_put() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "policies" {
    let role = "AWSCodePipelineServiceRole-ap-northeast-1-example_2022_1126";
    let trust = #{ Version: "2012-10-17", Statement: [#{ Effect: "Allow",
        Principal: #{ Service: "codepipeline.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    let made = iam::create_role(#{ RoleName: role, AssumeRolePolicyDocument: trust });
    let trust_got = iam::get_role(#{ RoleName: role }).Role.AssumeRolePolicyDocument;

    // A string is sent as it is.
    let trust2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"sts:AssumeRole"}]}`;
    iam::update_assume_role_policy(#{ RoleName: role, PolicyDocument: trust2 });
    let trust2_got = iam::get_role(#{ RoleName: role }).Role.AssumeRolePolicyDocument;

    let inline = #{ Version: "2012-10-17", Statement: [#{ Sid: "AssumeRolePolicy",
        Effect: "Allow", Action: "sts:AssumeRole", Resource: made.Role.Arn,
        Condition: #{ StringLike: #{ "s3:prefix": ["a b/100%+"] } } }] };
    iam::put_role_policy(#{ RoleName: role, PolicyName: "inline", PolicyDocument: inline });
    let inline_got = iam::get_role_policy(#{ RoleName: role, PolicyName: "inline" });
    let inline_names = iam::list_role_policies(#{ RoleName: role }).PolicyNames;

    let base = #{ Version: "2012-10-17", Statement: [#{ Effect: "Allow", Resource: "*",
        Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability"] }] };
    let policy = iam::create_policy(#{ PolicyName: "CodeBuildBasePolicy-example_2022_1126-ap-northeast-1",
        Path: "/service-role/", PolicyDocument: base }).Policy;
    let base_got = iam::get_policy_version(#{ PolicyArn: policy.Arn,
        VersionId: policy.DefaultVersionId }).PolicyVersion.Document;
    let base2 = #{ Version: "2012-10-17", Statement: [#{ Effect: "Allow", Resource: "*",
        Action: ["ecr:GetAuthorizationToken", "ecr:DescribeImages"] }] };
    let v2 = iam::create_policy_version(#{ PolicyArn: policy.Arn, PolicyDocument: base2,
        SetAsDefault: true }).PolicyVersion;
    let default_id = iam::get_policy(#{ PolicyArn: policy.Arn }).Policy.DefaultVersionId;
    let base2_got = iam::get_policy_version(#{ PolicyArn: policy.Arn,
        VersionId: default_id }).PolicyVersion.Document;
    iam::delete_policy_version(#{ PolicyArn: policy.Arn, VersionId: policy.DefaultVersionId });
    let versions = iam::list_policy_versions(#{ PolicyArn: policy.Arn }).Versions;
    let local = iam::list_policies(#{ Scope: "Local" }).Policies;

    iam::attach_role_policy(#{ RoleName: role, PolicyArn: policy.Arn });
    let attached = iam::list_attached_role_policies(#{ RoleName: role }).AttachedPolicies;
    iam::tag_role(#{ RoleName: role, Tags: [#{ Key: "a", Value: "1" }, #{ Key: "b", Value: "2" }] });
    let tags = iam::list_role_tags(#{ RoleName: role, MaxItems: 1 });
    let in_use = "";
    try { iam::delete_role(#{ RoleName: role }); } catch (e) { in_use = e.code; }

    iam::detach_role_policy(#{ RoleName: role, PolicyArn: policy.Arn });
    iam::delete_role_policy(#{ RoleName: role, PolicyName: "inline" });
    iam::delete_policy(#{ PolicyArn: policy.Arn });
    iam::delete_role(#{ RoleName: role });
    #{ trust: trust, trust_got: trust_got, trust2: trust2, trust2_got: trust2_got,
       inline: inline, inline_got: inline_got, inline_names: inline_names,
       base: base, base_got: base_got, base2: base2, base2_got: base2_got,
       v2: v2.VersionId, default_id: default_id, versions: versions.len(),
       local: local.len(), attached: attached, tags: tags, in_use: in_use }
}
"#, &[]);
    assert_eq!(json(&value["trust_got"]), value["trust"]);
    assert_eq!(json(&value["trust2_got"]), json(&value["trust2"]));
    assert_eq!(
        json(&value["inline_got"]["PolicyDocument"]),
        value["inline"]
    );
    assert_eq!(value["inline_got"]["PolicyName"], "inline");
    assert_eq!(value["inline_names"], serde_json::json!(["inline"]));
    assert_eq!(json(&value["base_got"]), value["base"]);
    assert_eq!(json(&value["base2_got"]), value["base2"]);
    assert_eq!(value["default_id"], value["v2"]);
    assert_eq!(value["versions"], 1);
    assert_eq!(value["local"], 1);
    assert_eq!(
        value["attached"][0]["PolicyName"],
        "CodeBuildBasePolicy-example_2022_1126-ap-northeast-1"
    );
    assert_eq!(
        value["tags"]["Tags"],
        serde_json::json!([{ "Key": "a", "Value": "1" }, { "Key": "b", "Value": "2" }]),
        "every page, joined"
    );
    assert_eq!(value["in_use"], "DeleteConflict");
}

#[test]
fn s3_bucket_and_objects_create_describe_duplicate_delete() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "s3" {
    let bucket = "codepipeline-ap-northeast-1-example";
    let made = s3::create_bucket(#{ Bucket: bucket,
        CreateBucketConfiguration: #{ LocationConstraint: "ap-northeast-1" } });
    let head = s3::head_bucket(#{ Bucket: bucket });
    let location = s3::get_bucket_location(#{ Bucket: bucket });
    let buckets = s3::list_buckets().Buckets;
    let duplicate = "";
    try { s3::create_bucket(#{ Bucket: bucket,
        CreateBucketConfiguration: #{ LocationConstraint: "ap-northeast-1" } }); }
    catch (e) { duplicate = e.code; }
    s3::put_public_access_block(#{ Bucket: bucket, PublicAccessBlockConfiguration: #{
        BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true,
        RestrictPublicBuckets: true } });
    let block = s3::get_public_access_block(#{ Bucket: bucket });

    s3::put_object(#{ Bucket: bucket, Key: "nginx/Dockerfile", Body: "FROM nginx\n",
        ContentType: "text/plain", Metadata: #{ source: "runbook" } });
    s3::put_object(#{ Bucket: bucket, Key: "bytes.bin", Body: [0, 255, 10] });
    let text = s3::get_object(#{ Bucket: bucket, Key: "nginx/Dockerfile" });
    let bytes = s3::get_object(#{ Bucket: bucket, Key: "bytes.bin" }).Body;
    let paged = s3::list_objects_v2(#{ Bucket: bucket, MaxKeys: 1 });
    let missing = "";
    try { s3::get_object(#{ Bucket: bucket, Key: "nope" }); } catch (e) { missing = e.code; }
    let not_empty = "";
    try { s3::delete_bucket(#{ Bucket: bucket }); } catch (e) { not_empty = e.code; }

    let deleted = s3::delete_objects(#{ Bucket: bucket, Delete: #{ Objects: [
        #{ Key: "nginx/Dockerfile" }, #{ Key: "bytes.bin" }] } }).Deleted;
    s3::delete_object(#{ Bucket: bucket, Key: "never-was" });
    // Like boto3, an empty listing has no Contents.
    let left = (s3::list_objects_v2(#{ Bucket: bucket }).Contents ?? []).len();
    s3::delete_bucket(#{ Bucket: bucket });
    let after = "";
    try { s3::head_bucket(#{ Bucket: bucket }); } catch (e) { after = e.code; }
    #{ location_url: made.Location, head: head, location: location,
       buckets: buckets.map(|b| b.Name), duplicate: duplicate, block: block,
       body: text.Body, content_type: text.ContentType, metadata: text.Metadata,
       length: text.ContentLength, bytes: bytes,
       keys: paged.Contents.map(|o| o.Key), key_count: paged.Contents.len(),
       missing: missing, not_empty: not_empty, deleted: deleted.len(), left: left,
       after: after, buckets_after: s3::list_buckets().Buckets.len() }
}
"#,
        &[],
    );
    assert_eq!(value["head"]["BucketRegion"], "ap-northeast-1");
    assert_eq!(value["location"]["LocationConstraint"], "ap-northeast-1");
    assert_eq!(
        value["buckets"],
        serde_json::json!(["codepipeline-ap-northeast-1-example"])
    );
    assert_eq!(value["duplicate"], "BucketAlreadyOwnedByYou");
    assert_eq!(
        value["block"]["PublicAccessBlockConfiguration"],
        serde_json::json!({ "BlockPublicAcls": true, "IgnorePublicAcls": true,
                            "BlockPublicPolicy": true, "RestrictPublicBuckets": true })
    );
    assert_eq!(value["body"], "FROM nginx\n");
    assert_eq!(value["content_type"], "text/plain");
    assert_eq!(
        value["metadata"],
        serde_json::json!({ "source": "runbook" })
    );
    assert_eq!(value["length"], 11);
    assert_eq!(
        value["bytes"],
        serde_json::json!([0, 255, 10]),
        "bytes that are not UTF-8 come back as an array"
    );
    assert_eq!(
        value["keys"],
        serde_json::json!(["bytes.bin", "nginx/Dockerfile"]),
        "pages of one key each, joined"
    );
    assert_eq!(value["missing"], "NoSuchKey");
    assert_eq!(value["not_empty"], "BucketNotEmpty");
    assert_eq!(value["deleted"], 2);
    assert_eq!(value["left"], 0);
    assert_eq!(value["after"], "NotFound");
    assert_eq!(value["buckets_after"], 0);
}

#[test]
fn s3_location_constraint_versioning_and_enum_values() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "s3" {
    let missing_constraint = "";
    try { s3::create_bucket(#{ Bucket: "b-1" }); } catch (e) { missing_constraint = e.code; }
    s3::create_bucket(#{ Bucket: "b-1",
        CreateBucketConfiguration: #{ LocationConstraint: "ap-northeast-1" } });
    s3::put_bucket_versioning(#{ Bucket: "b-1", VersioningConfiguration: #{ Status: "Enabled" } });
    // Computed, the value is checked when the call is made (written out, before the run).
    let status = "en" + "abled";
    let typo = "";
    try { s3::put_bucket_versioning(#{ Bucket: "b-1",
        VersioningConfiguration: #{ Status: status } }); }
    catch (e) { typo = e.message; }
    s3::delete_bucket(#{ Bucket: "b-1" });
    #{ missing_constraint: missing_constraint, typo: typo,
       buckets: s3::list_buckets().Buckets.len() }
}
"#,
        &[],
    );
    assert_eq!(
        value["missing_constraint"],
        "IllegalLocationConstraintException"
    );
    assert_eq!(
        value["typo"],
        "VersioningConfiguration.Status: \"enabled\" is not one of Enabled, Suspended (did you \
         mean \"Enabled\"?)"
    );
    assert_eq!(value["buckets"], 0);
}

#[test]
fn events_rule_and_targets_create_describe_delete() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "events" {
    let pattern = #{ source: ["aws.codecommit"],
        "detail-type": ["CodeCommit Repository State Change"],
        resources: ["arn:aws:codecommit:ap-northeast-1:123456789012:example_2022_1126"],
        detail: #{ event: ["referenceCreated", "referenceUpdated"],
                   referenceType: ["branch"], referenceName: ["master"] } };
    let pipeline = "arn:aws:codepipeline:ap-northeast-1:123456789012:example_2022_1126";
    let made = events::put_rule(#{ Name: "codepipeline-example-master", EventPattern: pattern,
        State: "ENABLED", Description: "start the pipeline on a push to master" });
    // PutRule creates or updates: the same rule again is no error.
    let again = events::put_rule(#{ Name: "codepipeline-example-master", EventPattern: pattern });
    events::put_rule(#{ Name: "nightly", ScheduleExpression: "rate(1 day)", State: "DISABLED" });
    let described = events::describe_rule(#{ Name: "codepipeline-example-master" });
    let rules = events::list_rules(#{ Limit: 1 }).Rules;
    events::disable_rule(#{ Name: "codepipeline-example-master" });
    let disabled = events::describe_rule(#{ Name: "codepipeline-example-master" }).State;
    events::enable_rule(#{ Name: "codepipeline-example-master" });

    let put = events::put_targets(#{ Rule: "codepipeline-example-master", Targets: [
        #{ Id: "codepipeline-example", Arn: pipeline,
           RoleArn: "arn:aws:iam::123456789012:role/start-pipeline" },
        // Distinct ARNs: moto pages ListTargetsByRule by ARN, so targets sharing one would
        // be listed twice.
        #{ Id: "constant", Arn: pipeline + "-2", Input: #{ reason: "push" } },
        #{ Id: "path", Arn: pipeline + "-3", InputPath: "$.detail" }] });
    let targets = events::list_targets_by_rule(#{ Rule: "codepipeline-example-master", Limit: 2 });
    let by_target = events::list_rule_names_by_target(#{ TargetArn: pipeline }).RuleNames;
    let has_targets = "";
    try { events::delete_rule(#{ Name: "codepipeline-example-master" }); }
    catch (e) { has_targets = e.code; }
    let removed = events::remove_targets(#{ Rule: "codepipeline-example-master",
        Ids: ["codepipeline-example", "constant", "path"] });
    events::delete_rule(#{ Name: "codepipeline-example-master" });
    let after = "";
    try { events::describe_rule(#{ Name: "codepipeline-example-master" }); }
    catch (e) { after = e.code; }
    #{ arn: made.RuleArn, again: again.RuleArn, described: described, pattern: pattern,
       rules: rules.map(|r| r.Name), disabled: disabled, put: put,
       targets: targets.Targets, by_target: by_target, has_targets: has_targets,
       removed: removed.FailedEntryCount, after: after }
}
"#,
        &[],
    );
    assert_eq!(
        value["arn"],
        "arn:aws:events:ap-northeast-1:123456789012:rule/codepipeline-example-master"
    );
    assert_eq!(value["again"], value["arn"]);
    assert_eq!(value["described"]["State"], "ENABLED");
    assert_eq!(value["described"]["EventBusName"], "default");
    assert_eq!(json(&value["described"]["EventPattern"]), value["pattern"]);
    assert_eq!(
        value["rules"],
        serde_json::json!(["codepipeline-example-master", "nightly"]),
        "pages of one rule each, joined"
    );
    assert_eq!(value["disabled"], "DISABLED");
    assert_eq!(value["put"]["FailedEntryCount"], 0);
    let targets = &value["targets"];
    assert_eq!(targets.as_array().map(Vec::len), Some(3));
    assert_eq!(
        targets[0]["RoleArn"],
        "arn:aws:iam::123456789012:role/start-pipeline"
    );
    assert_eq!(
        json(&targets[1]["Input"]),
        serde_json::json!({ "reason": "push" })
    );
    assert_eq!(targets[2]["InputPath"], "$.detail");
    assert_eq!(
        value["by_target"],
        serde_json::json!(["codepipeline-example-master"])
    );
    assert_eq!(value["has_targets"], "ValidationException");
    assert_eq!(value["removed"], 0);
    assert_eq!(value["after"], "ResourceNotFoundException");
}

#[test]
fn secretsmanager_create_describe_duplicate_delete() {
    let (_guard, t) = aws_test();
    // The values stay inside the step: only comparisons are recorded.
    let value = t.value_of(
        r#"
step "secrets" {
    let made = secretsmanager::create_secret(#{ Name: "dockerhub/example",
        Description: "Docker Hub login for CodeBuild",
        SecretString: `{"DOCKERHUB_USER":"u","DOCKERHUB_PASS":"p"}`,
        Tags: [#{ Key: "runbook", Value: "seed" }] });
    let duplicate = "";
    try { secretsmanager::create_secret(#{ Name: "dockerhub/example", SecretString: "x" }); }
    catch (e) { duplicate = e.code; }
    let first = secretsmanager::get_secret_value(#{ SecretId: "dockerhub/example" });
    let put = secretsmanager::put_secret_value(#{ SecretId: made.ARN, SecretString: "second" });
    let second = secretsmanager::get_secret_value(#{ SecretId: "dockerhub/example" });
    secretsmanager::update_secret(#{ SecretId: "dockerhub/example", Description: "changed" });
    let described = secretsmanager::describe_secret(#{ SecretId: "dockerhub/example" });
    let listed = secretsmanager::list_secrets(#{ Filters: [#{ Key: "name", Values: ["dockerhub"] }] });
    let deleted = secretsmanager::delete_secret(#{ SecretId: "dockerhub/example",
        ForceDeleteWithoutRecovery: true });
    let after = "";
    try { secretsmanager::describe_secret(#{ SecretId: "dockerhub/example" }); }
    catch (e) { after = e.code; }
    #{ arn: made.ARN, name: made.Name, duplicate: duplicate,
       first_ok: parse_json(first.SecretString).DOCKERHUB_USER == "u",
       second_ok: second.SecretString == "second", second_version: second.VersionId,
       put_version: put.VersionId, stages: second.VersionStages,
       description: described.Description, tags: described.Tags,
       versions: described.VersionIdsToStages.len(),
       listed: listed.SecretList.map(|s| s.Name), deleted: deleted.Name, after: after }
}
"#, &[]);
    assert!(value["arn"].as_str().unwrap().starts_with(
        "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dockerhub/example-"
    ));
    assert_eq!(value["name"], "dockerhub/example");
    assert_eq!(value["duplicate"], "ResourceExistsException");
    assert_eq!(value["first_ok"], true);
    assert_eq!(value["second_ok"], true);
    assert_eq!(value["second_version"], value["put_version"]);
    assert_eq!(value["stages"], serde_json::json!(["AWSCURRENT"]));
    assert_eq!(value["description"], "changed");
    assert_eq!(
        value["tags"],
        serde_json::json!([{ "Key": "runbook", "Value": "seed" }])
    );
    assert_eq!(value["versions"], 2);
    assert_eq!(value["listed"], serde_json::json!(["dockerhub/example"]));
    assert_eq!(value["deleted"], "dockerhub/example");
    assert_eq!(value["after"], "ResourceNotFoundException");
}

#[test]
fn ecr_repository_policy_with_a_role_principal_images_and_lifecycle() {
    let (_guard, t) = aws_test();
    let value = t.value_of(
        r#"
step "ecr" {
    let account = sts::get_caller_identity().Account;
    let role = iam::create_role(#{ RoleName: "codebuild-example_2022_1126-service-role",
        Path: "/service-role/", AssumeRolePolicyDocument: #{ Version: "2012-10-17",
        Statement: [#{ Effect: "Allow", Principal: #{ Service: "codebuild.amazonaws.com" },
                       Action: "sts:AssumeRole" }] } }).Role;
    let repo = ecr::create_repository(#{ repositoryName: "example_2022_1126" }).repository;
    let policy = #{ Version: "2008-10-17", Statement: [#{ Sid: "new statement",
        Effect: "Allow", Principal: #{ AWS: role.Arn },
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload",
                 "ecr:GetAuthorizationToken", "ecr:InitiateLayerUpload", "ecr:PutImage",
                 "ecr:UploadLayerPart"] }] };
    ecr::set_repository_policy(#{ repositoryName: "example_2022_1126", policyText: policy });
    let policy_got = ecr::get_repository_policy(#{ repositoryName: "example_2022_1126" });
    ecr::delete_repository_policy(#{ repositoryName: "example_2022_1126" });
    let no_policy = "";
    try { ecr::get_repository_policy(#{ repositoryName: "example_2022_1126" }); }
    catch (e) { no_policy = e.code; }

    let manifest = `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"}]}`;
    let pushed = ecr::put_image(#{ repositoryName: "example_2022_1126", imageTag: "v0.95",
        imageManifest: manifest,
        imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json" }).image;
    let again = "";
    try { ecr::put_image(#{ repositoryName: "example_2022_1126", imageTag: "v0.95",
                            imageManifest: manifest }); }
    catch (e) { again = e.code; }
    let listed = ecr::list_images(#{ repositoryName: "example_2022_1126",
        filter: #{ tagStatus: "TAGGED" } }).imageIds;
    let described = ecr::describe_images(#{ repositoryName: "example_2022_1126",
        imageIds: [#{ imageTag: "v0.95" }] }).imageDetails;
    let got = ecr::batch_get_image(#{ repositoryName: "example_2022_1126",
        imageIds: [#{ imageTag: "v0.95" }, #{ imageTag: "missing" }] });
    let token = ecr::get_authorization_token().authorizationData;

    ecr::put_image_tag_mutability(#{ repositoryName: "example_2022_1126",
        imageTagMutability: "IMMUTABLE" });
    let mutability = ecr::describe_repositories(#{ repositoryNames: ["example_2022_1126"] })
        .repositories[0].imageTagMutability;
    let lifecycle = #{ rules: [#{ rulePriority: 1, description: "keep ten",
        selection: #{ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
        action: #{ type: "expire" } }] };
    ecr::put_lifecycle_policy(#{ repositoryName: "example_2022_1126",
        lifecyclePolicyText: lifecycle });
    let lifecycle_got = ecr::get_lifecycle_policy(#{ repositoryName: "example_2022_1126" });
    ecr::delete_lifecycle_policy(#{ repositoryName: "example_2022_1126" });
    let no_lifecycle = "";
    try { ecr::get_lifecycle_policy(#{ repositoryName: "example_2022_1126" }); }
    catch (e) { no_lifecycle = e.code; }
    ecr::tag_resource(#{ resourceArn: repo.repositoryArn,
        tags: [#{ Key: "runbook", Value: "seed" }] });
    let tags = ecr::list_tags_for_resource(#{ resourceArn: repo.repositoryArn }).tags;

    let removed = ecr::batch_delete_image(#{ repositoryName: "example_2022_1126",
        imageIds: [#{ imageTag: "v0.95" }] });
    let left = ecr::list_images(#{ repositoryName: "example_2022_1126" }).imageIds;
    ecr::delete_repository(#{ repositoryName: "example_2022_1126" });
    #{ account: account, role_arn: role.Arn, policy: policy, policy_got: policy_got,
       no_policy: no_policy, pushed: pushed, again: again, listed: listed,
       described: described, got: got, token_endpoint: token[0].proxyEndpoint,
       token_expires: token[0].expiresAt, mutability: mutability, lifecycle: lifecycle,
       lifecycle_got: lifecycle_got.lifecyclePolicyText, no_lifecycle: no_lifecycle,
       tags: tags, removed: removed, left: left.len() }
}
"#, &[]);
    assert_eq!(
        value["role_arn"],
        "arn:aws:iam::123456789012:role/service-role/codebuild-example_2022_1126-service-role"
    );
    assert_eq!(json(&value["policy_got"]["policyText"]), value["policy"]);
    assert_eq!(value["policy_got"]["registryId"], value["account"]);
    assert_eq!(value["no_policy"], "RepositoryPolicyNotFoundException");

    let digest = value["pushed"]["imageId"]["imageDigest"].clone();
    assert!(digest.as_str().unwrap().starts_with("sha256:"));
    assert_eq!(value["pushed"]["imageId"]["imageTag"], "v0.95");
    assert_eq!(value["again"], "ImageAlreadyExistsException");
    assert_eq!(
        value["listed"],
        serde_json::json!([{ "imageDigest": digest, "imageTag": "v0.95" }])
    );
    assert_eq!(
        value["described"][0]["imageTags"],
        serde_json::json!(["v0.95"])
    );
    assert!(value["described"][0]["imagePushedAt"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(value["got"]["images"][0]["imageId"]["imageDigest"], digest);
    assert_eq!(value["got"]["failures"][0]["failureCode"], "ImageNotFound");
    assert_eq!(
        value["got"]["failures"][0]["imageId"],
        serde_json::json!({ "imageTag": "missing" })
    );
    assert_eq!(
        value["token_endpoint"],
        "https://123456789012.dkr.ecr.ap-northeast-1.amazonaws.com"
    );
    assert!(value["token_expires"].as_str().unwrap().ends_with('Z'));
    assert_eq!(value["mutability"], "IMMUTABLE");
    assert_eq!(json(&value["lifecycle_got"]), value["lifecycle"]);
    assert_eq!(value["no_lifecycle"], "LifecyclePolicyNotFoundException");
    assert_eq!(
        value["tags"],
        serde_json::json!([{ "Key": "runbook", "Value": "seed" }])
    );
    assert_eq!(value["removed"]["imageIds"][0]["imageDigest"], digest);
    assert_eq!(value["removed"]["failures"], serde_json::json!([]));
    assert_eq!(value["left"], 0);
}
