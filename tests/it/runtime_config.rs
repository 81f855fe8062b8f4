//! `Config::from_env`: what the environment fills in, what code settings override, and an
//! end-to-end call with credentials from the environment.

use leansdk_customerprofiles::Client;
use leansdk_runtime::config::Config;
use leansdk_runtime::config::env::Env;
use leansdk_runtime::config::retry::RetryConfig;
use leansdk_tests::get_workflow::input;
use leansdk_tests::server::{Reply, TestServer};

const SECRET: &str = "env-secret-key-never-shown";

/// An environment with no home directory, so no profile file of the machine is read, and
/// the instance metadata service off (this machine answers at its address).
fn env(extra: &[(&str, &str)]) -> Env {
    let base = [
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    Env::from_vars(base.iter().chain(extra).map(|(k, v)| (*k, *v)))
}

#[tokio::test]
async fn environment_fills_what_code_does_not_set() {
    let config = Config::from_env()
        .env(env(&[
            ("AWS_REGION", "eu-central-1"),
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_MAX_ATTEMPTS", "7"),
            (
                "AWS_ENDPOINT_URL_CUSTOMER_PROFILES",
                "http://127.0.0.1:1/cp",
            ),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1/any"),
        ]))
        .load()
        .await
        .unwrap();
    assert_eq!(config.region(), Some("eu-central-1"));
    assert!(config.use_fips());
    assert!(!config.use_dual_stack());
    assert_eq!(config.retry_config().max_attempts(), 7);
    assert_eq!(
        config.endpoint_url_for("Customer Profiles").as_deref(),
        Some("http://127.0.0.1:1/cp")
    );
    assert_eq!(
        config.endpoint_url_for("Other Service").as_deref(),
        Some("http://127.0.0.1:1/any")
    );
    let credentials = config
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKIDENV");
    assert!(!format!("{config:?}").contains(SECRET));
}

#[tokio::test]
async fn code_settings_win_over_the_environment() {
    let config = Config::from_env()
        .env(env(&[
            ("AWS_REGION", "eu-central-1"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
            ("AWS_MAX_ATTEMPTS", "7"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1/env"),
        ]))
        .region("ap-south-1")
        .use_dual_stack(false)
        .retry_config(RetryConfig::disabled())
        .endpoint_url("http://127.0.0.1:1/code")
        .load()
        .await
        .unwrap();
    assert_eq!(config.region(), Some("ap-south-1"));
    assert!(!config.use_dual_stack());
    assert_eq!(config.retry_config().max_attempts(), 1);
    assert_eq!(
        config.endpoint_url_for("Customer Profiles").as_deref(),
        Some("http://127.0.0.1:1/code")
    );
}

#[tokio::test]
async fn malformed_environment_value_is_a_typed_error() {
    let error = Config::from_env()
        .env(env(&[("AWS_USE_FIPS_ENDPOINT", "maybe")]))
        .load()
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("AWS_USE_FIPS_ENDPOINT"), "{shown}");
}

#[tokio::test]
async fn loaded_config_signs_requests_to_the_configured_endpoint() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let config = Config::from_env()
        .env(env(&[
            ("AWS_REGION", "us-west-2"),
            ("AWS_ENDPOINT_URL_CUSTOMER_PROFILES", &server.url()),
        ]))
        .load()
        .await
        .unwrap();

    input().send_with(&Client::new(&config)).await.unwrap();
    let request = &server.requests()[0];
    let authorization = request.header("authorization").unwrap();
    assert!(authorization.contains("AKIDENV/"), "{authorization}");
    assert!(
        authorization.contains("/us-west-2/profile/"),
        "{authorization}"
    );
}
