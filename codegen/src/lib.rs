//! Smithy 2.0 JSON AST model in, formatted Rust crate out.
//!
//! `model` (JSON, no Rust) -> `ir` (service closure with Rust names, the protocol chosen)
//! -> `emit` (tokens per kind of item, with `protocol` for what differs per protocol)
//! -> `render` (formatted files).
//!
//! One entry point: [`generate`] writes a crate for a [`model::Model`] (and
//! [`generate_module`] a module of another crate) as [`GeneratedFile`]s, which [`check`]
//! compares with a directory and [`write`] writes into it. [`model`] and [`ir`] are public
//! for tools that generate from a model's facts (xtask's protocol compliance tests), with
//! [`format_file`] and [`ident`] to write their tokens as this generator does; everything
//! else is private.

mod docs;
mod embed;
mod emit;
pub mod error;
pub mod ir;
mod jmespath;
pub mod model;
mod protocol;
mod render;
mod tokens;

pub use error::Error;
pub use render::{
    Difference, GeneratedFile, IN_REPOSITORY, Manifest, check, format_file, generate,
    generate_module, write,
};
pub use tokens::ident;
