//! Every operation of every SDK crate is a binding, with the model's required members, doc
//! line, paginator and read-only mark.

use runbook_aws::services;

#[test]
fn every_operation_has_a_binding_whose_required_members_exist() {
    let all = services::all();
    // The SDK crates' operations, less those left out (listed at the top of each file: event
    // streams, and operations botocore has that the crate does not).
    for (service, operations) in [
        ("sts", 11),
        ("iam", 180),
        ("codecommit", 80),
        ("codebuild", 59),
        ("ecr", 62),
        ("codepipeline", 44),
        ("ecs", 88),
        ("ec2", 811),
        ("s3", 111),
        ("events", 57),
        ("logs", 116),
        ("secretsmanager", 23),
    ] {
        let bindings: Vec<_> = all.iter().filter(|b| b.service == service).collect();
        assert_eq!(bindings.len(), operations, "{service}");
        for binding in bindings {
            for member in binding.required {
                assert!(
                    binding.input.member_schema(member).is_some(),
                    "{}: {member}",
                    binding.qualified()
                );
            }
            assert!(!binding.doc.is_empty() && !binding.doc.contains('<'));
        }
    }
    assert_eq!(services::SERVICES.len(), 12);
}

#[test]
fn paginators_and_reads_come_from_the_models() {
    let find = |name: &str| {
        services::all()
            .into_iter()
            .find(|b| b.qualified() == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let roles = find("iam::list_roles").pages.unwrap();
    assert_eq!(
        (
            roles.input_token,
            roles.output_token,
            roles.results,
            roles.more_results
        ),
        ("Marker", "Marker", &["Roles"][..], Some("IsTruncated"))
    );
    let objects = find("s3::list_objects_v2").pages.unwrap();
    assert_eq!(
        (objects.input_token, objects.output_token),
        ("ContinuationToken", "NextContinuationToken")
    );
    assert!(find("ecr::describe_image_scan_findings").pages.is_some());
    assert!(find("ecr::create_repository").pages.is_none());
    for read in [
        "iam::list_attached_role_policies",
        "ecr::describe_image_scan_findings",
        "logs::filter_log_events",
        "s3::head_bucket",
        "ecr::batch_check_layer_availability",
        "iam::simulate_principal_policy",
    ] {
        assert!(!find(read).is_mutating(), "{read}");
    }
    for change in ["iam::create_role", "s3::put_object", "ecs::update_service"] {
        assert!(find(change).is_mutating(), "{change}");
    }
}
