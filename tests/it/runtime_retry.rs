//! Retries, the retry quota, backoff hints and timeouts, against a local server. Backoff
//! delays are recorded by `RecordingSleep` instead of waited for; timeouts are short and
//! the assertions are about which error came back, never about how long it took.

use std::time::Duration;

use leansdk_customerprofiles::Client;
use leansdk_runtime::auth::credentials::Credentials;
use leansdk_runtime::config::retry::RetryConfig;
use leansdk_runtime::config::{Config, TimeoutConfig};
use leansdk_runtime::error::{ProvideErrorMetadata, SdkError, TimeoutKind};
use leansdk_runtime::http::ConnectorErrorKind;
use leansdk_tests::config::ACCESS_KEY;
use leansdk_tests::doubles::RecordingSleep;
use leansdk_tests::get_workflow::input;
use leansdk_tests::server::{Reply, TestServer, refused_url};

fn retrying_client(
    endpoint_url: &str,
    retry: RetryConfig,
    timeout: TimeoutConfig,
) -> (Client, RecordingSleep) {
    let sleep = RecordingSleep::default();
    let config = leansdk_tests::config::local(endpoint_url)
        .retry_config(retry)
        .timeout_config(timeout)
        .sleep_impl(sleep.clone())
        .build();
    (Client::new(&config), sleep)
}

fn standard(endpoint_url: &str) -> (Client, RecordingSleep) {
    retrying_client(
        endpoint_url,
        RetryConfig::standard(),
        TimeoutConfig::default(),
    )
}

fn ok() -> Reply {
    Reply::json(200, r#"{"WorkflowId":"wf"}"#)
}

#[tokio::test]
async fn throttling_is_retried_then_succeeds() {
    let server =
        TestServer::start(vec![Reply::json(429, r#"{"message":"slow down"}"#), ok()]).await;
    let (client, sleep) = standard(&server.url());

    let output = input().send_with(&client).await.unwrap();
    assert_eq!(output.workflow_id.as_deref(), Some("wf"));
    assert_eq!(server.requests().len(), 2);
    let delays = sleep.delays();
    assert_eq!(delays.len(), 1);
    // Full jitter under the first ceiling (initial backoff, 1 s).
    assert!(delays[0] <= Duration::from_secs(1), "{delays:?}");
}

#[tokio::test]
async fn throttling_error_code_with_400_is_retried() {
    let server = TestServer::start(vec![
        Reply::json(400, r#"{"__type":"ThrottlingException"}"#),
        ok(),
    ])
    .await;
    let (client, _) = standard(&server.url());
    input().send_with(&client).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn server_error_is_retried_then_succeeds_with_a_fresh_signature() {
    let server = TestServer::start(vec![Reply::status(500), ok()]).await;
    let (client, _) = standard(&server.url());

    input().send_with(&client).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // Every attempt is signed on its own.
    assert!(requests.iter().all(|r| r.header("authorization").is_some()));
    assert_eq!(requests[0].path, requests[1].path);
}

#[tokio::test]
async fn gives_up_after_max_attempts_with_the_last_error() {
    let server = TestServer::start(
        (1..=3)
            .map(|i| Reply::json(503, "{}").header("x-amzn-requestid", &format!("req-{i}")))
            .collect(),
    )
    .await;
    let (client, sleep) = standard(&server.url());

    let error = input().send_with(&client).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleep.delays().len(), 2);
    assert_eq!(error.raw_response().map(|r| r.status), Some(503));
    assert_eq!(error.request_id(), Some("req-3"));
    // Second backoff ceiling is 2 s.
    assert!(sleep.delays()[1] <= Duration::from_secs(2));
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 403, 404] {
        let server = TestServer::start(vec![
            Reply::json(status, r#"{"code":"BadRequestException","message":"bad"}"#),
            ok(),
        ])
        .await;
        let (client, sleep) = standard(&server.url());
        let error = input().send_with(&client).await.unwrap_err();
        assert_eq!(
            error.as_service_error().and_then(|e| e.code()),
            Some("BadRequestException")
        );
        assert_eq!(server.requests().len(), 1, "status {status}");
        assert!(sleep.delays().is_empty());
    }
}

#[tokio::test]
async fn empty_retry_quota_stops_retrying() {
    let server = TestServer::start((0..5).map(|_| Reply::status(500)).collect()).await;
    // 7 tokens pay for one retry (5 each), not two.
    let retry = RetryConfig::standard()
        .with_max_attempts(5)
        .with_quota_capacity(7);
    let (client, sleep) = retrying_client(&server.url(), retry, TimeoutConfig::default());

    let error = input().send_with(&client).await.unwrap_err();
    assert_eq!(error.raw_response().map(|r| r.status), Some(500));
    assert_eq!(server.requests().len(), 2);
    assert_eq!(sleep.delays().len(), 1);

    // The quota belongs to the client: the next call gets no retry at all.
    input().send_with(&client).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn retry_after_hint_sets_the_delay_and_is_capped() {
    let server = TestServer::start(vec![
        Reply::status(503).header("x-amz-retry-after", "1234"),
        Reply::status(503).header("x-amz-retry-after", "3600000"),
        ok(),
    ])
    .await;
    let retry = RetryConfig::standard().with_max_backoff(Duration::from_secs(5));
    let (client, sleep) = retrying_client(&server.url(), retry, TimeoutConfig::default());

    input().send_with(&client).await.unwrap();
    assert_eq!(
        sleep.delays(),
        vec![Duration::from_millis(1234), Duration::from_secs(5)]
    );
}

#[tokio::test]
async fn connection_refused_is_a_dispatch_error_after_retries() {
    let (client, sleep) = standard(&refused_url());

    let error = input().send_with(&client).await.unwrap_err();
    match &error {
        SdkError::Dispatch(e) => assert_eq!(e.kind(), ConnectorErrorKind::Connect),
        other => panic!("expected a dispatch error, got {other:?}"),
    }
    // Connection failures are retryable: all three attempts were made.
    assert_eq!(sleep.delays().len(), 2);
    assert!(error.to_string().contains("dispatch failure"), "{error}");
}

#[tokio::test]
async fn attempt_timeout_is_retried_and_reported() {
    let server = TestServer::start(vec![Reply::never(), Reply::never(), ok()]).await;
    let timeout = TimeoutConfig::default().with_attempt(Duration::from_millis(200));
    let (client, _) = retrying_client(&server.url(), RetryConfig::standard(), timeout);
    input().send_with(&client).await.unwrap();
    assert_eq!(server.requests().len(), 3);

    let server = TestServer::start(vec![Reply::never()]).await;
    let (client, _) = retrying_client(&server.url(), RetryConfig::disabled(), timeout);
    let error = input().send_with(&client).await.unwrap_err();
    match &error {
        SdkError::Timeout(e) => assert_eq!(e.kind(), TimeoutKind::Attempt),
        other => panic!("expected an attempt timeout, got {other:?}"),
    }
    assert!(error.to_string().contains("attempt timeout"), "{error}");
}

#[tokio::test]
async fn operation_timeout_covers_all_attempts() {
    let server = TestServer::start(vec![Reply::never()]).await;
    let timeout = TimeoutConfig::default().with_operation(Duration::from_millis(300));
    let (client, _) = retrying_client(&server.url(), RetryConfig::standard(), timeout);

    let error = input().send_with(&client).await.unwrap_err();
    match &error {
        SdkError::Timeout(e) => assert_eq!(e.kind(), TimeoutKind::Operation),
        other => panic!("expected an operation timeout, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

/// The `Credential=` scope of a recorded request's signature: key and region.
fn signed_as(request: &leansdk_tests::server::RecordedRequest) -> (String, String) {
    let authorization = request.header("authorization").expect("a signed request");
    let credential = authorization
        .split("Credential=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("Credential=");
    let parts: Vec<&str> = credential.split('/').collect();
    (parts[0].to_owned(), parts[2].to_owned())
}

#[tokio::test]
async fn a_config_override_changes_one_call_and_nothing_else() {
    let server = TestServer::start(vec![
        ok(),
        Reply::json(500, r#"{"message":"down"}"#),
        Reply::json(500, r#"{"message":"down"}"#),
        ok(),
    ])
    .await;
    let other = TestServer::start(vec![ok()]).await;
    let (client, sleep) = standard(&server.url());
    let call = || client.get_workflow().domain_name("d").workflow_id("w");

    // Another region and key for one call.
    call()
        .config_override(
            Config::builder()
                .region("eu-west-1")
                .credentials(Credentials::new("AKIDOVERRIDE", "OTHER", None, None)),
        )
        .send()
        .await
        .unwrap();
    // One attempt only for this call: the 500 is not retried.
    let error = call()
        .config_override(
            Config::builder().retry_config(RetryConfig::standard().with_max_attempts(1)),
        )
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, SdkError::Service(_)), "{error}");
    assert!(sleep.delays().is_empty(), "{:?}", sleep.delays());
    // Another endpoint for one call.
    call()
        .config_override(Config::builder().endpoint_url(other.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(other.requests().len(), 1);
    // The client itself is as it was: its region, its key, its three attempts.
    call().send().await.unwrap();
    assert_eq!(
        sleep.delays().len(),
        1,
        "the 500 is retried once more, then succeeds"
    );
    assert_eq!(client.config().region(), Some("us-east-1"));

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(
        signed_as(&requests[0]),
        ("AKIDOVERRIDE".to_owned(), "eu-west-1".to_owned())
    );
    for request in &requests[1..] {
        assert_eq!(
            signed_as(request),
            (ACCESS_KEY.to_owned(), "us-east-1".to_owned())
        );
    }
}
