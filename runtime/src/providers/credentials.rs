//! The sources of the default credentials chain, in the order aws-config and botocore try
//! them: environment keys, a web identity from the environment, the selected profile (static
//! keys, `credential_process`, IAM Identity Center, web identity, and the roles assumed from
//! them), the container's credentials endpoint (ECS, Fargate, EKS Pod Identity) and the EC2
//! instance metadata service; the whole chain cached.

use std::sync::Arc;
use std::time::SystemTime;

use crate::BoxFuture;
use crate::auth::credentials::{
    Clock, Credentials, CredentialsChain, CredentialsError, LazyCachingProvider, ProvideCredentials,
};
use crate::config::env::Env;
use crate::config::profile::ProfileSet;
use crate::providers::container::ContainerCredentialsProvider;
use crate::providers::credential_process::CredentialProcessProvider;
use crate::providers::imds::ImdsCredentialsProvider;
use crate::providers::profile_chain::{self, BaseSource, ChainError, CredentialSource};
use crate::providers::provider_config::ProviderConfig;

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
#[derive(Debug)]
pub struct EnvCredentialsProvider {
    env: Env,
}

impl EnvCredentialsProvider {
    /// Takes the variables from `env` (usually [`Env::real`]). Both key variables unset (or
    /// empty) means "not configured"; only one of them set is a fatal error.
    pub fn new(env: Env) -> Self {
        Self { env }
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        const SOURCE: &str = "environment variables";
        let id = self.env.get_non_empty("AWS_ACCESS_KEY_ID");
        let secret = self.env.get_non_empty("AWS_SECRET_ACCESS_KEY");
        match (id, secret) {
            (Some(id), Some(secret)) => Ok(Credentials::new(
                id,
                secret,
                self.env
                    .get_non_empty("AWS_SESSION_TOKEN")
                    .map(str::to_owned),
                None,
            )),
            (None, None) => Err(CredentialsError::not_loaded(
                SOURCE,
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
            )),
            (Some(_), None) => Err(CredentialsError::failed(
                SOURCE,
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            )),
            (None, Some(_)) => Err(CredentialsError::failed(
                SOURCE,
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
            )),
        }
    }
}

impl ProvideCredentials for EnvCredentialsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move { self.load() })
    }
}

/// The selected profile (`AWS_PROFILE`, else `default`) of the shared files, and the chain
/// of sources it describes: static keys, `credential_process`, `sso_session` or legacy
/// `sso_start_url`, `web_identity_token_file`, or `credential_source`, then each `role_arn`
/// along its `source_profile`s, innermost first. The files are re-read on every call, so a
/// refresh sees edits.
#[derive(Debug)]
pub struct ProfileCredentialsProvider {
    config: ProviderConfig,
}

impl ProfileCredentialsProvider {
    /// Finds the files and the profile through `config`'s environment (`AWS_CONFIG_FILE`,
    /// `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE`) and calls STS, SSO and SSO-OIDC as
    /// `config` says. A missing profile, or one without credential settings, means "not
    /// configured". Fatal errors: a malformed shared file (a file that cannot be read is a
    /// warning and read as empty), a profile named by `AWS_PROFILE` that does not exist, any
    /// invalid setting of the chain (named with its profile), and a failing source.
    pub fn new(config: ProviderConfig) -> Self {
        Self { config }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let env = self.config.env();
        let name = env.profile_name();
        let source = format!("profile {name:?} in the shared config and credentials files");
        let profiles =
            ProfileSet::load(env).map_err(|e| CredentialsError::failed(&source, e.to_string()))?;
        let chain = profile_chain::resolve(&profiles, name).map_err(|error| match error {
            ChainError::NotConfigured(reason) if env.get_non_empty("AWS_PROFILE").is_none() => {
                CredentialsError::not_loaded(&source, reason)
            }
            ChainError::NotConfigured(reason) | ChainError::Invalid(reason) => {
                CredentialsError::failed(&source, reason)
            }
        })?;
        let mut credentials = self
            .base_provider(chain.base)
            .map_err(|reason| CredentialsError::failed(&source, reason))?;
        for role in chain.roles {
            credentials = self
                .assume_role(role, credentials)
                .map_err(|reason| CredentialsError::failed(&source, reason))?;
        }
        // The profile chose its sources: whatever they answer is final, so that a broken
        // profile never silently falls through to other credentials.
        credentials
            .provide_credentials()
            .await
            .map_err(|error| error.into_fatal())
    }

    /// The provider of the innermost credentials.
    fn base_provider(&self, base: BaseSource) -> Result<Arc<dyn ProvideCredentials>, String> {
        let env = self.config.env().clone();
        Ok(match base {
            BaseSource::StaticKeys(credentials) => Arc::new(credentials),
            BaseSource::Process(command) => Arc::new(CredentialProcessProvider::new(command)),
            BaseSource::Named(CredentialSource::Environment) => {
                Arc::new(EnvCredentialsProvider::new(env))
            }
            BaseSource::Named(CredentialSource::Ec2InstanceMetadata) => Arc::new(
                ImdsCredentialsProvider::new(self.http("Ec2InstanceMetadata")?, env),
            ),
            BaseSource::Named(CredentialSource::EcsContainer) => Arc::new(
                ContainerCredentialsProvider::new(self.http("EcsContainer")?, env),
            ),
            #[cfg(feature = "credential-providers")]
            BaseSource::Sso(settings) => Arc::new(
                crate::providers::sso::SsoCredentialsProvider::new(settings, self.config.clone()),
            ),
            #[cfg(feature = "credential-providers")]
            BaseSource::WebIdentity { token_file, role } => Arc::new(
                crate::providers::sts::WebIdentityTokenProvider::from_profile(
                    token_file,
                    role,
                    self.config.clone(),
                ),
            ),
            #[cfg(not(feature = "credential-providers"))]
            BaseSource::Sso(_) => return Err(without_providers("IAM Identity Center (SSO)")),
            #[cfg(not(feature = "credential-providers"))]
            BaseSource::WebIdentity { .. } => return Err(without_providers("web identity")),
        })
    }

    #[cfg(feature = "credential-providers")]
    fn assume_role(
        &self,
        role: profile_chain::RoleSettings,
        source: Arc<dyn ProvideCredentials>,
    ) -> Result<Arc<dyn ProvideCredentials>, String> {
        Ok(Arc::new(crate::providers::sts::AssumeRoleProvider::new(
            role,
            source,
            self.config.clone(),
        )))
    }

    #[cfg(not(feature = "credential-providers"))]
    fn assume_role(
        &self,
        _role: profile_chain::RoleSettings,
        _source: Arc<dyn ProvideCredentials>,
    ) -> Result<Arc<dyn ProvideCredentials>, String> {
        Err(without_providers("assuming a role (role_arn)"))
    }

    fn http(&self, source: &str) -> Result<Arc<dyn crate::http::HttpClient>, String> {
        self.config.http_client().cloned().ok_or_else(|| {
            format!(
                "credential_source {source} needs an HTTP client: enable the default-client \
                 feature or give one to the configuration"
            )
        })
    }
}

/// What a profile source that calls AWS says when the runtime was built without them.
#[cfg(not(feature = "credential-providers"))]
fn without_providers(what: &str) -> String {
    format!("{what} needs the credential-providers feature of leansdk-runtime (on by default)")
}

impl ProvideCredentials for ProfileCredentialsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// A web identity from `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`, when the runtime was
/// built without the providers that call STS: "not configured" while the variables are unset,
/// else an error saying what is missing.
#[cfg(not(feature = "credential-providers"))]
#[derive(Debug)]
struct WebIdentityUnavailable {
    env: Env,
}

#[cfg(not(feature = "credential-providers"))]
impl ProvideCredentials for WebIdentityUnavailable {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        const SOURCE: &str = "web identity (environment)";
        let configured = self
            .env
            .get_non_empty("AWS_WEB_IDENTITY_TOKEN_FILE")
            .is_some();
        Box::pin(async move {
            Err(if configured {
                CredentialsError::failed(SOURCE, without_providers("web identity"))
            } else {
                CredentialsError::not_loaded(SOURCE, "AWS_WEB_IDENTITY_TOKEN_FILE is not set")
            })
        })
    }
}

/// What to do when no source had anything configured.
const NOTHING_CONFIGURED: &str = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, select a \
    profile with credentials (AWS_PROFILE; `aws configure`, or `aws configure sso` and `aws sso \
    login`), or run where a role is provided (ECS, EKS, EC2); or give credentials in code";

/// The chain [`ConfigLoader::load`](crate::providers::ConfigLoader::load) uses when no
/// credentials are set in code, cached: environment keys, web identity from the environment,
/// the selected profile, the container's endpoint, then EC2 instance metadata. It stops at
/// the first source that has credentials or is configured but broken; its error lists every
/// source tried, and says what to set when none was configured.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    inner: LazyCachingProvider<CredentialsChain>,
}

impl DefaultCredentialsChain {
    /// The chain over `config`'s environment, calling STS, SSO, the container endpoint and
    /// IMDS through its HTTP client (without one, the last two are left out).
    pub fn new(config: ProviderConfig) -> Self {
        Self::with_clock(config, Arc::new(SystemTime::now))
    }

    /// Like [`new`](Self::new), with `clock` deciding when cached credentials expire (tests).
    pub fn with_clock(config: ProviderConfig, clock: Clock) -> Self {
        let env = config.env().clone();
        let mut sources: Vec<Box<dyn ProvideCredentials>> =
            vec![Box::new(EnvCredentialsProvider::new(env.clone()))];
        #[cfg(feature = "credential-providers")]
        sources.push(Box::new(
            crate::providers::sts::WebIdentityTokenProvider::from_env(config.clone()),
        ));
        #[cfg(not(feature = "credential-providers"))]
        sources.push(Box::new(WebIdentityUnavailable { env: env.clone() }));
        let http = config.http_client().cloned();
        sources.push(Box::new(ProfileCredentialsProvider::new(config)));
        if let Some(http) = http {
            sources.push(Box::new(ContainerCredentialsProvider::new(
                http.clone(),
                env.clone(),
            )));
            sources.push(Box::new(ImdsCredentialsProvider::new(http, env)));
        }
        Self {
            inner: LazyCachingProvider::new(CredentialsChain::new(sources)).with_clock(clock),
        }
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            self.inner.provide_credentials().await.map_err(|error| {
                if error.is_fatal() {
                    error
                } else {
                    error.with_hint(NOTHING_CONFIGURED)
                }
            })
        })
    }
}
