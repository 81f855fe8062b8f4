//! Three operations of the official Customer Profiles model, generated and driven end to end
//! against the local server: `CreateEventStream` (POST with a JSON body), `ListEventStreams`
//! (paginated GET, through the paginator) and `DeleteEventStream` (DELETE).
//!
//! Why a model of our own: `cargo test` must pass without `../shared`, and the official
//! model must never be copied into the repository. `models/event_streams.json` declares
//! these three operations with the official shapes and traits (HTTP bindings, required
//! members, `smithy.api#paginated`, errors) and our own documentation; its generated crate
//! is the `event_streams` snapshot (kept fresh by the `snapshots` test), a dependency here.
//! Its `sdkId` is ours, `Event Streams Test`, so that the crate's package name
//! (`leansdk-eventstreamstest`) is not that of `generated/`, in the same workspace.
//! `cargo xtask conformance` checks that the whole official model compiles.

use std::collections::BTreeMap;

use leansdk_eventstreamstest::Client;
use leansdk_eventstreamstest::operation::list_event_streams::ListEventStreamsError;
use leansdk_eventstreamstest::types::{EventStreamState, EventStreamSummary};
use leansdk_runtime::error::SdkError;
use leansdk_tests::server::{RecordedRequest, Reply, TestServer};
use serde_json::{Value, json};

const DOMAIN: &str = "my-domain";

fn client(server: &TestServer) -> Client {
    Client::new(&leansdk_tests::config::local(server.url()).build())
}

fn body_json(request: &RecordedRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn summary(name: &str) -> Value {
    json!({
        "DomainName": DOMAIN,
        "EventStreamName": name,
        "EventStreamArn": format!("arn:aws:profile:us-east-1:123456789012:domains/{DOMAIN}/event-streams/{name}"),
        "State": "RUNNING",
        "DestinationSummary": {"Uri": "arn:aws:kinesis:us-east-1:123456789012:stream/s", "Status": "HEALTHY"}
    })
}

fn page(names: &[&str], next: Option<&str>) -> Reply {
    let mut body = json!({"Items": names.iter().map(|n| summary(n)).collect::<Vec<_>>()});
    if let Some(next) = next {
        body["NextToken"] = json!(next);
    }
    Reply::json(200, &body.to_string())
}

#[tokio::test]
async fn create_event_stream_posts_json_and_reads_the_arn() {
    let arn = "arn:aws:profile:us-east-1:123456789012:domains/my-domain/event-streams/orders";
    let server = TestServer::start(vec![
        Reply::json(
            200,
            &json!({"EventStreamArn": arn, "Tags": {"team": "crm"}}).to_string(),
        )
        .header("x-amzn-RequestId", "req-create"),
    ])
    .await;
    let output = client(&server)
        .create_event_stream()
        .domain_name(DOMAIN)
        .event_stream_name("orders")
        .uri("arn:aws:kinesis:us-east-1:123456789012:stream/orders")
        .tags(BTreeMap::from([("team".to_owned(), "crm".to_owned())]))
        .send()
        .await
        .unwrap();
    assert_eq!(output.event_stream_arn, arn);
    assert_eq!(output.tags.unwrap()["team"], "crm");
    assert_eq!(output.request_id.as_deref(), Some("req-create"));

    let requests = server.requests();
    let [request] = requests.as_slice() else {
        panic!("one request expected: {requests:?}");
    };
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/domains/my-domain/event-streams/orders");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert!(
        request
            .header("authorization")
            .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 "))
    );
    // Labels stay out of the body; the other members are JSON with their model names.
    assert_eq!(
        body_json(request),
        json!({"Uri": "arn:aws:kinesis:us-east-1:123456789012:stream/orders", "Tags": {"team": "crm"}})
    );
}

#[tokio::test]
async fn create_event_stream_without_its_required_uri_sends_nothing() {
    let server = TestServer::start(vec![]).await;
    let error = client(&server)
        .create_event_stream()
        .domain_name(DOMAIN)
        .event_stream_name("orders")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, SdkError::Construction(_)), "{error:?}");
    assert!(error.to_string().contains("Uri"), "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn list_event_streams_items_follow_the_tokens_across_pages() {
    let server = TestServer::start(vec![
        page(&["a", "b"], Some("token-1")),
        page(&[], Some("token-2")),
        page(&["c"], None),
    ])
    .await;
    let mut items = client(&server)
        .list_event_streams()
        .domain_name(DOMAIN)
        .into_paginator()
        .page_size(2)
        .items();
    let mut names = Vec::new();
    while let Some(item) = items.next_item().await {
        let EventStreamSummary {
            event_stream_name,
            state,
            ..
        } = item.unwrap();
        assert_eq!(state, EventStreamState::Running);
        names.push(event_stream_name);
    }
    assert_eq!(names, ["a", "b", "c"]);

    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/domains/my-domain/event-streams?max-results=2",
            "/domains/my-domain/event-streams?next-token=token-1&max-results=2",
            "/domains/my-domain/event-streams?next-token=token-2&max-results=2",
        ]
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.method == "GET" && r.body.is_empty())
    );
}

#[tokio::test]
async fn list_event_streams_pages_stop_when_the_service_repeats_a_token() {
    let server = TestServer::start(vec![
        page(&["a"], Some("same")),
        page(&["b"], Some("same")),
        page(&["never requested"], None),
    ])
    .await;
    let mut pages = client(&server)
        .list_event_streams()
        .domain_name(DOMAIN)
        .into_paginator();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next_page().await {
        sizes.push(page.unwrap().items.unwrap_or_default().len());
    }
    assert_eq!(sizes, [1, 1]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_failed_page_ends_the_items_with_its_typed_error() {
    let server = TestServer::start(vec![
        page(&["a"], Some("token-1")),
        Reply::json(404, r#"{"Message": "no such domain"}"#)
            .header("x-amzn-ErrorType", "ResourceNotFoundException"),
    ])
    .await;
    let mut items = client(&server)
        .list_event_streams()
        .domain_name(DOMAIN)
        .into_paginator()
        .items();
    assert_eq!(
        items.next_item().await.unwrap().unwrap().event_stream_name,
        "a"
    );
    let error = items.next_item().await.unwrap().unwrap_err();
    let SdkError::Service(service) = &error else {
        panic!("a service error expected: {error:?}");
    };
    assert!(matches!(
        service.err(),
        ListEventStreamsError::ResourceNotFoundException(_)
    ));
    assert!(items.next_item().await.is_none());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn delete_event_stream_sends_a_bodiless_delete() {
    let server = TestServer::start(vec![
        Reply::json(200, "{}").header("x-amzn-RequestId", "req-delete"),
    ])
    .await;
    let output = client(&server)
        .delete_event_stream()
        .domain_name(DOMAIN)
        .event_stream_name("orders")
        .send()
        .await
        .unwrap();
    assert_eq!(output.request_id.as_deref(), Some("req-delete"));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "DELETE");
    assert_eq!(requests[0].path, "/domains/my-domain/event-streams/orders");
    assert!(requests[0].body.is_empty());
}
