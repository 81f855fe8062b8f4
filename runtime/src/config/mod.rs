//! Client configuration shared by every generated client: set in code with
//! [`Config::builder`], or loaded from the environment and profile files with
//! [`Config::from_env`] (code settings always win).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub mod env;
pub mod integrity;
pub mod profile;
pub mod retry;
pub mod settings;

use crate::auth::credentials::{Credentials, ProvideCredentials};
use crate::http::HttpClient;
use crate::sleep::{Sleep, TokioSleep};
use integrity::{RequestChecksumCalculation, ResponseChecksumValidation};
use retry::RetryConfig;
use settings::{IntegritySettings, S3Settings, SharedSettings};

/// 100 MiB: far above what AWS APIs answer in one buffered body (DynamoDB's largest
/// batch reads are 16 MB, Kinesis records 10 MiB, Lambda payloads 6 MB), far below what
/// exhausts a small machine. Bodies meant to be large (S3 `GetObject`) stream instead.
pub const DEFAULT_RESPONSE_BODY_LIMIT: usize = 100 * 1024 * 1024;

/// Time limits. Every one is finite by default so that a dead network never hangs a caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutConfig {
    connect: Duration,
    attempt: Duration,
    operation: Duration,
}

impl Default for TimeoutConfig {
    /// - connect 3.1 s: the AWS SDKs' "standard" defaults mode value; a TCP+TLS handshake to
    ///   an AWS region takes well under a second, and 3.1 s outlasts one SYN retransmit (3 s).
    /// - attempt 30 s: most AWS calls are small requests answered in well under a second;
    ///   30 s leaves room for slow ones (searches, scans) while a stuck connection can still
    ///   be retried.
    /// - operation 90 s: three full attempts plus backoff, so retries are never cut short by
    ///   default yet the caller gets an answer in bounded time.
    fn default() -> Self {
        Self {
            connect: Duration::from_millis(3100),
            attempt: Duration::from_secs(30),
            operation: Duration::from_secs(90),
        }
    }
}

impl TimeoutConfig {
    /// Limit on establishing a connection (TCP and TLS); default 3.1 s. The HTTP client
    /// enforces it, so it applies to the default client only: a client given to
    /// [`ConfigBuilder::http_client`] keeps its own.
    pub fn with_connect(mut self, timeout: Duration) -> Self {
        self.connect = timeout;
        self
    }

    /// Limit on one attempt, from sending the request to reading the whole response;
    /// default 30 s. An attempt that runs out is retried like any other timeout.
    pub fn with_attempt(mut self, timeout: Duration) -> Self {
        self.attempt = timeout;
        self
    }

    /// Limit on the whole operation: loading credentials, every attempt and the waits
    /// between them; default 90 s. When it runs out the operation fails at once with
    /// [`TimeoutKind::Operation`](crate::error::TimeoutKind::Operation).
    pub fn with_operation(mut self, timeout: Duration) -> Self {
        self.operation = timeout;
        self
    }

    /// The connect limit (see [`with_connect`](Self::with_connect)).
    pub fn connect(&self) -> Duration {
        self.connect
    }

    /// The per-attempt limit (see [`with_attempt`](Self::with_attempt)).
    pub fn attempt(&self) -> Duration {
        self.attempt
    }

    /// The whole-operation limit (see [`with_operation`](Self::with_operation)).
    pub fn operation(&self) -> Duration {
        self.operation
    }
}

/// Client configuration. Cloning is cheap (one `Arc`), and clients built from clones share
/// the HTTP connection pool.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    region: Option<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    endpoint_url: Option<String>,
    use_fips: bool,
    use_dual_stack: bool,
    retry: RetryConfig,
    timeout: TimeoutConfig,
    http_client: Option<Arc<dyn HttpClient>>,
    sleep: Arc<dyn Sleep>,
    app_name: Option<String>,
    response_body_limit: usize,
    s3: S3Settings,
    integrity: IntegritySettings,
    /// Kept so that per-service settings (endpoint URLs) can be asked for later.
    settings: Option<SharedSettings>,
    #[cfg(feature = "test-util")]
    mock_rules: Option<Arc<crate::test_util::mock::MockRules>>,
}

impl Config {
    /// A builder that uses only the settings made in code: nothing is read from the
    /// environment or the profile files. Use [`Config::from_env`] for that.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The region requests go to and are signed for: set in code, else (with
    /// [`Config::from_env`]) `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's `region`.
    /// `None` when none is configured: operations then fail with a
    /// [`BuildError`](crate::error::BuildError), unless the resolved endpoint names its own
    /// signing region.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// Where operations get their credentials: set in code, else (with
    /// [`Config::from_env`]) the [`DefaultCredentialsChain`](crate::providers::credentials::DefaultCredentialsChain). `None` only for a
    /// [`Config::builder`] configuration without credentials, whose operations fail with
    /// [`BuildError::Config`](crate::error::BuildError::Config).
    pub fn credentials_provider(&self) -> Option<&Arc<dyn ProvideCredentials>> {
        self.inner.credentials.as_ref()
    }

    /// The endpoint URL set in code, else the one configured for `service_id` (the model's
    /// `sdkId`) by environment variables or the profile.
    pub fn endpoint_url_for(&self, service_id: &str) -> Option<String> {
        self.inner.endpoint_url.clone().or_else(|| {
            self.inner
                .settings
                .as_ref()
                .and_then(|settings| settings.endpoint_url(service_id))
        })
    }

    /// Whether endpoints resolve to FIPS endpoints: set in code, else (with
    /// [`Config::from_env`]) `AWS_USE_FIPS_ENDPOINT` or the profile's `use_fips_endpoint`;
    /// `false` by default.
    pub fn use_fips(&self) -> bool {
        self.inner.use_fips
    }

    /// Whether endpoints resolve to dual-stack (IPv4 and IPv6) endpoints: set in code, else
    /// (with [`Config::from_env`]) `AWS_USE_DUALSTACK_ENDPOINT` or the profile's
    /// `use_dualstack_endpoint`; `false` by default.
    pub fn use_dual_stack(&self) -> bool {
        self.inner.use_dual_stack
    }

    /// How operations are retried: set in code, else [`RetryConfig::standard`], whose mode
    /// and attempts (with [`Config::from_env`]) `AWS_RETRY_MODE` and `AWS_MAX_ATTEMPTS` or
    /// the profile's `retry_mode` and `max_attempts` may change.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// The time limits: set in code, else [`TimeoutConfig::default`]. Never read from the
    /// environment or the profile.
    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.inner.timeout
    }

    /// `None` only when the `default-client` feature is off and no client was given.
    pub fn http_client(&self) -> Option<&Arc<dyn HttpClient>> {
        self.inner.http_client.as_ref()
    }

    /// How operations wait between attempts: set in code, else [`TokioSleep`].
    pub fn sleep_impl(&self) -> &Arc<dyn Sleep> {
        &self.inner.sleep
    }

    /// The application name sent in `x-amz-user-agent`: set in code, else (with
    /// [`Config::from_env`]) `AWS_SDK_UA_APP_ID` or the profile's `sdk_ua_app_id`; `None`
    /// when unset.
    pub fn app_name(&self) -> Option<&str> {
        self.inner.app_name.as_deref()
    }

    /// The most bytes of a response body read into memory (every response but the
    /// successful one of an operation whose output streams): a longer body fails the
    /// operation with a [`ResponseError`](crate::error::ResponseError) instead of filling
    /// memory. [`DEFAULT_RESPONSE_BODY_LIMIT`] unless set.
    pub fn response_body_limit(&self) -> usize {
        self.inner.response_body_limit
    }

    /// How S3 requests are addressed (path style, acceleration, access point ARNs): set in
    /// code, else (with [`Config::from_env`]) the environment or the profile. Other
    /// services ignore it.
    pub fn s3(&self) -> &S3Settings {
        &self.inner.s3
    }

    /// When request checksums are sent (`aws.protocols#httpChecksum`): set in code, else
    /// (with [`Config::from_env`]) `AWS_REQUEST_CHECKSUM_CALCULATION` or the profile's
    /// `request_checksum_calculation`; [`RequestChecksumCalculation::WhenSupported`] by default.
    pub fn request_checksum_calculation(&self) -> RequestChecksumCalculation {
        self.inner
            .integrity
            .request_checksum_calculation
            .unwrap_or_default()
    }

    /// When response checksums are validated (`aws.protocols#httpChecksum`): set in code,
    /// else (with [`Config::from_env`]) `AWS_RESPONSE_CHECKSUM_VALIDATION` or the profile's
    /// `response_checksum_validation`; [`ResponseChecksumValidation::WhenSupported`] by default.
    pub fn response_checksum_validation(&self) -> ResponseChecksumValidation {
        self.inner
            .integrity
            .response_checksum_validation
            .unwrap_or_default()
    }

    /// Whether request compression (`smithy.api#requestCompression`) is off: set in code,
    /// else (with [`Config::from_env`]) `AWS_DISABLE_REQUEST_COMPRESSION` or the profile's
    /// `disable_request_compression`; `false` by default.
    pub fn disable_request_compression(&self) -> bool {
        self.inner
            .integrity
            .disable_request_compression
            .unwrap_or(false)
    }

    /// The smallest body that is compressed, in bytes: set in code, else (with
    /// [`Config::from_env`]) `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES` or the profile's
    /// `request_min_compression_size_bytes`; 10240 by default. Operations fail with
    /// [`BuildError::Config`](crate::error::BuildError::Config) when it was set in code
    /// above 10485760.
    pub fn request_min_compression_size_bytes(&self) -> u32 {
        self.inner
            .integrity
            .request_min_compression_size_bytes
            .unwrap_or(integrity::DEFAULT_MIN_COMPRESSION_SIZE_BYTES)
    }

    /// The rules that answer calls instead of the network (see
    /// [`ConfigBuilder::mock_rules`]).
    #[cfg(feature = "test-util")]
    pub(crate) fn mock_rules(&self) -> Option<&crate::test_util::mock::MockRules> {
        self.inner.mock_rules.as_deref()
    }

    /// The environment and profile files [`Config::from_env`] read; `None` for
    /// [`Config::builder`] configurations.
    pub(crate) fn shared_settings(&self) -> Option<&SharedSettings> {
        self.inner.settings.as_ref()
    }

    /// This configuration with every setting that `overrides` makes replacing its own; the
    /// others stay (what operations' `config_override` applies for one call). The HTTP
    /// client is the one exception: the default client's own settings (its connect limit,
    /// proxy, trust and pool) are fixed when it is built, so an override that needs other
    /// ones gives its own [`http_client`](ConfigBuilder::http_client).
    pub fn with_overrides(&self, overrides: ConfigBuilder) -> Config {
        // Destructured whole, so that a new setting cannot be forgotten here.
        let ConfigBuilder {
            region,
            credentials,
            endpoint_url,
            use_fips,
            use_dual_stack,
            retry,
            timeout,
            http_client,
            sleep,
            app_name,
            response_body_limit,
            s3,
            integrity,
            #[cfg(feature = "default-client")]
                default_client: _,
            #[cfg(feature = "test-util")]
            mock_rules,
        } = overrides;
        let mut inner = (*self.inner).clone();
        inner.region = region.or(inner.region);
        inner.credentials = credentials.or(inner.credentials);
        inner.endpoint_url = endpoint_url.or(inner.endpoint_url);
        inner.use_fips = use_fips.unwrap_or(inner.use_fips);
        inner.use_dual_stack = use_dual_stack.unwrap_or(inner.use_dual_stack);
        inner.retry = retry.unwrap_or(inner.retry);
        inner.timeout = timeout.unwrap_or(inner.timeout);
        inner.http_client = http_client.or(inner.http_client);
        inner.sleep = sleep.unwrap_or(inner.sleep);
        inner.app_name = app_name.or(inner.app_name);
        inner.response_body_limit = response_body_limit.unwrap_or(inner.response_body_limit);
        #[cfg(feature = "test-util")]
        {
            inner.mock_rules = mock_rules.or(inner.mock_rules);
        }
        let S3Settings {
            force_path_style,
            accelerate,
            use_arn_region,
            use_global_endpoint,
            disable_multi_region_access_points,
        } = s3;
        let own = &mut inner.s3;
        own.force_path_style = force_path_style.or(own.force_path_style);
        own.accelerate = accelerate.or(own.accelerate);
        own.use_arn_region = use_arn_region.or(own.use_arn_region);
        own.use_global_endpoint = use_global_endpoint.or(own.use_global_endpoint);
        own.disable_multi_region_access_points =
            disable_multi_region_access_points.or(own.disable_multi_region_access_points);
        let IntegritySettings {
            request_checksum_calculation,
            response_checksum_validation,
            disable_request_compression,
            request_min_compression_size_bytes,
        } = integrity;
        let own = &mut inner.integrity;
        own.request_checksum_calculation =
            request_checksum_calculation.or(own.request_checksum_calculation);
        own.response_checksum_validation =
            response_checksum_validation.or(own.response_checksum_validation);
        own.disable_request_compression =
            disable_request_compression.or(own.disable_request_compression);
        own.request_min_compression_size_bytes =
            request_min_compression_size_bytes.or(own.request_min_compression_size_bytes);
        Config {
            inner: Arc::new(inner),
        }
    }

    /// This configuration reading per-service settings from `settings`.
    pub(crate) fn with_settings(&self, settings: Option<SharedSettings>) -> Config {
        let mut inner = (*self.inner).clone();
        inner.settings = settings;
        Config {
            inner: Arc::new(inner),
        }
    }

    /// This configuration in `region`.
    pub(crate) fn with_region(&self, region: String) -> Config {
        let mut inner = (*self.inner).clone();
        inner.region = Some(region);
        Config {
            inner: Arc::new(inner),
        }
    }

    /// This configuration with `credentials` as its provider.
    pub(crate) fn with_credentials(&self, credentials: Arc<dyn ProvideCredentials>) -> Config {
        let mut inner = (*self.inner).clone();
        inner.credentials = Some(credentials);
        Config {
            inner: Arc::new(inner),
        }
    }

    /// The configuration of a client a credential provider calls (STS, SSO, SSO-OIDC, see
    /// [`provider_config`]): this one's HTTP client, retries, timeouts and per-service
    /// endpoint settings (`AWS_ENDPOINT_URL_STS`, ...), `region` (else this one's, else
    /// `us-east-1`, as aws-config does), `credentials` (none for unsigned calls), and not the
    /// endpoint URL set in code, which is for the caller's own service.
    #[cfg(feature = "credential-providers")]
    pub(crate) fn for_provider_client(
        &self,
        region: Option<&str>,
        credentials: Option<Arc<dyn ProvideCredentials>>,
    ) -> Config {
        let mut inner = (*self.inner).clone();
        inner.region = region
            .map(str::to_owned)
            .or(inner.region)
            .or_else(|| Some("us-east-1".to_owned()));
        inner.credentials = credentials;
        inner.endpoint_url = None;
        inner.s3 = S3Settings::default();
        Config {
            inner: Arc::new(inner),
        }
    }
}

/// Shows every setting except secrets: the credentials provider's own `Debug` redacts keys,
/// and the loaded profile files (which may hold keys) are summarised by profile name.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut config = f.debug_struct("Config");
        config
            .field("region", &inner.region)
            .field("credentials", &inner.credentials)
            .field(
                "endpoint_url",
                &inner
                    .endpoint_url
                    .as_deref()
                    .map(crate::endpoint::hide_userinfo),
            )
            .field("use_fips", &inner.use_fips)
            .field("use_dual_stack", &inner.use_dual_stack)
            .field("retry", &inner.retry)
            .field("timeout", &inner.timeout)
            .field("http_client", &inner.http_client)
            .field("app_name", &inner.app_name)
            .field("response_body_limit", &inner.response_body_limit)
            .field("s3", &inner.s3)
            .field("integrity", &inner.integrity);
        #[cfg(feature = "test-util")]
        config.field("mock_rules", &inner.mock_rules);
        config
            .field(
                "profile",
                &inner.settings.as_ref().map(SharedSettings::profile_name),
            )
            .finish_non_exhaustive()
    }
}

/// Settings given in code; `None` means "not set", so [`ConfigLoader`](crate::providers::ConfigLoader) can fill it.
#[derive(Default)]
pub struct ConfigBuilder {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: Option<bool>,
    pub(crate) use_dual_stack: Option<bool>,
    pub(crate) retry: Option<RetryConfig>,
    pub(crate) timeout: Option<TimeoutConfig>,
    pub(crate) http_client: Option<Arc<dyn HttpClient>>,
    pub(crate) sleep: Option<Arc<dyn Sleep>>,
    pub(crate) app_name: Option<String>,
    pub(crate) response_body_limit: Option<usize>,
    pub(crate) s3: S3Settings,
    pub(crate) integrity: IntegritySettings,
    #[cfg(feature = "default-client")]
    pub(crate) default_client: DefaultClientSettings,
    #[cfg(feature = "test-util")]
    pub(crate) mock_rules: Option<Arc<crate::test_util::mock::MockRules>>,
}

impl ConfigBuilder {
    /// The region requests go to and are signed for, e.g. `us-east-1`. Wins over
    /// `AWS_REGION`, `AWS_DEFAULT_REGION` and the profile's `region`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Where credentials come from, instead of the [`DefaultCredentialsChain`](crate::providers::credentials::DefaultCredentialsChain). It is asked
    /// once per operation, so wrap a provider that does real work in a
    /// [`LazyCachingProvider`](crate::auth::credentials::LazyCachingProvider).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Static credentials.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// Sends every request to this URL instead of the resolved AWS endpoint.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Resolve FIPS endpoints; wins over `AWS_USE_FIPS_ENDPOINT` and the profile's
    /// `use_fips_endpoint`. Where the service has none, operations fail with
    /// [`BuildError::Endpoint`](crate::error::BuildError::Endpoint).
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.use_fips = Some(use_fips);
        self
    }

    /// Resolve dual-stack (IPv4 and IPv6) endpoints; wins over `AWS_USE_DUALSTACK_ENDPOINT`
    /// and the profile's `use_dualstack_endpoint`. Where the service has none, operations
    /// fail with [`BuildError::Endpoint`](crate::error::BuildError::Endpoint).
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.use_dual_stack = Some(use_dual_stack);
        self
    }

    /// How often and how patiently to retry; default [`RetryConfig::standard`]. Replaces
    /// `AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS` and the profile's `retry_mode` and
    /// `max_attempts` entirely.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The time limits; default [`TimeoutConfig::default`].
    pub fn timeout_config(mut self, timeout: TimeoutConfig) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends requests with `client` instead of the default hyper client; required when the
    /// `default-client` feature is off. The client enforces its own connect timeout.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http_client = Some(Arc::new(client));
        self
    }

    /// How to wait between retries (tests record the delays instead of waiting).
    pub fn sleep_impl(mut self, sleep: impl Sleep + 'static) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// Added to `x-amz-user-agent` as `app/<name>`; wins over `AWS_SDK_UA_APP_ID` and the
    /// profile's `sdk_ua_app_id`.
    pub fn app_name(mut self, app_name: impl Into<String>) -> Self {
        self.app_name = Some(app_name.into());
        self
    }

    /// The most bytes of a response body read into memory (see
    /// [`Config::response_body_limit`]).
    pub fn response_body_limit(mut self, bytes: usize) -> Self {
        self.response_body_limit = Some(bytes);
        self
    }

    /// S3 requests address buckets in the path (`https://host/bucket/key`), not the host:
    /// for S3-compatible servers and emulators, and bucket names that are no host label.
    pub fn force_path_style(mut self, force_path_style: bool) -> Self {
        self.s3.force_path_style = Some(force_path_style);
        self
    }

    /// S3 requests go to S3 Transfer Acceleration endpoints.
    pub fn accelerate(mut self, accelerate: bool) -> Self {
        self.s3.accelerate = Some(accelerate);
        self
    }

    /// An S3 access point ARN's region is used instead of the client's.
    pub fn use_arn_region(mut self, use_arn_region: bool) -> Self {
        self.s3.use_arn_region = Some(use_arn_region);
        self
    }

    /// `us-east-1` S3 requests go to the legacy global endpoint `s3.amazonaws.com`.
    pub fn use_global_endpoint(mut self, use_global_endpoint: bool) -> Self {
        self.s3.use_global_endpoint = Some(use_global_endpoint);
        self
    }

    /// S3 multi-region access point ARNs are refused before any request.
    pub fn disable_multi_region_access_points(mut self, disable: bool) -> Self {
        self.s3.disable_multi_region_access_points = Some(disable);
        self
    }

    /// When request checksums are sent; wins over `AWS_REQUEST_CHECKSUM_CALCULATION` and the
    /// profile's `request_checksum_calculation`.
    pub fn request_checksum_calculation(mut self, when: RequestChecksumCalculation) -> Self {
        self.integrity.request_checksum_calculation = Some(when);
        self
    }

    /// When response checksums are validated; wins over `AWS_RESPONSE_CHECKSUM_VALIDATION`
    /// and the profile's `response_checksum_validation`.
    pub fn response_checksum_validation(mut self, when: ResponseChecksumValidation) -> Self {
        self.integrity.response_checksum_validation = Some(when);
        self
    }

    /// Turns request compression off (or on); wins over `AWS_DISABLE_REQUEST_COMPRESSION`
    /// and the profile's `disable_request_compression`.
    pub fn disable_request_compression(mut self, disable: bool) -> Self {
        self.integrity.disable_request_compression = Some(disable);
        self
    }

    /// The smallest body compressed, 0 to 10485760 bytes (operations fail with
    /// [`BuildError::Config`](crate::error::BuildError::Config) above); wins over
    /// `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES` and the profile's
    /// `request_min_compression_size_bytes`.
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.integrity.request_min_compression_size_bytes = Some(bytes);
        self
    }

    /// Answers calls with `rules` instead of the network (feature `test-util`, for unit
    /// tests of code that calls the SDK): no endpoint is resolved, no credentials loaded,
    /// nothing signed or sent, so neither region nor credentials need to be set. Retries,
    /// backoff (see [`sleep_impl`](Self::sleep_impl)) and timeouts work as for real calls,
    /// and a call that no rule answers fails; see [`crate::test_util::mock`].
    #[cfg(feature = "test-util")]
    pub fn mock_rules(mut self, rules: crate::test_util::mock::MockRules) -> Self {
        self.mock_rules = Some(Arc::new(rules));
        self
    }

    /// The configuration, with defaults for what was not set: no region, no credentials,
    /// FIPS and dual-stack off, [`RetryConfig::standard`], [`TimeoutConfig::default`], the
    /// default HTTP client (feature `default-client`) and [`TokioSleep`].
    pub fn build(self) -> Config {
        self.build_with(None)
    }

    pub(crate) fn build_with(self, settings: Option<SharedSettings>) -> Config {
        let timeout = self.timeout.unwrap_or_default();
        let http_client = self
            .http_client
            .clone()
            .or_else(|| self.default_http_client(&timeout, settings.as_ref()));
        Config {
            inner: Arc::new(Inner {
                region: self.region,
                credentials: self.credentials,
                endpoint_url: self.endpoint_url,
                use_fips: self.use_fips.unwrap_or(false),
                use_dual_stack: self.use_dual_stack.unwrap_or(false),
                retry: self.retry.unwrap_or_default(),
                timeout,
                http_client,
                sleep: self.sleep.unwrap_or_else(|| Arc::new(TokioSleep)),
                app_name: self.app_name,
                response_body_limit: self
                    .response_body_limit
                    .unwrap_or(DEFAULT_RESPONSE_BODY_LIMIT),
                s3: self.s3,
                integrity: self.integrity,
                settings,
                #[cfg(feature = "test-util")]
                mock_rules: self.mock_rules,
            }),
        }
    }
}

/// The default client's network settings made in code; see the `ConfigBuilder` setters
/// of the same names.
#[cfg(feature = "default-client")]
#[derive(Default)]
pub(crate) struct DefaultClientSettings {
    proxy: Option<crate::http::ProxyConfig>,
    trust: Option<crate::http::TrustConfig>,
    max_idle_per_origin: Option<usize>,
    idle_timeout: Option<Duration>,
}

/// Settings of the default HTTP client; a client given to [`ConfigBuilder::http_client`]
/// ignores them.
#[cfg(feature = "default-client")]
impl ConfigBuilder {
    /// The proxies requests go through; wins over `HTTPS_PROXY`, `HTTP_PROXY` and
    /// `NO_PROXY` (and their lowercase forms), which [`Config::from_env`] reads otherwise.
    pub fn proxy(mut self, proxy: crate::http::ProxyConfig) -> Self {
        self.default_client.proxy = Some(proxy);
        self
    }

    /// Certificate authorities trusted besides Mozilla's roots; replaces `AWS_CA_BUNDLE`
    /// and the profile's `ca_bundle`, which [`Config::from_env`] reads otherwise.
    pub fn trust(mut self, trust: crate::http::TrustConfig) -> Self {
        self.default_client.trust = Some(trust);
        self
    }

    /// The most idle keep-alive connections kept per scheme, host and port; default 16.
    pub fn pool_max_idle_per_origin(mut self, max: usize) -> Self {
        self.default_client.max_idle_per_origin = Some(max);
        self
    }

    /// How long an idle connection is kept for reuse; default 90 s.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.default_client.idle_timeout = Some(timeout);
        self
    }

    fn default_http_client(
        &self,
        timeout: &TimeoutConfig,
        settings: Option<&SharedSettings>,
    ) -> Option<Arc<dyn HttpClient>> {
        use crate::http::{HyperClient, ProxyConfig, TrustConfig};
        let network = &self.default_client;
        let mut client = HyperClient::builder().connect_timeout(timeout.connect());
        let proxy = network.proxy.clone();
        if let Some(proxy) = proxy.or_else(|| Some(ProxyConfig::from_env(settings?.env()))) {
            client = client.proxy(proxy);
        }
        let from_settings = || {
            let (source, path) = settings?.ca_bundle()?;
            Some(TrustConfig::default().add_pem_file(source, path))
        };
        if let Some(trust) = network.trust.clone().or_else(from_settings) {
            client = client.trust(trust);
        }
        if let Some(max) = network.max_idle_per_origin {
            client = client.max_idle_per_origin(max);
        }
        if let Some(timeout) = network.idle_timeout {
            client = client.idle_timeout(timeout);
        }
        Some(Arc::new(client.build()))
    }
}

#[cfg(not(feature = "default-client"))]
impl ConfigBuilder {
    fn default_http_client(
        &self,
        _: &TimeoutConfig,
        _: Option<&SharedSettings>,
    ) -> Option<Arc<dyn HttpClient>> {
        None
    }
}
