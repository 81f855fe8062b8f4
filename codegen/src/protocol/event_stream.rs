//! Events in generated code: how one event's structure is read from a message and written
//! as one. Headers (`smithy.api#eventHeader`) are typed message headers in every protocol;
//! the payload (`smithy.api#eventPayload`, or the other members as a document) is read with
//! the protocol's HTTP payload readers, the message standing in for a response. The runtime
//! side is `leansdk_runtime::event_stream`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::BodyFormat;
use super::http_binding::{assign, response_binding};
use crate::ir::{Event, EventPayload, Field, NamedKind, PayloadKind, Presence, RustType};
use crate::tokens::ident;

/// A block evaluating to the event's structure read from `message` (a `&Message`), in a
/// function returning `Result<_, UnmarshalError>`.
pub(super) fn read(event: &Event, format: BodyFormat) -> TokenStream {
    let structure = format_ident!("{}", event.structure);
    let ty = quote!(crate::types::#structure);
    let payload = match &event.payload {
        EventPayload::Member(field, _) => response_binding(field, format),
        EventPayload::Document { .. } => None,
    };
    let headers: Vec<TokenStream> = event.headers.iter().map(read_header).collect();
    let assigns = payload.is_some() || !headers.is_empty();
    let start = match (&event.payload, format) {
        (EventPayload::Document { empty: false }, BodyFormat::Json) => {
            quote!(leansdk_runtime::protocol::json::parse_body::<#ty>(response)?)
        }
        (EventPayload::Document { empty: false }, BodyFormat::Xml) => {
            quote!(leansdk_runtime::protocol::rest_xml::payload::<#ty>(response)?.unwrap_or_default())
        }
        // Not `T::default()` and assignments (clippy's `field_reassign_with_default`).
        _ if assigns => quote!(#ty { ..Default::default() }),
        _ => quote!(#ty::default()),
    };
    let reads_payload =
        payload.is_some() || event.payload == EventPayload::Document { empty: false };
    let response = reads_payload
        .then(|| quote!(let response = &leansdk_runtime::event_stream::payload_response(message);));
    if !assigns {
        return match response {
            Some(response) => quote!({ #response #start }),
            None => start,
        };
    }
    quote!({
        #response
        let mut output = #start;
        #payload
        #(#headers)*
        output
    })
}

/// Sets `output.<field>` from the message header named after the member.
fn read_header(field: &Field) -> TokenStream {
    let header = &field.member;
    let read = quote!(leansdk_runtime::event_stream::header);
    let value = match &field.ty {
        RustType::Named { name, kind, .. } => {
            let ty = format_ident!("{}", name);
            let wire = match kind {
                NamedKind::IntEnum => quote!(i32),
                _ => quote!(String),
            };
            let convert = match kind {
                NamedKind::IntEnum => quote!(crate::types::#ty::from),
                _ => quote!(|value: String| crate::types::#ty::from(value.as_str())),
            };
            quote!(#read::<#wire>(message, #header)?.map(#convert))
        }
        _ => quote!(#read(message, #header)?),
    };
    assign(field, value)
}

/// An expression of the message carrying `event` (the structure, a reference), in a
/// function returning `Result<_, BuildError>`. Input streams are built for restJson1 only
/// (see `ir::operation::unsupported`): documents are JSON.
pub(super) fn write(event: &Event) -> TokenStream {
    let wire = &event.wire_name;
    let (content_type, payload) = match &event.payload {
        EventPayload::Document { .. } => (
            "application/json",
            quote!(leansdk_runtime::protocol::json::to_body(event)?),
        ),
        EventPayload::Member(field, kind) => {
            let name = ident(&field.name);
            let optional = field.presence == Presence::Optional;
            let value = if optional {
                quote!(event.#name.as_ref())
            } else {
                quote!(Some(&event.#name))
            };
            match kind {
                PayloadKind::Blob => (
                    "application/octet-stream",
                    quote!(#value.cloned().unwrap_or_default()),
                ),
                PayloadKind::Text => {
                    let text = match field.ty {
                        RustType::String => quote!(text.as_bytes()),
                        _ => quote!(text.as_str().as_bytes()),
                    };
                    (
                        "text/plain",
                        quote!(#value.map(|text| #text.to_vec()).unwrap_or_default()),
                    )
                }
                _ => (
                    "application/json",
                    quote!(match #value {
                        Some(value) => leansdk_runtime::protocol::json::to_body(value)?,
                        None => Vec::new(),
                    }),
                ),
            }
        }
    };
    let message =
        quote!(leansdk_runtime::event_stream::event_message(#wire, #content_type, #payload));
    if event.headers.is_empty() {
        return message;
    }
    let headers = event.headers.iter().map(write_header);
    quote!({
        let mut message = #message;
        #(#headers)*
        message
    })
}

/// Adds the member's header to `message` when the member is set.
fn write_header(field: &Field) -> TokenStream {
    let header = &field.member;
    let name = ident(&field.name);
    let value = match &field.ty {
        RustType::Named {
            kind: NamedKind::IntEnum,
            ..
        } => quote!(value.clone().value()),
        RustType::Named { .. } => quote!(value.as_str().to_owned()),
        _ => quote!(value.clone()),
    };
    let add = quote! {
        message = message.with_header(#header, leansdk_runtime::event_stream::HeaderValue::from(#value));
    };
    if field.presence == Presence::Optional {
        quote!(if let Some(value) = &event.#name { #add })
    } else {
        quote!({ let value = &event.#name; #add })
    }
}
