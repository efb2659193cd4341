//! IAM: roles, their trust and inline policies, managed policies and their versions, role
//! tags. IAM returns policy documents URL-encoded; they come back here as the JSON text.

use aws_sdk_iam::types::{Policy, PolicyScopeType, PolicyUsageType, PolicyVersion, Role, Tag};
use aws_smithy_types::Document;

use crate::aws::clients::Clients;
use crate::aws::error::CallError;
use crate::aws::table::{tag, Input, Table};
use crate::{doc, table_bindings};

fn tags(input: &mut Input) -> Result<Option<Vec<Tag>>, CallError> {
    input.tags("Tags", |k, v| Tag::builder().key(k).value(v).build())
}

fn tag_list(tags: &[Tag]) -> Vec<Document> {
    tags.iter().map(|t| tag(t.key(), t.value())).collect()
}

/// A policy document as IAM returns it (URL-encoded, RFC 3986) made the JSON text again, as
/// boto3 and the AWS CLI show it. Text that already parses as JSON is kept as it is: an
/// emulator may return it undecoded, and decoding it would corrupt a `%` in it.
fn policy_document(text: &str) -> String {
    if serde_json::from_str::<serde_json::Value>(text).is_ok() {
        return text.to_string();
    }
    percent_decode(text).unwrap_or_else(|| text.to_string())
}

/// `%XX` escapes to bytes; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn role(r: &Role) -> Document {
    doc! {
        "Path" => r.path(),
        "RoleName" => r.role_name(),
        "RoleId" => r.role_id(),
        "Arn" => r.arn(),
        "CreateDate" => r.create_date(),
        "AssumeRolePolicyDocument" => r.assume_role_policy_document().map(policy_document),
        "Description" => r.description(),
        "MaxSessionDuration" => r.max_session_duration(),
        "PermissionsBoundary" => r.permissions_boundary().map(|b| doc! {
            "PermissionsBoundaryType" => b.permissions_boundary_type().map(|t| t.as_str()),
            "PermissionsBoundaryArn" => b.permissions_boundary_arn(),
        }),
        "Tags" => r.tags.as_deref().map(tag_list),
        "RoleLastUsed" => r.role_last_used().map(|u| doc! {
            "LastUsedDate" => u.last_used_date(),
            "Region" => u.region(),
        }),
    }
}

fn policy(p: &Policy) -> Document {
    doc! {
        "PolicyName" => p.policy_name(),
        "PolicyId" => p.policy_id(),
        "Arn" => p.arn(),
        "Path" => p.path(),
        "DefaultVersionId" => p.default_version_id(),
        "AttachmentCount" => p.attachment_count(),
        "PermissionsBoundaryUsageCount" => p.permissions_boundary_usage_count(),
        "IsAttachable" => p.is_attachable(),
        "Description" => p.description(),
        "CreateDate" => p.create_date(),
        "UpdateDate" => p.update_date(),
        "Tags" => p.tags.as_deref().map(tag_list),
    }
}

fn policy_version(v: &PolicyVersion) -> Document {
    doc! {
        "Document" => v.document().map(policy_document),
        "VersionId" => v.version_id(),
        "IsDefaultVersion" => v.is_default_version(),
        "CreateDate" => v.create_date(),
    }
}

const CREATE_ROLE: Table = &[
    ("RoleName", true),
    ("AssumeRolePolicyDocument", true),
    ("Path", false),
    ("Description", false),
    ("MaxSessionDuration", false),
    ("PermissionsBoundary", false),
    ("Tags", false),
];

async fn create_role(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, CREATE_ROLE)?;
    let out = c
        .iam()
        .create_role()
        .set_role_name(i.string("RoleName")?)
        .set_assume_role_policy_document(i.json_text("AssumeRolePolicyDocument")?)
        .set_path(i.string("Path")?)
        .set_description(i.string("Description")?)
        .set_max_session_duration(i.int("MaxSessionDuration")?)
        .set_permissions_boundary(i.string("PermissionsBoundary")?)
        .set_tags(tags(&mut i)?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "Role" => out.role().map(role) })
}

const CREATE_SERVICE_LINKED_ROLE: Table = &[
    ("AWSServiceName", true),
    ("Description", false),
    ("CustomSuffix", false),
];

async fn create_service_linked_role(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, CREATE_SERVICE_LINKED_ROLE)?;
    let out = c
        .iam()
        .create_service_linked_role()
        .set_aws_service_name(i.string("AWSServiceName")?)
        .set_description(i.string("Description")?)
        .set_custom_suffix(i.string("CustomSuffix")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "Role" => out.role().map(role) })
}

const ROLE_NAME: Table = &[("RoleName", true)];

async fn get_role(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, ROLE_NAME)?;
    let out = c
        .iam()
        .get_role()
        .set_role_name(i.string("RoleName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "Role" => out.role().map(role) })
}

async fn delete_role(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, ROLE_NAME)?;
    c.iam()
        .delete_role()
        .set_role_name(i.string("RoleName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const LIST_ROLES: Table = &[
    ("PathPrefix", false),
    ("Marker", false),
    ("MaxItems", false),
];

async fn list_roles(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_ROLES)?;
    let out = c
        .iam()
        .list_roles()
        .set_path_prefix(i.string("PathPrefix")?)
        .set_marker(i.string("Marker")?)
        .set_max_items(i.int("MaxItems")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "Roles" => out.roles().iter().map(role).collect::<Vec<_>>(),
        "IsTruncated" => out.is_truncated(),
        "Marker" => out.marker(),
    })
}

const UPDATE_ASSUME_ROLE_POLICY: Table = &[("RoleName", true), ("PolicyDocument", true)];

async fn update_assume_role_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, UPDATE_ASSUME_ROLE_POLICY)?;
    c.iam()
        .update_assume_role_policy()
        .set_role_name(i.string("RoleName")?)
        .set_policy_document(i.json_text("PolicyDocument")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const PUT_ROLE_POLICY: Table = &[
    ("RoleName", true),
    ("PolicyName", true),
    ("PolicyDocument", true),
];

async fn put_role_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_ROLE_POLICY)?;
    c.iam()
        .put_role_policy()
        .set_role_name(i.string("RoleName")?)
        .set_policy_name(i.string("PolicyName")?)
        .set_policy_document(i.json_text("PolicyDocument")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const ROLE_POLICY: Table = &[("RoleName", true), ("PolicyName", true)];

async fn get_role_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, ROLE_POLICY)?;
    let out = c
        .iam()
        .get_role_policy()
        .set_role_name(i.string("RoleName")?)
        .set_policy_name(i.string("PolicyName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "RoleName" => out.role_name(),
        "PolicyName" => out.policy_name(),
        "PolicyDocument" => policy_document(out.policy_document()),
    })
}

async fn delete_role_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, ROLE_POLICY)?;
    c.iam()
        .delete_role_policy()
        .set_role_name(i.string("RoleName")?)
        .set_policy_name(i.string("PolicyName")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const LIST_ROLE_POLICIES: Table = &[("RoleName", true), ("Marker", false), ("MaxItems", false)];

async fn list_role_policies(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_ROLE_POLICIES)?;
    let out = c
        .iam()
        .list_role_policies()
        .set_role_name(i.string("RoleName")?)
        .set_marker(i.string("Marker")?)
        .set_max_items(i.int("MaxItems")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "PolicyNames" => out.policy_names(),
        "IsTruncated" => out.is_truncated(),
        "Marker" => out.marker(),
    })
}

const ROLE_POLICY_ARN: Table = &[("RoleName", true), ("PolicyArn", true)];

async fn attach_role_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, ROLE_POLICY_ARN)?;
    c.iam()
        .attach_role_policy()
        .set_role_name(i.string("RoleName")?)
        .set_policy_arn(i.string("PolicyArn")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

async fn detach_role_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, ROLE_POLICY_ARN)?;
    c.iam()
        .detach_role_policy()
        .set_role_name(i.string("RoleName")?)
        .set_policy_arn(i.string("PolicyArn")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const LIST_ATTACHED_ROLE_POLICIES: Table = &[
    ("RoleName", true),
    ("PathPrefix", false),
    ("Marker", false),
    ("MaxItems", false),
];

async fn list_attached_role_policies(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_ATTACHED_ROLE_POLICIES)?;
    let out = c
        .iam()
        .list_attached_role_policies()
        .set_role_name(i.string("RoleName")?)
        .set_path_prefix(i.string("PathPrefix")?)
        .set_marker(i.string("Marker")?)
        .set_max_items(i.int("MaxItems")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let attached = out
        .attached_policies()
        .iter()
        .map(|p| doc! { "PolicyName" => p.policy_name(), "PolicyArn" => p.policy_arn() })
        .collect::<Vec<_>>();
    Ok(doc! {
        "AttachedPolicies" => attached,
        "IsTruncated" => out.is_truncated(),
        "Marker" => out.marker(),
    })
}

const CREATE_POLICY: Table = &[
    ("PolicyName", true),
    ("PolicyDocument", true),
    ("Path", false),
    ("Description", false),
    ("Tags", false),
];

async fn create_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, CREATE_POLICY)?;
    let out = c
        .iam()
        .create_policy()
        .set_policy_name(i.string("PolicyName")?)
        .set_policy_document(i.json_text("PolicyDocument")?)
        .set_path(i.string("Path")?)
        .set_description(i.string("Description")?)
        .set_tags(tags(&mut i)?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "Policy" => out.policy().map(policy) })
}

const POLICY_ARN: Table = &[("PolicyArn", true)];

async fn get_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, POLICY_ARN)?;
    let out = c
        .iam()
        .get_policy()
        .set_policy_arn(i.string("PolicyArn")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "Policy" => out.policy().map(policy) })
}

async fn delete_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, POLICY_ARN)?;
    c.iam()
        .delete_policy()
        .set_policy_arn(i.string("PolicyArn")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const LIST_POLICIES: Table = &[
    ("Scope", false),
    ("OnlyAttached", false),
    ("PathPrefix", false),
    ("PolicyUsageFilter", false),
    ("Marker", false),
    ("MaxItems", false),
];

async fn list_policies(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_POLICIES)?;
    let out = c
        .iam()
        .list_policies()
        .set_scope(i.enumeration("Scope", PolicyScopeType::values())?)
        .set_only_attached(i.bool("OnlyAttached")?)
        .set_path_prefix(i.string("PathPrefix")?)
        .set_policy_usage_filter(i.enumeration("PolicyUsageFilter", PolicyUsageType::values())?)
        .set_marker(i.string("Marker")?)
        .set_max_items(i.int("MaxItems")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "Policies" => out.policies().iter().map(policy).collect::<Vec<_>>(),
        "IsTruncated" => out.is_truncated(),
        "Marker" => out.marker(),
    })
}

const CREATE_POLICY_VERSION: Table = &[
    ("PolicyArn", true),
    ("PolicyDocument", true),
    ("SetAsDefault", false),
];

async fn create_policy_version(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, CREATE_POLICY_VERSION)?;
    let out = c
        .iam()
        .create_policy_version()
        .set_policy_arn(i.string("PolicyArn")?)
        .set_policy_document(i.json_text("PolicyDocument")?)
        .set_set_as_default(i.bool("SetAsDefault")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "PolicyVersion" => out.policy_version().map(policy_version) })
}

const POLICY_VERSION: Table = &[("PolicyArn", true), ("VersionId", true)];

async fn get_policy_version(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, POLICY_VERSION)?;
    let out = c
        .iam()
        .get_policy_version()
        .set_policy_arn(i.string("PolicyArn")?)
        .set_version_id(i.string("VersionId")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "PolicyVersion" => out.policy_version().map(policy_version) })
}

const LIST_POLICY_VERSIONS: Table = &[("PolicyArn", true), ("Marker", false), ("MaxItems", false)];

async fn list_policy_versions(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_POLICY_VERSIONS)?;
    let out = c
        .iam()
        .list_policy_versions()
        .set_policy_arn(i.string("PolicyArn")?)
        .set_marker(i.string("Marker")?)
        .set_max_items(i.int("MaxItems")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "Versions" => out.versions().iter().map(policy_version).collect::<Vec<_>>(),
        "IsTruncated" => out.is_truncated(),
        "Marker" => out.marker(),
    })
}

async fn delete_policy_version(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, POLICY_VERSION)?;
    c.iam()
        .delete_policy_version()
        .set_policy_arn(i.string("PolicyArn")?)
        .set_version_id(i.string("VersionId")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const TAG_ROLE: Table = &[("RoleName", true), ("Tags", true)];

async fn tag_role(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, TAG_ROLE)?;
    c.iam()
        .tag_role()
        .set_role_name(i.string("RoleName")?)
        .set_tags(tags(&mut i)?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

const LIST_ROLE_TAGS: Table = &[("RoleName", true), ("Marker", false), ("MaxItems", false)];

async fn list_role_tags(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_ROLE_TAGS)?;
    let out = c
        .iam()
        .list_role_tags()
        .set_role_name(i.string("RoleName")?)
        .set_marker(i.string("Marker")?)
        .set_max_items(i.int("MaxItems")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "Tags" => tag_list(out.tags()),
        "IsTruncated" => out.is_truncated(),
        "Marker" => out.marker(),
    })
}

table_bindings!("iam" {
    create_role "CreateRole" CREATE_ROLE
        "Creates a new role for your Amazon Web Services account.";
    create_service_linked_role "CreateServiceLinkedRole" CREATE_SERVICE_LINKED_ROLE
        "Creates the role a service uses on the account's behalf (AWSServiceName, e.g. ecs.amazonaws.com).";
    get_role "GetRole" ROLE_NAME
        "Retrieves information about the specified role, including the role's trust policy.";
    delete_role "DeleteRole" ROLE_NAME
        "Deletes the specified role; it must have no inline or attached policies left.";
    list_roles "ListRoles" LIST_ROLES
        "Lists the IAM roles that have the specified path prefix.";
    update_assume_role_policy "UpdateAssumeRolePolicy" UPDATE_ASSUME_ROLE_POLICY
        "Updates the policy that grants an IAM entity permission to assume a role.";
    put_role_policy "PutRolePolicy" PUT_ROLE_POLICY
        "Adds or updates an inline policy document that is embedded in the specified IAM role.";
    get_role_policy "GetRolePolicy" ROLE_POLICY
        "Retrieves the specified inline policy document that is embedded with the specified IAM role.";
    delete_role_policy "DeleteRolePolicy" ROLE_POLICY
        "Deletes the specified inline policy that is embedded in the specified IAM role.";
    list_role_policies "ListRolePolicies" LIST_ROLE_POLICIES
        "Lists the names of the inline policies that are embedded in the specified IAM role.";
    attach_role_policy "AttachRolePolicy" ROLE_POLICY_ARN
        "Attaches the specified managed policy to the specified IAM role.";
    detach_role_policy "DetachRolePolicy" ROLE_POLICY_ARN
        "Removes the specified managed policy from the specified role.";
    list_attached_role_policies "ListAttachedRolePolicies" LIST_ATTACHED_ROLE_POLICIES
        "Lists all managed policies that are attached to the specified IAM role.";
    create_policy "CreatePolicy" CREATE_POLICY
        "Creates a new managed policy for your Amazon Web Services account.";
    get_policy "GetPolicy" POLICY_ARN
        "Retrieves information about the specified managed policy.";
    delete_policy "DeletePolicy" POLICY_ARN
        "Deletes the specified managed policy.";
    list_policies "ListPolicies" LIST_POLICIES
        "Lists all the managed policies that are available in your account, including AWS managed ones.";
    create_policy_version "CreatePolicyVersion" CREATE_POLICY_VERSION
        "Creates a new version of the specified managed policy.";
    get_policy_version "GetPolicyVersion" POLICY_VERSION
        "Retrieves information about the specified version of the specified managed policy, including the policy document.";
    list_policy_versions "ListPolicyVersions" LIST_POLICY_VERSIONS
        "Lists information about the versions of the specified managed policy.";
    delete_policy_version "DeletePolicyVersion" POLICY_VERSION
        "Deletes the specified version from the specified managed policy.";
    tag_role "TagRole" TAG_ROLE
        "Adds one or more tags to an IAM role.";
    list_role_tags "ListRoleTags" LIST_ROLE_TAGS
        "Lists the tags that are attached to the specified role.";
});

#[cfg(test)]
mod tests {
    use super::policy_document;

    #[test]
    fn policy_documents_come_back_as_json_text() {
        let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect\
                       %22%3A%22Allow%22%7D%5D%7D";
        assert_eq!(policy_document(encoded), json);
        assert_eq!(policy_document(json), json, "JSON is kept as it is");
        let with_percent = r#"{"Sid":"100%"}"#;
        assert_eq!(policy_document(with_percent), with_percent);
        assert_eq!(policy_document("%zz not json"), "%zz not json");
    }
}
