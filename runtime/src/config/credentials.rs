//! The credential sources of the default chain: environment variables and the shared
//! profile files (static keys or `credential_process`), tried in that order and cached.

use std::process::Command;
use std::sync::Arc;
use std::time::SystemTime;

use crate::BoxFuture;
use crate::DateTime;
use crate::auth::credentials::{
    Clock, Credentials, CredentialsChain, CredentialsError, LazyCachingProvider, ProvideCredentials,
};
use crate::config::env::Env;
use crate::config::profile::{ProfileSet, Section};

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

/// The selected profile (`AWS_PROFILE`, else `default`) of the shared files: static keys,
/// else `credential_process`. Files are re-read on every call so a refresh sees edits.
#[derive(Debug)]
pub struct ProfileCredentialsProvider {
    env: Env,
}

/// Profile keys for credential sources this runtime does not implement. Failing loudly is
/// better than silently using other credentials than the user configured.
const UNSUPPORTED_SOURCES: &[(&str, &str)] = &[
    ("role_arn", "assuming a role (role_arn)"),
    ("sso_session", "IAM Identity Center (sso_session)"),
    ("sso_start_url", "IAM Identity Center (sso_start_url)"),
    (
        "web_identity_token_file",
        "web identity (web_identity_token_file)",
    ),
];

impl ProfileCredentialsProvider {
    /// Finds the files and the profile through `env` (`AWS_CONFIG_FILE`,
    /// `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE`). A missing profile, or one with neither
    /// keys nor `credential_process`, means "not configured". Fatal errors: an unreadable
    /// file, a profile named by `AWS_PROFILE` that does not exist, half a key pair, a failing
    /// `credential_process`, and role, SSO or web-identity settings (not supported).
    pub fn new(env: Env) -> Self {
        Self { env }
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let name = self.env.profile_name();
        let source = format!("profile {name:?} in shared config/credentials files");
        let profiles = ProfileSet::load(&self.env)
            .map_err(|e| CredentialsError::failed(&source, e.to_string()))?;
        let Some(profile) = profiles.profile(name) else {
            let reason = "profile not found";
            return Err(if self.env.get_non_empty("AWS_PROFILE").is_some() {
                CredentialsError::failed(source, reason)
            } else {
                CredentialsError::not_loaded(source, reason)
            });
        };
        if let Some((_, what)) = UNSUPPORTED_SOURCES
            .iter()
            .find(|(key, _)| profile.get(key).is_some())
        {
            return Err(CredentialsError::failed(
                source,
                format!("{what} is not supported by leansdk"),
            ));
        }
        if let Some(credentials) =
            static_keys(profile).map_err(|e| CredentialsError::failed(&source, e))?
        {
            return Ok(credentials);
        }
        match profile.get("credential_process") {
            Some(command) => run_credential_process(command)
                .map_err(|e| CredentialsError::failed(format!("{source}: credential_process"), e)),
            None => Err(CredentialsError::not_loaded(
                source,
                "no aws_access_key_id/aws_secret_access_key or credential_process",
            )),
        }
    }
}

impl ProvideCredentials for ProfileCredentialsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move { self.load() })
    }
}

fn static_keys(profile: &Section) -> Result<Option<Credentials>, String> {
    let id = profile.get("aws_access_key_id");
    let secret = profile.get("aws_secret_access_key");
    match (id, secret) {
        (Some(id), Some(secret)) => Ok(Some(Credentials::new(
            id,
            secret,
            profile.get("aws_session_token").map(str::to_owned),
            None,
        ))),
        (None, None) => Ok(None),
        (Some(_), None) => Err("aws_access_key_id is set but aws_secret_access_key is not".into()),
        (None, Some(_)) => Err("aws_secret_access_key is set but aws_access_key_id is not".into()),
    }
}

/// Runs the command through the platform shell, as the AWS CLI does, and reads the
/// version-1 JSON it prints. Runs synchronously: it is called rarely thanks to the cache.
fn run_credential_process(command: &str) -> Result<Credentials, String> {
    let mut shell = if cfg!(windows) {
        let mut c = Command::new("cmd.exe");
        c.arg("/C");
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c");
        c
    };
    let output = shell
        .arg(command)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("could not start: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stderr: String = stderr.trim().chars().take(200).collect();
        return Err(format!("exited with {}: {stderr}", output.status));
    }
    parse_process_output(&output.stdout)
}

/// The `credential_process` output format (Version 1).
fn parse_process_output(stdout: &[u8]) -> Result<Credentials, String> {
    // Parse errors from serde_json may quote the input, which holds the secret, so the
    // message is generic.
    let json: serde_json::Value =
        serde_json::from_slice(stdout).map_err(|_| "output is not a JSON object".to_owned())?;
    let field = |name: &str| json.get(name).and_then(serde_json::Value::as_str);
    if json.get("Version").and_then(serde_json::Value::as_u64) != Some(1) {
        return Err("output must have \"Version\": 1".into());
    }
    let id = field("AccessKeyId").ok_or("output has no AccessKeyId string")?;
    let secret = field("SecretAccessKey").ok_or("output has no SecretAccessKey string")?;
    let expiry = field("Expiration")
        .map(|text| {
            DateTime::parse_rfc3339(text)
                .map_err(|e| e.to_string())
                .and_then(|t| SystemTime::try_from(t).map_err(|e| e.to_string()))
        })
        .transpose()?;
    Ok(Credentials::new(
        id,
        secret,
        field("SessionToken").map(str::to_owned),
        expiry,
    ))
}

/// Environment variables, then the shared profile files, cached.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    inner: LazyCachingProvider<CredentialsChain>,
}

impl DefaultCredentialsChain {
    /// The chain [`ConfigLoader::load`](crate::config::ConfigLoader::load) uses when no
    /// credentials are set in code, reading `env` (usually [`Env::real`]).
    pub fn new(env: Env) -> Self {
        Self::with_clock(env, Arc::new(SystemTime::now))
    }

    /// Like [`new`](Self::new), with `clock` deciding when cached credentials expire (tests).
    pub fn with_clock(env: Env, clock: Clock) -> Self {
        let chain = CredentialsChain::new(vec![
            Box::new(EnvCredentialsProvider::new(env.clone())),
            Box::new(ProfileCredentialsProvider::new(env)),
        ]);
        Self {
            inner: LazyCachingProvider::new(chain).with_clock(clock),
        }
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.inner.provide_credentials()
    }
}
