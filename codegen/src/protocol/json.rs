//! The JSON codec of the JSON protocols in generated code: serde codecs for what derives
//! cannot express, and how outputs and errors are read from a JSON body plus their
//! HTTP-bound members.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::http_binding::response_binding;
use crate::ir::{Binding, Operation, REQUEST_ID_FIELD, RustType, Struct};
use crate::model::TimestampFormat;

/// A `leansdk_runtime::protocol::json::codec` for values serde's derive cannot handle: combinators
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

/// The body of `<Op>Output::from_response`: the JSON body (none when a member is the
/// payload), then the HTTP-bound members, and the request ID.
pub(super) fn output_parser(op: &Operation) -> TokenStream {
    let fields = &op.output.fields;
    let has_payload = fields
        .iter()
        .any(|f| matches!(f.binding, Binding::Payload(_)));
    let start = if has_payload {
        quote!(Self::default())
    } else {
        quote!(leansdk_runtime::protocol::json::parse_body::<Self>(
            response
        )?)
    };
    let reads: Vec<TokenStream> = fields.iter().filter_map(response_binding).collect();
    let request_id = format_ident!("{}", REQUEST_ID_FIELD);
    let request_id = quote!(#request_id: leansdk_runtime::http::request_id(&response.headers).map(str::to_owned));
    if fields.is_empty() {
        // Nothing to read: the body of an empty output is ignored, as the AWS SDKs do.
        quote!(Ok(Self { #request_id }))
    } else if reads.is_empty() {
        quote!(Ok(Self { #request_id, ..#start }))
    } else {
        quote! {
            let mut output = Self { #request_id, ..#start };
            #(#reads)*
            Ok(output)
        }
    }
}

/// The body of an error structure's `from_response`: its JSON body, then its header-bound
/// members; an error without members reads nothing.
pub(super) fn error_parser(structure: &Struct, meta_value: TokenStream) -> (TokenStream, bool) {
    if structure.fields.is_empty() {
        return (quote!(Ok(Self { #meta_value })), false);
    }
    let parsed =
        quote!(Self { #meta_value, ..leansdk_runtime::protocol::json::parse_body(response)? });
    let reads: Vec<TokenStream> = structure
        .fields
        .iter()
        .filter_map(response_binding)
        .collect();
    let body = if reads.is_empty() {
        quote!(Ok(#parsed))
    } else {
        quote! {
            let mut output = #parsed;
            #(#reads)*
            Ok(output)
        }
    };
    (body, true)
}
