//! The HTTP messages every layer shares: generated serialisers build an [`HttpRequest`],
//! the signer signs it, an [`HttpClient`] sends it, parsers read the [`HttpResponse`].

use std::error::Error;
use std::fmt;

pub use crate::credentials::BoxFuture;

/// Header list that keeps insertion order and compares names case-insensitively.
/// Its `Debug` redacts headers that carry secrets (see [`is_secret_header`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    /// First value of `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in insertion order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Replaces every value of `name` with `value`.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        self.remove(&name);
        self.0.push((name, value.into()));
    }

    /// Adds a value, keeping earlier values of the same name.
    pub fn append(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A request ready to sign and send. `url` is absolute (`https://host/path?query`) once the
/// endpoint is resolved; generated serialisers fill it with the path and query only.
/// `Debug` shows the body's length only: bodies may hold `@sensitive` members.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Headers,
    pub body: Vec<u8>,
    /// The operation's `smithy.api#endpoint` hostPrefix with its labels filled in (empty
    /// for most operations): the orchestrator puts it in front of the endpoint's host.
    pub host_prefix: String,
}

/// A response as received, body fully read. `Debug` shows the body's length only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// Headers whose values are credentials or signatures, never shown by `Debug`.
pub fn is_secret_header(name: &str) -> bool {
    [
        "authorization",
        "x-amz-security-token",
        "proxy-authorization",
    ]
    .iter()
    .any(|secret| name.eq_ignore_ascii_case(secret))
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(name, value)| {
                (
                    name,
                    if is_secret_header(name) {
                        "** redacted **"
                    } else {
                        value
                    },
                )
            }))
            .finish()
    }
}

/// Stands in for a body in `Debug` output.
struct BodyLen(usize);

impl fmt::Debug for BodyLen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes", self.0)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body", &BodyLen(self.body.len()))
            .field("host_prefix", &self.host_prefix)
            .finish()
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &BodyLen(self.body.len()))
            .finish()
    }
}

impl HttpResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends one request and reads the whole response. One client is shared by every operation
/// of an SDK client (and by every SDK client built from the same [`Config`](crate::config::Config)),
/// so implementations keep their connection pool inside.
pub trait HttpClient: Send + Sync + fmt::Debug {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>>;
}

/// What went wrong below HTTP. Every kind is worth retrying: the request may never have
/// reached the service, or its answer was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectorErrorKind {
    /// No connection could be made (refused, DNS, TLS handshake).
    Connect,
    /// The connect timeout elapsed.
    Timeout,
    /// The connection broke while sending or reading.
    Io,
}

#[derive(Debug)]
pub struct ConnectorError {
    kind: ConnectorErrorKind,
    source: Box<dyn Error + Send + Sync>,
}

impl ConnectorError {
    pub fn new(kind: ConnectorErrorKind, source: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    pub fn kind(&self) -> ConnectorErrorKind {
        self.kind
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ConnectorErrorKind::Connect => "could not connect",
            ConnectorErrorKind::Timeout => "connect timeout elapsed",
            ConnectorErrorKind::Io => "connection failed",
        };
        write!(f, "{what}: {}", self.source)
    }
}

impl Error for ConnectorError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.source.as_ref())
    }
}

#[cfg(feature = "reqwest-client")]
pub use reqwest_client::ReqwestClient;

#[cfg(feature = "reqwest-client")]
mod reqwest_client {
    use super::{
        BoxFuture, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpResponse,
    };
    use std::sync::{Arc, OnceLock};
    use std::time::Duration;

    /// The default [`HttpClient`]: reqwest over rustls (ring), HTTP/1.1 only, keep-alive pool.
    /// Clones share one pool. The reqwest client is built on first use so that building a
    /// `Config` cannot fail; a TLS set-up failure surfaces as a connect error of the operation.
    #[derive(Clone, Debug)]
    pub struct ReqwestClient {
        connect_timeout: Duration,
        client: Arc<OnceLock<Result<reqwest::Client, String>>>,
    }

    impl ReqwestClient {
        pub fn new(connect_timeout: Duration) -> Self {
            Self {
                connect_timeout,
                client: Arc::default(),
            }
        }

        fn client(&self) -> Result<&reqwest::Client, ConnectorError> {
            self.client
                .get_or_init(|| build(self.connect_timeout).map_err(|e| e.to_string()))
                .as_ref()
                .map_err(|reason| ConnectorError::new(ConnectorErrorKind::Connect, reason.clone()))
        }
    }

    fn build(connect_timeout: Duration) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
        // Selected here rather than through a process-wide default so that an application
        // installing another provider for its own use cannot change how this SDK connects.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots =
            rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .http1_only()
            .connect_timeout(connect_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            // Signed requests must reach the signed host unchanged; AWS APIs do not redirect.
            .redirect(reqwest::redirect::Policy::none())
            .build()?)
    }

    fn classify(error: reqwest::Error) -> ConnectorError {
        let kind = if error.is_timeout() {
            ConnectorErrorKind::Timeout
        } else if error.is_connect() {
            ConnectorErrorKind::Connect
        } else {
            ConnectorErrorKind::Io
        };
        ConnectorError::new(kind, error)
    }

    impl HttpClient for ReqwestClient {
        fn send(
            &self,
            request: HttpRequest,
        ) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
            Box::pin(async move {
                let client = self.client()?;
                let method = reqwest::Method::from_bytes(request.method.as_bytes())
                    .map_err(|e| ConnectorError::new(ConnectorErrorKind::Connect, e))?;
                let mut builder = client.request(method, &request.url);
                for (name, value) in request.headers.iter() {
                    builder = builder.header(name, value);
                }
                let response = builder.body(request.body).send().await.map_err(classify)?;
                let status = response.status().as_u16();
                let mut headers = super::Headers::new();
                for (name, value) in response.headers() {
                    // Non-UTF-8 header values are kept lossily: parsers only read ASCII ones.
                    headers.append(name.as_str(), String::from_utf8_lossy(value.as_bytes()));
                }
                let body = response.bytes().await.map_err(classify)?.to_vec();
                Ok(HttpResponse {
                    status,
                    headers,
                    body,
                })
            })
        }
    }
}
