//! Event streams (`smithy.api#streaming` unions): the enum of events, the error enum of the
//! exceptions that end a stream, and how events are read from messages
//! (`leansdk_runtime::event_stream::Unmarshal`, for output streams) or written as messages
//! (`Marshal`, for input streams). What an event's payload looks like is the protocol's
//! ([`crate::protocol::event_reader`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{EventStream, Protocol, TypeDef, UNKNOWN_VARIANT, Union};
use crate::tokens::{doc_attrs, rust_type};

pub fn emit(def: &TypeDef, union: &Union, stream: &EventStream, protocol: Protocol) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let docs = doc_attrs(&def.docs);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let sensitive = union.sensitive || union.variants.iter().any(|v| v.sensitive);
    let derive_debug = (!sensitive).then(|| quote!(Debug,));
    let variants = union.variants.iter().map(|v| {
        let docs = doc_attrs(&v.docs);
        let ident = format_ident!("{}", v.name);
        let ty = rust_type(&v.ty);
        quote!(#docs #ident(#ty),)
    });
    // Only a stream that is read meets events this version does not know.
    let unknown_variant = stream.received.then(|| {
        quote! {
            /// An event this version of the SDK does not know, kept as it arrived (its
            /// `:event-type` header names it).
            #unknown(leansdk_runtime::event_stream::Message),
        }
    });
    let debug_impl = sensitive.then(|| {
        let label = UNKNOWN_VARIANT;
        let unknown = stream.received.then(
            || quote!(Self::#unknown(message) => f.debug_tuple(#label).field(message).finish(),),
        );
        super::union::debug_impl(def, union, unknown.unwrap_or_default())
    });
    let error = error_enum(def, stream);
    let unmarshal = stream.received.then(|| unmarshal(&name, stream, protocol));
    let marshal = stream.sent.then(|| marshal(&name, stream));
    quote! {
        #docs
        #[derive(Clone, PartialEq, #derive_debug)]
        pub enum #name {
            #(#variants)*
            #unknown_variant
        }

        #debug_impl
        #error
        #unmarshal
        #marshal
    }
}

/// `<Union>Error`: a variant per exception, plus `Unhandled` for those the model does not
/// list; the runtime macro writes the rest, as for operation errors (the exception's
/// `:exception-type` is its code).
fn error_enum(def: &TypeDef, stream: &EventStream) -> TokenStream {
    let docs = format!(" Exceptions that can end a [`{}`] stream.", def.name);
    super::operation::error_enum_tokens(
        &stream.error_name,
        &docs,
        &stream.errors,
        " An exception the model does not list for this stream.",
    )
}

fn unmarshal(name: &proc_macro2::Ident, stream: &EventStream, protocol: Protocol) -> TokenStream {
    let error = format_ident!("{}", stream.error_name);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let arms = stream.events.iter().map(|event| {
        let variant = format_ident!("{}", event.variant);
        let wire = &event.wire_name;
        let read = crate::protocol::event_reader(protocol, event);
        quote!(Some(#wire) => Self::#variant(#read),)
    });
    quote! {
        impl leansdk_runtime::event_stream::Unmarshal for #name {
            type Error = #error;

            fn event(
                message: &leansdk_runtime::event_stream::Message,
            ) -> Result<Self, leansdk_runtime::event_stream::UnmarshalError> {
                Ok(match message.string_header(":event-type") {
                    #(#arms)*
                    _ => Self::#unknown(message.clone()),
                })
            }

            fn exception(
                message: &leansdk_runtime::event_stream::Message,
            ) -> Result<#error, leansdk_runtime::event_stream::UnmarshalError> {
                leansdk_runtime::event_stream::exception(message, #error::from_response)
            }
        }
    }
}

fn marshal(name: &proc_macro2::Ident, stream: &EventStream) -> TokenStream {
    let arms = stream.events.iter().map(|event| {
        let variant = format_ident!("{}", event.variant);
        let write = crate::protocol::event_writer(event);
        quote!(Self::#variant(event) => #write,)
    });
    // A stream both read and sent has events it cannot send back.
    let unknown = stream.received.then(|| {
        let unknown = format_ident!("{}", UNKNOWN_VARIANT);
        let label = name.to_string();
        quote! {
            Self::#unknown(_) => {
                return Err(leansdk_runtime::error::BuildError::invalid(
                    #label,
                    "an event this version does not know cannot be sent",
                ));
            }
        }
    });
    quote! {
        impl leansdk_runtime::event_stream::Marshal for #name {
            fn marshal(
                &self,
            ) -> Result<leansdk_runtime::event_stream::Message, leansdk_runtime::error::BuildError> {
                Ok(match self {
                    #(#arms)*
                    #unknown
                })
            }
        }
    }
}
