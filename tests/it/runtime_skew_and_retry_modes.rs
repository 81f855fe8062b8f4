//! Clock skew correction, the retry modes and the headers every AWS SDK sends, with the
//! generated `GetWorkflow` against a local server. Waits are recorded by `RecordingSleep`
//! instead of waited for; nothing asserts how long anything took.

use std::time::{Duration, SystemTime};

use leansdk_customerprofiles::Client;
use leansdk_runtime::DateTime;
use leansdk_runtime::config::Config;
use leansdk_runtime::config::env::Env;
use leansdk_runtime::config::retry::{RetryConfig, RetryMode};
use leansdk_runtime::error::{ProvideErrorMetadata, SdkError};
use leansdk_tests::doubles::RecordingSleep;
use leansdk_tests::get_workflow::input;
use leansdk_tests::server::{RecordedRequest, Reply, TestServer};

const HOUR: Duration = Duration::from_secs(3600);

fn client(endpoint_url: &str, retry: RetryConfig) -> (Client, RecordingSleep) {
    let sleep = RecordingSleep::default();
    let config = leansdk_tests::config::local(endpoint_url)
        .retry_config(retry)
        .sleep_impl(sleep.clone())
        .build();
    (Client::new(&config), sleep)
}

fn ok() -> Reply {
    Reply::json(200, r#"{"WorkflowId":"wf"}"#)
}

/// `reply` with the `Date` of a server whose clock is an hour ahead of this machine's.
fn an_hour_ahead(reply: Reply) -> Reply {
    let date = DateTime::from(SystemTime::now() + HOUR).to_http_date();
    reply.header("Date", &date)
}

fn skew_error() -> Reply {
    Reply::json(
        400,
        r#"{"__type":"InvalidSignatureException","message":"Signature expired: 20260101T000000Z is now earlier than 20260101T005500Z (20260101T010000Z - 5 min.)"}"#,
    )
}

/// How far ahead of this machine's clock the request was signed, in whole minutes (the
/// requests of one test are all made within a minute or two).
fn signed_minutes_ahead(request: &RecordedRequest) -> i64 {
    let d = request.header("x-amz-date").expect("a signed request");
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11],
        &d[11..13],
        &d[13..15]
    );
    let signed = DateTime::parse_rfc3339(&rfc3339).unwrap().secs();
    (signed - DateTime::now().secs() + 30).div_euclid(60)
}

fn signed_headers(request: &RecordedRequest) -> &str {
    let authorization = request.header("authorization").expect("a signed request");
    authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("SignedHeaders")
}

#[tokio::test]
async fn a_skew_error_is_retried_at_the_servers_time_and_later_calls_keep_it() {
    let server = TestServer::start(vec![
        an_hour_ahead(skew_error()),
        an_hour_ahead(ok()),
        an_hour_ahead(ok()),
    ])
    .await;
    let (client, sleep) = client(&server.url(), RetryConfig::standard());

    let output = input().send_with(&client).await.unwrap();
    assert_eq!(output.workflow_id.as_deref(), Some("wf"));
    input().send_with(&client).await.unwrap();

    let requests = server.requests();
    let ahead: Vec<i64> = requests.iter().map(signed_minutes_ahead).collect();
    // The first attempt at this machine's time; its retry, and the next call's first
    // attempt, at the server's.
    assert_eq!(ahead, [0, 60, 60]);
    // The corrected retry goes at once: there is nothing to wait for.
    assert_eq!(sleep.delays(), Vec::<Duration>::new());
}

#[tokio::test]
async fn skew_errors_are_retried_once_within_the_attempt_limit_and_by_their_message() {
    let skewed = || an_hour_ahead(Reply::json(403, r#"{"__type":"RequestTimeTooSkewed"}"#));
    let server = TestServer::start(vec![skewed(), skewed(), skewed()]).await;
    let (standard, _) = client(&server.url(), RetryConfig::standard());
    let error = input().send_with(&standard).await.unwrap_err();
    let code = error.as_service_error().and_then(|e| e.code());
    assert_eq!(code, Some("RequestTimeTooSkewed"));
    assert_eq!(server.requests().len(), 2);

    let server = TestServer::start(vec![skewed(), ok()]).await;
    let (no_retries, _) = client(&server.url(), RetryConfig::disabled());
    let error = input().send_with(&no_retries).await.unwrap_err();
    assert!(matches!(error, SdkError::Service(_)), "{error:?}");
    assert_eq!(server.requests().len(), 1);

    // A wrong key, not a wrong clock: another attempt would fail the same way.
    let mismatch = Reply::json(
        403,
        r#"{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided."}"#,
    );
    let server = TestServer::start(vec![an_hour_ahead(mismatch), ok()]).await;
    let (standard, _) = client(&server.url(), RetryConfig::standard());
    let error = input().send_with(&standard).await.unwrap_err();
    let code = error.as_service_error().and_then(|e| e.code());
    assert_eq!(code, Some("InvalidSignatureException"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn every_attempt_names_its_operation_and_its_number() {
    let server = TestServer::start(vec![Reply::status(500), Reply::status(503), ok(), ok()]).await;
    let (client, _) = client(&server.url(), RetryConfig::standard());
    input().send_with(&client).await.unwrap();
    input().send_with(&client).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    let attempts: Vec<&str> = requests
        .iter()
        .map(|r| r.header("amz-sdk-request").unwrap())
        .collect();
    assert_eq!(
        attempts,
        [
            "attempt=1; max=3",
            "attempt=2; max=3",
            "attempt=3; max=3",
            "attempt=1; max=3"
        ]
    );
    let ids: Vec<&str> = requests
        .iter()
        .map(|r| r.header("amz-sdk-invocation-id").unwrap())
        .collect();
    assert!(ids[0] == ids[1] && ids[1] == ids[2], "{ids:?}");
    assert_ne!(ids[2], ids[3]);
    for id in &ids {
        let parts: Vec<&str> = id.split('-').collect();
        let lengths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12], "{id}");
        assert!(parts[2].starts_with('4'), "{id}");
        assert!(
            id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
            "{id}"
        );
    }
    // Like aws-sdk-rust: the invocation ID is signed, the attempt number is not.
    let signed: Vec<&str> = signed_headers(&requests[0]).split(';').collect();
    assert!(signed.contains(&"amz-sdk-invocation-id"), "{signed:?}");
    assert!(!signed.contains(&"amz-sdk-request"), "{signed:?}");
}

/// The waits of two calls, each answered with `replies`, in `mode` and without backoff
/// delays, so that any wait is the rate limiter's.
async fn waits_of_two_calls(mode: RetryMode, replies: Vec<Reply>) -> Vec<Duration> {
    let server = TestServer::start(replies).await;
    let retry = RetryConfig::standard()
        .with_mode(mode)
        .with_initial_backoff(Duration::ZERO);
    let (client, sleep) = client(&server.url(), retry);
    input().send_with(&client).await.unwrap();
    input().send_with(&client).await.unwrap();
    sleep
        .delays()
        .into_iter()
        .filter(|d| !d.is_zero())
        .collect()
}

#[tokio::test]
async fn adaptive_mode_slows_down_after_throttling() {
    let throttled = || Reply::json(400, r#"{"__type":"ThrottlingException"}"#);
    let adaptive = waits_of_two_calls(RetryMode::Adaptive, vec![throttled(), ok(), ok()]).await;
    // The retry waits for a token, and so does the next call: the bucket refills at the
    // minimum rate of half a token a second, and the retry emptied it.
    assert_eq!(adaptive.len(), 2, "{adaptive:?}");
    assert!(adaptive[1] > adaptive[0], "{adaptive:?}");

    let standard = waits_of_two_calls(RetryMode::Standard, vec![throttled(), ok(), ok()]).await;
    assert_eq!(standard, Vec::<Duration>::new());
    // Until the service throttles, adaptive mode sends at once.
    let unthrottled = waits_of_two_calls(RetryMode::Adaptive, vec![Reply::status(500), ok(), ok()]);
    assert_eq!(unthrottled.await, Vec::<Duration>::new());
}

/// An environment with no home directory, so no profile file of the machine is read, and
/// the instance metadata service off (this machine answers at its address).
fn env(extra: &[(&str, &str)]) -> Env {
    let base = [
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "SECRET"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    Env::from_vars(base.iter().chain(extra).map(|(k, v)| (*k, *v)))
}

/// A config file for one test, removed when dropped.
struct ConfigFile(std::path::PathBuf);

impl ConfigFile {
    fn new(name: &str, contents: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("leansdk-retry-modes-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for ConfigFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn loaded(env: Env) -> Config {
    Config::from_env().env(env).load().await.unwrap()
}

#[tokio::test]
async fn retry_mode_comes_from_the_environment_then_the_profile() {
    let file = ConfigFile::new(
        "mode",
        "[default]\nretry_mode = legacy\nmax_attempts = 5\n[profile fast]\nretry_mode = Adaptive\n",
    );
    let with_file = |extra: &[(&str, &str)]| {
        let mut vars = vec![("AWS_CONFIG_FILE", file.path())];
        vars.extend_from_slice(extra);
        env(&vars)
    };

    let config = loaded(with_file(&[])).await;
    assert_eq!(config.retry_config().mode(), RetryMode::Standard);
    assert_eq!(config.retry_config().max_attempts(), 5);

    let config = loaded(with_file(&[("AWS_PROFILE", "fast")])).await;
    assert_eq!(config.retry_config().mode(), RetryMode::Adaptive);
    assert_eq!(config.retry_config().max_attempts(), 3);

    let config = loaded(with_file(&[("AWS_RETRY_MODE", "adaptive")])).await;
    assert_eq!(config.retry_config().mode(), RetryMode::Adaptive);
    assert_eq!(config.retry_config().max_attempts(), 5);

    let config = Config::from_env()
        .env(with_file(&[("AWS_RETRY_MODE", "adaptive")]))
        .retry_config(RetryConfig::standard())
        .load()
        .await
        .unwrap();
    assert_eq!(config.retry_config(), &RetryConfig::standard());

    let bad_profile = ConfigFile::new("bad", "[default]\nretry_mode = turbo\n");
    for (bad, source) in [
        (env(&[("AWS_RETRY_MODE", "turbo")]), "AWS_RETRY_MODE"),
        (
            env(&[("AWS_CONFIG_FILE", bad_profile.path())]),
            "profile default: retry_mode",
        ),
    ] {
        let error = Config::from_env().env(bad).load().await.unwrap_err();
        let shown = error.to_string();
        assert!(shown.contains(source), "{shown}");
        assert!(shown.contains("turbo"), "{shown}");
        assert!(shown.contains("standard, adaptive or legacy"), "{shown}");
    }
}

#[tokio::test]
async fn the_app_id_comes_from_code_then_the_environment_then_the_profile() {
    let file = ConfigFile::new("app", "[default]\nsdk_ua_app_id = profile-app\n");
    let from_profile = env(&[("AWS_CONFIG_FILE", file.path())]);
    assert_eq!(loaded(from_profile).await.app_name(), Some("profile-app"));
    let from_env = env(&[
        ("AWS_CONFIG_FILE", file.path()),
        ("AWS_SDK_UA_APP_ID", "env-app"),
    ]);
    assert_eq!(loaded(from_env.clone()).await.app_name(), Some("env-app"));
    let in_code = Config::from_env()
        .env(from_env.clone())
        .app_name("code-app");
    assert_eq!(in_code.load().await.unwrap().app_name(), Some("code-app"));

    // And it reaches the user agent.
    let server = TestServer::start(vec![ok()]).await;
    let with_endpoint = env(&[
        ("AWS_SDK_UA_APP_ID", "env-app"),
        ("AWS_ENDPOINT_URL", &server.url()),
    ]);
    input()
        .send_with(&Client::new(&loaded(with_endpoint).await))
        .await
        .unwrap();
    let amz_user_agent = server.requests()[0]
        .header("x-amz-user-agent")
        .unwrap()
        .to_owned();
    assert!(amz_user_agent.ends_with(" app/env-app"), "{amz_user_agent}");
}

/// Set in the child process the Lambda test runs in (see below).
const LAMBDA_TRACE_ID: &str = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";

/// The trace ID is read from the process environment at each call (Lambda changes it at
/// every invocation), so the test runs in a child process of this test binary with Lambda's
/// variables set, rather than changing this process's environment under other tests.
#[tokio::test]
async fn in_lambda_the_trace_id_is_forwarded() {
    let server = TestServer::start(vec![ok()]).await;
    let (client, _) = client(&server.url(), RetryConfig::disabled());
    input().send_with(&client).await.unwrap();
    let trace_id = server.requests()[0]
        .header("x-amzn-trace-id")
        .map(str::to_owned);

    if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
        assert_eq!(trace_id.as_deref(), Some(LAMBDA_TRACE_ID));
        return;
    }
    assert_eq!(trace_id, None, "outside Lambda");
    // The harness names a test by its module path without the crate's name.
    let (_, module) = module_path!().split_once("::").unwrap();
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &format!("{module}::in_lambda_the_trace_id_is_forwarded"),
        ])
        .env("AWS_LAMBDA_FUNCTION_NAME", "my-function")
        .env("_X_AMZN_TRACE_ID", LAMBDA_TRACE_ID)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "{stdout}");
    // The filter matched the test: it ran in the child, and passed.
    assert!(stdout.contains("1 passed"), "{stdout}");
}
