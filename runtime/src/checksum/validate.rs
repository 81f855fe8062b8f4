//! A streamed response body validated as it is read: its last read fails with a
//! [`ChecksumMismatch`] inside an `io::Error` when the bytes are not what the service sent.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, ReadBuf};

use super::{ChecksumAlgorithm, Hasher, compare};
use crate::http::ByteStream;

/// `body`, whose `algorithm` checksum must be `expected` once all of it is read.
pub(crate) fn validating(
    body: ByteStream,
    algorithm: ChecksumAlgorithm,
    expected: String,
) -> ByteStream {
    let length = body.content_length();
    ByteStream::once(
        Box::pin(Validating {
            body,
            algorithm,
            hasher: Some(Hasher::new(algorithm)),
            expected,
        }),
        length,
    )
}

struct Validating {
    body: ByteStream,
    algorithm: ChecksumAlgorithm,
    /// `None` once the end was seen and checked.
    hasher: Option<Hasher>,
    expected: String,
}

impl AsyncRead for Validating {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.body).poll_read(cx, buf))?;
        let read = &buf.filled()[before..];
        if !read.is_empty() {
            if let Some(hasher) = &mut this.hasher {
                hasher.update(read);
            }
            return Poll::Ready(Ok(()));
        }
        // The end (or a caller's empty buffer, which cannot be told apart from it).
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        if let Some(hasher) = this.hasher.take() {
            compare(this.algorithm, &this.expected, hasher.finish())
                .map_err(|mismatch| io::Error::new(io::ErrorKind::InvalidData, mismatch))?;
        }
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::ChecksumMismatch;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    #[test]
    fn a_matching_body_reads_whole() {
        let body = validating(
            ByteStream::from(b"Hello world".to_vec()),
            ChecksumAlgorithm::Crc32,
            "i9aeUg==".to_owned(),
        );
        assert_eq!(block_on(body.collect()).unwrap(), b"Hello world");
    }

    #[test]
    fn a_corrupted_body_fails_at_its_end_naming_the_mismatch() {
        let body = validating(
            ByteStream::from(b"Hello world".to_vec()),
            ChecksumAlgorithm::Crc32,
            "AAAAAA==".to_owned(),
        );
        let error = block_on(body.collect()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        let mismatch = error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ChecksumMismatch>())
            .expect("a ChecksumMismatch inside");
        assert_eq!(mismatch.expected(), "AAAAAA==");
        assert_eq!(mismatch.computed(), "i9aeUg==");
    }
}
