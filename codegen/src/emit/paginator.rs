//! `smithy.api#paginated` operations: the input implements the runtime's `Paginated` (and
//! `PaginatedItems` when the trait names `items`), and the fluent builder gets
//! `into_paginator()`. The paging loop itself lives once in
//! `leansdk_runtime::orchestrator::paginator`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Field, Operation, Paginator, Presence, RustType, TokenPath};
use crate::tokens::{ident, rust_type};

/// The paginator impls of `op`, or nothing when it is not paginated.
pub fn emit(op: &Operation) -> TokenStream {
    let Some(paginator) = &op.paginator else {
        return TokenStream::new();
    };
    let [input, output, error, builder] = [
        &op.names.input,
        &op.names.output,
        &op.names.error,
        &op.names.builder,
    ]
    .map(|name| format_ident!("{}", name));
    let Paginator {
        input_token,
        output_token,
        items,
        page_size,
    } = paginator;
    let token_type = rust_type(&input_token.ty);
    let input_token_name = ident(&input_token.name);
    let (token, set_token) = if optional(input_token) {
        (
            quote!(self.#input_token_name.as_ref()),
            quote!(self.#input_token_name = token;),
        )
    } else {
        (
            quote!(Some(&self.#input_token_name)),
            quote!(self.#input_token_name = token.unwrap_or_default();),
        )
    };
    let next_token = borrowed(quote!(output), output_token);
    let set_page_size = page_size.as_ref().map(|size| {
        let name = ident(&size.name);
        let size_value = if size.ty == RustType::I64 {
            quote!(i64::from(size))
        } else {
            quote!(size)
        };
        let value = if optional(size) {
            quote!(Some(#size_value))
        } else {
            size_value
        };
        quote! {
            fn set_page_size(&mut self, size: i32) {
                self.#name = #value;
            }
        }
    });
    let items_impl = items.as_ref().map(|list| {
        let item = item_type(&list.field.ty);
        let all = owned(quote!(output), list);
        quote! {
            impl leansdk_runtime::orchestrator::paginator::PaginatedItems for #input {
                type Item = #item;
                fn items(output: #output) -> Vec<Self::Item> {
                    #all
                }
            }
        }
    });
    let docs = format!(
        " Sends this request page after page, each with the previous page's `{}` as its \
         `{}`: call `next_page()` on the result{}. Stops after the page without a next \
         token (or repeating the one it was sent with).",
        output_token.display(),
        input_token.member,
        if items.is_some() {
            ", or `.items()` then `next_item()`"
        } else {
            ""
        }
    );
    quote! {
        impl leansdk_runtime::orchestrator::paginator::Paginated for #input {
            type Client = crate::client::Client;
            type Output = #output;
            type Error = #error;
            type Token = #token_type;
            fn send(
                self,
                client: &crate::client::Client,
            ) -> impl Future<Output = Result<#output, leansdk_runtime::error::SdkError<#error>>> + Send {
                self.send_with(client)
            }
            fn token(&self) -> Option<&Self::Token> {
                #token
            }
            fn set_token(&mut self, token: Option<Self::Token>) {
                #set_token
            }
            #set_page_size
            fn next_token(output: &#output) -> Option<&Self::Token> {
                #next_token
            }
        }
        #items_impl
        impl #builder {
            #[doc = #docs]
            pub fn into_paginator(self) -> leansdk_runtime::orchestrator::paginator::Paginator<#input> {
                leansdk_runtime::orchestrator::paginator::Paginator::new(self.client, self.input)
            }
        }
    }
}

/// What iterating the `items` field yields: list items, or map entries as pairs.
fn item_type(ty: &RustType) -> TokenStream {
    match ty {
        RustType::List { item, sparse, .. } => optional_type(rust_type(item), *sparse),
        RustType::Map { value, sparse, .. } => {
            let value = optional_type(rust_type(value), *sparse);
            quote!((String, #value))
        }
        other => rust_type(other),
    }
}

fn optional_type(ty: TokenStream, sparse: bool) -> TokenStream {
    if sparse { quote!(Option<#ty>) } else { ty }
}

fn optional(field: &Field) -> bool {
    field.presence == Presence::Optional
}

/// A value reached along a path: a place (every field so far is set), or an `Option` of it.
enum Access {
    Place(TokenStream),
    Option(TokenStream),
}

/// `Option<&T>` of the value at `path` in `owner` (a reference).
fn borrowed(owner: TokenStream, path: &TokenPath) -> TokenStream {
    let mut access = Access::Place(owner);
    for field in path.via.iter().chain([&path.field]) {
        let name = ident(&field.name);
        access = match (access, optional(field)) {
            (Access::Place(place), false) => Access::Place(quote!(#place.#name)),
            (Access::Place(place), true) => Access::Option(quote!(#place.#name.as_ref())),
            (Access::Option(value), false) => Access::Option(quote!(#value.map(|v| &v.#name))),
            (Access::Option(value), true) => {
                Access::Option(quote!(#value.and_then(|v| v.#name.as_ref())))
            }
        };
    }
    match access {
        Access::Place(place) => quote!(Some(&#place)),
        Access::Option(value) => value,
    }
}

/// The items at `path` in `owner` (taken by value), as a `Vec` (empty when a structure on
/// the way is unset).
fn owned(owner: TokenStream, path: &TokenPath) -> TokenStream {
    let mut access = Access::Place(owner);
    for field in path.via.iter().chain([&path.field]) {
        let name = ident(&field.name);
        // Moving out of a `Box` needs the explicit deref.
        let value = match &field.ty {
            RustType::Named { boxed: true, .. } if !optional(field) => quote!(*v.#name),
            _ => quote!(v.#name),
        };
        access = match (access, optional(field)) {
            (Access::Place(place), false) => Access::Place(quote!(#place.#name)),
            (Access::Place(place), true) => Access::Option(quote!(#place.#name)),
            (Access::Option(option), false) => Access::Option(quote!(#option.map(|v| #value))),
            (Access::Option(option), true) => Access::Option(quote!(#option.and_then(|v| #value))),
        };
    }
    match access {
        Access::Place(place) => quote!(#place.into_iter().collect()),
        Access::Option(option) => quote!(#option.into_iter().flatten().collect()),
    }
}
