//! `smithy.api#error` shapes: `message()`, `ProvideErrorMetadata`, `Display` and
//! `std::error::Error` on top of the structure. Per-operation error enums are emitted with
//! operations.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ident;
use super::operation::response_binding;
use super::structure::is_string;
use crate::ir::{ERROR_META_FIELD, ErrorInfo, Presence, Struct, TypeDef};

pub fn emit(def: &TypeDef, shape: &Struct, error: &ErrorInfo) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let label = &def.name;
    let message_field = error
        .message_field
        .as_ref()
        .and_then(|m| shape.fields.iter().find(|f| &f.name == m))
        .filter(|f| is_string(&f.ty));
    let message = match message_field {
        Some(f) if f.presence == Presence::Optional => {
            let field = ident(&f.name);
            quote!(self.#field.as_deref())
        }
        Some(f) => {
            let field = ident(&f.name);
            quote!(Some(self.#field.as_str()))
        }
        None => quote!(None),
    };
    // A `@sensitive` message stays out of `Display`, which ends up in logs.
    let shown_message = if message_field.is_some_and(|f| f.sensitive) {
        quote!(None)
    } else {
        quote!(self.message())
    };
    let meta = format_ident!("{}", ERROR_META_FIELD);
    let meta_value = if error.sensitive_message {
        quote!(#meta: #meta.without_message())
    } else {
        quote!(#meta)
    };
    let reads: Vec<_> = error
        .headers
        .iter()
        .filter_map(|(field, binding)| response_binding(field, binding))
        .collect();
    // An error without members has no body to read.
    let parsed = if shape.fields.is_empty() {
        quote!(Self { #meta_value })
    } else {
        quote!(Self { #meta_value, ..leansdk_runtime::protocol::json::parse_body(response)? })
    };
    let (response, body) = match (shape.fields.is_empty(), reads.is_empty()) {
        (true, _) => (quote!(_response), quote!(Ok(#parsed))),
        (false, true) => (quote!(response), quote!(Ok(#parsed))),
        (false, false) => (
            quote!(response),
            quote! {
                let mut output = #parsed;
                #(#reads)*
                Ok(output)
            },
        ),
    };
    quote! {
        impl #name {
            /// Reads this error from a response whose error code named it: the JSON body,
            /// then any header-bound members.
            pub fn from_response(
                #meta: leansdk_runtime::error::ErrorMetadata,
                #response: &leansdk_runtime::http::HttpResponse,
            ) -> Result<Self, leansdk_runtime::error::ResponseError> {
                #body
            }

            /// The human-readable message the service sent, if any.
            pub fn message(&self) -> Option<&str> {
                #message
            }
        }

        impl leansdk_runtime::error::ProvideErrorMetadata for #name {
            fn meta(&self) -> &leansdk_runtime::error::ErrorMetadata {
                &self.#meta
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                leansdk_runtime::error::display_modelled(f, #label, #shown_message, &self.#meta)
            }
        }

        impl ::std::error::Error for #name {}
    }
}
