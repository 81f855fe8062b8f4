//! The default client's HTTP/2 (runtime feature `http2`, turned on by this package's
//! dev-dependency) for requests with `needs_http2`, against hyper's HTTP/2 server on
//! 127.0.0.1: h2c with prior knowledge for `http://`, h2 by ALPN over TLS with a certificate
//! authority the test makes, through a proxy, bodies both ways at once, one connection for
//! concurrent requests, reconnecting, the connect timeout, and the typed error when a TLS
//! server will not speak h2.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use leansdk_runtime::http::{
    ByteStream, ConnectorErrorKind, HttpClient, HttpRequest, HyperClient, ProxyConfig, TrustConfig,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::runtime_proxy_and_tls::{TestCa, TestProxy, config_from};

pub(crate) type ResponseBody = BoxBody<Bytes, Infallible>;

/// An HTTP/2 server on 127.0.0.1 (over TLS offering only `h2` by ALPN when given a TLS
/// config) answering every request with `handle`; counts the connections it accepts.
pub(crate) struct H2Server {
    pub(crate) port: u16,
    accepted: Arc<AtomicUsize>,
}

impl H2Server {
    pub(crate) async fn start<H, F>(tls: Option<rustls::ServerConfig>, handle: H) -> Self
    where
        H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
        F: Future<Output = Response<ResponseBody>> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&accepted);
        let acceptor = tls.map(|mut config| {
            config.alpn_protocols = vec![b"h2".to_vec()];
            tokio_rustls::TlsAcceptor::from(Arc::new(config))
        });
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let (acceptor, handle) = (acceptor.clone(), handle.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let answer = handle(request);
                        async move { Ok::<_, Infallible>(answer.await) }
                    });
                    let server = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
                    let _ = match acceptor {
                        None => server.serve_connection(TokioIo::new(tcp), service).await,
                        Some(acceptor) => {
                            let Ok(tls) = acceptor.accept(tcp).await else {
                                return;
                            };
                            server.serve_connection(TokioIo::new(tls), service).await
                        }
                    };
                });
            }
        });
        Self { port, accepted }
    }

    pub(crate) fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

fn full(body: impl Into<Bytes>) -> ResponseBody {
    Full::new(body.into()).boxed()
}

/// Says what arrived: version, method, authority and path, a header, and the body.
async fn describe(request: Request<Incoming>) -> Response<ResponseBody> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let text = format!(
        "{:?} {} {} {} x-amz-target={:?} body={}",
        parts.version,
        parts.method,
        parts.uri.authority().map_or("-", |a| a.as_str()),
        parts.uri.path_and_query().unwrap(),
        parts.headers.get("x-amz-target"),
        String::from_utf8_lossy(&body),
    );
    Response::new(full(text))
}

fn post(url: String, body: impl Into<ByteStream>) -> HttpRequest {
    let mut request = HttpRequest {
        method: "POST".to_owned(),
        url,
        body: body.into(),
        needs_http2: true,
        ..HttpRequest::default()
    };
    request.headers.insert("X-Amz-Target", "Stream.Start");
    request
}

async fn text(client: &HyperClient, request: HttpRequest) -> String {
    let response = client.send(request).await.expect("the request is answered");
    assert_eq!(response.status, 200);
    let body = response.collect().await.expect("the body is read").body;
    String::from_utf8(body).unwrap()
}

#[tokio::test]
async fn http_endpoints_get_http2_with_prior_knowledge() {
    let server = H2Server::start(None, describe).await;
    let client = HyperClient::new(Duration::from_secs(5));
    let url = format!("http://127.0.0.1:{}/stream?session=1", server.port);
    let answer = text(&client, post(url, "hello")).await;
    let authority = format!("127.0.0.1:{}", server.port);
    assert_eq!(
        answer,
        format!(
            "HTTP/2.0 POST {authority} /stream?session=1 x-amz-target=Some(\"Stream.Start\") \
             body=hello"
        )
    );
}

#[tokio::test]
async fn https_endpoints_negotiate_h2_by_alpn_trusting_the_configured_roots() {
    let ca = TestCa::new();
    let server = H2Server::start(Some(ca.server_config(&["localhost"])), describe).await;
    let client = HyperClient::builder()
        .trust(TrustConfig::default().add_pem(ca.pem.clone()))
        .build();
    let url = format!("https://localhost:{}/stream", server.port);
    let answer = text(&client, post(url, "over tls")).await;
    let expected = format!("HTTP/2.0 POST localhost:{} /stream", server.port);
    assert!(answer.starts_with(&expected), "{answer}");
    assert!(answer.ends_with("body=over tls"), "{answer}");
}

#[tokio::test]
async fn the_configurations_ca_bundle_is_trusted_by_http2_connections_too() {
    let ca = TestCa::new();
    let server = H2Server::start(Some(ca.server_config(&["localhost"])), describe).await;
    let dir = std::env::temp_dir().join(format!("leansdk-h2-ca-{}", server.port));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, &ca.pem).unwrap();
    let config = config_from(&[("AWS_CA_BUNDLE", bundle.to_str().unwrap())]).await;
    let client = config.http_client().unwrap();
    let url = format!("https://localhost:{}/stream", server.port);
    let response = client.send(post(url, "bundle")).await.unwrap();
    let body = response.collect().await.unwrap().body;
    assert!(
        body.ends_with(b"body=bundle"),
        "{}",
        String::from_utf8_lossy(&body)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn https_through_a_proxy_goes_through_its_connect_tunnel() {
    let ca = TestCa::new();
    let server = H2Server::start(Some(ca.server_config(&["endpoint.test"])), describe).await;
    let proxy = TestProxy::start(None).await;
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let client = HyperClient::builder()
        .trust(TrustConfig::default().add_pem(ca.pem.clone()))
        .proxy(ProxyConfig::new().all(&proxy_url).unwrap())
        .build();
    let url = format!("https://endpoint.test:{}/stream", server.port);
    let answer = text(&client, post(url, "tunnelled")).await;
    assert!(
        answer.starts_with("HTTP/2.0 POST endpoint.test:"),
        "{answer}"
    );
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let connect = format!("CONNECT endpoint.test:{} HTTP/1.1\r\n", server.port);
    assert!(heads[0].starts_with(&connect), "{heads:?}");
}

/// A proxy forwards HTTP/1.1 requests only: HTTP/2 to an `http://` endpoint tunnels too.
#[tokio::test]
async fn http_through_a_proxy_goes_through_its_connect_tunnel_too() {
    let server = H2Server::start(None, describe).await;
    let proxy = TestProxy::start(None).await;
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let client = HyperClient::builder()
        .proxy(ProxyConfig::new().http(&proxy_url).unwrap())
        .build();
    let url = format!("http://emulator.test:{}/stream", server.port);
    let answer = text(&client, post(url, "tunnelled")).await;
    assert!(
        answer.starts_with("HTTP/2.0 POST emulator.test:"),
        "{answer}"
    );
    let connect = format!("CONNECT emulator.test:{} HTTP/1.1\r\n", server.port);
    assert!(
        proxy.heads()[0].starts_with(&connect),
        "{:?}",
        proxy.heads()
    );
}

/// The first request chunk is answered with the first response chunk before the client has
/// written the second: the request body is still open while the response body is read.
#[tokio::test]
async fn the_response_streams_while_the_request_body_is_still_being_sent() {
    const FIRST: &[u8] = b"first event;";
    const SECOND: &[u8] = b"second event;";
    let server = H2Server::start(None, |request: Request<Incoming>| async move {
        let (mut sender, body) = http_body_util::channel::Channel::<Bytes, Infallible>::new(1);
        tokio::spawn(async move {
            let mut request = request.into_body();
            let mut received = Vec::new();
            let mut expected = [FIRST, SECOND].into_iter().peekable();
            while let Some(frame) = request.frame().await {
                if let Ok(data) = frame.unwrap().into_data() {
                    received.extend_from_slice(&data);
                }
                // One answer per whole chunk received, naming it.
                while let Some(chunk) = expected.next_if(|chunk| received.starts_with(chunk)) {
                    received.drain(..chunk.len());
                    let answer = format!("got {};", String::from_utf8_lossy(&chunk[..6]));
                    sender.send_data(answer.into()).await.unwrap();
                }
            }
        });
        Response::new(body.boxed())
    })
    .await;
    let (mut events, reader) = tokio::io::duplex(64);
    let length = (FIRST.len() + SECOND.len()) as u64;
    let url = format!("http://127.0.0.1:{}/duplex", server.port);
    let request = post(url, ByteStream::from_reader(reader, length));
    events.write_all(FIRST).await.unwrap();

    let client = HyperClient::new(Duration::from_secs(5));
    let mut first = [0; b"got first ;".len()];
    // Bounded only so that a client that waits for the whole request body fails instead of
    // hanging the suite.
    let mut body = tokio::time::timeout(Duration::from_secs(60), async {
        let response = client.send(request).await.expect("the response starts");
        assert_eq!(response.status, 200);
        let mut body = response.body;
        body.read_exact(&mut first).await.unwrap();
        body
    })
    .await
    .expect("the first answer arrives while the request body is open");
    assert_eq!(&first, b"got first ;");

    // Only now is the second chunk written, and the request body ended.
    events.write_all(SECOND).await.unwrap();
    drop(events);
    let mut rest = Vec::new();
    body.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"got second;");
}

/// The server answers neither request until both have arrived: with one connection for
/// each, as HTTP/1.1 would need, the count says so.
#[tokio::test]
async fn concurrent_requests_share_one_connection() {
    let both_arrived = Arc::new(tokio::sync::Barrier::new(2));
    let server = H2Server::start(None, move |request: Request<Incoming>| {
        let both_arrived = Arc::clone(&both_arrived);
        async move {
            both_arrived.wait().await;
            Response::new(full(request.uri().path().to_owned()))
        }
    })
    .await;
    let client = HyperClient::new(Duration::from_secs(5));
    let url = |path: &str| format!("http://127.0.0.1:{}{path}", server.port);
    let (a, b) = tokio::join!(
        text(&client, post(url("/a"), "")),
        text(&client, post(url("/b"), "")),
    );
    assert_eq!((a.as_str(), b.as_str()), ("/a", "/b"));
    assert_eq!(server.connections(), 1);
    // And the next request too.
    let (c, d) = tokio::join!(
        text(&client, post(url("/c"), "")),
        text(&client, post(url("/d"), "")),
    );
    assert_eq!((c.as_str(), d.as_str()), ("/c", "/d"));
    assert_eq!(server.connections(), 1);
}

/// A TCP relay on 127.0.0.1 to a server's port. `close_connections` closes the relayed
/// connections towards the client, as a server closing them would, and returns once the
/// client has closed its end too: once it has noticed.
struct Relay {
    port: u16,
    accepted: Arc<AtomicUsize>,
    close: Arc<tokio::sync::Notify>,
    closed: tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<()>>,
}

impl Relay {
    async fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let close = Arc::new(tokio::sync::Notify::new());
        let (closed_tx, closed) = tokio::sync::mpsc::unbounded_channel();
        let (counted, notified) = (Arc::clone(&accepted), Arc::clone(&close));
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let mut server = TcpStream::connect(("127.0.0.1", upstream)).await.unwrap();
                let (close, closed_tx) = (Arc::clone(&notified), closed_tx.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => return,
                        _ = close.notified() => {}
                    }
                    let _ = client.shutdown().await;
                    let mut rest = [0; 1024];
                    while client.read(&mut rest).await.is_ok_and(|read| read > 0) {}
                    let _ = closed_tx.send(());
                });
            }
        });
        Self {
            port,
            accepted,
            close,
            closed: tokio::sync::Mutex::new(closed),
        }
    }

    /// Closes the one open connection.
    async fn close_connection(&self) {
        self.close.notify_waiters();
        self.closed.lock().await.recv().await.unwrap();
    }

    pub(crate) fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

#[tokio::test]
async fn a_connection_the_server_closed_is_replaced() {
    let server = H2Server::start(None, describe).await;
    let relay = Relay::start(server.port).await;
    let client = HyperClient::new(Duration::from_secs(5));
    let url = format!("http://127.0.0.1:{}/stream", relay.port);
    assert!(
        text(&client, post(url.clone(), "one"))
            .await
            .ends_with("body=one")
    );
    relay.close_connection().await;
    assert!(text(&client, post(url, "two")).await.ends_with("body=two"));
    assert_eq!(relay.connections(), 2);
}

#[tokio::test]
async fn the_connect_timeout_bounds_a_tls_handshake_that_never_ends() {
    // Connections complete in the kernel's backlog, and nothing ever answers the handshake.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let client = HyperClient::new(Duration::from_millis(200));
    let url = format!("https://localhost:{port}/stream");
    let error = client.send(post(url, "x")).await.unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Timeout, "{error}");
}

#[tokio::test]
async fn requests_without_needs_http2_keep_http1() {
    let server = leansdk_tests::server::TestServer::start(vec![
        leansdk_tests::server::Reply::status(200).body("plain"),
    ])
    .await;
    let client = HyperClient::new(Duration::from_secs(5));
    let mut request = post(format!("{}/plain", server.url()), "x");
    request.needs_http2 = false;
    assert_eq!(text(&client, request).await, "plain");
}

/// A TLS server speaking HTTP/1.1 only: offering `alpn` (or no ALPN at all).
async fn http1_tls_server(ca: &TestCa, alpn: Option<&[u8]>) -> u16 {
    let mut config = ca.server_config(&["localhost"]);
    config.alpn_protocols = alpn.into_iter().map(<[u8]>::to_vec).collect();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut head = [0; 1024];
                    let _ = tls.read(&mut head).await;
                    let answer = "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
                    let _ = tls.write_all(answer.as_bytes()).await;
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn a_tls_server_that_will_not_speak_h2_is_an_unsupported_error() {
    let ca = TestCa::new();
    let client = HyperClient::builder()
        .trust(TrustConfig::default().add_pem(ca.pem.clone()))
        .build();
    // One refuses the handshake (no protocol in common), one completes it choosing none.
    let refusing = http1_tls_server(&ca, Some(b"http/1.1")).await;
    let ignoring = http1_tls_server(&ca, None).await;
    for (port, says) in [
        (
            refusing,
            "speaks none of the protocols offered by TLS ALPN (h2)",
        ),
        (
            ignoring,
            "did not negotiate HTTP/2 over TLS (ALPN h2: it chose no protocol)",
        ),
    ] {
        let url = format!("https://localhost:{port}/stream");
        let error = client.send(post(url, "x")).await.unwrap_err();
        assert_eq!(error.kind(), ConnectorErrorKind::Unsupported, "{error}");
        let message = error.to_string();
        assert!(message.contains(&format!("localhost:{port}")), "{message}");
        assert!(message.contains(says), "{message}");
    }
    // The same servers still answer HTTP/1.1 requests.
    let mut plain = post(format!("https://localhost:{refusing}/"), "x");
    plain.needs_http2 = false;
    assert_eq!(client.send(plain).await.unwrap().status, 400);
}
