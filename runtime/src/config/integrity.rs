//! The data-integrity settings of the AWS SDKs and Tools reference: when request checksums
//! are computed and response checksums validated (`request_checksum_calculation`,
//! `response_checksum_validation`), and request compression (`disable_request_compression`,
//! `request_min_compression_size_bytes`).

use std::fmt;

/// When a request checksum is sent (`aws.protocols#httpChecksum`); `AWS_REQUEST_CHECKSUM_CALCULATION`
/// or the profile's `request_checksum_calculation`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestChecksumCalculation {
    /// For every operation that supports one (S3 `PutObject`: CRC32 unless the caller
    /// picks another algorithm). The default.
    #[default]
    WhenSupported,
    /// Only when the operation requires one (S3 `DeleteObjects`) or the caller picks an
    /// algorithm.
    WhenRequired,
}

/// When a response checksum is validated (`aws.protocols#httpChecksum`);
/// `AWS_RESPONSE_CHECKSUM_VALIDATION` or the profile's `response_checksum_validation`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResponseChecksumValidation {
    /// For every operation that supports it (S3 `GetObject`: the checksum mode is enabled
    /// for the caller). The default.
    #[default]
    WhenSupported,
    /// Only when the caller enables the operation's checksum mode.
    WhenRequired,
}

/// The largest `request_min_compression_size_bytes` the SDKs accept (10 MiB).
pub const MAX_MIN_COMPRESSION_SIZE_BYTES: u32 = 10_485_760;

/// The default `request_min_compression_size_bytes`: bodies from 10 KiB are compressed.
pub const DEFAULT_MIN_COMPRESSION_SIZE_BYTES: u32 = 10_240;

/// A `when_supported` / `when_required` setting, as the SDKs read it (any case).
pub(crate) fn parse_when(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("when_supported") {
        Some(true)
    } else if value.eq_ignore_ascii_case("when_required") {
        Some(false)
    } else {
        None
    }
}

impl RequestChecksumCalculation {
    pub(crate) fn from_when_supported(when_supported: bool) -> Self {
        if when_supported {
            Self::WhenSupported
        } else {
            Self::WhenRequired
        }
    }
}

impl ResponseChecksumValidation {
    pub(crate) fn from_when_supported(when_supported: bool) -> Self {
        if when_supported {
            Self::WhenSupported
        } else {
            Self::WhenRequired
        }
    }
}

impl fmt::Display for RequestChecksumCalculation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::WhenSupported => "when_supported",
            Self::WhenRequired => "when_required",
        })
    }
}

impl fmt::Display for ResponseChecksumValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::WhenSupported => "when_supported",
            Self::WhenRequired => "when_required",
        })
    }
}
