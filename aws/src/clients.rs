//! One SDK configuration for the process and one client per service, each built the first
//! time a binding of that service is called.

use std::sync::OnceLock;
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

use super::error::CallError;
use super::trace::Trace;

/// The AWS options as given on the command line; everything else comes from the standard
/// chain (environment, profile files, `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`).
#[derive(Debug, Clone)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub max_attempts: Option<u32>,
    /// How long to wait for an answer to start before the SDK gives up on the attempt (and
    /// retries it): without one, a connection that never answers hangs the step.
    pub read_timeout: Duration,
    /// The PEM certificates of `AWS_CA_BUNDLE`: when given, the only roots TLS trusts (as
    /// the AWS CLI does), for networks that inspect TLS with their own authority.
    pub ca_bundle: Option<Vec<u8>>,
    /// `-vv`: every HTTP attempt and retry decision on stderr (trace.rs).
    pub trace: bool,
}

pub const NO_REGION: &str = "no AWS region is set: give --region REGION (or --param \
    region=REGION), set AWS_REGION, or put `region = ...` in your AWS profile (`aws configure`)";

/// The AWS CLI's default read timeout.
pub const READ_TIMEOUT: Duration = Duration::from_secs(60);

pub async fn load(options: &AwsOptions) -> Result<SdkConfig, CallError> {
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).http_client(https_client(options)?);
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(attempts) = options.max_attempts {
        // The chain's retry mode (AWS_RETRY_MODE, the profile's retry_mode) stays; only the
        // number of attempts is the option's.
        let mut chain = aws_config::default_provider::retry_config::default_provider();
        if let Some(profile) = &options.profile {
            chain = chain.profile_name(profile);
        }
        let retry = chain
            .retry_config()
            .await
            .with_max_attempts(attempts.max(1));
        loader = loader.retry_config(retry);
    }
    loader = loader.timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_millis(3100))
            .read_timeout(options.read_timeout)
            .build(),
    );
    Ok(loader.load().await)
}

/// The SDK's own HTTP client (hyper 1, rustls with ring) for every client and credential
/// provider: TLS trusts the system's roots, or only `AWS_CA_BUNDLE`'s when it is given.
fn https_client(options: &AwsOptions) -> Result<SharedHttpClient, CallError> {
    let mut trust = TrustStore::default();
    if let Some(pem) = &options.ca_bundle {
        trust = TrustStore::empty().with_pem_certificate(pem.to_vec());
    }
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .map_err(|e| CallError::new("InvalidCaBundle", format!("AWS_CA_BUNDLE: {e}")))?;
    let tls = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .tls_context(context)
        .build_https();
    Ok(SharedHttpClient::new(ByScheme {
        plain: aws_smithy_http_client::Builder::new().build_http(),
        tls,
    }))
}

/// `http://` requests (a local endpoint: an emulator, the instance or container metadata
/// service) over plain HTTP, the others over TLS, whose connector is made at the first of
/// them. Making it parses the system's roots, about a fifth of a short run's CPU, which the
/// SDK's own client does when the first client is built (to fail early on a bad trust store:
/// `https_client` has checked `AWS_CA_BUNDLE` already) and a run against a local endpoint
/// never needs.
#[derive(Debug)]
struct ByScheme {
    plain: SharedHttpClient,
    tls: SharedHttpClient,
}

impl HttpClient for ByScheme {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(SchemeConnector {
            plain: self.plain.http_connector(settings, components),
            tls: self.tls.clone(),
            settings: settings.clone(),
            components: components.clone(),
            tls_connector: OnceLock::new(),
        })
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.tls.connector_metadata()
    }
}

#[derive(Debug)]
struct SchemeConnector {
    plain: SharedHttpConnector,
    tls: SharedHttpClient,
    settings: HttpConnectorSettings,
    components: RuntimeComponents,
    tls_connector: OnceLock<SharedHttpConnector>,
}

impl HttpConnector for SchemeConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        if request.uri().starts_with("http://") {
            return self.plain.call(request);
        }
        self.tls_connector
            .get_or_init(|| self.tls.http_connector(&self.settings, &self.components))
            .call(request)
    }
}

macro_rules! clients {
    ($($service:ident => $krate:ident $(with $tune:path)?),* $(,)?) => {
        pub struct Clients {
            config: SdkConfig,
            trace: bool,
            $($service: OnceLock<$krate::Client>,)*
        }

        impl Clients {
            pub fn new(config: SdkConfig, trace: bool) -> Clients {
                Clients { config, trace, $($service: OnceLock::new(),)* }
            }

            $(pub fn $service(&self) -> &$krate::Client {
                self.$service.get_or_init(|| {
                    let mut builder = $krate::config::Builder::from(&self.config);
                    if self.trace {
                        builder = builder.interceptor(Trace);
                    }
                    $(let builder = $tune(builder, &self.config);)?
                    $krate::Client::from_conf(builder.build())
                })
            })*
        }
    };
}

clients! {
    sts => aws_sdk_sts,
    iam => aws_sdk_iam,
    codecommit => aws_sdk_codecommit,
    codebuild => aws_sdk_codebuild,
    ecr => aws_sdk_ecr,
    codepipeline => aws_sdk_codepipeline,
    ecs => aws_sdk_ecs,
    ec2 => aws_sdk_ec2,
    events => aws_sdk_eventbridge,
    logs => aws_sdk_cloudwatchlogs,
    secretsmanager => aws_sdk_secretsmanager,
    s3 => aws_sdk_s3 with path_style_when_local,
}

impl Clients {
    pub fn config(&self) -> &SdkConfig {
        &self.config
    }
}

/// S3 addresses buckets by host name unless told otherwise, which a local endpoint such as
/// `http://127.0.0.1:4566` cannot serve.
fn path_style_when_local(
    builder: aws_sdk_s3::config::Builder,
    config: &SdkConfig,
) -> aws_sdk_s3::config::Builder {
    let local =
        config.endpoint_url().is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
    builder.force_path_style(local)
}
