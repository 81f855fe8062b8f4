//! Runtime shared by every generated leansdk crate. It knows nothing of any one service.
//!
//! Users meet [`config::Config`], [`auth::credentials::Credentials`], [`error::SdkError`],
//! [`DateTime`], the paginators of [`orchestrator::paginator`] and the results of
//! [`waiter`]s, all re-exported by each generated crate. What only generated code calls is
//! `#[doc(hidden)]`: the protocols, the orchestrator's client handle, the endpoint rules
//! engine, the waiters' JMESPath values.

#![warn(missing_docs)]

// Generated code names the runtime `leansdk_runtime`; the runtime's own generated clients
// (`services`) are compiled inside it, where this alias makes those paths resolve.
extern crate self as leansdk_runtime;

#[doc(hidden)]
pub use serde;
#[doc(hidden)]
pub use serde_json;

pub mod auth;
#[cfg(feature = "checksums")]
pub mod checksum;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "compression")]
#[doc(hidden)]
pub mod compression;
pub mod config;
pub mod datetime;
pub mod endpoint;
#[doc(hidden)]
pub mod enums;
pub mod error;
#[cfg(feature = "event-stream")]
pub mod event_stream;
pub mod http;
pub mod orchestrator;
#[doc(hidden)]
pub mod protocol;
pub mod providers;
#[cfg(feature = "credential-providers")]
#[doc(hidden)]
pub mod services;
#[cfg(any(feature = "credential-providers", feature = "checksums"))]
mod sha1;
pub mod sleep;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod waiter;

pub use datetime::DateTime;
pub use http::ByteStream;
pub use protocol::json::Document;

/// A boxed, sendable future: what the object-safe traits ([`http::HttpClient`],
/// [`auth::credentials::ProvideCredentials`], [`sleep::Sleep`]) return.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// What `Debug` prints in place of `@sensitive` data.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";
