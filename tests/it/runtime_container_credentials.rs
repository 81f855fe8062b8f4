//! The container credentials provider (ECS, Fargate, EKS Pod Identity) against a scripted
//! local server: which URI wins, the query kept, the Authorization header from the token
//! file (re-read on every call) or the variable, the plain-http host allow-list (rejected
//! hosts are never contacted), retries of 5xx and connection failures, and how errors are
//! reported without secrets. No test reaches 169.254.170.2: the relative URI's base is a
//! local server.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use leansdk_runtime::DateTime;
use leansdk_runtime::auth::credentials::{CredentialsError, ProvideCredentials};
use leansdk_runtime::config::env::Env;
use leansdk_runtime::http::{HttpClient, HyperClient};
use leansdk_runtime::providers::container::ContainerCredentialsProvider;
use leansdk_tests::doubles::{NoNetwork, RecordingSleep};
use leansdk_tests::server::{Reply, TestServer, refused_url};

const RELATIVE: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const SECRET: &str = "CONTAINER-SECRET-EXAMPLE";
const SESSION: &str = "CONTAINER-SESSION-EXAMPLE";
const AUTH: &str = "AUTH-TOKEN-FROM-VARIABLE";
const EXPIRATION: &str = "2030-06-01T12:30:00Z";

fn http() -> Arc<dyn HttpClient> {
    Arc::new(HyperClient::new(Duration::from_secs(1)))
}

fn document() -> String {
    format!(
        r#"{{"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "{SECRET}", "Token": "{SESSION}",
            "Expiration": "{EXPIRATION}", "AccountId": "123456789012",
            "RoleArn": "arn:aws:iam::123456789012:role/task"}}"#
    )
}

fn provider(vars: &[(&str, &str)]) -> ContainerCredentialsProvider {
    ContainerCredentialsProvider::new(http(), Env::from_vars(vars.iter().copied()))
        .with_sleep(Arc::new(RecordingSleep::default()))
}

/// The error's only reason; it must never carry an authorization token or a secret.
fn checked_reason(error: &CredentialsError) -> String {
    let shown = format!("{error} {error:?}");
    for secret in [SECRET, SESSION, AUTH, "token-from-file", "FILE-TOKEN"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert_eq!(error.attempts().len(), 1);
    error.attempts()[0].reason.clone()
}

/// A file of its own under the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("leansdk-container-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }

    fn write(&self, contents: &str) {
        std::fs::write(&self.0, contents).unwrap();
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn the_relative_uri_goes_to_the_agent_with_its_query() {
    let server = TestServer::start(vec![Reply::json(200, &document())]).await;
    let provider = provider(&[(RELATIVE, "/v2/credentials/task-id?x=1&y=two")])
        .with_relative_uri_base(format!("{}/", server.url()));
    let credentials = provider.provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIACONTAINER");
    assert_eq!(credentials.secret_access_key(), SECRET);
    assert_eq!(credentials.session_token(), Some(SESSION));
    let expiry = SystemTime::try_from(DateTime::parse_rfc3339(EXPIRATION).unwrap()).unwrap();
    assert_eq!(credentials.expiry(), Some(expiry));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/v2/credentials/task-id?x=1&y=two");
    assert_eq!(requests[0].header("authorization"), None);
    assert_eq!(requests[0].header("accept"), Some("application/json"));
}

#[tokio::test]
async fn the_relative_uri_wins_over_the_full_uri() {
    let agent = TestServer::start(vec![Reply::json(200, &document())]).await;
    let other = TestServer::start(vec![Reply::json(200, &document())]).await;
    let full = format!("{}/full", other.url());
    provider(&[(RELATIVE, "/relative"), (FULL, &full)])
        .with_relative_uri_base(agent.url())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(agent.requests()[0].path, "/relative");
    assert!(other.requests().is_empty());
}

#[tokio::test]
async fn a_relative_uri_must_start_with_a_slash() {
    let error = provider(&[(RELATIVE, "v2/credentials")])
        .with_relative_uri_base(refused_url())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_fatal());
    assert!(checked_reason(&error).contains(RELATIVE), "{error}");
}

#[tokio::test]
async fn the_full_uri_with_the_token_variable() {
    let server = TestServer::start(vec![Reply::json(200, &document())]).await;
    let full = format!("{}/v1/credentials?role=app", server.url());
    provider(&[(FULL, &full), (TOKEN, AUTH)])
        .provide_credentials()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].path, "/v1/credentials?role=app");
    assert_eq!(requests[0].header("authorization"), Some(AUTH));
}

#[tokio::test]
async fn the_token_file_wins_and_is_read_on_every_call() {
    let server = TestServer::start(vec![
        Reply::json(200, &document()),
        Reply::json(200, &document()),
    ])
    .await;
    let file = TempFile::new("reread", "token-from-file-1\n");
    let full = format!("{}/v1/credentials", server.url());
    let provider = provider(&[(FULL, &full), (TOKEN_FILE, file.path()), (TOKEN, AUTH)]);
    provider.provide_credentials().await.unwrap();
    // EKS rotates the file; the next call sends what it holds now.
    file.write("  token-from-file-2  \n");
    provider.provide_credentials().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].header("authorization"),
        Some("token-from-file-1")
    );
    assert_eq!(
        requests[1].header("authorization"),
        Some("token-from-file-2")
    );
}

#[tokio::test]
async fn an_unreadable_token_file_is_failed() {
    let server = TestServer::start(vec![Reply::json(200, &document())]).await;
    let missing = std::env::temp_dir().join("leansdk-container-no-such-token-file");
    let full = format!("{}/v1/credentials", server.url());
    let error = provider(&[(FULL, &full), (TOKEN_FILE, missing.to_str().unwrap())])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains(TOKEN_FILE) && reason.contains("leansdk-container-no-such-token-file"),
        "{reason}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_token_with_a_line_break_is_rejected_before_sending() {
    let server = TestServer::start(vec![Reply::json(200, &document())]).await;
    let full = format!("{}/v1/credentials", server.url());
    let file = TempFile::new("newline", "FILE-TOKEN\nX-Injected: yes\n");
    let error = provider(&[(FULL, &full), (TOKEN_FILE, file.path())])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains(TOKEN_FILE) && reason.contains("line break"),
        "{reason}"
    );
    assert!(!reason.contains("X-Injected"), "{reason}");

    let variable = format!("{AUTH}\r\nX-Injected: yes");
    let error = provider(&[(FULL, &full), (TOKEN, &variable)])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(checked_reason(&error).contains(TOKEN), "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn plain_http_is_allowed_only_to_loopback_and_the_agents() {
    for url in [
        "http://example.com/creds",
        "http://10.0.0.1/creds",
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.170.3/v2/credentials",
        "http://127.0.0.1.example.com/creds",
        "http://127.0.0.1@example.com/creds",
        "http://[fd00:ec2::254]/creds",
        "ftp://127.0.0.1/creds",
        "not a url",
    ] {
        let recording = Arc::new(NoNetwork::default());
        let error = ContainerCredentialsProvider::new(
            recording.clone(),
            Env::from_vars([(FULL, format!("{url}?secret=QUERY-SECRET"))]),
        )
        .provide_credentials()
        .await
        .unwrap_err();
        assert!(error.is_fatal(), "{url}");
        let reason = checked_reason(&error);
        assert!(reason.contains(FULL), "{url}: {reason}");
        assert!(!reason.contains("QUERY-SECRET"), "{reason}");
        assert!(recording.urls().is_empty(), "{url} was contacted");
    }
    let error = ContainerCredentialsProvider::new(
        Arc::new(NoNetwork::default()),
        Env::from_vars([(FULL, "http://example.com/creds")]),
    )
    .provide_credentials()
    .await
    .unwrap_err();
    let reason = checked_reason(&error);
    assert!(
        reason.contains("example.com") && reason.contains("https"),
        "{reason}"
    );

    // Allowed: https anywhere, plain http to loopback and the container agents (asked of
    // the double, so nothing leaves the machine).
    for url in [
        "https://creds.example.com/v1?role=x",
        "http://127.0.0.1:9/creds",
        "http://[::1]:9/creds",
        "http://localhost:9/creds",
        "http://169.254.170.2/v2/credentials/id",
        "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials",
    ] {
        let recording = Arc::new(NoNetwork::default());
        let error =
            ContainerCredentialsProvider::new(recording.clone(), Env::from_vars([(FULL, url)]))
                .with_max_attempts(1)
                .provide_credentials()
                .await
                .unwrap_err();
        assert!(
            checked_reason(&error).contains("test double: no network"),
            "{url}: {error}"
        );
        assert_eq!(recording.urls(), [url]);
    }
}

#[tokio::test]
async fn server_errors_are_retried_with_a_fixed_delay() {
    let server = TestServer::start(vec![
        Reply::json(500, r#"{"code":"InternalError","message":"try again"}"#),
        Reply::status(503),
        Reply::json(200, &document()),
    ])
    .await;
    let sleep = RecordingSleep::default();
    let full = format!("{}/v1/credentials", server.url());
    ContainerCredentialsProvider::new(
        http(),
        Env::from_vars([(FULL, full.as_str()), (TOKEN, AUTH)]),
    )
    .with_sleep(Arc::new(sleep.clone()))
    .provide_credentials()
    .await
    .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some(AUTH))
    );
    assert_eq!(
        sleep.delays(),
        [ContainerCredentialsProvider::DEFAULT_RETRY_DELAY; 2]
    );
}

#[tokio::test]
async fn errors_give_the_status_and_the_endpoint_message() {
    // Every try fails: the last answer is reported.
    let server = TestServer::start(vec![
        Reply::status(500),
        Reply::status(500),
        Reply::json(
            500,
            r#"{"code":"InternalError","message":"agent is starting"}"#,
        ),
    ])
    .await;
    let full = format!("{}/v1/credentials?token=QUERY-SECRET", server.url());
    let error = provider(&[(FULL, &full), (TOKEN, AUTH)])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains("HTTP 500: InternalError: agent is starting"),
        "{reason}"
    );
    assert!(!reason.contains("QUERY-SECRET"), "{reason}");
    assert_eq!(server.requests().len(), 3);

    // A 4xx is not retried.
    let server = TestServer::start(vec![Reply::json(
        403,
        r#"{"code":"AccessDeniedException","message":"token has expired"}"#,
    )])
    .await;
    let full = format!("{}/v1/credentials", server.url());
    let error = provider(&[(FULL, &full), (TOKEN, AUTH)])
        .provide_credentials()
        .await
        .unwrap_err();
    let reason = checked_reason(&error);
    assert!(
        reason.contains("HTTP 403: AccessDeniedException: token has expired"),
        "{reason}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_unreachable_endpoint_is_retried_then_failed() {
    let sleep = RecordingSleep::default();
    let url = format!("{}/v1/credentials", refused_url());
    let error = ContainerCredentialsProvider::new(http(), Env::from_vars([(FULL, url.as_str())]))
        .with_sleep(Arc::new(sleep.clone()))
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains(&format!("no answer from {url} after 3 tries")),
        "{reason}"
    );
    assert_eq!(sleep.delays().len(), 2);
}

#[tokio::test]
async fn a_silent_endpoint_times_out() {
    let server = TestServer::start(vec![Reply::never()]).await;
    let full = format!("{}/v1/credentials", server.url());
    let error = provider(&[(FULL, &full)])
        .with_timeout(Duration::from_millis(200))
        .with_max_attempts(1)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        checked_reason(&error).contains("no answer within 200ms"),
        "{error}"
    );
}

#[tokio::test]
async fn malformed_documents_are_failed() {
    let cases = [
        (
            format!(r#"{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}""#),
            "not a JSON object",
        ),
        (
            format!(
                r#"{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}", "Expiration": "{EXPIRATION}"}}"#
            ),
            "Token is missing",
        ),
        (document().replace(EXPIRATION, "soon"), "Expiration"),
        (
            r#"{"Code": "Throttled", "Message": "slow down"}"#.to_owned(),
            "Throttled",
        ),
    ];
    for (body, expected) in cases {
        let server = TestServer::start(vec![Reply::json(200, &body)]).await;
        let full = format!("{}/creds", server.url());
        let error = provider(&[(FULL, &full)])
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(error.is_fatal());
        let reason = checked_reason(&error);
        assert!(reason.contains(expected), "{body}: {reason}");
    }
}

#[tokio::test]
async fn nothing_configured_is_not_loaded() {
    let recording = Arc::new(NoNetwork::default());
    let error = ContainerCredentialsProvider::new(
        recording.clone(),
        Env::from_vars([(RELATIVE, " "), (TOKEN, AUTH)]),
    )
    .provide_credentials()
    .await
    .unwrap_err();
    assert!(!error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains(RELATIVE) && reason.contains(FULL),
        "{reason}"
    );
    assert!(recording.urls().is_empty());
}

#[tokio::test]
async fn debug_shows_no_token() {
    let provider = provider(&[(FULL, "http://127.0.0.1:9/"), (TOKEN, AUTH)]);
    let debug = format!("{provider:?}");
    assert!(debug.contains(TOKEN), "{debug}");
    assert!(!debug.contains(AUTH), "{debug}");
}
