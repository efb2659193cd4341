//! S3: buckets (the pipeline's artifact store, the S3 state store), their versioning and
//! public access block, and objects with small bodies given and returned as strings.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketCannedAcl, BucketLocationConstraint, BucketVersioningStatus, ChecksumAlgorithm,
    CreateBucketConfiguration, Delete, EncodingType, MfaDelete, ObjectCannedAcl, ObjectIdentifier,
    ObjectOwnership, Owner, PublicAccessBlockConfiguration, RequestPayer, ServerSideEncryption,
    StorageClass, VersioningConfiguration,
};
use aws_smithy_types::Document;

use crate::aws::clients::Clients;
use crate::aws::error::CallError;
use crate::aws::table::{blob, Input, Table};
use crate::{doc, table_bindings};

fn owner(o: &Owner) -> Document {
    doc! { "DisplayName" => o.display_name(), "ID" => o.id() }
}

const CREATE_BUCKET: Table = &[
    ("Bucket", true),
    ("ACL", false),
    ("CreateBucketConfiguration", false),
    ("ObjectLockEnabledForBucket", false),
    ("ObjectOwnership", false),
];
const BUCKET_CONFIGURATION: Table = &[("LocationConstraint", false)];

async fn create_bucket(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, CREATE_BUCKET)?;
    let configuration = match i.object("CreateBucketConfiguration", BUCKET_CONFIGURATION)? {
        // Not checked against the SDK's list of regions: that list grows with every new
        // region, and S3 names a wrong one clearly.
        Some(mut b) => Some(
            CreateBucketConfiguration::builder()
                .set_location_constraint(
                    b.string("LocationConstraint")?
                        .map(|l| BucketLocationConstraint::from(l.as_str())),
                )
                .build(),
        ),
        None => None,
    };
    let out = c
        .s3()
        .create_bucket()
        .set_bucket(i.string("Bucket")?)
        .set_acl(i.enumeration("ACL", BucketCannedAcl::values())?)
        .set_create_bucket_configuration(configuration)
        .set_object_lock_enabled_for_bucket(i.bool("ObjectLockEnabledForBucket")?)
        .set_object_ownership(i.enumeration("ObjectOwnership", ObjectOwnership::values())?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! { "Location" => out.location(), "BucketArn" => out.bucket_arn() })
}

const BUCKET: Table = &[("Bucket", true), ("ExpectedBucketOwner", false)];

async fn head_bucket(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, BUCKET)?;
    let out = c
        .s3()
        .head_bucket()
        .set_bucket(i.string("Bucket")?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "BucketArn" => out.bucket_arn(),
        "BucketLocationType" => out.bucket_location_type().map(|t| t.as_str()),
        "BucketLocationName" => out.bucket_location_name(),
        "BucketRegion" => out.bucket_region(),
        "AccessPointAlias" => out.access_point_alias(),
    })
}

async fn delete_bucket(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, BUCKET)?;
    c.s3()
        .delete_bucket()
        .set_bucket(i.string("Bucket")?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

// ListBuckets answers with its next token in `ContinuationToken` (not
// `NextContinuationToken`), so only the first page is fetched: without `MaxBuckets` that page
// holds every bucket; with it, pass the returned token back to go on.
const LIST_BUCKETS: Table = &[
    ("MaxBuckets", false),
    ("ContinuationToken", false),
    ("Prefix", false),
    ("BucketRegion", false),
];

async fn list_buckets(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_BUCKETS)?;
    let out = c
        .s3()
        .list_buckets()
        .set_max_buckets(i.int("MaxBuckets")?)
        .set_continuation_token(i.string("ContinuationToken")?)
        .set_prefix(i.string("Prefix")?)
        .set_bucket_region(i.string("BucketRegion")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let buckets = out
        .buckets()
        .iter()
        .map(|b| {
            doc! {
                "Name" => b.name(),
                "CreationDate" => b.creation_date(),
                "BucketRegion" => b.bucket_region(),
                "BucketArn" => b.bucket_arn(),
            }
        })
        .collect::<Vec<_>>();
    Ok(doc! {
        "Buckets" => buckets,
        "Owner" => out.owner().map(owner),
        "ContinuationToken" => out.continuation_token(),
        "Prefix" => out.prefix(),
    })
}

async fn get_bucket_location(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, BUCKET)?;
    let out = c
        .s3()
        .get_bucket_location()
        .set_bucket(i.string("Bucket")?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    // us-east-1 answers with an empty constraint: left out, as boto3 gives None.
    let location = out
        .location_constraint()
        .map(|l| l.as_str())
        .filter(|l| !l.is_empty());
    Ok(doc! { "LocationConstraint" => location })
}

const PUT_BUCKET_VERSIONING: Table = &[
    ("Bucket", true),
    ("VersioningConfiguration", true),
    ("MFA", false),
    ("ChecksumAlgorithm", false),
    ("ExpectedBucketOwner", false),
];
const VERSIONING_CONFIGURATION: Table = &[("Status", false), ("MFADelete", false)];

async fn put_bucket_versioning(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_BUCKET_VERSIONING)?;
    let configuration = match i.object("VersioningConfiguration", VERSIONING_CONFIGURATION)? {
        Some(mut v) => Some(
            VersioningConfiguration::builder()
                .set_status(v.enumeration("Status", BucketVersioningStatus::values())?)
                .set_mfa_delete(v.enumeration("MFADelete", MfaDelete::values())?)
                .build(),
        ),
        None => None,
    };
    c.s3()
        .put_bucket_versioning()
        .set_bucket(i.string("Bucket")?)
        .set_versioning_configuration(configuration)
        .set_mfa(i.string("MFA")?)
        .set_checksum_algorithm(i.enumeration("ChecksumAlgorithm", ChecksumAlgorithm::values())?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

async fn get_bucket_versioning(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, BUCKET)?;
    let out = c
        .s3()
        .get_bucket_versioning()
        .set_bucket(i.string("Bucket")?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "Status" => out.status().map(|s| s.as_str()),
        "MFADelete" => out.mfa_delete().map(|m| m.as_str()),
    })
}

const PUT_PUBLIC_ACCESS_BLOCK: Table = &[
    ("Bucket", true),
    ("PublicAccessBlockConfiguration", true),
    ("ChecksumAlgorithm", false),
    ("ExpectedBucketOwner", false),
];
const PUBLIC_ACCESS_BLOCK: Table = &[
    ("BlockPublicAcls", false),
    ("IgnorePublicAcls", false),
    ("BlockPublicPolicy", false),
    ("RestrictPublicBuckets", false),
];

async fn put_public_access_block(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_PUBLIC_ACCESS_BLOCK)?;
    let configuration = match i.object("PublicAccessBlockConfiguration", PUBLIC_ACCESS_BLOCK)? {
        Some(mut b) => Some(
            PublicAccessBlockConfiguration::builder()
                .set_block_public_acls(b.bool("BlockPublicAcls")?)
                .set_ignore_public_acls(b.bool("IgnorePublicAcls")?)
                .set_block_public_policy(b.bool("BlockPublicPolicy")?)
                .set_restrict_public_buckets(b.bool("RestrictPublicBuckets")?)
                .build(),
        ),
        None => None,
    };
    c.s3()
        .put_public_access_block()
        .set_bucket(i.string("Bucket")?)
        .set_public_access_block_configuration(configuration)
        .set_checksum_algorithm(i.enumeration("ChecksumAlgorithm", ChecksumAlgorithm::values())?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {})
}

async fn get_public_access_block(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, BUCKET)?;
    let out = c
        .s3()
        .get_public_access_block()
        .set_bucket(i.string("Bucket")?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let configuration = out.public_access_block_configuration().map(|b| {
        doc! {
            "BlockPublicAcls" => b.block_public_acls(),
            "IgnorePublicAcls" => b.ignore_public_acls(),
            "BlockPublicPolicy" => b.block_public_policy(),
            "RestrictPublicBuckets" => b.restrict_public_buckets(),
        }
    });
    Ok(doc! { "PublicAccessBlockConfiguration" => configuration })
}

const LIST_OBJECTS_V2: Table = &[
    ("Bucket", true),
    ("Delimiter", false),
    ("EncodingType", false),
    ("MaxKeys", false),
    ("Prefix", false),
    ("ContinuationToken", false),
    ("FetchOwner", false),
    ("StartAfter", false),
    ("RequestPayer", false),
    ("ExpectedBucketOwner", false),
];

async fn list_objects_v2(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_OBJECTS_V2)?;
    let out = c
        .s3()
        .list_objects_v2()
        .set_bucket(i.string("Bucket")?)
        .set_delimiter(i.string("Delimiter")?)
        .set_encoding_type(i.enumeration("EncodingType", EncodingType::values())?)
        .set_max_keys(i.int("MaxKeys")?)
        .set_prefix(i.string("Prefix")?)
        .set_continuation_token(i.string("ContinuationToken")?)
        .set_fetch_owner(i.bool("FetchOwner")?)
        .set_start_after(i.string("StartAfter")?)
        .set_request_payer(i.enumeration("RequestPayer", RequestPayer::values())?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let contents = out
        .contents()
        .iter()
        .map(|o| {
            doc! {
                "Key" => o.key(),
                "LastModified" => o.last_modified(),
                "ETag" => o.e_tag(),
                "ChecksumAlgorithm" => o.checksum_algorithm.as_deref()
                    .map(|a| a.iter().map(|a| a.as_str()).collect::<Vec<_>>()),
                "ChecksumType" => o.checksum_type().map(|t| t.as_str()),
                "Size" => o.size(),
                "StorageClass" => o.storage_class().map(|s| s.as_str()),
                "Owner" => o.owner().map(owner),
            }
        })
        .collect::<Vec<_>>();
    let prefixes = out
        .common_prefixes()
        .iter()
        .map(|p| doc! { "Prefix" => p.prefix() })
        .collect::<Vec<_>>();
    Ok(doc! {
        "IsTruncated" => out.is_truncated(),
        "Contents" => contents,
        "Name" => out.name(),
        "Prefix" => out.prefix(),
        "Delimiter" => out.delimiter(),
        "MaxKeys" => out.max_keys(),
        "CommonPrefixes" => prefixes,
        "EncodingType" => out.encoding_type().map(|e| e.as_str()),
        "KeyCount" => out.key_count(),
        "ContinuationToken" => out.continuation_token(),
        "NextContinuationToken" => out.next_continuation_token(),
        "StartAfter" => out.start_after(),
        "RequestCharged" => out.request_charged().map(|r| r.as_str()),
    })
}

const PUT_OBJECT: Table = &[
    ("Bucket", true),
    ("Key", true),
    ("Body", false),
    ("ACL", false),
    ("CacheControl", false),
    ("ContentDisposition", false),
    ("ContentEncoding", false),
    ("ContentLanguage", false),
    ("ContentType", false),
    ("ChecksumAlgorithm", false),
    ("Expires", false),
    ("IfMatch", false),
    ("IfNoneMatch", false),
    ("Metadata", false),
    ("ServerSideEncryption", false),
    ("StorageClass", false),
    ("SSEKMSKeyId", false),
    ("Tagging", false),
    ("ExpectedBucketOwner", false),
];

async fn put_object(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, PUT_OBJECT)?;
    let out = c
        .s3()
        .put_object()
        .set_bucket(i.string("Bucket")?)
        .set_key(i.string("Key")?)
        .set_body(i.blob("Body")?.map(ByteStream::from))
        .set_acl(i.enumeration("ACL", ObjectCannedAcl::values())?)
        .set_cache_control(i.string("CacheControl")?)
        .set_content_disposition(i.string("ContentDisposition")?)
        .set_content_encoding(i.string("ContentEncoding")?)
        .set_content_language(i.string("ContentLanguage")?)
        .set_content_type(i.string("ContentType")?)
        .set_checksum_algorithm(i.enumeration("ChecksumAlgorithm", ChecksumAlgorithm::values())?)
        .set_expires(i.timestamp("Expires")?)
        .set_if_match(i.string("IfMatch")?)
        .set_if_none_match(i.string("IfNoneMatch")?)
        .set_metadata(i.string_map("Metadata")?)
        .set_server_side_encryption(
            i.enumeration("ServerSideEncryption", ServerSideEncryption::values())?,
        )
        .set_storage_class(i.enumeration("StorageClass", StorageClass::values())?)
        .set_ssekms_key_id(i.string("SSEKMSKeyId")?)
        .set_tagging(i.string("Tagging")?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "Expiration" => out.expiration(),
        "ETag" => out.e_tag(),
        "ChecksumCRC32" => out.checksum_crc32(),
        "ChecksumCRC32C" => out.checksum_crc32_c(),
        "ChecksumCRC64NVME" => out.checksum_crc64_nvme(),
        "ChecksumSHA1" => out.checksum_sha1(),
        "ChecksumSHA256" => out.checksum_sha256(),
        "ChecksumType" => out.checksum_type().map(|t| t.as_str()),
        "ServerSideEncryption" => out.server_side_encryption().map(|s| s.as_str()),
        "VersionId" => out.version_id(),
        "SSEKMSKeyId" => out.ssekms_key_id(),
        "BucketKeyEnabled" => out.bucket_key_enabled(),
        "Size" => out.size(),
        "RequestCharged" => out.request_charged().map(|r| r.as_str()),
    })
}

const GET_OBJECT: Table = &[
    ("Bucket", true),
    ("Key", true),
    ("VersionId", false),
    ("Range", false),
    ("IfMatch", false),
    ("IfNoneMatch", false),
    ("IfModifiedSince", false),
    ("IfUnmodifiedSince", false),
    ("PartNumber", false),
    ("RequestPayer", false),
    ("ExpectedBucketOwner", false),
];

async fn get_object(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, GET_OBJECT)?;
    let mut out = c
        .s3()
        .get_object()
        .set_bucket(i.string("Bucket")?)
        .set_key(i.string("Key")?)
        .set_version_id(i.string("VersionId")?)
        .set_range(i.string("Range")?)
        .set_if_match(i.string("IfMatch")?)
        .set_if_none_match(i.string("IfNoneMatch")?)
        .set_if_modified_since(i.timestamp("IfModifiedSince")?)
        .set_if_unmodified_since(i.timestamp("IfUnmodifiedSince")?)
        .set_part_number(i.int("PartNumber")?)
        .set_request_payer(i.enumeration("RequestPayer", RequestPayer::values())?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let body = std::mem::take(&mut out.body)
        .collect()
        .await
        .map_err(|e| CallError::new("ResponseError", format!("reading the object's body: {e}")))?
        .into_bytes();
    Ok(doc! {
        "Body" => blob(&body),
        "DeleteMarker" => out.delete_marker(),
        "AcceptRanges" => out.accept_ranges(),
        "Expiration" => out.expiration(),
        "Restore" => out.restore(),
        "LastModified" => out.last_modified(),
        "ContentLength" => out.content_length(),
        "ETag" => out.e_tag(),
        "ChecksumCRC32" => out.checksum_crc32(),
        "ChecksumCRC32C" => out.checksum_crc32_c(),
        "ChecksumCRC64NVME" => out.checksum_crc64_nvme(),
        "ChecksumSHA1" => out.checksum_sha1(),
        "ChecksumSHA256" => out.checksum_sha256(),
        "ChecksumType" => out.checksum_type().map(|t| t.as_str()),
        "MissingMeta" => out.missing_meta(),
        "VersionId" => out.version_id(),
        "CacheControl" => out.cache_control(),
        "ContentDisposition" => out.content_disposition(),
        "ContentEncoding" => out.content_encoding(),
        "ContentLanguage" => out.content_language(),
        "ContentRange" => out.content_range(),
        "ContentType" => out.content_type(),
        "WebsiteRedirectLocation" => out.website_redirect_location(),
        "ServerSideEncryption" => out.server_side_encryption().map(|s| s.as_str()),
        "Metadata" => out.metadata(),
        "SSEKMSKeyId" => out.ssekms_key_id(),
        "BucketKeyEnabled" => out.bucket_key_enabled(),
        "StorageClass" => out.storage_class().map(|s| s.as_str()),
        "RequestCharged" => out.request_charged().map(|r| r.as_str()),
        "ReplicationStatus" => out.replication_status().map(|r| r.as_str()),
        "PartsCount" => out.parts_count(),
        "TagCount" => out.tag_count(),
        "ExpiresString" => out.expires_string(),
    })
}

const DELETE_OBJECT: Table = &[
    ("Bucket", true),
    ("Key", true),
    ("MFA", false),
    ("VersionId", false),
    ("RequestPayer", false),
    ("BypassGovernanceRetention", false),
    ("ExpectedBucketOwner", false),
    ("IfMatch", false),
];

async fn delete_object(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DELETE_OBJECT)?;
    let out = c
        .s3()
        .delete_object()
        .set_bucket(i.string("Bucket")?)
        .set_key(i.string("Key")?)
        .set_mfa(i.string("MFA")?)
        .set_version_id(i.string("VersionId")?)
        .set_request_payer(i.enumeration("RequestPayer", RequestPayer::values())?)
        .set_bypass_governance_retention(i.bool("BypassGovernanceRetention")?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .set_if_match(i.string("IfMatch")?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    Ok(doc! {
        "DeleteMarker" => out.delete_marker(),
        "VersionId" => out.version_id(),
        "RequestCharged" => out.request_charged().map(|r| r.as_str()),
    })
}

const DELETE_OBJECTS: Table = &[
    ("Bucket", true),
    ("Delete", true),
    ("MFA", false),
    ("RequestPayer", false),
    ("BypassGovernanceRetention", false),
    ("ExpectedBucketOwner", false),
    ("ChecksumAlgorithm", false),
];
const DELETE: Table = &[("Objects", true), ("Quiet", false)];
const OBJECT_IDENTIFIER: Table = &[("Key", true), ("VersionId", false), ("ETag", false)];

fn delete(mut d: Input) -> Result<Delete, CallError> {
    let mut objects = Vec::new();
    for mut o in d.objects("Objects", OBJECT_IDENTIFIER)?.unwrap_or_default() {
        let object = ObjectIdentifier::builder()
            .set_key(o.string("Key")?)
            .set_version_id(o.string("VersionId")?)
            .set_e_tag(o.string("ETag")?)
            .build()
            .map_err(|e| CallError::invalid("Delete.Objects", e))?;
        objects.push(object);
    }
    Delete::builder()
        .set_objects(Some(objects))
        .set_quiet(d.bool("Quiet")?)
        .build()
        .map_err(|e| CallError::invalid("Delete", e))
}

async fn delete_objects(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, DELETE_OBJECTS)?;
    let out = c
        .s3()
        .delete_objects()
        .set_bucket(i.string("Bucket")?)
        .set_delete(i.object("Delete", DELETE)?.map(delete).transpose()?)
        .set_mfa(i.string("MFA")?)
        .set_request_payer(i.enumeration("RequestPayer", RequestPayer::values())?)
        .set_bypass_governance_retention(i.bool("BypassGovernanceRetention")?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .set_checksum_algorithm(i.enumeration("ChecksumAlgorithm", ChecksumAlgorithm::values())?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let deleted = out
        .deleted()
        .iter()
        .map(|d| {
            doc! {
                "Key" => d.key(),
                "VersionId" => d.version_id(),
                "DeleteMarker" => d.delete_marker(),
                "DeleteMarkerVersionId" => d.delete_marker_version_id(),
            }
        })
        .collect::<Vec<_>>();
    let errors = out
        .errors()
        .iter()
        .map(|e| {
            doc! {
                "Key" => e.key(),
                "VersionId" => e.version_id(),
                "Code" => e.code(),
                "Message" => e.message(),
            }
        })
        .collect::<Vec<_>>();
    Ok(doc! {
        "Deleted" => deleted,
        "RequestCharged" => out.request_charged().map(|r| r.as_str()),
        "Errors" => errors,
    })
}

const LIST_OBJECT_VERSIONS: Table = &[
    ("Bucket", true),
    ("Delimiter", false),
    ("EncodingType", false),
    ("KeyMarker", false),
    ("MaxKeys", false),
    ("Prefix", false),
    ("VersionIdMarker", false),
    ("ExpectedBucketOwner", false),
    ("RequestPayer", false),
];

async fn list_object_versions(c: &Clients, input: Document) -> Result<Document, CallError> {
    let mut i = Input::new(input, LIST_OBJECT_VERSIONS)?;
    let out = c
        .s3()
        .list_object_versions()
        .set_bucket(i.string("Bucket")?)
        .set_delimiter(i.string("Delimiter")?)
        .set_encoding_type(i.enumeration("EncodingType", EncodingType::values())?)
        .set_key_marker(i.string("KeyMarker")?)
        .set_max_keys(i.int("MaxKeys")?)
        .set_prefix(i.string("Prefix")?)
        .set_version_id_marker(i.string("VersionIdMarker")?)
        .set_expected_bucket_owner(i.string("ExpectedBucketOwner")?)
        .set_request_payer(i.enumeration("RequestPayer", RequestPayer::values())?)
        .send()
        .await
        .map_err(CallError::from_sdk)?;
    let versions = out
        .versions()
        .iter()
        .map(|v| {
            doc! {
                "Key" => v.key(),
                "VersionId" => v.version_id(),
                "IsLatest" => v.is_latest(),
                "LastModified" => v.last_modified(),
                "ETag" => v.e_tag(),
                "Size" => v.size(),
                "StorageClass" => v.storage_class().map(|s| s.as_str()),
                "Owner" => v.owner().map(owner),
            }
        })
        .collect::<Vec<_>>();
    let markers = out
        .delete_markers()
        .iter()
        .map(|m| {
            doc! {
                "Key" => m.key(),
                "VersionId" => m.version_id(),
                "IsLatest" => m.is_latest(),
                "LastModified" => m.last_modified(),
                "Owner" => m.owner().map(owner),
            }
        })
        .collect::<Vec<_>>();
    Ok(doc! {
        "IsTruncated" => out.is_truncated(),
        "KeyMarker" => out.key_marker(),
        "VersionIdMarker" => out.version_id_marker(),
        "NextKeyMarker" => out.next_key_marker(),
        "NextVersionIdMarker" => out.next_version_id_marker(),
        "Versions" => versions,
        "DeleteMarkers" => markers,
        "Name" => out.name(),
        "Prefix" => out.prefix(),
        "MaxKeys" => out.max_keys(),
    })
}

table_bindings!("s3" {
    create_bucket "CreateBucket" CREATE_BUCKET
        "Creates a new S3 bucket; outside us-east-1, give CreateBucketConfiguration.LocationConstraint.";
    head_bucket "HeadBucket" BUCKET
        "Determines whether a bucket exists and you have permission to access it.";
    delete_bucket "DeleteBucket" BUCKET
        "Deletes the S3 bucket; all objects in it must be deleted first.";
    list_buckets "ListBuckets" LIST_BUCKETS
        "Returns a list of all buckets owned by the authenticated sender of the request.";
    get_bucket_location "GetBucketLocation" BUCKET
        "Returns the Region the bucket resides in.";
    put_bucket_versioning "PutBucketVersioning" PUT_BUCKET_VERSIONING
        "Sets the versioning state of an existing bucket.";
    get_bucket_versioning "GetBucketVersioning" BUCKET
        "Returns the versioning state of a bucket.";
    put_public_access_block "PutPublicAccessBlock" PUT_PUBLIC_ACCESS_BLOCK
        "Creates or modifies the PublicAccessBlock configuration for an S3 bucket.";
    get_public_access_block "GetPublicAccessBlock" BUCKET
        "Retrieves the PublicAccessBlock configuration for an S3 bucket.";
    list_objects_v2 "ListObjectsV2" LIST_OBJECTS_V2
        "Returns some or all (up to 1,000) of the objects in a bucket with each request.";
    list_object_versions "ListObjectVersions" LIST_OBJECT_VERSIONS
        "Returns metadata about all versions of the objects in a bucket (up to 1,000 a page).";
    put_object "PutObject" PUT_OBJECT
        "Adds an object to a bucket; Body is a string (its UTF-8 bytes) or an array of bytes.";
    get_object "GetObject" GET_OBJECT
        "Retrieves an object from S3; Body is a string when it is UTF-8, else an array of bytes.";
    delete_object "DeleteObject" DELETE_OBJECT
        "Removes an object from a bucket.";
    delete_objects "DeleteObjects" DELETE_OBJECTS
        "Deletes multiple objects from a bucket using a single request.";
});
