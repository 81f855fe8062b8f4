//! Smithy 2.0 JSON AST model in, formatted Rust crate out.
