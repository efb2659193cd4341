//! ECS: clusters, task definitions, services and tasks. Every operation of the API, through the
//! schema-driven conversion of `aws::schema`: a line per operation.

use crate::aws::schema::Required;
use crate::schema_bindings;

/// The required members of the shapes inside the inputs, which the schemas do not mark;
/// derived from the builders of aws-sdk-ecs 1.157.0.
const NESTED: Required = &[
    ("AttachmentStateChange", &["attachmentArn", "status"]),
    ("Attribute", &["name"]),
    ("AutoScalingGroupProvider", &["autoScalingGroupArn"]),
    ("AwsVpcConfiguration", &["subnets"]),
    ("CapacityProviderStrategyItem", &["capacityProvider"]),
    ("ClusterServiceConnectDefaultsRequest", &["namespace"]),
    ("ContainerDependency", &["containerName", "condition"]),
    ("ContainerRestartPolicy", &["enabled"]),
    (
        "CreateManagedInstancesProviderConfiguration",
        &["infrastructureRoleArn", "instanceLaunchTemplate"],
    ),
    ("DaemonContainerDefinition", &["image"]),
    ("DeploymentAlarms", &["alarmNames", "rollback", "enable"]),
    ("DeploymentCircuitBreaker", &["enable", "rollback"]),
    ("DeploymentController", &["type"]),
    ("DeploymentEarlySuccessCriteria", &["enable"]),
    ("Device", &["hostPath"]),
    ("EBSTagSpecification", &["resourceType"]),
    ("EFSVolumeConfiguration", &["fileSystemId"]),
    ("EnvironmentFile", &["value", "type"]),
    ("EphemeralStorage", &["sizeInGiB"]),
    ("ExpressGatewayContainer", &["image"]),
    (
        "ExpressGatewayServiceAwsLogsConfiguration",
        &["logGroup", "logStreamPrefix"],
    ),
    (
        "FSxWindowsFileServerAuthorizationConfig",
        &["credentialsParameter", "domain"],
    ),
    (
        "FSxWindowsFileServerVolumeConfiguration",
        &["fileSystemId", "rootDirectory", "authorizationConfig"],
    ),
    ("FirelensConfiguration", &["type"]),
    ("GatewayConnector", &["portName"]),
    ("GatewayElbAccessLogS3Destination", &["bucket"]),
    ("GatewayTestTrafficHeader", &["name", "values"]),
    ("HealthCheck", &["command"]),
    ("HostEntry", &["hostname", "ipAddress"]),
    ("InferenceAccelerator", &["deviceName", "deviceType"]),
    (
        "InstanceLaunchTemplate",
        &["ec2InstanceProfileArn", "networkConfiguration"],
    ),
    ("InstanceRequirementsRequest", &["vCpuCount", "memoryMiB"]),
    ("LogConfiguration", &["logDriver"]),
    ("LogDriverVolumeConfiguration", &["driver"]),
    (
        "ManagedAgentStateChange",
        &["containerName", "managedAgentName", "status"],
    ),
    ("MemoryMiBRequest", &["min"]),
    ("MetricConfiguration", &["metricNames", "resolutionSeconds"]),
    ("NvidiaMpsAllocation", &["memory"]),
    ("PlatformDevice", &["id", "type"]),
    ("ProxyConfiguration", &["containerName"]),
    ("RepositoryCredentials", &["credentialsParameter"]),
    ("ResourceRequirement", &["type"]),
    ("S3FilesVolumeConfiguration", &["fileSystemArn"]),
    ("Secret", &["name", "valueFrom"]),
    ("ServiceConnectAccessLogConfiguration", &["format"]),
    ("ServiceConnectClientAlias", &["port"]),
    ("ServiceConnectConfiguration", &["enabled"]),
    ("ServiceConnectService", &["portName"]),
    ("ServiceConnectTestTrafficHeaderMatchRules", &["exact"]),
    ("ServiceConnectTestTrafficHeaderRules", &["name"]),
    ("ServiceConnectTestTrafficRules", &["header"]),
    (
        "ServiceConnectTlsConfiguration",
        &["issuerCertificateAuthority"],
    ),
    ("ServiceManagedEBSVolumeConfiguration", &["roleArn"]),
    ("ServiceVolumeConfiguration", &["name"]),
    ("TaskManagedEBSVolumeConfiguration", &["roleArn"]),
    (
        "TaskManagedEBSVolumeTerminationPolicy",
        &["deleteOnTermination"],
    ),
    ("TaskVolumeConfiguration", &["name"]),
    ("ThresholdConfiguration", &["type", "value"]),
    ("Tmpfs", &["containerPath", "size"]),
    ("Ulimit", &["name", "softLimit", "hardLimit"]),
    (
        "UpdateManagedInstancesProviderConfiguration",
        &["infrastructureRoleArn", "instanceLaunchTemplate"],
    ),
    ("VCpuCountRangeRequest", &["min"]),
    (
        "VpcLatticeConfiguration",
        &["roleArn", "targetGroupArn", "portName"],
    ),
];

schema_bindings!(ecs, aws_sdk_ecs, NESTED, {
    associate_gateway_with_cluster AssociateGatewayWithClusterInput ["gateway", "cluster"]
        "Associates a gateway with an Amazon ECS cluster.";
    continue_service_deployment ContinueServiceDeploymentInput ["serviceDeploymentArn", "hookId"]
        "Continues or rolls back an Amazon ECS service deployment that is paused at a lifecycle \
        hook.";
    create_capacity_provider CreateCapacityProviderInput ["name"]
        "Creates a capacity provider.";
    create_cluster CreateClusterInput []
        "Creates a new Amazon ECS cluster.";
    create_daemon CreateDaemonInput [
        "daemonName",
        "daemonTaskDefinitionArn",
        "capacityProviderArns",
    ]
        "Creates a new daemon in the specified cluster and capacity providers.";
    create_express_gateway_service CreateExpressGatewayServiceInput ["infrastructureRoleArn"]
        "Creates an Express service that simplifies deploying containerized web applications on \
        Amazon ECS with managed Amazon Web Services infrastructure.";
    create_gateway CreateGatewayInput ["name", "infrastructureRoleArn", "configuration"]
        "Creates a gateway.";
    create_service CreateServiceInput ["serviceName"]
        "Runs and maintains your desired number of tasks from a specified task definition.";
    create_task_set CreateTaskSetInput ["service", "cluster", "taskDefinition"]
        "Create a task set in the specified cluster and service.";
    delete_account_setting DeleteAccountSettingInput ["name"]
        "Disables an account setting for a specified user, role, or the root user for an account.";
    delete_attributes DeleteAttributesInput ["attributes"]
        "Deletes one or more custom attributes from an Amazon ECS resource.";
    delete_capacity_provider DeleteCapacityProviderInput ["capacityProvider"]
        "Deletes the specified capacity provider.";
    delete_cluster DeleteClusterInput ["cluster"]
        "Deletes the specified cluster.";
    delete_daemon DeleteDaemonInput ["daemonArn"]
        "Deletes the specified daemon.";
    delete_daemon_task_definition DeleteDaemonTaskDefinitionInput ["daemonTaskDefinition"]
        "Deletes the specified daemon task definition.";
    delete_express_gateway_service DeleteExpressGatewayServiceInput ["serviceArn"]
        "Deletes an Express service and removes all associated Amazon Web Services resources.";
    delete_gateway DeleteGatewayInput ["gateway"]
        "Deletes a gateway.";
    delete_service DeleteServiceInput ["service"]
        "Deletes a specified service within a cluster.";
    delete_task_definitions DeleteTaskDefinitionsInput ["taskDefinitions"]
        "Deletes one or more task definitions.";
    delete_task_set DeleteTaskSetInput ["cluster", "service", "taskSet"]
        "Deletes a specified task set within a service.";
    deregister_container_instance DeregisterContainerInstanceInput ["containerInstance"]
        "Deregisters an Amazon ECS container instance from the specified cluster.";
    deregister_task_definition DeregisterTaskDefinitionInput ["taskDefinition"]
        "Deregisters the specified task definition by family and revision.";
    describe_capacity_providers DescribeCapacityProvidersInput []
        "Describes one or more of your capacity providers.";
    describe_clusters DescribeClustersInput []
        "Describes one or more of your clusters.";
    describe_container_instances DescribeContainerInstancesInput ["containerInstances"]
        "Describes one or more container instances.";
    describe_daemon DescribeDaemonInput ["daemonArn"]
        "Describes the specified daemon.";
    describe_daemon_deployments DescribeDaemonDeploymentsInput ["daemonDeploymentArns"]
        "Describes one or more of your daemon deployments.";
    describe_daemon_revisions DescribeDaemonRevisionsInput ["daemonRevisionArns"]
        "Describes one or more of your daemon revisions.";
    describe_daemon_task_definition DescribeDaemonTaskDefinitionInput ["daemonTaskDefinition"]
        "Describes a daemon task definition.";
    describe_express_gateway_service DescribeExpressGatewayServiceInput ["serviceArn"]
        "Retrieves detailed information about an Express service, including current status, \
        configuration, managed infrastructure, and service revisions.";
    describe_gateway DescribeGatewayInput ["gateway"]
        "Describes a gateway, including its configuration, status, and the type-specific \
        infrastructure settings that it uses.";
    describe_gateway_resources DescribeGatewayResourcesInput ["gateway"]
        "Returns the infrastructure that a gateway has created and manages, so that you can \
        follow the traffic path from top-level shared resources, such as load balancers, to the \
        service-specific resources represented as gateway routes.";
    describe_gateway_route DescribeGatewayRouteInput ["gatewayRouteArn"]
        "Describes a gateway route, including its status, the service it routes traffic to, and \
        the service-specific infrastructure, such as target groups and listener rules, that the \
        gateway manages for it.";
    describe_service_deployments DescribeServiceDeploymentsInput ["serviceDeploymentArns"]
        "Describes one or more of your service deployments.";
    describe_service_revisions DescribeServiceRevisionsInput ["serviceRevisionArns"]
        "Describes one or more service revisions.";
    describe_services DescribeServicesInput ["services"]
        "Describes the specified services running in your cluster.";
    describe_task_definition DescribeTaskDefinitionInput ["taskDefinition"]
        "Describes a task definition.";
    describe_task_sets DescribeTaskSetsInput ["cluster", "service"]
        "Describes the task sets in the specified cluster and service.";
    describe_tasks DescribeTasksInput ["tasks"]
        "Describes a specified task or tasks.";
    disassociate_gateway_from_cluster DisassociateGatewayFromClusterInput ["gateway", "cluster"]
        "Removes the association between a gateway and an Amazon ECS cluster.";
    discover_poll_endpoint DiscoverPollEndpointInput []
        "This action is only used by the Amazon ECS agent, and it is not intended for use \
        outside of the agent.";
    execute_command ExecuteCommandInput ["command", "interactive", "task"]
        "Runs a command remotely on a container within a task.";
    get_task_protection GetTaskProtectionInput ["cluster"]
        "Retrieves the protection status of tasks in an Amazon ECS service.";
    list_account_settings ListAccountSettingsInput []
        "Lists the account settings for a specified principal.";
    list_attributes ListAttributesInput ["targetType"]
        "Lists the attributes for Amazon ECS resources within a specified target type and cluster.";
    list_clusters ListClustersInput []
        "Returns a list of existing clusters.";
    list_container_instances ListContainerInstancesInput []
        "Returns a list of container instances in a specified cluster.";
    list_daemon_deployments ListDaemonDeploymentsInput ["daemonArn"]
        "Returns a list of daemon deployments for a specified daemon.";
    list_daemon_task_definitions ListDaemonTaskDefinitionsInput []
        "Returns a list of daemon task definitions that are registered to your account.";
    list_daemons ListDaemonsInput []
        "Returns a list of daemons.";
    list_gateway_cluster_associations ListGatewayClusterAssociationsInput []
        "Returns a list of the associations between gateways and clusters.";
    list_gateway_routes ListGatewayRoutesInput []
        "Returns a list of gateway routes.";
    list_gateways ListGatewaysInput []
        "Returns a list of gateways in your account.";
    list_service_deployments ListServiceDeploymentsInput ["service"]
        "This operation lists all the service deployments that meet the specified filter criteria.";
    list_services ListServicesInput []
        "Returns a list of services.";
    list_services_by_namespace ListServicesByNamespaceInput ["namespace"]
        "This operation lists all of the services that are associated with a Cloud Map namespace.";
    list_tags_for_resource ListTagsForResourceInput ["resourceArn"]
        "List the tags for an Amazon ECS resource.";
    list_task_definition_families ListTaskDefinitionFamiliesInput []
        "Returns a list of task definition families that are registered to your account.";
    list_task_definitions ListTaskDefinitionsInput []
        "Returns a list of task definitions that are registered to your account.";
    list_tasks ListTasksInput []
        "Returns a list of tasks.";
    put_account_setting PutAccountSettingInput ["name", "value"]
        "Modifies an account setting.";
    put_account_setting_default PutAccountSettingDefaultInput ["name", "value"]
        "Modifies an account setting for all users on an account for whom no individual account \
        setting has been specified.";
    put_attributes PutAttributesInput ["attributes"]
        "Create or update an attribute on an Amazon ECS resource.";
    put_cluster_capacity_providers PutClusterCapacityProvidersInput [
        "cluster",
        "capacityProviders",
        "defaultCapacityProviderStrategy",
    ]
        "Modifies the available capacity providers and the default capacity provider strategy \
        for a cluster.";
    register_container_instance RegisterContainerInstanceInput []
        "This action is only used by the Amazon ECS agent, and it is not intended for use \
        outside of the agent.";
    register_daemon_task_definition RegisterDaemonTaskDefinitionInput [
        "family",
        "containerDefinitions",
    ]
        "Registers a new daemon task definition from the supplied family and containerDefinitions.";
    register_task_definition RegisterTaskDefinitionInput ["family", "containerDefinitions"]
        "Registers a new task definition from the supplied family and containerDefinitions.";
    run_task RunTaskInput ["taskDefinition"]
        "Starts a new task using the specified task definition.";
    start_task StartTaskInput ["containerInstances", "taskDefinition"]
        "Starts a new task from the specified task definition on the specified container \
        instance or instances.";
    stop_service_deployment StopServiceDeploymentInput ["serviceDeploymentArn"]
        "Stops an ongoing service deployment.";
    stop_task StopTaskInput ["task"]
        "Stops a running task.";
    submit_attachment_state_changes SubmitAttachmentStateChangesInput ["attachments"]
        "This action is only used by the Amazon ECS agent, and it is not intended for use \
        outside of the agent.";
    submit_container_state_change SubmitContainerStateChangeInput []
        "This action is only used by the Amazon ECS agent, and it is not intended for use \
        outside of the agent.";
    submit_task_state_change SubmitTaskStateChangeInput []
        "This action is only used by the Amazon ECS agent, and it is not intended for use \
        outside of the agent.";
    tag_resource TagResourceInput ["resourceArn", "tags"]
        "Associates the specified tags to a resource with the specified resourceArn.";
    untag_resource UntagResourceInput ["resourceArn", "tagKeys"]
        "Deletes specified tags from a resource.";
    update_capacity_provider UpdateCapacityProviderInput ["name"]
        "Modifies the parameters for a capacity provider.";
    update_cluster UpdateClusterInput ["cluster"]
        "Updates the cluster.";
    update_cluster_settings UpdateClusterSettingsInput ["cluster", "settings"]
        "Modifies the settings to use for a cluster.";
    update_container_agent UpdateContainerAgentInput ["containerInstance"]
        "Updates the Amazon ECS container agent on a specified container instance.";
    update_container_instances_state UpdateContainerInstancesStateInput [
        "containerInstances",
        "status",
    ]
        "Modifies the status of an Amazon ECS container instance.";
    update_daemon UpdateDaemonInput ["daemonArn", "daemonTaskDefinitionArn", "capacityProviderArns"]
        "Updates the specified daemon.";
    update_express_gateway_service UpdateExpressGatewayServiceInput ["serviceArn"]
        "Updates an existing Express service configuration.";
    update_gateway UpdateGatewayInput ["gateway"]
        "Modifies the configuration of a gateway.";
    update_service UpdateServiceInput ["service"]
        "Modifies the parameters of a service.";
    update_service_primary_task_set UpdateServicePrimaryTaskSetInput [
        "cluster",
        "service",
        "primaryTaskSet",
    ]
        "Modifies which task set in a service is the primary task set.";
    update_task_protection UpdateTaskProtectionInput ["cluster", "tasks", "protectionEnabled"]
        "Updates the protection status of a task.";
    update_task_set UpdateTaskSetInput ["cluster", "service", "taskSet", "scale"]
        "Modifies a task set.";
});

#[cfg(test)]
mod tests {
    use aws_sdk_ecs::operation::register_task_definition::RegisterTaskDefinitionInput;
    use aws_sdk_ecs::types::LogDriver;
    use aws_smithy_types::Document;

    use super::{bindings, NESTED};
    use crate::aws::error::CallError;
    use crate::aws::schema::testing::{document, required};
    use crate::aws::schema::{decode, to_document};

    fn register(script: &str) -> Result<RegisterTaskDefinitionInput, CallError> {
        let required = required(&bindings(), "register_task_definition");
        decode(
            &document(script),
            required,
            NESTED,
            RegisterTaskDefinitionInput::deserialize,
        )
    }

    fn message(script: &str) -> String {
        register(script).unwrap_err().message
    }

    const WEB: &str = r#"#{
        family: "web",
        cpu: "256",
        memory: "512",
        requiresCompatibilities: ["EC2"],
        containerDefinitions: [#{
            name: "web",
            image: "nginx:1.27",
            cpu: 256,
            memory: 512,
            essential: true,
            portMappings: [#{ containerPort: 80, hostPort: 8080, protocol: "tcp" }],
            logConfiguration: #{
                logDriver: "awslogs",
                options: #{ "awslogs-group": "/ecs/web", "awslogs-region": "ap-northeast-1" },
            },
            environment: [#{ name: "MODE", value: "production" }, #{ name: "PORT", value: "80" }],
        }],
        tags: [#{ key: "team", value: "ops" }],
    }"#;

    #[test]
    fn a_task_definition_round_trips_member_by_member() {
        let input = register(WEB).unwrap();
        let container = &input.container_definitions()[0];
        let log = container.log_configuration().unwrap();
        assert_eq!(log.log_driver(), &LogDriver::Awslogs);
        assert_eq!(log.options().unwrap()["awslogs-group"], "/ecs/web");
        assert_eq!(container.port_mappings()[0].host_port(), Some(8080));
        assert_eq!(to_document(&input).unwrap(), document(WEB));
    }

    /// The SDK models a few members as plain values with a default (a container's `cpu` is
    /// an `i32`, 0 when not given), so they are always sent and always come back, as the AWS
    /// CLI shows them.
    #[test]
    fn a_member_the_sdk_defaults_comes_back_with_its_default() {
        let input = register(&WEB.replace("cpu: 256,", "")).unwrap();
        let Document::Object(mut back) = to_document(&input).unwrap() else {
            panic!("not a map");
        };
        let Some(Document::Array(containers)) = back.remove("containerDefinitions") else {
            panic!("no containerDefinitions");
        };
        let Document::Object(container) = &containers[0] else {
            panic!("not a map");
        };
        assert_eq!(container.get("cpu"), Some(&Document::from(0_u64)));
    }

    #[test]
    fn a_misspelt_member_is_named_with_its_path_and_the_likely_name() {
        let typo = WEB.replace("logConfiguration:", "logConfiguraton:");
        let error = register(&typo).unwrap_err();
        assert_eq!(error.code, "ParamValidation");
        assert!(
            error.message.starts_with(
                "containerDefinitions[0].logConfiguraton: unknown member \
                 (did you mean \"logConfiguration\"?) (members: name, image, repositoryCredentials, "
            ),
            "{}",
            error.message
        );
        assert_eq!(
            message(&WEB.replace("logDriver:", "logDrivr:")),
            "containerDefinitions[0].logConfiguration.logDrivr: unknown member \
             (did you mean \"logDriver\"?) (members: logDriver, options, secretOptions)"
        );
    }

    #[test]
    fn a_mistyped_member_is_named_with_its_path() {
        assert_eq!(
            message(&WEB.replace("containerPort: 80", "containerPort: \"80\"")),
            "containerDefinitions[0].portMappings[0].containerPort: expected an integer, got a string"
        );
        assert_eq!(
            message(&WEB.replace("memory: 512,", "memory: \"512\",")),
            "containerDefinitions[0].memory: expected an integer, got a string"
        );
        assert_eq!(
            message(&WEB.replace("cpu: \"256\"", "cpu: 256")),
            "cpu: expected a string, got a number"
        );
        assert_eq!(
            message(&WEB.replace(
                "\"awslogs-region\": \"ap-northeast-1\"",
                "\"awslogs-region\": 1"
            )),
            "containerDefinitions[0].logConfiguration.options.awslogs-region: \
             expected a string, got a number"
        );
    }

    #[test]
    fn a_missing_required_member_is_named() {
        assert_eq!(
            message(&WEB.replace("family: \"web\",", "")),
            "family: required member is missing"
        );
        assert_eq!(
            message(&WEB.replace("family: \"web\",", "family: (),")),
            "family: required member is missing"
        );
        assert_eq!(
            message(&WEB.replace("logDriver: \"awslogs\",", "")),
            "containerDefinitions[0].logConfiguration.logDriver: required member is missing"
        );
        assert!(matches!(register("#{ family: \"web\" }"), Err(e)
            if e.message == "containerDefinitions: required member is missing"));
        assert_eq!(register(WEB).map(|_| ()), Ok(()));
    }
}
