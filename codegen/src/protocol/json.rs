//! The JSON codec of the JSON protocols in generated code: serde codecs for what derives
//! cannot express, and how outputs and errors are read from a JSON body plus their
//! HTTP-bound members.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::BodyFormat;
use super::http_binding::response_binding;
use crate::ir::{Binding, NamedKind, Operation, REQUEST_ID_FIELD, RustType, Struct};
use crate::model::TimestampFormat;
use crate::tokens::rust_type;

/// A `leansdk_runtime::protocol::json::codec` for values serde's derive cannot handle:
/// combinators (`Opt`, `List`, `Map`, `DenseMap`) outermost first, then the leaf.
pub struct Codec {
    combinators: Vec<&'static str>,
    leaf: TokenStream,
}

impl Codec {
    /// The codec for a value of `ty`, optionally wrapped in `Option`: needed for leaves
    /// serde cannot derive (timestamps, blobs, floats), for structures (read only from
    /// objects, never from arrays by position) and for dense maps, which drop the `null`
    /// values a service may send.
    pub fn for_type(ty: &RustType, optional: bool) -> Option<Codec> {
        let mut combinators = Vec::new();
        if optional {
            combinators.push("Opt");
        }
        let mut dense_map = false;
        let mut ty = ty;
        loop {
            ty = match ty {
                RustType::List { item, sparse, .. } => {
                    combinators.push("List");
                    if *sparse {
                        combinators.push("Opt");
                    }
                    item
                }
                RustType::Map {
                    value,
                    sparse: true,
                    ..
                } => {
                    combinators.extend(["Map", "Opt"]);
                    value
                }
                RustType::Map {
                    value,
                    sparse: false,
                    ..
                } => {
                    combinators.push("DenseMap");
                    dense_map = true;
                    value
                }
                leaf => {
                    let leaf = match leaf_codec(leaf) {
                        Some(name) => {
                            let name = format_ident!("{}", name);
                            quote!(codec::#name)
                        }
                        None if matches!(
                            leaf,
                            RustType::Named {
                                kind: NamedKind::Structure,
                                ..
                            }
                        ) =>
                        {
                            let ty = rust_type(leaf);
                            quote!(codec::Object<#ty>)
                        }
                        None if dense_map => {
                            let ty = rust_type(leaf);
                            quote!(codec::Serde<#ty>)
                        }
                        None => return None,
                    };
                    return Some(Codec { combinators, leaf });
                }
            };
        }
    }

    /// `With::<...>` as tokens, for calling `deserialize` directly.
    pub fn with_tokens(&self) -> TokenStream {
        let codec = self
            .combinators
            .iter()
            .rev()
            .fold(self.leaf.clone(), |inner, name| {
                let name = format_ident!("{}", name);
                quote!(codec::#name<#inner>)
            });
        quote!(codec::With::<#codec>)
    }

    /// The import that the paths of [`with_tokens`](Self::with_tokens) and
    /// [`with_path`](Self::with_path) need, once per file that uses a codec.
    pub fn import() -> TokenStream {
        quote!(
            use leansdk_runtime::protocol::json::codec;
        )
    }

    /// The same path as the string `#[serde(with = "...")]` takes.
    pub fn with_path(&self) -> String {
        self.with_tokens().to_string().replace(' ', "")
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
        .any(|f| matches!(f.binding, Binding::Payload(..)));
    let start = if has_payload {
        quote!(Self::default())
    } else {
        quote!(leansdk_runtime::protocol::json::parse_body::<Self>(
            response
        )?)
    };
    let reads: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| response_binding(f, BodyFormat::Json))
        .collect();
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
        .filter_map(|f| response_binding(f, BodyFormat::Json))
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
