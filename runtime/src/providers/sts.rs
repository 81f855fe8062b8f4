//! The credential providers that call STS: a role assumed with other credentials
//! (`role_arn` profiles) and a role assumed with a web identity token (EKS service
//! accounts: `AWS_WEB_IDENTITY_TOKEN_FILE`, or a profile's `web_identity_token_file`).

use std::sync::Arc;
use std::time::SystemTime;

use crate::BoxFuture;
use crate::auth::credentials::{Credentials, CredentialsError, ProvideCredentials};
use crate::error::{ProvideErrorMetadata, SdkError};
pub use crate::providers::profile_chain::RoleSettings;
use crate::providers::provider_config::ProviderConfig;
use crate::services::sts;

/// Assumes a role with the credentials of `source` (static keys, another role, a metadata
/// service): STS `AssumeRole`, signed for the configured region.
#[derive(Debug)]
pub struct AssumeRoleProvider {
    role: RoleSettings,
    source: Arc<dyn ProvideCredentials>,
    config: ProviderConfig,
}

impl AssumeRoleProvider {
    /// Assumes `role` with `source`'s credentials, calling STS as `config` says.
    pub fn new(
        role: RoleSettings,
        source: Arc<dyn ProvideCredentials>,
        config: ProviderConfig,
    ) -> Self {
        Self {
            role,
            source,
            config,
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let source = format!("assume role {}", self.role.role_arn);
        let client = sts::Client::new(
            &self
                .config
                .client_config(None, Some(Arc::clone(&self.source))),
        );
        let output = client
            .assume_role()
            .role_arn(&self.role.role_arn)
            .role_session_name(
                self.role
                    .session_name
                    .clone()
                    .unwrap_or_else(default_session_name),
            )
            .set_external_id(self.role.external_id.clone())
            .set_duration_seconds(self.role.duration_seconds)
            .send()
            .await
            .map_err(|error| sts_error(&source, error))?;
        credentials_of(&source, output.credentials)
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// Where a web identity's token and role come from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum WebIdentitySource {
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`.
    Environment,
    /// A profile's `web_identity_token_file` and `role_arn`.
    Profile {
        token_file: String,
        role: RoleSettings,
    },
}

/// How often `AssumeRoleWithWebIdentity` is tried when STS cannot reach the identity
/// provider (`IDPCommunicationError`), which aws-config and botocore retry too.
const IDP_ATTEMPTS: usize = 3;

/// Assumes a role with a web identity token (OIDC): STS `AssumeRoleWithWebIdentity`, sent
/// unsigned. The token file is read again on every load, as the token is rotated there.
#[derive(Debug)]
pub struct WebIdentityTokenProvider {
    source: WebIdentitySource,
    config: ProviderConfig,
}

impl WebIdentityTokenProvider {
    /// From `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` (and `AWS_ROLE_SESSION_NAME`),
    /// trimmed, blank meaning unset. Neither set: not configured; one without the other:
    /// an error naming the missing one.
    pub fn from_env(config: ProviderConfig) -> Self {
        Self {
            source: WebIdentitySource::Environment,
            config,
        }
    }

    /// From a profile's `web_identity_token_file` and role settings.
    pub fn from_profile(token_file: String, role: RoleSettings, config: ProviderConfig) -> Self {
        Self {
            source: WebIdentitySource::Profile { token_file, role },
            config,
        }
    }

    /// The token file and role to use, or why there are none.
    fn settings(&self) -> Result<(String, RoleSettings, String), CredentialsError> {
        match &self.source {
            WebIdentitySource::Profile { token_file, role } => Ok((
                token_file.clone(),
                role.clone(),
                format!("web identity token file {token_file} (profile)"),
            )),
            WebIdentitySource::Environment => {
                const SOURCE: &str = "web identity (environment)";
                let env = self.config.env();
                let file = env.get_non_empty("AWS_WEB_IDENTITY_TOKEN_FILE");
                let role_arn = env.get_non_empty("AWS_ROLE_ARN");
                match (file, role_arn) {
                    (Some(file), Some(role_arn)) => Ok((
                        file.to_owned(),
                        RoleSettings {
                            role_arn: role_arn.to_owned(),
                            session_name: env
                                .get_non_empty("AWS_ROLE_SESSION_NAME")
                                .map(str::to_owned),
                            external_id: None,
                            duration_seconds: None,
                        },
                        format!("web identity token file {file} (AWS_WEB_IDENTITY_TOKEN_FILE)"),
                    )),
                    (None, None) => Err(CredentialsError::not_loaded(
                        SOURCE,
                        "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set",
                    )),
                    (Some(_), None) => Err(CredentialsError::failed(
                        SOURCE,
                        "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
                    )),
                    (None, Some(_)) => Err(CredentialsError::failed(
                        SOURCE,
                        "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not",
                    )),
                }
            }
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let (token_file, role, source) = self.settings()?;
        let token = tokio::fs::read_to_string(&token_file).await.map_err(|e| {
            CredentialsError::failed(&source, format!("cannot read the token: {e}"))
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialsError::failed(&source, "the token file is empty"));
        }
        let client = sts::Client::new(&self.config.client_config(None, None));
        let session_name = role
            .session_name
            .clone()
            .unwrap_or_else(default_session_name);
        let mut attempt = 1;
        let output = loop {
            let sent = client
                .assume_role_with_web_identity()
                .role_arn(&role.role_arn)
                .role_session_name(&session_name)
                .web_identity_token(token)
                .set_duration_seconds(role.duration_seconds)
                .send()
                .await;
            match sent {
                Err(SdkError::Service(error))
                    if attempt < IDP_ATTEMPTS
                        && error.err().meta().code() == Some("IDPCommunicationError") =>
                {
                    attempt += 1;
                }
                sent => break sent.map_err(|error| sts_error(&source, error))?,
            }
        };
        credentials_of(&source, output.credentials)
    }
}

impl ProvideCredentials for WebIdentityTokenProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// STS failed: the error's code, message and request ID (never a secret: the token and
/// keys are `@sensitive` or never echoed).
fn sts_error<E: ProvideErrorMetadata>(source: &str, error: SdkError<E>) -> CredentialsError {
    CredentialsError::failed(source, format!("STS: {error}"))
}

/// The credentials of an STS answer, with their expiry.
fn credentials_of(
    source: &str,
    credentials: Option<sts::types::Credentials>,
) -> Result<Credentials, CredentialsError> {
    let credentials = credentials
        .ok_or_else(|| CredentialsError::failed(source, "STS answered without credentials"))?;
    let expiry = SystemTime::try_from(credentials.expiration).map_err(|e| {
        CredentialsError::failed(source, format!("STS answered an unusable expiry: {e}"))
    })?;
    temporary_credentials(
        source,
        credentials.access_key_id,
        credentials.secret_access_key,
        credentials.session_token,
        expiry,
    )
}

/// Temporary credentials from an STS or SSO answer; `source` names the provider in errors.
pub(crate) fn temporary_credentials(
    source: &str,
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiry: SystemTime,
) -> Result<Credentials, CredentialsError> {
    let missing =
        |what: &str| CredentialsError::failed(source, format!("the answer has no {what}"));
    if access_key_id.is_empty() {
        return Err(missing("access key ID"));
    }
    if secret_access_key.is_empty() {
        return Err(missing("secret access key"));
    }
    if session_token.is_empty() {
        return Err(missing("session token"));
    }
    Ok(Credentials::new(
        access_key_id,
        secret_access_key,
        Some(session_token),
        Some(expiry),
    ))
}

/// A valid role session name (`[\w+=,.@-]{2,64}`) for sessions nobody named:
/// `leansdk-rust-<milliseconds since the epoch>`, unique as the AWS SDKs make theirs.
fn default_session_name() -> String {
    let millis = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis());
    format!("leansdk-rust-{millis}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_session_names_are_valid() {
        let name = default_session_name();
        assert!((2..=64).contains(&name.len()), "{name}");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c)),
            "{name}"
        );
    }

    #[test]
    fn empty_answers_are_errors_naming_what_is_missing() {
        let error = temporary_credentials(
            "s",
            "id".into(),
            String::new(),
            "t".into(),
            SystemTime::now(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("secret access key"), "{error}");
        assert!(error.is_fatal());
    }
}
