//! AWS credentials and where they come from: code, environment variables, the shared
//! profile files (static keys or `credential_process`), behind a cache that refreshes
//! expiring credentials shortly before they expire.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::DateTime;
use crate::env::Env;
use crate::profile::{ProfileSet, Section};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

const REDACTED: &str = "** redacted **";

/// An access key pair, optionally with a session token and an expiry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
}

impl Credentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiry: Option<SystemTime>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiry,
        }
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }
}

/// The access key ID identifies but does not authorise, so it is shown; the rest is not.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expiry", &self.expiry.map(DateTime::from))
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials({}, secret {REDACTED}", self.access_key_id)?;
        if self.session_token.is_some() {
            write!(f, ", session token {REDACTED}")?;
        }
        if let Some(expiry) = self.expiry {
            write!(f, ", expires {}", DateTime::from(expiry))?;
        }
        f.write_str(")")
    }
}

/// A source of credentials. Implementations are cheap to call repeatedly only when wrapped
/// in a [`LazyCachingProvider`].
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

/// Credentials given in code never change.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }
}

/// What happened at one source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceAttempt {
    /// e.g. `environment variables`, `profile "dev" in shared files`.
    pub source: String,
    pub reason: String,
    /// The source is configured but broken; a chain stops here instead of trying the next
    /// source, so a typo never silently switches to other credentials.
    pub fatal: bool,
}

/// No credentials could be loaded. `Display` lists every source tried and why it failed;
/// reasons never include secret values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsError {
    attempts: Vec<SourceAttempt>,
}

impl CredentialsError {
    /// The source has nothing configured; a chain moves on to the next one.
    pub fn not_loaded(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::single(source.into(), reason.into(), false)
    }

    /// The source is configured but failed; a chain stops.
    pub fn failed(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::single(source.into(), reason.into(), true)
    }

    fn single(source: String, reason: String, fatal: bool) -> Self {
        Self {
            attempts: vec![SourceAttempt {
                source,
                reason,
                fatal,
            }],
        }
    }

    pub fn attempts(&self) -> &[SourceAttempt] {
        &self.attempts
    }

    pub fn is_fatal(&self) -> bool {
        self.attempts.iter().any(|a| a.fatal)
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no credentials loaded; tried:")?;
        for attempt in &self.attempts {
            write!(f, "\n  - {}: {}", attempt.source, attempt.reason)?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialsError {}

/// Tries providers in order, moving on only while each reports "not configured".
#[derive(Debug)]
pub struct CredentialsChain {
    providers: Vec<Box<dyn ProvideCredentials>>,
}

impl CredentialsChain {
    pub fn new(providers: Vec<Box<dyn ProvideCredentials>>) -> Self {
        Self { providers }
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let mut tried = Vec::new();
            for provider in &self.providers {
                match provider.provide_credentials().await {
                    Ok(credentials) => return Ok(credentials),
                    Err(error) => {
                        let fatal = error.is_fatal();
                        tried.extend(error.attempts);
                        if fatal {
                            break;
                        }
                    }
                }
            }
            Err(CredentialsError { attempts: tried })
        })
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
#[derive(Debug)]
pub struct EnvCredentialsProvider {
    env: Env,
}

impl EnvCredentialsProvider {
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

/// Time source for expiry checks; injectable so tests need no sleeping.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Caches another provider's credentials. Credentials without an expiry are kept forever;
/// expiring ones are reloaded once the clock is within `refresh_before` of the expiry, so a
/// request is never signed with credentials about to lapse in flight.
pub struct LazyCachingProvider<P> {
    inner: P,
    cached: Mutex<Option<Credentials>>,
    clock: Clock,
    refresh_before: Duration,
}

impl<P: ProvideCredentials> LazyCachingProvider<P> {
    /// Five minutes, as the AWS SDKs use.
    pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(300);

    pub fn new(inner: P) -> Self {
        Self {
            inner,
            cached: Mutex::new(None),
            clock: Arc::new(SystemTime::now),
            refresh_before: Self::DEFAULT_REFRESH_BEFORE,
        }
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_refresh_before(mut self, refresh_before: Duration) -> Self {
        self.refresh_before = refresh_before;
        self
    }

    fn fresh_cached(&self) -> Option<Credentials> {
        let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        let credentials = cached.as_ref()?;
        match credentials.expiry {
            None => Some(credentials.clone()),
            Some(expiry) => {
                let refresh_at = expiry.checked_sub(self.refresh_before).unwrap_or(expiry);
                ((self.clock)() < refresh_at).then(|| credentials.clone())
            }
        }
    }
}

impl<P: ProvideCredentials> ProvideCredentials for LazyCachingProvider<P> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            if let Some(credentials) = self.fresh_cached() {
                return Ok(credentials);
            }
            // Concurrent callers may both reload; that costs a duplicate load but never
            // holds a lock across an await.
            let credentials = self.inner.provide_credentials().await?;
            *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some(credentials.clone());
            Ok(credentials)
        })
    }
}

impl<P: fmt::Debug> fmt::Debug for LazyCachingProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyCachingProvider")
            .field("inner", &self.inner)
            .field("refresh_before", &self.refresh_before)
            .finish_non_exhaustive()
    }
}

/// Environment variables, then the shared profile files, cached.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    inner: LazyCachingProvider<CredentialsChain>,
}

impl DefaultCredentialsChain {
    pub fn new(env: Env) -> Self {
        Self::with_clock(env, Arc::new(SystemTime::now))
    }

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
