//! AWS credentials, the [`ProvideCredentials`] trait every source implements, chains of
//! sources and the cache that refreshes expiring credentials shortly before they expire.
//! The sources that read the environment and profile files live in
//! [`crate::config::credentials`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::{BoxFuture, DateTime};

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
    /// Credentials from an access key pair, with the session token that temporary
    /// credentials (from STS, SSO or `credential_process`) come with, and their expiry.
    /// `expiry: None` means they never expire, so a [`LazyCachingProvider`] keeps them
    /// forever.
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

    /// The access key ID, e.g. `AKIAIOSFODNN7EXAMPLE`. It identifies the key but does not
    /// authorise, which is why `Debug` and `Display` show it and redact the secrets.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key, for signing. Never log or print it; `Debug` and `Display`
    /// redact it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials, sent as `x-amz-security-token`; `None`
    /// for long-term keys. As secret as the secret key.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When the credentials stop working; `None` means they do not expire.
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
    /// Loads credentials, called once per operation (not per attempt). Return
    /// [`CredentialsError::not_loaded`] when this source has nothing configured, so a
    /// [`CredentialsChain`] tries the next one, and [`CredentialsError::failed`] when it is
    /// configured but broken. `Debug` of an implementation must not show secrets.
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
    /// Why the source gave no credentials, e.g. `profile not found`; never a secret value.
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

    /// Every source tried, in order, with why it gave no credentials.
    pub fn attempts(&self) -> &[SourceAttempt] {
        &self.attempts
    }

    /// Whether some source was configured but broken (see [`SourceAttempt::fatal`]), as
    /// opposed to every source having nothing configured.
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
    /// A chain trying `providers` first to last. It stops at the first credentials, or at
    /// the first fatal error; its error lists every source tried.
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

    /// Caches `inner`, refreshing [`DEFAULT_REFRESH_BEFORE`](Self::DEFAULT_REFRESH_BEFORE)
    /// before expiry and reading the system clock. Nothing is loaded until the first call.
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            cached: Mutex::new(None),
            clock: Arc::new(SystemTime::now),
            refresh_before: Self::DEFAULT_REFRESH_BEFORE,
        }
    }

    /// Uses `clock` instead of [`SystemTime::now`] to decide whether the cached credentials
    /// are still fresh (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// How long before their expiry cached credentials are reloaded; default
    /// [`DEFAULT_REFRESH_BEFORE`](Self::DEFAULT_REFRESH_BEFORE).
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
