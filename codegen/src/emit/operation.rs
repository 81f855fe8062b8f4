//! One operation's module: `<Op>Input` with its request serialiser, the fluent builder,
//! `<Op>Output` with its response parser, and the `<Op>Error` enum. What the request and
//! the parsers look like is the protocol's ([`crate::protocol`]); the HTTP work is done by
//! `leansdk_runtime`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::structure::{self, default_expr};
use crate::ir::{
    DefaultValue, Operation, OperationError, Presence, Protocol, RustType, Struct, TypeDef,
    TypeKind,
};
use crate::protocol;
use crate::tokens::{compiled_where_used, doc_attrs, ident, rust_type};

/// `<Op>Input`, `<Op>Output`, `<Op>Error` and `<Op>FluentBuilder` as identifiers.
fn type_idents(op: &Operation) -> [Ident; 4] {
    let names = &op.names;
    [&names.input, &names.output, &names.error, &names.builder].map(|n| format_ident!("{}", n))
}

/// Tokens of `src/operation/<module>.rs`; `types` are the crate's data types.
pub fn emit(op: &Operation, protocol: Protocol, types: &[TypeDef]) -> TokenStream {
    let input_docs = format!(
        "Input of `{}`: built by [`Client::{}`](crate::client::Client::{}), or as a literal \
         and sent with [`{}::send_with`].",
        op.name, op.module, op.module, op.names.input
    );
    let output_docs = format!("Output of `{}`.", op.name);
    let input = struct_tokens(&op.names.input, &input_docs, &op.input, protocol);
    let output = struct_tokens(&op.names.output, &output_docs, &op.output, protocol);
    let input_impl = input_impl(op, protocol);
    let output_impl = output_impl(op, protocol);
    let builder = fluent_builder(op);
    let error = error_enum(op);
    let paginator = super::paginator::emit(op);
    let structure = |name: &str| {
        types.iter().find_map(|def| match &def.kind {
            TypeKind::Struct(s) if def.name == name => Some(s),
            _ => None,
        })
    };
    let waiters = super::waiter::emit(op, &structure);
    let import = (structure::uses_codecs(&op.input) || structure::uses_codecs(&op.output))
        .then(crate::protocol::json::Codec::import);
    quote! {
        #import
        #input
        #input_impl
        #builder
        #paginator
        #waiters
        #output
        #output_impl
        #error
    }
}

fn struct_tokens(name: &str, docs: &str, shape: &Struct, protocol: Protocol) -> TokenStream {
    let def = TypeDef {
        shape_id: String::new(),
        name: name.to_owned(),
        module: String::new(),
        docs: docs.to_owned(),
        kind: TypeKind::Struct(shape.clone()),
    };
    structure::emit(&def, shape, protocol)
}

fn input_impl(op: &Operation, protocol: Protocol) -> TokenStream {
    let where_used = compiled_where_used();
    let op_name = &op.name;
    let [input, output, error, _] = type_idents(op);
    let tokens: Vec<TokenStream> = op
        .input
        .fields
        .iter()
        .filter(|f| f.idempotency_token)
        .map(|field| {
            let name = ident(&field.name);
            if field.presence == Presence::Optional {
                quote!(self.#name.get_or_insert_with(leansdk_runtime::orchestrator::uuid_v4);)
            } else {
                quote! {
                    if self.#name.is_empty() {
                        self.#name = leansdk_runtime::orchestrator::uuid_v4();
                    }
                }
            }
        })
        .collect();
    // Unset idempotency tokens are filled once, before the first attempt.
    let receiver = if tokens.is_empty() {
        quote!(self)
    } else {
        quote!(mut self)
    };
    let build = protocol::request(protocol, op);
    let (invoke, from_response) = match op.streamed_output() {
        Some(_) => (quote!(invoke_streaming), quote!(from_streaming_response)),
        None => (quote!(invoke), quote!(from_response)),
    };
    quote! {
        impl leansdk_runtime::orchestrator::Operation for #input {
            const NAME: &'static str = #op_name;
            type Output = #output;
            type Error = #error;
        }

        impl #input {
            /// Sends this input with `client`.
            #where_used
            pub async fn send_with(
                #receiver,
                client: &crate::client::Client,
            ) -> Result<#output, leansdk_runtime::error::SdkError<#error>> {
                #(#tokens)*
                client
                    .handle()
                    .#invoke(
                        self.to_request(),
                        self,
                        #output::#from_response,
                        #error::from_response,
                    )
                    .await
            }

            /// The HTTP request for this input, addressed by path and query only (the client
            /// adds the endpoint). Fails, naming the member, when a required member is unset
            /// or a URI label is empty.
            #where_used
            pub fn to_request(
                &self,
            ) -> Result<leansdk_runtime::http::HttpRequest, leansdk_runtime::error::BuildError> {
                #build
            }
        }
    }
}

fn output_impl(op: &Operation, protocol: Protocol) -> TokenStream {
    let where_used = compiled_where_used();
    let [_, output, ..] = type_idents(op);
    let body = protocol::output_parser(protocol, op);
    let streaming = op.streamed_output().map(|field| {
        let name = ident(&field.name);
        let value = match field.ty {
            RustType::EventReceiver { .. } => {
                quote!(leansdk_runtime::event_stream::Receiver::new(#name))
            }
            _ => quote!(#name),
        };
        let member = match (field.presence == Presence::Optional, &field.ty) {
            (true, _) => quote!(#name: Some(#value)),
            (false, RustType::EventReceiver { .. }) => quote!(#name: #value),
            (false, _) => quote!(#name),
        };
        let docs = format!(
            " Reads a successful response's head and the members bound to it; `{}`, the \
             body still to read, is the streamed member.",
            field.member
        );
        quote! {
            #[doc = #docs]
            #where_used
            pub fn from_streaming_response(
                response: &leansdk_runtime::http::HttpResponse,
                #name: leansdk_runtime::ByteStream,
            ) -> Result<Self, leansdk_runtime::error::ResponseError> {
                Ok(Self { #member, ..Self::from_response(response)? })
            }
        }
    });
    quote! {
        impl #output {
            /// Reads a successful response: the body and the HTTP-bound members.
            #where_used
            pub fn from_response(
                response: &leansdk_runtime::http::HttpResponse,
            ) -> Result<Self, leansdk_runtime::error::ResponseError> {
                #body
            }

            #streaming
        }
    }
}

fn fluent_builder(op: &Operation) -> TokenStream {
    let where_used = compiled_where_used();
    let op_name = &op.name;
    let [input, output, error, builder] = type_idents(op);
    let docs = format!(
        " Builds and sends `{op_name}`: set members, then [`send`](Self::send). Created by \
         [`Client::{}`](crate::client::Client::{}).",
        op.module, op.module
    );
    let setters = op.input.fields.iter().map(|field| {
        let docs = doc_attrs(&field.docs);
        let name = ident(&field.name);
        let set_name = format_ident!("set_{}", field.name.trim_start_matches("r#"));
        let ty = rust_type(&field.ty);
        let (set, reset) = if field.presence == Presence::Optional {
            (quote!(Some(value.into())), quote!(value))
        } else {
            let literal = matches!(
                field.presence,
                Presence::Default(
                    DefaultValue::Bool(_) | DefaultValue::Int(_) | DefaultValue::Float(_)
                )
            );
            let reset = match default_expr(field) {
                Some(default) if literal => quote!(value.unwrap_or(#default)),
                Some(default) => quote!(value.unwrap_or_else(|| #default)),
                None => quote!(value.unwrap_or_default()),
            };
            (quote!(value.into()), reset)
        };
        let set_docs = format!(
            " Sets [`{0}`](Self::{0}) from an `Option`: `None` {1}.",
            field.name.trim_start_matches("r#"),
            if field.presence == Presence::Optional {
                "unsets it"
            } else {
                "restores its default"
            }
        );
        quote! {
            #docs
            pub fn #name(mut self, value: impl Into<#ty>) -> Self {
                self.input.#name = #set;
                self
            }

            #[doc = #set_docs]
            pub fn #set_name(mut self, value: Option<#ty>) -> Self {
                self.input.#name = #reset;
                self
            }
        }
    });
    // With waiters, the builder has a mode: the default sends one call, each waiter's mode
    // polls (`emit::waiter`); the setters are shared by all modes.
    let (params, mode, mode_field, mode_init) = if op.waiters.is_empty() {
        Default::default()
    } else {
        (
            quote!(<Mode = leansdk_runtime::waiter::Call>),
            quote!(<Mode>),
            quote!(mode: ::std::marker::PhantomData<Mode>,),
            quote!(mode: ::std::marker::PhantomData,),
        )
    };
    // A stream of events is sent as it is produced, never from a URL.
    let presigned = (!op.sends_events()).then(|| {
        quote! {
            /// Checks the input and signs the request in its URL instead of sending it, for
            /// anyone to send until it expires (see
            /// [`PresignedRequest`](leansdk_runtime::orchestrator::presigning::PresignedRequest)).
            #where_used
            pub async fn presigned(
                self,
                config: leansdk_runtime::orchestrator::presigning::PresigningConfig,
            ) -> Result<
                leansdk_runtime::orchestrator::presigning::PresignedRequest,
                leansdk_runtime::error::SdkError<#error>,
            > {
                self.client.handle().presign(self.input.to_request(), config).await
            }
        }
    });
    quote! {
        #[doc = #docs]
        #[derive(Clone, Debug)]
        pub struct #builder #params {
            client: crate::client::Client,
            input: #input,
            #mode_field
        }

        impl #mode #builder #mode {
            pub(crate) fn new(client: crate::client::Client) -> Self {
                Self { client, input: #input::default(), #mode_init }
            }

            /// The input built so far.
            pub fn as_input(&self) -> &#input {
                &self.input
            }

            #(#setters)*

            /// Changes settings for this call only: what `overrides` sets (timeouts,
            /// retries, region, endpoint, credentials, ...) wins over the client's
            /// configuration, the rest stays; see
            /// [`Config::with_overrides`](leansdk_runtime::config::Config::with_overrides).
            pub fn config_override(mut self, overrides: leansdk_runtime::config::ConfigBuilder) -> Self {
                self.client = self.client.with_config_override(overrides);
                self
            }
        }

        impl #builder {
            /// Checks the input, sends the request and reads the response.
            #where_used
            pub async fn send(self) -> Result<#output, leansdk_runtime::error::SdkError<#error>> {
                self.input.send_with(&self.client).await
            }

            #presigned
        }
    }
}

fn error_enum(op: &Operation) -> TokenStream {
    let docs = format!(" Errors `{}` can return.", op.name);
    error_enum_tokens(
        &op.names.error,
        &docs,
        &op.errors,
        " An error the model does not list for this operation.",
    )
}

/// An error enum named `name`: one variant per modelled error, plus `Unhandled`; the
/// runtime's macro writes the dispatch by code, the `is_*` helpers and the trait impls. The
/// operations' error enums and the event streams' (whose exceptions are their errors).
pub(super) fn error_enum_tokens(
    name: &str,
    docs: &str,
    errors: &[OperationError],
    unhandled_docs: &str,
) -> TokenStream {
    let error = format_ident!("{}", name);
    let variants: Vec<_> = errors
        .iter()
        .map(|e| format_ident!("{}", e.type_name))
        .collect();
    let variant_docs = errors
        .iter()
        .map(|e| format!(" See [`{0}`](crate::types::{0}).", e.type_name));
    // One list for the runtime's macro: variant and type, wire codes, `is_*` helper.
    let dispatch = errors.iter().zip(&variants).map(|(e, variant)| {
        let codes = &e.codes;
        let is = format_ident!("is_{}", e.snake);
        quote!(#variant(crate::types::#variant) = #(#codes)|* => #is)
    });
    quote! {
        #[doc = #docs]
        #[derive(Debug)]
        // A newly modelled error becomes a variant without breaking callers' `match`es.
        #[non_exhaustive]
        pub enum #error {
            #( #[doc = #variant_docs] #variants(crate::types::#variants), )*
            #[doc = #unhandled_docs]
            Unhandled(leansdk_runtime::error::UnhandledError),
        }

        leansdk_runtime::operation_error_impls! {
            #error;
            #(#dispatch;)*
        }
    }
}

/// Tokens of `src/operation/mod.rs`: one public module per operation.
pub fn mod_rs(operations: &[Operation]) -> TokenStream {
    let modules = operations.iter().map(|op| {
        let docs = doc_attrs(&op.docs);
        let module = ident(&op.module);
        quote! { #docs pub mod #module; }
    });
    quote! {
        //! One module per operation: its input, output, fluent builder and error enum.
        #(#modules)*
    }
}
