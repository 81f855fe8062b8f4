//! `smithy.api#error` shapes: `message()`, `Display` and `std::error::Error` on top of the
//! structure. Per-operation error enums are emitted with operations.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ident;
use super::structure::is_string;
use crate::ir::{ErrorInfo, Presence, Struct, TypeDef};

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
    let display = if message_field.is_some_and(|f| f.sensitive) {
        quote!(f.write_str(#label))
    } else {
        let with_message = format!("{label}: {{}}");
        quote! {
            match self.message() {
                Some(message) => write!(f, #with_message, message),
                None => f.write_str(#label),
            }
        }
    };
    quote! {
        impl #name {
            /// The human-readable message the service sent, if any.
            pub fn message(&self) -> Option<&str> {
                #message
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #display
            }
        }

        impl ::std::error::Error for #name {}
    }
}
