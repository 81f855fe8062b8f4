//! Event streams (`application/vnd.amazon.eventstream`): the messages of an operation's
//! streamed output (Bedrock's `ConverseStream`, Kinesis' `SubscribeToShard`, S3's
//! `SelectObjectContent`) or input (Transcribe's `StartStreamTranscription`), framed one after
//! another in the HTTP body. Feature `event-stream`.
//!
//! [`Message`] and [`MessageDecoder`] are the framing; generated code implements
//! [`Unmarshal`] for each output union.

mod frame;

pub use frame::{FrameError, Header, HeaderValue, Message, MessageDecoder};

#[cfg(test)]
mod tests;
