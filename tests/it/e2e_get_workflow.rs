//! The GENERATED `GetWorkflow` (crate `leansdk-customerprofiles`) end to end against a local
//! server: request, signing, parsing, every modelled error, retries, malformed responses,
//! timeouts, the example's CLI logic, and a fuzzed response parser.

use std::time::Duration;

use leansdk_customerprofiles::error::{BuildError, ProvideErrorMetadata, SdkError, TimeoutKind};
use leansdk_customerprofiles::operation::get_workflow::{GetWorkflowError, GetWorkflowOutput};
use leansdk_customerprofiles::types::{SourceConnectorType, Status, WorkflowType};
use leansdk_customerprofiles::{Client, Config, Credentials, DateTime, RetryConfig, TimeoutConfig};
use leansdk_runtime::auth::sigv4::SigningSettings;
use leansdk_runtime::http::{Headers, HttpResponse};
use leansdk_tests::doubles::RecordingSleep;
use leansdk_tests::get_workflow::run_example;
use leansdk_tests::server::{RecordedRequest, Reply, TestServer};
use leansdk_tests::signing;

const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "session-token-for-e2e";
const DOMAIN: &str = "my-domain";
const WORKFLOW: &str = "3f9c2b7e8d1a4c6f9e0b5a7d2c4e6f81";

fn fixture() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/get_workflow/response.json"
    ))
    .unwrap()
}

fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET, Some(TOKEN.to_owned()), None)
}

fn config(server: &TestServer, sleep: &RecordingSleep) -> Config {
    leansdk_tests::config::local(server.url())
        .credentials(credentials())
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .sleep_impl(sleep.clone())
        .build()
}

async fn call(server: &TestServer) -> Result<GetWorkflowOutput, SdkError<GetWorkflowError>> {
    Client::new(&config(server, &RecordingSleep::default()))
        .get_workflow()
        .domain_name(DOMAIN)
        .workflow_id(WORKFLOW)
        .send()
        .await
}

fn ok_reply() -> Reply {
    Reply::json(200, &fixture()).header("x-amzn-RequestId", "req-ok")
}

#[tokio::test]
async fn documented_response_every_field_and_the_request() {
    let server = TestServer::start(vec![ok_reply()]).await;
    let output = call(&server).await.unwrap();

    assert_eq!(output.workflow_id.as_deref(), Some(WORKFLOW));
    assert_eq!(output.workflow_type, Some(WorkflowType::AppflowIntegration));
    assert_eq!(output.status, Some(Status::Failed));
    assert_eq!(
        output.error_description.as_deref(),
        Some("Salesforce API request limit reached for connector profile acme-salesforce-prod")
    );
    assert_eq!(
        output.start_date,
        Some(DateTime::from_secs_and_nanos(1_700_000_000, 123_000_000))
    );
    assert_eq!(
        output.last_updated_at,
        Some(DateTime::from_secs_and_nanos(1_700_003_725, 875_000_000))
    );
    let attributes = output.attributes.unwrap().appflow_integration.unwrap();
    assert_eq!(
        attributes.source_connector_type,
        SourceConnectorType::Salesforce
    );
    assert_eq!(attributes.connector_profile_name, "acme-salesforce-prod");
    assert_eq!(
        attributes.role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/CustomerProfilesAppFlowIngestion")
    );
    let metrics = output.metrics.unwrap().appflow_integration.unwrap();
    assert_eq!(
        (
            metrics.records_processed,
            metrics.steps_completed,
            metrics.total_steps
        ),
        (48213, 3, 5)
    );
    assert_eq!(output.request_id.as_deref(), Some("req-ok"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.path,
        format!("/domains/{DOMAIN}/workflows/{WORKFLOW}")
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
    let user_agent = request.header("user-agent").unwrap();
    assert!(user_agent.starts_with("leansdk-rust/"), "{user_agent}");
    let amz_user_agent = request.header("x-amz-user-agent").unwrap();
    assert!(
        amz_user_agent.contains("api/customerprofiles/0.1.0"),
        "{amz_user_agent}"
    );
    let authorization = request.header("authorization").unwrap();
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && authorization.contains("/us-east-1/profile/aws4_request"),
        "{authorization}"
    );
    assert_eq!(signature_recomputed(&server, request), authorization);
}

/// The `Authorization` the runtime computes for the recorded request (GetWorkflow's scope).
fn signature_recomputed(server: &TestServer, request: &RecordedRequest) -> String {
    signing::recomputed_authorization(
        request,
        &server.url(),
        &signing::Scope {
            credentials: &credentials(),
            region: "us-east-1",
            service: "profile",
            settings: SigningSettings::default(),
        },
    )
}

#[tokio::test]
async fn labels_are_percent_encoded_and_signed_as_sent() {
    let server = TestServer::start(vec![ok_reply()]).await;
    Client::new(&config(&server, &RecordingSleep::default()))
        .get_workflow()
        .domain_name("a/b c")
        .workflow_id(WORKFLOW)
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.path,
        format!("/domains/a%2Fb%20c/workflows/{WORKFLOW}")
    );
    assert_eq!(
        signature_recomputed(&server, request),
        request.header("authorization").unwrap()
    );
}

#[tokio::test]
async fn session_token_is_sent_and_signed() {
    let server = TestServer::start(vec![ok_reply()]).await;
    call(&server).await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("x-amz-security-token"), Some(TOKEN));
    let authorization = request.header("authorization").unwrap();
    let signed = authorization.split("SignedHeaders=").nth(1).unwrap();
    assert!(signed.contains("x-amz-security-token"), "{authorization}");
    assert!(!authorization.contains(TOKEN));
}

const ERRORS: [(&str, u16); 5] = [
    ("AccessDeniedException", 403),
    ("BadRequestException", 400),
    ("InternalServerException", 500),
    ("ResourceNotFoundException", 404),
    ("ThrottlingException", 429),
];

fn is_variant(error: &GetWorkflowError, code: &str) -> bool {
    match code {
        "AccessDeniedException" => error.is_access_denied_exception(),
        "BadRequestException" => error.is_bad_request_exception(),
        "InternalServerException" => error.is_internal_server_exception(),
        "ResourceNotFoundException" => error.is_resource_not_found_exception(),
        "ThrottlingException" => error.is_throttling_exception(),
        _ => false,
    }
}

/// The inherent `message()` of the modelled error inside `error`.
fn modelled_message(error: &GetWorkflowError) -> Option<&str> {
    match error {
        GetWorkflowError::AccessDeniedException(e) => e.message(),
        GetWorkflowError::BadRequestException(e) => e.message(),
        GetWorkflowError::InternalServerException(e) => e.message(),
        GetWorkflowError::ResourceNotFoundException(e) => e.message(),
        GetWorkflowError::ThrottlingException(e) => e.message(),
        _ => None,
    }
}

/// The three places restJson1 puts the error code.
fn error_replies(code: &str, status: u16) -> Vec<(&'static str, Reply)> {
    let message = format!("{code} happened");
    vec![
        (
            "X-Amzn-ErrorType header",
            Reply::json(status, &format!(r#"{{"Message":"{message}"}}"#))
                .header("X-Amzn-ErrorType", &format!("{code}:http://internal.amazon.com/"))
                .header("x-amzn-RequestId", "req-err"),
        ),
        (
            "__type with namespace and suffix",
            Reply::json(
                status,
                &format!(
                    r#"{{"__type":"com.amazonaws.customerprofiles#{code}:http://internal.amazon.com/","message":"{message}"}}"#
                ),
            )
            .header("x-amzn-RequestId", "req-err"),
        ),
        (
            "code",
            Reply::json(status, &format!(r#"{{"code":"{code}","Message":"{message}"}}"#))
                .header("x-amzn-RequestId", "req-err"),
        ),
    ]
}

#[tokio::test]
async fn every_modelled_error_from_every_code_source() {
    for (code, status) in ERRORS {
        for (source, reply) in error_replies(code, status) {
            // Retryable ones (throttling, 500) get the same reply on every attempt.
            let server = TestServer::start(vec![reply.clone(), reply.clone(), reply]).await;
            let error = call(&server).await.unwrap_err();
            let shown = error.to_string();
            let service_error = error.into_service_error().unwrap();
            assert!(
                is_variant(&service_error, code),
                "{code} by {source}: {service_error:?}"
            );
            assert_eq!(service_error.code(), Some(code), "{source}");
            assert_eq!(service_error.request_id(), Some("req-err"), "{source}");
            assert_eq!(service_error.meta().status(), status, "{source}");
            let message = format!("{code} happened");
            assert_eq!(service_error.message(), Some(message.as_str()), "{source}");
            // The error type's own `message()` too, whichever case the body spelled it in.
            assert_eq!(
                modelled_message(&service_error),
                Some(message.as_str()),
                "{source}"
            );
            for part in [code, message.as_str(), "req-err"] {
                assert!(shown.contains(part), "{source}: {shown}");
                assert!(service_error.to_string().contains(part), "{source}");
            }
            assert!(std::error::Error::source(&service_error).is_some());
        }
    }
}

#[tokio::test]
async fn unknown_error_code_is_unhandled_with_its_metadata() {
    let server = TestServer::start(vec![
        Reply::json(409, r#"{"__type":"ConflictException","message":"busy"}"#)
            .header("x-amzn-RequestId", "req-409"),
    ])
    .await;
    let error = call(&server).await.unwrap_err();
    let shown = error.to_string();
    let GetWorkflowError::Unhandled(unhandled) = error.into_service_error().unwrap() else {
        panic!("expected Unhandled");
    };
    assert_eq!(unhandled.code(), Some("ConflictException"));
    assert_eq!(unhandled.message(), Some("busy"));
    assert_eq!(unhandled.request_id(), Some("req-409"));
    assert_eq!(unhandled.meta().status(), 409);
    for part in ["ConflictException", "busy", "req-409", "409"] {
        assert!(shown.contains(part), "{shown}");
    }
}

#[tokio::test]
async fn throttling_then_success_and_500_then_success() {
    for first in [
        Reply::json(429, r#"{"message":"slow down"}"#)
            .header("X-Amzn-ErrorType", "ThrottlingException"),
        Reply::json(500, r#"{"message":"oops"}"#)
            .header("X-Amzn-ErrorType", "InternalServerException"),
    ] {
        let server = TestServer::start(vec![first, ok_reply()]).await;
        let sleep = RecordingSleep::default();
        let output = Client::new(&config(&server, &sleep))
            .get_workflow()
            .domain_name(DOMAIN)
            .workflow_id(WORKFLOW)
            .send()
            .await
            .unwrap();
        assert_eq!(output.status, Some(Status::Failed));
        assert_eq!(server.requests().len(), 2);
        assert_eq!(sleep.delays().len(), 1, "one backoff between the attempts");
    }
}

#[tokio::test]
async fn gives_up_after_the_attempt_limit_with_the_last_error() {
    let replies = (1..=3)
        .map(|n| {
            Reply::json(500, &format!(r#"{{"message":"attempt {n}"}}"#))
                .header("X-Amzn-ErrorType", "InternalServerException")
                .header("x-amzn-RequestId", &format!("req-{n}"))
        })
        .collect();
    let server = TestServer::start(replies).await;
    let error = call(&server).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    let error = error.into_service_error().unwrap();
    assert!(error.is_internal_server_exception());
    assert_eq!(error.message(), Some("attempt 3"));
    assert_eq!(error.request_id(), Some("req-3"));
}

#[tokio::test]
async fn malformed_responses_are_typed_response_errors() {
    for (what, reply) in [
        ("malformed JSON", Reply::json(200, "{not json")),
        ("truncated body", Reply::json(200, &fixture()[..40])),
        (
            "wrong content type",
            Reply::status(200)
                .header("Content-Type", "text/html")
                .body("<html>hello</html>"),
        ),
        (
            "wrong member type",
            Reply::json(200, r#"{"StartDate": "yesterday"}"#),
        ),
    ] {
        let server = TestServer::start(vec![reply.header("x-amzn-RequestId", "req-bad")]).await;
        match call(&server).await {
            Err(SdkError::Response(error)) => {
                assert_eq!(error.request_id(), Some("req-bad"), "{what}");
                assert_eq!(error.status(), 200, "{what}");
            }
            other => panic!("{what}: expected a response error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unknown_enum_values_and_unknown_fields_are_accepted() {
    let server = TestServer::start(vec![Reply::json(
        200,
        r#"{"Status":"PAUSED","WorkflowType":"NEW_KIND","SomethingNew":{"a":[1,2]},
            "Attributes":{"AppflowIntegration":{"SourceConnectorType":"Slack","Extra":true}}}"#,
    )])
    .await;
    let output = call(&server).await.unwrap();
    assert_eq!(output.status, Some(Status::Unknown("PAUSED".to_owned())));
    assert_eq!(
        output.workflow_type,
        Some(WorkflowType::Unknown("NEW_KIND".to_owned()))
    );
    assert_eq!(
        output
            .attributes
            .unwrap()
            .appflow_integration
            .unwrap()
            .source_connector_type,
        SourceConnectorType::Unknown("Slack".to_owned())
    );
}

#[tokio::test]
async fn missing_or_empty_required_label_fails_before_sending() {
    let server = TestServer::start(vec![ok_reply()]).await;
    let client = Client::new(&config(&server, &RecordingSleep::default()));
    let error = client
        .get_workflow()
        .workflow_id(WORKFLOW)
        .send()
        .await
        .unwrap_err();
    match &error {
        SdkError::Construction(BuildError::MissingMember { member }) => {
            assert_eq!(member, "DomainName")
        }
        other => panic!("expected a missing-member error, got {other:?}"),
    }
    assert!(error.to_string().contains("DomainName"), "{error}");
    // Set, then unset again: still missing.
    let error = client
        .get_workflow()
        .domain_name(DOMAIN)
        .set_domain_name(None)
        .workflow_id(WORKFLOW)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, SdkError::Construction(BuildError::MissingMember { member }) if member == "DomainName"),
        "{error:?}"
    );
    // Set but empty: a URI label cannot be empty.
    let error = client
        .get_workflow()
        .domain_name("")
        .workflow_id(WORKFLOW)
        .send()
        .await
        .unwrap_err();
    match &error {
        SdkError::Construction(BuildError::InvalidMember { member, .. }) => {
            assert_eq!(member, "DomainName")
        }
        other => panic!("expected an invalid-member error, got {other:?}"),
    }
    assert!(server.requests().is_empty(), "the server saw a request");
}

#[tokio::test]
async fn input_literal_sent_with_send_with() {
    let server = TestServer::start(vec![ok_reply()]).await;
    let client = Client::new(&config(&server, &RecordingSleep::default()));
    let input = leansdk_customerprofiles::operation::get_workflow::GetWorkflowInput {
        domain_name: Some(DOMAIN.to_owned()),
        workflow_id: Some(WORKFLOW.to_owned()),
    };
    let output = input.send_with(&client).await.unwrap();
    assert_eq!(output.workflow_id.as_deref(), Some(WORKFLOW));
}

#[tokio::test]
async fn operation_timeout_fires_against_a_silent_server() {
    let server = TestServer::start(vec![Reply::never()]).await;
    let config = leansdk_tests::config::local(server.url())
        .credentials(credentials())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::default()
                .with_attempt(Duration::from_secs(60))
                .with_operation(Duration::from_millis(200)),
        )
        .build();
    let error = Client::new(&config)
        .get_workflow()
        .domain_name(DOMAIN)
        .workflow_id(WORKFLOW)
        .send()
        .await
        .unwrap_err();
    match error {
        SdkError::Timeout(timeout) => assert_eq!(timeout.kind(), TimeoutKind::Operation),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn example_prints_cli_json_or_the_error() {
    let server = TestServer::start(vec![
        ok_reply(),
        Reply::json(404, r#"{"Message":"no such workflow"}"#)
            .header("X-Amzn-ErrorType", "ResourceNotFoundException")
            .header("x-amzn-RequestId", "req-404"),
    ])
    .await;
    let args = [
        "--domain-name",
        DOMAIN,
        "--workflow-id",
        WORKFLOW,
        "--timeout-secs",
        "20",
    ];
    let (status, stdout, stderr) = run_example(&server.url(), (ACCESS_KEY, SECRET), &args).await;
    assert_eq!(status, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["StartDate"], "2023-11-14T22:13:20.123Z");
    assert_eq!(json["LastUpdatedAt"], "2023-11-14T23:15:25.875Z");
    assert_eq!(json["Status"], "FAILED");
    assert_eq!(
        json["Attributes"]["AppflowIntegration"]["SourceConnectorType"],
        "Salesforce"
    );
    assert_eq!(
        json["Metrics"]["AppflowIntegration"]["RecordsProcessed"],
        48213
    );
    assert!(server.requests()[0].header("authorization").is_some());

    let (status, stdout, stderr) =
        run_example(&server.url(), (ACCESS_KEY, SECRET), &args[..4]).await;
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    for part in ["ResourceNotFoundException", "no such workflow", "req-404"] {
        assert!(stderr.contains(part), "{stderr}");
    }

    let (status, _, stderr) =
        run_example(&server.url(), (ACCESS_KEY, SECRET), &["--workflow", "x"]).await;
    assert_eq!(status, 2);
    assert!(stderr.contains("usage:"), "{stderr}");
}

mod fuzz {
    use leansdk_runtime::protocol::rest_json::error_metadata;
    use proptest::prelude::*;

    use super::*;

    fn response(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> HttpResponse {
        let mut map = Headers::new();
        for (name, value) in headers {
            map.append(name, value);
        }
        HttpResponse {
            status,
            headers: map,
            body,
        }
    }

    fn header_name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("content-type".to_owned()),
            Just("x-amzn-errortype".to_owned()),
            Just("x-amzn-requestid".to_owned()),
            "[a-z-]{1,12}",
        ]
    }

    fn body() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            // Near-valid JSON reaches deeper into the parser than random bytes.
            (0usize..600).prop_map(|cut| {
                let json = fixture().into_bytes();
                json[..cut.min(json.len())].to_vec()
            }),
            "\\{\"(Status|StartDate|Metrics|__type|code|Message)\":(\"[a-zA-Z#:]{0,12}\"|-?[0-9]{1,20}(\\.[0-9]{1,3})?|null|\\[\\]|\\{\\})\\}"
                .prop_map(String::into_bytes),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn parsers_never_panic(
            status in any::<u16>(),
            headers in proptest::collection::vec((header_name(), "[ -~]{0,40}"), 0..4),
            body in body(),
        ) {
            let response = response(status, headers, body);
            let _ = GetWorkflowOutput::from_response(&response);
            let meta = error_metadata(&response);
            if let Ok(error) = GetWorkflowError::from_response(meta, &response) {
                let _ = error.to_string();
            }
        }
    }
}
