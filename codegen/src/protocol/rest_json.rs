//! `aws.protocols#restJson1`: the operation's `smithy.api#http` method and URI, members
//! placed by their HTTP binding traits, the rest in a JSON body.

use proc_macro2::TokenStream;
use quote::quote;

use super::{BodyFormat, http_binding, operation_settings};
use crate::ir::Operation;

pub(super) fn request(op: &Operation) -> TokenStream {
    let method = &op.http.method;
    let uri = &op.http.uri;
    let bindings = op
        .input
        .fields
        .iter()
        .map(|f| http_binding::request_binding(f, BodyFormat::Json));
    let json_body = op
        .input
        .fields
        .iter()
        .any(|f| !f.is_http_bound())
        .then(|| quote!(.json_body(self)));
    let settings = operation_settings(op);
    quote! {
        leansdk_runtime::protocol::http_binding::RequestBuilder::new(#method, #uri)
            #(#bindings)*
            #json_body
            #settings
            .build()
    }
}
