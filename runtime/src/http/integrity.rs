//! What an operation asks of its bodies' integrity, as generated code marks the request:
//! `aws.protocols#httpChecksum`, `smithy.api#httpChecksumRequired` and
//! `smithy.api#requestCompression`. The orchestrator acts on it with the configuration's
//! settings (`orchestrator/integrity.rs`).

/// The integrity traits of one operation, filled by
/// [`RequestBuilder`](crate::protocol::http_binding::RequestBuilder); empty for most.
#[doc(hidden)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyIntegrity {
    /// `aws.protocols#httpChecksum` with a request side: a request checksum may be sent.
    pub request_checksum: Option<RequestChecksum>,
    /// `smithy.api#httpChecksumRequired`: `Content-MD5`, unless a flexible checksum is sent.
    pub md5_required: bool,
    /// `aws.protocols#httpChecksum` with `responseAlgorithms`: the response may be validated.
    pub response_checksum: Option<ResponseChecksum>,
    /// `smithy.api#requestCompression` lists `gzip`.
    pub gzip: bool,
}

/// The request side of `aws.protocols#httpChecksum`.
#[doc(hidden)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestChecksum {
    /// What the caller set the `requestAlgorithmMember` to, e.g. `CRC32`.
    pub algorithm: Option<String>,
    /// The header the `requestAlgorithmMember` is bound to (S3:
    /// `x-amz-sdk-checksum-algorithm`), which names a checksum the SDK picks.
    pub algorithm_header: Option<&'static str>,
    /// `requestChecksumRequired`: sent whatever the configuration says.
    pub required: bool,
}

/// The response side of `aws.protocols#httpChecksum`.
#[doc(hidden)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseChecksum {
    /// The caller set the `requestValidationModeMember` to `ENABLED`.
    pub enabled: bool,
    /// The header the `requestValidationModeMember` is bound to (S3: `x-amz-checksum-mode`).
    pub mode_header: Option<&'static str>,
    /// `responseAlgorithms`, e.g. `["CRC64NVME", "CRC32", "CRC32C", "SHA256", "SHA1"]`.
    pub algorithms: &'static [&'static str],
}
