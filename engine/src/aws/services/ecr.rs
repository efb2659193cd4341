//! ECR: private image repositories, their policies, lifecycle policies, tags and images.

use aws_sdk_ecr::types::{
    DescribeImagesFilter, Image, ImageFailure, ImageIdentifier, ImageStatusFilter,
    ImageTagMutability, ListImagesFilter, Repository, Tag, TagStatus,
};
use aws_smithy_types::Document;

use crate::aws::clients::Clients;
use crate::aws::error::CallError;
use crate::aws::table::{tag, Input, Table};
use crate::{doc, table_bindings};

fn tags(input: &mut Input) -> Result<Option<Vec<Tag>>, CallError> {
    input.tags("tags", |k, v| Tag::builder().key(k).value(v).build())
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

const REPOSITORY: Table = &[("repositoryName", true), ("registryId", false)];

async fn delete_repository_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, REPOSITORY)?;
    let out = c
        .ecr()
        .delete_repository_policy()
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

const IMAGE_ID: Table = &[("imageDigest", false), ("imageTag", false)];
const FILTER: Table = &[("tagStatus", false), ("imageStatus", false)];

fn image_ids(input: &mut Input) -> Result<Option<Vec<ImageIdentifier>>, CallError> {
    let Some(items) = input.objects("imageIds", IMAGE_ID)? else {
        return Ok(None);
    };
    let mut ids = Vec::with_capacity(items.len());
    for mut id in items {
        ids.push(
            ImageIdentifier::builder()
                .set_image_digest(id.string("imageDigest")?)
                .set_image_tag(id.string("imageTag")?)
                .build(),
        );
    }
    Ok(Some(ids))
}

fn image_id(id: &ImageIdentifier) -> Document {
    doc! { "imageDigest" => id.image_digest(), "imageTag" => id.image_tag() }
}

fn image(image: &Image) -> Document {
    doc! {
        "registryId" => image.registry_id(),
        "repositoryName" => image.repository_name(),
        "imageId" => image.image_id().map(image_id),
        "imageManifest" => image.image_manifest(),
        "imageManifestMediaType" => image.image_manifest_media_type(),
    }
}

fn failures(failures: &[ImageFailure]) -> Vec<Document> {
    failures
        .iter()
        .map(|f| {
            doc! {
                "imageId" => f.image_id().map(image_id),
                "failureCode" => f.failure_code().map(|c| c.as_str()),
                "failureReason" => f.failure_reason(),
            }
        })
        .collect()
}

const LIST_IMAGES: Table = &[
    ("repositoryName", true),
    ("registryId", false),
    ("nextToken", false),
    ("maxResults", false),
    ("filter", false),
];

async fn list_images(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_IMAGES)?;
    let filter = match i.object("filter", FILTER)? {
        Some(mut f) => Some(
            ListImagesFilter::builder()
                .set_tag_status(f.enumeration("tagStatus", TagStatus::values())?)
                .set_image_status(f.enumeration("imageStatus", ImageStatusFilter::values())?)
                .build(),
        ),
        None => None,
    };
    let out = c
        .ecr()
        .list_images()
        .set_repository_name(i.string("repositoryName")?)
        .set_registry_id(i.string("registryId")?)
        .set_next_token(i.string("nextToken")?)
        .set_max_results(i.int("maxResults")?)
        .set_filter(filter)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "imageIds" => out.image_ids().iter().map(image_id).collect::<Vec<_>>(),
        "nextToken" => out.next_token(),
    })
}

const DESCRIBE_IMAGES: Table = &[
    ("repositoryName", true),
    ("registryId", false),
    ("imageIds", false),
    ("nextToken", false),
    ("maxResults", false),
    ("filter", false),
];

async fn describe_images(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DESCRIBE_IMAGES)?;
    let filter = match i.object("filter", FILTER)? {
        Some(mut f) => Some(
            DescribeImagesFilter::builder()
                .set_tag_status(f.enumeration("tagStatus", TagStatus::values())?)
                .set_image_status(f.enumeration("imageStatus", ImageStatusFilter::values())?)
                .build(),
        ),
        None => None,
    };
    let out = c
        .ecr()
        .describe_images()
        .set_repository_name(i.string("repositoryName")?)
        .set_registry_id(i.string("registryId")?)
        .set_image_ids(image_ids(&mut i)?)
        .set_next_token(i.string("nextToken")?)
        .set_max_results(i.int("maxResults")?)
        .set_filter(filter)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let details = out
        .image_details()
        .iter()
        .map(|d| {
            doc! {
                "registryId" => d.registry_id(),
                "repositoryName" => d.repository_name(),
                "imageDigest" => d.image_digest(),
                "imageTags" => d.image_tags.as_deref(),
                "imageSizeInBytes" => d.image_size_in_bytes(),
                "imagePushedAt" => d.image_pushed_at(),
                "imageScanStatus" => d.image_scan_status().map(|s| doc! {
                    "status" => s.status().map(|s| s.as_str()),
                    "description" => s.description(),
                }),
                "imageScanFindingsSummary" => d.image_scan_findings_summary().map(|s| doc! {
                    "imageScanCompletedAt" => s.image_scan_completed_at(),
                    "vulnerabilitySourceUpdatedAt" => s.vulnerability_source_updated_at(),
                    "findingSeverityCounts" => s.finding_severity_counts().map(|counts| {
                        Document::Object(
                            counts
                                .iter()
                                .map(|(k, v)| (k.as_str().to_string(), i64::from(*v).into()))
                                .collect(),
                        )
                    }),
                }),
                "imageManifestMediaType" => d.image_manifest_media_type(),
                "artifactMediaType" => d.artifact_media_type(),
                "lastRecordedPullTime" => d.last_recorded_pull_time(),
                "subjectManifestDigest" => d.subject_manifest_digest(),
                "imageStatus" => d.image_status().map(|s| s.as_str()),
            }
        })
        .collect::<Vec<_>>();
    Ok(doc! { "imageDetails" => details, "nextToken" => out.next_token() })
}

const PUT_IMAGE: Table = &[
    ("repositoryName", true),
    ("imageManifest", true),
    ("registryId", false),
    ("imageManifestMediaType", false),
    ("imageTag", false),
    ("imageDigest", false),
];

async fn put_image(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_IMAGE)?;
    let out = c
        .ecr()
        .put_image()
        .set_repository_name(i.string("repositoryName")?)
        // A string, not a map: the image's digest is taken over these exact bytes.
        .set_image_manifest(i.string("imageManifest")?)
        .set_registry_id(i.string("registryId")?)
        .set_image_manifest_media_type(i.string("imageManifestMediaType")?)
        .set_image_tag(i.string("imageTag")?)
        .set_image_digest(i.string("imageDigest")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "image" => out.image().map(image) })
}

const BATCH_DELETE_IMAGE: Table = &[
    ("repositoryName", true),
    ("imageIds", true),
    ("registryId", false),
];

async fn batch_delete_image(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, BATCH_DELETE_IMAGE)?;
    let out = c
        .ecr()
        .batch_delete_image()
        .set_repository_name(i.string("repositoryName")?)
        .set_image_ids(image_ids(&mut i)?)
        .set_registry_id(i.string("registryId")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "imageIds" => out.image_ids().iter().map(image_id).collect::<Vec<_>>(),
        "failures" => failures(out.failures()),
    })
}

const BATCH_GET_IMAGE: Table = &[
    ("repositoryName", true),
    ("imageIds", true),
    ("registryId", false),
    ("acceptedMediaTypes", false),
];

async fn batch_get_image(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, BATCH_GET_IMAGE)?;
    let out = c
        .ecr()
        .batch_get_image()
        .set_repository_name(i.string("repositoryName")?)
        .set_image_ids(image_ids(&mut i)?)
        .set_registry_id(i.string("registryId")?)
        .set_accepted_media_types(i.strings("acceptedMediaTypes")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "images" => out.images().iter().map(image).collect::<Vec<_>>(),
        "failures" => failures(out.failures()),
    })
}

// registryIds is left out: deprecated, it no longer changes what the token can reach.
const GET_AUTHORIZATION_TOKEN: Table = &[];

async fn get_authorization_token(c: &Clients, input: Document) -> Result<Document, CallError> {
    Input::new(input, GET_AUTHORIZATION_TOKEN)?;
    let out = c
        .ecr()
        .get_authorization_token()
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let data = out
        .authorization_data()
        .iter()
        .map(|d| {
            doc! {
                "authorizationToken" => d.authorization_token(),
                "expiresAt" => d.expires_at(),
                "proxyEndpoint" => d.proxy_endpoint(),
            }
        })
        .collect::<Vec<_>>();
    Ok(doc! { "authorizationData" => data })
}

const PUT_IMAGE_TAG_MUTABILITY: Table = &[
    ("repositoryName", true),
    ("imageTagMutability", true),
    ("registryId", false),
];

async fn put_image_tag_mutability(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_IMAGE_TAG_MUTABILITY)?;
    let out = c
        .ecr()
        .put_image_tag_mutability()
        .set_repository_name(i.string("repositoryName")?)
        .set_image_tag_mutability(
            i.enumeration("imageTagMutability", ImageTagMutability::values())?,
        )
        .set_registry_id(i.string("registryId")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "registryId" => out.registry_id(),
        "repositoryName" => out.repository_name(),
        "imageTagMutability" => out.image_tag_mutability().map(|m| m.as_str()),
    })
}

const PUT_LIFECYCLE_POLICY: Table = &[
    ("repositoryName", true),
    ("lifecyclePolicyText", true),
    ("registryId", false),
];

async fn put_lifecycle_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_LIFECYCLE_POLICY)?;
    let out = c
        .ecr()
        .put_lifecycle_policy()
        .set_repository_name(i.string("repositoryName")?)
        .set_lifecycle_policy_text(i.json_text("lifecyclePolicyText")?)
        .set_registry_id(i.string("registryId")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "registryId" => out.registry_id(),
        "repositoryName" => out.repository_name(),
        "lifecyclePolicyText" => out.lifecycle_policy_text(),
    })
}

async fn get_lifecycle_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, REPOSITORY)?;
    let out = c
        .ecr()
        .get_lifecycle_policy()
        .set_repository_name(i.string("repositoryName")?)
        .set_registry_id(i.string("registryId")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "registryId" => out.registry_id(),
        "repositoryName" => out.repository_name(),
        "lifecyclePolicyText" => out.lifecycle_policy_text(),
        "lastEvaluatedAt" => out.last_evaluated_at(),
    })
}

async fn delete_lifecycle_policy(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, REPOSITORY)?;
    let out = c
        .ecr()
        .delete_lifecycle_policy()
        .set_repository_name(i.string("repositoryName")?)
        .set_registry_id(i.string("registryId")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "registryId" => out.registry_id(),
        "repositoryName" => out.repository_name(),
        "lifecyclePolicyText" => out.lifecycle_policy_text(),
        "lastEvaluatedAt" => out.last_evaluated_at(),
    })
}

const LIST_TAGS_FOR_RESOURCE: Table = &[("resourceArn", true)];

async fn list_tags_for_resource(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_TAGS_FOR_RESOURCE)?;
    let out = c
        .ecr()
        .list_tags_for_resource()
        .set_resource_arn(i.string("resourceArn")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let tags = out
        .tags()
        .iter()
        .map(|t| tag(t.key(), t.value()))
        .collect::<Vec<_>>();
    Ok(doc! { "tags" => tags })
}

const TAG_RESOURCE: Table = &[("resourceArn", true), ("tags", true)];

async fn tag_resource(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, TAG_RESOURCE)?;
    c.ecr()
        .tag_resource()
        .set_resource_arn(i.string("resourceArn")?)
        .set_tags(tags(&mut i)?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
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
    delete_repository_policy "DeleteRepositoryPolicy" REPOSITORY
        "Deletes the repository policy associated with the specified repository.";
    list_images "ListImages" LIST_IMAGES
        "Lists all the image IDs for the specified repository.";
    describe_images "DescribeImages" DESCRIBE_IMAGES
        "Returns metadata about the images in a repository.";
    put_image "PutImage" PUT_IMAGE
        "Creates or updates the image manifest and tags associated with an image.";
    batch_delete_image "BatchDeleteImage" BATCH_DELETE_IMAGE
        "Deletes a list of specified images within a repository, by imageTag or imageDigest.";
    batch_get_image "BatchGetImage" BATCH_GET_IMAGE
        "Gets detailed information for an image, including its manifest.";
    get_authorization_token "GetAuthorizationToken" GET_AUTHORIZATION_TOKEN
        "Retrieves an authorization token, valid for 12 hours, for docker login to the registry.";
    put_image_tag_mutability "PutImageTagMutability" PUT_IMAGE_TAG_MUTABILITY
        "Updates the image tag mutability settings for the specified repository.";
    put_lifecycle_policy "PutLifecyclePolicy" PUT_LIFECYCLE_POLICY
        "Creates or updates the lifecycle policy for the specified repository.";
    get_lifecycle_policy "GetLifecyclePolicy" REPOSITORY
        "Retrieves the lifecycle policy for the specified repository.";
    delete_lifecycle_policy "DeleteLifecyclePolicy" REPOSITORY
        "Deletes the lifecycle policy associated with the specified repository.";
    list_tags_for_resource "ListTagsForResource" LIST_TAGS_FOR_RESOURCE
        "List the tags for an Amazon ECR resource.";
    tag_resource "TagResource" TAG_RESOURCE
        "Adds specified tags to a resource with the specified ARN.";
});
