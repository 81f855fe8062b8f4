//! `smithy.api#error` shapes: `message()`, `ProvideErrorMetadata`, `Display` and
//! `std::error::Error` on top of the structure. Per-operation error enums are emitted with
//! operations.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{ERROR_META_FIELD, ErrorInfo, Presence, Protocol, RustType, Struct, TypeDef};
use crate::protocol;
use crate::tokens::{compiled_where_used, ident};

pub fn emit(def: &TypeDef, shape: &Struct, error: &ErrorInfo, protocol: Protocol) -> TokenStream {
    let where_used = compiled_where_used();
    let name = format_ident!("{}", def.name);
    let label = &def.name;
    let message_field = error
        .message_field
        .as_ref()
        .and_then(|m| shape.fields.iter().find(|f| &f.name == m))
        .filter(|f| f.ty == RustType::String);
    let meta = format_ident!("{}", ERROR_META_FIELD);
    // The member, else the message the metadata read (services and emulators differ on
    // `message` and `Message`), which holds none for `@sensitive` messages.
    let message = match message_field {
        Some(f) if f.presence == Presence::Optional => {
            let field = ident(&f.name);
            quote!(self.#field.as_deref().or(self.#meta.message()))
        }
        Some(f) => {
            let field = ident(&f.name);
            quote!(Some(self.#field.as_str()).filter(|m| !m.is_empty()).or(self.#meta.message()))
        }
        None => quote!(self.#meta.message()),
    };
    // A `@sensitive` message stays out of `Display`, which ends up in logs.
    let shown_message = if message_field.is_some_and(|f| f.sensitive) {
        quote!(None)
    } else {
        quote!(self.message())
    };
    let meta_value = if error.sensitive_message {
        quote!(#meta: #meta.without_message())
    } else {
        quote!(#meta)
    };
    let (body, reads_response) = protocol::error_parser(protocol, shape, meta_value);
    let response = if reads_response {
        quote!(response)
    } else {
        quote!(_response)
    };
    quote! {
        impl #name {
            /// Reads this error from a response whose error code named it: the body, then
            /// any header-bound members.
            #where_used
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
