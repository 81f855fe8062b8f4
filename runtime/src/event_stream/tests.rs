//! The framing against hand-written vectors, every header type, every error, and bytes fed
//! one at a time.

use bytes::Bytes;

use super::*;
use crate::DateTime;

/// Written by hand and read back by botocore's parser: tests/data/event_stream/vectors.py,
/// whose output (tests/data/event_stream/vectors.txt) these are.
const EMPTY: &str = "000000100000000005c248eb7d98c8ff";
const EVENT: &str = "000000680000004b2d6e7bfd0d3a6d6573736167652d747970650700056576656e740b3a6576656e742d747970650700056368756e6b0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b2274657874223a226869227dfbef0301";
const EXCEPTION: &str = "0000008800000061de0175f40d3a6d6573736167652d74797065070009657863657074696f6e0f3a657863657074696f6e2d747970650700135468726f74746c696e67457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b226d657373616765223a22736c6f7720646f776e227d1f18242b";
const EVERY_TYPE: &str = "0000008f0000007c0f27c53d0474727565000566616c736501046279746502ff05696e74313603fffe05696e74333204fffffffd05696e74363405fffffffffffffffc05627974657306000300ff1006737472696e6707000668c3a96c6c6f0974696d657374616d70080000018bcfe5687b0475756964090123456789abcdef0123456789abcdef0001021af29ffc";

pub(super) fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn decode_one(bytes: &[u8]) -> Result<Option<Message>, FrameError> {
    let mut decoder = MessageDecoder::new();
    decoder.push(bytes);
    decoder.next_message()
}

fn every_type() -> Message {
    Message::new(&b"\x00\x01\x02"[..])
        .with_header("true", HeaderValue::Bool(true))
        .with_header("false", HeaderValue::Bool(false))
        .with_header("byte", HeaderValue::Byte(-1))
        .with_header("int16", HeaderValue::Int16(-2))
        .with_header("int32", HeaderValue::Int32(-3))
        .with_header("int64", HeaderValue::Int64(-4))
        .with_header(
            "bytes",
            HeaderValue::ByteArray(Bytes::from_static(b"\x00\xff\x10")),
        )
        .with_header("string", HeaderValue::String("héllo".into()))
        .with_header(
            "timestamp",
            HeaderValue::Timestamp(DateTime::from_secs_and_nanos(1_700_000_000, 123_000_000)),
        )
        .with_header(
            "uuid",
            HeaderValue::Uuid(0x0123456789abcdef0123456789abcdef),
        )
}

fn event() -> Message {
    Message::new(&br#"{"text":"hi"}"#[..])
        .with_header(":message-type", HeaderValue::String("event".into()))
        .with_header(":event-type", HeaderValue::String("chunk".into()))
        .with_header(
            ":content-type",
            HeaderValue::String("application/json".into()),
        )
}

#[test]
fn the_vectors_decode_as_botocore_read_them_and_encode_back() {
    let cases = [
        (EMPTY, Message::new(Bytes::new())),
        (EVENT, event()),
        (
            EXCEPTION,
            Message::new(&br#"{"message":"slow down"}"#[..])
                .with_header(":message-type", HeaderValue::String("exception".into()))
                .with_header(
                    ":exception-type",
                    HeaderValue::String("ThrottlingException".into()),
                )
                .with_header(
                    ":content-type",
                    HeaderValue::String("application/json".into()),
                ),
        ),
        (EVERY_TYPE, every_type()),
    ];
    for (hex, expected) in cases {
        let bytes = unhex(hex);
        let decoded = decode_one(&bytes).unwrap().unwrap();
        assert_eq!(decoded, expected, "{hex}");
        assert_eq!(expected.encode().unwrap(), bytes, "{hex}");
    }
}

#[test]
fn every_header_type_round_trips_with_its_accessor() {
    let message = decode_one(&every_type().encode().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(message, every_type());
    assert_eq!(
        message.header("true").and_then(HeaderValue::as_bool),
        Some(true)
    );
    assert_eq!(
        message.header("false").and_then(HeaderValue::as_bool),
        Some(false)
    );
    assert_eq!(
        message.header("byte").and_then(HeaderValue::as_byte),
        Some(-1)
    );
    assert_eq!(
        message.header("int16").and_then(HeaderValue::as_i16),
        Some(-2)
    );
    assert_eq!(
        message.header("int32").and_then(HeaderValue::as_i32),
        Some(-3)
    );
    assert_eq!(
        message.header("int64").and_then(HeaderValue::as_i64),
        Some(-4)
    );
    assert_eq!(
        message.header("bytes").and_then(HeaderValue::as_bytes),
        Some(&Bytes::from_static(b"\x00\xff\x10"))
    );
    assert_eq!(message.string_header("string"), Some("héllo"));
    assert_eq!(
        message
            .header("timestamp")
            .and_then(HeaderValue::as_timestamp),
        Some(DateTime::from_secs_and_nanos(1_700_000_000, 123_000_000))
    );
    assert_eq!(
        message.header("uuid").and_then(HeaderValue::as_uuid),
        Some(0x0123456789abcdef0123456789abcdef)
    );
    // A header of another type is not that type; a missing one is absent.
    assert_eq!(message.string_header("int32"), None);
    assert_eq!(message.header("int32").and_then(HeaderValue::as_i64), None);
    assert_eq!(message.header("missing"), None);
    assert_eq!(message.payload().as_ref(), b"\x00\x01\x02");
    assert_eq!(message.headers().len(), 10);
    assert_eq!(message.into_payload(), Bytes::from_static(b"\x00\x01\x02"));
}

#[test]
fn timestamps_before_the_epoch_and_extremes_round_trip() {
    for time in [
        DateTime::from_secs_and_nanos(-1, 999_000_000),
        DateTime::from_secs(0),
        DateTime::from_secs(i64::MAX / 1000 - 1),
    ] {
        let message = Message::new(Bytes::new()).with_header("t", HeaderValue::Timestamp(time));
        let decoded = decode_one(&message.encode().unwrap()).unwrap().unwrap();
        assert_eq!(decoded.header("t"), Some(&HeaderValue::Timestamp(time)));
    }
    let error = Message::new(Bytes::new())
        .with_header("t", HeaderValue::Timestamp(DateTime::from_secs(i64::MAX)))
        .encode()
        .unwrap_err();
    assert!(matches!(error, FrameError::InvalidHeader { .. }), "{error}");
    assert!(error.to_string().contains("milliseconds"), "{error}");
}

#[test]
fn the_first_of_repeated_headers_is_the_header() {
    let message = Message::new(Bytes::new())
        .with_header("a", HeaderValue::Int32(1))
        .with_header("a", HeaderValue::Int32(2));
    let decoded = decode_one(&message.encode().unwrap()).unwrap().unwrap();
    assert_eq!(decoded.header("a"), Some(&HeaderValue::Int32(1)));
    assert_eq!(decoded.headers().len(), 2);
}

#[test]
fn bytes_fed_one_at_a_time_give_each_message_once_it_is_whole() {
    let messages = [event(), Message::new(Bytes::new()), every_type()];
    let stream: Vec<u8> = messages
        .iter()
        .flat_map(|message| message.encode().unwrap())
        .collect();
    let mut decoder = MessageDecoder::new();
    let mut decoded = Vec::new();
    for (i, byte) in stream.iter().enumerate() {
        decoder.push(std::slice::from_ref(byte));
        while let Some(message) = decoder.next_message().unwrap() {
            decoded.push((i, message));
        }
    }
    assert!(!decoder.has_partial_message());
    let ends: Vec<usize> = decoded.iter().map(|(i, _)| *i).collect();
    let lengths: Vec<usize> = messages.iter().map(|m| m.encode().unwrap().len()).collect();
    assert_eq!(
        ends,
        [
            lengths[0] - 1,
            lengths[0] + lengths[1] - 1,
            stream.len() - 1
        ]
    );
    let decoded: Vec<Message> = decoded.into_iter().map(|(_, m)| m).collect();
    assert_eq!(decoded, messages);
}

#[test]
fn a_partial_message_is_reported_as_truncated_with_its_length() {
    let bytes = unhex(EVENT);
    let mut decoder = MessageDecoder::new();
    decoder.push(&bytes[..5]);
    assert_eq!(decoder.next_message().unwrap(), None);
    assert!(decoder.has_partial_message());
    let error = decoder.truncated();
    assert!(
        matches!(
            error,
            FrameError::Truncated {
                received: 5,
                expected: None
            }
        ),
        "{error:?}"
    );
    decoder.push(&bytes[5..20]);
    assert_eq!(decoder.next_message().unwrap(), None);
    let error = decoder.truncated();
    assert!(
        matches!(
            error,
            FrameError::Truncated {
                received: 20,
                expected: Some(104)
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the event stream ended 20 bytes into a message of 104 bytes"
    );
}

#[test]
fn a_corrupt_prelude_is_a_prelude_checksum_error() {
    let mut bytes = unhex(EVENT);
    bytes[3] ^= 1;
    let error = decode_one(&bytes).unwrap_err();
    assert!(
        matches!(error, FrameError::PreludeChecksum { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("0x2d6e7bfd"), "{error}");
    // Even before the rest of the message arrived.
    let error = decode_one(&bytes[..12]).unwrap_err();
    assert!(
        matches!(error, FrameError::PreludeChecksum { .. }),
        "{error}"
    );
}

#[test]
fn a_corrupt_payload_or_checksum_is_a_message_checksum_error() {
    let clean = unhex(EVENT);
    for at in [20, clean.len() - 20, clean.len() - 1] {
        let mut bytes = clean.clone();
        bytes[at] ^= 0x40;
        let error = decode_one(&bytes).unwrap_err();
        assert!(
            matches!(error, FrameError::MessageChecksum { .. }),
            "{at}: {error}"
        );
    }
    let mut bytes = clean.clone();
    bytes[clean.len() - 1] ^= 0x40;
    let error = decode_one(&bytes).unwrap_err();
    assert_eq!(
        error.to_string(),
        "event stream message checksum mismatch: the message says 0xfbef0341, its bytes give 0xfbef0301"
    );
}

/// A prelude with a valid CRC announcing these lengths.
fn prelude(total: u32, headers: u32) -> Vec<u8> {
    let mut bytes = total.to_be_bytes().to_vec();
    bytes.extend_from_slice(&headers.to_be_bytes());
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_be_bytes());
    bytes
}

#[test]
fn a_hostile_prelude_is_refused_before_its_length_is_awaited() {
    let error = decode_one(&prelude(u32::MAX, 0)).unwrap_err();
    assert!(
        matches!(error, FrameError::TooLong { what: "message", length, .. } if length == u32::MAX as usize),
        "{error}"
    );
    let error = decode_one(&prelude(1 << 20, 200 * 1024)).unwrap_err();
    assert!(
        matches!(
            error,
            FrameError::TooLong {
                what: "headers",
                ..
            }
        ),
        "{error}"
    );
    let error = decode_one(&prelude(20, 10)).unwrap_err();
    assert!(
        matches!(
            error,
            FrameError::InvalidLength {
                total_length: 20,
                headers_length: 10
            }
        ),
        "{error}"
    );
    let error = decode_one(&prelude(8, 0)).unwrap_err();
    assert!(matches!(error, FrameError::InvalidLength { .. }), "{error}");
    // The largest message allowed is awaited, holding only what arrived.
    let mut decoder = MessageDecoder::new();
    decoder.push(&prelude(16 * 1024 * 1024, 0));
    assert_eq!(decoder.next_message().unwrap(), None);
    assert!(
        decoder.buffer.capacity() < 1024,
        "{}",
        decoder.buffer.capacity()
    );
}

/// A message of `headers` (raw) and no payload, with valid CRCs.
fn with_raw_headers(headers: &[u8]) -> Vec<u8> {
    let mut bytes = prelude(16 + headers.len() as u32, headers.len() as u32);
    bytes.extend_from_slice(headers);
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_be_bytes());
    bytes
}

#[test]
fn unreadable_headers_are_invalid_header_errors_naming_them() {
    let cases: [(&[u8], &str, &str); 6] = [
        (b"\x01a\x0a", "a", "unknown value type 10"),
        (b"\x05ab", "", "name is cut short"),
        (b"\x01a", "a", "value type is missing"),
        (
            b"\x01a\x04\x00\x01",
            "a",
            "needs 4 bytes, the headers have 2 left",
        ),
        (b"\x01a\x07\x00\x05abc", "a", "needs 5 bytes"),
        (b"\x01s\x07\x00\x01\xff", "s", "not UTF-8"),
    ];
    for (headers, name, reason) in cases {
        let error = decode_one(&with_raw_headers(headers)).unwrap_err();
        let FrameError::InvalidHeader {
            name: got,
            reason: why,
        } = &error
        else {
            panic!("{headers:?}: {error:?}");
        };
        assert_eq!(got, name, "{headers:?}");
        assert!(why.contains(reason), "{headers:?}: {why}");
    }
    let error = decode_one(&with_raw_headers(b"\x01\xff\x00")).unwrap_err();
    assert!(error.to_string().contains("name is not UTF-8"), "{error}");
    // A string value longer than the SDKs allow, though the format could carry it.
    let mut long = b"\x01s\x07\x80\x00".to_vec();
    long.resize(long.len() + 0x8000, b'x');
    let error = decode_one(&with_raw_headers(&long)).unwrap_err();
    assert!(
        matches!(
            error,
            FrameError::TooLong {
                what: "header value",
                length: 32768,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn encoding_refuses_what_the_format_or_the_limits_cannot_carry() {
    let long_name = "n".repeat(256);
    let error = Message::new(Bytes::new())
        .with_header(long_name, HeaderValue::Bool(true))
        .encode()
        .unwrap_err();
    assert!(
        matches!(
            error,
            FrameError::TooLong {
                what: "header name",
                length: 256,
                limit: 255
            }
        ),
        "{error}"
    );
    let error = Message::new(Bytes::new())
        .with_header("v", HeaderValue::String("x".repeat(32768)))
        .encode()
        .unwrap_err();
    assert!(
        matches!(
            error,
            FrameError::TooLong {
                what: "header value",
                ..
            }
        ),
        "{error}"
    );
    let error = Message::new(Bytes::new())
        .with_header("v", HeaderValue::ByteArray(Bytes::from(vec![0; 32768])))
        .encode()
        .unwrap_err();
    assert!(
        matches!(
            error,
            FrameError::TooLong {
                what: "header value",
                ..
            }
        ),
        "{error}"
    );
    // 32767 bytes is the longest value; five such headers exceed 128 KiB of headers.
    let mut message = Message::new(Bytes::new());
    for i in 0..5 {
        message = message.with_header(format!("h{i}"), HeaderValue::String("x".repeat(32767)));
    }
    let error = message.encode().unwrap_err();
    assert!(
        matches!(
            error,
            FrameError::TooLong {
                what: "headers",
                ..
            }
        ),
        "{error}"
    );
    let error = Message::new(vec![0; 16 * 1024 * 1024])
        .encode()
        .unwrap_err();
    assert!(
        matches!(error, FrameError::TooLong { what: "message", length, limit } if length == limit + 16),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "event stream message of 16777232 bytes is longer than the 16777216 bytes allowed"
    );
}

#[test]
fn debug_shows_headers_and_the_payload_length_only() {
    let debug = format!("{:?}", event());
    assert!(debug.contains(":event-type"), "{debug}");
    assert!(debug.contains("payload_length: 13"), "{debug}");
    assert!(!debug.contains("hi"), "{debug}");
}

mod receiving {
    use std::collections::VecDeque;
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use tokio::io::{AsyncRead, ReadBuf};

    use super::*;
    use crate::ByteStream;

    #[derive(Debug, PartialEq)]
    enum Event {
        Chunk(String),
        Unknown(String),
    }

    #[derive(Debug, PartialEq)]
    enum Error {
        Throttling(String),
        Unhandled(String),
    }

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{self:?}")
        }
    }

    impl std::error::Error for Error {}

    use std::fmt;

    fn text(message: &Message) -> Result<String, UnmarshalError> {
        String::from_utf8(message.payload().to_vec())
            .map_err(|_| UnmarshalError::new("payload is not UTF-8"))
    }

    /// What generated code does for a union of one event and one exception.
    impl Unmarshal for Event {
        type Error = Error;

        fn event(message: &Message) -> Result<Self, UnmarshalError> {
            match message.string_header(":event-type") {
                Some("chunk") => Ok(Self::Chunk(text(message)?)),
                Some(other) => Ok(Self::Unknown(other.to_owned())),
                None => Err(UnmarshalError::new("missing header :event-type")),
            }
        }

        fn exception(message: &Message) -> Result<Error, UnmarshalError> {
            match message.string_header(":exception-type") {
                Some("ThrottlingException") => Ok(Error::Throttling(text(message)?)),
                other => Ok(Error::Unhandled(other.unwrap_or_default().to_owned())),
            }
        }
    }

    /// A body that arrives in the given pieces, then fails with `error` if one is given.
    struct Pieces {
        pieces: VecDeque<Vec<u8>>,
        error: Option<io::Error>,
    }

    impl AsyncRead for Pieces {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let this = self.get_mut();
            match this.pieces.pop_front() {
                Some(piece) => buf.put_slice(&piece),
                None => {
                    if let Some(error) = this.error.take() {
                        return Poll::Ready(Err(error));
                    }
                }
            }
            Poll::Ready(Ok(()))
        }
    }

    fn body(bytes: &[u8], cuts: &[usize], error: Option<io::Error>) -> ByteStream {
        let mut pieces = VecDeque::new();
        let mut start = 0;
        for &cut in cuts.iter().chain([bytes.len()].iter()) {
            pieces.push_back(bytes[start..cut].to_vec());
            start = cut;
        }
        ByteStream::once(Box::pin(Pieces { pieces, error }), None)
    }

    fn receiver(messages: &[Message], cuts: &[usize]) -> Receiver<Event, Error> {
        Receiver::new(body(&wire(messages), cuts, None))
    }

    fn wire(messages: &[Message]) -> Vec<u8> {
        messages
            .iter()
            .flat_map(|message| message.encode().unwrap())
            .collect()
    }

    fn string(value: &str) -> HeaderValue {
        HeaderValue::String(value.into())
    }

    fn chunk(text: &'static str) -> Message {
        Message::new(text.as_bytes())
            .with_header(":message-type", string("event"))
            .with_header(":event-type", string("chunk"))
    }

    fn initial_response() -> Message {
        Message::new(&b"{\"ShardId\":\"1\"}"[..])
            .with_header(":message-type", string("event"))
            .with_header(":event-type", string("initial-response"))
    }

    #[tokio::test]
    async fn events_split_at_awkward_points_arrive_whole_and_in_order() {
        let messages = [
            chunk("one"),
            initial_response(),
            chunk("two"),
            chunk("three"),
        ];
        let first = chunk("one").encode().unwrap().len();
        // Inside the first prelude, at its last byte, across the first message's end, and
        // every few bytes of the rest.
        let mut cuts = vec![1, 11, 12, first - 1, first + 3];
        cuts.extend((first + 10..wire(&messages).len()).step_by(7));
        let mut events = receiver(&messages, &cuts);
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("one".into()))
        );
        // The initial response is not an event.
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("two".into()))
        );
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("three".into()))
        );
        assert_eq!(events.recv().await.unwrap(), None);
        assert_eq!(events.recv().await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_unknown_event_type_is_the_unions_unknown_variant() {
        let unknown = Message::new(Bytes::new())
            .with_header(":message-type", string("event"))
            .with_header(":event-type", string("newThing"));
        let mut events = receiver(&[unknown, chunk("after")], &[]);
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Unknown("newThing".into()))
        );
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("after".into()))
        );
    }

    #[tokio::test]
    async fn a_body_ending_inside_a_message_is_truncated_and_ends_the_stream() {
        let bytes = wire(&[chunk("one"), chunk("two")]);
        let mut events: Receiver<Event, Error> =
            Receiver::new(body(&bytes[..bytes.len() - 3], &[20], None));
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("one".into()))
        );
        let error = events.recv().await.unwrap_err();
        let second = chunk("two").encode().unwrap().len();
        assert!(
            matches!(&error, RecvError::Frame(FrameError::Truncated { received, expected: Some(expected) })
                if *received == second - 3 && *expected == second),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("cannot read the event stream: the event stream ended"),
            "{error}"
        );
        assert_eq!(events.recv().await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_bad_checksum_ends_the_stream_though_good_messages_follow() {
        let mut bytes = wire(&[chunk("one"), chunk("two"), chunk("three")]);
        let first = chunk("one").encode().unwrap().len();
        bytes[first + 30] ^= 1;
        let mut events: Receiver<Event, Error> = Receiver::new(body(&bytes, &[], None));
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("one".into()))
        );
        let error = events.recv().await.unwrap_err();
        assert!(
            matches!(error, RecvError::Frame(FrameError::MessageChecksum { .. })),
            "{error:?}"
        );
        assert_eq!(events.recv().await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_body_that_fails_to_read_is_an_io_error_and_ends_the_stream() {
        let bytes = wire(&[chunk("one")]);
        let failure = io::Error::new(io::ErrorKind::ConnectionReset, "reset by peer");
        let mut events: Receiver<Event, Error> = Receiver::new(body(&bytes, &[], Some(failure)));
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("one".into()))
        );
        let error = events.recv().await.unwrap_err();
        assert!(
            matches!(&error, RecvError::Io(e) if e.kind() == io::ErrorKind::ConnectionReset),
            "{error:?}"
        );
        assert_eq!(events.recv().await.unwrap(), None);
    }

    #[tokio::test]
    async fn exceptions_errors_and_unknown_message_types_are_errors_naming_them() {
        let exception = Message::new(&b"slow down"[..])
            .with_header(":message-type", string("exception"))
            .with_header(":exception-type", string("ThrottlingException"));
        let error = Message::new(Bytes::new())
            .with_header(":message-type", string("error"))
            .with_header(":error-code", string("InternalFailure"))
            .with_header(":error-message", string("try again"));
        let unknown = Message::new(Bytes::new()).with_header(":message-type", string("gossip"));
        let untyped =
            Message::new(Bytes::new()).with_header(":message-type", HeaderValue::Int32(1));
        let mut events = receiver(&[exception, error, unknown, untyped, chunk("last")], &[]);

        let exception = events.recv().await.unwrap_err();
        assert!(
            matches!(&exception, RecvError::Exception(Error::Throttling(m)) if m == "slow down"),
            "{exception:?}"
        );
        assert_eq!(
            exception.to_string(),
            "the event stream sent an exception: Throttling(\"slow down\")"
        );
        assert!(std::error::Error::source(&exception).is_some());

        let error = events.recv().await.unwrap_err();
        assert!(
            matches!(&error, RecvError::Error { code, message } if code == "InternalFailure" && message == "try again"),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "the event stream sent an error: InternalFailure: try again"
        );

        let unknown = events.recv().await.unwrap_err();
        assert!(matches!(unknown, RecvError::Unmarshal(_)), "{unknown:?}");
        assert_eq!(
            unknown.to_string(),
            "cannot read an event stream message: unknown :message-type \"gossip\""
        );
        let untyped = events.recv().await.unwrap_err();
        assert!(
            untyped.to_string().contains("no string :message-type"),
            "{untyped}"
        );
        // None of these ends the stream: the service does.
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("last".into()))
        );
        assert_eq!(events.recv().await.unwrap(), None);
    }

    #[tokio::test]
    async fn the_initial_response_is_returned_once_and_otherwise_the_first_event_is_kept() {
        let mut events = receiver(&[initial_response(), chunk("one")], &[3]);
        let initial = events.initial_response().await.unwrap().unwrap();
        assert_eq!(initial.payload().as_ref(), b"{\"ShardId\":\"1\"}");
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("one".into()))
        );

        let mut events = receiver(&[chunk("one"), chunk("two")], &[]);
        assert_eq!(events.initial_response().await.unwrap(), None);
        assert_eq!(events.initial_response().await.unwrap(), None);
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("one".into()))
        );
        assert_eq!(
            events.recv().await.unwrap(),
            Some(Event::Chunk("two".into()))
        );

        let mut empty = receiver(&[], &[]);
        assert_eq!(empty.initial_response().await.unwrap(), None);
        assert_eq!(empty.recv().await.unwrap(), None);
    }

    #[tokio::test]
    async fn debug_shows_no_payload() {
        let events = receiver(&[chunk("secret")], &[]);
        let debug = format!("{events:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(
            debug.starts_with("Receiver { body: ByteStream(stream"),
            "{debug}"
        );
    }

    #[cfg(feature = "stream")]
    #[tokio::test]
    async fn the_receiver_is_a_stream_of_results() {
        use futures_core::Stream;
        let mut bytes = wire(&[chunk("one"), chunk("two")]);
        bytes.truncate(bytes.len() - 1);
        let mut events: Receiver<Event, Error> = Receiver::new(body(&bytes, &[5], None));
        async fn next(
            events: &mut Receiver<Event, Error>,
        ) -> Option<Result<Event, RecvError<Error>>> {
            std::future::poll_fn(|cx| Pin::new(&mut *events).poll_next(cx)).await
        }
        assert_eq!(
            next(&mut events).await.unwrap().unwrap(),
            Event::Chunk("one".into())
        );
        assert!(matches!(
            next(&mut events).await,
            Some(Err(RecvError::Frame(FrameError::Truncated { .. })))
        ));
        assert!(next(&mut events).await.is_none());
    }
}

mod sending {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::ByteStream;
    use crate::auth::credentials::Credentials;
    use crate::auth::sigv4::{EventSignatureChain, SigningParams, SigningSettings};
    use crate::error::BuildError;

    /// Computed by tests/data/event_stream/signatures.py (Python's hmac and hashlib, not
    /// this signer), whose output, tests/data/event_stream/signatures.txt, these are.
    const SEED: &str = "ba86a1f5759cf6972e29eb32b183869f10feb930cd82fa40b7b8a37b9f8ba9ec";
    const START: u64 = 1_795_305_598;
    const SIGNATURES: [&str; 3] = [
        "b8e9373909a32c077f76708c6d9595f70f7b58d537da5222a30beb0e96705e80",
        "6148d11330cb797bdf63647935852c989e79376c53127bcb2b2760d0776f0a2f",
        "0e32d13064b1aaf5dea38dec1d0cab1e2a847871a5bb26c1c07961abed5f8e78",
    ];
    const SIGNED_BODY: &str = "000000bf0000004318605086053a6461746508000001a2008d6c30103a6368756e6b2d7369676e6174757265060020b8e9373909a32c077f76708c6d9595f70f7b58d537da5222a30beb0e96705e800000006c000000585c509ce30d3a6d6573736167652d747970650700056576656e740b3a6576656e742d7479706507000a417564696f4576656e740d3a636f6e74656e742d747970650700186170706c69636174696f6e2f6f637465742d73747265616d010203044c67b50e276a345e000000c1000000435e820e28053a6461746508000001a2008d7018103a6368756e6b2d7369676e61747572650600206148d11330cb797bdf63647935852c989e79376c53127bcb2b2760d0776f0a2f0000006e000000582690cf830d3a6d6573736167652d747970650700056576656e740b3a6576656e742d7479706507000a417564696f4576656e740d3a636f6e74656e742d747970650700186170706c69636174696f6e2f6f637465742d73747265616d7365636f6e64a22c510be674c1c80000005300000043f5447a58053a6461746508000001a2008d7400103a6368756e6b2d7369676e61747572650600200e32d13064b1aaf5dea38dec1d0cab1e2a847871a5bb26c1c07961abed5f8e78241a063c";

    /// An input union's event, as generated code marshals it.
    #[derive(Debug)]
    enum Input {
        Audio(&'static [u8]),
        /// Cannot be sent: marshalling fails.
        Invalid,
    }

    impl Marshal for Input {
        fn marshal(&self) -> Result<Message, BuildError> {
            match self {
                Self::Audio(chunk) => Ok(Message::new(*chunk)
                    .with_header(":message-type", HeaderValue::String("event".into()))
                    .with_header(":event-type", HeaderValue::String("AudioEvent".into()))
                    .with_header(
                        ":content-type",
                        HeaderValue::String("application/octet-stream".into()),
                    )),
                Self::Invalid => Err(BuildError::invalid("AudioChunk", "too loud")),
            }
        }
    }

    /// Signs `body` as the orchestrator does, with a clock that ticks one second per message
    /// from `START`.
    fn sign(body: &ByteStream) {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
        );
        let params = SigningParams {
            credentials: &credentials,
            region: "us-east-1",
            service: "transcribe",
            time: UNIX_EPOCH,
            settings: SigningSettings::STANDARD,
        };
        let chain = EventSignatureChain::new(SEED.to_owned(), &params);
        let tick = AtomicU64::new(START);
        body.sign_events_with(message_signer(chain, move || {
            UNIX_EPOCH + Duration::from_secs(tick.fetch_add(1, Ordering::Relaxed))
                // Subseconds are dropped: the string to sign has whole seconds.
                + Duration::from_millis(999)
        }));
    }

    fn messages(bytes: &[u8]) -> Vec<Message> {
        let mut decoder = MessageDecoder::new();
        decoder.push(bytes);
        let mut messages = Vec::new();
        while let Some(message) = decoder.next_message().unwrap() {
            messages.push(message);
        }
        assert!(!decoder.has_partial_message());
        messages
    }

    #[tokio::test]
    async fn signed_events_match_an_independent_signer_byte_for_byte() {
        let body = EventStreamSender::from_events(vec![
            Input::Audio(b"\x01\x02\x03\x04"),
            Input::Audio(b"second"),
        ])
        .into_body();
        assert!(body.is_event_stream());
        assert_eq!(body.content_length(), None);
        assert!(!body.can_resend());
        assert_eq!(
            format!("{body:?}"),
            "ByteStream(event stream, length unknown)"
        );
        // The orchestrator signs a clone of the request; the body's clones share the signer.
        sign(&body.clone());
        let sent = body.collect().await.unwrap();
        assert_eq!(sent, unhex(SIGNED_BODY));

        let outer = messages(&sent);
        assert_eq!(outer.len(), 3);
        for (message, expected) in outer.iter().zip(SIGNATURES) {
            let names: Vec<&str> = message.headers().iter().map(|h| h.name.as_str()).collect();
            assert_eq!(names, [":date", ":chunk-signature"]);
            let signature = message
                .header(":chunk-signature")
                .and_then(HeaderValue::as_bytes);
            assert_eq!(signature.map(|s| unhex(expected) == s.as_ref()), Some(true));
        }
        assert_eq!(
            outer[0].header(":date").and_then(HeaderValue::as_timestamp),
            Some(DateTime::from_secs(START as i64))
        );
        let inner = messages(outer[1].payload());
        assert_eq!(inner[0].payload().as_ref(), b"second");
        assert!(outer[2].payload().is_empty(), "the end frame is empty");
    }

    #[tokio::test]
    async fn an_unsigned_stream_sends_the_messages_as_they_are_with_no_end_frame() {
        let body = EventStreamSender::from_events(vec![Input::Audio(b"a"), Input::Audio(b"b")])
            .into_body();
        let sent = messages(&body.collect().await.unwrap());
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0], Input::Audio(b"a").marshal().unwrap());
        assert_eq!(sent[1].payload().as_ref(), b"b");
    }

    #[tokio::test]
    async fn a_channel_sends_until_every_sink_is_dropped() {
        let (sink, sender) = EventStreamSender::channel(0);
        let body = sender.into_body();
        let second = sink.clone();
        assert!(format!("{sink:?}").contains("closed: false"), "{sink:?}");
        let feeding = tokio::spawn(async move {
            sink.send(Input::Audio(b"one")).await.unwrap();
            second.send(Input::Audio(b"two")).await.unwrap();
        });
        let sent = messages(&body.collect().await.unwrap());
        feeding.await.unwrap();
        let payloads: Vec<&[u8]> = sent.iter().map(|m| m.payload().as_ref()).collect();
        assert_eq!(payloads, [&b"one"[..], b"two"]);
    }

    #[tokio::test]
    async fn a_sink_whose_stream_is_gone_gives_the_event_back() {
        let (sink, sender) = EventStreamSender::<Input>::channel(4);
        drop(sender.into_body());
        let Err(Input::Audio(back)) = sink.send(Input::Audio(b"late")).await else {
            panic!("the send should fail");
        };
        assert_eq!(back, b"late");
    }

    #[tokio::test]
    async fn an_event_that_does_not_marshal_fails_the_body_naming_it() {
        let body =
            EventStreamSender::from_events(vec![Input::Audio(b"ok"), Input::Invalid]).into_body();
        let error = body.collect().await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("AudioChunk"), "{error}");
    }

    #[cfg(feature = "stream")]
    #[tokio::test]
    async fn a_stream_of_events_ends_the_body_with_its_error() {
        use std::collections::VecDeque;
        use std::pin::Pin;
        use std::task::{Context, Poll};

        struct Events(VecDeque<Result<Input, std::io::Error>>);
        impl futures_core::Stream for Events {
            type Item = Result<Input, std::io::Error>;
            fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                Poll::Ready(self.get_mut().0.pop_front())
            }
        }
        let ok = EventStreamSender::from_stream(Events(VecDeque::from([Ok(Input::Audio(b"x"))])));
        assert_eq!(messages(&ok.into_body().collect().await.unwrap()).len(), 1);

        let failing = Events(VecDeque::from([
            Ok(Input::Audio(b"x")),
            Err(std::io::Error::other("microphone unplugged")),
        ]));
        let error = EventStreamSender::from_stream(failing)
            .into_body()
            .collect()
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("microphone unplugged"),
            "{error}"
        );
    }
}
