//! Token helpers every emitter shares: identifiers, doc attributes and Rust types.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::RustType;

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
        RustType::ByteStream => quote!(leansdk_runtime::ByteStream),
        RustType::EventReceiver { union, error } => {
            let (union, error) = (format_ident!("{}", union), format_ident!("{}", error));
            quote!(leansdk_runtime::event_stream::Receiver<crate::types::#union, crate::types::#error>)
        }
        RustType::EventSender { union } => {
            let union = format_ident!("{}", union);
            quote!(leansdk_runtime::event_stream::EventStreamSender<crate::types::#union>)
        }
        RustType::Timestamp(_) => quote!(leansdk_runtime::DateTime),
        RustType::Document => quote!(leansdk_runtime::Document),
        RustType::Named { name, boxed, .. } => {
            let name = format_ident!("{}", name);
            if *boxed {
                quote!(Box<crate::types::#name>)
            } else {
                quote!(crate::types::#name)
            }
        }
        RustType::List { item, sparse, .. } => {
            let item = rust_type(item);
            if *sparse {
                quote!(Vec<Option<#item>>)
            } else {
                quote!(Vec<#item>)
            }
        }
        RustType::Map { value, sparse, .. } => {
            let value = rust_type(value);
            if *sparse {
                quote!(::std::collections::BTreeMap<String, Option<#value>>)
            } else {
                quote!(::std::collections::BTreeMap<String, #value>)
            }
        }
    }
}

/// `#[serde(crate = ...)]`, so users depend on the runtime only.
pub fn serde_crate() -> TokenStream {
    quote!(#[serde(crate = "leansdk_runtime::serde")])
}

/// `#[inline]` on an operation's or a shape's code (sending, serialising, parsing): rustc
/// then compiles it into the crate that calls it, not into the service crate, so that a
/// program calling three operations of a service with three hundred compiles three
/// operations' machine code, not three hundred (issue 16: whole-service build time).
pub fn compiled_where_used() -> TokenStream {
    quote!(#[inline])
}
