//! Runtime shared by every generated leansdk crate. It knows nothing of any one service.
//!
//! Users meet [`config::Config`], [`auth::credentials::Credentials`], [`error::SdkError`],
//! [`DateTime`] and paginators, all re-exported by each generated crate. The rest is what
//! generated code calls (`#[doc(hidden)]`): the protocols, the orchestrator, the rules engine.

pub use serde;
pub use serde_json;

pub mod auth;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod datetime;
pub mod endpoint;
pub mod enums;
pub mod error;
pub mod http;
pub mod orchestrator;
pub mod protocol;
pub mod sleep;

pub use datetime::DateTime;
pub use protocol::json::Document;

/// A boxed, sendable future: what the object-safe traits ([`http::HttpClient`],
/// [`auth::credentials::ProvideCredentials`], [`sleep::Sleep`]) return.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// What `Debug` prints in place of `@sensitive` data.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";
