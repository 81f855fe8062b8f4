//! Event streams (`application/vnd.amazon.eventstream`): the messages of an operation's
//! streamed output (Bedrock's `ConverseStream`, Kinesis' `SubscribeToShard`, S3's
//! `SelectObjectContent`) or input (Transcribe's `StartStreamTranscription`), framed one after
//! another in the HTTP body. Feature `event-stream`.
//!
//! [`Message`] and [`MessageDecoder`] are the framing. An output stream is a [`Receiver`]
//! of the operation's event union, which generated code makes [`Unmarshal`]. An input
//! stream is an [`EventStreamSender`] of a union that generated code makes [`Marshal`]:
//! fed through an [`EventSink`], from a list, or (feature `stream`) from a stream.

use std::fmt;

mod bindings;
mod frame;
mod receiver;
mod sender;

#[doc(hidden)]
pub use bindings::{FromHeader, event_message, exception, header, payload_response};
pub use frame::{FrameError, Header, HeaderValue, Message, MessageDecoder};
pub use receiver::{Receiver, RecvError};
pub(crate) use sender::message_signer;
pub use sender::{EventSink, EventStreamSender};

/// Implemented by generated code for each *input* event-stream union: the unsigned message
/// of one event (`:message-type` `event`, its `:event-type` and `:content-type`, the
/// payload).
pub trait Marshal {
    /// The event as a message; an error when a member cannot be sent as it is.
    fn marshal(&self) -> Result<Message, crate::error::BuildError>;
}

/// Implemented by generated code for each *output* event-stream union.
pub trait Unmarshal: Sized {
    /// The union's error enum: its modelled exceptions plus `Unhandled`.
    type Error;

    /// A message whose `:message-type` is `event`, by its `:event-type`. An event type this
    /// version does not know is not an error: the union's `Unknown` variant.
    fn event(message: &Message) -> Result<Self, UnmarshalError>;

    /// A message whose `:message-type` is `exception`, by its `:exception-type` (an unknown
    /// one becomes the error enum's `Unhandled`).
    fn exception(message: &Message) -> Result<Self::Error, UnmarshalError>;
}

/// A message that does not make an event: a payload that did not parse, a required event
/// header that is missing, an unknown `:message-type`.
#[derive(Debug)]
pub struct UnmarshalError {
    reason: String,
}

impl UnmarshalError {
    /// What is wrong with the message, e.g. `missing header :event-type`.
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for UnmarshalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read an event stream message: {}", self.reason)
    }
}

impl std::error::Error for UnmarshalError {}

#[cfg(test)]
mod tests;
