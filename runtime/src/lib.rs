//! Runtime shared by every generated leansdk crate. It knows nothing of any one service.
pub use serde;
pub use serde_json;

pub mod datetime;
pub mod endpoint;
pub mod enums;
pub mod http;
pub use datetime::DateTime;
pub mod credentials;
pub mod env;
pub mod profile;
pub mod sigv4;
pub mod wire;
pub use wire::Document;
pub mod cli;
pub mod client;
pub mod config;
pub mod error;
pub mod paginator;
pub mod rest_json;
pub mod retry;
pub mod user_agent;
