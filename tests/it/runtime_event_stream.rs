//! Event streams over real HTTP: a response body from the local server read as a
//! `Receiver` of a hand-written `Unmarshal` union (what generated code implements), and
//! (below) an input stream sent through the orchestrator with chained event signatures.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use leansdk_runtime::auth::sigv4::SigningSettings;
use leansdk_runtime::config::retry::RetryConfig;
use leansdk_runtime::error::{BuildError, SdkError};
use leansdk_runtime::event_stream::{
    EventStreamSender, FrameError, HeaderValue, Marshal, Message, MessageDecoder, Receiver,
    RecvError, Unmarshal, UnmarshalError,
};
use leansdk_runtime::http::{HttpClient, HttpRequest, HyperClient};
use leansdk_runtime::orchestrator::{ClientHandle, ServiceMeta, endpoint_url_only};
use leansdk_tests::get_workflow::{GetWorkflowError, GetWorkflowOutput, input};
use leansdk_tests::server::{RecordedRequest, Reply, TestServer};
use sha2::{Digest, Sha256};
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

/// An input union's one event, as generated code marshals it.
struct Audio(&'static [u8]);

impl Marshal for Audio {
    fn marshal(&self) -> Result<Message, BuildError> {
        Ok(Message::new(self.0)
            .with_header(":message-type", HeaderValue::String("event".into()))
            .with_header(":event-type", HeaderValue::String("AudioEvent".into()))
            .with_header(
                ":content-type",
                HeaderValue::String("application/octet-stream".into()),
            ))
    }
}

/// A service with an input stream, its endpoint the configured URL.
static STREAMING_SERVICE: ServiceMeta = ServiceMeta {
    service_id: "Transcribe Streaming",
    signing_name: "transcribe",
    sdk_version: "0.1.0",
    resolve_endpoint: endpoint_url_only,
    error_metadata: leansdk_runtime::protocol::rest_json::error_metadata,
    signing: SigningSettings::STANDARD,
    error_in_success: None,
};

/// Sends `events` as the body of one call to `server` (three attempts allowed); what the
/// call returned.
async fn send_events(
    server: &TestServer,
    events: Vec<Audio>,
    unsigned: bool,
) -> Result<GetWorkflowOutput, SdkError<GetWorkflowError>> {
    let config = leansdk_tests::config::local(server.url())
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .build();
    let request = HttpRequest {
        method: "POST".to_owned(),
        url: "/stream-transcription".to_owned(),
        body: EventStreamSender::from_events(events).into_body(),
        unsigned,
        ..HttpRequest::default()
    };
    // Any operation's parsers do: the response here is `{}`.
    ClientHandle::new(&config, &STREAMING_SERVICE)
        .invoke(
            Ok(request),
            input(),
            GetWorkflowOutput::from_response,
            GetWorkflowError::from_response,
        )
        .await
}

fn decode_all(bytes: &[u8]) -> Vec<Message> {
    let mut decoder = MessageDecoder::new();
    decoder.push(bytes);
    let mut messages = Vec::new();
    while let Some(message) = decoder.next_message().unwrap() {
        messages.push(message);
    }
    assert!(
        !decoder.has_partial_message(),
        "the body ends with a whole message"
    );
    messages
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The signature of one event message, computed here from its parts (with hmac and sha2
/// directly, not the runtime's signer): the string to sign of the SigV4 event stream chain.
fn expected_signature(message: &Message, previous: &str) -> Vec<u8> {
    let time = message
        .header(":date")
        .and_then(HeaderValue::as_timestamp)
        .unwrap();
    assert_eq!(time.subsec_nanos(), 0, "whole seconds");
    let rfc3339 = time.to_rfc3339();
    let amz_date: String = rfc3339
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    assert_eq!(amz_date.len(), 16, "{rfc3339}: like 20261202T080000Z");
    let date = &amz_date[..8];
    let mut date_header = vec![5];
    date_header.extend_from_slice(b":date");
    date_header.push(8);
    date_header.extend_from_slice(&(time.secs() * 1000).to_be_bytes());
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256-PAYLOAD\n{amz_date}\n{date}/us-east-1/transcribe/aws4_request\n{previous}\n{}\n{}",
        hex(&Sha256::digest(&date_header)),
        hex(&Sha256::digest(message.payload())),
    );
    let mut key = hmac_sha256(
        format!("AWS4{}", leansdk_tests::config::SECRET).as_bytes(),
        date.as_bytes(),
    );
    for part in ["us-east-1", "transcribe", "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    hmac_sha256(&key, string_to_sign.as_bytes())
}

fn seed_signature(request: &RecordedRequest) -> String {
    let authorization = request.header("authorization").expect("signed");
    assert!(
        authorization.contains("/us-east-1/transcribe/aws4_request"),
        "{authorization}"
    );
    let signed_headers = authorization.split("SignedHeaders=").nth(1).unwrap();
    assert!(
        signed_headers.contains("x-amz-content-sha256"),
        "{authorization}"
    );
    authorization
        .rsplit("Signature=")
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_input_stream_goes_out_chunked_each_event_signed_in_a_chain_from_the_request() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    send_events(
        &server,
        vec![Audio(b"\x01\x02"), Audio(b"more audio")],
        false,
    )
    .await
    .unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.header("x-amz-content-sha256"),
        Some("STREAMING-AWS4-HMAC-SHA256-EVENTS")
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    // Of unknown length: chunked over HTTP/1.1.
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));
    assert_eq!(request.header("content-length"), None);

    let frames = decode_all(&request.body);
    assert_eq!(frames.len(), 3, "two events and the end frame");
    let mut previous = seed_signature(request);
    for frame in &frames {
        let signature = frame
            .header(":chunk-signature")
            .and_then(HeaderValue::as_bytes);
        let expected = expected_signature(frame, &previous);
        assert_eq!(signature.map(|s| s.to_vec()), Some(expected.clone()));
        previous = hex(&expected);
    }
    let inner: Vec<Message> = frames[..2]
        .iter()
        .map(|frame| decode_all(frame.payload()).remove(0))
        .collect();
    assert_eq!(inner[0], Audio(b"\x01\x02").marshal().unwrap());
    assert_eq!(inner[1].payload().as_ref(), b"more audio");
    assert!(frames[2].payload().is_empty());
}

#[tokio::test]
async fn an_unsigned_operation_sends_the_events_unwrapped() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    send_events(&server, vec![Audio(b"a"), Audio(b"b")], true)
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("x-amz-content-sha256"), None);
    let messages = decode_all(&request.body);
    assert_eq!(
        messages,
        [
            Audio(b"a").marshal().unwrap(),
            Audio(b"b").marshal().unwrap()
        ]
    );
}

#[tokio::test]
async fn a_call_whose_body_is_an_event_stream_is_not_retried() {
    let server = TestServer::start(vec![
        Reply::json(500, r#"{"__type":"InternalFailure"}"#),
        Reply::json(200, "{}"),
    ])
    .await;
    let error = send_events(&server, vec![Audio(b"once")], false)
        .await
        .unwrap_err();
    assert!(matches!(error, SdkError::Service(_)), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}
