//! The one converter, `schema::decode` and `schema::to_document`, over every kind of member:
//! through the SDK's own schema code (ecs, codecommit) and through scripts/gen-aws's (iam,
//! ecr, s3, logs, secretsmanager, ec2).

use aws_sdk_codecommit::operation::get_blob::GetBlobOutput;
use aws_sdk_codecommit::operation::put_file::PutFileInput;
use aws_sdk_ecs::operation::create_gateway::CreateGatewayInput;
use aws_sdk_ecs::operation::list_clusters::ListClustersInput;
use aws_sdk_ecs::operation::register_task_definition::RegisterTaskDefinitionInput;
use aws_sdk_ecs::types::LogDriver;
use aws_smithy_types::{Blob, DateTime, Document};
use runbook_aws::document::from_json;
use runbook_aws::error::CallError;
use runbook_aws::schema::{decode, to_document, Rules};
use runbook_aws::services;
use runbook_aws::shape::FromShape;
use serde_json::json;

fn read<T: FromShape>(value: serde_json::Value, rules: &'static Rules) -> Result<T, CallError> {
    decode(&from_json(&value), &[], rules)
}

fn refusal<T: FromShape + std::fmt::Debug>(
    value: serde_json::Value,
    rules: &'static Rules,
) -> String {
    read::<T>(value, rules).unwrap_err().message
}

#[test]
fn structures_lists_maps_and_enums_round_trip_through_the_sdks_schemas() {
    let web = json!({
        "family": "web", "cpu": "256", "memory": "512", "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [{
            "name": "web", "image": "nginx:1.27", "cpu": 256, "memory": 512, "essential": true,
            "portMappings": [{ "containerPort": 80, "hostPort": 8080, "protocol": "tcp" }],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": { "awslogs-group": "/ecs/web", "awslogs-region": "ap-northeast-1" },
            },
        }],
        "tags": [{ "key": "team", "value": "ops" }],
    });
    let input: RegisterTaskDefinitionInput = read(web.clone(), &services::ecs::RULES).unwrap();
    let container = &input.container_definitions()[0];
    assert_eq!(
        container.log_configuration().unwrap().log_driver(),
        &LogDriver::Awslogs
    );
    assert_eq!(container.port_mappings()[0].host_port(), Some(8080));
    assert_eq!(to_document(&input).unwrap(), from_json(&web));
}

#[test]
fn generated_structures_lists_and_enums_round_trip() {
    use aws_sdk_ecr::types::{ImageScanningConfiguration, ImageTagMutability, Tag};
    let tag = json!({ "Key": "team", "Value": "ops" });
    let read_tag: Tag = read(tag.clone(), &services::ecr::RULES).unwrap();
    assert_eq!((read_tag.key(), read_tag.value()), ("team", "ops"));
    assert_eq!(to_document(&read_tag).unwrap(), from_json(&tag));
    let scanning: ImageScanningConfiguration =
        read(json!({ "scanOnPush": true }), &Rules::NONE).unwrap();
    assert!(scanning.scan_on_push());
    let tags: Vec<Tag> =
        read(json!([tag, { "Key": "env", "Value": "dev" }]), &Rules::NONE).unwrap();
    assert_eq!(tags[1].key(), "env");
    let mutability: ImageTagMutability = read(json!("IMMUTABLE"), &Rules::NONE).unwrap();
    assert_eq!(mutability, ImageTagMutability::Immutable);
    assert_eq!(
        to_document(&mutability).unwrap(),
        from_json(&json!("IMMUTABLE"))
    );
}

#[test]
fn an_unknown_enum_value_is_refused_naming_the_allowed_ones() {
    use aws_sdk_ecr::operation::create_repository::CreateRepositoryInput;
    assert_eq!(
        refusal::<CreateRepositoryInput>(
            json!({ "repositoryName": "r", "imageTagMutability": "IMUTABLE" }),
            &Rules::NONE
        ),
        "imageTagMutability: \"IMUTABLE\" is not one of IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, \
         MUTABLE, MUTABLE_WITH_EXCLUSION (did you mean \"IMMUTABLE\"?)"
    );
}

#[test]
fn the_schema_crates_enums_are_checked_too_by_the_models_values() {
    use aws_sdk_ecs::operation::create_service::CreateServiceInput;
    // The SDK's own enums take any string; the models' values are checked by member.
    assert_eq!(
        refusal::<CreateServiceInput>(
            json!({ "serviceName": "web", "launchType": "fargate" }),
            &services::ecs::RULES
        ),
        "launchType: \"fargate\" is not one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES (did \
         you mean \"FARGATE\"?)"
    );
    // A list of enums: each element.
    assert_eq!(
        refusal::<RegisterTaskDefinitionInput>(
            json!({ "family": "web", "containerDefinitions": [],
                    "requiresCompatibilities": ["FARGATE", "EC3"] }),
            &services::ecs::RULES
        ),
        "requiresCompatibilities[1]: \"EC3\" is not one of EC2, FARGATE, EXTERNAL, \
         MANAGED_INSTANCES (did you mean \"EC2\"?)"
    );
    let input: CreateServiceInput = read(
        json!({ "serviceName": "web", "launchType": "FARGATE" }),
        &services::ecs::RULES,
    )
    .unwrap();
    assert_eq!(input.launch_type().map(|t| t.as_str()), Some("FARGATE"));
}

#[test]
fn unknown_and_missing_members_are_named_with_their_path() {
    use aws_sdk_iam::operation::create_role::CreateRoleInput;
    let nested = &services::iam::RULES;
    assert_eq!(
        refusal::<CreateRoleInput>(
            json!({ "RoleName": "r", "AssumeRolePolicyDocument": "{}", "Tags": [{ "Key": "a" }] }),
            nested
        ),
        "Tags[0].Value: required member is missing"
    );
    let typo = refusal::<CreateRoleInput>(json!({ "RoleNam": "r" }), nested);
    assert!(
        typo.starts_with("RoleNam: unknown member (did you mean \"RoleName\"?) (members: Path, "),
        "{typo}"
    );
    let binding = services::all()
        .into_iter()
        .find(|b| b.qualified() == "iam::create_role")
        .unwrap();
    assert_eq!(binding.required, ["RoleName", "AssumeRolePolicyDocument"]);
}

#[test]
fn a_string_member_given_a_map_takes_its_json_text() {
    use aws_sdk_iam::operation::create_role::CreateRoleInput;
    let policy = json!({ "Version": "2012-10-17", "Statement": [] });
    let input: CreateRoleInput = read(
        json!({ "RoleName": "r", "AssumeRolePolicyDocument": policy }),
        &Rules::NONE,
    )
    .unwrap();
    let sent: serde_json::Value =
        serde_json::from_str(input.assume_role_policy_document().unwrap()).unwrap();
    assert_eq!(sent, policy);
}

#[test]
fn iam_policy_documents_come_back_as_json_text() {
    use aws_sdk_iam::types::Role;
    let role = Role::builder()
        .path("/")
        .role_name("r")
        .role_id("AROA")
        .arn("arn:aws:iam::123456789012:role/r")
        .create_date(DateTime::from_secs(1714557600))
        .assume_role_policy_document("%7B%22Version%22%3A%222012-10-17%22%7D")
        .build()
        .unwrap();
    let Document::Object(back) = to_document(&role).unwrap() else {
        panic!("not a map");
    };
    assert_eq!(
        back["AssumeRolePolicyDocument"],
        Document::String(r#"{"Version":"2012-10-17"}"#.into())
    );
    assert_eq!(
        back["CreateDate"],
        Document::String("2024-05-01T10:00:00Z".into())
    );
}

#[test]
fn timestamps_are_taken_as_rfc3339_or_epoch_seconds_and_given_as_rfc3339() {
    use aws_sdk_s3::types::ObjectLockRetention;
    let retention: ObjectLockRetention = read(
        json!({ "Mode": "GOVERNANCE", "RetainUntilDate": 1714557660 }),
        &Rules::NONE,
    )
    .unwrap();
    assert_eq!(
        retention.retain_until_date(),
        Some(&DateTime::from_secs(1714557660))
    );
    assert_eq!(
        to_document(&retention).unwrap(),
        from_json(&json!({ "Mode": "GOVERNANCE", "RetainUntilDate": "2024-05-01T10:01:00Z" }))
    );
    assert_eq!(
        refusal::<ObjectLockRetention>(json!({ "RetainUntilDate": "yesterday" }), &Rules::NONE),
        "RetainUntilDate: expected an RFC 3339 timestamp, got \"yesterday\""
    );
}

#[test]
fn blobs_are_text_or_bytes_in_and_out() {
    let sent = json!({ "repositoryName": "r", "branchName": "main", "filePath": "Dockerfile",
                       "fileContent": "FROM nginx\n" });
    let input: PutFileInput = read(sent.clone(), &Rules::NONE).unwrap();
    assert_eq!(
        input.file_content().map(Blob::as_ref),
        Some(&b"FROM nginx\n"[..])
    );
    assert_eq!(to_document(&input).unwrap(), from_json(&sent));

    use aws_sdk_secretsmanager::operation::create_secret::CreateSecretInput;
    let input: CreateSecretInput = read(
        json!({ "Name": "s", "SecretBinary": [255, 0] }),
        &Rules::NONE,
    )
    .unwrap();
    assert_eq!(input.secret_binary().map(Blob::as_ref), Some(&[255, 0][..]));
    let output = GetBlobOutput::builder()
        .content(Blob::new(vec![0xff, 0x00]))
        .build()
        .unwrap();
    assert_eq!(
        to_document(&output).unwrap(),
        from_json(&json!({ "content": [255, 0] }))
    );
    assert_eq!(
        refusal::<CreateSecretInput>(json!({ "Name": "s", "SecretBinary": [256] }), &Rules::NONE),
        "SecretBinary: expected an array of bytes (0 to 255)"
    );
}

#[test]
fn integers_longs_and_doubles_are_checked_for_fractions_and_range() {
    use aws_sdk_cloudwatchlogs::operation::get_log_events::GetLogEventsInput;
    let memory = |value: serde_json::Value| {
        refusal::<RegisterTaskDefinitionInput>(
            json!({ "family": "f", "containerDefinitions": [{ "memory": value }] }),
            &Rules::NONE,
        )
    };
    assert_eq!(
        memory(json!(1.5)),
        "containerDefinitions[0].memory: expected an integer, got 1.5"
    );
    assert_eq!(
        memory(json!(3_000_000_000_i64)),
        "containerDefinitions[0].memory: 3000000000 is out of range"
    );
    // A long takes what an integer cannot; an integral float is an integer.
    let events: GetLogEventsInput = read(
        json!({ "logStreamName": "s", "startTime": 1_714_557_660_000_i64, "limit": 10.0 }),
        &Rules::NONE,
    )
    .unwrap();
    assert_eq!(events.start_time(), Some(1_714_557_660_000));
    assert_eq!(events.limit(), Some(10));

    use aws_sdk_ec2::types::SpotOptionsRequest;
    let spot: SpotOptionsRequest = read(json!({ "MaxTotalPrice": "0.5" }), &Rules::NONE).unwrap();
    assert_eq!(spot.max_total_price(), Some("0.5"));
    use aws_sdk_ecr::types::CvssScore;
    let score = CvssScore::builder().base_score(7.5).build();
    assert_eq!(
        to_document(&score).unwrap(),
        from_json(&json!({ "baseScore": 7.5 }))
    );
}

#[test]
fn a_union_takes_exactly_one_member() {
    assert_eq!(
        refusal::<CreateGatewayInput>(
            json!({ "name": "g", "infrastructureRoleArn": "arn", "configuration": {} }),
            &Rules::NONE
        ),
        "configuration: expected exactly one member, got none (members: hostSharedAlb)"
    );
    use aws_sdk_iam::types::PolicyIdentifier;
    let arn: PolicyIdentifier = read(
        json!({ "PolicyArn": "arn:aws:iam::aws:policy/x" }),
        &Rules::NONE,
    )
    .unwrap();
    assert_eq!(arn.as_policy_arn().unwrap(), "arn:aws:iam::aws:policy/x");
    let two = refusal::<PolicyIdentifier>(
        json!({ "PolicyArn": "a", "PolicyType": "INLINE" }),
        &Rules::NONE,
    );
    assert!(
        two.starts_with("expected exactly one member, got "),
        "{two}"
    );
}

#[test]
fn a_call_without_arguments_sends_an_empty_input() {
    let input: ListClustersInput = decode(&Document::Null, &[], &Rules::NONE).unwrap();
    assert_eq!(input, ListClustersInput::builder().build().unwrap());
}
