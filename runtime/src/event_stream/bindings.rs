//! What generated code calls to read events from messages and write them as messages
//! (`emit::event_stream` and `protocol::event_stream` in the generator): the payload as a
//! response for the protocols' payload readers, typed headers, exceptions through the error
//! enum's response reader, and event messages.

use super::{
    EventStreamSender, HeaderValue, Marshal, Message, Receiver, Unmarshal, UnmarshalError,
};
use crate::error::{ErrorMetadata, ResponseError};
use crate::http::{Headers, HttpResponse};
use crate::protocol::http_binding::RequestBuilder;
use crate::{ByteStream, DateTime};

/// `message`'s payload as the body of a successful response without headers, so that the
/// protocols' readers of HTTP payloads (JSON, XML, blobs, text) read events as well.
#[doc(hidden)]
pub fn payload_response(message: &Message) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: Headers::new(),
        body: message.payload().to_vec(),
    }
}

/// An exception message read with `parse`, the stream error enum's reader of error
/// responses: its `:exception-type` is the error code, its payload the error body.
#[doc(hidden)]
pub fn exception<E>(
    message: &Message,
    parse: fn(ErrorMetadata, &HttpResponse) -> Result<E, ResponseError>,
) -> Result<E, UnmarshalError> {
    let code = message.string_header(":exception-type").map(str::to_owned);
    let meta = ErrorMetadata::new(0, code, None, None);
    Ok(parse(meta, &payload_response(message))?)
}

/// The header `name` as a `T` (`smithy.api#eventHeader` members): `None` when the message
/// has none; an error naming it when it is of another type.
#[doc(hidden)]
pub fn header<T: FromHeader>(message: &Message, name: &str) -> Result<Option<T>, UnmarshalError> {
    match message.header(name) {
        None => Ok(None),
        Some(value) => T::from_header(value).map(Some).ok_or_else(|| {
            UnmarshalError::new(format!(
                "header `{name}` is {}, not {}",
                type_name(value),
                T::TYPE_NAME
            ))
        }),
    }
}

fn type_name(value: &HeaderValue) -> &'static str {
    match value {
        HeaderValue::Bool(_) => "a boolean",
        HeaderValue::Byte(_) => "a byte",
        HeaderValue::Int16(_) => "a short",
        HeaderValue::Int32(_) => "an integer",
        HeaderValue::Int64(_) => "a long",
        HeaderValue::ByteArray(_) => "a byte array",
        HeaderValue::String(_) => "a string",
        HeaderValue::Timestamp(_) => "a timestamp",
        HeaderValue::Uuid(_) => "a UUID",
    }
}

/// A Rust type an event header member can have.
#[doc(hidden)]
pub trait FromHeader: Sized {
    /// The wire type it is read from, for errors.
    const TYPE_NAME: &'static str;
    fn from_header(value: &HeaderValue) -> Option<Self>;
}

macro_rules! from_header {
    ($($ty:ty => $name:literal, $read:expr;)*) => {$(
        impl FromHeader for $ty {
            const TYPE_NAME: &'static str = $name;
            fn from_header(value: &HeaderValue) -> Option<Self> {
                $read(value)
            }
        }
    )*};
}

from_header! {
    bool => "a boolean", HeaderValue::as_bool;
    i8 => "a byte", HeaderValue::as_byte;
    i16 => "a short", HeaderValue::as_i16;
    i32 => "an integer", HeaderValue::as_i32;
    i64 => "a long", HeaderValue::as_i64;
    String => "a string", |v: &HeaderValue| v.as_str().map(str::to_owned);
    Vec<u8> => "a byte array", |v: &HeaderValue| v.as_bytes().map(|b| b.to_vec());
    DateTime => "a timestamp", HeaderValue::as_timestamp;
}

/// The message of one event: `:message-type` `event`, its `:event-type` (the union
/// member's name) and `:content-type`; the generated code adds the header members.
#[doc(hidden)]
pub fn event_message(event_type: &str, content_type: &str, payload: Vec<u8>) -> Message {
    Message::new(payload)
        .with_header(":message-type", HeaderValue::String("event".to_owned()))
        .with_header(":event-type", HeaderValue::String(event_type.to_owned()))
        .with_header(
            ":content-type",
            HeaderValue::String(content_type.to_owned()),
        )
}

impl From<ResponseError> for UnmarshalError {
    fn from(error: ResponseError) -> Self {
        UnmarshalError::new(error.reason())
    }
}

macro_rules! into_header_value {
    ($($ty:ty => $variant:ident;)*) => {$(
        impl From<$ty> for HeaderValue {
            fn from(value: $ty) -> Self {
                HeaderValue::$variant(value.into())
            }
        }
    )*};
}

into_header_value! {
    bool => Bool;
    i8 => Byte;
    i16 => Int16;
    i32 => Int32;
    i64 => Int64;
    String => String;
    Vec<u8> => ByteArray;
    DateTime => Timestamp;
}

/// A stream with no events: what an output holds before a response fills it in (and what
/// serde leaves in a member it skips).
impl<T: Unmarshal<Error = E>, E> Default for Receiver<T, E> {
    fn default() -> Self {
        Receiver::new(ByteStream::new())
    }
}

impl RequestBuilder {
    /// A `smithy.api#httpPayload` input event stream: the body is its messages (the
    /// orchestrator sets their content type and signs each), sent over HTTP/2 while the
    /// response streams back.
    #[doc(hidden)]
    pub fn event_stream_payload<T: Marshal + Send + 'static>(
        self,
        payload: Option<&EventStreamSender<T>>,
    ) -> Self {
        match payload {
            Some(events) => self
                .stream_payload(Some(&events.clone().into_body()))
                .needs_http2(),
            None => self,
        }
    }
}
