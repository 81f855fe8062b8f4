//! Smithy 2.0 JSON AST model in, formatted Rust crate out.
//!
//! `model` (JSON, no Rust) -> `ir` (service closure with Rust names, the protocol chosen)
//! -> `emit` (tokens per kind of item, with `protocol` for what differs per protocol)
//! -> `render` (formatted files).

pub mod docs;
pub mod embed;
pub mod emit;
pub mod error;
pub mod ir;
pub mod jmespath;
pub mod model;
pub mod protocol;
pub mod render;
pub mod tokens;

pub use error::Error;
