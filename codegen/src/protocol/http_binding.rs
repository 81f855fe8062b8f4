//! The HTTP bindings of the REST protocols in generated code: how each input member is
//! bound to the request (`smithy.api#httpLabel`, `smithy.api#httpQuery`,
//! `smithy.api#httpQueryParams`, `smithy.api#httpHeader`, `smithy.api#httpPrefixHeaders`,
//! `smithy.api#httpPayload`) and how each bound output or error member is read back
//! (`smithy.api#httpResponseCode` too). The runtime side is
//! `leansdk_runtime::protocol::http_binding`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{BodyFormat, require};
use crate::ir::{Binding, Field, PayloadKind, Presence, RustType};
use crate::model::TimestampFormat;
use crate::tokens::{ident, rust_type};

/// `Option<&T>` of a member (`Option<&[T]>` for lists), converted to strings first when
/// its timestamp format is not the binding's default.
fn param_value(field: &Field, default: TimestampFormat) -> TokenStream {
    let name = ident(&field.name);
    let optional = field.presence == Presence::Optional;
    let is_list = matches!(field.ty, RustType::List { .. });
    let format = field.timestamp_format.filter(|f| *f != default);
    let convert = match format {
        Some(TimestampFormat::EpochSeconds) => quote!(to_epoch_seconds_string),
        Some(TimestampFormat::DateTime) => quote!(to_rfc3339),
        Some(TimestampFormat::HttpDate) => quote!(to_http_date),
        None => {
            return match (optional, is_list) {
                (true, true) => quote!(self.#name.as_deref()),
                (true, false) => quote!(self.#name.as_ref()),
                (false, true) => quote!(Some(self.#name.as_slice())),
                (false, false) => quote!(Some(&self.#name)),
            };
        }
    };
    let value = if optional {
        quote!(self.#name.as_ref())
    } else {
        quote!(Some(&self.#name))
    };
    if is_list {
        quote! {
            #value.map(|list| list.iter().map(|t| t.#convert()).collect::<Vec<_>>()).as_deref()
        }
    } else {
        quote!(#value.map(|t| t.#convert()).as_ref())
    }
}

/// The builder calls binding one input member: its required check (labels check
/// themselves), then its binding (nothing for body members).
pub(super) fn request_binding(field: &Field, format: BodyFormat) -> TokenStream {
    let check = (field.binding != Binding::Label)
        .then(|| require(field))
        .flatten();
    let bind = bind_member(field, format);
    quote!(#check #bind)
}

fn bind_member(field: &Field, format: BodyFormat) -> TokenStream {
    let wire = &field.wire_name;
    let is_list = matches!(field.ty, RustType::List { .. });
    match &field.binding {
        // The endpoint parameters are added with the other protocols' (`endpoint_params`);
        // event headers are in messages, not in requests.
        Binding::Body | Binding::ResponseCode | Binding::EndpointOnly | Binding::EventHeader => {
            quote!()
        }
        Binding::Label => {
            let value = param_value(field, TimestampFormat::DateTime);
            quote!(.label(#wire, #value))
        }
        Binding::Query(name) => {
            let value = param_value(field, TimestampFormat::DateTime);
            if is_list {
                quote!(.query_list(#name, #value))
            } else {
                quote!(.query(#name, #value))
            }
        }
        Binding::Header(name) => {
            let value = param_value(field, TimestampFormat::HttpDate);
            if is_list {
                quote!(.header_list(#name, #value))
            } else {
                quote!(.header(#name, #value))
            }
        }
        Binding::MediaTypeHeader(name) => {
            let value = param_value(field, TimestampFormat::HttpDate);
            quote!(.media_type_header(#name, #value))
        }
        Binding::QueryParams => {
            let value = param_value(field, TimestampFormat::DateTime);
            quote!(.query_params(#value))
        }
        Binding::PrefixHeaders(prefix) => {
            let value = param_value(field, TimestampFormat::HttpDate);
            quote!(.prefix_headers(#prefix, #value))
        }
        Binding::Payload(kind, root) => {
            let value = param_value(field, TimestampFormat::DateTime);
            match (kind, format) {
                (PayloadKind::Structure, BodyFormat::Json) => quote!(.json_payload(#value)),
                (PayloadKind::Union, BodyFormat::Json) => quote!(.union_payload(#value)),
                (PayloadKind::Structure | PayloadKind::Union, BodyFormat::Xml) => {
                    let name = &root.name;
                    let namespace = super::xml::namespace(root.namespace.as_ref());
                    quote!(.xml_payload(#value, #name, #namespace))
                }
                (PayloadKind::Blob, _) => quote!(.blob_payload(#value)),
                (PayloadKind::Stream, _) => quote!(.stream_payload(#value)),
                (PayloadKind::EventStream, _) => quote!(.event_stream_payload(#value)),
                (PayloadKind::Text, _) => {
                    quote!(.text_payload(#value.map(|v| v.to_string()).as_deref()))
                }
            }
        }
    }
}

/// A statement setting `output.<field>` from the response, for HTTP-bound members.
pub(crate) fn response_binding(field: &Field, format: BodyFormat) -> Option<TokenStream> {
    let name = ident(&field.name);
    let optional = field.presence == Presence::Optional;
    let read = match &field.binding {
        Binding::Body
        | Binding::Label
        | Binding::Query(_)
        | Binding::QueryParams
        | Binding::EndpointOnly
        | Binding::EventHeader => return None,
        Binding::Header(header) => match field.timestamp_format {
            None | Some(TimestampFormat::HttpDate) => {
                quote!(leansdk_runtime::protocol::http_binding::header(response, #header)?)
            }
            Some(TimestampFormat::DateTime) => timestamp_header(header, quote!(DateTime)),
            Some(TimestampFormat::EpochSeconds) => timestamp_header(header, quote!(EpochSeconds)),
        },
        Binding::MediaTypeHeader(header) => {
            quote!(leansdk_runtime::protocol::http_binding::media_type_header(response, #header)?)
        }
        Binding::PrefixHeaders(prefix) => {
            quote!(leansdk_runtime::protocol::http_binding::prefix_headers(response, #prefix))
        }
        Binding::ResponseCode => {
            let ty = rust_type(&field.ty);
            let code = quote!(#ty::from(response.status));
            return Some(if optional {
                quote!(output.#name = Some(#code);)
            } else {
                quote!(output.#name = #code;)
            });
        }
        Binding::Payload(PayloadKind::Structure | PayloadKind::Union, _) => match format {
            BodyFormat::Json => quote!(leansdk_runtime::protocol::rest_json::json_payload(
                response
            )?),
            BodyFormat::Xml => quote!(leansdk_runtime::protocol::rest_xml::payload(response)?),
        },
        // An empty body is an absent blob, not an empty one.
        // Handed over by `from_streaming_response`, unread.
        Binding::Payload(PayloadKind::Stream | PayloadKind::EventStream, _) => return None,
        Binding::Payload(PayloadKind::Blob, _) => {
            quote!((!response.body.is_empty()).then(|| response.body.clone()))
        }
        Binding::Payload(PayloadKind::Text, _) => {
            let ty = rust_type(&field.ty);
            quote!(leansdk_runtime::protocol::http_binding::text_payload(response)?.map(|text| #ty::from(text.as_str())))
        }
    };
    Some(assign(field, read))
}

/// Reads a header of timestamps in `format` (a `leansdk_runtime::datetime::Format` variant).
fn timestamp_header(header: &str, format: TokenStream) -> TokenStream {
    quote! {
        leansdk_runtime::protocol::http_binding::header_with_timestamps(
            response,
            #header,
            leansdk_runtime::datetime::Format::#format,
        )?
    }
}

/// Sets `output.<field>` from `read`, an `Option` of the value.
pub(super) fn assign(field: &Field, read: TokenStream) -> TokenStream {
    let name = ident(&field.name);
    if field.presence == Presence::Optional {
        quote!(output.#name = #read;)
    } else {
        quote! {
            if let Some(value) = #read {
                output.#name = value;
            }
        }
    }
}
