//! Presigned requests through the generated client: what the URL carries, that a plain HTTP
//! client can send it to a local server without credentials of its own, the limits on
//! expiry, and that `Debug` never shows the signature. The signature itself is checked
//! against AWS's query-signing vectors in `runtime/tests/it/sigv4_vectors.rs`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use leansdk_customerprofiles::error::{AuthError, BuildError, SdkError};
use leansdk_customerprofiles::{Client, Credentials, DateTime, PresigningConfig};
use leansdk_runtime::http::{HttpClient, HttpRequest, HyperClient};
use leansdk_tests::server::{Reply, TestServer};

fn client(endpoint: &str, token: Option<&str>) -> Client {
    Client::new(
        &leansdk_tests::config::local(endpoint)
            .region("eu-west-1")
            .credentials(Credentials::new(
                "AKIDPRESIGN",
                "presign-secret",
                token.map(str::to_owned),
                None,
            ))
            .build(),
    )
}

fn start() -> SystemTime {
    SystemTime::try_from(DateTime::parse_rfc3339("2026-03-04T05:06:07Z").unwrap()).unwrap()
}

/// The value of query parameter `name` in `url`, still percent-encoded.
fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

#[tokio::test]
async fn a_presigned_request_carries_its_signature_and_needs_no_credentials_to_send() {
    let server = TestServer::start(vec![Reply::json(200, r#"{"WorkflowId":"w"}"#)]).await;
    let presigned = client(&server.url(), Some("SESSION-TOKEN"))
        .get_workflow()
        .domain_name("my domain")
        .workflow_id("w-1")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(900)).start_time(start()))
        .await
        .unwrap();

    assert_eq!(presigned.method(), "GET");
    let url = presigned.url();
    assert!(
        url.starts_with(&format!(
            "{}/domains/my%20domain/workflows/w-1?",
            server.url()
        )),
        "{url}"
    );
    assert_eq!(
        query_param(url, "X-Amz-Algorithm"),
        Some("AWS4-HMAC-SHA256")
    );
    assert_eq!(
        query_param(url, "X-Amz-Credential"),
        Some("AKIDPRESIGN%2F20260304%2Feu-west-1%2Fprofile%2Faws4_request")
    );
    assert_eq!(query_param(url, "X-Amz-Date"), Some("20260304T050607Z"));
    assert_eq!(query_param(url, "X-Amz-Expires"), Some("900"));
    assert_eq!(query_param(url, "X-Amz-SignedHeaders"), Some("host"));
    assert_eq!(
        query_param(url, "X-Amz-Security-Token"),
        Some("SESSION-TOKEN")
    );
    let signature = query_param(url, "X-Amz-Signature").expect("a signature");
    assert_eq!(signature.len(), 64);
    // Only what was signed: no user agent to repeat, no Authorization.
    let names: Vec<&str> = presigned.headers().iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["host"]);

    // Anyone can send it as it is.
    let mut headers = presigned.headers().clone();
    headers.remove("host");
    let request = HttpRequest {
        method: presigned.method().to_owned(),
        url: presigned.url().to_owned(),
        headers,
        ..HttpRequest::default()
    };
    let http: Arc<dyn HttpClient> = Arc::new(HyperClient::new(Duration::from_secs(2)));
    let response = http.send(request).await.unwrap();
    assert_eq!(response.status, 200);
    let received = &server.requests()[0];
    assert!(received.header("authorization").is_none());
    assert!(
        received
            .path
            .contains(&format!("X-Amz-Signature={signature}"))
    );

    // The URL is a credential: Debug leaves out its query.
    let shown = format!("{presigned:?}");
    assert!(
        !shown.contains(signature) && !shown.contains("SESSION-TOKEN"),
        "{shown}"
    );
}

#[tokio::test]
async fn presigning_checks_the_input_and_the_expiry_before_signing() {
    let client = client("http://127.0.0.1:9", None);
    let missing = client
        .get_workflow()
        .domain_name("d")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(60)))
        .await
        .unwrap_err();
    assert!(
        matches!(&missing, SdkError::Construction(BuildError::MissingMember { member }) if *member == "WorkflowId"),
        "{missing}"
    );
    for expires_in in [Duration::ZERO, Duration::from_secs(7 * 24 * 3600 + 1)] {
        let error = client
            .get_workflow()
            .domain_name("d")
            .workflow_id("w")
            .presigned(PresigningConfig::expires_in(expires_in))
            .await
            .unwrap_err();
        assert!(
            matches!(error, SdkError::Auth(AuthError::Signing(_))),
            "{error}"
        );
        assert!(error.to_string().contains("1 second to 7 days"), "{error}");
    }
}
