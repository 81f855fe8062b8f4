//! Bodies between [`ByteStream`] and hyper: what a request sends (memory in one frame, a
//! stream chunk by chunk, its announced length held to) and what a response reads (hyper's
//! frames as an `AsyncRead`, the connection back in the pool once the body is read).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};

use super::Inner;
use super::connect::Sender;
use super::pool::Origin;
use crate::http::ByteStream;
use crate::http::body::CHUNK_SIZE;

/// A request body as hyper sends it.
pub(super) enum OutgoingBody {
    /// In memory: one frame, or none when empty.
    Memory(Option<Bytes>),
    /// Read from `stream` as hyper writes; `length` (the `Content-Length` sent) is held to.
    Stream {
        stream: ByteStream,
        length: Option<u64>,
        sent: u64,
        buffer: Vec<u8>,
    },
}

impl OutgoingBody {
    pub(super) fn new(body: ByteStream) -> Self {
        match body.as_shared_bytes() {
            Some(bytes) => Self::Memory((!bytes.is_empty()).then_some(bytes)),
            None => Self::Stream {
                length: body.content_length(),
                stream: body,
                sent: 0,
                buffer: Vec::new(),
            },
        }
    }
}

impl Body for OutgoingBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Self::Memory(bytes) => Poll::Ready(bytes.take().map(|bytes| Ok(Frame::data(bytes)))),
            Self::Stream {
                stream,
                length,
                sent,
                buffer,
            } => {
                if buffer.is_empty() {
                    buffer.resize(CHUNK_SIZE, 0);
                }
                let mut read_buf = ReadBuf::new(buffer);
                ready!(Pin::new(stream).poll_read(cx, &mut read_buf))?;
                let chunk = read_buf.filled();
                *sent += chunk.len() as u64;
                match *length {
                    Some(length) if chunk.is_empty() && *sent < length => {
                        Poll::Ready(Some(Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!("the body ended after {sent} of its {length} bytes"),
                        ))))
                    }
                    Some(length) if *sent > length => Poll::Ready(Some(Err(io::Error::other(
                        format!("the body is longer than the {length} bytes announced"),
                    )))),
                    _ if chunk.is_empty() => Poll::Ready(None),
                    _ => Poll::Ready(Some(Ok(Frame::data(Bytes::copy_from_slice(chunk))))),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Memory(bytes) => bytes.is_none(),
            Self::Stream { length, sent, .. } => *length == Some(*sent),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Memory(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Self::Stream {
                length: Some(length),
                sent,
                ..
            } => SizeHint::with_exact(length.saturating_sub(*sent)),
            Self::Stream { .. } => SizeHint::default(),
        }
    }
}

/// A response body as a reader. Once it is read to the end its HTTP/1.1 connection can carry
/// the next request, so it goes back to the pool then; dropped before the end, the
/// connection closes with it (an HTTP/2 stream is reset, its connection stays).
pub(super) struct IncomingReader {
    body: Incoming,
    /// What the last frame held beyond what the caller has read.
    pending: Bytes,
    release: Option<Release>,
}

/// What returning a connection to the pool takes.
pub(super) struct Release {
    pub(super) client: Arc<Inner>,
    pub(super) origin: Origin,
    pub(super) sender: Sender,
}

impl IncomingReader {
    /// `release`: the HTTP/1.1 connection to pool at the end; HTTP/2's stay shared anyway.
    pub(super) fn new(body: Incoming, release: Option<Release>) -> Self {
        Self {
            body,
            pending: Bytes::new(),
            release,
        }
    }
}

impl AsyncRead for IncomingReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if !self.pending.is_empty() {
                let n = self.pending.len().min(buf.remaining());
                buf.put_slice(&self.pending.split_to(n));
                return Poll::Ready(Ok(()));
            }
            match ready!(Pin::new(&mut self.body).poll_frame(cx)) {
                // Trailers carry nothing AWS responses need.
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.pending = data;
                    }
                }
                Some(Err(error)) => return Poll::Ready(Err(io::Error::other(error))),
                None => {
                    if let Some(Release {
                        client,
                        origin,
                        sender,
                    }) = self.release.take()
                    {
                        client.pool.put(origin, sender, Instant::now());
                    }
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }
}
