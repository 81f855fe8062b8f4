//! `aws.protocols#awsQuery` and `aws.protocols#ec2Query`: every request is the service's
//! `PROTOCOL.request(<operation>, self)`, the input's members form-encoded by its `ToQuery`
//! impl ([`super::query`]); outputs are read from `<OperationResult>` (awsQuery) or the
//! root element (ec2Query). HTTP binding traits do not apply.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ClientItems, operation_settings, require};
use crate::ir::{Crate, Operation, REQUEST_ID_FIELD};

/// Which of the two query protocols.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavour {
    AwsQuery,
    Ec2Query,
}

pub(super) fn request(op: &Operation) -> TokenStream {
    let operation = &op.wire_name;
    let requires = op.input.fields.iter().filter_map(require);
    let settings = operation_settings(op);
    quote! {
        crate::client::PROTOCOL
            .request(#operation, self)
            #(#requires)*
            #settings
            .build()
    }
}

/// The body of `<Op>Output::from_response`.
pub(super) fn output_parser(op: &Operation, flavour: Flavour) -> TokenStream {
    let request_id = format_ident!("{}", REQUEST_ID_FIELD);
    let read = quote!(<Self as leansdk_runtime::protocol::xml::FromXml>::from_xml);
    let output = match flavour {
        Flavour::AwsQuery => {
            let result = format!("{}Result", op.wire_name);
            quote!(leansdk_runtime::protocol::aws_query::output(response, #result, #read)?)
        }
        Flavour::Ec2Query => quote!(leansdk_runtime::protocol::ec2_query::output(response, #read)?),
    };
    if op.output.fields.is_empty() {
        return quote! {
            let (_, #request_id) = #output;
            Ok(Self { #request_id })
        };
    }
    quote! {
        let (body, #request_id) = #output;
        Ok(Self { #request_id, ..body })
    }
}

pub(super) fn client_items(krate: &Crate, flavour: Flavour) -> ClientItems {
    let version = &krate.service.version;
    let (module, ty) = match flavour {
        Flavour::AwsQuery => (format_ident!("aws_query"), format_ident!("AwsQuery")),
        Flavour::Ec2Query => (format_ident!("ec2_query"), format_ident!("Ec2Query")),
    };
    ClientItems {
        error_metadata: quote!(leansdk_runtime::protocol::#module::error_metadata),
        error_in_success: quote!(None),
        statics: quote! {
            /// The service's API version, which every request names.
            pub(crate) static PROTOCOL: leansdk_runtime::protocol::#module::#ty =
                leansdk_runtime::protocol::#module::#ty { version: #version };
        },
    }
}
