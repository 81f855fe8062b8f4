//! [`ByteStream`]: a body that need not sit in memory, for uploads (S3 `PutObject` from a
//! file or any reader) and downloads (S3 `GetObject`, read as it arrives).

use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use tokio::io::{AsyncRead, ReadBuf};

/// How much [`ByteStream::collect`] and the HTTP client read at a time.
pub(crate) const CHUNK_SIZE: usize = 64 * 1024;

type Reader = Pin<Box<dyn AsyncRead + Send>>;
type Opening = Pin<Box<dyn Future<Output = io::Result<tokio::fs::File>> + Send>>;

/// The body of a request or response: bytes in memory, a file, or a reader that is read as
/// the body is sent or received, so that a large object never sits whole in memory.
///
/// Build one with `From` (`Vec<u8>`, `String`, `&'static [u8]`, `&'static str`),
/// [`from_path`](Self::from_path) or [`from_reader`](Self::from_reader). Read one with
/// [`collect`](Self::collect) or as a [`tokio::io::AsyncRead`] (e.g. `tokio::io::copy` into
/// a file).
///
/// Sending retries what it can resend whole: memory and files (opened again from the
/// start). A reader is read once, so a request with a reader body is not retried once
/// reading began. Clones follow the same rule: clones of memory and file bodies are
/// independent, clones of a reader (and of a response body, which is one) share it; the
/// first to read takes it and the others then fail to read, saying so.
///
/// `Debug` shows the kind and length, never the content.
pub struct ByteStream {
    source: Source,
    /// Set on an event stream's body (and its clones): where the orchestrator puts the
    /// signer of its messages once the request is signed.
    events: Option<SignerSlot>,
}

/// Wraps each encoded message of an event stream's body in a signed message, as the body is
/// sent; called with no bytes at the end of the stream, for the signed end frame.
pub(crate) type MessageSigner = Box<dyn FnMut(Vec<u8>) -> io::Result<Vec<u8>> + Send>;

/// Shared by an event stream's body, its clones and the reader that writes its messages:
/// empty while the request is unsigned.
pub(crate) type SignerSlot = Arc<Mutex<Option<MessageSigner>>>;

enum Source {
    /// In memory, from `position` on.
    Memory { data: Bytes, position: usize },
    /// A file of `length` bytes, opened when first read.
    File(FileBody),
    /// A reader of `length` bytes (if known) that is read once: clones share the slot and
    /// the first to read takes the reader out of it.
    Once {
        slot: Arc<Mutex<Option<Reader>>>,
        length: Option<u64>,
    },
    /// The reader this value took from the shared `slot`.
    Taken {
        reader: Reader,
        slot: Arc<Mutex<Option<Reader>>>,
        length: Option<u64>,
    },
}

struct FileBody {
    path: Arc<Path>,
    length: u64,
    state: FileState,
}

enum FileState {
    Closed,
    Opening(Opening),
    /// Open, with `remaining` of `length` bytes still to read.
    Open {
        file: tokio::fs::File,
        remaining: u64,
    },
}

impl ByteStream {
    /// An empty body.
    pub fn new() -> Self {
        Self::from(Bytes::new())
    }

    /// The file at `path`, read as the body is sent; its length is taken now and sent as
    /// `Content-Length`. A retry reads the file again from its start.
    pub async fn from_path(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref();
        let metadata = tokio::fs::metadata(path).await.map_err(|error| {
            io::Error::new(error.kind(), format!("{}: {error}", path.display()))
        })?;
        if !metadata.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a file", path.display()),
            ));
        }
        Ok(Self {
            source: Source::File(FileBody {
                path: Arc::from(path),
                length: metadata.len(),
                state: FileState::Closed,
            }),
            events: None,
        })
    }

    /// `length` bytes from `reader`, read once as the body is sent (AWS services want
    /// `Content-Length` up front: a reader that ends sooner or goes on longer fails the
    /// request rather than sending something else).
    pub fn from_reader(reader: impl AsyncRead + Send + 'static, length: u64) -> Self {
        Self::once(Box::pin(reader), Some(length))
    }

    /// A reader of unknown length: response bodies without `Content-Length`.
    pub(crate) fn once(reader: Reader, length: Option<u64>) -> Self {
        Self {
            source: Source::Once {
                slot: Arc::new(Mutex::new(Some(reader))),
                length,
            },
            events: None,
        }
    }

    /// An event stream's body: `reader` writes its messages, signed by what `signer` holds
    /// by the time it is read (nothing: sent unsigned). It is of unknown length and never
    /// resent.
    #[cfg(feature = "event-stream")]
    pub(crate) fn events(reader: Reader, signer: SignerSlot) -> Self {
        Self {
            events: Some(signer),
            ..Self::once(reader, None)
        }
    }

    /// Whether this is an event stream's body, whose messages are signed one by one as it is
    /// sent: its payload hash is `STREAMING-AWS4-HMAC-SHA256-EVENTS`.
    pub(crate) fn is_event_stream(&self) -> bool {
        self.events.is_some()
    }

    /// Hands an event stream's body the signer of its messages (see
    /// [`is_event_stream`](Self::is_event_stream)); other bodies ignore it.
    #[cfg(feature = "event-stream")]
    pub(crate) fn sign_events_with(&self, signer: MessageSigner) {
        if let Some(slot) = &self.events {
            *lock(slot) = Some(signer);
        }
    }

    /// The number of bytes still to read, when known (always for memory, files and
    /// readers given a length; for responses, their `Content-Length`).
    pub fn content_length(&self) -> Option<u64> {
        match &self.source {
            Source::Memory { data, position } => Some((data.len() - position) as u64),
            Source::File(file) => Some(match &file.state {
                FileState::Open { remaining, .. } => *remaining,
                FileState::Closed | FileState::Opening(_) => file.length,
            }),
            Source::Once { length, .. } | Source::Taken { length, .. } => *length,
        }
    }

    /// The bytes still to read when they are in memory; `None` for files and readers.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Memory { data, position } => Some(&data[*position..]),
            _ => None,
        }
    }

    /// Whether sending this body again would send all of it: memory and files can be
    /// read again from their start, a reader only while nobody has started reading it. An
    /// event stream never: its events may come from a channel the caller keeps feeding.
    pub(crate) fn can_resend(&self) -> bool {
        if self.is_event_stream() {
            return false;
        }
        match &self.source {
            Source::Memory { .. } | Source::File(_) => true,
            Source::Once { slot, .. } => lock(slot).is_some(),
            Source::Taken { .. } => false,
        }
    }

    /// The in-memory bytes, without copying, when the body is in memory.
    #[cfg(feature = "default-client")]
    pub(crate) fn as_shared_bytes(&self) -> Option<Bytes> {
        match &self.source {
            Source::Memory { data, position } => Some(data.slice(*position..)),
            _ => None,
        }
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(self) -> io::Result<Vec<u8>> {
        self.collect_at_most(usize::MAX)
            .await?
            .ok_or_else(|| io::Error::other("the body does not fit in memory"))
    }

    /// Reads the rest of the body into memory, unless it is longer than `limit` bytes:
    /// then `None`, as soon as its announced length or the bytes read so far say so, so that
    /// a peer cannot make us hold more than `limit` (plus one chunk).
    pub(crate) async fn collect_at_most(mut self, limit: usize) -> io::Result<Option<Vec<u8>>> {
        let length = self.content_length();
        if length.is_some_and(|length| length > limit as u64) {
            return Ok(None);
        }
        if let Some(bytes) = self.bytes() {
            return Ok(Some(bytes.to_vec()));
        }
        let capacity = length.map_or(0, |length| length.min(CHUNK_SIZE as u64 * 16) as usize);
        let mut collected = Vec::with_capacity(capacity);
        // Most responses are small and say their length: a buffer of that size (and one byte
        // to see the end) spares zeroing 64 KiB per response.
        let buffer = length.map_or(CHUNK_SIZE, |length| {
            (length as usize).saturating_add(1).min(CHUNK_SIZE)
        });
        let mut chunk = vec![0; buffer];
        loop {
            let read = self.read_chunk(&mut chunk).await?;
            if read == 0 {
                return Ok(Some(collected));
            }
            if collected.len().saturating_add(read) > limit {
                return Ok(None);
            }
            collected.extend_from_slice(&chunk[..read]);
        }
    }

    /// Reads up to `buf.len()` bytes; 0 at the end.
    pub(crate) async fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| {
            let mut read_buf = ReadBuf::new(buf);
            ready!(Pin::new(&mut *self).poll_read(cx, &mut read_buf))?;
            Poll::Ready(Ok(read_buf.filled().len()))
        })
        .await
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        Self::new()
    }
}

fn lock<T>(slot: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The slots only ever hold or yield their value; a panic elsewhere leaves them consistent.
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

fn already_read() -> io::Error {
    io::Error::other(
        "this body is a stream that a clone of it (or an earlier attempt) has already read; \
         a stream can be read once",
    )
}

impl AsyncRead for ByteStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match &mut this.source {
                Source::Memory { data, position } => {
                    let n = buf.remaining().min(data.len() - *position);
                    buf.put_slice(&data[*position..*position + n]);
                    *position += n;
                    return Poll::Ready(Ok(()));
                }
                Source::File(file) => return file.poll_read(cx, buf),
                Source::Once { slot, length } => {
                    let Some(reader) = lock(slot).take() else {
                        return Poll::Ready(Err(already_read()));
                    };
                    this.source = Source::Taken {
                        reader,
                        slot: Arc::clone(slot),
                        length: *length,
                    };
                }
                Source::Taken { reader, length, .. } => {
                    let before = buf.filled().len();
                    ready!(reader.as_mut().poll_read(cx, buf))?;
                    if let Some(length) = length {
                        let read = (buf.filled().len() - before) as u64;
                        *length = length.saturating_sub(read);
                    }
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }
}

impl FileBody {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        loop {
            match &mut self.state {
                FileState::Closed => {
                    let path = PathBuf::from(&*self.path);
                    self.state = FileState::Opening(Box::pin(tokio::fs::File::open(path)));
                }
                FileState::Opening(opening) => {
                    let file = ready!(opening.as_mut().poll(cx)).map_err(|error| {
                        io::Error::new(error.kind(), format!("{}: {error}", self.path.display()))
                    })?;
                    self.state = FileState::Open {
                        file,
                        remaining: self.length,
                    };
                }
                FileState::Open { file, remaining } => {
                    if *remaining == 0 || buf.remaining() == 0 {
                        // The length announced: a file that grew since is cut, not overrun.
                        return Poll::Ready(Ok(()));
                    }
                    let before = buf.filled().len();
                    ready!(Pin::new(file).poll_read(cx, buf))?;
                    let read = (buf.filled().len() - before) as u64;
                    if read == 0 {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!(
                                "{} shrank while it was read: {remaining} of {} bytes missing",
                                self.path.display(),
                                self.length
                            ),
                        )));
                    }
                    let kept = read.min(*remaining);
                    buf.set_filled(before + kept as usize);
                    *remaining -= kept;
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }
}

impl Clone for ByteStream {
    /// Memory: the same bytes from the same position. A file: the file from its start. A
    /// reader: the same reader, shared (see the type's documentation).
    fn clone(&self) -> Self {
        let source = match &self.source {
            Source::Memory { data, position } => Source::Memory {
                data: data.clone(),
                position: *position,
            },
            Source::File(file) => Source::File(FileBody {
                path: Arc::clone(&file.path),
                length: file.length,
                state: FileState::Closed,
            }),
            Source::Once { slot, length } | Source::Taken { slot, length, .. } => Source::Once {
                slot: Arc::clone(slot),
                length: *length,
            },
        };
        Self {
            source,
            events: self.events.clone(),
        }
    }
}

impl PartialEq for ByteStream {
    /// Memory bodies are equal when their unread bytes are; files when they are the same
    /// path and length; readers when they share one reader (a clone).
    fn eq(&self, other: &Self) -> bool {
        match (&self.source, &other.source) {
            (Source::Memory { .. }, Source::Memory { .. }) => self.bytes() == other.bytes(),
            (Source::File(a), Source::File(b)) => a.path == b.path && a.length == b.length,
            (
                Source::Once { slot: a, .. } | Source::Taken { slot: a, .. },
                Source::Once { slot: b, .. } | Source::Taken { slot: b, .. },
            ) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for ByteStream {}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.source {
            _ if self.is_event_stream() => "event stream",
            Source::Memory { .. } => "memory",
            Source::File(_) => "file",
            Source::Once { .. } | Source::Taken { .. } => "stream",
        };
        match self.content_length() {
            Some(length) => write!(f, "ByteStream({kind}, {length} bytes)"),
            None => write!(f, "ByteStream({kind}, length unknown)"),
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(data: Bytes) -> Self {
        Self {
            source: Source::Memory { data, position: 0 },
            events: None,
        }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(data: Vec<u8>) -> Self {
        Self::from(Bytes::from(data))
    }
}

impl From<String> for ByteStream {
    fn from(data: String) -> Self {
        Self::from(Bytes::from(data))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(data: &'static [u8]) -> Self {
        Self::from(Bytes::from_static(data))
    }
}

impl From<&'static str> for ByteStream {
    fn from(data: &'static str) -> Self {
        Self::from(Bytes::from_static(data.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Polls `future` to completion on the current thread: the memory and reader bodies
    /// tested here never wait.
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    #[test]
    fn memory_bodies_read_whole_and_clones_are_independent() {
        let body = ByteStream::from("hello");
        assert_eq!(body.content_length(), Some(5));
        assert_eq!(body.bytes(), Some(&b"hello"[..]));
        let clone = body.clone();
        assert_eq!(block_on(body.collect()).unwrap(), b"hello");
        assert_eq!(block_on(clone.collect()).unwrap(), b"hello");
        assert!(ByteStream::new().bytes().unwrap().is_empty());
    }

    #[test]
    fn a_reader_is_read_once_and_its_clones_say_so() {
        let body = ByteStream::from_reader(&b"streamed"[..], 8);
        assert_eq!(body.bytes(), None);
        assert!(body.can_resend());
        let clone = body.clone();
        assert_eq!(clone, body);
        assert_eq!(block_on(body.collect()).unwrap(), b"streamed");
        assert!(!clone.can_resend());
        let error = block_on(clone.collect()).unwrap_err();
        assert!(error.to_string().contains("read once"), "{error}");
    }

    #[test]
    fn collecting_stops_past_the_limit_whether_announced_or_read() {
        let at_most = |body: ByteStream, limit| block_on(body.collect_at_most(limit)).unwrap();
        assert_eq!(
            at_most(ByteStream::from("hello"), 5).as_deref(),
            Some(&b"hello"[..])
        );
        assert_eq!(at_most(ByteStream::from("hello"), 4), None);
        assert_eq!(at_most(ByteStream::from_reader(&b"x"[..], 100), 99), None);
        // A peer that announces less than it sends is stopped by what it sent.
        assert_eq!(
            at_most(ByteStream::from_reader(&b"0123456789"[..], 3), 5),
            None
        );
    }

    #[test]
    fn the_length_of_a_reader_counts_down_as_it_is_read() {
        let mut body = ByteStream::from_reader(&b"0123456789"[..], 10);
        let mut buf = [0; 4];
        assert_eq!(block_on(body.read_chunk(&mut buf)).unwrap(), 4);
        assert_eq!(body.content_length(), Some(6));
        assert_eq!(format!("{body:?}"), "ByteStream(stream, 6 bytes)");
    }

    #[test]
    fn equality_is_by_content_for_memory_and_by_identity_for_streams() {
        assert_eq!(ByteStream::from("a"), ByteStream::from(b"a".to_vec()));
        assert_ne!(ByteStream::from("a"), ByteStream::from("b"));
        let a = ByteStream::from_reader(&b"a"[..], 1);
        let b = ByteStream::from_reader(&b"a"[..], 1);
        assert_ne!(a, b);
        assert_ne!(a, ByteStream::from("a"));
    }

    #[test]
    fn debug_never_shows_content() {
        let body = ByteStream::from("secret");
        assert_eq!(format!("{body:?}"), "ByteStream(memory, 6 bytes)");
    }

    #[test]
    fn files_are_read_from_their_start_by_every_clone() {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(files_are_read_from_their_start());
    }

    async fn files_are_read_from_their_start() {
        let dir = std::env::temp_dir().join(format!("leansdk-body-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("object.bin");
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let body = ByteStream::from_path(&path).await.unwrap();
        assert_eq!(body.content_length(), Some(content.len() as u64));
        assert_eq!(format!("{body:?}"), "ByteStream(file, 200000 bytes)");
        let clone = body.clone();
        assert!(body.can_resend());
        assert_eq!(body.collect().await.unwrap(), content);
        assert_eq!(clone.collect().await.unwrap(), content);

        // A file that shrinks after its length was taken fails, naming it.
        let shrinking = ByteStream::from_path(&path).await.unwrap();
        std::fs::write(&path, b"short").unwrap();
        let error = shrinking.collect().await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        assert!(error.to_string().contains("object.bin"), "{error}");

        let missing = ByteStream::from_path(dir.join("missing"))
            .await
            .unwrap_err();
        assert!(missing.to_string().contains("missing"), "{missing}");
        assert!(ByteStream::from_path(&dir).await.is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
