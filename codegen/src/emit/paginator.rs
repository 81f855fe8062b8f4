//! `smithy.api#paginated` operations: the input implements the runtime's `Paginated` (and
//! `PaginatedItems` when the trait names `items`), and the fluent builder gets
//! `into_paginator()`. The paging loop itself lives once in `leansdk_runtime::orchestrator::paginator`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ident, rust_type};
use crate::ir::{Field, Operation, Paginator, Presence, RustType};

/// The paginator impls of `op`, or nothing when it is not paginated.
pub fn emit(op: &Operation) -> TokenStream {
    let Some(paginator) = &op.paginator else {
        return TokenStream::new();
    };
    let input = format_ident!("{}Input", op.name);
    let output = format_ident!("{}Output", op.name);
    let error = format_ident!("{}Error", op.name);
    let builder = format_ident!("{}FluentBuilder", op.name);
    let Paginator {
        input_token,
        output_token,
        items,
        page_size,
    } = paginator;
    let token = token_getter(input_token, quote!(self));
    let next_token = token_getter(output_token, quote!(output));
    let input_token_name = ident(&input_token.name);
    let set_token = if optional(input_token) {
        quote!(self.#input_token_name = token;)
    } else {
        quote!(self.#input_token_name = token.unwrap_or_default();)
    };
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
    let items = items.as_ref().map(|list| {
        let item = item_type(&list.ty);
        let name = ident(&list.name);
        let all = if optional(list) {
            quote!(output.#name.into_iter().flatten().collect())
        } else {
            quote!(output.#name.into_iter().collect())
        };
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
        output_token.member,
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
            fn send(
                self,
                client: &crate::client::Client,
            ) -> impl Future<Output = Result<#output, leansdk_runtime::error::SdkError<#error>>> + Send {
                self.send_with(client)
            }
            fn token(&self) -> Option<&str> {
                #token
            }
            fn set_token(&mut self, token: Option<String>) {
                #set_token
            }
            #set_page_size
            fn next_token(output: &#output) -> Option<&str> {
                #next_token
            }
        }
        #items
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
        RustType::List { item, sparse } => optional_type(rust_type(item), *sparse),
        RustType::Map { value, sparse } => {
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

/// `Option<&str>` of a string token field of `owner`, empty meaning none for plain strings.
fn token_getter(field: &Field, owner: TokenStream) -> TokenStream {
    let name = ident(&field.name);
    if optional(field) {
        quote!(#owner.#name.as_deref())
    } else {
        quote!(Some(#owner.#name.as_str()).filter(|token| !token.is_empty()))
    }
}
