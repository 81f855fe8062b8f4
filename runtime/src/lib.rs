//! Runtime shared by every generated leansdk crate. It knows nothing of any one service.
pub use serde;
pub use serde_json;

pub mod http;
pub mod endpoint;
