//! Smithy 2.0 JSON AST model in, formatted Rust crate out.
//!
//! `model` (JSON, no Rust) -> `ir` (service closure with Rust names) -> `emit` (tokens,
//! no JSON) -> `render` (formatted files).

pub mod docs;
pub mod emit;
pub mod error;
pub mod ir;
pub mod model;
pub mod render;

pub use error::Error;
