//! The `application/vnd.amazon.eventstream` framing: a message is a prelude (total length,
//! headers length, the prelude's CRC32), typed headers, a payload and the message's CRC32.

use std::fmt;

use bytes::{Buf, Bytes, BytesMut};

use crate::DateTime;

/// Total length, headers length and the CRC32 of those eight bytes.
const PRELUDE_LENGTH: usize = 12;
/// The CRC32 of everything before it.
const MESSAGE_CRC_LENGTH: usize = 4;
/// A message with no headers and no payload.
const MIN_MESSAGE_LENGTH: usize = PRELUDE_LENGTH + MESSAGE_CRC_LENGTH;

/// The SDKs' limits (botocore, aws-smithy-eventstream): the whole message at most 16 MiB,
/// its headers at most 128 KiB, a header's name at most 255 bytes (its length is one byte),
/// a string or byte array value at most 32767 bytes.
const MAX_MESSAGE_LENGTH: usize = 16 * 1024 * 1024;
const MAX_HEADERS_LENGTH: usize = 128 * 1024;
const MAX_HEADER_NAME_LENGTH: usize = u8::MAX as usize;
const MAX_HEADER_VALUE_LENGTH: usize = i16::MAX as usize;

/// The wire's value types.
const TYPE_TRUE: u8 = 0;
const TYPE_FALSE: u8 = 1;
const TYPE_BYTE: u8 = 2;
const TYPE_INT16: u8 = 3;
const TYPE_INT32: u8 = 4;
const TYPE_INT64: u8 = 5;
const TYPE_BYTE_ARRAY: u8 = 6;
const TYPE_STRING: u8 = 7;
const TYPE_TIMESTAMP: u8 = 8;
const TYPE_UUID: u8 = 9;

/// One event stream message: headers in the order they were given or received, and a
/// payload. `Debug` shows the headers and the payload's length, never the payload.
#[derive(Clone, PartialEq)]
pub struct Message {
    headers: Vec<Header>,
    payload: Bytes,
}

/// A message header: a name and a typed value. Names may repeat on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The header's name, at most 255 bytes.
    pub name: String,
    /// The header's value.
    pub value: HeaderValue,
}

/// A header's value, one of the wire's ten types (`true` and `false` are two types there).
#[derive(Clone, Debug, PartialEq)]
pub enum HeaderValue {
    /// Types 0 (true) and 1 (false): the value is the type, no bytes follow.
    Bool(bool),
    /// Type 2: one signed byte.
    Byte(i8),
    /// Type 3: a big-endian 16-bit integer.
    Int16(i16),
    /// Type 4: a big-endian 32-bit integer.
    Int32(i32),
    /// Type 5: a big-endian 64-bit integer.
    Int64(i64),
    /// Type 6: at most 32767 bytes, after their 16-bit length.
    ByteArray(Bytes),
    /// Type 7: UTF-8 of at most 32767 bytes, after its 16-bit length.
    String(String),
    /// Type 8: milliseconds since the epoch, a big-endian 64-bit integer (finer precision
    /// is dropped when encoding).
    Timestamp(DateTime),
    /// Type 9: 16 bytes, big-endian.
    Uuid(u128),
}

impl HeaderValue {
    /// The value of a `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of a `Byte`.
    pub fn as_byte(&self) -> Option<i8> {
        match self {
            Self::Byte(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of an `Int16`.
    pub fn as_i16(&self) -> Option<i16> {
        match self {
            Self::Int16(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of an `Int32`.
    pub fn as_i32(&self) -> Option<i32> {
        match self {
            Self::Int32(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of an `Int64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int64(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of a `ByteArray`.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match self {
            Self::ByteArray(value) => Some(value),
            _ => None,
        }
    }

    /// The value of a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(value) => Some(value),
            _ => None,
        }
    }

    /// The value of a `Timestamp`.
    pub fn as_timestamp(&self) -> Option<DateTime> {
        match self {
            Self::Timestamp(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of a `Uuid`.
    pub fn as_uuid(&self) -> Option<u128> {
        match self {
            Self::Uuid(value) => Some(*value),
            _ => None,
        }
    }
}

impl Message {
    /// A message with `payload` and no headers yet.
    pub fn new(payload: impl Into<Bytes>) -> Self {
        Self {
            headers: Vec::new(),
            payload: payload.into(),
        }
    }

    /// This message with one more header, after those it has.
    pub fn with_header(mut self, name: impl Into<String>, value: HeaderValue) -> Self {
        self.headers.push(Header {
            name: name.into(),
            value,
        });
        self
    }

    /// The headers, in order.
    pub fn headers(&self) -> &[Header] {
        &self.headers
    }

    /// The value of the first header named `name` (names compare exactly, as on the wire).
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|header| header.name == name)
            .map(|header| &header.value)
    }

    /// The value of the first header named `name` when it is a string.
    pub fn string_header(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(HeaderValue::as_str)
    }

    /// The payload.
    pub fn payload(&self) -> &Bytes {
        &self.payload
    }

    /// The payload, without copying.
    pub fn into_payload(self) -> Bytes {
        self.payload
    }

    /// The message on the wire: prelude, headers, payload and both CRC32s. Fails when a
    /// header or the message is longer than the format allows, or a timestamp does not fit
    /// in 64 bits of milliseconds.
    pub fn encode(&self) -> Result<Vec<u8>, FrameError> {
        let mut headers = Vec::new();
        for header in &self.headers {
            encode_header(header, &mut headers)?;
        }
        if headers.len() > MAX_HEADERS_LENGTH {
            return Err(FrameError::TooLong {
                what: "headers",
                length: headers.len(),
                limit: MAX_HEADERS_LENGTH,
            });
        }
        let total = MIN_MESSAGE_LENGTH + headers.len() + self.payload.len();
        if total > MAX_MESSAGE_LENGTH {
            return Err(FrameError::TooLong {
                what: "message",
                length: total,
                limit: MAX_MESSAGE_LENGTH,
            });
        }
        let mut out = Vec::with_capacity(total);
        // Both fit in u32: they are below the limits checked above.
        out.extend_from_slice(&(total as u32).to_be_bytes());
        out.extend_from_slice(&(headers.len() as u32).to_be_bytes());
        let prelude_crc = crc32fast::hash(&out);
        out.extend_from_slice(&prelude_crc.to_be_bytes());
        out.extend_from_slice(&headers);
        out.extend_from_slice(&self.payload);
        let message_crc = crc32fast::hash(&out);
        out.extend_from_slice(&message_crc.to_be_bytes());
        Ok(out)
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("headers", &self.headers)
            .field("payload_length", &self.payload.len())
            .finish()
    }
}

/// Appends one header's wire form to `out`.
pub(crate) fn encode_header(header: &Header, out: &mut Vec<u8>) -> Result<(), FrameError> {
    let name = header.name.as_bytes();
    if name.len() > MAX_HEADER_NAME_LENGTH {
        return Err(FrameError::TooLong {
            what: "header name",
            length: name.len(),
            limit: MAX_HEADER_NAME_LENGTH,
        });
    }
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    let variable = |out: &mut Vec<u8>, kind: u8, bytes: &[u8]| {
        if bytes.len() > MAX_HEADER_VALUE_LENGTH {
            return Err(FrameError::TooLong {
                what: "header value",
                length: bytes.len(),
                limit: MAX_HEADER_VALUE_LENGTH,
            });
        }
        out.push(kind);
        out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
        out.extend_from_slice(bytes);
        Ok(())
    };
    match &header.value {
        HeaderValue::Bool(true) => out.push(TYPE_TRUE),
        HeaderValue::Bool(false) => out.push(TYPE_FALSE),
        HeaderValue::Byte(value) => {
            out.push(TYPE_BYTE);
            out.extend_from_slice(&value.to_be_bytes());
        }
        HeaderValue::Int16(value) => {
            out.push(TYPE_INT16);
            out.extend_from_slice(&value.to_be_bytes());
        }
        HeaderValue::Int32(value) => {
            out.push(TYPE_INT32);
            out.extend_from_slice(&value.to_be_bytes());
        }
        HeaderValue::Int64(value) => {
            out.push(TYPE_INT64);
            out.extend_from_slice(&value.to_be_bytes());
        }
        HeaderValue::ByteArray(bytes) => variable(out, TYPE_BYTE_ARRAY, bytes)?,
        HeaderValue::String(text) => variable(out, TYPE_STRING, text.as_bytes())?,
        HeaderValue::Timestamp(time) => {
            let millis = time
                .secs()
                .checked_mul(1000)
                .and_then(|millis| millis.checked_add(i64::from(time.subsec_nanos() / 1_000_000)))
                .ok_or_else(|| FrameError::InvalidHeader {
                    name: header.name.clone(),
                    reason: "the timestamp does not fit in 64 bits of milliseconds".into(),
                })?;
            out.push(TYPE_TIMESTAMP);
            out.extend_from_slice(&millis.to_be_bytes());
        }
        HeaderValue::Uuid(value) => {
            out.push(TYPE_UUID);
            out.extend_from_slice(&value.to_be_bytes());
        }
    }
    Ok(())
}

/// What can be wrong with a frame, read or written. `Display` says what and where.
#[derive(Debug)]
#[non_exhaustive]
pub enum FrameError {
    /// The CRC32 of the prelude's length fields is not the one that follows them.
    PreludeChecksum {
        /// The CRC32 the prelude carries.
        expected: u32,
        /// The CRC32 of the bytes received.
        computed: u32,
    },
    /// The CRC32 of the message is not the one at its end.
    MessageChecksum {
        /// The CRC32 the message carries.
        expected: u32,
        /// The CRC32 of the bytes received.
        computed: u32,
    },
    /// The stream ended inside a message.
    Truncated {
        /// The bytes of the message that arrived.
        received: usize,
        /// The message's length, when its prelude arrived.
        expected: Option<usize>,
    },
    /// A part is longer than the format or the SDKs' limits allow.
    TooLong {
        /// `message`, `headers`, `header name` or `header value`.
        what: &'static str,
        /// Its length in bytes.
        length: usize,
        /// The most allowed.
        limit: usize,
    },
    /// The prelude's lengths contradict each other: the message is shorter than its
    /// prelude, headers and CRC.
    InvalidLength {
        /// The message length the prelude announces.
        total_length: usize,
        /// The headers length the prelude announces.
        headers_length: usize,
    },
    /// A header cannot be read (unknown type, cut short, not UTF-8) or written.
    InvalidHeader {
        /// The header's name, as far as it could be read.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PreludeChecksum { expected, computed } => write!(
                f,
                "event stream prelude checksum mismatch: the prelude says {expected:#010x}, \
                 its bytes give {computed:#010x}"
            ),
            Self::MessageChecksum { expected, computed } => write!(
                f,
                "event stream message checksum mismatch: the message says {expected:#010x}, \
                 its bytes give {computed:#010x}"
            ),
            Self::Truncated {
                received,
                expected: Some(expected),
            } => write!(
                f,
                "the event stream ended {received} bytes into a message of {expected} bytes"
            ),
            Self::Truncated {
                received,
                expected: None,
            } => write!(
                f,
                "the event stream ended {received} bytes into a message, inside its prelude"
            ),
            Self::TooLong {
                what,
                length,
                limit,
            } => write!(
                f,
                "event stream {what} of {length} bytes is longer than the {limit} bytes allowed"
            ),
            Self::InvalidLength {
                total_length,
                headers_length,
            } => write!(
                f,
                "event stream prelude announces a message of {total_length} bytes with \
                 {headers_length} bytes of headers, shorter than a prelude, its headers and a \
                 checksum"
            ),
            Self::InvalidHeader { name, reason } => {
                write!(f, "event stream header {name:?}: {reason}")
            }
        }
    }
}

impl std::error::Error for FrameError {}

/// Incremental decoder: bytes in as they arrive, whole messages out. It holds only the bytes
/// pushed: a prelude that announces a long message makes it wait for those bytes, not
/// reserve room for them.
#[derive(Debug, Default)]
pub struct MessageDecoder {
    pub(super) buffer: BytesMut,
}

impl MessageDecoder {
    /// A decoder that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes as they arrive.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next whole message, `None` until its last byte arrived. An error leaves the bytes
    /// where they are: the stream cannot be read past a bad frame.
    pub fn next_message(&mut self) -> Result<Option<Message>, FrameError> {
        let Some(total_length) = self.announced_length()? else {
            return Ok(None);
        };
        if self.buffer.len() < total_length {
            return Ok(None);
        }
        let frame = &self.buffer[..total_length];
        let crc_at = total_length - MESSAGE_CRC_LENGTH;
        let expected = read_u32(&frame[crc_at..]);
        let computed = crc32fast::hash(&frame[..crc_at]);
        if expected != computed {
            return Err(FrameError::MessageChecksum { expected, computed });
        }
        let headers_length = read_u32(&frame[4..]) as usize;
        let mut headers_bytes = &frame[PRELUDE_LENGTH..PRELUDE_LENGTH + headers_length];
        let mut headers = Vec::new();
        while !headers_bytes.is_empty() {
            headers.push(decode_header(&mut headers_bytes)?);
        }
        let mut frame = self.buffer.split_to(total_length).freeze();
        frame.advance(PRELUDE_LENGTH + headers_length);
        frame.truncate(frame.len() - MESSAGE_CRC_LENGTH);
        Ok(Some(Message {
            headers,
            payload: frame,
        }))
    }

    /// Whether bytes are buffered that are not a whole message yet.
    pub fn has_partial_message(&self) -> bool {
        !self.buffer.is_empty()
    }

    /// What to report when the stream ends now, with bytes of a message buffered.
    pub(crate) fn truncated(&self) -> FrameError {
        let expected = (self.buffer.len() >= 8).then(|| read_u32(&self.buffer) as usize);
        FrameError::Truncated {
            received: self.buffer.len(),
            expected,
        }
    }

    /// The length of the message at the front once its prelude arrived, checked against
    /// its CRC and the limits before any of the rest is awaited.
    fn announced_length(&self) -> Result<Option<usize>, FrameError> {
        let Some(prelude) = self.buffer.get(..PRELUDE_LENGTH) else {
            return Ok(None);
        };
        let expected = read_u32(&prelude[8..]);
        let computed = crc32fast::hash(&prelude[..8]);
        if expected != computed {
            return Err(FrameError::PreludeChecksum { expected, computed });
        }
        let total_length = read_u32(prelude) as usize;
        let headers_length = read_u32(&prelude[4..]) as usize;
        if total_length > MAX_MESSAGE_LENGTH {
            return Err(FrameError::TooLong {
                what: "message",
                length: total_length,
                limit: MAX_MESSAGE_LENGTH,
            });
        }
        if headers_length > MAX_HEADERS_LENGTH {
            return Err(FrameError::TooLong {
                what: "headers",
                length: headers_length,
                limit: MAX_HEADERS_LENGTH,
            });
        }
        if total_length < MIN_MESSAGE_LENGTH + headers_length {
            return Err(FrameError::InvalidLength {
                total_length,
                headers_length,
            });
        }
        Ok(Some(total_length))
    }
}

fn read_u32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// Reads one header from the front of `bytes`, which holds the rest of the headers.
fn decode_header(bytes: &mut &[u8]) -> Result<Header, FrameError> {
    let invalid = |name: &str, reason: String| FrameError::InvalidHeader {
        name: name.to_owned(),
        reason,
    };
    let name_length = usize::from(bytes[0]);
    let name_bytes = bytes
        .get(1..1 + name_length)
        .ok_or_else(|| invalid("", format!("its {name_length}-byte name is cut short")))?;
    let name = std::str::from_utf8(name_bytes)
        .map_err(|_| {
            invalid(
                &String::from_utf8_lossy(name_bytes),
                "name is not UTF-8".into(),
            )
        })?
        .to_owned();
    *bytes = &bytes[1 + name_length..];
    let Some((&kind, rest)) = bytes.split_first() else {
        return Err(invalid(&name, "its value type is missing".into()));
    };
    *bytes = rest;
    let mut take = |length: usize| take(bytes, length, &name);
    let value = match kind {
        TYPE_TRUE => HeaderValue::Bool(true),
        TYPE_FALSE => HeaderValue::Bool(false),
        TYPE_BYTE => HeaderValue::Byte(i8::from_be_bytes([take(1)?[0]])),
        TYPE_INT16 => HeaderValue::Int16(i16::from_be_bytes(fixed(take(2)?))),
        TYPE_INT32 => HeaderValue::Int32(i32::from_be_bytes(fixed(take(4)?))),
        TYPE_INT64 => HeaderValue::Int64(i64::from_be_bytes(fixed(take(8)?))),
        TYPE_BYTE_ARRAY | TYPE_STRING => {
            let length = usize::from(u16::from_be_bytes(fixed(take(2)?)));
            if length > MAX_HEADER_VALUE_LENGTH {
                return Err(FrameError::TooLong {
                    what: "header value",
                    length,
                    limit: MAX_HEADER_VALUE_LENGTH,
                });
            }
            let value = take(length)?;
            if kind == TYPE_BYTE_ARRAY {
                HeaderValue::ByteArray(Bytes::copy_from_slice(value))
            } else {
                let text = std::str::from_utf8(value)
                    .map_err(|_| invalid(&name, "its string value is not UTF-8".into()))?;
                HeaderValue::String(text.to_owned())
            }
        }
        TYPE_TIMESTAMP => {
            let millis = i64::from_be_bytes(fixed(take(8)?));
            HeaderValue::Timestamp(DateTime::from_secs_and_nanos(
                millis.div_euclid(1000),
                (millis.rem_euclid(1000) * 1_000_000) as u32,
            ))
        }
        TYPE_UUID => HeaderValue::Uuid(u128::from_be_bytes(fixed(take(16)?))),
        unknown => return Err(invalid(&name, format!("unknown value type {unknown}"))),
    };
    Ok(Header { name, value })
}

/// The next `length` bytes of `bytes`, the value of header `name`.
fn take<'a>(bytes: &mut &'a [u8], length: usize, name: &str) -> Result<&'a [u8], FrameError> {
    let current: &'a [u8] = bytes;
    if current.len() < length {
        return Err(FrameError::InvalidHeader {
            name: name.to_owned(),
            reason: format!(
                "its value needs {length} bytes, the headers have {} left",
                current.len()
            ),
        });
    }
    let (value, rest) = current.split_at(length);
    *bytes = rest;
    Ok(value)
}

/// A slice of exactly `N` bytes (what `take(N)` returned) as an array.
fn fixed<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut array = [0; N];
    array.copy_from_slice(bytes);
    array
}
