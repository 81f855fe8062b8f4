//! The wire protocols, one module each, over what they share.
//!
//! - [`http_binding`]: the HTTP bindings of the REST protocols (labels, query, headers,
//!   payloads) and the [`RequestBuilder`](http_binding::RequestBuilder) every protocol's
//!   requests are built with.
//! - [`json`]: the JSON codec of the JSON protocols (serde codecs, bodies, error fields).
//! - [`error_code`]: error codes as services send them, reduced to the shape name.
//! - one module per protocol: [`rest_json`] (`aws.protocols#restJson1`) and [`aws_json`]
//!   (`aws.protocols#awsJson1_0`, `aws.protocols#awsJson1_1`).
//!
//! Adding a protocol is adding its module here and its emitter in `codegen/src/protocol/`.

pub mod aws_json;
pub(crate) mod base64;
pub mod error_code;
pub mod http_binding;
pub mod json;
pub mod rest_json;
