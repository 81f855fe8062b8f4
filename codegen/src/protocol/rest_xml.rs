//! `aws.protocols#restXml`: the operation's `smithy.api#http` method and URI, members placed
//! by their HTTP binding traits, the rest in an XML body whose root is the input's
//! `smithy.api#xmlName` (or shape name).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{BodyFormat, http_binding, operation_settings};
use crate::ir::{Binding, Operation, REQUEST_ID_FIELD, Struct};

pub(super) fn request(op: &Operation) -> TokenStream {
    let method = &op.http.method;
    let uri = &op.http.uri;
    let bindings = op
        .input
        .fields
        .iter()
        .map(|f| http_binding::request_binding(f, BodyFormat::Xml));
    let xml_body = op.input.fields.iter().any(|f| !f.is_http_bound()).then(|| {
        let root = &op.input.xml_name.name;
        let namespace = super::xml::namespace(op.input.xml_name.namespace.as_ref());
        quote!(.xml_body(self, #root, #namespace))
    });
    let settings = operation_settings(op);
    quote! {
        leansdk_runtime::protocol::http_binding::RequestBuilder::new(#method, #uri)
            #(#bindings)*
            #xml_body
            #settings
            .build()
    }
}

/// The body of `<Op>Output::from_response`: the XML body (none when a member is the
/// payload), the HTTP-bound members, the request ID.
pub(super) fn output_parser(op: &Operation) -> TokenStream {
    let fields = &op.output.fields;
    let request_id = format_ident!("{}", REQUEST_ID_FIELD);
    let header_id = quote!(leansdk_runtime::http::request_id(&response.headers).map(str::to_owned));
    if fields.is_empty() {
        return quote!(Ok(Self { #request_id: #header_id }));
    }
    let reads: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| http_binding::response_binding(f, BodyFormat::Xml))
        .collect();
    let has_payload = fields
        .iter()
        .any(|f| matches!(f.binding, Binding::Payload(..)));
    // Header-bound members (and the payload) are set after the body is read.
    let binding = if reads.is_empty() {
        quote!(output)
    } else {
        quote!(mut output)
    };
    let start = if has_payload {
        quote!(let #binding = Self { #request_id: #header_id, ..Self::default() };)
    } else {
        quote! {
            let (body, #request_id) = leansdk_runtime::protocol::rest_xml::output(
                response,
                <Self as leansdk_runtime::protocol::xml::FromXml>::from_xml,
            )?;
            let #binding = Self { #request_id, ..body };
        }
    };
    quote! {
        #start
        #(#reads)*
        Ok(output)
    }
}

/// The body of an error structure's `from_response`: its members from the `<Error>`
/// element, then its header-bound members (any XML protocol).
pub(super) fn error_parser(structure: &Struct, meta_value: TokenStream) -> (TokenStream, bool) {
    if structure.fields.is_empty() {
        return (quote!(Ok(Self { #meta_value })), false);
    }
    let parsed = quote! {
        Self {
            #meta_value,
            ..leansdk_runtime::protocol::xml::error_fields(
                response,
                <Self as leansdk_runtime::protocol::xml::FromXml>::from_xml,
            )?
        }
    };
    let reads: Vec<TokenStream> = structure
        .fields
        .iter()
        .filter_map(|f| http_binding::response_binding(f, BodyFormat::Xml))
        .collect();
    let body = if reads.is_empty() {
        quote!(Ok(#parsed))
    } else {
        quote! {
            let mut output = #parsed;
            #(#reads)*
            Ok(output)
        }
    };
    (body, true)
}
