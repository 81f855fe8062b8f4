//! What generated code does differently per protocol: how an operation's request is built,
//! how responses and errors are read, and the statics `client.rs` hands the runtime. One
//! module per protocol ([`rest_json`], [`aws_json`]) over what they share: the HTTP bindings
//! of the REST protocols ([`http_binding`]) and the JSON codec ([`json`]).
//!
//! Adding a protocol: a variant of [`Protocol`], a module here with a match arm in each
//! function below, and its runtime module in `runtime/src/protocol/`.

mod aws_json;
pub(crate) mod http_binding;
pub(crate) mod json;
mod rest_json;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Crate, Field, Operation, Presence, Protocol, Struct};
use crate::tokens::ident;

/// The expression `<Op>Input::to_request` returns: a runtime `RequestBuilder` chain ending
/// in `.build()`.
pub fn request(protocol: Protocol, op: &Operation) -> TokenStream {
    match protocol {
        Protocol::RestJson1 => rest_json::request(op),
        Protocol::AwsJson { .. } => aws_json::request(op),
    }
}

/// The body of `<Op>Output::from_response(response)`.
pub fn output_parser(protocol: Protocol, op: &Operation) -> TokenStream {
    match protocol {
        Protocol::RestJson1 | Protocol::AwsJson { .. } => json::output_parser(op),
    }
}

/// The body of an error structure's `from_response(meta, response)`, with `meta_value` the
/// field initialiser of its metadata, and whether it reads `response` at all.
pub fn error_parser(
    protocol: Protocol,
    structure: &Struct,
    meta_value: TokenStream,
) -> (TokenStream, bool) {
    match protocol {
        Protocol::RestJson1 | Protocol::AwsJson { .. } => json::error_parser(structure, meta_value),
    }
}

/// What `client.rs` needs from the protocol.
pub struct ClientItems {
    /// The runtime function reading an error response's code, message and request ID.
    pub error_metadata: TokenStream,
    /// Items the protocol's requests refer to, e.g. awsJson's `PROTOCOL`.
    pub statics: TokenStream,
}

pub fn client_items(krate: &Crate) -> ClientItems {
    match krate.protocol {
        Protocol::RestJson1 => ClientItems {
            error_metadata: quote!(leansdk_runtime::protocol::rest_json::error_metadata),
            statics: TokenStream::new(),
        },
        Protocol::AwsJson {
            version,
            query_compatible,
        } => aws_json::client_items(krate, version, query_compatible),
    }
}

/// `.require(...)` for an input member that `smithy.api#required` makes mandatory: sending
/// fails, naming it, before anything is sent.
fn require(field: &Field) -> Option<TokenStream> {
    field.checked_required.then(|| {
        let (member, name) = (&field.member, ident(&field.name));
        quote!(.require(#member, self.#name.as_ref()))
    })
}

/// `.host_prefix(...)` for `smithy.api#endpoint`, with its `smithy.api#hostLabel` members.
fn host_prefix(op: &Operation) -> Option<TokenStream> {
    op.host_prefix.as_ref().map(|prefix| {
        let template = &prefix.template;
        let labels = prefix.labels.iter().map(|(label, field)| {
            let name = ident(&field.name);
            let value = if field.presence == Presence::Optional {
                quote!(self.#name.as_deref())
            } else {
                quote!(Some(self.#name.as_str()))
            };
            quote!((#label, #value))
        });
        quote!(.host_prefix(#template, &[#(#labels),*]))
    })
}
