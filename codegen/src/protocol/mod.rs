//! What generated code does differently per protocol: how an operation's request is built,
//! how responses and errors are read, the codecs of data types, and the statics `client.rs`
//! hands the runtime. One module per protocol ([`rest_json`], [`aws_json`], [`rest_xml`],
//! [`aws_query`] for awsQuery and ec2Query) over what they share: the HTTP bindings of the
//! REST protocols ([`http_binding`]), the JSON codec ([`json`]), the XML codec ([`xml`])
//! and the query encoding ([`query`]).
//!
//! Adding a protocol: a variant of [`Protocol`], a module here with a match arm in each
//! function below, and its runtime module in `runtime/src/protocol/`.

mod aws_json;
mod aws_query;
mod event_stream;
pub(crate) mod http_binding;
pub(crate) mod json;
mod query;
mod rest_json;
mod rest_xml;
pub(crate) mod xml;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{
    Binding, Crate, Event, Field, NamedKind, Operation, Presence, Protocol, RustType, StaticParam,
    Struct, StructRole, Union,
};
use crate::tokens::ident;

use aws_query::Flavour;

/// How the structure and union payloads of the REST protocols' HTTP bindings are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyFormat {
    Json,
    Xml,
}

/// The expression `<Op>Input::to_request` returns: a runtime `RequestBuilder` chain ending
/// in `.build()`.
pub fn request(protocol: Protocol, op: &Operation) -> TokenStream {
    match protocol {
        Protocol::RestJson1 => rest_json::request(op),
        Protocol::AwsJson { .. } => aws_json::request(op),
        Protocol::RestXml { .. } => rest_xml::request(op),
        Protocol::AwsQuery | Protocol::Ec2Query => aws_query::request(op),
    }
}

/// The body of `<Op>Output::from_response(response)`.
pub fn output_parser(protocol: Protocol, op: &Operation) -> TokenStream {
    match protocol {
        Protocol::RestJson1 | Protocol::AwsJson { .. } => json::output_parser(op),
        Protocol::RestXml { .. } => rest_xml::output_parser(op),
        Protocol::AwsQuery => aws_query::output_parser(op, Flavour::AwsQuery),
        Protocol::Ec2Query => aws_query::output_parser(op, Flavour::Ec2Query),
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
        Protocol::RestXml { .. } | Protocol::AwsQuery | Protocol::Ec2Query => {
            rest_xml::error_parser(structure, meta_value)
        }
    }
}

/// The impls beyond serde that a structure (a data type, or an operation's input or
/// output) needs for the protocol's bodies: the XML and query codecs.
pub fn struct_codec(protocol: Protocol, name: &Ident, structure: &Struct) -> TokenStream {
    let reads = structure.role != StructRole::Input;
    let writes = structure.role != StructRole::Output;
    let from_xml = (protocol.is_xml() && reads).then(|| xml::struct_from_xml(name, structure));
    let to_body = writes.then(|| match protocol {
        Protocol::RestXml { .. } => xml::struct_to_xml(name, structure),
        Protocol::AwsQuery => query::struct_to_query(name, structure, query::Dialect::AwsQuery),
        Protocol::Ec2Query => query::struct_to_query(name, structure, query::Dialect::Ec2Query),
        Protocol::RestJson1 | Protocol::AwsJson { .. } => TokenStream::new(),
    });
    quote!(#from_xml #to_body)
}

/// [`struct_codec`] for a union.
pub fn union_codec(protocol: Protocol, name: &Ident, union: &Union) -> TokenStream {
    let from_xml = protocol.is_xml().then(|| xml::union_from_xml(name, union));
    let to_body = match protocol {
        Protocol::RestXml { .. } => xml::union_to_xml(name, union),
        Protocol::AwsQuery => query::union_to_query(name, union, query::Dialect::AwsQuery),
        Protocol::Ec2Query => query::union_to_query(name, union, query::Dialect::Ec2Query),
        Protocol::RestJson1 | Protocol::AwsJson { .. } => TokenStream::new(),
    };
    quote!(#from_xml #to_body)
}

/// A block evaluating to `event`'s structure read from `message` (a
/// `&leansdk_runtime::event_stream::Message`), in a function returning
/// `Result<_, UnmarshalError>`: the payload in the protocol's format.
pub fn event_reader(protocol: Protocol, event: &Event) -> TokenStream {
    let format = if protocol.is_xml() {
        BodyFormat::Xml
    } else {
        BodyFormat::Json
    };
    event_stream::read(event, format)
}

/// An expression of the message carrying `event` (a reference to its structure), in a
/// function returning `Result<_, BuildError>`.
pub fn event_writer(event: &Event) -> TokenStream {
    event_stream::write(event)
}

/// What `client.rs` needs from the protocol.
pub struct ClientItems {
    /// The runtime function reading an error response's code, message and request ID.
    pub error_metadata: TokenStream,
    /// `Some` runtime function telling a 2xx response that is an error all the same (S3).
    pub error_in_success: TokenStream,
    /// Items the protocol's requests refer to, e.g. awsJson's `PROTOCOL`.
    pub statics: TokenStream,
}

pub fn client_items(krate: &Crate) -> ClientItems {
    match krate.protocol {
        Protocol::RestJson1 => ClientItems {
            error_metadata: quote!(leansdk_runtime::protocol::rest_json::error_metadata),
            error_in_success: quote!(None),
            statics: TokenStream::new(),
        },
        Protocol::AwsJson {
            version,
            query_compatible,
        } => aws_json::client_items(krate, version, query_compatible),
        Protocol::RestXml { no_error_wrapping } => ClientItems {
            error_metadata: quote!(leansdk_runtime::protocol::rest_xml::error_metadata),
            // Services that send bare `<Error>`s (S3) also send some with status 200.
            error_in_success: if no_error_wrapping {
                quote!(Some(
                    leansdk_runtime::protocol::rest_xml::is_error_despite_status
                ))
            } else {
                quote!(None)
            },
            statics: TokenStream::new(),
        },
        Protocol::AwsQuery => aws_query::client_items(krate, Flavour::AwsQuery),
        Protocol::Ec2Query => aws_query::client_items(krate, Flavour::Ec2Query),
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

/// What every protocol's request carries besides the members: the `smithy.api#endpoint`
/// host prefix, the endpoint rule parameters, no signature for operations that take
/// none (`smithy.api#auth` empty, or `smithy.api#optionalAuth`: SSO's and SSO-OIDC's, which
/// run before there are credentials), and the body integrity traits.
fn operation_settings(op: &Operation) -> TokenStream {
    let host_prefix = host_prefix(op);
    let endpoint_params = endpoint_params(op);
    let unsigned = op.unsigned.then(|| quote!(.unsigned()));
    let integrity = integrity(op);
    quote!(#host_prefix #endpoint_params #unsigned #integrity)
}

/// The marks of `aws.protocols#httpChecksum`, `smithy.api#httpChecksumRequired` and
/// `smithy.api#requestCompression`, which the orchestrator acts on.
fn integrity(op: &Operation) -> TokenStream {
    let integrity = &op.integrity;
    // A member's value as `Option<&str>` and the header it is bound to.
    let member = |field: Option<&Field>| {
        let value = field.and_then(optional_str).unwrap_or_else(|| quote!(None));
        let header = match field.map(|f| &f.binding) {
            Some(Binding::Header(name)) => quote!(Some(#name)),
            _ => quote!(None),
        };
        (value, header)
    };
    let request = integrity.request_checksum.as_ref().map(|checksum| {
        let (algorithm, header) = member(checksum.algorithm_member.as_ref());
        let required = checksum.required;
        quote!(.request_checksum(#algorithm, #header, #required))
    });
    let response = integrity.response_checksum.as_ref().map(|checksum| {
        let (mode, header) = member(checksum.mode_member.as_ref());
        let algorithms = &checksum.algorithms;
        quote!(.response_checksum(#mode, #header, &[#(#algorithms),*]))
    });
    let md5 = integrity.md5_required.then(|| quote!(.md5_required()));
    let gzip = integrity.gzip.then(|| quote!(.gzip_allowed()));
    quote!(#request #response #md5 #gzip)
}

/// A string or string enum field's value as `Option<&str>`; `None` for other types.
fn optional_str(field: &Field) -> Option<TokenStream> {
    let name = ident(&field.name);
    let optional = field.presence == Presence::Optional;
    Some(match (&field.ty, optional) {
        (RustType::String, true) => quote!(self.#name.as_deref()),
        (RustType::String, false) => quote!(Some(self.#name.as_str())),
        (
            RustType::Named {
                kind: NamedKind::Enum,
                ..
            },
            true,
        ) => quote!(self.#name.as_ref().map(|value| value.as_str())),
        (
            RustType::Named {
                kind: NamedKind::Enum,
                ..
            },
            false,
        ) => quote!(Some(self.#name.as_str())),
        _ => return None,
    })
}

/// `.endpoint_param(...)` for each endpoint rule parameter of the operation: its input
/// members' (`smithy.rules#contextParam`) and its own (`smithy.rules#staticContextParams`).
fn endpoint_params(op: &Operation) -> TokenStream {
    let members = op.input.fields.iter().filter_map(|field| {
        let param = field.context_param.as_ref()?;
        let name = ident(&field.name);
        let optional = field.presence == Presence::Optional;
        let value = match (&field.ty, optional) {
            (RustType::Bool, true) => quote!(self.#name),
            (RustType::Bool, false) => quote!(Some(self.#name)),
            (RustType::List { item, .. }, true) if **item == RustType::String => {
                quote!(self.#name.clone())
            }
            // The rules take strings, booleans and string lists only.
            _ => optional_str(field)?,
        };
        Some(quote!(.endpoint_param(#param, #value)))
    });
    let statics = op.static_context_params.iter().map(|(param, value)| {
        let value = match value {
            StaticParam::Bool(b) => quote!(#b),
            StaticParam::String(s) => quote!(#s),
        };
        quote!(.endpoint_param(#param, Some(#value)))
    });
    quote!(#(#members)* #(#statics)*)
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
