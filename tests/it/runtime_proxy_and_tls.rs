//! The default client in the networks users run in: through an HTTP proxy on 127.0.0.1
//! (`CONNECT` tunnels for https, absolute-form requests for http, Basic credentials,
//! `NO_PROXY`), trusting a certificate authority the test makes, and refusing servers whose
//! certificate is not trusted or not for the host.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use leansdk_runtime::config::Config;
use leansdk_runtime::config::env::Env;
use leansdk_runtime::http::{
    ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HyperClient, ProxyConfig,
    TrustConfig,
};
use leansdk_tests::server::{Reply, TestServer, refused_url};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A certificate authority of the test's own: no system or Mozilla root knows it.
pub(crate) struct TestCa {
    pub(crate) pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl TestCa {
    pub(crate) fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let pem = params.self_signed(&key).unwrap().pem();
        Self {
            pem,
            issuer: Issuer::new(params, key),
        }
    }

    /// A TLS server config whose certificate this CA signed for `names`.
    pub(crate) fn server_config(&self, names: &[&str]) -> rustls::ServerConfig {
        let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        let key = KeyPair::generate().unwrap();
        let certificate = CertificateParams::new(names)
            .unwrap()
            .signed_by(&key, &self.issuer)
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(certificate.der().to_vec())],
                PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap()
    }
}

/// Reads up to the blank line that ends a request head, byte by byte so that nothing after
/// it (a tunnelled TLS handshake) is consumed.
async fn read_head(stream: &mut (impl AsyncRead + Unpin)) -> String {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read_u8().await {
            Ok(byte) => head.push(byte),
            Err(_) => break,
        }
    }
    String::from_utf8(head).unwrap()
}

type Heads = Arc<Mutex<Vec<String>>>;

/// An https server on 127.0.0.1 answering `200 secure` to each request (one per
/// connection); returns its port and the request heads it received.
async fn tls_server(config: rustls::ServerConfig) -> (u16, Heads) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = Heads::default();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let recorded = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, recorded) = (acceptor.clone(), Arc::clone(&recorded));
            tokio::spawn(async move {
                // A handshake the client aborts (untrusted certificate) ends here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let head = read_head(&mut tls).await;
                recorded.lock().unwrap().push(head);
                let answer =
                    "HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\nsecure";
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, heads)
}

/// An HTTP proxy on 127.0.0.1: tunnels `CONNECT` to the named port of 127.0.0.1 whatever
/// the host (which only the proxy would resolve), or answers `refusal` instead; answers
/// absolute-form requests itself with `200 proxied`. Records every request head.
pub(crate) struct TestProxy {
    pub(crate) port: u16,
    heads: Heads,
}

impl TestProxy {
    pub(crate) async fn start(refusal: Option<&'static str>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Heads::default();
        let recorded = Arc::clone(&heads);
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let recorded = Arc::clone(&recorded);
                tokio::spawn(async move {
                    let head = read_head(&mut client).await;
                    recorded.lock().unwrap().push(head.clone());
                    let target = head
                        .strip_prefix("CONNECT ")
                        .and_then(|rest| rest.split(' ').next());
                    let Some(target) = target else {
                        let answer = "HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\nproxied";
                        let _ = client.write_all(answer.as_bytes()).await;
                        return;
                    };
                    if let Some(refusal) = refusal {
                        let _ = client.write_all(refusal.as_bytes()).await;
                        return;
                    }
                    let port: u16 = target.rsplit(':').next().unwrap().parse().unwrap();
                    let mut upstream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                    let established = b"HTTP/1.1 200 Connection established\r\n\r\n";
                    client.write_all(established).await.unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                });
            }
        });
        Self { port, heads }
    }

    fn url_with_credentials(&self) -> String {
        format!("http://proxy%20user:p%40ss@127.0.0.1:{}", self.port)
    }

    pub(crate) fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

/// base64("proxy user:p@ss"): the URL's percent-encoded userinfo, decoded.
const PROXY_AUTHORIZATION: &str = "Proxy-Authorization: Basic cHJveHkgdXNlcjpwQHNz\r\n";

fn get(url: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".to_owned(),
        url: url.to_owned(),
        ..HttpRequest::default()
    }
}

async fn body(client: &dyn HttpClient, url: &str) -> Result<String, ConnectorError> {
    let response = client.send(get(url)).await?;
    assert_eq!(response.status, 200);
    let response = response.collect().await.expect("the body is read");
    Ok(String::from_utf8(response.body).unwrap())
}

fn trusting(ca: &TestCa) -> HyperClient {
    HyperClient::builder()
        .trust(TrustConfig::default().add_pem(ca.pem.clone()))
        .build()
}

/// A configuration read from exactly `vars` (no profile files, no instance metadata).
pub(crate) async fn config_from(vars: &[(&str, &str)]) -> Config {
    let mut vars = vars.to_vec();
    vars.push(("AWS_EC2_METADATA_DISABLED", "true"));
    Config::from_env()
        .env(Env::from_vars(vars))
        .load()
        .await
        .expect("the configuration loads")
}

#[tokio::test]
async fn https_goes_through_a_connect_tunnel_with_the_proxys_credentials() {
    let ca = TestCa::new();
    let (port, server_heads) = tls_server(ca.server_config(&["endpoint.test"])).await;
    let proxy = TestProxy::start(None).await;
    let client = HyperClient::builder()
        .trust(TrustConfig::default().add_pem(ca.pem.clone()))
        .proxy(
            ProxyConfig::new()
                .all(&proxy.url_with_credentials())
                .unwrap(),
        )
        .build();
    // The endpoint's name is never resolved by the client: only the proxy is connected to.
    let url = format!("https://endpoint.test:{port}/workflows?x=1");
    assert_eq!(body(&client, &url).await.unwrap(), "secure");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with(&format!("CONNECT endpoint.test:{port} HTTP/1.1\r\n")),
        "{heads:?}"
    );
    assert!(heads[0].contains(PROXY_AUTHORIZATION), "{heads:?}");
    // The endpoint sees an ordinary origin-form request, and never the proxy's password.
    let server_heads = server_heads.lock().unwrap().clone();
    assert!(
        server_heads[0].starts_with("GET /workflows?x=1 HTTP/1.1\r\n"),
        "{server_heads:?}"
    );
    assert!(
        !server_heads[0]
            .to_ascii_lowercase()
            .contains("proxy-authorization")
    );
    assert!(!format!("{client:?}").contains("p%40ss"), "{client:?}");
}

#[tokio::test]
async fn http_goes_to_the_proxy_in_absolute_form() {
    let proxy = TestProxy::start(None).await;
    let client = HyperClient::builder()
        .proxy(
            ProxyConfig::new()
                .http(&proxy.url_with_credentials())
                .unwrap(),
        )
        .build();
    // The endpoint's host is never resolved: only the proxy is connected to.
    let answer = body(&client, "http://endpoint.invalid:8080/a?b=1")
        .await
        .unwrap();
    assert_eq!(answer, "proxied");
    let heads = proxy.heads();
    assert!(
        heads[0].starts_with("GET http://endpoint.invalid:8080/a?b=1 HTTP/1.1\r\n"),
        "{heads:?}"
    );
    assert!(
        heads[0].contains("host: endpoint.invalid:8080\r\n"),
        "{heads:?}"
    );
    // hyper writes header names in lowercase.
    let authorization = PROXY_AUTHORIZATION.replace("Proxy-Authorization", "proxy-authorization");
    assert!(heads[0].contains(&authorization), "{heads:?}");
}

#[tokio::test]
async fn the_environment_sets_proxies_and_the_ca_bundle() {
    let ca = TestCa::new();
    let (port, _) = tls_server(ca.server_config(&["localhost"])).await;
    let proxy = TestProxy::start(None).await;
    let dir = std::env::temp_dir().join(format!("leansdk-ca-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, &ca.pem).unwrap();
    let proxy_url = proxy.url_with_credentials();
    let config = config_from(&[
        ("https_proxy", &proxy_url),
        ("AWS_CA_BUNDLE", bundle.to_str().unwrap()),
    ])
    .await;
    let client = config.http_client().unwrap();
    let url = format!("https://localhost:{port}/");
    assert_eq!(body(client.as_ref(), &url).await.unwrap(), "secure");
    assert!(proxy.heads()[0].contains(PROXY_AUTHORIZATION));
    assert!(!format!("{config:?}").contains("p%40ss"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn no_proxy_hosts_are_reached_directly() {
    let server = TestServer::start(vec![Reply::status(200).body("direct")]).await;
    let unreachable_proxy = refused_url();
    let config = config_from(&[
        ("HTTP_PROXY", &unreachable_proxy),
        ("NO_PROXY", "example.com, 127.0.0.0/8"),
    ])
    .await;
    let client = config.http_client().unwrap();
    assert_eq!(
        body(client.as_ref(), &server.url()).await.unwrap(),
        "direct"
    );
    // Without the entry the same request goes to the (refusing) proxy.
    let config = config_from(&[("HTTP_PROXY", &unreachable_proxy)]).await;
    let error = body(config.http_client().unwrap().as_ref(), &server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Connect);
    assert!(error.to_string().contains("proxy 127.0.0.1:"), "{error}");
}

#[tokio::test]
async fn a_refused_tunnel_is_a_connect_error_without_credentials() {
    let proxy = TestProxy::start(Some("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")).await;
    let client = HyperClient::builder()
        .proxy(
            ProxyConfig::new()
                .https(&proxy.url_with_credentials())
                .unwrap(),
        )
        .build();
    let error = body(&client, "https://localhost:1/").await.unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Connect);
    let message = error.to_string();
    assert!(
        message.contains("CONNECT to localhost:1 refused: HTTP/1.1 407"),
        "{message}"
    );
    assert!(
        !message.contains("p@ss") && !message.contains("cHJveHk"),
        "{message}"
    );
}

#[tokio::test]
async fn an_unusable_proxy_variable_fails_requests_instead_of_bypassing_the_proxy() {
    let server = TestServer::start(vec![Reply::status(200)]).await;
    let config = config_from(&[("HTTP_PROXY", "socks5://user:secret@127.0.0.1:1080")]).await;
    let error = body(config.http_client().unwrap().as_ref(), &server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::InvalidRequest);
    let message = error.to_string();
    assert!(
        message.contains("HTTP_PROXY is not a usable proxy URL"),
        "{message}"
    );
    assert!(!message.contains("secret"), "{message}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_server_of_an_unknown_ca_is_refused() {
    let ca = TestCa::new();
    let (port, heads) = tls_server(ca.server_config(&["localhost"])).await;
    let url = format!("https://localhost:{port}/");
    let error = body(&HyperClient::new(Duration::from_secs(5)), &url)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Connect);
    assert!(
        error
            .to_string()
            .contains("invalid peer certificate: UnknownIssuer"),
        "{error}"
    );
    // Another CA's certificates do not help either (of the same name, as rcgen names
    // every CA alike: its signature is what fails).
    let error = body(&trusting(&TestCa::new()), &url).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("invalid peer certificate: BadSignature"),
        "{error}"
    );
    assert!(heads.lock().unwrap().is_empty());
    assert_eq!(body(&trusting(&ca), &url).await.unwrap(), "secure");
}

#[tokio::test]
async fn a_certificate_for_another_host_is_refused() {
    let ca = TestCa::new();
    let (port, heads) = tls_server(ca.server_config(&["other.example"])).await;
    let error = body(&trusting(&ca), &format!("https://localhost:{port}/"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Connect);
    assert!(
        error.to_string().contains("certificate not valid for name"),
        "{error}"
    );
    assert!(heads.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_unreadable_ca_bundle_fails_https_naming_the_setting() {
    let config = config_from(&[("AWS_CA_BUNDLE", "/nonexistent/leansdk-ca.pem")]).await;
    let error = body(
        config.http_client().unwrap().as_ref(),
        "https://localhost:1/",
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::Connect);
    let message = error.to_string();
    assert!(
        message.contains("cannot read the CA bundle AWS_CA_BUNDLE (/nonexistent/leansdk-ca.pem)"),
        "{message}"
    );
}

#[tokio::test]
async fn the_pool_keeps_as_many_idle_connections_as_configured() {
    for (max_idle, connections) in [(16, 1), (0, 2)] {
        let server = TestServer::start(vec![Reply::status(200), Reply::status(200)]).await;
        let config = Config::builder().pool_max_idle_per_origin(max_idle).build();
        let client = config.http_client().unwrap();
        for _ in 0..2 {
            body(client.as_ref(), &server.url()).await.unwrap();
        }
        assert_eq!(server.connections(), connections, "max idle {max_idle}");
    }
}

#[tokio::test]
async fn idle_connections_older_than_the_timeout_are_not_reused() {
    let server = TestServer::start(vec![Reply::status(200), Reply::status(200)]).await;
    let config = Config::builder().pool_idle_timeout(Duration::ZERO).build();
    let client = config.http_client().unwrap();
    for _ in 0..2 {
        body(client.as_ref(), &server.url()).await.unwrap();
    }
    assert_eq!(server.connections(), 2);
}
