//! What the orchestrator does with an operation's integrity traits (see
//! [`BodyIntegrity`](crate::http::BodyIntegrity)) and the configuration's settings, in the
//! SDKs' order: once before the first attempt, compress the body, then add its checksum (a
//! header for bodies in memory, an `aws-chunked` trailer for files and readers, encoded per
//! attempt); then each attempt is signed. A successful response of an operation that
//! supports it has its checksum validated: a whole body before parsing, a streamed body as
//! it is read.

use crate::config::Config;
use crate::config::integrity::MAX_MIN_COMPRESSION_SIZE_BYTES;
use crate::error::BuildError;
use crate::http::HttpRequest;

#[cfg(feature = "checksums")]
use crate::checksum::{ChecksumAlgorithm, aws_chunked};

/// The checksum a streamed request body carries as its trailer.
#[cfg(feature = "checksums")]
pub(super) type Trailer = ChecksumAlgorithm;
/// Without the `checksums` feature no body carries a trailer.
#[cfg(not(feature = "checksums"))]
pub(super) type Trailer = std::convert::Infallible;

/// Compresses and checksums `request` once, before the first attempt; returns the trailer
/// that each attempt's body must be encoded with, if the body is not in memory.
pub(super) fn prepare(
    request: &mut HttpRequest,
    config: &Config,
) -> Result<Option<Trailer>, BuildError> {
    compress(request, config)?;
    checksum(request, config)
}

/// `smithy.api#requestCompression`: a body in memory of at least the configured size is
/// gzipped, `gzip` appended to its `Content-Encoding`. Streams are sent as they are.
fn compress(request: &mut HttpRequest, config: &Config) -> Result<(), BuildError> {
    if !request.integrity.gzip || config.disable_request_compression() {
        return Ok(());
    }
    let min_size = config.request_min_compression_size_bytes();
    if min_size > MAX_MIN_COMPRESSION_SIZE_BYTES {
        return Err(BuildError::Config {
            reason: format!(
                "request_min_compression_size_bytes is {min_size}: it must be from 0 to \
                 {MAX_MIN_COMPRESSION_SIZE_BYTES}"
            ),
        });
    }
    let Some(body) = request.body.bytes() else {
        return Ok(());
    };
    if (body.len() as u64) < u64::from(min_size) {
        return Ok(());
    }
    #[cfg(feature = "compression")]
    {
        let compressed = crate::compression::gzip(body).map_err(|e| BuildError::Config {
            reason: format!("gzipping the request body: {e}"),
        })?;
        let encoding = match request.headers.get("content-encoding") {
            Some(given) if !given.trim().is_empty() => format!("{given}, gzip"),
            _ => "gzip".to_owned(),
        };
        request.headers.insert("Content-Encoding", encoding);
        request
            .headers
            .insert("Content-Length", compressed.len().to_string());
        request.body = compressed.into();
    }
    // Without the feature the body goes uncompressed, which services accept as well.
    Ok(())
}

/// Whether the caller already gave a checksum header (S3's `ChecksumCRC32` members and
/// the like): then the SDK computes none.
#[cfg(feature = "checksums")]
fn has_checksum_header(request: &HttpRequest) -> bool {
    crate::checksum::VALIDATION_PRIORITY
        .iter()
        .any(|algorithm| request.headers.contains(algorithm.header_name()))
}

/// `aws.protocols#httpChecksum` and `smithy.api#httpChecksumRequired` on the request.
#[cfg(feature = "checksums")]
fn checksum(request: &mut HttpRequest, config: &Config) -> Result<Option<Trailer>, BuildError> {
    use crate::config::integrity::{RequestChecksumCalculation, ResponseChecksumValidation};
    let integrity = request.integrity.clone();
    if let Some(response) = &integrity.response_checksum
        && let Some(header) = response.mode_header
        && config.response_checksum_validation() == ResponseChecksumValidation::WhenSupported
        && !request.headers.contains(header)
    {
        // Asks the service for the checksums this client will validate.
        request.headers.insert(header, "ENABLED");
    }
    if has_checksum_header(request) {
        return Ok(None);
    }
    let algorithm = match &integrity.request_checksum {
        Some(checksum) => match &checksum.algorithm {
            Some(name) => Some(ChecksumAlgorithm::from_name(name).ok_or_else(|| {
                BuildError::invalid(
                    "ChecksumAlgorithm",
                    format!(
                        "`{name}` is not a checksum algorithm this SDK computes (CRC32, \
                         CRC32C, CRC64NVME, SHA1, SHA256)"
                    ),
                )
            })?),
            None if checksum.required
                || config.request_checksum_calculation()
                    == RequestChecksumCalculation::WhenSupported =>
            {
                if let Some(header) = checksum.algorithm_header {
                    request
                        .headers
                        .insert(header, ChecksumAlgorithm::Crc32.name());
                }
                Some(ChecksumAlgorithm::Crc32)
            }
            None => None,
        },
        None => None,
    };
    if let Some(body) = request.body.bytes() {
        match algorithm {
            Some(algorithm) => {
                let value = algorithm.checksum(body);
                request.headers.insert(algorithm.header_name(), value);
            }
            None if integrity.md5_required && !request.headers.contains("content-md5") => {
                let value = crate::checksum::content_md5(body);
                request.headers.insert("Content-MD5", value);
            }
            None => {}
        }
        return Ok(None);
    }
    // A stream: its checksum follows it (MD5 cannot, so a required one becomes CRC32).
    let Some(algorithm) = algorithm.or(integrity.md5_required.then_some(ChecksumAlgorithm::Crc32))
    else {
        return Ok(None);
    };
    let length = request.body.content_length().ok_or_else(|| {
        BuildError::invalid(
            "body",
            "a streamed body needs a known length to carry a checksum",
        )
    })?;
    let headers = &mut request.headers;
    let encoding = match headers.get("content-encoding") {
        Some(given) if !given.trim().is_empty() => format!("aws-chunked, {given}"),
        _ => "aws-chunked".to_owned(),
    };
    headers.insert("Content-Encoding", encoding);
    headers.insert("x-amz-decoded-content-length", length.to_string());
    headers.insert("x-amz-trailer", algorithm.header_name());
    headers.insert(
        "x-amz-content-sha256",
        aws_chunked::STREAMING_UNSIGNED_PAYLOAD_TRAILER,
    );
    headers.insert(
        "Content-Length",
        aws_chunked::encoded_length(length, algorithm).to_string(),
    );
    Ok(Some(algorithm))
}

/// Without the `checksums` feature: optional checksums are left out, required ones fail.
#[cfg(not(feature = "checksums"))]
fn checksum(request: &mut HttpRequest, _: &Config) -> Result<Option<Trailer>, BuildError> {
    let integrity = &request.integrity;
    let required = integrity.md5_required
        || integrity
            .request_checksum
            .as_ref()
            .is_some_and(|checksum| checksum.required || checksum.algorithm.is_some());
    if required {
        return Err(BuildError::Config {
            reason: "this operation sends a request checksum: build leansdk-runtime with its \
                     `checksums` feature"
                .to_owned(),
        });
    }
    Ok(None)
}

/// Encodes this attempt's body (a fresh clone of the request's) with its trailer.
pub(super) fn encode_trailer(request: &mut HttpRequest, trailer: Option<Trailer>) {
    #[cfg(feature = "checksums")]
    if let Some(algorithm) = trailer {
        let length = request.body.content_length().unwrap_or_default();
        let body = std::mem::take(&mut request.body);
        request.body = aws_chunked::encode(body, length, algorithm);
    }
    #[cfg(not(feature = "checksums"))]
    let _ = (request, trailer);
}

/// The algorithms a successful response is validated with: those the operation lists, when
/// the caller enabled its checksum mode or the configuration validates whenever supported.
pub(super) fn response_algorithms(
    request: &HttpRequest,
    config: &Config,
) -> Option<&'static [&'static str]> {
    use crate::config::integrity::ResponseChecksumValidation;
    let checksum = request.integrity.response_checksum.as_ref()?;
    let enabled = checksum.enabled
        || config.response_checksum_validation() == ResponseChecksumValidation::WhenSupported;
    (enabled && cfg!(feature = "checksums")).then_some(checksum.algorithms)
}

/// Validates a successful response: a whole body now, a streamed one as it is read. Only
/// one checksum is checked, the first of the priority order the response carries;
/// composite checksums of multipart objects (`<base64>-<parts>`) are not, as in the SDKs.
pub(super) fn validate(
    received: super::Received,
    algorithms: Option<&'static [&'static str]>,
) -> Result<super::Received, crate::error::ResponseError> {
    #[cfg(feature = "checksums")]
    if let Some(algorithms) = algorithms {
        use super::Received;
        let headers = match &received {
            Received::Whole(response) | Received::Streamed(response, _) => &response.headers,
        };
        let expected = crate::checksum::VALIDATION_PRIORITY
            .into_iter()
            .filter(|algorithm| algorithms.contains(&algorithm.name()))
            .find_map(|algorithm| Some((algorithm, headers.get(algorithm.header_name())?)))
            .filter(|(_, value)| !value.contains('-'))
            .map(|(algorithm, value)| (algorithm, value.to_owned()));
        if let Some((algorithm, expected)) = expected {
            return match received {
                Received::Whole(response) => {
                    match crate::checksum::check(algorithm, &expected, &response.body) {
                        Ok(()) => Ok(Received::Whole(response)),
                        Err(mismatch) => Err(crate::error::ResponseError::new(
                            &response,
                            mismatch.to_string(),
                        )),
                    }
                }
                Received::Streamed(head, body) => Ok(Received::Streamed(
                    head,
                    crate::checksum::validating(body, algorithm, expected),
                )),
            };
        }
    }
    #[cfg(not(feature = "checksums"))]
    let _ = algorithms;
    Ok(received)
}

#[cfg(all(test, feature = "checksums"))]
mod tests {
    use super::super::Received;
    use super::*;
    use crate::http::{Headers, HttpResponse};

    const ALGORITHMS: &[&str] = &["CRC32", "SHA256"];

    fn whole(headers: &[(&str, &str)], body: &[u8]) -> Received {
        let mut map = Headers::new();
        for (name, value) in headers {
            map.insert(*name, *value);
        }
        Received::Whole(HttpResponse {
            status: 200,
            headers: map,
            body: body.to_vec(),
        })
    }

    #[test]
    fn a_whole_response_is_validated_before_parsing() {
        let good = whole(&[("x-amz-checksum-crc32", "i9aeUg==")], b"Hello world");
        assert!(validate(good, Some(ALGORITHMS)).is_ok());
        let bad = whole(&[("x-amz-checksum-crc32", "i9aeUg==")], b"Hello World");
        let Err(error) = validate(bad, Some(ALGORITHMS)) else {
            panic!("a corrupted body passed");
        };
        let reason = error.to_string();
        assert!(
            reason.contains("CRC32") && reason.contains("i9aeUg=="),
            "{reason}"
        );
    }

    #[test]
    fn only_listed_algorithms_are_validated_and_none_without_a_request_for_it() {
        // CRC32C is not among the operation's response algorithms.
        let unlisted = whole(&[("x-amz-checksum-crc32c", "AAAAAA==")], b"Hello world");
        assert!(validate(unlisted, Some(ALGORITHMS)).is_ok());
        let not_asked = whole(&[("x-amz-checksum-crc32", "AAAAAA==")], b"Hello world");
        assert!(validate(not_asked, None).is_ok());
    }

    #[test]
    fn compression_needs_the_body_in_memory_and_the_threshold() {
        let config = Config::builder()
            .request_min_compression_size_bytes(4)
            .build();
        let mut request = HttpRequest {
            body: b"abc".to_vec().into(),
            integrity: crate::http::BodyIntegrity {
                gzip: true,
                ..Default::default()
            },
            ..HttpRequest::default()
        };
        compress(&mut request, &config).unwrap();
        assert_eq!(request.body.bytes(), Some(&b"abc"[..]));
        request.body = b"abcd".to_vec().into();
        request.headers.insert("Content-Encoding", "custom");
        compress(&mut request, &config).unwrap();
        #[cfg(feature = "compression")]
        assert_eq!(
            request.headers.get("content-encoding"),
            Some("custom, gzip")
        );
    }

    #[test]
    fn an_unknown_algorithm_is_a_build_error_naming_the_member() {
        let mut request = HttpRequest {
            body: b"x".to_vec().into(),
            integrity: crate::http::BodyIntegrity {
                request_checksum: Some(crate::http::RequestChecksum {
                    algorithm: Some("MD4".to_owned()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..HttpRequest::default()
        };
        let error = prepare(&mut request, &Config::builder().build()).unwrap_err();
        assert!(
            matches!(error, BuildError::InvalidMember { ref member, .. } if member == "ChecksumAlgorithm")
        );
    }

    #[test]
    fn a_required_md5_is_sent_when_no_flexible_checksum_is() {
        let mut request = HttpRequest {
            body: b"Hello world".to_vec().into(),
            integrity: crate::http::BodyIntegrity {
                md5_required: true,
                ..Default::default()
            },
            ..HttpRequest::default()
        };
        assert!(
            prepare(&mut request, &Config::builder().build())
                .unwrap()
                .is_none()
        );
        assert_eq!(
            request.headers.get("content-md5"),
            Some("PiWWCnnbxptnTNTsZ6csYg==")
        );
    }
}
