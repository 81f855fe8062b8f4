//! AWS credentials, the [`ProvideCredentials`] trait every source implements, chains of
//! sources and the cache that refreshes expiring credentials shortly before they expire,
//! loading once for all concurrent callers and within a time limit.
//! The sources that read the environment and profile files live in
//! [`crate::providers`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::{BoxFuture, DateTime};

const REDACTED: &str = "** redacted **";

/// An access key pair, optionally with a session token and an expiry. Cheap to clone (one
/// shared allocation): every call takes a copy from its provider.
#[derive(Clone)]
pub struct Credentials(Arc<Keys>);

struct Keys {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
    /// SHA-256 of the secret key: names the signing keys derived from it
    /// ([`crate::auth::sigv4`] caches them) without another copy of the secret, computed
    /// once rather than on every call.
    secret_digest: [u8; 32],
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
        use sha2::Digest;
        let secret_access_key = secret_access_key.into();
        Self(Arc::new(Keys {
            access_key_id: access_key_id.into(),
            secret_digest: sha2::Sha256::digest(secret_access_key.as_bytes()).into(),
            secret_access_key,
            session_token,
            expiry,
        }))
    }

    /// The access key ID, e.g. `AKIAIOSFODNN7EXAMPLE`. It identifies the key but does not
    /// authorise, which is why `Debug` and `Display` show it and redact the secrets.
    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    /// The secret access key, for signing. Never log or print it; `Debug` and `Display`
    /// redact it.
    pub fn secret_access_key(&self) -> &str {
        &self.0.secret_access_key
    }

    /// The session token of temporary credentials, sent as `x-amz-security-token`; `None`
    /// for long-term keys. As secret as the secret key.
    pub fn session_token(&self) -> Option<&str> {
        self.0.session_token.as_deref()
    }

    /// When the credentials stop working; `None` means they do not expire.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.0.expiry
    }

    /// SHA-256 of the secret key (see [`Keys::secret_digest`]).
    pub(crate) fn secret_digest(&self) -> &[u8; 32] {
        &self.0.secret_digest
    }
}

/// Equal when every part is (the digest follows from the secret).
impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&*self.0, &*other.0);
        Arc::ptr_eq(&self.0, &other.0)
            || (a.access_key_id == b.access_key_id
                && a.secret_access_key == b.secret_access_key
                && a.session_token == b.session_token
                && a.expiry == b.expiry)
    }
}

impl Eq for Credentials {}

/// The access key ID identifies but does not authorise, so it is shown; the rest is not.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.0.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.0.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expiry", &self.0.expiry.map(DateTime::from))
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials({}, secret {REDACTED}", self.0.access_key_id)?;
        if self.0.session_token.is_some() {
            write!(f, ", session token {REDACTED}")?;
        }
        if let Some(expiry) = self.0.expiry {
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

/// No credentials could be loaded. `Display` lists every source tried and why it failed,
/// then what to fix when the chain knows; reasons never include secret values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsError {
    attempts: Vec<SourceAttempt>,
    hint: Option<String>,
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
            hint: None,
        }
    }

    /// This error with `hint` saying what to fix, e.g. which settings would configure a
    /// source.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// This error as a fatal one: a source that was chosen explicitly (by a profile) and
    /// has nothing configured is broken, and a chain must not move past it.
    pub fn into_fatal(mut self) -> Self {
        for attempt in &mut self.attempts {
            attempt.fatal = true;
        }
        self
    }

    /// What to fix, when the source or chain knows.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
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
        if let Some(hint) = &self.hint {
            write!(f, "\nto fix: {hint}")?;
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
            let mut hint = None;
            for provider in &self.providers {
                match provider.provide_credentials().await {
                    Ok(credentials) => return Ok(credentials),
                    Err(error) => {
                        let fatal = error.is_fatal();
                        tried.extend(error.attempts);
                        // The hint of the source that stopped the chain, if it has one.
                        hint = error.hint.or(hint);
                        if fatal {
                            break;
                        }
                    }
                }
            }
            Err(CredentialsError {
                attempts: tried,
                hint,
            })
        })
    }
}

/// Time source for expiry checks; injectable so tests need no sleeping.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Caches another provider's credentials, as the AWS SDKs do.
///
/// - Credentials without an expiry are kept forever; expiring ones are reloaded once the
///   clock is within `refresh_before` of the expiry, so a request is never signed with
///   credentials about to lapse in flight.
/// - Concurrent callers share one load: the first loads, the others wait for it and take
///   its outcome, credentials or error. While cached credentials are due for refresh but
///   unexpired, callers arriving during a refresh get them at once instead of waiting.
/// - A load that takes longer than the load timeout is dropped (a `credential_process`
///   command with it) and fails with an error saying so.
/// - Expired credentials are never returned. A refresh that fails while the cached
///   credentials are still unexpired returns those (logged at debug level); once they have
///   expired, the error is returned. Freshly loaded credentials that have already expired
///   are an error too.
///
/// The load timeout needs a tokio runtime with its timer; called outside any tokio runtime,
/// loads run without one.
pub struct LazyCachingProvider<P> {
    inner: P,
    state: Mutex<CacheState>,
    /// Held across a load, so only one runs at a time.
    loading: tokio::sync::Mutex<()>,
    clock: Clock,
    refresh_before: Duration,
    load_timeout: Duration,
}

#[derive(Default)]
struct CacheState {
    credentials: Option<Credentials>,
    /// Counts finished loads: a caller that waited for one takes its outcome.
    loads: u64,
    /// The error of the last load, when it failed.
    last_error: Option<CredentialsError>,
}

/// What the cache holds, at one moment.
enum Cached {
    /// Usable and not due for refresh.
    Fresh(Credentials),
    /// Unexpired but within the refresh window.
    Expiring(Credentials),
    /// Nothing, or expired.
    Unusable,
}

const CACHE_SOURCE: &str = "credentials cache";

impl<P: ProvideCredentials> LazyCachingProvider<P> {
    /// Five minutes, as the AWS SDKs use.
    pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(300);

    /// Five seconds, aws-sdk-rust's default credentials load timeout.
    pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(5);

    /// Caches `inner`, refreshing [`DEFAULT_REFRESH_BEFORE`](Self::DEFAULT_REFRESH_BEFORE)
    /// before expiry, giving up on a load after
    /// [`DEFAULT_LOAD_TIMEOUT`](Self::DEFAULT_LOAD_TIMEOUT) and reading the system clock.
    /// Nothing is loaded until the first call.
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            state: Mutex::new(CacheState::default()),
            loading: tokio::sync::Mutex::new(()),
            clock: Arc::new(SystemTime::now),
            refresh_before: Self::DEFAULT_REFRESH_BEFORE,
            load_timeout: Self::DEFAULT_LOAD_TIMEOUT,
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

    /// How long one load of the inner provider may take before it is dropped and the call
    /// fails (a fatal [`CredentialsError`] saying it timed out); default
    /// [`DEFAULT_LOAD_TIMEOUT`](Self::DEFAULT_LOAD_TIMEOUT).
    pub fn with_load_timeout(mut self, load_timeout: Duration) -> Self {
        self.load_timeout = load_timeout;
        self
    }

    fn state(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn classify(&self, state: &CacheState, now: SystemTime) -> Cached {
        let Some(credentials) = &state.credentials else {
            return Cached::Unusable;
        };
        match credentials.expiry() {
            None => Cached::Fresh(credentials.clone()),
            Some(expiry) if now >= expiry => Cached::Unusable,
            Some(expiry) => {
                let refresh_at = expiry.checked_sub(self.refresh_before).unwrap_or(expiry);
                if now < refresh_at {
                    Cached::Fresh(credentials.clone())
                } else {
                    Cached::Expiring(credentials.clone())
                }
            }
        }
    }

    /// After a failed load: the cached credentials while they are unexpired, else `error`.
    fn fall_back(
        &self,
        state: &CacheState,
        now: SystemTime,
        error: CredentialsError,
    ) -> Result<Credentials, CredentialsError> {
        match self.classify(state, now) {
            Cached::Fresh(credentials) | Cached::Expiring(credentials) => {
                tracing::debug!(
                    %error,
                    expiry = ?credentials.expiry().map(DateTime::from),
                    "refreshing credentials failed; using the cached ones until they expire"
                );
                Ok(credentials)
            }
            Cached::Unusable => Err(error),
        }
    }

    /// One load of the inner provider, cut off at the load timeout.
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let loading = self.inner.provide_credentials();
        // tokio's timer panics outside a runtime; there the load runs unbounded.
        if tokio::runtime::Handle::try_current().is_err() {
            return loading.await;
        }
        match tokio::time::timeout(self.load_timeout, loading).await {
            Ok(result) => result,
            Err(_elapsed) => Err(CredentialsError::failed(
                CACHE_SOURCE,
                format!(
                    "loading credentials timed out after {:?}",
                    self.load_timeout
                ),
            )),
        }
    }
}

impl<P: ProvideCredentials> ProvideCredentials for LazyCachingProvider<P> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let (loads_seen, expiring) = {
                let state = self.state();
                match self.classify(&state, (self.clock)()) {
                    Cached::Fresh(credentials) => return Ok(credentials),
                    Cached::Expiring(credentials) => (state.loads, Some(credentials)),
                    Cached::Unusable => (state.loads, None),
                }
            };
            let _loading = match (self.loading.try_lock(), expiring) {
                (Ok(guard), _) => guard,
                // Someone is refreshing already, and these still work.
                (Err(_), Some(credentials)) => return Ok(credentials),
                (Err(_), None) => self.loading.lock().await,
            };
            {
                let state = self.state();
                let now = (self.clock)();
                match self.classify(&state, now) {
                    Cached::Fresh(credentials) => return Ok(credentials),
                    // A load finished while this caller waited: its outcome is shared.
                    Cached::Expiring(credentials) if state.loads != loads_seen => {
                        return Ok(credentials);
                    }
                    _ if state.loads != loads_seen => {
                        if let Some(error) = state.last_error.clone() {
                            return self.fall_back(&state, now, error);
                        }
                    }
                    _ => {}
                }
            }
            let result = self.load().await;
            let now = (self.clock)();
            let mut state = self.state();
            state.loads += 1;
            let error = match result {
                Ok(credentials) => match credentials.expiry() {
                    Some(expiry) if now >= expiry => CredentialsError::failed(
                        CACHE_SOURCE,
                        format!(
                            "the credentials loaded expired at {}",
                            DateTime::from(expiry)
                        ),
                    ),
                    _ => {
                        state.credentials = Some(credentials.clone());
                        state.last_error = None;
                        return Ok(credentials);
                    }
                },
                Err(error) => error,
            };
            state.last_error = Some(error.clone());
            self.fall_back(&state, now, error)
        })
    }
}

impl<P: fmt::Debug> fmt::Debug for LazyCachingProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyCachingProvider")
            .field("inner", &self.inner)
            .field("refresh_before", &self.refresh_before)
            .field("load_timeout", &self.load_timeout)
            .finish_non_exhaustive()
    }
}
