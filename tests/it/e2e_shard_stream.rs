//! An event stream of an RPC protocol (awsJson1_1, as Kinesis `SubscribeToShard`) against
//! the local server: the request is the whole input as JSON, the output's stream is the
//! response body, its first message an `initial-response` (the output's other members,
//! which RPC protocols send in the stream) that is not an event, then records, then the
//! modelled exception that ends it.
//!
//! `models/shard_stream.json` is a service of our own built as the `shard_stream` snapshot
//! (`leansdk-shardstreamtest`); Kinesis itself is compiled whole by `cargo xtask
//! conformance` (moto does not serve `SubscribeToShard`).

use leansdk_runtime::DateTime;
use leansdk_runtime::event_stream::{HeaderValue, Message, RecvError};
use leansdk_shardstreamtest::Client;
use leansdk_shardstreamtest::types::{Record, RecordsEvent, ShardEvents, ShardEventsError};
use leansdk_tests::server::{Reply, TestServer};

fn message(kind: &str, type_header: &str, name: &str, payload: &str) -> Vec<u8> {
    Message::new(payload.to_owned())
        .with_header(":message-type", HeaderValue::String(kind.into()))
        .with_header(type_header, HeaderValue::String(name.into()))
        .with_header(
            ":content-type",
            HeaderValue::String("application/x-amz-json-1.1".into()),
        )
        .encode()
        .unwrap()
}

#[tokio::test]
async fn the_initial_response_is_skipped_and_records_arrive_until_the_exception() {
    let body = [
        message("event", ":event-type", "initial-response", "{}"),
        message(
            "event",
            ":event-type",
            "Records",
            r#"{"Records":[{"Data":"aGk=","Arrived":1700000000.5}],"MillisBehind":12}"#,
        ),
        message(
            "exception",
            ":exception-type",
            "NotFound",
            r#"{"message":"shard closed"}"#,
        ),
    ]
    .concat();
    let server = TestServer::start(vec![Reply::status(200).body(body)]).await;
    let client = Client::new(&leansdk_tests::config::local(server.url()).build());
    let output = client.subscribe().shard_id("s-1").send().await.unwrap();
    let mut events = output.events;
    let first = events.recv().await.unwrap();
    assert_eq!(
        first,
        Some(ShardEvents::Records(RecordsEvent {
            records: vec![Record {
                data: Some(b"hi".to_vec()),
                arrived: Some(DateTime::from_fractional_secs(1_700_000_000.5)),
            }],
            millis_behind: 12,
        }))
    );
    let error = events.recv().await.unwrap_err();
    let RecvError::Exception(ShardEventsError::NotFound(not_found)) = &error else {
        panic!("NotFound expected: {error:?}");
    };
    assert_eq!(not_found.message(), Some("shard closed"));

    let request = &server.requests()[0];
    assert_eq!(
        request.header("x-amz-target"),
        Some("ShardStream.Subscribe")
    );
    assert_eq!(request.body, br#"{"ShardId":"s-1"}"#);
}
