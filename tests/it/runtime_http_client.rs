//! The default HTTP client (`HyperClient`) against the local server: keep-alive reuse,
//! connections the server closes, and how failures to connect are reported.

use std::time::Duration;

use leansdk_customerprofiles::Client;
use leansdk_runtime::http::{
    ByteStream, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpResponse,
    HyperClient,
};
use leansdk_tests::get_workflow::input;
use leansdk_tests::server::{Reply, TestServer, refused_url};

fn client() -> HyperClient {
    HyperClient::new(Duration::from_secs(5))
}

fn get(url: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".to_owned(),
        url: url.to_owned(),
        ..HttpRequest::default()
    }
}

/// The body, read to the end (which returns the connection to the pool).
async fn body_of(result: Result<HttpResponse<ByteStream>, ConnectorError>) -> String {
    let response = result.expect("the call succeeds");
    let response = response.collect().await.expect("the body is read");
    String::from_utf8(response.body).expect("UTF-8 body")
}

#[tokio::test]
async fn sequential_calls_share_one_connection() {
    let server = TestServer::start(vec![
        Reply::status(200).body("one"),
        Reply::status(200).body("two"),
        Reply::status(200).body("three"),
    ])
    .await;
    let client = client();
    for expected in ["one", "two", "three"] {
        let response = client.send(get(&format!("{}/x", server.url()))).await;
        assert_eq!(body_of(response).await, expected);
    }
    assert_eq!(server.connections(), 1);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn clones_share_the_pool() {
    let server = TestServer::start(vec![Reply::status(200), Reply::status(200)]).await;
    let first = client();
    let second = first.clone();
    body_of(first.send(get(&server.url())).await).await;
    body_of(second.send(get(&server.url())).await).await;
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn requests_carry_host_target_and_body_length() {
    let server = TestServer::start(vec![Reply::status(204)]).await;
    let mut request = HttpRequest {
        method: "POST".to_owned(),
        url: format!("{}/domains/d%20x/workflows?max-results=2", server.url()),
        body: br#"{"a":1}"#.to_vec().into(),
        ..HttpRequest::default()
    };
    request.headers.insert("Content-Type", "application/json");
    request.headers.append("X-Repeated", "1");
    request.headers.append("X-Repeated", "2");

    let response = client().send(request).await.unwrap();
    assert_eq!(response.status, 204);

    let received = &server.requests()[0];
    assert_eq!(received.method, "POST");
    assert_eq!(received.path, "/domains/d%20x/workflows?max-results=2");
    let host = server.url().trim_start_matches("http://").to_owned();
    assert_eq!(received.header("host"), Some(host.as_str()));
    assert_eq!(received.header("content-length"), Some("7"));
    assert_eq!(received.header("content-type"), Some("application/json"));
    let repeated: Vec<_> = received
        .headers
        .iter()
        .filter(|(name, _)| name == "x-repeated")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(repeated, ["1", "2"]);
    assert_eq!(received.body, br#"{"a":1}"#);
}

#[tokio::test]
async fn responses_are_read_whole_with_every_header() {
    let body = "x".repeat(256 * 1024);
    let server = TestServer::start(vec![
        Reply::status(404)
            .header("X-Amzn-RequestId", "req-1")
            .header("Set-Cookie", "a=1")
            .header("Set-Cookie", "b=2")
            .body(body.clone()),
    ])
    .await;
    let response = client().send(get(&server.url())).await.unwrap();
    assert_eq!(response.status, 404);
    assert_eq!(response.headers.get("x-amzn-requestid"), Some("req-1"));
    let cookies: Vec<_> = response.headers.get_all("set-cookie").collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
    assert_eq!(response.body.content_length(), Some(body.len() as u64));
    let response = response.collect().await.unwrap();
    assert_eq!(response.body.len(), body.len());
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_replaced_without_error() {
    let server = TestServer::start(vec![
        Reply::status(200).body("before"),
        Reply::status(200).body("after"),
    ])
    .await;
    let client = client();
    assert_eq!(
        body_of(client.send(get(&server.url())).await).await,
        "before"
    );

    server.close_connections().await;

    assert_eq!(
        body_of(client.send(get(&server.url())).await).await,
        "after"
    );
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_request_received_on_a_reused_connection_is_not_sent_again_when_it_drops() {
    let server = TestServer::start(vec![
        Reply::status(200).body("first"),
        Reply::hang_up(),
        Reply::status(200).body("must not be asked for"),
    ])
    .await;
    let client = client();
    assert_eq!(
        body_of(client.send(get(&server.url())).await).await,
        "first"
    );

    // The server has the request: sending it again is for the retry policy to decide.
    let error = client.send(get(&server.url())).await.unwrap_err();

    assert_eq!(error.kind(), ConnectorErrorKind::Io, "{error}");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_new_connection_dropped_before_any_response_is_an_io_error_for_the_orchestrator() {
    let server = TestServer::start(vec![Reply::hang_up(), Reply::status(200)]).await;

    let error = client().send(get(&server.url())).await.unwrap_err();

    assert_eq!(error.kind(), ConnectorErrorKind::Io, "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_naming_the_address() {
    let url = refused_url();

    let error = client().send(get(&url)).await.unwrap_err();

    assert_eq!(error.kind(), ConnectorErrorKind::Connect, "{error}");
    let address = url.trim_start_matches("http://");
    assert!(error.to_string().contains(address), "{error}");
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_connect_error() {
    let server = TestServer::start(vec![]).await;
    let url = server.url().replace("http://", "https://");

    let error = client().send(get(&url)).await.unwrap_err();

    assert_eq!(error.kind(), ConnectorErrorKind::Connect, "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn unsupported_schemes_are_invalid_requests() {
    let error = client().send(get("ftp://127.0.0.1/")).await.unwrap_err();
    assert_eq!(error.kind(), ConnectorErrorKind::InvalidRequest, "{error}");
}

/// A listener whose accept queue is full: Linux drops further SYNs, so connecting hangs
/// until the connect timeout (other systems may refuse instead).
#[cfg(target_os = "linux")]
#[tokio::test]
async fn connect_timeout_bounds_a_connection_that_is_never_accepted() {
    use tokio::net::{TcpSocket, TcpStream};

    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    let _listener = socket.listen(0).unwrap();
    // Fill the queue: connect until one does not complete.
    let mut queued = Vec::new();
    for _ in 0..16 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => queued.push(stream),
            _ => break,
        }
    }

    let client = HyperClient::new(Duration::from_millis(100));
    let error = client
        .send(get(&format!("http://{addr}/")))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ConnectorErrorKind::Timeout, "{error}");
}

#[tokio::test]
async fn the_sdk_client_uses_one_connection_for_sequential_operations() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"WorkflowId":"a"}"#),
        Reply::json(200, r#"{"WorkflowId":"b"}"#),
    ])
    .await;
    // No `http_client`: the config's default client.
    let config = leansdk_tests::config::local(server.url()).build();
    let client = Client::new(&config);

    for expected in ["a", "b"] {
        let output = input().send_with(&client).await.unwrap();
        assert_eq!(output.workflow_id.as_deref(), Some(expected));
    }
    assert_eq!(server.connections(), 1);
}
