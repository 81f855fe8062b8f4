//! IAM Identity Center (SSO) credentials: the access token `aws sso login` left in
//! `~/.aws/sso/cache/`, refreshed through SSO-OIDC `CreateToken` when the profile names an
//! `sso_session`, exchanged for a role's credentials with SSO `GetRoleCredentials`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::BoxFuture;
use crate::DateTime;
use crate::auth::credentials::{Credentials, CredentialsError, ProvideCredentials};
use crate::error::SdkError;
pub use crate::providers::profile_chain::SsoSettings;
use crate::providers::provider_config::ProviderConfig;
use crate::providers::sts::temporary_credentials;
use crate::services::{sso, sso_oidc};

/// A token this close to its expiry is refreshed first, as the AWS CLI and SDKs do.
const REFRESH_WINDOW: Duration = Duration::from_secs(300);

/// Token cache files are small JSON documents; anything larger is not one.
const MAX_CACHE_FILE: u64 = 1024 * 1024;

/// Credentials of an IAM Identity Center account role (`sso_session` or legacy
/// `sso_start_url` profiles).
#[derive(Debug)]
pub struct SsoCredentialsProvider {
    settings: SsoSettings,
    config: ProviderConfig,
}

impl SsoCredentialsProvider {
    /// The role of `settings`, calling SSO and SSO-OIDC as `config` says.
    pub fn new(settings: SsoSettings, config: ProviderConfig) -> Self {
        Self { settings, config }
    }

    fn source(&self) -> String {
        format!(
            "IAM Identity Center role {} in account {} (profile {:?})",
            self.settings.role_name, self.settings.account_id, self.settings.profile
        )
    }

    /// What to tell a user whose token is missing or unusable.
    fn login_hint(&self) -> String {
        format!("run `aws sso login --profile {}`", self.settings.profile)
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let source = self.source();
        let token = self
            .access_token()
            .await
            .map_err(|reason| CredentialsError::failed(&source, reason))?;
        let client =
            sso::Client::new(&self.config.client_config(Some(&self.settings.region), None));
        let output = client
            .get_role_credentials()
            .role_name(&self.settings.role_name)
            .account_id(&self.settings.account_id)
            .access_token(token)
            .send()
            .await
            .map_err(|error| {
                let expired = matches!(
                    error.as_service_error(),
                    Some(sso::operation::get_role_credentials::GetRoleCredentialsError::UnauthorizedException(_))
                );
                let hint = if expired {
                    format!(" (the session has expired or was revoked: {})", self.login_hint())
                } else {
                    String::new()
                };
                CredentialsError::failed(&source, format!("SSO: {error}{hint}"))
            })?;
        let credentials = output
            .role_credentials
            .ok_or_else(|| CredentialsError::failed(&source, "SSO answered without credentials"))?;
        let expiry = u64::try_from(credentials.expiration)
            .ok()
            .map(|millis| SystemTime::UNIX_EPOCH + Duration::from_millis(millis))
            .ok_or_else(|| CredentialsError::failed(&source, "SSO answered a negative expiry"))?;
        temporary_credentials(
            &source,
            credentials.access_key_id.unwrap_or_default(),
            credentials.secret_access_key.unwrap_or_default(),
            credentials.session_token.unwrap_or_default(),
            expiry,
        )
    }

    /// The cache file of the session (`sso_session`) or the start URL (legacy).
    fn cache_file(&self) -> Result<PathBuf, String> {
        let home = self
            .config
            .env()
            .home_dir()
            .ok_or("no home directory to find ~/.aws/sso/cache in")?;
        let key = self
            .settings
            .session
            .as_deref()
            .unwrap_or(&self.settings.start_url);
        Ok(home
            .join(".aws/sso/cache")
            .join(format!("{}.json", crate::sha1::hex_digest(key.as_bytes()))))
    }

    /// A usable access token: the cached one, refreshed (and written back) first when it is
    /// about to expire and the session can be refreshed.
    async fn access_token(&self) -> Result<String, String> {
        let path = self.cache_file()?;
        let mut cached = CachedToken::read(&path)
            .await
            .map_err(|reason| format!("{reason}: {}", self.login_hint()))?;
        let now = SystemTime::now();
        let fresh = cached.expires_at > now + REFRESH_WINDOW;
        if fresh || self.settings.session.is_none() {
            return if cached.expires_at > now {
                Ok(cached.access_token)
            } else {
                Err(format!(
                    "the SSO token in {} expired at {}: {}",
                    path.display(),
                    DateTime::from(cached.expires_at).to_rfc3339(),
                    self.login_hint()
                ))
            };
        }
        match self.refresh(&mut cached).await {
            Ok(()) => {
                if let Err(error) = cached.write(&path).await {
                    // The new token works either way; the next process refreshes again.
                    tracing::debug!(path = %path.display(), %error, "could not update the SSO token cache");
                }
                Ok(cached.access_token)
            }
            Err(reason) if cached.expires_at > now => {
                tracing::debug!(%reason, "SSO token refresh failed; the token has not expired yet");
                Ok(cached.access_token)
            }
            Err(reason) => Err(format!(
                "the SSO token in {} has expired and could not be refreshed ({reason}): {}",
                path.display(),
                self.login_hint()
            )),
        }
    }

    /// SSO-OIDC `CreateToken` with the cached refresh token and client registration.
    async fn refresh(&self, cached: &mut CachedToken) -> Result<(), String> {
        let (Some(refresh_token), Some(client_id), Some(client_secret)) = (
            cached.refresh_token.clone(),
            cached.field("clientId"),
            cached.field("clientSecret"),
        ) else {
            return Err("the cache holds no refresh token and client registration".to_owned());
        };
        if let Some(expiry) = cached.field("registrationExpiresAt") {
            let registration = DateTime::parse_rfc3339(&expiry)
                .ok()
                .and_then(|t| SystemTime::try_from(t).ok());
            if registration.is_none_or(|expiry| expiry <= SystemTime::now()) {
                return Err("the client registration has expired".to_owned());
            }
        }
        let client =
            sso_oidc::Client::new(&self.config.client_config(Some(&self.settings.region), None));
        let output = client
            .create_token()
            .client_id(client_id)
            .client_secret(client_secret)
            .grant_type("refresh_token")
            .refresh_token(refresh_token)
            .send()
            .await
            .map_err(|error: SdkError<_>| format!("SSO-OIDC: {error}"))?;
        let access_token = output
            .access_token
            .filter(|t| !t.is_empty())
            .ok_or("SSO-OIDC answered without an access token")?;
        let lifetime = u64::try_from(output.expires_in)
            .ok()
            .filter(|&secs| secs > 0)
            .ok_or("SSO-OIDC answered without a lifetime")?;
        cached.access_token = access_token;
        cached.expires_at = SystemTime::now() + Duration::from_secs(lifetime);
        if let Some(refresh_token) = output.refresh_token.filter(|t| !t.is_empty()) {
            cached.refresh_token = Some(refresh_token);
        }
        Ok(())
    }
}

impl ProvideCredentials for SsoCredentialsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// A token cache file: its JSON, kept whole so that a write-back changes only the token.
struct CachedToken {
    json: serde_json::Map<String, serde_json::Value>,
    access_token: String,
    expires_at: SystemTime,
    refresh_token: Option<String>,
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedToken")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl CachedToken {
    /// Errors name the file and what is wrong with it, never its values.
    async fn read(path: &std::path::Path) -> Result<Self, String> {
        let shown = path.display();
        let metadata = tokio::fs::metadata(path)
            .await
            .map_err(|e| format!("no SSO token at {shown} ({e})"))?;
        if metadata.len() > MAX_CACHE_FILE {
            return Err(format!("{shown} is too large to be an SSO token"));
        }
        let text = tokio::fs::read(path)
            .await
            .map_err(|e| format!("cannot read the SSO token at {shown}: {e}"))?;
        let json: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&text).map_err(|_| format!("{shown} is not a JSON object"))?;
        let text_field = |name: &str| json.get(name).and_then(serde_json::Value::as_str);
        let access_token = text_field("accessToken")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| format!("{shown} has no accessToken"))?
            .to_owned();
        let expires_at = text_field("expiresAt")
            .and_then(|t| DateTime::parse_rfc3339(t).ok())
            .and_then(|t| SystemTime::try_from(t).ok())
            .ok_or_else(|| format!("{shown} has no valid expiresAt"))?;
        let refresh_token = text_field("refreshToken").map(str::to_owned);
        Ok(Self {
            json,
            access_token,
            expires_at,
            refresh_token,
        })
    }

    fn field(&self, name: &str) -> Option<String> {
        self.json
            .get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Writes the file back with the new token, through a temporary file renamed over it so
    /// that a concurrent reader never sees half a file.
    async fn write(&mut self, path: &std::path::Path) -> std::io::Result<()> {
        self.json.insert(
            "accessToken".to_owned(),
            serde_json::Value::String(self.access_token.clone()),
        );
        self.json.insert(
            "expiresAt".to_owned(),
            serde_json::Value::String(DateTime::from(self.expires_at).to_rfc3339()),
        );
        if let Some(refresh_token) = &self.refresh_token {
            self.json.insert(
                "refreshToken".to_owned(),
                serde_json::Value::String(refresh_token.clone()),
            );
        }
        let text = serde_json::to_vec_pretty(&self.json).map_err(std::io::Error::other)?;
        let temporary = path.with_extension(format!("json.{}.tmp", std::process::id()));
        tokio::fs::write(&temporary, text).await?;
        tokio::fs::rename(&temporary, path).await
    }
}
