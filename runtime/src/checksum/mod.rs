//! Body checksums (feature `checksums`): the algorithms of `aws.protocols#httpChecksum`
//! (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256) as `x-amz-checksum-*` values, the `Content-MD5`
//! of `smithy.api#httpChecksumRequired`, the `aws-chunked` body that carries a checksum as a
//! trailer (`aws_chunked`), and the reader that validates a streamed response as it is read
//! ([`ChecksumMismatch`] is its error).

pub(crate) mod aws_chunked;
mod validate;

use std::fmt;

use crate::protocol::base64;

pub(crate) use validate::validating;

/// A checksum algorithm of `aws.protocols#httpChecksum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChecksumAlgorithm {
    /// CRC-32 (ISO-HDLC, as zlib's `crc32`).
    Crc32,
    /// CRC-32C (Castagnoli, iSCSI).
    Crc32c,
    /// CRC-64/NVME.
    Crc64Nvme,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

/// The order a response's checksums are validated in when it carries several: the fastest
/// first, as only one is checked.
pub(crate) const VALIDATION_PRIORITY: [ChecksumAlgorithm; 5] = [
    ChecksumAlgorithm::Crc64Nvme,
    ChecksumAlgorithm::Crc32c,
    ChecksumAlgorithm::Crc32,
    ChecksumAlgorithm::Sha1,
    ChecksumAlgorithm::Sha256,
];

impl ChecksumAlgorithm {
    /// The algorithm a model's enum value names (`CRC32`, `CRC32C`, `CRC64NVME`, `SHA1`,
    /// `SHA256`, in any case); `None` for any other.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Crc32,
            Self::Crc32c,
            Self::Crc64Nvme,
            Self::Sha1,
            Self::Sha256,
        ]
        .into_iter()
        .find(|algorithm| algorithm.name().eq_ignore_ascii_case(name))
    }

    /// The model's name, e.g. `CRC32C`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Crc32 => "CRC32",
            Self::Crc32c => "CRC32C",
            Self::Crc64Nvme => "CRC64NVME",
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
        }
    }

    /// The header (or trailer) that carries it, e.g. `x-amz-checksum-crc32c`.
    pub fn header_name(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The base64 checksum of `data`.
    pub fn checksum(self, data: &[u8]) -> String {
        let mut hasher = Hasher::new(self);
        hasher.update(data);
        hasher.finish()
    }
}

impl fmt::Display for ChecksumAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

static CRC32C: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISCSI);
static CRC64NVME: crc::Crc<u64, crc::Table<16>> =
    crc::Crc::<u64, crc::Table<16>>::new(&crc::CRC_64_NVME);

/// One running checksum.
#[derive(Clone)]
pub(crate) enum Hasher {
    Crc32(crc32fast::Hasher),
    Crc32c(crc::Digest<'static, u32, crc::Table<16>>),
    Crc64Nvme(crc::Digest<'static, u64, crc::Table<16>>),
    Sha1(crate::sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl Hasher {
    pub(crate) fn new(algorithm: ChecksumAlgorithm) -> Self {
        use sha2::Digest;
        match algorithm {
            ChecksumAlgorithm::Crc32 => Self::Crc32(crc32fast::Hasher::new()),
            ChecksumAlgorithm::Crc32c => Self::Crc32c(CRC32C.digest()),
            ChecksumAlgorithm::Crc64Nvme => Self::Crc64Nvme(CRC64NVME.digest()),
            ChecksumAlgorithm::Sha1 => Self::Sha1(crate::sha1::Sha1::new()),
            ChecksumAlgorithm::Sha256 => Self::Sha256(sha2::Sha256::new()),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        use sha2::Digest;
        match self {
            Self::Crc32(hasher) => hasher.update(data),
            Self::Crc32c(digest) => digest.update(data),
            Self::Crc64Nvme(digest) => digest.update(data),
            Self::Sha1(sha1) => sha1.update(data),
            Self::Sha256(sha256) => sha256.update(data),
        }
    }

    /// The checksum, base64 of its big-endian bytes, as the headers carry it.
    pub(crate) fn finish(self) -> String {
        use sha2::Digest;
        match self {
            Self::Crc32(hasher) => base64::encode(&hasher.finalize().to_be_bytes()),
            Self::Crc32c(digest) => base64::encode(&digest.finalize().to_be_bytes()),
            Self::Crc64Nvme(digest) => base64::encode(&digest.finalize().to_be_bytes()),
            Self::Sha1(sha1) => base64::encode(&sha1.finalize()),
            Self::Sha256(sha256) => base64::encode(&sha256.finalize()),
        }
    }
}

/// The `Content-MD5` value of `data`: base64 of its MD5.
pub(crate) fn content_md5(data: &[u8]) -> String {
    use md5::Digest;
    base64::encode(&md5::Md5::digest(data))
}

/// A response body's checksum is not the one the service sent: the error inside the
/// `io::Error` that reading a validated body fails with at its end (and the reason of the
/// [`ResponseError`](crate::error::ResponseError) of a whole response).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecksumMismatch {
    algorithm: ChecksumAlgorithm,
    expected: String,
    computed: String,
}

impl ChecksumMismatch {
    /// The algorithm validated.
    pub fn algorithm(&self) -> ChecksumAlgorithm {
        self.algorithm
    }

    /// The checksum the service sent (base64).
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// The checksum of the bytes received (base64).
    pub fn computed(&self) -> &str {
        &self.computed
    }
}

impl fmt::Display for ChecksumMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body's {} checksum is {}, but the service sent {}: the body was \
             corrupted on the way",
            self.algorithm, self.computed, self.expected
        )
    }
}

impl std::error::Error for ChecksumMismatch {}

/// `Err` when `data`'s checksum is not `expected`.
pub(crate) fn check(
    algorithm: ChecksumAlgorithm,
    expected: &str,
    data: &[u8],
) -> Result<(), ChecksumMismatch> {
    compare(algorithm, expected, algorithm.checksum(data))
}

fn compare(
    algorithm: ChecksumAlgorithm,
    expected: &str,
    computed: String,
) -> Result<(), ChecksumMismatch> {
    if computed == expected.trim() {
        Ok(())
    } else {
        Err(ChecksumMismatch {
            algorithm,
            expected: expected.trim().to_owned(),
            computed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_any_case() {
        for algorithm in VALIDATION_PRIORITY {
            assert_eq!(
                ChecksumAlgorithm::from_name(algorithm.name()),
                Some(algorithm)
            );
            let lower = algorithm.name().to_ascii_lowercase();
            assert_eq!(ChecksumAlgorithm::from_name(&lower), Some(algorithm));
            assert!(algorithm.header_name().ends_with(&lower));
        }
        assert_eq!(ChecksumAlgorithm::from_name("MD5"), None);
    }

    #[test]
    fn known_vectors() {
        // Python over b"Hello world": zlib.crc32, hashlib; CRC32C and CRC64NVME by a bitwise
        // reference (reflected polys 0x82F63B78, 0x9A6C9329AC4BC9B5; check values match).
        let data = b"Hello world";
        assert_eq!(ChecksumAlgorithm::Crc32.checksum(data), "i9aeUg==");
        assert_eq!(ChecksumAlgorithm::Crc32c.checksum(data), "crUfeA==");
        assert_eq!(ChecksumAlgorithm::Crc64Nvme.checksum(data), "OOJZ0D8xKts=");
        assert_eq!(
            ChecksumAlgorithm::Sha1.checksum(data),
            "e1AsOh9IyGCa4hLN+2Od7jlnP14="
        );
        assert_eq!(
            ChecksumAlgorithm::Sha256.checksum(data),
            "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="
        );
        assert_eq!(content_md5(data), "PiWWCnnbxptnTNTsZ6csYg==");
    }

    #[test]
    fn a_mismatch_names_algorithm_and_both_values() {
        let error = check(ChecksumAlgorithm::Crc32, "AAAAAA==", b"Hello world").unwrap_err();
        assert_eq!(error.algorithm(), ChecksumAlgorithm::Crc32);
        assert_eq!(error.expected(), "AAAAAA==");
        assert_eq!(error.computed(), "i9aeUg==");
        let text = error.to_string();
        assert!(text.contains("CRC32") && text.contains("AAAAAA==") && text.contains("i9aeUg=="));
        assert!(check(ChecksumAlgorithm::Crc32, "i9aeUg==", b"Hello world").is_ok());
    }
}
