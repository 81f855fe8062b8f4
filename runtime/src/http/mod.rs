//! The HTTP messages every layer shares: generated serialisers build an [`HttpRequest`],
//! the signer signs it, an [`HttpClient`] sends it, parsers read the [`HttpResponse`].

use std::error::Error;
use std::fmt;

pub use crate::BoxFuture;
pub use body::ByteStream;
#[doc(hidden)]
pub use integrity::{BodyIntegrity, RequestChecksum, ResponseChecksum};

mod body;
#[cfg(feature = "event-stream")]
pub(crate) use body::{CHUNK_SIZE, MessageSigner, SignerSlot};
mod integrity;

/// Header list that keeps insertion order and compares names case-insensitively.
/// Its `Debug` redacts headers that carry secrets (see [`is_secret_header`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// No headers.
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

    /// Removes every value of `name`, compared case-insensitively.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// Whether `name` has a value, compared case-insensitively.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every name and value in insertion order, names as written. Unlike `Debug`, this does
    /// not redact: do not log what it yields for [secret headers](is_secret_header).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The number of values, each value of a repeated name counted.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A request ready to sign and send. `url` is absolute (`https://host/path?query`) once the
/// endpoint is resolved; generated serialisers fill it with the path and query only.
/// `Debug` shows the body's length only: bodies may hold `@sensitive` members. Clones share
/// a streamed body (see [`ByteStream`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// The HTTP method, upper-case, e.g. `POST`.
    pub method: String,
    /// The absolute URL once the endpoint is resolved; before that, the path and query.
    pub url: String,
    /// The request headers; signing adds `Authorization` and the other signed headers.
    pub headers: Headers,
    /// The body: serialised members in memory, or a streamed payload (S3 `PutObject`).
    pub body: ByteStream,
    /// The operation's `smithy.api#endpoint` hostPrefix with its labels filled in (empty
    /// for most operations): the orchestrator puts it in front of the endpoint's host.
    pub host_prefix: String,
    /// The operation's endpoint rule parameters, from input members
    /// (`smithy.rules#contextParam`, e.g. S3's `Bucket`) and the operation itself
    /// (`smithy.rules#staticContextParams`), for the orchestrator to resolve the endpoint with.
    pub endpoint_params: Vec<(&'static str, crate::endpoint::Value)>,
    /// Sent as is, neither signed nor with credentials (`smithy.api#auth` empty).
    pub unsigned: bool,
    /// Must go over HTTP/2: set by generated code for operations with an input event stream,
    /// whose events are sent in the request body while the response's are read. The default
    /// client sends these on one multiplexed HTTP/2 connection per origin with the runtime's
    /// `http2` feature, and fails them with [`ConnectorErrorKind::Unsupported`] without it;
    /// every other request (`false`, the default) goes over its HTTP/1.1 pool.
    pub needs_http2: bool,
    /// The operation's checksum and compression traits, applied by the orchestrator.
    #[doc(hidden)]
    pub integrity: BodyIntegrity,
}

/// A response: as an [`HttpClient`] returns it, its body a [`ByteStream`] still to read;
/// as parsers see it, body fully read (`HttpResponse<Vec<u8>>`, the default). `Debug`
/// shows the body's length only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HttpResponse<B = Vec<u8>> {
    /// The HTTP status code, e.g. 200.
    pub status: u16,
    /// The response headers, as received.
    pub headers: Headers,
    /// The body.
    pub body: B,
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
            .field("body", &self.body)
            .field("host_prefix", &self.host_prefix)
            .field("endpoint_params", &self.endpoint_params)
            .field("unsigned", &self.unsigned)
            .field("needs_http2", &self.needs_http2)
            .field("integrity", &self.integrity)
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

impl fmt::Debug for HttpResponse<ByteStream> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .finish()
    }
}

impl<B> HttpResponse<B> {
    /// Whether the status is 2xx; any other status is read as an error response.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl HttpResponse<ByteStream> {
    /// Reads the whole body; an error while reading is the connection's.
    pub async fn collect(self) -> Result<HttpResponse, ConnectorError> {
        let body = self
            .body
            .collect()
            .await
            .map_err(|e| ConnectorError::new(ConnectorErrorKind::Io, e))?;
        Ok(HttpResponse {
            status: self.status,
            headers: self.headers,
            body,
        })
    }
}

/// Sends one request and returns the response once its headers arrive. One client is shared
/// by every operation of an SDK client (and by every SDK client built from the same
/// [`Config`](crate::config::Config)), so implementations keep their connection pool inside.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends the signed `request` (its URL absolute, its body read as it is sent) and
    /// returns the response with its body still to read. Every HTTP status is `Ok`; a
    /// [`ConnectorError`] is only for failures below HTTP (an error reading the body is an
    /// `io::Error` of the [`ByteStream`]). The client enforces its own connect timeout,
    /// reported as [`ConnectorErrorKind::Timeout`]; the attempt and operation timeouts are
    /// applied around this call and the reading of buffered bodies.
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse<ByteStream>, ConnectorError>>;
}

/// What went wrong below HTTP. `Connect`, `Timeout` and `Io` are worth retrying: the
/// request may never have reached the service, or its answer was lost. `InvalidRequest`,
/// `InvalidResponse` and `Unsupported` are not: the request would be refused again, the peer
/// would answer the same garbage again, the protocol would still be missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectorErrorKind {
    /// No connection could be made (refused, DNS, TLS handshake).
    Connect,
    /// The connect timeout elapsed.
    Timeout,
    /// The connection broke while sending or reading.
    Io,
    /// The request cannot be sent as it is (a URL or header HTTP cannot carry); nothing
    /// was sent.
    InvalidRequest,
    /// The peer answered with something that is not HTTP/1.1, or a head too large to read.
    InvalidResponse,
    /// The request needs what this client or the server does not offer: HTTP/2
    /// ([`HttpRequest::needs_http2`]) from a default client built without the runtime's
    /// `http2` feature, or from a server that does not negotiate it. Nothing was sent.
    Unsupported,
}

/// A request could not be sent or its response was lost, below HTTP: what an
/// [`HttpClient`] fails with. `Display` says which [`ConnectorErrorKind`] and gives the cause.
#[derive(Debug)]
pub struct ConnectorError {
    kind: ConnectorErrorKind,
    source: Box<dyn Error + Send + Sync>,
}

impl ConnectorError {
    /// A failure of `kind`, caused by `source` (the underlying I/O, DNS or TLS error, or a
    /// message), which [`Error::source`] returns.
    pub fn new(kind: ConnectorErrorKind, source: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// What went wrong, which tells whether it is worth retrying.
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
            ConnectorErrorKind::InvalidRequest => "cannot send the request",
            ConnectorErrorKind::InvalidResponse => "invalid response",
            ConnectorErrorKind::Unsupported => "unsupported",
        };
        write!(f, "{what}: {}", self.source)
    }
}

impl Error for ConnectorError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.source.as_ref())
    }
}

#[cfg(feature = "default-client")]
mod hyper_client;
#[cfg(feature = "default-client")]
pub use hyper_client::{HyperClient, HyperClientBuilder, InvalidProxy, ProxyConfig, TrustConfig};

/// The request ID AWS services return, in either of the headers they use.
pub fn request_id(headers: &Headers) -> Option<&str> {
    headers
        .get("x-amzn-requestid")
        .or_else(|| headers.get("x-amz-request-id"))
}

/// A response with these headers and body, for unit tests of the parsers.
#[cfg(test)]
pub(crate) fn test_response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut map = Headers::new();
    for (name, value) in headers {
        map.append(*name, *value);
    }
    HttpResponse {
        status,
        headers: map,
        body: body.as_bytes().to_vec(),
    }
}
