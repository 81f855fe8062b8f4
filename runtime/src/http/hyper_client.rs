//! The default [`HttpClient`]: hyper's HTTP/1.1 connections over rustls, kept alive in a
//! small pool of our own; with feature `http2`, one HTTP/2 connection per origin for the
//! requests that need it ([`HttpRequest::needs_http2`]).

mod body;
mod connect;
#[cfg(feature = "http2")]
mod http2;
mod pool;
mod proxy;
mod trust;

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::header::{
    CONTENT_LENGTH, HOST, HeaderMap, HeaderName, HeaderValue, InvalidHeaderName,
    PROXY_AUTHORIZATION,
};
use hyper::http::uri::PathAndQuery;
use hyper::{Method, Uri};
use tokio::runtime::Handle;
use tokio_rustls::TlsConnector;

use super::{
    BoxFuture, ByteStream, ConnectorError, ConnectorErrorKind, Headers, HttpClient, HttpRequest,
    HttpResponse, is_secret_header,
};
use body::{IncomingReader, OutgoingBody, Release};
use connect::Sender;
use pool::{Origin, Pool, Reusable};
use proxy::Proxy;
pub use proxy::{InvalidProxy, ProxyConfig};
pub use trust::TrustConfig;

/// The default idle timeout of pooled connections. As reqwest and hyper-util: long enough
/// to reuse a connection between the calls of a busy program. A server that closes sooner
/// is noticed before reuse or answered by a retry.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The default most idle connections kept per origin. More than a program usually runs in
/// parallel against one endpoint; connections of a larger burst close once their call is done.
const MAX_IDLE_PER_ORIGIN: usize = 16;

/// The default [`HttpClient`]: HTTP/1.1 over rustls (ring, Mozilla roots) for `https://`, plain
/// TCP for `http://` (local endpoints), keep-alive reuse per scheme, host and port. Clones
/// share one pool. Needs a tokio runtime, which drives each connection in a task of its own.
#[derive(Clone)]
pub struct HyperClient {
    inner: Arc<Inner>,
}

struct Inner {
    connect_timeout: Duration,
    proxy: ProxyConfig,
    trust: TrustConfig,
    pool: Pool<Sender>,
    /// Built on first `https` use so that building a `Config` cannot fail; a set-up failure
    /// surfaces as a connect error of the operation.
    tls: OnceLock<Result<TlsConnector, String>>,
    #[cfg(feature = "http2")]
    http2: http2::Connections,
}

impl Reusable for Sender {
    fn is_closed(&self) -> bool {
        Sender::is_closed(self)
    }
}

impl HyperClient {
    /// `connect_timeout` bounds TCP connect, TLS handshake and HTTP handshake together;
    /// no proxy, Mozilla's roots, the default pool limits.
    pub fn new(connect_timeout: Duration) -> Self {
        Self::builder().connect_timeout(connect_timeout).build()
    }

    /// A client with proxies, added certificate authorities or pool limits.
    pub fn builder() -> HyperClientBuilder {
        HyperClientBuilder {
            connect_timeout: crate::config::TimeoutConfig::default().connect(),
            proxy: ProxyConfig::default(),
            trust: TrustConfig::default(),
            max_idle_per_origin: MAX_IDLE_PER_ORIGIN,
            idle_timeout: IDLE_TIMEOUT,
        }
    }

    async fn exchange(
        &self,
        request: HttpRequest,
    ) -> Result<HttpResponse<ByteStream>, ConnectorError> {
        let runtime = current_runtime()?;
        let (origin, outgoing) = Outgoing::prepare(request)?;
        let outgoing = match self.proxy_for(&origin)? {
            Some(proxy) if !origin.tls => outgoing.through_proxy(&origin, proxy)?,
            _ => outgoing,
        };
        let mut request = outgoing.into_hyper();
        if let Some(mut sender) = self.reusable(&origin).await {
            match sender.try_send_request(request).await {
                Ok(response) => return Ok(self.response(origin, sender, response)),
                Err(mut error) => match error.take_message() {
                    // hyper gives the request back only when none of it was written (the
                    // connection closed as it was taken): the server cannot have seen it,
                    // so it goes out on a new connection without a retry. Anything else
                    // may have reached the server and is the retry policy's to decide.
                    Some(unsent) => {
                        tracing::debug!(error = %error.error(), "reused connection closed, reconnecting");
                        request = unsent;
                    }
                    None => return Err(broken(error.into_error())),
                },
            }
        }
        // Boxed: the handshakes' state is large and needed once per connection; inline, it
        // would be copied with this future into its box on every call.
        let mut sender = Box::pin(self.connect(&origin, &runtime)).await?;
        let response = sender.send_request(request).await.map_err(broken)?;
        Ok(self.response(origin, sender, response))
    }

    /// A pooled connection ready for a request; closed ones are dropped on the way.
    async fn reusable(&self, origin: &Origin) -> Option<Sender> {
        while let Some(mut sender) = self.inner.pool.take(origin, Instant::now()) {
            if sender.ready().await.is_ok() {
                return Some(sender);
            }
        }
        None
    }

    async fn connect(&self, origin: &Origin, runtime: &Handle) -> Result<Sender, ConnectorError> {
        let proxy = self.proxy_for(origin)?;
        let connecting = connect::connect(origin, proxy, runtime, || self.tls());
        self.within_connect_timeout(origin, connecting).await
    }

    /// `connecting` (TCP, proxy, TLS and HTTP handshakes), failed with
    /// [`ConnectorErrorKind::Timeout`] once the connect timeout elapses.
    async fn within_connect_timeout<C>(
        &self,
        origin: &Origin,
        connecting: impl Future<Output = Result<C, ConnectorError>>,
    ) -> Result<C, ConnectorError> {
        let timeout = self.inner.connect_timeout;
        tokio::time::timeout(timeout, connecting)
            .await
            .map_err(|_| {
                ConnectorError::new(
                    ConnectorErrorKind::Timeout,
                    format!(
                        "no connection to {}:{} within {timeout:?}",
                        origin.host, origin.port
                    ),
                )
            })?
    }

    fn tls(&self) -> Result<TlsConnector, ConnectorError> {
        self.inner
            .tls
            .get_or_init(|| connect::tls_connector(&self.inner.trust, b"http/1.1"))
            .clone()
            .map_err(|reason| ConnectorError::new(ConnectorErrorKind::Connect, reason))
    }

    fn proxy_for(&self, origin: &Origin) -> Result<Option<&Proxy>, ConnectorError> {
        self.inner
            .proxy
            .route(origin)
            .map_err(|e| ConnectorError::new(ConnectorErrorKind::InvalidRequest, e))
    }

    /// The response with its body still to read; the connection returns to the pool once
    /// the body is read to the end (only then can it carry the next request).
    fn response(
        &self,
        origin: Origin,
        sender: Sender,
        response: hyper::Response<Incoming>,
    ) -> HttpResponse<ByteStream> {
        let release = Release {
            client: Arc::clone(&self.inner),
            origin,
            sender,
        };
        streamed_response(response, Some(release))
    }

    /// Without feature `http2`: the error, before any connection, that says how to get it.
    #[cfg(not(feature = "http2"))]
    fn send_http2(
        &self,
        _request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse<ByteStream>, ConnectorError>> {
        Box::pin(std::future::ready(Err(ConnectorError::new(
            ConnectorErrorKind::Unsupported,
            "this request needs HTTP/2 (its operation has an input event stream), which the \
             default HTTP client speaks only with the `http2` feature of leansdk-runtime: turn \
             it on (the generated crates of such services do)",
        ))))
    }
}

impl HttpClient for HyperClient {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse<ByteStream>, ConnectorError>> {
        // Chosen before any future is made, so that HTTP/1.1's stays as small as it was.
        if request.needs_http2 {
            return self.send_http2(request);
        }
        Box::pin(self.exchange(request))
    }
}

/// Checked before anything else: tokio's sockets, timers and spawning panic outside a runtime.
fn current_runtime() -> Result<Handle, ConnectorError> {
    Handle::try_current().map_err(|e| {
        ConnectorError::new(
            ConnectorErrorKind::Connect,
            format!("the default HTTP client needs a tokio runtime: {e}"),
        )
    })
}

/// A response in our types, its body read as it arrives; `release` (HTTP/1.1) puts the
/// connection back in the pool once the body is read to the end.
fn streamed_response(
    response: hyper::Response<Incoming>,
    release: Option<Release>,
) -> HttpResponse<ByteStream> {
    let (parts, body) = response.into_parts();
    let mut headers = Headers(Vec::with_capacity(parts.headers.len()));
    for (name, value) in &parts.headers {
        // Non-UTF-8 header values are kept lossily: parsers only read ASCII ones.
        headers.append(name.as_str(), String::from_utf8_lossy(value.as_bytes()));
    }
    let length = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse().ok());
    let reader = IncomingReader::new(body, release);
    HttpResponse {
        status: parts.status.as_u16(),
        headers,
        body: ByteStream::once(Box::pin(reader), length),
    }
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient")
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("proxy", &self.inner.proxy)
            .field("trust", &self.inner.trust)
            .field("idle_connections", &self.inner.pool.idle_count())
            .finish()
    }
}

/// Settings of a [`HyperClient`]; see [`HyperClient::builder`].
#[derive(Clone, Debug)]
pub struct HyperClientBuilder {
    connect_timeout: Duration,
    proxy: ProxyConfig,
    trust: TrustConfig,
    max_idle_per_origin: usize,
    idle_timeout: Duration,
}

impl HyperClientBuilder {
    /// Bounds TCP connect (to the proxy too), `CONNECT`, TLS and HTTP handshakes together;
    /// default 3.1 s, as [`TimeoutConfig`](crate::config::TimeoutConfig).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The proxies requests go through; default none.
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = proxy;
        self
    }

    /// Certificate authorities trusted besides Mozilla's roots.
    pub fn trust(mut self, trust: TrustConfig) -> Self {
        self.trust = trust;
        self
    }

    /// The most idle keep-alive connections kept per scheme, host and port; default 16.
    /// `0` closes every connection after its response.
    pub fn max_idle_per_origin(mut self, max: usize) -> Self {
        self.max_idle_per_origin = max;
        self
    }

    /// How long an idle connection is kept for reuse; default 90 s.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// The client; certificate files are read by its first `https` connection.
    pub fn build(self) -> HyperClient {
        HyperClient {
            inner: Arc::new(Inner {
                connect_timeout: self.connect_timeout,
                proxy: self.proxy,
                trust: self.trust,
                pool: Pool::new(self.max_idle_per_origin, self.idle_timeout),
                tls: OnceLock::new(),
                #[cfg(feature = "http2")]
                http2: http2::Connections::default(),
            }),
        }
    }
}

/// What the peer sent could not be read as HTTP (a retry would get the same), or the
/// connection broke.
fn broken(error: hyper::Error) -> ConnectorError {
    // `is_parse` covers heads too large to read as well.
    let kind = match error.is_parse() || error.is_parse_status() {
        true => ConnectorErrorKind::InvalidResponse,
        false => ConnectorErrorKind::Io,
    };
    ConnectorError::new(kind, error)
}

/// A request in hyper's types.
struct Outgoing {
    method: Method,
    /// Origin form (`/path?query`): what HTTP/1.1 sends to a server that is not a proxy.
    target: Uri,
    headers: HeaderMap,
    body: ByteStream,
}

/// `name` as hyper's: the SDK's own headers of every request from static names, which, unlike
/// `HeaderName::from_bytes` of a name outside HTTP's standard set, neither copy nor allocate.
fn header_name(name: &str) -> Result<HeaderName, InvalidHeaderName> {
    Ok(match name {
        "x-amz-date" => HeaderName::from_static("x-amz-date"),
        "x-amz-security-token" => HeaderName::from_static("x-amz-security-token"),
        "x-amz-content-sha256" => HeaderName::from_static("x-amz-content-sha256"),
        "x-amz-user-agent" => HeaderName::from_static("x-amz-user-agent"),
        "x-amz-target" => HeaderName::from_static("x-amz-target"),
        "amz-sdk-invocation-id" => HeaderName::from_static("amz-sdk-invocation-id"),
        "amz-sdk-request" => HeaderName::from_static("amz-sdk-request"),
        _ => HeaderName::from_bytes(name.as_bytes())?,
    })
}

impl Outgoing {
    /// Errors never show header values or the URL: either may carry secrets.
    fn prepare(request: HttpRequest) -> Result<(Origin, Self), ConnectorError> {
        let unsendable =
            |reason: String| ConnectorError::new(ConnectorErrorKind::InvalidRequest, reason);
        // From the String itself: its bytes become the URI's, not a copy of them.
        let url =
            Uri::try_from(request.url).map_err(|e| unsendable(format!("invalid URL: {e}")))?;
        let origin = Origin::of(&url)?;
        // The URL's own path and query (shared, not copied); an empty path is `/`.
        let target = match url.path_and_query() {
            Some(target) if !target.as_str().is_empty() => target.clone(),
            _ => PathAndQuery::from_static("/"),
        };
        let method = Method::from_bytes(request.method.as_bytes())
            .map_err(|_| unsendable(format!("invalid HTTP method {:?}", request.method)))?;
        let mut headers = HeaderMap::with_capacity(request.headers.len() + 1);
        for (name, value) in request.headers.iter() {
            let header = header_name(name)
                .map_err(|_| unsendable(format!("invalid header name {name:?}")))?;
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| unsendable(format!("header {name} has an invalid value")))?;
            value.set_sensitive(is_secret_header(name));
            headers.append(header, value);
        }
        if !headers.contains_key(HOST) {
            let host = HeaderValue::from_str(&origin.host_header())
                .map_err(|_| unsendable("URL host is not a valid Host header".to_owned()))?;
            headers.insert(HOST, host);
        }
        let outgoing = Self {
            method,
            target: target.into(),
            headers,
            body: request.body,
        };
        Ok((origin, outgoing))
    }

    /// An `http://` request through `proxy`: absolute form (`http://host/path`), which is
    /// how a proxy learns where it goes, and the proxy's credentials.
    fn through_proxy(mut self, origin: &Origin, proxy: &Proxy) -> Result<Self, ConnectorError> {
        let absolute = format!("http://{}{}", origin.host_header(), self.target);
        self.target = absolute.parse().map_err(|e| {
            ConnectorError::new(
                ConnectorErrorKind::InvalidRequest,
                format!("invalid URL: {e}"),
            )
        })?;
        if let Some(authorization) = &proxy.authorization {
            self.headers
                .insert(PROXY_AUTHORIZATION, authorization.clone());
        }
        Ok(self)
    }

    fn into_hyper(self) -> hyper::Request<OutgoingBody> {
        let mut request = hyper::Request::new(OutgoingBody::new(self.body));
        *request.method_mut() = self.method;
        *request.uri_mut() = self.target;
        *request.headers_mut() = self.headers;
        request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepare(url: &str, headers: &[(&str, &str)]) -> Result<(Origin, Outgoing), ConnectorError> {
        let mut request = HttpRequest {
            method: "POST".to_owned(),
            url: url.to_owned(),
            body: b"{}".to_vec().into(),
            ..HttpRequest::default()
        };
        for (name, value) in headers {
            request.headers.append(*name, *value);
        }
        Outgoing::prepare(request)
    }

    #[test]
    fn requests_go_out_in_origin_form_with_host() {
        let (_, outgoing) = prepare("http://127.0.0.1:9/workflows/w?a=1&b", &[]).unwrap();
        let request = outgoing.into_hyper();
        assert_eq!(request.uri(), "/workflows/w?a=1&b");
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.headers()[HOST], "127.0.0.1:9");
        let (_, bare) = prepare("https://example.com", &[]).unwrap();
        assert_eq!(bare.into_hyper().uri(), "/");
    }

    #[test]
    fn the_sdks_own_header_names_go_out_as_named() {
        let own = [
            "x-amz-date",
            "x-amz-security-token",
            "x-amz-content-sha256",
            "x-amz-user-agent",
            "x-amz-target",
            "amz-sdk-invocation-id",
            "amz-sdk-request",
        ];
        for name in own {
            assert_eq!(header_name(name).unwrap().as_str(), name);
        }
        // Any other name, and these in another case, the way hyper reads them.
        assert_eq!(header_name("X-Amz-Date").unwrap().as_str(), "x-amz-date");
        assert_eq!(header_name("x-custom").unwrap().as_str(), "x-custom");
        assert!(header_name("bad name").is_err());
        let headers: Vec<_> = own.iter().map(|name| (*name, "v")).collect();
        let (_, outgoing) = prepare("https://h/", &headers).unwrap();
        let request = outgoing.into_hyper();
        for name in own {
            assert_eq!(request.headers()[name], "v");
        }
    }

    #[test]
    fn a_signed_host_header_is_kept() {
        let (_, outgoing) = prepare("http://127.0.0.1:9/", &[("Host", "signed.example")]).unwrap();
        let request = outgoing.into_hyper();
        let hosts: Vec<_> = request.headers().get_all(HOST).iter().collect();
        assert_eq!(hosts, ["signed.example"]);
    }

    #[test]
    fn repeated_headers_and_secrets_are_sent_as_given() {
        let (_, outgoing) = prepare(
            "https://h/",
            &[("x-a", "1"), ("X-A", "2"), ("Authorization", "AWS4 sig")],
        )
        .unwrap();
        let request = outgoing.into_hyper();
        let values: Vec<_> = request.headers().get_all("x-a").iter().collect();
        assert_eq!(values, ["1", "2"]);
        let authorization = &request.headers()["authorization"];
        assert_eq!(authorization, "AWS4 sig");
        assert!(authorization.is_sensitive());
    }

    #[test]
    fn unsendable_requests_are_errors_that_hide_values() {
        let bad_value = prepare("https://h/", &[("Authorization", "secret\nvalue")]);
        let bad_name = prepare("https://h/", &[("bad name", "v")]);
        let bad_url = prepare("https://h/a b", &[]);
        for result in [bad_value, bad_name, bad_url] {
            let error = result.err().expect("request is refused");
            assert_eq!(error.kind(), ConnectorErrorKind::InvalidRequest);
            assert!(!error.to_string().contains("secret"), "{error}");
        }
        let mut request = HttpRequest {
            method: "GE T".to_owned(),
            url: "https://h/".to_owned(),
            ..HttpRequest::default()
        };
        request.headers.insert("x", "y");
        assert!(Outgoing::prepare(request).is_err());
    }

    #[test]
    fn outside_a_tokio_runtime_sending_is_an_error_not_a_panic() {
        use std::task::{Context, Poll, Waker};

        let client = HyperClient::new(Duration::from_secs(1));
        let mut sending = client.send(HttpRequest {
            method: "GET".to_owned(),
            url: "http://127.0.0.1:9/".to_owned(),
            ..HttpRequest::default()
        });
        match sending
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(Err(error)) => assert_eq!(error.kind(), ConnectorErrorKind::Connect),
            other => panic!("expected a connect error, got {other:?}"),
        }
    }

    /// The feature's own tests are in tests/it/runtime_http2.rs, whose build turns it on.
    #[cfg(not(feature = "http2"))]
    #[test]
    fn without_the_http2_feature_http2_requests_fail_before_connecting() {
        use std::task::{Context, Poll, Waker};

        let client = HyperClient::new(Duration::from_secs(1));
        let mut sending = client.send(HttpRequest {
            method: "POST".to_owned(),
            url: "http://127.0.0.1:9/stream".to_owned(),
            needs_http2: true,
            ..HttpRequest::default()
        });
        // Ready at the first poll: a connection attempt would be pending.
        match sending
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(Err(error)) => {
                assert_eq!(error.kind(), ConnectorErrorKind::Unsupported);
                let message = error.to_string();
                assert!(message.contains("`http2` feature"), "{message}");
            }
            other => panic!("expected an unsupported error, got {other:?}"),
        }
    }

    #[test]
    fn debug_shows_settings_only() {
        let client = HyperClient::new(Duration::from_secs(3));
        // Feature `native-roots` adds its switch to the trust settings.
        let trust = match cfg!(feature = "native-roots") {
            true => "TrustConfig { pem: [], native_roots: false }",
            false => "TrustConfig { pem: [] }",
        };
        assert_eq!(
            format!("{client:?}"),
            format!(
                "HyperClient {{ connect_timeout: 3s, proxy: ProxyConfig {{ http: \"none\", \
                 https: \"none\", no_proxy: [] }}, trust: {trust}, idle_connections: 0 }}"
            )
        );
    }
}
