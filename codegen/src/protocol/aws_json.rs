//! `aws.protocols#awsJson1_0` and `aws.protocols#awsJson1_1`: every request is the service's
//! `PROTOCOL.request(<operation>)` with the whole input as its JSON body (`{}` when it has
//! no members); HTTP binding traits do not apply (the IR leaves every member in the body).

use proc_macro2::TokenStream;
use quote::quote;

use super::{ClientItems, operation_settings, require};
use crate::ir::{AwsJsonVersion, Crate, Operation};

pub(super) fn request(op: &Operation) -> TokenStream {
    let operation = &op.wire_name;
    let requires = op.input.fields.iter().filter_map(require);
    let settings = operation_settings(op);
    quote! {
        crate::client::PROTOCOL
            .request(#operation)
            #(#requires)*
            #settings
            .json_body(self)
            .build()
    }
}

pub(super) fn client_items(
    krate: &Crate,
    version: AwsJsonVersion,
    query_compatible: bool,
) -> ClientItems {
    let content_type = version.content_type();
    let target_prefix = &krate.service.shape_name;
    let error_metadata = if query_compatible {
        quote!(leansdk_runtime::protocol::aws_json::query_compatible_error_metadata)
    } else {
        quote!(leansdk_runtime::protocol::aws_json::error_metadata)
    };
    ClientItems {
        error_metadata,
        error_in_success: quote!(None),
        statics: quote! {
            /// How this service's requests are framed (`X-Amz-Target`, content type).
            pub(crate) static PROTOCOL: leansdk_runtime::protocol::aws_json::AwsJson =
                leansdk_runtime::protocol::aws_json::AwsJson {
                    content_type: #content_type,
                    target_prefix: #target_prefix,
                    query_compatible: #query_compatible,
                };
        },
    }
}
