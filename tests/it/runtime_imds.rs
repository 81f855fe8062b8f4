//! The IMDSv2 client, the instance-role credentials provider and the region lookup against
//! a scripted local server: the exact requests (token PUT with its TTL, GETs with the
//! token), token reuse and expiry, a 401 refetching the token, retries, and how every
//! failure is reported. No test reaches 169.254.169.254: every endpoint is a local server
//! or a refused local port.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use leansdk_runtime::DateTime;
use leansdk_runtime::auth::credentials::{CredentialsChain, CredentialsError, ProvideCredentials};
use leansdk_runtime::config::env::Env;
use leansdk_runtime::http::{HttpClient, HyperClient};
use leansdk_runtime::providers::credentials::EnvCredentialsProvider;
use leansdk_runtime::providers::imds::{
    IPV4_ENDPOINT, IPV6_ENDPOINT, ImdsClient, ImdsCredentialsProvider, ImdsError, imds_region,
};
use leansdk_tests::doubles::{NoNetwork, RecordingSleep};
use leansdk_tests::server::{RecordedRequest, Reply, TestServer, refused_url};

const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/my-role";
const SESSION_TOKEN: &str = "IMDS-SESSION-TOKEN-1";
const SECRET: &str = "SECRET-KEY-EXAMPLE";
const ROLE_TOKEN: &str = "ROLE-SESSION-TOKEN-EXAMPLE";
const EXPIRATION: &str = "2030-05-01T16:00:00Z";

fn http() -> Arc<dyn HttpClient> {
    Arc::new(HyperClient::new(Duration::from_secs(1)))
}

fn env_for(server: &TestServer) -> Env {
    Env::from_vars([("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url())])
}

fn token_reply(token: &str) -> Reply {
    Reply::status(200)
        .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
        .body(token)
}

fn credentials_document() -> String {
    format!(
        r#"{{
  "Code" : "Success",
  "LastUpdated" : "2030-05-01T10:00:00Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIMDSEXAMPLE",
  "SecretAccessKey" : "{SECRET}",
  "Token" : "{ROLE_TOKEN}",
  "Expiration" : "{EXPIRATION}"
}}"#
    )
}

/// The token, the role's name and its credentials.
fn happy_script() -> Vec<Reply> {
    vec![
        token_reply(SESSION_TOKEN),
        Reply::status(200).body("my-role\n"),
        Reply::json(200, &credentials_document()),
    ]
}

fn assert_token_request(request: &RecordedRequest) {
    assert_eq!(request.method, "PUT");
    assert_eq!(request.path, TOKEN_PATH);
    assert_eq!(
        request.header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(request.header("x-aws-ec2-metadata-token"), None);
}

fn assert_get(request: &RecordedRequest, path: &str, token: &str) {
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, path);
    assert_eq!(request.header("x-aws-ec2-metadata-token"), Some(token));
    assert_eq!(request.header("x-aws-ec2-metadata-token-ttl-seconds"), None);
}

/// The error's only reason; it must never carry a token or a secret.
fn checked_reason(error: &CredentialsError) -> String {
    let reason = error.attempts()[0].reason.clone();
    let shown = format!("{error} {error:?}");
    for secret in [SESSION_TOKEN, "IMDS-SESSION-TOKEN-2", SECRET, ROLE_TOKEN] {
        assert!(!shown.contains(secret), "{shown}");
    }
    reason
}

#[tokio::test]
async fn loads_role_credentials_with_a_session_token() {
    let server = TestServer::start(happy_script()).await;
    let provider = ImdsCredentialsProvider::new(http(), env_for(&server));
    let credentials = provider.provide_credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAIMDSEXAMPLE");
    assert_eq!(credentials.secret_access_key(), SECRET);
    assert_eq!(credentials.session_token(), Some(ROLE_TOKEN));
    let expiry = SystemTime::try_from(DateTime::parse_rfc3339(EXPIRATION).unwrap()).unwrap();
    assert_eq!(credentials.expiry(), Some(expiry));

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_token_request(&requests[0]);
    assert_get(&requests[1], ROLES_PATH, SESSION_TOKEN);
    assert_get(&requests[2], ROLE_PATH, SESSION_TOKEN);

    // Neither the provider nor its client shows the session token.
    let debug = format!("{provider:?}");
    assert!(debug.contains(&server.url()), "{debug}");
    assert!(
        !debug.contains(SESSION_TOKEN) && !debug.contains(SECRET),
        "{debug}"
    );
}

#[tokio::test]
async fn the_token_is_reused_across_loads() {
    let mut script = happy_script();
    script.push(Reply::status(200).body("my-role"));
    script.push(Reply::json(200, &credentials_document()));
    let server = TestServer::start(script).await;
    let provider = ImdsCredentialsProvider::new(http(), env_for(&server));
    provider.provide_credentials().await.unwrap();
    provider.provide_credentials().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "{requests:?}");
    assert_eq!(requests.iter().filter(|r| r.method == "PUT").count(), 1);
    assert_get(&requests[3], ROLES_PATH, SESSION_TOKEN);
    assert_get(&requests[4], ROLE_PATH, SESSION_TOKEN);
}

#[tokio::test]
async fn the_token_is_fetched_again_shortly_before_it_lapses() {
    let server = TestServer::start(vec![
        token_reply(SESSION_TOKEN),
        Reply::status(200).body("i-1"),
        Reply::status(200).body("i-1"),
        token_reply("IMDS-SESSION-TOKEN-2"),
        Reply::status(200).body("i-1"),
    ])
    .await;
    let start = SystemTime::now();
    let offset = Arc::new(AtomicU64::new(0));
    let clock_offset = offset.clone();
    let client = ImdsClient::new(http(), server.url()).with_clock(Arc::new(move || {
        start + Duration::from_secs(clock_offset.load(Ordering::SeqCst))
    }));
    let path = "/latest/meta-data/instance-id";
    assert_eq!(client.get(path).await.unwrap(), "i-1");
    // Six hours minus a little more than two minutes later: still the same token.
    offset.store(21_600 - 121, Ordering::SeqCst);
    client.get(path).await.unwrap();
    // Within two minutes of its end: a new one.
    offset.store(21_600 - 119, Ordering::SeqCst);
    client.get(path).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "{requests:?}");
    assert_token_request(&requests[0]);
    assert_get(&requests[1], path, SESSION_TOKEN);
    assert_get(&requests[2], path, SESSION_TOKEN);
    assert_token_request(&requests[3]);
    assert_get(&requests[4], path, "IMDS-SESSION-TOKEN-2");
}

#[tokio::test]
async fn a_401_fetches_a_new_token_once() {
    let server = TestServer::start(vec![
        token_reply(SESSION_TOKEN),
        Reply::status(401),
        token_reply("IMDS-SESSION-TOKEN-2"),
        Reply::status(200).body("my-role"),
        Reply::json(200, &credentials_document()),
    ])
    .await;
    let provider = ImdsCredentialsProvider::new(http(), env_for(&server));
    provider.provide_credentials().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "{requests:?}");
    assert_get(&requests[1], ROLES_PATH, SESSION_TOKEN);
    assert_token_request(&requests[2]);
    assert_get(&requests[3], ROLES_PATH, "IMDS-SESSION-TOKEN-2");
    assert_get(&requests[4], ROLE_PATH, "IMDS-SESSION-TOKEN-2");

    // A second 401 in a row is an error that gives the status, not the token.
    let server = TestServer::start(vec![
        token_reply(SESSION_TOKEN),
        Reply::status(401),
        token_reply("IMDS-SESSION-TOKEN-2"),
        Reply::status(401),
    ])
    .await;
    let provider = ImdsCredentialsProvider::new(http(), env_for(&server));
    let error = provider.provide_credentials().await.unwrap_err();
    assert!(error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains("HTTP 401") && reason.contains(ROLES_PATH),
        "{reason}"
    );
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn disabled_imds_is_not_loaded_and_never_asked() {
    let server = TestServer::start(happy_script()).await;
    let env = Env::from_vars([
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url().as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        // Not even looked at once disabled.
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"),
    ]);
    let error = ImdsCredentialsProvider::new(http(), env.clone())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(!error.is_fatal());
    assert!(
        checked_reason(&error).contains("AWS_EC2_METADATA_DISABLED"),
        "{error}"
    );
    assert!(matches!(
        ImdsClient::from_env(http(), &env),
        Err(ImdsError::Disabled)
    ));
    assert_eq!(imds_region(http(), &env).await, None);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn an_invalid_endpoint_mode_is_an_error_naming_the_setting() {
    let env = Env::from_vars([("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5")]);
    let error = ImdsCredentialsProvider::new(http(), env.clone())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") && reason.contains("IPv5"),
        "{reason}"
    );
    assert!(matches!(
        ImdsClient::from_env(http(), &env),
        Err(ImdsError::Config(_))
    ));

    // Valid modes choose the endpoint; nothing is sent to it here.
    let mode = |value: &str| {
        let env = Env::from_vars([("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", value)]);
        ImdsClient::from_env(http(), &env)
            .unwrap()
            .endpoint()
            .to_owned()
    };
    assert_eq!(mode("IPv6"), IPV6_ENDPOINT);
    assert_eq!(mode("IPv4"), IPV4_ENDPOINT);
    assert_eq!(
        ImdsClient::from_env(http(), &Env::default())
            .unwrap()
            .endpoint(),
        IPV4_ENDPOINT
    );
}

#[tokio::test]
async fn the_profile_configures_the_endpoint() {
    let server = TestServer::start(happy_script()).await;
    let dir = std::env::temp_dir().join(format!("leansdk-imds-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile ec2]\nec2_metadata_service_endpoint = {}\n\
             ec2_metadata_service_endpoint_mode = IPv6\n",
            server.url()
        ),
    )
    .unwrap();
    let env = Env::from_vars([
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_PROFILE", "ec2"),
    ]);
    let provider = ImdsCredentialsProvider::new(http(), env);
    std::fs::remove_dir_all(&dir).unwrap();
    provider.provide_credentials().await.unwrap();
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_unreachable_endpoint_is_not_loaded_quickly() {
    let url = refused_url();
    let env = Env::from_vars([("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str())]);
    let started = Instant::now();
    let error = ImdsCredentialsProvider::new(http(), env.clone())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(!error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains(&format!("no instance metadata service at {url}")),
        "{reason}"
    );

    // In a chain, the next source is tried and the error lists both.
    let chain = CredentialsChain::new(vec![
        Box::new(ImdsCredentialsProvider::new(http(), env.clone())),
        Box::new(EnvCredentialsProvider::new(env.clone())),
    ]);
    let error = chain.provide_credentials().await.unwrap_err();
    assert!(!error.is_fatal());
    assert_eq!(error.attempts().len(), 2, "{error}");
    assert!(
        error.to_string().contains("no instance metadata service"),
        "{error}"
    );
    assert_eq!(imds_region(http(), &env).await, None);
}

#[tokio::test]
async fn a_silent_endpoint_times_out_after_two_tries() {
    let server = TestServer::start(vec![Reply::never(), Reply::never()]).await;
    let sleep = RecordingSleep::default();
    let client = ImdsClient::new(http(), server.url())
        .with_timeout(Duration::from_millis(200))
        .with_sleep(Arc::new(sleep.clone()));
    let started = Instant::now();
    let error = ImdsCredentialsProvider::from_client(client)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(!error.is_fatal());
    let reason = checked_reason(&error);
    assert!(reason.contains("no answer within 200ms"), "{reason}");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(sleep.delays(), [ImdsClient::DEFAULT_RETRY_DELAY]);
}

#[tokio::test]
async fn server_errors_are_retried_once() {
    let server = TestServer::start(vec![
        Reply::status(503),
        token_reply(SESSION_TOKEN),
        Reply::status(500),
        Reply::status(200).body("my-role"),
        Reply::json(200, &credentials_document()),
    ])
    .await;
    let sleep = RecordingSleep::default();
    let client = ImdsClient::new(http(), server.url()).with_sleep(Arc::new(sleep.clone()));
    ImdsCredentialsProvider::from_client(client)
        .provide_credentials()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "{requests:?}");
    assert_token_request(&requests[0]);
    assert_token_request(&requests[1]);
    assert_get(&requests[2], ROLES_PATH, SESSION_TOKEN);
    assert_get(&requests[3], ROLES_PATH, SESSION_TOKEN);
    assert_eq!(sleep.delays().len(), 2);

    // Two in a row: the status is the error.
    let server = TestServer::start(vec![Reply::status(503), Reply::status(503)]).await;
    let client = ImdsClient::new(http(), server.url()).with_sleep(Arc::new(sleep.clone()));
    let error = ImdsCredentialsProvider::from_client(client)
        .provide_credentials()
        .await
        .unwrap_err();
    let reason = checked_reason(&error);
    assert!(
        reason.contains("HTTP 503") && reason.contains(TOKEN_PATH),
        "{reason}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_refused_token_is_failed_without_retrying() {
    let server = TestServer::start(vec![Reply::status(403)]).await;
    let error = ImdsCredentialsProvider::new(http(), env_for(&server))
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_fatal());
    assert!(checked_reason(&error).contains("HTTP 403"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn no_attached_role_is_not_loaded() {
    let server = TestServer::start(vec![token_reply(SESSION_TOKEN), Reply::status(404)]).await;
    let error = ImdsCredentialsProvider::new(http(), env_for(&server))
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(!error.is_fatal());
    assert!(checked_reason(&error).contains("no IAM role"), "{error}");
}

#[tokio::test]
async fn malformed_credentials_are_failed() {
    let server = TestServer::start(vec![
        token_reply(SESSION_TOKEN),
        Reply::status(200).body("my-role"),
        Reply::json(
            200,
            &format!(r#"{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}""#),
        ),
    ])
    .await;
    let error = ImdsCredentialsProvider::new(http(), env_for(&server))
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains("my-role") && reason.contains("not a JSON object"),
        "{reason}"
    );

    let server = TestServer::start(vec![
        token_reply(SESSION_TOKEN),
        Reply::status(200).body("my-role"),
        Reply::json(
            200,
            &credentials_document().replace(EXPIRATION, "in six hours"),
        ),
    ])
    .await;
    let error = ImdsCredentialsProvider::new(http(), env_for(&server))
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(checked_reason(&error).contains("Expiration"), "{error}");
}

#[tokio::test]
async fn a_code_other_than_success_is_failed() {
    let document = format!(
        r#"{{"Code": "AssumeRoleUnauthorizedAccess", "Message": "EC2 cannot assume the role",
            "LastUpdated": "2030-05-01T10:00:00Z", "SecretAccessKey": "{SECRET}"}}"#
    );
    let server = TestServer::start(vec![
        token_reply(SESSION_TOKEN),
        Reply::status(200).body("my-role"),
        Reply::json(200, &document),
    ])
    .await;
    let error = ImdsCredentialsProvider::new(http(), env_for(&server))
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_fatal());
    let reason = checked_reason(&error);
    assert!(
        reason.contains("AssumeRoleUnauthorizedAccess")
            && reason.contains("EC2 cannot assume the role"),
        "{reason}"
    );
}

#[tokio::test]
async fn the_region_comes_from_placement() {
    let server = TestServer::start(vec![
        token_reply(SESSION_TOKEN),
        Reply::status(200).body("us-west-2"),
        Reply::status(404),
    ])
    .await;
    let client = ImdsClient::from_env(http(), &env_for(&server)).unwrap();
    assert_eq!(client.region().await, Some("us-west-2".to_owned()));
    assert_eq!(client.region().await, None);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_get(
        &requests[1],
        "/latest/meta-data/placement/region",
        SESSION_TOKEN,
    );

    let server = TestServer::start(vec![
        token_reply(SESSION_TOKEN),
        Reply::status(200).body("eu-central-1\n"),
    ])
    .await;
    assert_eq!(
        imds_region(http(), &env_for(&server)).await,
        Some("eu-central-1".to_owned())
    );
}

#[tokio::test]
async fn connect_errors_are_retried_and_reported_as_not_loaded() {
    let recording = Arc::new(NoNetwork::default());
    let client = ImdsClient::new(recording.clone(), "http://imds.test/")
        .with_sleep(Arc::new(RecordingSleep::default()));
    assert_eq!(client.endpoint(), "http://imds.test");
    let error = ImdsCredentialsProvider::from_client(client)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(!error.is_fatal());
    assert!(
        checked_reason(&error).contains("test double: no network"),
        "{error}"
    );
    assert_eq!(recording.urls(), ["http://imds.test/latest/api/token"; 2]);
}
