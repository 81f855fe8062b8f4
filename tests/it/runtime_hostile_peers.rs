//! What a hostile or broken peer (or a mistyped setting) must not cause: the generated
//! `GetWorkflow` against scripted servers on 127.0.0.1, and against raw TCP peers that
//! answer with bytes no HTTP server would send.

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use leansdk_customerprofiles::error::{BuildError, ProvideErrorMetadata, SdkError};
use leansdk_customerprofiles::operation::get_workflow::{GetWorkflowError, GetWorkflowOutput};
use leansdk_customerprofiles::{Client, Config, Credentials, RetryConfig};
use leansdk_runtime::auth::sigv4::SigningSettings;
use leansdk_runtime::http::ConnectorErrorKind;
use leansdk_tests::doubles::RecordingSleep;
use leansdk_tests::get_workflow::run_example;
use leansdk_tests::server::{Reply, TestServer};
use leansdk_tests::signing;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const DOMAIN: &str = "my-domain";
const WORKFLOW: &str = "wf-1";

fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET, None, None)
}

/// Three attempts, backoff recorded instead of waited: a test sees whether a failure
/// was retried by the number of delays.
fn config(endpoint_url: &str, sleep: &RecordingSleep) -> Config {
    leansdk_tests::config::local(endpoint_url)
        .credentials(credentials())
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .sleep_impl(sleep.clone())
        .build()
}

async fn get_workflow(
    client: &Client,
    workflow_id: &str,
) -> Result<GetWorkflowOutput, SdkError<GetWorkflowError>> {
    client
        .get_workflow()
        .domain_name(DOMAIN)
        .workflow_id(workflow_id)
        .send()
        .await
}

async fn call(config: &Config) -> Result<GetWorkflowOutput, SdkError<GetWorkflowError>> {
    get_workflow(&Client::new(config), WORKFLOW).await
}

/// A peer on 127.0.0.1 that reads each request head and answers it with `reply`, bytes as
/// given, then closes the connection. Returns its URL and the count of connections.
async fn raw_peer(reply: &'static [u8]) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                // GetWorkflow is a GET: its request ends with the head.
                let mut head = Vec::new();
                let mut byte = [0; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).await.unwrap_or(0) == 1
                {
                    head.push(byte[0]);
                }
                let _ = stream.write_all(reply).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, connections)
}

fn construction_reason(error: SdkError<GetWorkflowError>) -> String {
    match error {
        SdkError::Construction(BuildError::Endpoint { reason } | BuildError::Config { reason }) => {
            reason
        }
        other => panic!("expected an endpoint or configuration error, got {other:?}"),
    }
}

// Item 2: a request the server has received is resent by the retry policy only.

#[tokio::test]
async fn a_request_lost_on_a_reused_connection_is_not_resent_with_one_attempt() {
    let server = TestServer::start(vec![Reply::json(200, "{}"), Reply::hang_up()]).await;
    let sleep = RecordingSleep::default();
    let config = leansdk_tests::config::local(server.url())
        .credentials(credentials())
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .sleep_impl(sleep.clone())
        .build();
    let client = Client::new(&config);
    get_workflow(&client, WORKFLOW).await.unwrap();

    let error = get_workflow(&client, WORKFLOW).await.unwrap_err();

    match error {
        SdkError::Dispatch(error) => assert_eq!(error.kind(), ConnectorErrorKind::Io),
        other => panic!("expected a dispatch error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_request_lost_on_a_reused_connection_is_retried_with_backoff() {
    let server = TestServer::start(vec![
        Reply::json(200, "{}"),
        Reply::hang_up(),
        Reply::json(200, r#"{"WorkflowId":"retried"}"#),
    ])
    .await;
    let sleep = RecordingSleep::default();
    let client = Client::new(&config(&server.url(), &sleep));
    get_workflow(&client, WORKFLOW).await.unwrap();

    let output = get_workflow(&client, WORKFLOW).await.unwrap();

    assert_eq!(output.workflow_id.as_deref(), Some("retried"));
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleep.delays().len(), 1, "one retry, through the policy");
}

// Items 3, 10 and 11: endpoint URLs that cannot be sent to fail at once, never quoting a
// password.

#[tokio::test]
async fn a_password_in_the_endpoint_url_is_refused_and_never_shown() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let url = server.url().replace("http://", "http://admin:hunter2@");
    let sleep = RecordingSleep::default();
    let config = config(&url, &sleep);
    let client = Client::new(&config);

    let error = get_workflow(&client, WORKFLOW).await.unwrap_err();

    let shown = format!("{error} {error:?} {config:?} {client:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let reason = construction_reason(error);
    assert!(reason.contains("user name or password"), "{reason}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn endpoint_urls_that_cannot_be_sent_to_fail_at_once_without_retries() {
    let server = TestServer::start(vec![]).await;
    let base = server.url();
    for (url, reason) in [
        ("http://127.0.0.1:99999".to_owned(), "port"),
        (format!("{base}/?debug=1"), "query"),
        (format!("{base}/#top"), "fragment"),
        (format!("{base}/a b"), "printable ASCII"),
        ("localhost:4566".to_owned(), "http:// or https://"),
    ] {
        let sleep = RecordingSleep::default();

        let error = call(&config(&url, &sleep)).await.unwrap_err();

        let message = construction_reason(error);
        assert!(message.contains(reason), "{url}: {message}");
        assert!(sleep.delays().is_empty(), "{url} was retried");
    }
    assert!(server.requests().is_empty());
}

// Item 4: the region is a host label.

#[tokio::test]
async fn a_region_that_is_not_a_host_label_fails_before_sending() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let sleep = RecordingSleep::default();
    let config = leansdk_tests::config::local(server.url())
        .region("evil.com#")
        .credentials(credentials())
        .sleep_impl(sleep)
        .build();

    let reason = construction_reason(call(&config).await.unwrap_err());

    assert!(reason.contains(r#"region "evil.com#""#), "{reason}");
    assert!(server.requests().is_empty());
}

// Item 5: buffered bodies are capped.

#[tokio::test]
async fn a_body_over_the_limit_is_a_response_error_not_memory() {
    let limit = 1024;
    let oversized = format!(r#"{{"WorkflowId":"{}"}}"#, "x".repeat(limit));
    let server = TestServer::start(vec![
        Reply::json(200, &oversized),
        Reply::json(404, &oversized).header("X-Amzn-ErrorType", "ResourceNotFoundException"),
        Reply::json(200, r#"{"WorkflowId":"small"}"#),
    ])
    .await;
    let sleep = RecordingSleep::default();
    let config = leansdk_tests::config::local(server.url())
        .credentials(credentials())
        .response_body_limit(limit)
        .sleep_impl(sleep.clone())
        .build();
    let client = Client::new(&config);

    for status in [200, 404] {
        match get_workflow(&client, WORKFLOW).await.unwrap_err() {
            SdkError::Response(error) => {
                assert_eq!(error.status(), status);
                assert!(
                    error.reason().contains("limit of 1024 bytes"),
                    "{}",
                    error.reason()
                );
            }
            other => panic!("expected a response error, got {other:?}"),
        }
    }
    let output = get_workflow(&client, WORKFLOW).await.unwrap();
    assert_eq!(output.workflow_id.as_deref(), Some("small"));
    assert!(sleep.delays().is_empty(), "an oversized body was retried");
    assert_eq!(
        Config::builder().build().response_body_limit(),
        100 * 1024 * 1024
    );
}

#[tokio::test]
async fn an_announced_length_over_the_limit_fails_without_waiting_for_the_body() {
    // The peer announces 2 GiB and sends one byte: reading would wait forever.
    let (url, _) = raw_peer(b"HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\n{").await;
    let config = leansdk_tests::config::local(url)
        .credentials(credentials())
        .build();

    match call(&config).await.unwrap_err() {
        SdkError::Response(error) => assert!(error.reason().contains("limit"), "{error}"),
        other => panic!("expected a response error, got {other:?}"),
    }
}

// Item 7: dot-segment labels.

#[tokio::test]
async fn dot_segment_labels_are_sent_encoded_and_signed_as_sent() {
    let server = TestServer::start(vec![Reply::json(200, "{}"), Reply::json(200, "{}")]).await;
    let client = Client::new(&config(&server.url(), &RecordingSleep::default()));

    get_workflow(&client, "..").await.unwrap();
    get_workflow(&client, ".").await.unwrap();

    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/domains/my-domain/workflows/%2E%2E",
            "/domains/my-domain/workflows/%2E"
        ]
    );
    let credentials = credentials();
    let scope = signing::Scope {
        credentials: &credentials,
        region: "us-east-1",
        service: "profile",
        settings: SigningSettings::STANDARD,
    };
    for request in &requests {
        assert_eq!(
            request.header("authorization").unwrap(),
            signing::recomputed_authorization(request, &server.url(), &scope)
        );
    }
}

// Item 8: structures are objects, timestamps are in range.

#[tokio::test]
async fn an_array_body_is_not_read_as_the_structure() {
    let server =
        TestServer::start(vec![Reply::json(200, r#"["wf-1", "APPFLOW_INTEGRATION"]"#)]).await;

    match call(&config(&server.url(), &RecordingSleep::default()))
        .await
        .unwrap_err()
    {
        SdkError::Response(error) => {
            assert!(
                error.reason().contains("not a JSON object"),
                "{}",
                error.reason()
            )
        }
        other => panic!("expected a response error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_nested_structure_sent_as_an_array_is_not_read_by_position() {
    // AppflowIntegration's members are RecordsProcessed, StepsCompleted, TotalSteps: serde's
    // derive alone would read this array as those three numbers.
    let server = TestServer::start(vec![Reply::json(
        200,
        r#"{"WorkflowId": "wf-1", "Metrics": {"AppflowIntegration": [1, 2, 3]}}"#,
    )])
    .await;

    match call(&config(&server.url(), &RecordingSleep::default()))
        .await
        .unwrap_err()
    {
        SdkError::Response(error) => {
            assert!(
                error.reason().contains("a JSON object"),
                "{}",
                error.reason()
            )
        }
        other => panic!("expected a response error, got {other:?}"),
    }
    assert_eq!(
        server.requests().len(),
        1,
        "a malformed response is not retried"
    );
}

#[tokio::test]
async fn a_timestamp_beyond_year_9999_is_a_response_error() {
    let server = TestServer::start(vec![Reply::json(200, r#"{"StartDate": 1e300}"#)]).await;

    match call(&config(&server.url(), &RecordingSleep::default()))
        .await
        .unwrap_err()
    {
        SdkError::Response(error) => {
            assert!(
                error.reason().contains("0001 to 9999"),
                "{}",
                error.reason()
            )
        }
        other => panic!("expected a response error, got {other:?}"),
    }
}

// Item 10: error codes, causes and what is not retried.

#[tokio::test]
async fn an_html_error_page_keeps_the_code_of_its_header() {
    let server = TestServer::start(vec![
        Reply::status(404)
            .header("Content-Type", "text/html")
            .header("X-Amzn-ErrorType", "ResourceNotFoundException")
            .body("<html><body>Not Found</body></html>"),
    ])
    .await;

    let error = call(&config(&server.url(), &RecordingSleep::default()))
        .await
        .unwrap_err();

    match error.into_service_error() {
        Some(GetWorkflowError::ResourceNotFoundException(e)) => {
            assert_eq!(e.code(), Some("ResourceNotFoundException"))
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }
}

#[tokio::test]
async fn a_response_that_is_not_http_is_not_retried() {
    let (url, connections) = raw_peer(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").await;
    let sleep = RecordingSleep::default();

    let error = call(&config(&url, &sleep)).await.unwrap_err();

    match error {
        SdkError::Dispatch(error) => {
            assert_eq!(error.kind(), ConnectorErrorKind::InvalidResponse, "{error}")
        }
        other => panic!("expected a dispatch error, got {other:?}"),
    }
    assert!(sleep.delays().is_empty());
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_body_cut_short_keeps_its_cause_as_the_source() {
    let (url, _) = raw_peer(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Workfl").await;
    let config = leansdk_tests::config::local(url)
        .credentials(credentials())
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .build();

    let error = call(&config).await.unwrap_err();

    let SdkError::Dispatch(dispatch) = &error else {
        panic!("expected a dispatch error, got {error:?}");
    };
    assert_eq!(dispatch.kind(), ConnectorErrorKind::Io);
    let cause = dispatch.source().expect("the read error is the source");
    let io = cause
        .downcast_ref::<std::io::Error>()
        .expect("an I/O error");
    let hyper = io.get_ref().and_then(|e| e.downcast_ref::<hyper::Error>());
    assert!(hyper.is_some(), "{io:?}");
}

// Item 11 and 6: what the example prints and accepts.

#[tokio::test]
async fn the_example_prints_server_messages_with_control_characters_escaped() {
    let server = TestServer::start(vec![
        Reply::json(
            404,
            r#"{"Message":"\u001b[2J\u001b[31mgone\r\nerror: forged line"}"#,
        )
        .header("X-Amzn-ErrorType", "ResourceNotFoundException"),
    ])
    .await;
    let args = ["--domain-name", DOMAIN, "--workflow-id", WORKFLOW];

    let (status, _, stderr) = run_example(&server.url(), (ACCESS_KEY, SECRET), &args).await;

    assert_eq!(status, 1, "{stderr}");
    assert!(!stderr.contains(['\u{1b}', '\r']), "{stderr:?}");
    assert!(stderr.contains(r"\u{1b}[2J\u{1b}[31mgone\r"), "{stderr:?}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{stderr:?}"
    );
}

#[tokio::test]
async fn a_timeout_no_duration_holds_is_a_usage_error_not_a_panic() {
    let server = TestServer::start(vec![]).await;
    let args = [
        "--domain-name",
        DOMAIN,
        "--workflow-id",
        WORKFLOW,
        "--timeout-secs",
        "1e20",
    ];

    let (status, _, stderr) = run_example(&server.url(), (ACCESS_KEY, SECRET), &args).await;

    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("--timeout-secs"), "{stderr}");
    assert!(server.requests().is_empty());
}
