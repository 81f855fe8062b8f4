//! The service's wire protocol, read from its `aws.protocols#*` (and `smithy.protocols#*`)
//! traits: which one a service listing several gets, and a clear error for the ones not built.

use crate::error::Error;
use crate::model::{Shape, TimestampFormat};

/// The protocol a generated crate speaks. Adding one is a variant here, an arm in
/// [`select`], and its emitter in `codegen/src/protocol/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `aws.protocols#restJson1`: HTTP bindings with JSON bodies.
    RestJson1,
    /// `aws.protocols#awsJson1_0` and `aws.protocols#awsJson1_1`: `POST /` with
    /// `X-Amz-Target`, the whole input as JSON.
    AwsJson {
        version: AwsJsonVersion,
        /// `aws.protocols#awsQueryCompatible`: errors also carry their awsQuery code.
        query_compatible: bool,
    },
    /// `aws.protocols#restXml`: HTTP bindings with XML bodies.
    RestXml {
        /// `noErrorWrapping` (S3): errors are a bare `<Error>`, not `<ErrorResponse><Error>`.
        no_error_wrapping: bool,
    },
    /// `aws.protocols#awsQuery`: form-encoded `POST /` requests, XML responses.
    AwsQuery,
    /// `aws.protocols#ec2Query`: awsQuery with EC2's naming and flattened lists.
    Ec2Query,
}

/// The two awsJson versions differ in their `Content-Type` only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwsJsonVersion {
    V1_0,
    V1_1,
}

impl AwsJsonVersion {
    pub fn content_type(self) -> &'static str {
        match self {
            AwsJsonVersion::V1_0 => "application/x-amz-json-1.0",
            AwsJsonVersion::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

impl Protocol {
    /// Whether the HTTP binding traits (`smithy.api#http`, `smithy.api#httpLabel`,
    /// `smithy.api#httpHeader`...) place members; RPC protocols ignore them.
    pub fn has_http_bindings(self) -> bool {
        matches!(self, Protocol::RestJson1 | Protocol::RestXml { .. })
    }

    /// Whether bodies are XML (requests too, for restXml; responses only, for the query
    /// protocols).
    pub fn is_xml(self) -> bool {
        matches!(
            self,
            Protocol::RestXml { .. } | Protocol::AwsQuery | Protocol::Ec2Query
        )
    }

    /// Whether `smithy.api#jsonName` renames members in bodies (restJson1 only).
    pub fn honours_json_name(self) -> bool {
        matches!(self, Protocol::RestJson1)
    }

    /// How a timestamp without `smithy.api#timestampFormat` is written in a body.
    pub fn body_timestamp_format(self) -> TimestampFormat {
        if self.is_xml() {
            TimestampFormat::DateTime
        } else {
            TimestampFormat::EpochSeconds
        }
    }

    /// Whether an error's awsQuery code (`aws.protocols#awsQueryError`) is the one callers
    /// match on.
    pub fn uses_query_error_codes(self) -> bool {
        matches!(
            self,
            Protocol::AwsJson {
                query_compatible: true,
                ..
            } | Protocol::AwsQuery
        )
    }
}

/// Every protocol trait of AWS models, in the order the AWS SDKs prefer them when a service
/// lists several (Smithy's wire protocol selection guidance, which aws-sdk-rust and
/// botocore follow), with what this generator makes of it.
const PROTOCOLS: &[(&str, Option<Protocol>)] = &[
    ("smithy.protocols#rpcv2Cbor", None),
    (
        "aws.protocols#awsJson1_0",
        Some(Protocol::AwsJson {
            version: AwsJsonVersion::V1_0,
            query_compatible: false,
        }),
    ),
    (
        "aws.protocols#awsJson1_1",
        Some(Protocol::AwsJson {
            version: AwsJsonVersion::V1_1,
            query_compatible: false,
        }),
    ),
    ("aws.protocols#restJson1", Some(Protocol::RestJson1)),
    (
        "aws.protocols#restXml",
        Some(Protocol::RestXml {
            no_error_wrapping: false,
        }),
    ),
    ("aws.protocols#awsQuery", Some(Protocol::AwsQuery)),
    ("aws.protocols#ec2Query", Some(Protocol::Ec2Query)),
];

const QUERY_COMPATIBLE: &str = "aws.protocols#awsQueryCompatible";

/// The first protocol of the service, in the SDKs' order, that this generator builds. A
/// service whose protocols are all unbuilt (or that has none) is an error naming them:
/// a client that speaks the wrong protocol would compile and fail on every call.
pub(super) fn select(service: &Shape) -> Result<Protocol, Error> {
    let listed: Vec<&str> = PROTOCOLS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| service.traits.has(id))
        .collect();
    let built = PROTOCOLS
        .iter()
        .filter(|(id, _)| service.traits.has(id))
        .find_map(|(_, protocol)| *protocol);
    match built {
        Some(Protocol::AwsJson { version, .. }) => Ok(Protocol::AwsJson {
            version,
            query_compatible: service.traits.has(QUERY_COMPATIBLE),
        }),
        Some(Protocol::RestXml { .. }) => Ok(Protocol::RestXml {
            no_error_wrapping: service
                .traits
                .get("aws.protocols#restXml")
                .and_then(|t| t.get("noErrorWrapping"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
        }),
        Some(protocol) => Ok(protocol),
        None => Err(Error::UnsupportedProtocol {
            service: service.id.to_string(),
            protocols: listed.into_iter().map(str::to_owned).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    fn service(traits: &str) -> Result<Protocol, Error> {
        let model = Model::from_json(&format!(
            r#"{{"smithy":"2.0","shapes":{{"x#Svc":{{"type":"service","traits":{{{traits}}}}}}}}}"#
        ))
        .unwrap();
        select(model.service(None).unwrap())
    }

    #[test]
    fn each_built_protocol_is_read() {
        assert_eq!(
            service(r#""aws.protocols#restJson1":{}"#).unwrap(),
            Protocol::RestJson1
        );
        assert_eq!(
            service(r#""aws.protocols#awsJson1_1":{}"#).unwrap(),
            Protocol::AwsJson {
                version: AwsJsonVersion::V1_1,
                query_compatible: false
            }
        );
        assert_eq!(
            service(r#""aws.protocols#awsJson1_0":{},"aws.protocols#awsQueryCompatible":{}"#)
                .unwrap(),
            Protocol::AwsJson {
                version: AwsJsonVersion::V1_0,
                query_compatible: true
            }
        );
    }

    #[test]
    fn several_protocols_give_the_one_the_sdks_pick() {
        // CloudWatch-style: CBOR (not built here) first, then awsJson over awsQuery.
        let picked = service(
            r#""aws.protocols#awsQuery":{},"smithy.protocols#rpcv2Cbor":{},"aws.protocols#awsJson1_0":{}"#,
        );
        assert!(matches!(picked, Ok(Protocol::AwsJson { .. })), "{picked:?}");
        let picked = service(r#""aws.protocols#restJson1":{},"aws.protocols#awsJson1_1":{}"#);
        assert!(matches!(picked, Ok(Protocol::AwsJson { .. })), "{picked:?}");
    }

    #[test]
    fn the_xml_protocols_are_read() {
        assert_eq!(
            service(r#""aws.protocols#restXml":{"noErrorWrapping":true}"#).unwrap(),
            Protocol::RestXml {
                no_error_wrapping: true
            }
        );
        assert_eq!(
            service(r#""aws.protocols#restXml":{}"#).unwrap(),
            Protocol::RestXml {
                no_error_wrapping: false
            }
        );
        assert_eq!(
            service(r#""aws.protocols#awsQuery":{}"#).unwrap(),
            Protocol::AwsQuery
        );
        assert_eq!(
            service(r#""aws.protocols#ec2Query":{}"#).unwrap(),
            Protocol::Ec2Query
        );
    }

    #[test]
    fn unbuilt_or_missing_protocols_are_errors_naming_them() {
        let error = service(r#""smithy.protocols#rpcv2Cbor":{}"#)
            .unwrap_err()
            .to_string();
        for part in ["x#Svc", "smithy.protocols#rpcv2Cbor"] {
            assert!(error.contains(part), "{error}");
        }
        let error = service(r#""smithy.api#title":"t""#)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("x#Svc") && error.contains("no protocol trait"),
            "{error}"
        );
    }
}
