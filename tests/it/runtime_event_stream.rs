//! Event streams over real HTTP: a response body from the local server read as a
//! `Receiver` of a hand-written `Unmarshal` union (what generated code implements), and
//! (below) an input stream sent through the orchestrator with chained event signatures.

use std::sync::Arc;
use std::time::Duration;

use leansdk_runtime::event_stream::{
    FrameError, HeaderValue, Message, Receiver, RecvError, Unmarshal, UnmarshalError,
};
use leansdk_runtime::http::{HttpClient, HttpRequest, HyperClient};
use leansdk_tests::server::{Reply, TestServer};
use tokio::sync::Notify;

/// An output union of one event and one exception, as generated code writes it.
#[derive(Debug, PartialEq)]
enum Output {
    Chunk(String),
    Unknown,
}

#[derive(Debug, PartialEq)]
enum OutputError {
    Validation(String),
    Unhandled,
}

fn text(message: &Message) -> Result<String, UnmarshalError> {
    String::from_utf8(message.payload().to_vec()).map_err(|_| UnmarshalError::new("not UTF-8"))
}

impl Unmarshal for Output {
    type Error = OutputError;

    fn event(message: &Message) -> Result<Self, UnmarshalError> {
        match message.string_header(":event-type") {
            Some("chunk") => Ok(Self::Chunk(text(message)?)),
            Some(_) => Ok(Self::Unknown),
            None => Err(UnmarshalError::new("missing header :event-type")),
        }
    }

    fn exception(message: &Message) -> Result<OutputError, UnmarshalError> {
        match message.string_header(":exception-type") {
            Some("ValidationException") => Ok(OutputError::Validation(text(message)?)),
            _ => Ok(OutputError::Unhandled),
        }
    }
}

fn message(message_type: &str, type_header: &str, kind: &str, payload: &str) -> Vec<u8> {
    Message::new(payload.to_owned())
        .with_header(":message-type", HeaderValue::String(message_type.into()))
        .with_header(type_header, HeaderValue::String(kind.into()))
        .with_header(
            ":content-type",
            HeaderValue::String("application/json".into()),
        )
        .encode()
        .unwrap()
}

fn chunk(text: &str) -> Vec<u8> {
    message("event", ":event-type", "chunk", text)
}

async fn receiver(server: &TestServer) -> Receiver<Output, OutputError> {
    let request = HttpRequest {
        method: "POST".to_owned(),
        url: format!("{}/stream", server.url()),
        ..HttpRequest::default()
    };
    let response = HyperClient::new(Duration::from_secs(5))
        .send(request)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    Receiver::new(response.body)
}

#[tokio::test]
async fn events_are_read_from_a_response_body_as_they_arrive() {
    let first = chunk("one");
    let mut body = [first.clone(), chunk("two")].concat();
    body.extend(message(
        "exception",
        ":exception-type",
        "ValidationException",
        "bad input",
    ));
    // The server holds everything after the first message and 5 bytes of the second.
    let rest = body.split_off(first.len() + 5);
    let gate = Arc::new(Notify::new());
    let server = TestServer::start(vec![
        Reply::status(200)
            .header("content-type", "application/vnd.amazon.eventstream")
            .gated_body(body, rest, gate.clone()),
    ])
    .await;
    let mut events = receiver(&server).await;
    assert_eq!(
        events.recv().await.unwrap(),
        Some(Output::Chunk("one".into()))
    );
    gate.notify_one();
    assert_eq!(
        events.recv().await.unwrap(),
        Some(Output::Chunk("two".into()))
    );
    let error = events.recv().await.unwrap_err();
    assert!(
        matches!(&error, RecvError::Exception(OutputError::Validation(m)) if m == "bad input"),
        "{error:?}"
    );
    assert_eq!(events.recv().await.unwrap(), None);
}

#[tokio::test]
async fn a_response_body_that_ends_inside_a_message_is_a_truncated_frame() {
    let mut body = [chunk("one"), chunk("two")].concat();
    body.truncate(body.len() - 4);
    let server = TestServer::start(vec![Reply::status(200).body(body)]).await;
    let mut events = receiver(&server).await;
    assert_eq!(
        events.recv().await.unwrap(),
        Some(Output::Chunk("one".into()))
    );
    let error = events.recv().await.unwrap_err();
    assert!(
        matches!(error, RecvError::Frame(FrameError::Truncated { .. })),
        "{error:?}"
    );
    assert_eq!(events.recv().await.unwrap(), None);
}
