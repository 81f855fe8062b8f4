//! IR to tokens, one module per kind of generated item. Knows nothing of JSON.

pub mod client;
pub mod crate_files;
pub mod endpoint;
pub mod enums;
pub mod error_shape;
pub mod example;
pub mod int_enum;
pub mod operation;
pub mod paginator;
pub mod structure;
pub mod union;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{RustType, TypeDef, TypeKind};
use crate::model::TimestampFormat;

/// Tokens of one generated type's module file.
pub fn type_file(def: &TypeDef) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => structure::emit(def, s),
        TypeKind::Enum(variants) => enums::emit(def, variants),
        TypeKind::IntEnum(variants) => int_enum::emit(def, variants),
        TypeKind::Union(u) => union::emit(def, u),
    }
}

/// An identifier that may be raw (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// One `#[doc]` attribute per line, so prettyplease prints `///` comments.
pub fn doc_attrs(docs: &str) -> TokenStream {
    let lines = docs.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// The field or variant type as written in generated code.
pub fn rust_type(ty: &RustType) -> TokenStream {
    match ty {
        RustType::Bool => quote!(bool),
        RustType::I8 => quote!(i8),
        RustType::I16 => quote!(i16),
        RustType::I32 => quote!(i32),
        RustType::I64 => quote!(i64),
        RustType::F32 => quote!(f32),
        RustType::F64 => quote!(f64),
        RustType::String | RustType::BigNumber => quote!(String),
        RustType::Blob => quote!(Vec<u8>),
        RustType::Timestamp(_) => quote!(leansdk_runtime::DateTime),
        RustType::Document => quote!(leansdk_runtime::Document),
        RustType::Named { name, boxed } => {
            let name = format_ident!("{}", name);
            if *boxed {
                quote!(Box<crate::types::#name>)
            } else {
                quote!(crate::types::#name)
            }
        }
        RustType::List { item, sparse } => {
            let item = rust_type(item);
            if *sparse {
                quote!(Vec<Option<#item>>)
            } else {
                quote!(Vec<#item>)
            }
        }
        RustType::Map { value, sparse } => {
            let value = rust_type(value);
            if *sparse {
                quote!(::std::collections::BTreeMap<String, Option<#value>>)
            } else {
                quote!(::std::collections::BTreeMap<String, #value>)
            }
        }
    }
}

/// A `leansdk_runtime::wire` codec for values serde's derive cannot handle: combinators
/// (`Opt`, `List`, `Map`) outermost first, then the leaf codec.
pub struct Codec(Vec<&'static str>);

impl Codec {
    /// The codec for a value of `ty`, optionally wrapped in `Option`.
    pub fn for_type(ty: &RustType, optional: bool) -> Option<Codec> {
        let mut chain = Vec::new();
        if optional {
            chain.push("Opt");
        }
        let mut ty = ty;
        loop {
            let (outer, inner, sparse) = match ty {
                RustType::List { item, sparse } => ("List", item, *sparse),
                RustType::Map { value, sparse } => ("Map", value, *sparse),
                leaf => {
                    chain.push(leaf_codec(leaf)?);
                    return Some(Codec(chain));
                }
            };
            chain.push(outer);
            if sparse {
                chain.push("Opt");
            }
            ty = inner;
        }
    }

    /// `With::<...>`, the path `#[serde(with = "...")]` takes.
    pub fn with_path(&self) -> String {
        let mut path = String::new();
        for name in &self.0 {
            path.push_str(&format!("leansdk_runtime::protocol::json::codec::{name}<"));
        }
        path.truncate(path.len() - 1);
        path.push_str(&">".repeat(self.0.len() - 1));
        format!("leansdk_runtime::protocol::json::codec::With::<{path}>")
    }

    /// The same path as tokens, for calling `deserialize` directly.
    pub fn with_tokens(&self) -> TokenStream {
        let codec = self.0.iter().rev().fold(TokenStream::new(), |inner, name| {
            let name = format_ident!("{}", name);
            if inner.is_empty() {
                quote!(leansdk_runtime::protocol::json::codec::#name)
            } else {
                quote!(leansdk_runtime::protocol::json::codec::#name<#inner>)
            }
        });
        quote!(leansdk_runtime::protocol::json::codec::With::<#codec>)
    }
}

fn leaf_codec(ty: &RustType) -> Option<&'static str> {
    Some(match ty {
        RustType::Timestamp(TimestampFormat::EpochSeconds) => "EpochSeconds",
        RustType::Timestamp(TimestampFormat::DateTime) => "DateTimeString",
        RustType::Timestamp(TimestampFormat::HttpDate) => "HttpDate",
        RustType::Blob => "Base64",
        RustType::F32 => "F32",
        RustType::F64 => "F64",
        _ => return None,
    })
}

/// `#[serde(crate = ...)]`, so users depend on the runtime only.
pub fn serde_crate() -> TokenStream {
    quote!(#[serde(crate = "leansdk_runtime::serde")])
}
