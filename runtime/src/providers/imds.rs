//! The EC2 instance metadata service (IMDS): a client for its IMDSv2 session-token API and
//! the two things the SDK asks it for, the credentials of the instance's IAM role
//! ([`ImdsCredentialsProvider`]) and the instance's region ([`imds_region`]).
//!
//! As aws-sdk-rust's `aws-config` and botocore do: the endpoint is
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT` (or the profile's `ec2_metadata_service_endpoint`),
//! else chosen by `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` (or the profile's
//! `ec2_metadata_service_endpoint_mode`): `IPv4` (the default, `http://169.254.169.254`) or
//! `IPv6` (`http://[fd00:ec2::254]`). `AWS_EC2_METADATA_DISABLED=true` turns it off. Only
//! IMDSv2 is spoken: a `PUT /latest/api/token` for a session token (six hours, reused until
//! two minutes before it lapses), then `GET`s that carry it. Every request has a 1 s limit
//! and is tried twice at most, so a machine that is not on EC2 finds out within seconds.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::auth::credentials::{Clock, Credentials, CredentialsError, ProvideCredentials};
use crate::config::env::Env;
use crate::config::profile::{ProfileError, ProfileSet, Section};
use crate::config::settings::SharedSettings;
use crate::http::{Headers, HttpClient, HttpRequest, HttpResponse};
use crate::sleep::{Sleep, TokioSleep};
use crate::{BoxFuture, DateTime};

/// The IPv4 endpoint, used unless configured otherwise.
pub const IPV4_ENDPOINT: &str = "http://169.254.169.254";
/// The IPv6 endpoint (`AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`), on Nitro instances.
pub const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";

const ENV_DISABLED: &str = "AWS_EC2_METADATA_DISABLED";
const ENV_ENDPOINT: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const ENV_ENDPOINT_MODE: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
const PROFILE_ENDPOINT: &str = "ec2_metadata_service_endpoint";
const PROFILE_ENDPOINT_MODE: &str = "ec2_metadata_service_endpoint_mode";

const TOKEN_PATH: &str = "/latest/api/token";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
const TOKEN_TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
/// Six hours, the most IMDS grants and what the AWS SDKs ask for.
const TOKEN_TTL: Duration = Duration::from_secs(21_600);
/// A token is fetched again this long before it lapses, as `aws-config` does.
const TOKEN_REFRESH_BUFFER: Duration = Duration::from_secs(120);

const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const REGION_PATH: &str = "/latest/meta-data/placement/region";
const SOURCE: &str = "EC2 instance metadata (IMDS)";

/// What stays as it is in a role name put into the path: IAM allows `\w+=,.@-`.
const ROLE_NAME: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'+')
    .remove(b'=')
    .remove(b',')
    .remove(b'.')
    .remove(b'@')
    .remove(b'-');

/// Why the instance metadata service gave no answer. `Display` never shows a session token
/// or a response body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImdsError {
    /// `AWS_EC2_METADATA_DISABLED` is `true`.
    Disabled,
    /// A setting is malformed (e.g. `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv5`), or a
    /// profile file could not be read; the error names the variable or profile key.
    Config(ProfileError),
    /// Nothing answered at `endpoint`, on every attempt: the connection failed or the time
    /// limit passed. Off EC2 this is what happens.
    Unreachable {
        /// The endpoint tried, e.g. `http://169.254.169.254`.
        endpoint: String,
        /// The last attempt's failure, e.g. `could not connect: connection refused`.
        reason: String,
    },
    /// The service answered `path` with a status other than 2xx (after a 401, once more
    /// with a new token).
    Status {
        /// The path asked for, e.g. `/latest/api/token`.
        path: String,
        /// The HTTP status, e.g. 404.
        status: u16,
    },
    /// The answer to `path` could not be used (not UTF-8, an empty or unsendable token).
    Malformed {
        /// The path asked for.
        path: String,
        /// What is wrong with the answer; never its contents.
        reason: String,
    },
}

impl fmt::Display for ImdsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Disabled => write!(f, "instance metadata is disabled by {ENV_DISABLED}=true"),
            Self::Config(error) => write!(f, "instance metadata settings: {error}"),
            Self::Unreachable { endpoint, reason } => {
                write!(f, "no instance metadata service at {endpoint}: {reason}")
            }
            Self::Status { path, status } => {
                write!(f, "instance metadata answered {path} with HTTP {status}")
            }
            Self::Malformed { path, reason } => {
                write!(
                    f,
                    "instance metadata answer to {path} is malformed: {reason}"
                )
            }
        }
    }
}

impl std::error::Error for ImdsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Config(error) => Some(error),
            _ => None,
        }
    }
}

/// An IMDSv2 client. Clones share the session token.
#[derive(Clone)]
pub struct ImdsClient {
    http: Arc<dyn HttpClient>,
    endpoint: String,
    timeout: Duration,
    max_attempts: u32,
    retry_delay: Duration,
    sleep: Arc<dyn Sleep>,
    clock: Clock,
    token: Arc<Mutex<Option<Token>>>,
}

/// A session token and when to stop using it. No `Debug`: the value is a secret.
struct Token {
    value: String,
    refresh_at: SystemTime,
}

impl ImdsClient {
    /// Time limit on each request, from sending it to reading the whole answer.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);
    /// Tries per request: a connection failure, a timeout or a 5xx is tried once more.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 2;
    /// The wait before trying again.
    pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_millis(100);

    /// A client of the service at `endpoint` (e.g. [`IPV4_ENDPOINT`], or a local server in
    /// tests), sending through `http`. Nothing is sent until the first request.
    pub fn new(http: Arc<dyn HttpClient>, endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        Self {
            http,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            retry_delay: Self::DEFAULT_RETRY_DELAY,
            sleep: Arc::new(TokioSleep),
            clock: Arc::new(SystemTime::now),
            token: Arc::new(Mutex::new(None)),
        }
    }

    /// A client configured by `env` and the profile it selects (the profile files are read
    /// here): `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's
    /// `ec2_metadata_service_endpoint`, then `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` or the
    /// profile's `ec2_metadata_service_endpoint_mode` (`IPv4` or `IPv6`, any case); else
    /// [`IPV4_ENDPOINT`]. [`ImdsError::Disabled`] when `AWS_EC2_METADATA_DISABLED` is `true`,
    /// [`ImdsError::Config`] for a malformed setting or an unreadable profile file.
    pub fn from_env(http: Arc<dyn HttpClient>, env: &Env) -> Result<Self, ImdsError> {
        if is_disabled(env) {
            return Err(ImdsError::Disabled);
        }
        let profiles = ProfileSet::load(env).map_err(ImdsError::Config)?;
        let name = env.profile_name();
        let endpoint = resolve_endpoint(env, profiles.profile(name), name)?;
        Ok(Self::new(http, endpoint))
    }

    /// As [`from_env`](Self::from_env), with the environment and profile files that
    /// `settings` has already read.
    pub fn from_settings(
        http: Arc<dyn HttpClient>,
        settings: &SharedSettings,
    ) -> Result<Self, ImdsError> {
        if is_disabled(settings.env()) {
            return Err(ImdsError::Disabled);
        }
        let endpoint =
            resolve_endpoint(settings.env(), settings.profile(), settings.profile_name())?;
        Ok(Self::new(http, endpoint))
    }

    /// Time limit on each request; default [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Tries per request, at least 1; default
    /// [`DEFAULT_MAX_ATTEMPTS`](Self::DEFAULT_MAX_ATTEMPTS).
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Waits with `sleep` between tries instead of the tokio timer (tests record the waits).
    pub fn with_sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// Uses `clock` instead of [`SystemTime::now`] to decide when the session token lapses.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The endpoint requests go to, without a trailing `/`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The body of `GET path` (e.g. `/latest/meta-data/instance-id`), with a session token
    /// fetched first if none is cached. A 401 (the token was revoked) fetches a new token
    /// and asks once more; any other status but 2xx is [`ImdsError::Status`].
    pub async fn get(&self, path: &str) -> Result<String, ImdsError> {
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        let mut refetched = false;
        loop {
            let token = self.token().await?;
            let response = self.send("GET", &path, Some(&token)).await?;
            if response.status == 401 && !refetched {
                self.forget_token(&token);
                refetched = true;
                continue;
            }
            if !response.is_success() {
                return Err(ImdsError::Status {
                    path,
                    status: response.status,
                });
            }
            return String::from_utf8(response.body).map_err(|_| ImdsError::Malformed {
                path,
                reason: "not UTF-8".to_owned(),
            });
        }
    }

    /// The instance's region (`/latest/meta-data/placement/region`), e.g. `us-east-1`;
    /// `None` on any failure, for a region chain to move on.
    pub async fn region(&self) -> Option<String> {
        let region = self.get(REGION_PATH).await.ok()?;
        let region = region.trim();
        (!region.is_empty()).then(|| region.to_owned())
    }

    async fn token(&self) -> Result<String, ImdsError> {
        let now = (self.clock)();
        if let Some(token) = self.cached_token(now) {
            return Ok(token);
        }
        let response = self.send("PUT", TOKEN_PATH, None).await?;
        let malformed = |reason: &str| ImdsError::Malformed {
            path: TOKEN_PATH.to_owned(),
            reason: reason.to_owned(),
        };
        if !response.is_success() {
            return Err(ImdsError::Status {
                path: TOKEN_PATH.to_owned(),
                status: response.status,
            });
        }
        let ttl = token_ttl(&response.headers);
        let value = String::from_utf8(response.body).map_err(|_| malformed("not UTF-8"))?;
        let value = value.trim();
        if value.is_empty() {
            return Err(malformed("empty token"));
        }
        if !is_header_value(value) {
            return Err(malformed("the token is not a valid header value"));
        }
        let refresh_at = now + ttl.saturating_sub(TOKEN_REFRESH_BUFFER);
        *lock(&self.token) = Some(Token {
            value: value.to_owned(),
            refresh_at,
        });
        Ok(value.to_owned())
    }

    fn cached_token(&self, now: SystemTime) -> Option<String> {
        let cached = lock(&self.token);
        let token = cached.as_ref()?;
        (now < token.refresh_at).then(|| token.value.clone())
    }

    /// Drops the cached token if it is still `rejected` (a concurrent call may have
    /// replaced it already).
    fn forget_token(&self, rejected: &str) {
        let mut cached = lock(&self.token);
        if cached.as_ref().is_some_and(|t| t.value == rejected) {
            *cached = None;
        }
    }

    /// One request, tried again after a connection failure, a timeout or a 5xx. The last
    /// answer is returned whatever its status.
    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
    ) -> Result<HttpResponse, ImdsError> {
        let mut attempt = 1;
        loop {
            let mut headers = Headers::new();
            match token {
                Some(token) => headers.insert(TOKEN_HEADER, token),
                None => headers.insert(TOKEN_TTL_HEADER, TOKEN_TTL.as_secs().to_string()),
            }
            let request = HttpRequest {
                method: method.to_owned(),
                url: format!("{}{path}", self.endpoint),
                headers,
                ..HttpRequest::default()
            };
            let outcome = exchange(self.http.as_ref(), request, self.timeout).await;
            let retry = match &outcome {
                Ok(response) => response.status >= 500,
                Err(_) => true,
            };
            if !retry || attempt >= self.max_attempts {
                return outcome.map_err(|reason| ImdsError::Unreachable {
                    endpoint: self.endpoint.clone(),
                    reason,
                });
            }
            attempt += 1;
            self.sleep.sleep(self.retry_delay).await;
        }
    }
}

/// Shows the settings; never the session token.
impl fmt::Debug for ImdsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsClient")
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("token_cached", &lock(&self.token).is_some())
            .finish_non_exhaustive()
    }
}

/// Credentials of the IAM role attached to the EC2 instance (its instance profile):
/// `GET /latest/meta-data/iam/security-credentials/` for the role's name, then
/// `GET /latest/meta-data/iam/security-credentials/<role>` for temporary credentials with
/// their expiry. Not configured ([`CredentialsError::not_loaded`]) when IMDS is disabled,
/// when nothing answers (not on EC2) or when no role is attached (404); broken
/// ([`CredentialsError::failed`]) for a malformed setting, another error status, a
/// `Code` other than `Success` or a malformed answer. Wrap it in a
/// [`LazyCachingProvider`](crate::auth::credentials::LazyCachingProvider): it asks IMDS on
/// every call.
#[derive(Debug)]
pub struct ImdsCredentialsProvider {
    client: Result<ImdsClient, ImdsError>,
}

impl ImdsCredentialsProvider {
    /// A provider whose client is configured by `env` and its profile, as
    /// [`ImdsClient::from_env`] (the profile files are read here); a configuration error is
    /// reported by each [`provide_credentials`](ProvideCredentials::provide_credentials).
    pub fn new(http: Arc<dyn HttpClient>, env: Env) -> Self {
        Self {
            client: ImdsClient::from_env(http, &env),
        }
    }

    /// A provider asking `client` (shared with other users of IMDS, so they share its
    /// session token).
    pub fn from_client(client: ImdsClient) -> Self {
        Self { client: Ok(client) }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let client = self.client.as_ref().map_err(credentials_error)?;
        let roles = client.get(CREDENTIALS_PATH).await.map_err(|e| match e {
            ImdsError::Status { status: 404, .. } => CredentialsError::not_loaded(
                SOURCE,
                "no IAM role is attached to this instance (HTTP 404 from IMDS)",
            ),
            other => credentials_error(&other),
        })?;
        let Some(role) = first_line(&roles) else {
            return Err(CredentialsError::not_loaded(
                SOURCE,
                "no IAM role is attached to this instance (IMDS listed none)",
            ));
        };
        let path = format!("{CREDENTIALS_PATH}{}", utf8_percent_encode(role, ROLE_NAME));
        let body = client.get(&path).await.map_err(|e| credentials_error(&e))?;
        parse_json_credentials(&body).map_err(|e| {
            CredentialsError::failed(SOURCE, format!("credentials of role {role:?}: {e}"))
        })
    }
}

impl ProvideCredentials for ImdsCredentialsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// The instance's region from IMDS configured by `env` (see [`ImdsClient::from_env`]);
/// `None` when IMDS is disabled, misconfigured, unreachable or gives no region.
pub async fn imds_region(http: Arc<dyn HttpClient>, env: &Env) -> Option<String> {
    ImdsClient::from_env(http, env).ok()?.region().await
}

/// Disabled and unreachable mean "not configured"; the rest is broken.
fn credentials_error(error: &ImdsError) -> CredentialsError {
    match error {
        ImdsError::Disabled | ImdsError::Unreachable { .. } => {
            CredentialsError::not_loaded(SOURCE, error.to_string())
        }
        _ => CredentialsError::failed(SOURCE, error.to_string()),
    }
}

fn is_disabled(env: &Env) -> bool {
    env.get(ENV_DISABLED)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The endpoint from the environment or `profile`, in the order of the AWS SDKs.
fn resolve_endpoint(
    env: &Env,
    profile: Option<&Section>,
    profile_name: &str,
) -> Result<String, ImdsError> {
    let from_profile = |key: &str| {
        profile
            .and_then(|p| p.get(key))
            .map(|v| (format!("profile {profile_name}: {key}"), v))
    };
    let endpoint = env
        .get_non_empty(ENV_ENDPOINT)
        .map(|v| (ENV_ENDPOINT.to_owned(), v))
        .or_else(|| from_profile(PROFILE_ENDPOINT));
    if let Some((source, value)) = endpoint {
        let value = value.trim();
        let scheme = value.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        let host = value.split_once("://").map_or("", |(_, rest)| rest);
        if !matches!(scheme.as_deref(), Some("http" | "https")) || host.is_empty() {
            return Err(invalid(source, value, "an http:// or https:// URL"));
        }
        return Ok(value.trim_end_matches('/').to_owned());
    }
    let mode = env
        .get_non_empty(ENV_ENDPOINT_MODE)
        .map(|v| (ENV_ENDPOINT_MODE.to_owned(), v))
        .or_else(|| from_profile(PROFILE_ENDPOINT_MODE));
    match mode {
        None => Ok(IPV4_ENDPOINT.to_owned()),
        Some((_, value)) if value.trim().eq_ignore_ascii_case("ipv4") => {
            Ok(IPV4_ENDPOINT.to_owned())
        }
        Some((_, value)) if value.trim().eq_ignore_ascii_case("ipv6") => {
            Ok(IPV6_ENDPOINT.to_owned())
        }
        Some((source, value)) => Err(invalid(source, value, "IPv4 or IPv6")),
    }
}

fn invalid(source: String, value: &str, expected: &'static str) -> ImdsError {
    ImdsError::Config(ProfileError::InvalidValue {
        source,
        value: value.to_owned(),
        expected,
    })
}

/// The TTL IMDS granted, else the one asked for.
fn token_ttl(headers: &Headers) -> Duration {
    headers
        .get(TOKEN_TTL_HEADER)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(TOKEN_TTL, Duration::from_secs)
}

/// The role name: the first non-empty line.
fn first_line(body: &str) -> Option<&str> {
    body.lines().map(str::trim).find(|line| !line.is_empty())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether `value` can be sent as an HTTP header value: visible ASCII, spaces and tabs.
pub(crate) fn is_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

/// Sends `request` and reads the whole answer within `timeout`. The error says what went
/// wrong below HTTP, never a header value.
pub(crate) async fn exchange(
    http: &dyn HttpClient,
    request: HttpRequest,
    timeout: Duration,
) -> Result<HttpResponse, String> {
    let exchange = async { http.send(request).await?.collect().await };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err(format!("no answer within {timeout:?}")),
    }
}

/// Why a JSON credentials document could not be used. Never quotes a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum JsonCredentialsError {
    /// Not a JSON object; the reason is serde_json's, which gives a position only.
    NotJson(String),
    /// A required member is missing or not a string.
    Missing(&'static str),
    /// `Expiration` is not an RFC 3339 timestamp.
    Expiration(String),
    /// `Code` is not `Success`.
    Code { code: String, message: String },
}

impl fmt::Display for JsonCredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotJson(reason) => write!(f, "not a JSON object: {reason}"),
            Self::Missing(member) => write!(f, "{member} is missing or not a string"),
            Self::Expiration(reason) => write!(f, "Expiration: {reason}"),
            Self::Code { code, message } if message.is_empty() => {
                write!(f, "the answer's Code is {code:?}, not \"Success\"")
            }
            Self::Code { code, message } => {
                write!(
                    f,
                    "the answer's Code is {code:?}, not \"Success\": {message}"
                )
            }
        }
    }
}

/// Reads the credentials document of IMDS and of the container endpoints: `AccessKeyId`,
/// `SecretAccessKey`, `Token` and `Expiration` (RFC 3339), member names in any case, as
/// `aws-config` reads them; an optional `Code` must be `Success`. Other members
/// (`LastUpdated`, `Type`, `AccountId`, `RoleArn`) are ignored.
pub(crate) fn parse_json_credentials(body: &str) -> Result<Credentials, JsonCredentialsError> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| JsonCredentialsError::NotJson(e.to_string()))?;
    let serde_json::Value::Object(members) = value else {
        return Err(JsonCredentialsError::NotJson(
            "the document is not an object".to_owned(),
        ));
    };
    let member = |name: &str| {
        members
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| value.as_str())
    };
    if let Some(code) = member("Code") {
        if code != "Success" {
            return Err(JsonCredentialsError::Code {
                code: code.to_owned(),
                message: member("Message").unwrap_or_default().to_owned(),
            });
        }
    }
    let required = |name: &'static str| {
        member(name)
            .filter(|v| !v.is_empty())
            .ok_or(JsonCredentialsError::Missing(name))
    };
    let access_key_id = required("AccessKeyId")?;
    let secret_access_key = required("SecretAccessKey")?;
    let token = required("Token")?;
    let expiration = required("Expiration")?;
    let expiry = DateTime::parse_rfc3339(expiration)
        .map_err(|e| e.to_string())
        .and_then(|t| SystemTime::try_from(t).map_err(|e| e.to_string()))
        .map_err(JsonCredentialsError::Expiration)?;
    Ok(Credentials::new(
        access_key_id,
        secret_access_key,
        Some(token.to_owned()),
        Some(expiry),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The endpoint `vars` and a config file holding `config` choose.
    fn endpoint(vars: &[(&str, &str)], config: &str) -> Result<String, ImdsError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static FILES: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "leansdk-imds-{}-{}.config",
            std::process::id(),
            FILES.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, config).unwrap();
        let config_file = path.to_str().unwrap();
        let env = Env::from_vars(
            vars.iter()
                .copied()
                .chain([("AWS_CONFIG_FILE", config_file)]),
        );
        let profiles = ProfileSet::load(&env).unwrap();
        std::fs::remove_file(&path).unwrap();
        let name = env.profile_name().to_owned();
        resolve_endpoint(&env, profiles.profile(&name), &name)
    }

    #[test]
    fn endpoint_precedence() {
        assert_eq!(endpoint(&[], "").unwrap(), IPV4_ENDPOINT);
        assert_eq!(
            endpoint(&[(ENV_ENDPOINT_MODE, "IPv6")], "").unwrap(),
            IPV6_ENDPOINT
        );
        assert_eq!(
            endpoint(&[(ENV_ENDPOINT_MODE, "ipv4")], "").unwrap(),
            IPV4_ENDPOINT
        );
        let config = "[default]\nec2_metadata_service_endpoint_mode = IPv6\n\
                      [profile custom]\nec2_metadata_service_endpoint = http://profile:1/\n\
                      ec2_metadata_service_endpoint_mode = IPv6\n";
        assert_eq!(endpoint(&[], config).unwrap(), IPV6_ENDPOINT);
        // The variable wins over the profile.
        assert_eq!(
            endpoint(&[(ENV_ENDPOINT_MODE, "IPv4")], config).unwrap(),
            IPV4_ENDPOINT
        );
        // An endpoint (even the profile's) wins over any mode.
        assert_eq!(
            endpoint(
                &[("AWS_PROFILE", "custom"), (ENV_ENDPOINT_MODE, "IPv4")],
                config
            )
            .unwrap(),
            "http://profile:1"
        );
        assert_eq!(
            endpoint(
                &[("AWS_PROFILE", "custom"), (ENV_ENDPOINT, "https://env:2")],
                config
            )
            .unwrap(),
            "https://env:2"
        );
    }

    #[test]
    fn malformed_settings_name_their_source() {
        let error = endpoint(&[(ENV_ENDPOINT_MODE, "IPv5")], "").unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains(ENV_ENDPOINT_MODE) && text.contains("IPv5"),
            "{text}"
        );
        let error = endpoint(
            &[],
            "[default]\nec2_metadata_service_endpoint_mode = dual\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("profile default: ec2_metadata_service_endpoint_mode"),
            "{error}"
        );
        for bad in ["169.254.169.254", "ftp://x", "http://"] {
            let error = endpoint(&[(ENV_ENDPOINT, bad)], "")
                .unwrap_err()
                .to_string();
            assert!(error.contains(ENV_ENDPOINT), "{error}");
        }
    }

    #[test]
    fn disabled_only_by_true() {
        assert!(is_disabled(&Env::from_vars([(ENV_DISABLED, "TRUE")])));
        assert!(!is_disabled(&Env::from_vars([(ENV_DISABLED, "false")])));
        assert!(!is_disabled(&Env::from_vars([(ENV_DISABLED, "1")])));
        assert!(!is_disabled(&Env::default()));
    }

    #[test]
    fn token_ttl_from_the_answer() {
        let mut headers = Headers::new();
        assert_eq!(token_ttl(&headers), TOKEN_TTL);
        headers.insert(TOKEN_TTL_HEADER, "300");
        assert_eq!(token_ttl(&headers), Duration::from_secs(300));
        headers.insert(TOKEN_TTL_HEADER, "soon");
        assert_eq!(token_ttl(&headers), TOKEN_TTL);
    }

    #[test]
    fn role_name_is_the_first_line() {
        assert_eq!(first_line("my-role\nother\n"), Some("my-role"));
        assert_eq!(first_line("\n  r@1 \r\n"), Some("r@1"));
        assert_eq!(first_line(" \n"), None);
        assert_eq!(
            utf8_percent_encode("a+b=c,d.e@f-g_h", ROLE_NAME).to_string(),
            "a+b=c,d.e@f-g_h"
        );
        assert_eq!(
            utf8_percent_encode("a/b?c", ROLE_NAME).to_string(),
            "a%2Fb%3Fc"
        );
    }

    const DOCUMENT: &str = r#"{
        "Code" : "Success",
        "LastUpdated" : "2024-05-01T10:00:00Z",
        "Type" : "AWS-HMAC",
        "AccessKeyId" : "ASIAEXAMPLE",
        "SecretAccessKey" : "SECRETEXAMPLE",
        "Token" : "TOKENEXAMPLE",
        "Expiration" : "2024-05-01T16:00:00Z"
    }"#;

    #[test]
    fn parses_credentials() {
        let credentials = parse_json_credentials(DOCUMENT).unwrap();
        assert_eq!(credentials.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(credentials.secret_access_key(), "SECRETEXAMPLE");
        assert_eq!(credentials.session_token(), Some("TOKENEXAMPLE"));
        let expiry = DateTime::parse_rfc3339("2024-05-01T16:00:00Z").unwrap();
        assert_eq!(
            credentials.expiry(),
            Some(SystemTime::try_from(expiry).unwrap())
        );
        // No Code (the container endpoints), names in another case, an AccountId.
        let container = r#"{"accessKeyId":"A","secretAccessKey":"S","token":"T",
            "expiration":"2030-01-01T00:00:00.5+01:00","AccountId":"123456789012"}"#;
        let credentials = parse_json_credentials(container).unwrap();
        assert_eq!(credentials.access_key_id(), "A");
        assert!(credentials.expiry().is_some());
    }

    #[test]
    fn rejects_documents_without_quoting_secrets() {
        let cases = [
            ("{\"AccessKeyId\": \"SECRETEXAMPLE", "not a JSON object"),
            ("[\"SECRETEXAMPLE\"]", "not a JSON object"),
            (
                r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"cannot assume","SecretAccessKey":"SECRETEXAMPLE"}"#,
                "AssumeRoleUnauthorizedAccess",
            ),
            (
                r#"{"AccessKeyId":"A","SecretAccessKey":"SECRETEXAMPLE","Expiration":"2030-01-01T00:00:00Z"}"#,
                "Token is missing",
            ),
            (
                r#"{"AccessKeyId":"A","SecretAccessKey":"SECRETEXAMPLE","Token":7,"Expiration":"2030-01-01T00:00:00Z"}"#,
                "Token is missing",
            ),
            (
                r#"{"AccessKeyId":"A","SecretAccessKey":"SECRETEXAMPLE","Token":"T","Expiration":"tomorrow"}"#,
                "Expiration",
            ),
        ];
        for (body, expected) in cases {
            let error = parse_json_credentials(body).unwrap_err().to_string();
            assert!(error.contains(expected), "{body}: {error}");
            assert!(!error.contains("SECRETEXAMPLE"), "{error}");
        }
    }

    #[test]
    fn header_values() {
        assert!(is_header_value("Bearer abc/+= x\t"));
        assert!(!is_header_value("abc\ndef"));
        assert!(!is_header_value("abc\rdef"));
        assert!(!is_header_value("caf\u{e9}"));
    }

    #[test]
    fn errors_never_show_more_than_the_status() {
        let error = ImdsError::Status {
            path: TOKEN_PATH.to_owned(),
            status: 403,
        };
        assert_eq!(
            error.to_string(),
            "instance metadata answered /latest/api/token with HTTP 403"
        );
    }
}
