//! The wire protocols, one module each, over what they share.
//!
//! - [`http_binding`]: the HTTP bindings of the REST protocols (labels, query, headers,
//!   payloads) and the [`RequestBuilder`](http_binding::RequestBuilder) every protocol's
//!   requests are built with.
//! - [`json`]: the JSON codec of the JSON protocols (serde codecs, bodies, error fields).
//! - [`error_code`]: error codes as services send them, reduced to the shape name.
//! - [`xml`]: the XML codec of the XML protocols; [`query`]: the form-encoded requests of
//!   the query protocols.
//! - one module per protocol: [`rest_json`] (`aws.protocols#restJson1`), [`aws_json`]
//!   (`aws.protocols#awsJson1_0`, `aws.protocols#awsJson1_1`), [`rest_xml`]
//!   (`aws.protocols#restXml`), [`aws_query`] (`aws.protocols#awsQuery`) and [`ec2_query`]
//!   (`aws.protocols#ec2Query`).
//!
//! Adding a protocol is adding its module here and its emitter in `codegen/src/protocol/`.

pub mod aws_json;
pub mod aws_query;
pub mod base64;
pub mod ec2_query;
pub mod error_code;
pub mod http_binding;
pub mod json;
pub mod query;
pub mod rest_json;
pub mod rest_xml;
pub mod xml;
