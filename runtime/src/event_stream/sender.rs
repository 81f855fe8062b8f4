//! An input stream: events marshalled into messages as the request body is sent, each
//! wrapped in a message signed with the chained SigV4 event signature once the request is
//! signed, and a signed empty message at the end.

use std::error::Error;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

use super::frame::encode_header;
use super::{Header, HeaderValue, Marshal, Message};
use crate::ByteStream;
use crate::DateTime;
use crate::auth::sigv4::EventSignatureChain;
use crate::http::{MessageSigner, SignerSlot};

type BoxError = Box<dyn Error + Send + Sync>;

/// Where the events come from: polled for the next one, `None` at the end.
type NextEvent<T> = Box<dyn FnMut(&mut Context<'_>) -> Poll<Option<Result<T, BoxError>>> + Send>;

/// The events a caller sends on an input stream: the request body. Each is marshalled,
/// encoded, wrapped in a message signed with the chained SigV4 event signature and sent as
/// it comes; an empty signed message closes the stream. An operation that is not signed
/// sends the messages as they are, with no closing message (as the SDKs do).
///
/// The body is sent once: a request whose body is an event stream is never retried.
/// Clones share the events (so that an input holding a sender can be cloned and compared,
/// as every input can): the first request built from one of them takes them, and a request
/// built later from another fails when its body is read. Clones are equal to each other only.
pub struct EventStreamSender<T> {
    events: Arc<Mutex<Option<NextEvent<T>>>>,
}

impl<T> Clone for EventStreamSender<T> {
    fn clone(&self) -> Self {
        Self {
            events: Arc::clone(&self.events),
        }
    }
}

impl<T> PartialEq for EventStreamSender<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.events, &other.events)
    }
}

/// No events: the stream closes at once.
impl<T: Marshal + Send + 'static> Default for EventStreamSender<T> {
    fn default() -> Self {
        Self::from_events(Vec::new())
    }
}

impl<T: Marshal + Send + 'static> EventStreamSender<T> {
    /// A sender fed through the returned [`EventSink`], which holds up to `capacity` events
    /// not yet sent (at least one); the stream ends when every sink is dropped.
    pub fn channel(capacity: usize) -> (EventSink<T>, Self) {
        let (sender, mut receiver) = mpsc::channel(capacity.max(1));
        let next_event: NextEvent<T> =
            Box::new(move |cx| receiver.poll_recv(cx).map(|event| event.map(Ok)));
        (EventSink { sender }, Self::new(next_event))
    }

    fn new(next_event: NextEvent<T>) -> Self {
        Self {
            events: Arc::new(Mutex::new(Some(next_event))),
        }
    }

    /// Events from any stream; an `Err` ends the request body with that error (the call
    /// then fails with it as the cause of its dispatch failure).
    #[cfg(feature = "stream")]
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: futures_core::Stream<Item = Result<T, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let mut stream = Box::pin(stream);
        Self::new(Box::new(move |cx| {
            stream
                .as_mut()
                .poll_next(cx)
                .map(|event| event.map(|event| event.map_err(Into::into)))
        }))
    }

    /// Events known up front.
    pub fn from_events(events: Vec<T>) -> Self {
        let mut events = events.into_iter();
        Self::new(Box::new(move |_| Poll::Ready(events.next().map(Ok))))
    }

    /// The request body; sent once, never retried once sending began. Generated
    /// `to_request` calls this.
    #[doc(hidden)]
    pub fn into_body(self) -> ByteStream {
        let signer: SignerSlot = Arc::default();
        let taken = self
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let next_event = taken.unwrap_or_else(|| {
            Box::new(|_| {
                Poll::Ready(Some(Err(
                    "the events of this stream were taken by an earlier request".into(),
                )))
            })
        });
        let body = EventBody {
            next_event,
            signer: Arc::clone(&signer),
            pending: Bytes::new(),
            ended: false,
        };
        ByteStream::events(Box::pin(body), signer)
    }
}

impl<T> fmt::Debug for EventStreamSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStreamSender").finish_non_exhaustive()
    }
}

/// Feeds an [`EventStreamSender::channel`]. Cheap to clone; the stream ends when every
/// clone is dropped.
pub struct EventSink<T> {
    sender: mpsc::Sender<T>,
}

impl<T> EventSink<T> {
    /// Queues `event`, waiting while the channel is full. `Err` gives the event back: the
    /// stream is gone (the request ended or failed).
    pub async fn send(&self, event: T) -> Result<(), T> {
        self.sender.send(event).await.map_err(|unsent| unsent.0)
    }
}

impl<T> Clone for EventSink<T> {
    fn clone(&self) -> Self {
        Self {
            sender: self.sender.clone(),
        }
    }
}

impl<T> fmt::Debug for EventSink<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSink")
            .field("closed", &self.sender.is_closed())
            .finish_non_exhaustive()
    }
}

/// The reader behind [`EventStreamSender::into_body`].
struct EventBody<T> {
    next_event: NextEvent<T>,
    signer: SignerSlot,
    /// The rest of the last frame, not yet read.
    pending: Bytes,
    ended: bool,
}

impl<T: Marshal> EventBody<T> {
    /// `message` as it is sent: wrapped and signed when the request was, else as it is.
    fn frame(&self, message: Vec<u8>) -> io::Result<Bytes> {
        let mut signer = self.signer.lock().unwrap_or_else(PoisonError::into_inner);
        match signer.as_mut() {
            Some(sign) => sign(message).map(Bytes::from),
            None => Ok(Bytes::from(message)),
        }
    }

    /// The next frame; `None` at the end of the body.
    fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Bytes>>> {
        if self.ended {
            return Poll::Ready(Ok(None));
        }
        let event = match ready!((self.next_event)(cx)) {
            Some(Ok(event)) => event,
            Some(Err(error)) => {
                self.ended = true;
                return Poll::Ready(Err(io::Error::other(error)));
            }
            None => {
                self.ended = true;
                let signed = self
                    .signer
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .is_some();
                // The signed end frame: an empty payload. Unsigned streams just end.
                return Poll::Ready(match signed {
                    true => self.frame(Vec::new()).map(Some),
                    false => Ok(None),
                });
            }
        };
        let message = event
            .marshal()
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?
            .encode()
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
        Poll::Ready(self.frame(message).map(Some))
    }
}

impl<T: Marshal> AsyncRead for EventBody<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pending.is_empty() {
            match ready!(this.poll_frame(cx)) {
                Ok(Some(frame)) => this.pending = frame,
                Ok(None) => return Poll::Ready(Ok(())),
                Err(error) => {
                    this.ended = true;
                    return Poll::Ready(Err(error));
                }
            }
        }
        let n = this.pending.len().min(buf.remaining());
        buf.put_slice(&this.pending.split_to(n));
        Poll::Ready(Ok(()))
    }
}

/// The signer the orchestrator hands an event stream's body once the request is signed:
/// each message becomes the payload of one with the `:date` it is sent at (whole seconds,
/// by `clock`) and its `:chunk-signature` in `chain`.
pub(crate) fn message_signer(
    mut chain: EventSignatureChain,
    clock: impl Fn() -> SystemTime + Send + 'static,
) -> MessageSigner {
    Box::new(move |message| {
        let time = whole_seconds(clock());
        let date = HeaderValue::Timestamp(DateTime::from(time));
        let mut date_header = Vec::new();
        encode_header(
            &Header {
                name: ":date".to_owned(),
                value: date.clone(),
            },
            &mut date_header,
        )
        .map_err(io::Error::other)?;
        let signature = chain
            .sign(time, &date_header, &message)
            .map_err(io::Error::other)?;
        Message::new(message)
            .with_header(":date", date)
            .with_header(
                ":chunk-signature",
                HeaderValue::ByteArray(Bytes::copy_from_slice(&signature)),
            )
            .encode()
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))
    })
}

/// `time` without its fraction of a second: the string to sign has whole seconds, and the
/// `:date` header says the same.
fn whole_seconds(time: SystemTime) -> SystemTime {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => UNIX_EPOCH + Duration::from_secs(since.as_secs()),
        Err(_) => time,
    }
}
