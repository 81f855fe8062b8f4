//! The `aws-chunked` content encoding with the checksum as a trailer, for request bodies that
//! are not in memory (files, readers): the checksum is computed as the body is sent, and
//! follows it. Chunks are 64 KiB (the last one shorter), so that the encoded length, which
//! is the `Content-Length`, is known before sending:
//!
//! ```text
//! 10000\r\n<65536 bytes>\r\n ... <hex length>\r\n<rest>\r\n0\r\nx-amz-checksum-crc32:<base64>\r\n\r\n
//! ```
//!
//! The payload is sent unsigned (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`) over `http://` and
//! `https://` alike, as aws-sdk-rust does (its request checksum interceptor);
//! moto takes it (`cargo xtask e2e`).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, ReadBuf};

use super::{ChecksumAlgorithm, Hasher};
use crate::http::ByteStream;

/// The `x-amz-content-sha256` of such a request.
pub(crate) const STREAMING_UNSIGNED_PAYLOAD_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// The data bytes of every chunk but the last.
const CHUNK: u64 = 64 * 1024;

/// The length of one chunk's frame around `data` bytes: hex length, CRLF, data, CRLF.
fn framed(data: u64) -> u64 {
    format!("{data:x}").len() as u64 + 2 + data + 2
}

/// The encoded length of a body of `length` bytes whose trailer is `algorithm`'s.
pub(crate) fn encoded_length(length: u64, algorithm: ChecksumAlgorithm) -> u64 {
    let full = length / CHUNK;
    let rest = length % CHUNK;
    let chunks = full * framed(CHUNK) + if rest > 0 { framed(rest) } else { 0 };
    let value = algorithm.checksum(b"").len() as u64;
    // `0\r\n`, `name:value\r\n`, `\r\n`.
    chunks + 3 + algorithm.header_name().len() as u64 + 1 + value + 2 + 2
}

/// `body` (of `length` bytes) encoded as `aws-chunked` with `algorithm`'s trailer.
pub(crate) fn encode(body: ByteStream, length: u64, algorithm: ChecksumAlgorithm) -> ByteStream {
    let encoder = Encoder {
        body,
        algorithm,
        hasher: Some(Hasher::new(algorithm)),
        expected: length,
        read: 0,
        chunk: Vec::with_capacity(CHUNK.min(length) as usize),
        out: Vec::new(),
        position: 0,
        done: false,
    };
    ByteStream::once(Box::pin(encoder), Some(encoded_length(length, algorithm)))
}

struct Encoder {
    body: ByteStream,
    algorithm: ChecksumAlgorithm,
    /// `None` once the trailer is written.
    hasher: Option<Hasher>,
    /// The body's announced length, and the bytes read of it.
    expected: u64,
    read: u64,
    /// The data of the chunk being filled.
    chunk: Vec<u8>,
    /// Encoded bytes not yet handed out, from `position`.
    out: Vec<u8>,
    position: usize,
    done: bool,
}

impl Encoder {
    /// Reads the body until a whole chunk (or its end) is in `chunk`; `Ok(true)` at its end.
    fn fill_chunk(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<bool>> {
        let mut buffer = [0u8; 16 * 1024];
        while (self.chunk.len() as u64) < CHUNK {
            let want = (CHUNK as usize - self.chunk.len()).min(buffer.len());
            let mut read_buf = ReadBuf::new(&mut buffer[..want]);
            ready!(Pin::new(&mut self.body).poll_read(cx, &mut read_buf))?;
            let filled = read_buf.filled();
            if filled.is_empty() {
                return Poll::Ready(Ok(true));
            }
            self.read += filled.len() as u64;
            if self.read > self.expected {
                return Poll::Ready(Err(length_error(self.expected, "longer")));
            }
            self.chunk.extend_from_slice(filled);
        }
        Poll::Ready(Ok(false))
    }

    /// Frames `chunk` into `out` (and, at the end, the last chunk and the trailer).
    fn frame(&mut self, end: bool) -> io::Result<()> {
        self.out.clear();
        self.position = 0;
        if !self.chunk.is_empty() {
            if let Some(hasher) = &mut self.hasher {
                hasher.update(&self.chunk);
            }
            self.out
                .extend_from_slice(format!("{:x}\r\n", self.chunk.len()).as_bytes());
            self.out.extend_from_slice(&self.chunk);
            self.out.extend_from_slice(b"\r\n");
            self.chunk.clear();
        }
        if end {
            if self.read != self.expected {
                return Err(length_error(self.expected, "shorter"));
            }
            let checksum = self.hasher.take().map(Hasher::finish).unwrap_or_default();
            let trailer = format!("0\r\n{}:{checksum}\r\n\r\n", self.algorithm.header_name());
            self.out.extend_from_slice(trailer.as_bytes());
            self.done = true;
        }
        Ok(())
    }
}

fn length_error(expected: u64, how: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the request body is {how} than the {expected} bytes it announced"),
    )
}

impl AsyncRead for Encoder {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.position < this.out.len() {
                let n = buf.remaining().min(this.out.len() - this.position);
                buf.put_slice(&this.out[this.position..this.position + n]);
                this.position += n;
                return Poll::Ready(Ok(()));
            }
            if this.done {
                return Poll::Ready(Ok(()));
            }
            let end = ready!(this.fill_chunk(cx))?;
            this.frame(end)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    fn encoded(data: Vec<u8>, algorithm: ChecksumAlgorithm) -> Vec<u8> {
        let length = data.len() as u64;
        let reader = std::io::Cursor::new(data);
        let body = encode(ByteStream::from_reader(reader, length), length, algorithm);
        let announced = body.content_length();
        let bytes = block_on(body.collect()).unwrap();
        assert_eq!(announced, Some(bytes.len() as u64), "announced length");
        bytes
    }

    #[test]
    fn a_small_body_is_one_chunk_and_the_trailer() {
        let bytes = encoded(b"Hello world".to_vec(), ChecksumAlgorithm::Crc32);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "b\r\nHello world\r\n0\r\nx-amz-checksum-crc32:i9aeUg==\r\n\r\n"
        );
    }

    #[test]
    fn large_bodies_are_cut_in_64_kib_chunks() {
        let data: Vec<u8> = (0..CHUNK * 2 + 5).map(|i| (i % 251) as u8).collect();
        let checksum = ChecksumAlgorithm::Sha256.checksum(&data);
        let bytes = encoded(data.clone(), ChecksumAlgorithm::Sha256);
        let mut expected = Vec::new();
        for chunk in data.chunks(CHUNK as usize) {
            expected.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            expected.extend_from_slice(chunk);
            expected.extend_from_slice(b"\r\n");
        }
        expected
            .extend_from_slice(format!("0\r\nx-amz-checksum-sha256:{checksum}\r\n\r\n").as_bytes());
        assert_eq!(bytes, expected);
    }

    #[test]
    fn an_empty_body_is_the_last_chunk_and_the_trailer() {
        let bytes = encoded(Vec::new(), ChecksumAlgorithm::Crc32c);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "0\r\nx-amz-checksum-crc32c:AAAAAA==\r\n\r\n"
        );
    }

    #[test]
    fn a_reader_shorter_than_announced_fails() {
        let reader = std::io::Cursor::new(b"short".to_vec());
        let body = encode(
            ByteStream::from_reader(reader, 10),
            10,
            ChecksumAlgorithm::Crc32,
        );
        let error = block_on(body.collect()).unwrap_err();
        assert!(error.to_string().contains("shorter"), "{error}");
    }
}
