//! Where settings come from when code does not set them: [`Config::from_env`] and its
//! [`ConfigLoader`], the default credentials chain and each of its sources, and the
//! instance metadata region. The sources that call AWS services (STS, SSO, SSO-OIDC) use
//! clients the generator writes into `services` (feature `credential-providers`).

use std::fmt;
use std::sync::Arc;

use crate::auth::credentials::{Credentials, ProvideCredentials};
use crate::config::env::Env;
use crate::config::profile::ProfileError;
use crate::config::retry::RetryConfig;
use crate::config::settings::SharedSettings;
use crate::config::{Config, ConfigBuilder, TimeoutConfig};
use crate::http::HttpClient;
use crate::sleep::Sleep;
use credentials::DefaultCredentialsChain;
use imds::ImdsClient;
use provider_config::ProviderConfig;

pub mod container;
pub mod credential_process;
pub mod credentials;
pub mod imds;
mod profile_chain;
pub mod provider_config;
#[cfg(feature = "credential-providers")]
pub mod sso;
#[cfg(feature = "credential-providers")]
pub mod sts;

impl Config {
    /// A loader that fills what code does not set from `AWS_*` variables, profile files and,
    /// for credentials and region, the places code runs (containers, EC2).
    pub fn from_env() -> ConfigLoader {
        ConfigLoader {
            builder: ConfigBuilder::default(),
            env: None,
        }
    }
}

/// [`Config::from_env`]: the same setters as [`ConfigBuilder`], then [`load`](Self::load).
pub struct ConfigLoader {
    builder: ConfigBuilder,
    env: Option<Env>,
}

/// The loader's setters are the builder's; one definition keeps them from drifting apart.
macro_rules! forward_setters {
    ($($(#[$attr:meta])* $name:ident($arg:ident: $ty:ty)),* $(,)?) => {$(
        #[doc = concat!("See [`ConfigBuilder::", stringify!($name), "`].")]
        $(#[$attr])*
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
        response_body_limit(bytes: usize),
        request_checksum_calculation(when: crate::config::integrity::RequestChecksumCalculation),
        response_checksum_validation(when: crate::config::integrity::ResponseChecksumValidation),
        disable_request_compression(disable: bool),
        request_min_compression_size_bytes(bytes: u32),
        #[cfg(feature = "default-client")]
        proxy(proxy: crate::http::ProxyConfig),
        #[cfg(feature = "default-client")]
        trust(trust: crate::http::TrustConfig),
        #[cfg(feature = "default-client")]
        pool_max_idle_per_origin(max: usize),
        #[cfg(feature = "default-client")]
        pool_idle_timeout(timeout: std::time::Duration),
    );

    /// Reads this environment instead of the process's (tests).
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Loads the profile files once and fills every setting not made in code: region
    /// (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, then the EC2 instance
    /// metadata service unless `AWS_EC2_METADATA_DISABLED` is `true`), credentials (the
    /// [`DefaultCredentialsChain`], which loads nothing until the first call), FIPS/dual-stack,
    /// retry mode and max attempts (`AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS` or the profile's
    /// `retry_mode`, `max_attempts`), the user agent's app ID (`AWS_SDK_UA_APP_ID` or the
    /// profile's `sdk_ua_app_id`), and per-service endpoint URLs (asked for later through
    /// [`Config::endpoint_url_for`]).
    pub async fn load(self) -> Result<Config, ConfigError> {
        let env = self.env.unwrap_or_else(Env::real);
        let settings = SharedSettings::load(&env).map_err(ConfigError::Profile)?;
        let mut builder = self.builder;
        let credentials_in_code = builder.credentials.is_some();
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
        let from_env = settings.integrity();
        let integrity = &mut builder.integrity;
        integrity.request_checksum_calculation = integrity
            .request_checksum_calculation
            .or(from_env.request_checksum_calculation);
        integrity.response_checksum_validation = integrity
            .response_checksum_validation
            .or(from_env.response_checksum_validation);
        integrity.disable_request_compression = integrity
            .disable_request_compression
            .or(from_env.disable_request_compression);
        integrity.request_min_compression_size_bytes = integrity
            .request_min_compression_size_bytes
            .or(from_env.request_min_compression_size_bytes);
        builder.retry = builder.retry.or_else(|| retry_from_settings(&settings));
        builder.app_name = builder.app_name.or_else(|| settings.app_id());
        let mut config = builder.build_with(Some(settings));
        if config.region().is_none()
            && let Some(region) = imds_region(&config).await
        {
            config = config.with_region(region);
        }
        if !credentials_in_code {
            let chain = DefaultCredentialsChain::new(ProviderConfig::new(env, &config));
            config = config.with_credentials(Arc::new(chain));
        }
        Ok(config)
    }
}

/// The retry mode and max attempts of the environment or profile, when either is set.
fn retry_from_settings(settings: &SharedSettings) -> Option<RetryConfig> {
    let (mode, attempts) = (settings.retry_mode(), settings.max_attempts());
    if mode.is_none() && attempts.is_none() {
        return None;
    }
    let retry = RetryConfig::standard().with_mode(mode.unwrap_or_default());
    Some(match attempts {
        Some(attempts) => retry.with_max_attempts(attempts),
        None => retry,
    })
}

/// The instance's region, when IMDS is enabled and answers (within its short timeouts).
async fn imds_region(config: &Config) -> Option<String> {
    let http = Arc::clone(config.http_client()?);
    ImdsClient::from_settings(http, config.shared_settings()?)
        .ok()?
        .region()
        .await
}

/// The environment or profile files hold an invalid setting.
#[derive(Debug)]
pub enum ConfigError {
    /// A shared file is malformed (a line the AWS SDKs reject; a file that cannot be read is
    /// a warning and read as empty), or a setting in the environment or the selected profile
    /// has a malformed value.
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
