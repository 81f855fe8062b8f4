//! `src/client.rs`: the service facts the runtime needs and one method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Crate;
use crate::protocol;
use crate::tokens::{doc_attrs, ident};

/// `has_endpoint_rules`: whether `crate::endpoint` exists; without it every request goes
/// to the configured endpoint URL, and a client without one fails with a `BuildError`.
pub fn emit(krate: &Crate, has_endpoint_rules: bool) -> TokenStream {
    let sdk_id = &krate.service.sdk_id;
    let signing_name = &krate.service.signing_name;
    let resolver = if has_endpoint_rules {
        quote!(crate::endpoint::resolve_for_config)
    } else {
        quote!(leansdk_runtime::orchestrator::endpoint_url_only)
    };
    let methods = krate.operations.iter().map(|op| {
        let docs = doc_attrs(&op.docs);
        let method = ident(&op.module);
        let module = ident(&op.module);
        let builder = format_ident!("{}", op.names.builder);
        let waiters = op
            .waiters
            .iter()
            .map(|w| super::waiter::client_method(op, w));
        quote! {
            #docs
            pub fn #method(&self) -> crate::operation::#module::#builder {
                crate::operation::#module::#builder::new(self.clone())
            }

            #(#waiters)*
        }
    });
    let client_docs = format!(
        " Client for {sdk_id}: one method per operation, each returning a fluent builder. \
         Cheap to clone; clones share connections and the retry quota."
    );
    let crate::ir::Signing {
        double_uri_encode,
        normalize_path,
        payload_header,
    } = krate.service.signing;
    let protocol::ClientItems {
        error_metadata,
        error_in_success,
        statics,
    } = protocol::client_items(krate);
    quote! {
        //! The service client.

        use leansdk_runtime::orchestrator::{ClientHandle, ServiceMeta};
        use leansdk_runtime::config::Config;

        static SERVICE: ServiceMeta = ServiceMeta {
            service_id: #sdk_id,
            signing_name: #signing_name,
            sdk_version: env!("CARGO_PKG_VERSION"),
            resolve_endpoint: #resolver,
            error_metadata: #error_metadata,
            signing: leansdk_runtime::auth::sigv4::SigningSettings {
                double_uri_encode: #double_uri_encode,
                normalize_path: #normalize_path,
                payload_header: #payload_header,
            },
            error_in_success: #error_in_success,
        };

        #statics

        #[doc = #client_docs]
        #[derive(Clone, Debug)]
        pub struct Client {
            handle: ClientHandle,
        }

        impl Client {
            pub fn new(config: &Config) -> Self {
                Self {
                    handle: ClientHandle::new(config, &SERVICE),
                }
            }

            /// The configuration this client was built with.
            pub fn config(&self) -> &Config {
                self.handle.config()
            }

            pub(crate) fn handle(&self) -> &ClientHandle {
                &self.handle
            }

            /// This client for one call with `overrides` (see the builders' `config_override`).
            pub(crate) fn with_config_override(&self, overrides: leansdk_runtime::config::ConfigBuilder) -> Self {
                Self {
                    handle: self.handle.with_config_override(overrides),
                }
            }

            #(#methods)*
        }
    }
}
