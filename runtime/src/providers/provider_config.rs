//! What the credential providers that call AWS services (STS, SSO, SSO-OIDC) and the metadata
//! endpoints share with the client being configured.

use std::sync::Arc;

use crate::config::Config;
use crate::config::env::Env;
use crate::config::settings::SharedSettings;
use crate::http::HttpClient;

/// The environment the providers read and the configuration their own clients start from:
/// its HTTP client (and so its connection pool), retries, timeouts and per-service endpoint
/// settings (`AWS_ENDPOINT_URL_STS`, the profile's `services` section).
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    env: Env,
    base: Config,
}

impl ProviderConfig {
    /// Providers reading `env` and calling services as `base` says (its credentials and
    /// endpoint URL are not used: those are the caller's). Per-service endpoint settings
    /// come from `base` when [`Config::from_env`] loaded it, else from `env` and the profile
    /// files it selects (unreadable ones count as empty here; the providers report them).
    pub fn new(env: Env, base: &Config) -> Self {
        let base = match base.shared_settings() {
            Some(_) => base.clone(),
            None => base.with_settings(SharedSettings::load(&env).ok()),
        };
        Self { env, base }
    }

    /// The environment the providers read.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The HTTP client the providers send with (`None` without the `default-client`
    /// feature and without a client given in code).
    pub fn http_client(&self) -> Option<&Arc<dyn HttpClient>> {
        self.base.http_client()
    }

    /// The region of the client being configured, if it has one yet.
    pub fn region(&self) -> Option<&str> {
        self.base.region()
    }

    /// A configuration for a provider's client of an AWS service, in `region` (else the
    /// configured one, else `us-east-1`), signing with `credentials` (none: unsigned calls).
    #[cfg(feature = "credential-providers")]
    pub(crate) fn client_config(
        &self,
        region: Option<&str>,
        credentials: Option<Arc<dyn crate::auth::credentials::ProvideCredentials>>,
    ) -> Config {
        self.base.for_provider_client(region, credentials)
    }
}
