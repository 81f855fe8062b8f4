//! Credentials from a container's credentials endpoint: ECS tasks, Fargate, and EKS Pod
//! Identity, as aws-sdk-rust's `aws-config` and botocore read them.
//!
//! `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (a path on `http://169.254.170.2`, set by ECS)
//! wins over `AWS_CONTAINER_CREDENTIALS_FULL_URI` (any URL: over plain `http` only to a
//! loopback address, `169.254.170.2`, `169.254.170.23` or `fd00:ec2::23`; over `https` to any
//! host). The `Authorization` header is the contents of the file named by
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every call: EKS rotates it), else
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use crate::BoxFuture;
use crate::auth::credentials::{Credentials, CredentialsError, ProvideCredentials};
use crate::config::env::Env;
use crate::http::{Headers, HttpClient, HttpRequest, HttpResponse};
use crate::providers::imds::{exchange, is_header_value, parse_json_credentials};
use crate::sleep::{Sleep, TokioSleep};

const ENV_RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const ENV_FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const ENV_TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const ENV_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const SOURCE: &str = "container credentials endpoint (ECS, EKS Pod Identity)";

/// The ECS credentials endpoint.
const ECS_HOST: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 2);
/// The EKS Pod Identity agent, IPv4.
const EKS_HOST: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 23);
/// The EKS Pod Identity agent, IPv6.
const EKS_HOST_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23);

/// Credentials from the container credentials endpoint (ECS, Fargate, EKS Pod Identity).
/// Not configured ([`CredentialsError::not_loaded`]) when neither
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` nor `AWS_CONTAINER_CREDENTIALS_FULL_URI` is set;
/// every other failure is fatal ([`CredentialsError::failed`]): a full URI to a host that
/// is not allowed (never contacted), an unreadable token file, a token that is not a valid
/// header value, an error status (with the endpoint's `code` and `message`), no answer
/// after every attempt, or a malformed document. The URI's query string is sent as given.
/// Wrap it in a [`LazyCachingProvider`](crate::auth::credentials::LazyCachingProvider): it
/// asks the endpoint on every call.
#[derive(Debug)]
pub struct ContainerCredentialsProvider {
    http: Arc<dyn HttpClient>,
    /// Names only in `Debug`: the token variable is a secret.
    env: Env,
    relative_uri_base: String,
    timeout: Duration,
    max_attempts: u32,
    retry_delay: Duration,
    sleep: Arc<dyn Sleep>,
}

impl ContainerCredentialsProvider {
    /// Where `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is resolved: the ECS agent.
    pub const DEFAULT_RELATIVE_URI_BASE: &str = "http://169.254.170.2";
    /// Time limit on each request, from sending it to reading the whole answer (botocore's).
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
    /// Tries per call: a connection failure, a timeout or a 5xx is tried again.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
    /// The fixed wait before trying again.
    pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_millis(200);

    /// A provider reading its variables from `env` (usually [`Env::real`]) on each call and
    /// sending through `http`.
    pub fn new(http: Arc<dyn HttpClient>, env: Env) -> Self {
        Self {
            http,
            env,
            relative_uri_base: Self::DEFAULT_RELATIVE_URI_BASE.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            retry_delay: Self::DEFAULT_RETRY_DELAY,
            sleep: Arc::new(TokioSleep),
        }
    }

    /// Resolves `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` against `base` (e.g. a local server
    /// in tests) instead of [`DEFAULT_RELATIVE_URI_BASE`](Self::DEFAULT_RELATIVE_URI_BASE).
    pub fn with_relative_uri_base(mut self, base: impl Into<String>) -> Self {
        self.relative_uri_base = base.into().trim_end_matches('/').to_owned();
        self
    }

    /// Time limit on each request; default [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Tries per call, at least 1; default
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

    /// The URL to ask, checked; `not_loaded` when neither variable is set.
    fn url(&self) -> Result<String, CredentialsError> {
        if let Some(relative) = self.env.get_non_empty(ENV_RELATIVE_URI) {
            if !relative.starts_with('/') {
                return Err(CredentialsError::failed(
                    SOURCE,
                    format!("{ENV_RELATIVE_URI} must start with '/'"),
                ));
            }
            return Ok(format!("{}{relative}", self.relative_uri_base));
        }
        let Some(full) = self.env.get_non_empty(ENV_FULL_URI) else {
            return Err(CredentialsError::not_loaded(
                SOURCE,
                format!("neither {ENV_RELATIVE_URI} nor {ENV_FULL_URI} is set"),
            ));
        };
        check_full_uri(full).map_err(|reason| {
            CredentialsError::failed(
                SOURCE,
                format!("{ENV_FULL_URI} {}: {reason}", without_query(full)),
            )
        })?;
        // A fragment is never sent.
        Ok(full.split('#').next().unwrap_or(full).to_owned())
    }

    /// The `Authorization` header value, read afresh.
    async fn authorization(&self) -> Result<Option<String>, CredentialsError> {
        let (source, token) = if let Some(path) = self.env.get_non_empty(ENV_TOKEN_FILE) {
            let text = tokio::fs::read_to_string(path).await.map_err(|e| {
                CredentialsError::failed(
                    SOURCE,
                    format!("cannot read {ENV_TOKEN_FILE} {path}: {e}"),
                )
            })?;
            (ENV_TOKEN_FILE, text.trim().to_owned())
        } else if let Some(token) = self.env.get_non_empty(ENV_TOKEN) {
            (ENV_TOKEN, token.to_owned())
        } else {
            return Ok(None);
        };
        if token.is_empty() {
            return Ok(None);
        }
        if !is_header_value(&token) {
            return Err(CredentialsError::failed(
                SOURCE,
                format!(
                    "the authorization token of {source} contains a line break or another \
                     character not allowed in an HTTP header"
                ),
            ));
        }
        Ok(Some(token))
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let url = self.url()?;
        let authorization = self.authorization().await?;
        let shown = without_query(&url);
        let mut attempt = 1;
        let response = loop {
            let mut headers = Headers::new();
            headers.insert("Accept", "application/json");
            if let Some(token) = &authorization {
                headers.insert("Authorization", token.as_str());
            }
            let request = HttpRequest {
                method: "GET".to_owned(),
                url: url.clone(),
                headers,
                ..HttpRequest::default()
            };
            let outcome = exchange(self.http.as_ref(), request, self.timeout).await;
            let retry = match &outcome {
                Ok(response) => response.status >= 500,
                Err(_) => true,
            };
            if !retry || attempt >= self.max_attempts {
                break outcome.map_err(|reason| {
                    let tries = if attempt == 1 { "try" } else { "tries" };
                    CredentialsError::failed(
                        SOURCE,
                        format!("no answer from {shown} after {attempt} {tries}: {reason}"),
                    )
                })?;
            }
            attempt += 1;
            self.sleep.sleep(self.retry_delay).await;
        };
        if !response.is_success() {
            return Err(CredentialsError::failed(
                SOURCE,
                format!(
                    "{shown} answered HTTP {}{}",
                    response.status,
                    error_detail(&response)
                ),
            ));
        }
        let body = std::str::from_utf8(&response.body).map_err(|_| {
            CredentialsError::failed(SOURCE, format!("the answer of {shown} is not UTF-8"))
        })?;
        parse_json_credentials(body).map_err(|e| {
            CredentialsError::failed(SOURCE, format!("the answer of {shown} is malformed: {e}"))
        })
    }
}

impl ProvideCredentials for ContainerCredentialsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// `: code: message` from an error document `{"code": ..., "message": ...}` (names in any
/// case); empty when the body is not one. Nothing else of the body is shown.
fn error_detail(response: &HttpResponse) -> String {
    let Ok(serde_json::Value::Object(members)) =
        serde_json::from_slice::<serde_json::Value>(&response.body)
    else {
        return String::new();
    };
    let member = |name: &str| {
        members
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    match (member("code"), member("message")) {
        (Some(code), Some(message)) => format!(": {code}: {message}"),
        (Some(text), None) | (None, Some(text)) => format!(": {text}"),
        (None, None) => String::new(),
    }
}

/// The URL without its query string and fragment, for messages: a query may carry secrets.
fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Plain `http` only to loopback and the container agents' link-local addresses, as the
/// AWS SDKs allow; `https` to any host.
fn check_full_uri(url: &str) -> Result<(), String> {
    let (scheme, host) = scheme_and_host(url)?;
    match scheme.as_str() {
        "https" => Ok(()),
        "http" if allowed_over_http(&host) => Ok(()),
        "http" => Err(format!(
            "plain http is only allowed to a loopback address, {ECS_HOST}, {EKS_HOST} or \
             [{EKS_HOST_V6}], not to {}; use https",
            host.shown()
        )),
        _ => Err("the scheme must be http or https".to_owned()),
    }
}

/// The host of a URL: an IP address (IPv6 written in brackets) or a name.
#[derive(Debug, PartialEq, Eq)]
enum Host {
    Ip(IpAddr),
    Name(String),
}

impl Host {
    fn shown(&self) -> String {
        match self {
            Self::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
            Self::Ip(ip) => ip.to_string(),
            Self::Name(name) => name.clone(),
        }
    }
}

/// The lower-cased scheme and the host of an absolute URL.
fn scheme_and_host(url: &str) -> Result<(String, Host), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| "not an absolute URL".to_owned())?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err("user information in the URL is not supported".to_owned());
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (ip, tail) = bracketed
            .split_once(']')
            .ok_or_else(|| "unclosed '[' in the host".to_owned())?;
        let ip: Ipv6Addr = ip
            .parse()
            .map_err(|_| "the bracketed host is not an IPv6 address".to_owned())?;
        let port = match tail {
            "" => None,
            tail => Some(
                tail.strip_prefix(':')
                    .ok_or_else(|| "unexpected characters after the host".to_owned())?,
            ),
        };
        (Host::Ip(IpAddr::V6(ip)), port)
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.is_empty() {
            return Err("the URL has no host".to_owned());
        }
        let host = match host.parse::<Ipv4Addr>() {
            Ok(ip) => Host::Ip(IpAddr::V4(ip)),
            Err(_) => Host::Name(host.to_ascii_lowercase()),
        };
        (host, port)
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err("the port is not a number".to_owned());
    }
    Ok((scheme.to_ascii_lowercase(), host))
}

fn allowed_over_http(host: &Host) -> bool {
    match host {
        Host::Ip(IpAddr::V4(ip)) => ip.is_loopback() || *ip == ECS_HOST || *ip == EKS_HOST,
        Host::Ip(IpAddr::V6(ip)) => ip.is_loopback() || *ip == EKS_HOST_V6,
        // Only the name itself: other names are not resolved to check where they point.
        Host::Name(name) => name == "localhost",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_allowed_over_http() {
        for url in [
            "http://127.0.0.1:8080/creds",
            "http://127.1.2.3/creds?x=1",
            "http://localhost/creds",
            "http://LOCALHOST:80",
            "http://[::1]:1234/creds",
            "http://169.254.170.2/v2/credentials/id",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "HTTP://127.0.0.1/",
            "https://example.com/creds",
            "https://10.0.0.1:443/creds",
        ] {
            assert_eq!(check_full_uri(url), Ok(()), "{url}");
        }
        for url in [
            "http://example.com/creds",
            "http://10.0.0.1/creds",
            "http://169.254.169.254/latest",
            "http://169.254.170.3/",
            "http://[fd00:ec2::254]/",
            "http://127.0.0.1.example.com/",
            "http://localhost.example.com/",
            "http://127.0.0.1@example.com/",
            "http://127.0.0.1:80@example.com/",
            "http://[::1/",
            "http://[127.0.0.1]/",
            "http://127.0.0.1:8x/",
            "http:///creds",
            "ftp://127.0.0.1/",
            "127.0.0.1/creds",
        ] {
            assert!(check_full_uri(url).is_err(), "{url}");
        }
        let message = check_full_uri("http://example.com/").unwrap_err();
        assert!(
            message.contains("example.com") && message.contains("https"),
            "{message}"
        );
    }

    #[test]
    fn parses_hosts() {
        assert_eq!(
            scheme_and_host("https://[fd00:ec2::23]:80/x").unwrap(),
            ("https".to_owned(), Host::Ip(IpAddr::V6(EKS_HOST_V6)))
        );
        assert_eq!(
            scheme_and_host("http://Example.COM?q").unwrap(),
            ("http".to_owned(), Host::Name("example.com".to_owned()))
        );
    }

    #[test]
    fn messages_drop_the_query() {
        assert_eq!(without_query("http://h/p?token=x#f"), "http://h/p");
        assert_eq!(without_query("http://h/p"), "http://h/p");
    }

    #[test]
    fn error_details() {
        let response = |body: &str| HttpResponse {
            status: 400,
            body: body.as_bytes().to_vec(),
            ..HttpResponse::default()
        };
        assert_eq!(
            error_detail(&response(r#"{"code":"InvalidToken","message":"bad"}"#)),
            ": InvalidToken: bad"
        );
        assert_eq!(error_detail(&response(r#"{"Message":"bad"}"#)), ": bad");
        assert_eq!(error_detail(&response("<html>secret</html>")), "");
    }
}
