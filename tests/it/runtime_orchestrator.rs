//! The orchestrator under the generated `GetWorkflow` end to end against a local server:
//! serialisation, endpoint, headers, signing, parsing, configuration errors, redaction.

use std::time::Duration;

use leansdk_runtime::auth::credentials::Credentials;
use leansdk_runtime::config::retry::RetryConfig;
use leansdk_runtime::config::{Config, TimeoutConfig};
use leansdk_runtime::error::{BuildError, ProvideErrorMetadata, SdkError};
use std::collections::BTreeMap;

use leansdk_customerprofiles::Client;
use leansdk_customerprofiles::types::Status;
use leansdk_runtime::endpoint::{Endpoint, EndpointError};
use leansdk_runtime::orchestrator::{ClientHandle, EndpointConfig, ServiceMeta};
use leansdk_tests::get_workflow::{GetWorkflowError, GetWorkflowInput, GetWorkflowOutput, input};
use leansdk_tests::server::{Reply, TestServer};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "session-token-never-shown";

fn config(endpoint_url: &str) -> Config {
    leansdk_tests::config::local(endpoint_url)
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            SECRET,
            Some(TOKEN.to_owned()),
            None,
        ))
        .retry_config(RetryConfig::disabled())
        .timeout_config(TimeoutConfig::default().with_operation(Duration::from_secs(20)))
        .app_name("orchestrator-test")
        .build()
}

#[tokio::test]
async fn generated_operation_round_trip() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"WorkflowId":"wf/1","Status":"IN_PROGRESS"}"#)
            .header("x-amzn-RequestId", "req-ok"),
    ])
    .await;
    let client = Client::new(&config(&server.url()));

    let output = input().send_with(&client).await.unwrap();
    assert_eq!(
        output,
        GetWorkflowOutput {
            workflow_id: Some("wf/1".to_owned()),
            status: Some(Status::InProgress),
            request_id: Some("req-ok".to_owned()),
            ..Default::default()
        }
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/domains/my%20domain/workflows/wf%2F1");
    assert!(request.body.is_empty());
    let user_agent = request.header("user-agent").unwrap();
    assert!(user_agent.starts_with("leansdk-rust/"), "{user_agent}");
    let amz_user_agent = request.header("x-amz-user-agent").unwrap();
    assert!(
        amz_user_agent.contains("api/customerprofiles/0.1.0"),
        "{amz_user_agent}"
    );
    assert!(
        amz_user_agent.contains("app/orchestrator-test"),
        "{amz_user_agent}"
    );
    let authorization = request.header("authorization").unwrap();
    assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
    assert!(
        authorization.contains("/us-east-1/profile/aws4_request"),
        "{authorization}"
    );
    assert!(!authorization.contains(SECRET));
}

#[tokio::test]
async fn modelled_error_carries_code_message_and_request_id() {
    let server = TestServer::start(vec![
        Reply::json(404, r#"{"Message":"Workflow wf/1 not found"}"#)
            .header(
                "X-Amzn-ErrorType",
                "ResourceNotFoundException:http://internal/",
            )
            .header("x-amzn-requestid", "req-404"),
    ])
    .await;
    let client = Client::new(&config(&server.url()));

    let error = input().send_with(&client).await.unwrap_err();
    let shown = error.to_string();
    for part in [
        "ResourceNotFoundException",
        "Workflow wf/1 not found",
        "req-404",
        "404",
    ] {
        assert!(shown.contains(part), "{shown}");
    }
    assert_eq!(error.request_id(), Some("req-404"));
    assert_eq!(error.raw_response().map(|r| r.status), Some(404));
    match error.into_service_error() {
        Some(GetWorkflowError::ResourceNotFoundException(e)) => {
            assert_eq!(e.message.as_deref(), Some("Workflow wf/1 not found"));
            assert_eq!(e.request_id(), Some("req-404"));
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }
}

#[tokio::test]
async fn unmodelled_error_code_is_unhandled_with_metadata() {
    let server = TestServer::start(vec![
        Reply::json(
            409,
            r#"{"__type":"com.amazonaws.profile#ConflictException","message":"busy"}"#,
        )
        .header("x-amz-request-id", "req-409"),
    ])
    .await;
    let client = Client::new(&config(&server.url()));

    let error = input().send_with(&client).await.unwrap_err();
    let Some(GetWorkflowError::Unhandled(unhandled)) = error.as_service_error() else {
        panic!("expected Unhandled, got {error:?}");
    };
    assert_eq!(unhandled.code(), Some("ConflictException"));
    assert_eq!(unhandled.message(), Some("busy"));
    assert_eq!(unhandled.request_id(), Some("req-409"));
}

#[tokio::test]
async fn malformed_success_body_is_a_response_error() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"WorkflowId": "wf"#).header("x-amzn-requestid", "req-trunc"),
    ])
    .await;
    let client = Client::new(&config(&server.url()));

    let error = input().send_with(&client).await.unwrap_err();
    let SdkError::Response(response) = &error else {
        panic!("expected a response error, got {error:?}");
    };
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req-trunc"));
    assert!(error.to_string().contains("req-trunc"), "{error}");
}

#[tokio::test]
async fn missing_label_fails_before_sending() {
    let server = TestServer::start(vec![]).await;
    let client = Client::new(&config(&server.url()));

    let error = GetWorkflowInput {
        workflow_id: None,
        ..input()
    }
    .send_with(&client)
    .await
    .unwrap_err();
    assert!(
        matches!(&error, SdkError::Construction(BuildError::MissingMember { member }) if member == "WorkflowId"),
        "{error:?}"
    );
    assert!(error.to_string().contains("WorkflowId"));
    assert!(server.requests().is_empty());
}

/// A service whose resolver returns what Customer Profiles' rules never do: endpoint
/// headers and an `authSchemes` override of signing name and region.
static OVERRIDING_SERVICE: ServiceMeta = ServiceMeta {
    service_id: "Customer Profiles",
    signing_name: "profile",
    sdk_version: "0.1.0",
    resolve_endpoint: overriding_endpoint,
    error_metadata: leansdk_runtime::protocol::rest_json::error_metadata,
    signing: leansdk_runtime::auth::sigv4::SigningSettings::STANDARD,
    error_in_success: None,
};

fn overriding_endpoint(config: &EndpointConfig<'_>) -> Result<Endpoint, EndpointError> {
    let url = config
        .endpoint_url
        .ok_or_else(|| EndpointError::new("needs an endpoint URL"))?;
    let scheme = serde_json::json!([{
        "name": "sigv4", "signingName": "overridden", "signingRegion": "eu-west-1"
    }]);
    Ok(Endpoint::new(format!("{url}/override"))
        .with_headers(BTreeMap::from([(
            "x-endpoint-header".to_owned(),
            vec!["from-rules".to_owned()],
        )]))
        .with_properties(BTreeMap::from([("authSchemes".to_owned(), scheme)])))
}

/// The generated serialiser and parsers under a service with its own resolver.
#[tokio::test]
async fn endpoint_headers_and_auth_scheme_overrides_apply() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let handle = ClientHandle::new(&config(&server.url()), &OVERRIDING_SERVICE);
    handle
        .invoke(
            input().to_request(),
            input(),
            GetWorkflowOutput::from_response,
            GetWorkflowError::from_response,
        )
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert!(
        request.path.starts_with("/override/domains/"),
        "{}",
        request.path
    );
    assert_eq!(request.header("x-endpoint-header"), Some("from-rules"));
    let authorization = request.header("authorization").unwrap();
    assert!(
        authorization.contains("/eu-west-1/overridden/aws4_request"),
        "{authorization}"
    );
}

#[tokio::test]
async fn missing_region_and_credentials_are_configuration_errors() {
    let no_region = Config::builder()
        .credentials(Credentials::new("AKID", SECRET, None, None))
        .build();
    let error = input()
        .send_with(&Client::new(&no_region))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, SdkError::Construction(BuildError::Endpoint { .. })),
        "{error:?}"
    );

    let server = TestServer::start(vec![]).await;
    let no_credentials = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .build();
    let error = input()
        .send_with(&Client::new(&no_credentials))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, SdkError::Construction(BuildError::Config { .. })),
        "{error:?}"
    );
    assert!(error.to_string().contains("credentials"), "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn secrets_never_appear_in_debug_or_display() {
    let server = TestServer::start(vec![Reply::json(
        400,
        r#"{"code":"BadRequestException","message":"no"}"#,
    )])
    .await;
    let config = config(&server.url());
    let client = Client::new(&config);
    let error = input().send_with(&client).await.unwrap_err();

    let request = &server.requests()[0];
    let signature = request.header("authorization").unwrap().to_owned();
    let token = request
        .header("x-amz-security-token")
        .unwrap_or(TOKEN)
        .to_owned();
    let mut shown = vec![
        format!("{config:?}"),
        format!("{client:?}"),
        format!("{error:?}"),
        format!("{error}"),
    ];
    // A signed request's Debug (as the HTTP client would see it) redacts its credentials.
    let mut signed = leansdk_runtime::http::HttpRequest::default();
    signed.headers.insert("Authorization", signature.as_str());
    signed
        .headers
        .insert("X-Amz-Security-Token", token.as_str());
    shown.push(format!("{signed:?}"));
    for text in shown {
        assert!(!text.contains(SECRET), "secret key in {text}");
        assert!(!text.contains(TOKEN), "session token in {text}");
        assert!(!text.contains(&token), "session token in {text}");
        assert!(!text.contains(&signature), "signature in {text}");
    }
}
