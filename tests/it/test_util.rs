//! The `test-util` feature under the generated `GetWorkflow`: the replaying HTTP client with
//! its request assertions, and mock rules per operation (input matching, outputs, operation
//! errors, raw responses, retried sequences, calls no rule answers). No network: the HTTP
//! client, when there is one, is a double that fails every request and records it.

use std::error::Error;
use std::time::Duration;

use leansdk_customerprofiles::types::{ResourceNotFoundException, Status, ThrottlingException};
use leansdk_customerprofiles::{Client, Config};
use leansdk_runtime::error::{ErrorMetadata, ProvideErrorMetadata, SdkError};
use leansdk_runtime::http::{ConnectorErrorKind, Headers, HttpRequest, HttpResponse};
use leansdk_runtime::test_util::mock::{MockRules, Rule, RuleMode, Unmatched};
use leansdk_runtime::test_util::{ReplayClient, ReplayEvent};
use leansdk_tests::doubles::{NoNetwork, RecordingSleep};
use leansdk_tests::get_workflow::{GetWorkflowError, GetWorkflowInput, GetWorkflowOutput, input};

/// Where `input()` is sent in us-east-1: its labels percent-encoded.
const WORKFLOW_URL: &str =
    "https://profile.us-east-1.amazonaws.com/domains/my%20domain/workflows/wf%2F1";

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut map = Headers::new();
    for (name, value) in headers {
        map.append(*name, *value);
    }
    HttpResponse {
        status,
        headers: map,
        body: body.as_bytes().to_vec(),
    }
}

fn get(url: &str, headers: &[(&str, &str)]) -> HttpRequest {
    let mut map = Headers::new();
    for (name, value) in headers {
        map.append(*name, *value);
    }
    HttpRequest {
        method: "GET".to_owned(),
        url: url.to_owned(),
        headers: map,
        ..HttpRequest::default()
    }
}

/// A real configuration (endpoint rules, signing) sending with `replay`.
fn replaying(replay: &ReplayClient) -> Config {
    leansdk_tests::config::base()
        .http_client(replay.clone())
        .sleep_impl(RecordingSleep::default())
        .build()
}

/// A configuration whose calls `rules` answer; its HTTP client is `network`, which must
/// never be called, and no region or credentials are set.
fn mocked(rules: MockRules, network: &NoNetwork, sleep: &RecordingSleep) -> Config {
    Config::builder()
        .mock_rules(rules)
        .http_client(network.clone())
        .sleep_impl(sleep.clone())
        .build()
}

fn workflow(status: Status) -> GetWorkflowOutput {
    GetWorkflowOutput {
        workflow_id: Some("wf/1".to_owned()),
        status: Some(status),
        ..GetWorkflowOutput::default()
    }
}

#[tokio::test]
async fn the_replay_client_answers_and_the_requests_sent_match_the_events() {
    let replay = ReplayClient::new([ReplayEvent::new(
        get(WORKFLOW_URL, &[("amz-sdk-request", "attempt=1; max=3")]),
        response(
            200,
            &[("x-amzn-RequestId", "req-1")],
            r#"{"WorkflowId":"wf/1","Status":"COMPLETE"}"#,
        ),
    )]);
    let output = input()
        .send_with(&Client::new(&replaying(&replay)))
        .await
        .unwrap();
    assert_eq!(output.status, Some(Status::Complete));
    assert_eq!(output.request_id.as_deref(), Some("req-1"));

    replay.assert_requests_match(&[]);
    let sent = replay.actual_requests();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].headers.contains("authorization"),
        "signed as for real"
    );
}

#[tokio::test]
async fn a_request_that_differs_from_its_event_is_reported_with_the_difference() {
    let replay = ReplayClient::new([
        ReplayEvent::new(get(WORKFLOW_URL, &[]), response(200, &[], "{}")),
        ReplayEvent::new(
            get("/domains/other/workflows/wf%2F1", &[]),
            response(200, &[], "{}"),
        ),
    ]);
    let client = Client::new(&replaying(&replay));
    input().send_with(&client).await.unwrap();
    input().send_with(&client).await.unwrap();

    let mismatch = replay.check_requests(&[]).unwrap_err();
    assert_eq!(mismatch.index(), 1);
    assert_eq!(
        mismatch.to_string(),
        "event 1: path: expected \"/domains/other/workflows/wf%2F1\", sent \"/domains/my%20domain/workflows/wf%2F1\""
    );
}

#[tokio::test]
async fn a_replay_that_runs_out_fails_the_call_without_retrying() {
    let replay = ReplayClient::new([]);
    let error = input()
        .send_with(&Client::new(&replaying(&replay)))
        .await
        .unwrap_err();
    let SdkError::Dispatch(error) = &error else {
        panic!("expected a dispatch error, got {error:?}");
    };
    assert_eq!(error.kind(), ConnectorErrorKind::InvalidRequest);
    assert!(error.to_string().contains("the replay ran out"), "{error}");
    assert_eq!(replay.actual_requests().len(), 1, "not retried");
}

#[tokio::test]
async fn a_rule_answers_the_inputs_it_matches_with_its_output_and_nothing_is_sent() {
    let my_domain = Rule::<GetWorkflowInput>::builder()
        .match_requests(|input| input.domain_name.as_deref() == Some("my domain"))
        .then_output(|| workflow(Status::InProgress));
    let other = Rule::<GetWorkflowInput>::builder().then_output(|| workflow(Status::Failed));
    let network = NoNetwork::default();
    let rules = MockRules::new(RuleMode::MatchAny)
        .rule(&my_domain)
        .rule(&other);
    let client = Client::new(&mocked(rules, &network, &RecordingSleep::default()));

    let output = input().send_with(&client).await.unwrap();
    assert_eq!(output, workflow(Status::InProgress));
    let output = client
        .get_workflow()
        .domain_name("another")
        .workflow_id("w")
        .send()
        .await
        .unwrap();
    assert_eq!(output.status, Some(Status::Failed));
    input().send_with(&client).await.unwrap();

    assert_eq!((my_domain.num_calls(), other.num_calls()), (2, 1));
    assert!(
        !my_domain.is_exhausted(),
        "a `then_*` rule answers for ever"
    );
    assert_eq!(network.urls(), Vec::<String>::new());
}

#[tokio::test]
async fn a_rule_answers_with_a_modelled_error() {
    let not_found = Rule::<GetWorkflowInput>::builder().then_error(|| {
        GetWorkflowError::ResourceNotFoundException(ResourceNotFoundException {
            message: Some("no such workflow".to_owned()),
            ..ResourceNotFoundException::default()
        })
    });
    let network = NoNetwork::default();
    let rules = MockRules::new(RuleMode::MatchAny).rule(&not_found);
    let error = input()
        .send_with(&Client::new(&mocked(
            rules,
            &network,
            &RecordingSleep::default(),
        )))
        .await
        .unwrap_err();
    let service_error = error.as_service_error().expect("a service error");
    assert!(service_error.is_resource_not_found_exception(), "{error:?}");
    assert_eq!(service_error.code(), Some("ResourceNotFoundException"));
    assert_eq!(service_error.message(), None, "the metadata holds none");
    assert_eq!(
        service_error.to_string(),
        "ResourceNotFoundException: no such workflow"
    );
    assert_eq!(not_found.num_calls(), 1, "not retried");
}

#[tokio::test]
async fn raw_responses_are_read_by_the_operations_parsers() {
    let ok = Rule::<GetWorkflowInput>::builder()
        .match_requests(|input| input.workflow_id.as_deref() == Some("wf/1"))
        .then_http_response(|| {
            response(
                200,
                &[("x-amzn-RequestId", "req-ok")],
                r#"{"WorkflowId":"wf/1","Status":"SPLIT"}"#,
            )
        });
    let missing = Rule::<GetWorkflowInput>::builder().then_http_response(|| {
        response(
            404,
            &[
                ("x-amzn-ErrorType", "ResourceNotFoundException"),
                ("x-amzn-RequestId", "req-404"),
            ],
            r#"{"Message":"gone"}"#,
        )
    });
    let network = NoNetwork::default();
    let rules = MockRules::new(RuleMode::MatchAny).rule(&ok).rule(&missing);
    let client = Client::new(&mocked(rules, &network, &RecordingSleep::default()));

    let output = input().send_with(&client).await.unwrap();
    assert_eq!(output.status, Some(Status::Split));
    assert_eq!(output.request_id.as_deref(), Some("req-ok"));

    let error = client
        .get_workflow()
        .domain_name("d")
        .workflow_id("w")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.request_id(), Some("req-404"));
    let service_error = error.into_service_error().unwrap();
    assert!(service_error.is_resource_not_found_exception());
    assert_eq!(service_error.message(), Some("gone"));
}

#[tokio::test]
async fn a_sequence_answers_the_attempts_of_one_call_under_the_retry_policy() {
    let flaky = Rule::<GetWorkflowInput>::builder()
        .sequence()
        .http_response(|| response(503, &[], ""))
        .output(|| workflow(Status::Complete))
        .build();
    let network = NoNetwork::default();
    let sleep = RecordingSleep::default();
    let rules = MockRules::new(RuleMode::InOrder).rule(&flaky);
    let client = Client::new(&mocked(rules, &network, &sleep));

    let output = input().send_with(&client).await.unwrap();
    assert_eq!(output, workflow(Status::Complete));
    assert_eq!(flaky.num_calls(), 2);
    assert_eq!(sleep.delays().len(), 1, "one backoff before the retry");
    assert!(flaky.is_exhausted());
}

#[tokio::test]
async fn a_modelled_throttling_error_is_retried_as_the_services_would_be() {
    let throttled = Rule::<GetWorkflowInput>::builder()
        .sequence()
        // Built in code, its metadata without a code: the variant names it.
        .error(|| GetWorkflowError::ThrottlingException(ThrottlingException::default()))
        .times(3)
        .output(|| workflow(Status::Complete))
        .build();
    let network = NoNetwork::default();
    let sleep = RecordingSleep::default();
    let rules = MockRules::new(RuleMode::InOrder).rule(&throttled);
    let client = Client::new(&mocked(rules, &network, &sleep));

    // Three attempts (the standard mode's), all throttled: the last error is the call's.
    let error = input().send_with(&client).await.unwrap_err();
    assert!(
        error.as_service_error().unwrap().is_throttling_exception(),
        "{error:?}"
    );
    assert_eq!(throttled.num_calls(), 3);
    assert_eq!(sleep.delays().len(), 2);
    // The next call gets the rest of the sequence.
    assert_eq!(
        input().send_with(&client).await.unwrap(),
        workflow(Status::Complete)
    );
    assert_eq!(throttled.num_calls(), 4);
}

/// The `Unmatched` error behind a call no rule answered.
fn unmatched(error: &SdkError<GetWorkflowError>) -> &Unmatched {
    let SdkError::Dispatch(dispatch) = error else {
        panic!("expected a dispatch error, got {error:?}");
    };
    assert_eq!(dispatch.kind(), ConnectorErrorKind::InvalidRequest);
    dispatch
        .source()
        .and_then(|source| source.downcast_ref::<Unmatched>())
        .expect("the cause is `Unmatched`")
}

#[tokio::test]
async fn a_call_no_rule_answers_fails_naming_the_operation_and_is_never_sent() {
    let first = Rule::<GetWorkflowInput>::builder()
        .match_requests(|input| input.domain_name.as_deref() == Some("my domain"))
        .sequence()
        .output(|| workflow(Status::Complete))
        .build();
    let network = NoNetwork::default();
    let sleep = RecordingSleep::default();
    let in_order = MockRules::new(RuleMode::InOrder).rule(&first);
    let client = Client::new(&mocked(in_order, &network, &sleep));

    let other = client
        .get_workflow()
        .domain_name("other")
        .workflow_id("w")
        .send()
        .await
        .unwrap_err();
    assert_eq!(unmatched(&other).operation(), "GetWorkflow");
    assert_eq!(
        unmatched(&other).to_string(),
        "no mock rule answers this GetWorkflow call: the next rule in order (rule 0, for GetWorkflow) does not match its input"
    );
    input().send_with(&client).await.unwrap();
    let after = input().send_with(&client).await.unwrap_err();
    assert_eq!(
        unmatched(&after).to_string(),
        "no mock rule answers this GetWorkflow call: all 1 rules are used up"
    );

    let none = MockRules::new(RuleMode::MatchAny);
    let error = input()
        .send_with(&Client::new(&mocked(none, &network, &sleep)))
        .await
        .unwrap_err();
    assert!(
        unmatched(&error)
            .to_string()
            .contains("none of the 0 rules matches it"),
        "{error}"
    );
    assert_eq!(network.urls(), Vec::<String>::new());
    assert_eq!(sleep.delays(), Vec::<Duration>::new(), "never retried");
}

#[tokio::test]
async fn an_input_that_cannot_be_sent_fails_before_any_rule_is_asked() {
    let rule = Rule::<GetWorkflowInput>::builder().then_output(GetWorkflowOutput::default);
    let network = NoNetwork::default();
    let rules = MockRules::new(RuleMode::MatchAny).rule(&rule);
    let client = Client::new(&mocked(rules, &network, &RecordingSleep::default()));
    let error = client
        .get_workflow()
        .workflow_id("w")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, SdkError::Construction(_)), "{error:?}");
    assert_eq!(rule.num_calls(), 0);
}

#[tokio::test]
async fn error_metadata_set_in_code_is_kept() {
    let rule = Rule::<GetWorkflowInput>::builder().then_error(|| {
        GetWorkflowError::ResourceNotFoundException(ResourceNotFoundException {
            meta: ErrorMetadata::new(
                404,
                Some("ResourceNotFoundException".into()),
                Some("gone".into()),
                Some("req-9".into()),
            ),
            ..ResourceNotFoundException::default()
        })
    });
    let network = NoNetwork::default();
    let rules = MockRules::new(RuleMode::MatchAny).rule(&rule);
    let error = input()
        .send_with(&Client::new(&mocked(
            rules,
            &network,
            &RecordingSleep::default(),
        )))
        .await
        .unwrap_err();
    assert_eq!(error.request_id(), Some("req-9"));
    assert!(
        error.to_string().contains("(HTTP 404, request ID req-9)"),
        "{error}"
    );
}

/// Calls can be spawned: the input the call now holds until its end keeps the future
/// `Send`, mocked or not.
#[tokio::test]
async fn a_mocked_call_runs_on_a_spawned_task() {
    let rule = Rule::<GetWorkflowInput>::builder().then_output(|| workflow(Status::Complete));
    let rules = MockRules::new(RuleMode::MatchAny).rule(&rule);
    let client = Client::new(&mocked(
        rules,
        &NoNetwork::default(),
        &RecordingSleep::default(),
    ));
    let output = tokio::spawn(async move { input().send_with(&client).await })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output, workflow(Status::Complete));
}

/// The README's example ("Unit-testing code that calls the SDK"), which
/// `the_readme_shows_the_example` keeps word for word the same.
mod readme_example {
    // README example begins
    use leansdk_customerprofiles::error::SdkError;
    use leansdk_customerprofiles::operation::get_workflow::{
        GetWorkflowError, GetWorkflowInput, GetWorkflowOutput,
    };
    use leansdk_customerprofiles::test_util::HttpResponse;
    use leansdk_customerprofiles::test_util::mock::{MockRules, Rule, RuleMode};
    use leansdk_customerprofiles::types::Status;
    use leansdk_customerprofiles::{Client, Config, RetryConfig};

    /// The code under test.
    async fn is_done(client: &Client, workflow: &str) -> Result<bool, SdkError<GetWorkflowError>> {
        let output = client
            .get_workflow()
            .domain_name("d")
            .workflow_id(workflow)
            .send()
            .await?;
        Ok(output.status == Some(Status::Complete))
    }

    #[tokio::test]
    async fn a_workflow_is_done_once_complete() {
        let complete = Rule::<GetWorkflowInput>::builder()
            .match_requests(|input| input.workflow_id.as_deref() == Some("w-1"))
            // A 503, which the standard retry mode retries, then the output.
            .sequence()
            .http_response(|| HttpResponse {
                status: 503,
                ..Default::default()
            })
            .output(|| GetWorkflowOutput {
                status: Some(Status::Complete),
                ..Default::default()
            })
            .build();
        let config = Config::builder()
            .mock_rules(MockRules::new(RuleMode::InOrder).rule(&complete))
            .retry_config(RetryConfig::standard().with_initial_backoff(std::time::Duration::ZERO))
            .build();
        assert!(is_done(&Client::new(&config), "w-1").await.unwrap());
        assert_eq!(complete.num_calls(), 2);
    }
    // README example ends
}

#[test]
fn the_readme_shows_the_example() {
    let source = include_str!("test_util.rs");
    let (_, example) = source.split_once("// README example begins\n").unwrap();
    let (example, _) = example.split_once("    // README example ends").unwrap();
    let example: String = example
        .lines()
        .map(|line| format!("{}\n", line.strip_prefix("    ").unwrap_or(line)))
        .collect();
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains(&example),
        "README.md should show tests/it/test_util.rs's example as it is:\n{example}"
    );
}

/// Operations whose output streams (S3 GetObject) are mocked too: a typed output keeps its
/// body as given, a raw response's body becomes the stream, read by the operation's parser.
#[tokio::test]
async fn a_streaming_operation_is_answered_by_outputs_and_raw_responses() {
    use leansdk_s3::operation::get_object::{GetObjectInput, GetObjectOutput};

    let object = Rule::<GetObjectInput>::builder()
        .match_requests(|input| input.key.as_deref() == Some("typed"))
        .then_output(|| GetObjectOutput {
            body: "typed body".into(),
            e_tag: Some("\"t\"".to_owned()),
            ..GetObjectOutput::default()
        });
    let raw = Rule::<GetObjectInput>::builder().then_http_response(|| {
        response(
            200,
            &[("ETag", "\"r\""), ("Content-Length", "8")],
            "raw body",
        )
    });
    let network = NoNetwork::default();
    let rules = MockRules::new(RuleMode::MatchAny).rule(&object).rule(&raw);
    let client = leansdk_s3::Client::new(&mocked(rules, &network, &RecordingSleep::default()));

    let typed = client
        .get_object()
        .bucket("b")
        .key("typed")
        .send()
        .await
        .unwrap();
    assert_eq!(typed.e_tag.as_deref(), Some("\"t\""));
    assert_eq!(typed.body.collect().await.unwrap(), b"typed body");

    let parsed = client
        .get_object()
        .bucket("b")
        .key("other")
        .send()
        .await
        .unwrap();
    assert_eq!(parsed.e_tag.as_deref(), Some("\"r\""));
    assert_eq!(parsed.content_length, Some(8));
    assert_eq!(parsed.body.collect().await.unwrap(), b"raw body");
    assert_eq!((object.num_calls(), raw.num_calls()), (1, 1));
    assert!(network.urls().is_empty(), "nothing is sent");
}
