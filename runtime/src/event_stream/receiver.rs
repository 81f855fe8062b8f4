//! An output stream: the response body read chunk by chunk, decoded into messages, each
//! message turned into an event or an error by its `:message-type`.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, ReadBuf};

use super::{FrameError, Message, MessageDecoder, Unmarshal, UnmarshalError};
use crate::ByteStream;
use crate::http::CHUNK_SIZE;

/// The `:event-type` of the first message of an RPC protocol's output stream, which carries
/// the output's other members.
const INITIAL_RESPONSE: &str = "initial-response";

/// The events of an output stream, read from the response body as they arrive.
///
/// [`recv`](Self::recv) returns them one by one; with feature `stream`, the receiver is
/// also a `futures_core::Stream` of them. A frame that cannot be read (a bad checksum, a
/// body that ends inside a message) or a body that fails to read ends the stream: the next
/// `recv` returns `Ok(None)`. After an exception or an error message the service ends the
/// stream itself; `recv` goes on reading what it sends. `Debug` shows no payloads.
pub struct Receiver<T, E> {
    body: ByteStream,
    decoder: MessageDecoder,
    /// What the body is read into; allocated at the first read.
    chunk: Vec<u8>,
    /// A message `initial_response` read that is not one: the first for `recv`.
    kept: Option<Message>,
    finished: bool,
    _events: PhantomData<fn() -> (T, E)>,
}

impl<T: Unmarshal<Error = E>, E> Receiver<T, E> {
    /// The events of `body`, a response body that generated code hands over unread.
    #[doc(hidden)]
    pub fn new(body: ByteStream) -> Self {
        Self {
            body,
            decoder: MessageDecoder::new(),
            chunk: Vec::new(),
            kept: None,
            finished: false,
            _events: PhantomData,
        }
    }

    /// The next event; `Ok(None)` once the stream ended cleanly (the body ended between
    /// messages) or after an error that ends it. `initial-response` messages (the RPC
    /// protocols' output members) are not events: `recv` skips them.
    pub async fn recv(&mut self) -> Result<Option<T>, RecvError<E>> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// RPC protocols (awsJson) send the output's non-stream members as a first message with
    /// `:event-type` `initial-response`: reads the first message and returns it if it is
    /// one, else keeps it for [`recv`](Self::recv).
    #[doc(hidden)]
    pub async fn initial_response(&mut self) -> Result<Option<Message>, RecvError<E>> {
        if self.kept.is_some() {
            return Ok(None);
        }
        let Some(message) = poll_fn(|cx| self.poll_message(cx)).await? else {
            return Ok(None);
        };
        if is_initial_response(&message) {
            return Ok(Some(message));
        }
        self.kept = Some(message);
        Ok(None)
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<T>, RecvError<E>>> {
        loop {
            let message = match self.kept.take() {
                Some(message) => message,
                None => match ready!(self.poll_message(cx))? {
                    Some(message) => message,
                    None => return Poll::Ready(Ok(None)),
                },
            };
            if is_initial_response(&message) {
                continue;
            }
            return Poll::Ready(read_message(&message).map(Some));
        }
    }

    /// The next whole message; `None` at the end of the body or after an error that ends
    /// the stream.
    fn poll_message(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<Message>, RecvError<E>>> {
        if self.finished {
            return Poll::Ready(Ok(None));
        }
        let polled = self.poll_decoded(cx);
        if matches!(polled, Poll::Ready(Err(_) | Ok(None))) {
            self.finished = true;
        }
        polled
    }

    fn poll_decoded(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<Message>, RecvError<E>>> {
        loop {
            if let Some(message) = self.decoder.next_message().map_err(RecvError::Frame)? {
                return Poll::Ready(Ok(Some(message)));
            }
            if self.chunk.is_empty() {
                self.chunk = vec![0; CHUNK_SIZE];
            }
            let mut read = ReadBuf::new(&mut self.chunk);
            ready!(Pin::new(&mut self.body).poll_read(cx, &mut read)).map_err(RecvError::Io)?;
            let read = read.filled();
            if read.is_empty() {
                return Poll::Ready(match self.decoder.has_partial_message() {
                    true => Err(RecvError::Frame(self.decoder.truncated())),
                    false => Ok(None),
                });
            }
            self.decoder.push(read);
        }
    }
}

fn is_initial_response(message: &Message) -> bool {
    message.string_header(":message-type") == Some("event")
        && message.string_header(":event-type") == Some(INITIAL_RESPONSE)
}

/// An event, a modelled exception or the service's error, by `:message-type`.
fn read_message<T: Unmarshal<Error = E>, E>(message: &Message) -> Result<T, RecvError<E>> {
    match message.string_header(":message-type") {
        Some("event") => T::event(message).map_err(RecvError::Unmarshal),
        Some("exception") => Err(match T::exception(message) {
            Ok(exception) => RecvError::Exception(exception),
            Err(error) => RecvError::Unmarshal(error),
        }),
        Some("error") => Err(RecvError::Error {
            code: message
                .string_header(":error-code")
                .unwrap_or_default()
                .to_owned(),
            message: message
                .string_header(":error-message")
                .unwrap_or_default()
                .to_owned(),
        }),
        Some(other) => Err(RecvError::Unmarshal(UnmarshalError::new(format!(
            "unknown :message-type {other:?}"
        )))),
        None => Err(RecvError::Unmarshal(UnmarshalError::new(
            "the message has no string :message-type header",
        ))),
    }
}

impl<T, E> fmt::Debug for Receiver<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("body", &self.body)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "stream")]
impl<T: Unmarshal<Error = E>, E> futures_core::Stream for Receiver<T, E> {
    type Item = Result<T, RecvError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_recv(cx).map(Result::transpose)
    }
}

/// Why [`Receiver::recv`] returned no event.
#[derive(Debug)]
#[non_exhaustive]
pub enum RecvError<E> {
    /// A modelled exception (`:message-type` `exception`), as the union's error enum.
    Exception(E),
    /// `:message-type` `error`: the service's `:error-code` and `:error-message` (empty when
    /// absent).
    Error {
        /// `:error-code`.
        code: String,
        /// `:error-message`.
        message: String,
    },
    /// A frame that cannot be read: a bad checksum, a body that ended inside a message, a
    /// message longer than allowed. Ends the stream.
    Frame(FrameError),
    /// The body could not be read. Ends the stream.
    Io(io::Error),
    /// A message whose payload or headers do not make an event or exception of the union, or
    /// whose `:message-type` is unknown.
    Unmarshal(UnmarshalError),
}

impl<E: fmt::Display> fmt::Display for RecvError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exception(exception) => {
                write!(f, "the event stream sent an exception: {exception}")
            }
            Self::Error { code, message } => {
                write!(f, "the event stream sent an error: {code}: {message}")
            }
            Self::Frame(error) => write!(f, "cannot read the event stream: {error}"),
            Self::Io(error) => write!(f, "cannot read the event stream's body: {error}"),
            Self::Unmarshal(error) => error.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for RecvError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Exception(exception) => Some(exception),
            Self::Error { .. } => None,
            Self::Frame(error) => Some(error),
            Self::Io(error) => Some(error),
            Self::Unmarshal(error) => Some(error),
        }
    }
}
