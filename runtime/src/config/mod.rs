//! Client configuration shared by every generated client: set in code with
//! [`Config::builder`], or loaded from the environment and profile files with
//! [`Config::from_env`] (code settings always win).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub mod credentials;
pub mod env;
pub mod profile;
pub mod retry;
pub mod settings;

use crate::auth::credentials::{Credentials, ProvideCredentials};
use crate::http::HttpClient;
use crate::sleep::{Sleep, TokioSleep};
use credentials::DefaultCredentialsChain;
use env::Env;
use profile::ProfileError;
use retry::RetryConfig;
use settings::{S3Settings, SharedSettings};

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
    s3: S3Settings,
    /// Kept so that per-service settings (endpoint URLs) can be asked for later.
    settings: Option<SharedSettings>,
}

impl Config {
    /// A builder that uses only the settings made in code: nothing is read from the
    /// environment or the profile files. Use [`Config::from_env`] for that.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// A loader that fills what code does not set from `AWS_*` variables and profile files.
    pub fn from_env() -> ConfigLoader {
        ConfigLoader {
            builder: ConfigBuilder::default(),
            env: None,
        }
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
    /// [`Config::from_env`]) the [`DefaultCredentialsChain`]. `None` only for a
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

    /// How operations are retried: set in code, else [`RetryConfig::standard`], whose
    /// attempts (with [`Config::from_env`]) `AWS_MAX_ATTEMPTS` or the profile's
    /// `max_attempts` may change.
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

    /// The application name sent in `x-amz-user-agent`, set in code only; `None` when unset.
    pub fn app_name(&self) -> Option<&str> {
        self.inner.app_name.as_deref()
    }

    /// How S3 requests are addressed (path style, acceleration, access point ARNs): set in
    /// code, else (with [`Config::from_env`]) the environment or the profile. Other
    /// services ignore it.
    pub fn s3(&self) -> &S3Settings {
        &self.inner.s3
    }
}

/// Shows every setting except secrets: the credentials provider's own `Debug` redacts keys,
/// and the loaded profile files (which may hold keys) are summarised by profile name.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Config")
            .field("region", &inner.region)
            .field("credentials", &inner.credentials)
            .field("endpoint_url", &inner.endpoint_url)
            .field("use_fips", &inner.use_fips)
            .field("use_dual_stack", &inner.use_dual_stack)
            .field("retry", &inner.retry)
            .field("timeout", &inner.timeout)
            .field("http_client", &inner.http_client)
            .field("app_name", &inner.app_name)
            .field("s3", &inner.s3)
            .field(
                "profile",
                &inner.settings.as_ref().map(SharedSettings::profile_name),
            )
            .finish_non_exhaustive()
    }
}

/// Settings given in code; `None` means "not set", so [`ConfigLoader`] can fill it.
#[derive(Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    endpoint_url: Option<String>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    retry: Option<RetryConfig>,
    timeout: Option<TimeoutConfig>,
    http_client: Option<Arc<dyn HttpClient>>,
    sleep: Option<Arc<dyn Sleep>>,
    app_name: Option<String>,
    s3: S3Settings,
}

impl ConfigBuilder {
    /// The region requests go to and are signed for, e.g. `us-east-1`. Wins over
    /// `AWS_REGION`, `AWS_DEFAULT_REGION` and the profile's `region`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Where credentials come from, instead of the [`DefaultCredentialsChain`]. It is asked
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
    /// `AWS_MAX_ATTEMPTS` and the profile's `max_attempts` entirely.
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

    /// Added to `x-amz-user-agent` as `app/<name>`.
    pub fn app_name(mut self, app_name: impl Into<String>) -> Self {
        self.app_name = Some(app_name.into());
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

    /// The configuration, with defaults for what was not set: no region, no credentials,
    /// FIPS and dual-stack off, [`RetryConfig::standard`], [`TimeoutConfig::default`], the
    /// default HTTP client (feature `default-client`) and [`TokioSleep`].
    pub fn build(self) -> Config {
        self.build_with(None)
    }

    fn build_with(self, settings: Option<SharedSettings>) -> Config {
        let timeout = self.timeout.unwrap_or_default();
        Config {
            inner: Arc::new(Inner {
                region: self.region,
                credentials: self.credentials,
                endpoint_url: self.endpoint_url,
                use_fips: self.use_fips.unwrap_or(false),
                use_dual_stack: self.use_dual_stack.unwrap_or(false),
                retry: self.retry.unwrap_or_default(),
                timeout,
                http_client: self.http_client.or_else(|| default_http_client(&timeout)),
                sleep: self.sleep.unwrap_or_else(|| Arc::new(TokioSleep)),
                app_name: self.app_name,
                s3: self.s3,
                settings,
            }),
        }
    }
}

#[cfg(feature = "default-client")]
fn default_http_client(timeout: &TimeoutConfig) -> Option<Arc<dyn HttpClient>> {
    Some(Arc::new(crate::http::HyperClient::new(timeout.connect())))
}

#[cfg(not(feature = "default-client"))]
fn default_http_client(_: &TimeoutConfig) -> Option<Arc<dyn HttpClient>> {
    None
}

/// [`Config::from_env`]: the same setters as [`ConfigBuilder`], then [`load`](Self::load).
pub struct ConfigLoader {
    builder: ConfigBuilder,
    env: Option<Env>,
}

/// The loader's setters are the builder's; one definition keeps them from drifting apart.
macro_rules! forward_setters {
    ($($name:ident($arg:ident: $ty:ty)),* $(,)?) => {$(
        #[doc = concat!("See [`ConfigBuilder::", stringify!($name), "`].")]
        pub fn $name(mut self, $arg: $ty) -> Self {
            self.builder = self.builder.$name($arg);
            self
        }
    )*};
}

impl ConfigLoader {
    forward_setters!(
        region(region: impl Into<String>),
        credentials_provider(provider: impl ProvideCredentials + 'static),
        credentials(credentials: Credentials),
        endpoint_url(url: impl Into<String>),
        use_fips(use_fips: bool),
        use_dual_stack(use_dual_stack: bool),
        retry_config(retry: RetryConfig),
        timeout_config(timeout: TimeoutConfig),
        http_client(client: impl HttpClient + 'static),
        sleep_impl(sleep: impl Sleep + 'static),
        app_name(app_name: impl Into<String>),
        force_path_style(force_path_style: bool),
        accelerate(accelerate: bool),
        use_arn_region(use_arn_region: bool),
        use_global_endpoint(use_global_endpoint: bool),
        disable_multi_region_access_points(disable: bool),
    );

    /// Reads this environment instead of the process's (tests).
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Loads the profile files once and fills every setting not made in code: region,
    /// credentials (the default chain), FIPS/dual-stack, max attempts, and per-service
    /// endpoint URLs (asked for later through [`Config::endpoint_url_for`]).
    pub async fn load(self) -> Result<Config, ConfigError> {
        let env = self.env.unwrap_or_else(Env::real);
        let settings = SharedSettings::load(&env).map_err(ConfigError::Profile)?;
        let mut builder = self.builder;
        builder.region = builder.region.or_else(|| settings.region());
        builder.use_fips = builder.use_fips.or_else(|| settings.use_fips());
        builder.use_dual_stack = builder.use_dual_stack.or_else(|| settings.use_dual_stack());
        let from_env = settings.s3();
        let s3 = &mut builder.s3;
        s3.use_arn_region = s3.use_arn_region.or(from_env.use_arn_region);
        s3.use_global_endpoint = s3.use_global_endpoint.or(from_env.use_global_endpoint);
        s3.disable_multi_region_access_points = s3
            .disable_multi_region_access_points
            .or(from_env.disable_multi_region_access_points);
        builder.retry = builder.retry.or_else(|| {
            settings
                .max_attempts()
                .map(|attempts| RetryConfig::standard().with_max_attempts(attempts))
        });
        if builder.credentials.is_none() {
            builder = builder.credentials_provider(DefaultCredentialsChain::new(env));
        }
        Ok(builder.build_with(Some(settings)))
    }
}

/// The environment or profile files hold an invalid setting.
#[derive(Debug)]
pub enum ConfigError {
    /// A shared file exists but cannot be read, or a setting in the environment or the
    /// selected profile has a malformed value.
    Profile(ProfileError),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Profile(e) => write!(f, "failed to load shared configuration: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Profile(e) => Some(e),
        }
    }
}
