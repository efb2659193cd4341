//! EC2: the look-ups of the network a runbook is given (VPCs, subnets, security groups), so
//! that a run can check its params before its first step instead of failing at the last.

use aws_sdk_ec2::types::{Filter, SecurityGroup, Subnet, Vpc};
use aws_smithy_types::Document;

use crate::aws::clients::Clients;
use crate::aws::error::CallError;
use crate::aws::table::{Input, Table};
use crate::{doc, table_bindings};

const FILTER: Table = &[("Name", true), ("Values", true)];

fn filters(i: &mut Input) -> Result<Option<Vec<Filter>>, CallError> {
    let Some(filters) = i.objects("Filters", FILTER)? else {
        return Ok(None);
    };
    let mut built = Vec::new();
    for mut f in filters {
        built.push(
            Filter::builder()
                .set_name(f.string("Name")?)
                .set_values(f.strings("Values")?)
                .build(),
        );
    }
    Ok(Some(built))
}

fn tags(tags: &[aws_sdk_ec2::types::Tag]) -> Vec<Document> {
    tags.iter()
        .map(|t| doc! { "Key" => t.key(), "Value" => t.value() })
        .collect()
}

fn subnet(s: &Subnet) -> Document {
    doc! {
        "SubnetId" => s.subnet_id(),
        "SubnetArn" => s.subnet_arn(),
        "VpcId" => s.vpc_id(),
        "State" => s.state().map(|v| v.as_str()),
        "AvailabilityZone" => s.availability_zone(),
        "AvailabilityZoneId" => s.availability_zone_id(),
        "CidrBlock" => s.cidr_block(),
        "AvailableIpAddressCount" => s.available_ip_address_count(),
        "DefaultForAz" => s.default_for_az(),
        "MapPublicIpOnLaunch" => s.map_public_ip_on_launch(),
        "OwnerId" => s.owner_id(),
        "Tags" => tags(s.tags()),
    }
}

fn security_group(g: &SecurityGroup) -> Document {
    doc! {
        "GroupId" => g.group_id(),
        "GroupName" => g.group_name(),
        "Description" => g.description(),
        "VpcId" => g.vpc_id(),
        "OwnerId" => g.owner_id(),
        "SecurityGroupArn" => g.security_group_arn(),
        "Tags" => tags(g.tags()),
    }
}

fn vpc(v: &Vpc) -> Document {
    doc! {
        "VpcId" => v.vpc_id(),
        "State" => v.state().map(|s| s.as_str()),
        "CidrBlock" => v.cidr_block(),
        "IsDefault" => v.is_default(),
        "OwnerId" => v.owner_id(),
        "Tags" => tags(v.tags()),
    }
}

const DESCRIBE_SUBNETS: Table = &[
    ("SubnetIds", false),
    ("Filters", false),
    ("MaxResults", false),
    ("NextToken", false),
    ("DryRun", false),
];

async fn describe_subnets(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DESCRIBE_SUBNETS)?;
    let out = c
        .ec2()
        .describe_subnets()
        .set_subnet_ids(i.strings("SubnetIds")?)
        .set_filters(filters(&mut i)?)
        .set_max_results(i.int("MaxResults")?)
        .set_next_token(i.string("NextToken")?)
        .set_dry_run(i.bool("DryRun")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let subnets: Vec<Document> = out.subnets().iter().map(subnet).collect();
    Ok(doc! { "Subnets" => subnets, "NextToken" => out.next_token() })
}

const DESCRIBE_SECURITY_GROUPS: Table = &[
    ("GroupIds", false),
    ("GroupNames", false),
    ("Filters", false),
    ("MaxResults", false),
    ("NextToken", false),
    ("DryRun", false),
];

async fn describe_security_groups(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DESCRIBE_SECURITY_GROUPS)?;
    let out = c
        .ec2()
        .describe_security_groups()
        .set_group_ids(i.strings("GroupIds")?)
        .set_group_names(i.strings("GroupNames")?)
        .set_filters(filters(&mut i)?)
        .set_max_results(i.int("MaxResults")?)
        .set_next_token(i.string("NextToken")?)
        .set_dry_run(i.bool("DryRun")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let groups: Vec<Document> = out.security_groups().iter().map(security_group).collect();
    Ok(doc! { "SecurityGroups" => groups, "NextToken" => out.next_token() })
}

const DESCRIBE_VPCS: Table = &[
    ("VpcIds", false),
    ("Filters", false),
    ("MaxResults", false),
    ("NextToken", false),
    ("DryRun", false),
];

async fn describe_vpcs(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DESCRIBE_VPCS)?;
    let out = c
        .ec2()
        .describe_vpcs()
        .set_vpc_ids(i.strings("VpcIds")?)
        .set_filters(filters(&mut i)?)
        .set_max_results(i.int("MaxResults")?)
        .set_next_token(i.string("NextToken")?)
        .set_dry_run(i.bool("DryRun")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let vpcs: Vec<Document> = out.vpcs().iter().map(vpc).collect();
    Ok(doc! { "Vpcs" => vpcs, "NextToken" => out.next_token() })
}

table_bindings!("ec2" {
    describe_subnets "DescribeSubnets" DESCRIBE_SUBNETS
        "Describes your subnets (SubnetIds, or Filters such as vpc-id).";
    describe_security_groups "DescribeSecurityGroups" DESCRIBE_SECURITY_GROUPS
        "Describes the specified security groups or all of your security groups.";
    describe_vpcs "DescribeVpcs" DESCRIBE_VPCS
        "Describes your VPCs.";
});
