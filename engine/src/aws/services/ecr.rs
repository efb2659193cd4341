//! ECR: private image repositories, their policies and images.

use aws_sdk_ecr::types::{ImageTagMutability, Repository, Tag};
use aws_smithy_types::Document;

use crate::aws::clients::Clients;
use crate::aws::error::CallError;
use crate::aws::table::{Input, Table};
use crate::{doc, table_bindings};

const TAG: Table = &[("Key", true), ("Value", true)];

fn tags(input: &mut Input) -> Result<Option<Vec<Tag>>, CallError> {
    let Some(items) = input.objects("tags", TAG)? else {
        return Ok(None);
    };
    let mut tags = Vec::new();
    for mut item in items {
        let tag = Tag::builder()
            .set_key(item.string("Key")?)
            .set_value(item.string("Value")?)
            .build()
            .map_err(|e| CallError::invalid("tags", e))?;
        tags.push(tag);
    }
    Ok(Some(tags))
}

fn repository(r: &Repository) -> Document {
    doc! {
        "repositoryArn" => r.repository_arn(),
        "registryId" => r.registry_id(),
        "repositoryName" => r.repository_name(),
        "repositoryUri" => r.repository_uri(),
        "createdAt" => r.created_at(),
        "imageTagMutability" => r.image_tag_mutability().map(|m| m.as_str()),
        "imageScanningConfiguration" => r.image_scanning_configuration().map(|c| doc! {
            "scanOnPush" => c.scan_on_push(),
        }),
        "encryptionConfiguration" => r.encryption_configuration().map(|c| doc! {
            "encryptionType" => c.encryption_type().as_str(),
            "kmsKey" => c.kms_key(),
        }),
    }
}

const CREATE_REPOSITORY: Table = &[
    ("repositoryName", true),
    ("registryId", false),
    ("imageTagMutability", false),
    ("imageScanningConfiguration", false),
    ("tags", false),
];
const SCANNING: Table = &[("scanOnPush", false)];

async fn create_repository(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, CREATE_REPOSITORY)?;
    let scanning = match i.object("imageScanningConfiguration", SCANNING)? {
        Some(mut s) => Some(
            aws_sdk_ecr::types::ImageScanningConfiguration::builder()
                .set_scan_on_push(s.bool("scanOnPush")?)
                .build(),
        ),
        None => None,
    };
    let out = c
        .ecr()
        .create_repository()
        .set_repository_name(i.string("repositoryName")?)
        .set_registry_id(i.string("registryId")?)
        .set_image_tag_mutability(
            i.string("imageTagMutability")?
                .map(|m| ImageTagMutability::from(m.as_str())),
        )
        .set_image_scanning_configuration(scanning)
        .set_tags(tags(&mut i)?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "repository" => out.repository().map(repository) })
}

const DESCRIBE_REPOSITORIES: Table = &[
    ("registryId", false),
    ("repositoryNames", false),
    ("nextToken", false),
    ("maxResults", false),
];

async fn describe_repositories(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DESCRIBE_REPOSITORIES)?;
    let out = c
        .ecr()
        .describe_repositories()
        .set_registry_id(i.string("registryId")?)
        .set_repository_names(i.strings("repositoryNames")?)
        .set_next_token(i.string("nextToken")?)
        .set_max_results(i.int("maxResults")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "repositories" => out.repositories().iter().map(repository).collect::<Vec<_>>(),
        "nextToken" => out.next_token(),
    })
}

const DELETE_REPOSITORY: Table = &[
    ("repositoryName", true),
    ("registryId", false),
    ("force", false),
];

async fn delete_repository(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DELETE_REPOSITORY)?;
    let out = c
        .ecr()
        .delete_repository()
        .set_repository_name(i.string("repositoryName")?)
        .set_registry_id(i.string("registryId")?)
        .set_force(i.bool("force")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "repository" => out.repository().map(repository) })
}

const SET_REPOSITORY_POLICY: Table = &[
    ("repositoryName", true),
    ("policyText", true),
    ("registryId", false),
    ("force", false),
];

async fn set_repository_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, SET_REPOSITORY_POLICY)?;
    let out = c
        .ecr()
        .set_repository_policy()
        .set_repository_name(i.string("repositoryName")?)
        .set_policy_text(i.json_text("policyText")?)
        .set_registry_id(i.string("registryId")?)
        .set_force(i.bool("force")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "registryId" => out.registry_id(),
        "repositoryName" => out.repository_name(),
        "policyText" => out.policy_text(),
    })
}

const GET_REPOSITORY_POLICY: Table = &[("repositoryName", true), ("registryId", false)];

async fn get_repository_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, GET_REPOSITORY_POLICY)?;
    let out = c
        .ecr()
        .get_repository_policy()
        .set_repository_name(i.string("repositoryName")?)
        .set_registry_id(i.string("registryId")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "registryId" => out.registry_id(),
        "repositoryName" => out.repository_name(),
        "policyText" => out.policy_text(),
    })
}

table_bindings!("ecr" {
    create_repository "CreateRepository" CREATE_REPOSITORY
        "Creates a repository.";
    describe_repositories "DescribeRepositories" DESCRIBE_REPOSITORIES
        "Describes image repositories in a registry.";
    delete_repository "DeleteRepository" DELETE_REPOSITORY
        "Deletes a repository; with force, also the images in it.";
    set_repository_policy "SetRepositoryPolicy" SET_REPOSITORY_POLICY
        "Applies a repository policy to the repository to control access permissions.";
    get_repository_policy "GetRepositoryPolicy" GET_REPOSITORY_POLICY
        "Retrieves the repository policy for the repository.";
});
