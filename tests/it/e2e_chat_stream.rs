//! Event streams as generated code speaks them, against local servers: `StreamReplies`
//! receives typed events (header members of every kind, JSON, blob, text and structure
//! payloads, an event type this version does not know, modelled and unknown exceptions,
//! error messages, a header of the wrong type) over HTTP/1.1, and `SendAudio` sends events
//! (each wrapped in a signed message, then the signed end frame) over HTTP/2 while its
//! transcript streams back.
//!
//! `models/chat_stream.json` is a service of our own (restJson1) whose two operations stream
//! both ways, built as the `chat_stream` snapshot (`leansdk-chatstream`).

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::Response;
use leansdk_chatstream::Client;
use leansdk_chatstream::event_stream::{
    EventStreamSender, HeaderValue, Message, MessageDecoder, RecvError,
};
use leansdk_chatstream::operation::stream_replies::StreamRepliesError;
use leansdk_chatstream::types::{
    AudioEvent, AudioStream, ChunkEvent, ConfigEvent, DoneEvent, NoteEvent, Priority,
    ReplyStartEvent, ReplyStream, ReplyStreamError, Role, TranscriptStream, Usage, UsageEvent,
};
use leansdk_runtime::DateTime;
use leansdk_runtime::error::{ProvideErrorMetadata, SdkError};
use leansdk_tests::server::{Reply, TestServer};

use crate::runtime_http2::H2Server;

fn client(url: String) -> Client {
    Client::new(&leansdk_tests::config::local(url).build())
}

fn string(value: &str) -> HeaderValue {
    HeaderValue::String(value.to_owned())
}

/// A message of `kind` (`event`, `exception`) named by `type_header`, with `headers`.
fn message(kind: &str, name: &str, headers: Vec<(&str, HeaderValue)>, payload: &[u8]) -> Vec<u8> {
    let type_header = match kind {
        "exception" => ":exception-type",
        _ => ":event-type",
    };
    let mut message = Message::new(payload.to_vec())
        .with_header(":message-type", string(kind))
        .with_header(type_header, string(name));
    for (header, value) in headers {
        message = message.with_header(header, value);
    }
    message.encode().unwrap()
}

fn event(name: &str, headers: Vec<(&str, HeaderValue)>, payload: &[u8]) -> Vec<u8> {
    message("event", name, headers, payload)
}

async fn replies(
    body: Vec<u8>,
) -> (
    TestServer,
    leansdk_chatstream::operation::stream_replies::StreamRepliesOutput,
) {
    let server = TestServer::start(vec![
        Reply::status(200)
            .header("x-amz-session-id", "s-1")
            .header("Content-Type", "application/vnd.amazon.eventstream")
            .body(body),
    ])
    .await;
    let output = client(server.url())
        .stream_replies()
        .conversation_id("c-1")
        .prompt("hello")
        .send()
        .await
        .unwrap();
    (server, output)
}

#[tokio::test]
async fn every_kind_of_event_arrives_typed_and_unknown_ones_are_kept() {
    let started = DateTime::from_secs_and_nanos(1_700_000_000, 123_000_000);
    let body = [
        event(
            "start",
            vec![
                ("sequence", HeaderValue::Int64(7)),
                ("model", string("m-2")),
                ("startedAt", HeaderValue::Timestamp(started)),
                ("urgent", HeaderValue::Bool(true)),
                ("priority", string("high")),
            ],
            br#"{"role":"assistant","tags":["a","b"]}"#,
        ),
        event("chunk", vec![], b"\x00\x01bytes"),
        event("note", vec![], "a note, with ü".as_bytes()),
        event("usage", vec![], br#"{"inputTokens":3,"outputTokens":5}"#),
        event("fromTheFuture", vec![], b"?"),
        event("done", vec![], b""),
    ]
    .concat();
    let (server, output) = replies(body).await;
    assert_eq!(output.session_id.as_deref(), Some("s-1"));
    let mut stream = output.stream;
    let mut events = Vec::new();
    while let Some(event) = stream.recv().await.unwrap() {
        events.push(event);
    }
    let [start, chunk, note, usage, unknown, done] = events.as_slice() else {
        panic!("six events expected: {events:?}");
    };
    assert_eq!(
        start,
        &ReplyStream::Start(ReplyStartEvent {
            sequence: Some(7),
            model: Some("m-2".into()),
            started_at: Some(started),
            urgent: Some(true),
            priority: Some(Priority::High),
            role: Some(Role::Assistant),
            tags: Some(vec!["a".into(), "b".into()]),
        })
    );
    assert_eq!(
        chunk,
        &ReplyStream::Chunk(ChunkEvent {
            data: Some(b"\x00\x01bytes".to_vec())
        })
    );
    assert_eq!(
        note,
        &ReplyStream::Note(NoteEvent {
            text: Some("a note, with ü".into())
        })
    );
    assert_eq!(
        usage,
        &ReplyStream::Usage(UsageEvent {
            totals: Some(Usage {
                input_tokens: Some(3),
                output_tokens: Some(5)
            })
        })
    );
    let ReplyStream::Unknown(kept) = unknown else {
        panic!("the unknown event is kept: {unknown:?}");
    };
    assert_eq!(kept.string_header(":event-type"), Some("fromTheFuture"));
    assert_eq!(kept.payload().as_ref(), b"?");
    assert_eq!(done, &ReplyStream::Done(DoneEvent {}));

    let request = &server.requests()[0];
    assert_eq!(request.path, "/conversations/c-1/replies");
    assert_eq!(request.body, br#"{"Prompt":"hello"}"#);
}

#[tokio::test]
async fn a_modelled_exception_ends_the_stream_as_its_typed_error() {
    let body = [
        event("chunk", vec![], b"x"),
        message(
            "exception",
            "throttled",
            vec![(":content-type", string("application/json"))],
            br#"{"message":"slow down"}"#,
        ),
    ]
    .concat();
    let (_server, output) = replies(body).await;
    let mut stream = output.stream;
    assert!(matches!(
        stream.recv().await,
        Ok(Some(ReplyStream::Chunk(_)))
    ));
    let error = stream.recv().await.unwrap_err();
    let RecvError::Exception(ReplyStreamError::ThrottledException(throttled)) = &error else {
        panic!("the modelled exception expected: {error:?}");
    };
    assert_eq!(throttled.message(), Some("slow down"));
    assert_eq!(throttled.meta().code(), Some("throttled"));
    assert!(error.to_string().contains("slow down"), "{error}");
}

#[tokio::test]
async fn an_exception_the_model_does_not_list_is_unhandled_with_its_code() {
    let body = message(
        "exception",
        "brandNewException",
        vec![],
        br#"{"message":"?"}"#,
    );
    let (_server, output) = replies(body).await;
    let mut stream = output.stream;
    let error = stream.recv().await.unwrap_err();
    let RecvError::Exception(ReplyStreamError::Unhandled(unhandled)) = &error else {
        panic!("an unhandled exception expected: {error:?}");
    };
    assert_eq!(unhandled.meta().code(), Some("brandNewException"));
}

#[tokio::test]
async fn an_error_message_carries_its_code_and_message() {
    let body = Message::new(Vec::new())
        .with_header(":message-type", string("error"))
        .with_header(":error-code", string("InternalFailure"))
        .with_header(":error-message", string("try again"))
        .encode()
        .unwrap();
    let (_server, output) = replies(body).await;
    let mut stream = output.stream;
    let error = stream.recv().await.unwrap_err();
    assert!(
        matches!(&error, RecvError::Error { code, message } if code == "InternalFailure" && message == "try again"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_header_of_the_wrong_type_is_an_error_naming_it() {
    let body = event("start", vec![("sequence", string("seven"))], b"{}");
    let (_server, output) = replies(body).await;
    let mut stream = output.stream;
    let error = stream.recv().await.unwrap_err();
    assert!(matches!(error, RecvError::Unmarshal(_)), "{error:?}");
    assert!(error.to_string().contains("`sequence`"), "{error}");
}

#[tokio::test]
async fn an_error_response_before_the_stream_is_the_operations_error() {
    let server = TestServer::start(vec![
        Reply::json(400, r#"{"message":"no prompt","field":"Prompt"}"#)
            .header("x-amzn-ErrorType", "ValidationException"),
    ])
    .await;
    let error = client(server.url())
        .stream_replies()
        .conversation_id("c-1")
        .send()
        .await
        .unwrap_err();
    let SdkError::Service(service) = &error else {
        panic!("a service error expected: {error:?}");
    };
    let StreamRepliesError::ValidationException(invalid) = service.err() else {
        panic!("ValidationException expected: {error:?}");
    };
    assert_eq!(invalid.field.as_deref(), Some("Prompt"));
}

#[tokio::test]
async fn a_missing_label_fails_before_anything_is_sent() {
    let error = client("http://127.0.0.1:9".to_owned())
        .stream_replies()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, SdkError::Construction(_)), "{error:?}");
    assert!(error.to_string().contains("ConversationId"), "{error}");
}

/// The messages of `bytes`, decoded.
fn decode_all(decoder: &mut MessageDecoder) -> Vec<Message> {
    std::iter::from_fn(|| decoder.next_message().unwrap()).collect()
}

/// Answers each signed audio message with a transcript event as soon as it arrives, and
/// after the end frame reports what it saw: the request's headers, and for each message its
/// signature headers and the event inside.
async fn transcriber(
    request: hyper::Request<hyper::body::Incoming>,
) -> Response<crate::runtime_http2::ResponseBody> {
    let (mut sender, body) = http_body_util::channel::Channel::<Bytes, Infallible>::new(4);
    tokio::spawn(async move {
        let (parts, mut body) = request.into_parts();
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .map_or("-", |v| v.to_str().unwrap())
                .to_owned()
        };
        let mut seen = vec![
            format!("{:?} {}", parts.version, parts.uri.path()),
            format!("content-type={}", header("content-type")),
            format!("x-amz-content-sha256={}", header("x-amz-content-sha256")),
            format!("x-amz-language-code={}", header("x-amz-language-code")),
            format!(
                "signed={}",
                header("authorization").starts_with("AWS4-HMAC-SHA256")
            ),
        ];
        let mut decoder = MessageDecoder::new();
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.unwrap().into_data() else {
                continue;
            };
            decoder.push(&data);
            for outer in decode_all(&mut decoder) {
                let signature = outer.header(":chunk-signature").and_then(|v| v.as_bytes());
                let dated = outer
                    .header(":date")
                    .and_then(|v| v.as_timestamp())
                    .is_some();
                let signed = signature.is_some_and(|s| s.len() == 32) && dated;
                if outer.payload().is_empty() {
                    seen.push(format!("end frame signed={signed}"));
                    continue;
                }
                let mut inner = MessageDecoder::new();
                inner.push(outer.payload());
                let event = inner.next_message().unwrap().unwrap();
                let event_type = event.string_header(":event-type").unwrap().to_owned();
                seen.push(format!(
                    "{event_type} signed={signed} content-type={} channel={:?} payload={}",
                    event.string_header(":content-type").unwrap_or("-"),
                    event.string_header("channel"),
                    String::from_utf8_lossy(event.payload()),
                ));
                let heard = format!(r#"{{"text":"heard {event_type}","isPartial":true}}"#);
                let reply = Message::new(heard)
                    .with_header(":message-type", string("event"))
                    .with_header(":event-type", string("transcript"))
                    .encode()
                    .unwrap();
                sender.send_data(reply.into()).await.unwrap();
            }
        }
        let report = format!(r#"{{"text":{:?},"isPartial":false}}"#, seen.join("\n"));
        let reply = Message::new(report)
            .with_header(":message-type", string("event"))
            .with_header(":event-type", string("transcript"))
            .encode()
            .unwrap();
        sender.send_data(reply.into()).await.unwrap();
    });
    Response::new(body.boxed())
}

#[tokio::test]
async fn audio_events_are_sent_signed_over_http2_while_the_transcript_streams_back() {
    let server = H2Server::start(None, transcriber).await;
    let (sink, events) = EventStreamSender::channel(1);
    let output = client(format!("http://127.0.0.1:{}", server.port))
        .send_audio()
        .session_id("s-9")
        .language_code("en-GB")
        .audio(events)
        .send()
        .await
        .unwrap();
    let mut transcript = output.transcript.expect("a transcript stream");

    sink.send(AudioStream::Config(ConfigEvent {
        sample_rate: Some(16_000),
        channel: Some("left".into()),
    }))
    .await
    .unwrap();
    // Each answer arrives before the next event is sent: both bodies are open at once.
    let first = transcript.recv().await.unwrap().unwrap();
    assert!(
        matches!(&first, TranscriptStream::Transcript(t) if t.text.as_deref() == Some("heard config")),
        "{first:?}"
    );
    sink.send(AudioStream::Audio(AudioEvent {
        chunk: Some(b"pcm".to_vec()),
    }))
    .await
    .unwrap();
    let second = transcript.recv().await.unwrap().unwrap();
    assert!(
        matches!(&second, TranscriptStream::Transcript(t) if t.text.as_deref() == Some("heard audio")),
        "{second:?}"
    );
    drop(sink);

    let Some(TranscriptStream::Transcript(report)) = transcript.recv().await.unwrap() else {
        panic!("the server's report expected");
    };
    let report = report.text.unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines,
        [
            "HTTP/2.0 /audio/s-9",
            "content-type=application/vnd.amazon.eventstream",
            "x-amz-content-sha256=STREAMING-AWS4-HMAC-SHA256-EVENTS",
            "x-amz-language-code=en-GB",
            "signed=true",
            r#"config signed=true content-type=application/json channel=Some("left") payload={"sampleRate":16000}"#,
            "audio signed=true content-type=application/octet-stream channel=None payload=pcm",
            "end frame signed=true",
        ]
    );
    assert!(transcript.recv().await.unwrap().is_none());
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn clones_of_a_sender_share_its_events_and_only_the_first_request_gets_them() {
    let input = leansdk_chatstream::operation::send_audio::SendAudioInput {
        session_id: Some("s".into()),
        audio: Some(EventStreamSender::from_events(vec![AudioStream::Audio(
            AudioEvent {
                chunk: Some(b"x".to_vec()),
            },
        )])),
        ..Default::default()
    };
    let copy = input.clone();
    assert_eq!(copy, input, "clones share the events");
    let first = input.to_request().unwrap();
    assert!(first.needs_http2);
    let second = copy.to_request().unwrap();

    // Not signed here (no orchestrator): the first body is the event's message as it is.
    let mut decoder = MessageDecoder::new();
    decoder.push(&first.body.collect().await.unwrap());
    let [sent] = decode_all(&mut decoder).try_into().unwrap();
    assert_eq!(sent.string_header(":event-type"), Some("audio"));
    assert_eq!(sent.payload().as_ref(), b"x");
    let error = second.body.collect().await.unwrap_err();
    assert!(
        error.to_string().contains("taken by an earlier request"),
        "{error}"
    );
}
