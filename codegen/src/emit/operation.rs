//! One operation's module: `<Op>Input` with its request serialiser, the fluent builder,
//! `<Op>Output` with its response parser, and the `<Op>Error` enum. The HTTP work is done
//! by `leansdk_runtime::rest_json`; this file only lists the bindings.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::structure::{self, default_expr};
use super::{doc_attrs, ident, rust_type};
use crate::ir::{
    Binding, DefaultValue, ERROR_META_FIELD, Field, MemberBinding, Operation, PayloadKind,
    Presence, REQUEST_ID_FIELD, RustType, Struct, TypeDef, TypeKind,
};
use crate::model::TimestampFormat;

/// Type names of one operation.
struct Names {
    op: String,
    input: proc_macro2::Ident,
    output: proc_macro2::Ident,
    error: proc_macro2::Ident,
    builder: proc_macro2::Ident,
}

impl Names {
    fn new(op: &Operation) -> Self {
        Self {
            op: op.name.clone(),
            input: format_ident!("{}Input", op.name),
            output: format_ident!("{}Output", op.name),
            error: format_ident!("{}Error", op.name),
            builder: format_ident!("{}FluentBuilder", op.name),
        }
    }
}

/// Tokens of `src/operation/<module>.rs`.
pub fn emit(op: &Operation) -> TokenStream {
    let names = Names::new(op);
    let input_docs = format!(
        "Input of `{}`: built by [`Client::{}`](crate::client::Client::{}), or as a literal \
         and sent with [`{}::send_with`].",
        names.op, op.module, op.module, names.input
    );
    let output_docs = format!("Output of `{}`.", names.op);
    let input = struct_tokens(&names.input.to_string(), &input_docs, &op.input);
    let output = struct_tokens(&names.output.to_string(), &output_docs, &op.output);
    let input_impl = input_impl(op, &names);
    let output_impl = output_impl(op, &names);
    let builder = fluent_builder(op, &names);
    let error = error_enum(op, &names);
    let paginator = super::paginator::emit(op);
    quote! {
        #input
        #input_impl
        #builder
        #paginator
        #output
        #output_impl
        #error
    }
}

fn struct_tokens(name: &str, docs: &str, shape: &Struct) -> TokenStream {
    let def = TypeDef {
        shape_id: String::new(),
        name: name.to_owned(),
        module: String::new(),
        docs: docs.to_owned(),
        kind: TypeKind::Struct(shape.clone()),
    };
    structure::emit(&def, shape)
}

fn input_impl(op: &Operation, names: &Names) -> TokenStream {
    let Names {
        op: op_name,
        input,
        output,
        error,
        ..
    } = names;
    let method = &op.http.method;
    let uri = &op.http.uri;
    let fields = || op.input.fields.iter().zip(&op.input_bindings);
    let bindings = fields().map(|(field, binding)| request_binding(field, binding));
    let has_body = fields().any(|(_, b)| b.binding == Binding::Body);
    let json_body = has_body.then(|| quote!(.json_body(self)));
    let host_prefix = op.host_prefix.as_ref().map(|prefix| {
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
    });
    let tokens = fields()
        .filter(|(_, b)| b.idempotency_token)
        .map(|(field, _)| {
            let name = ident(&field.name);
            if field.presence == Presence::Optional {
                quote!(input.#name.get_or_insert_with(leansdk_runtime::orchestrator::uuid_v4);)
            } else {
                quote! {
                    if input.#name.is_empty() {
                        input.#name = leansdk_runtime::orchestrator::uuid_v4();
                    }
                }
            }
        })
        .collect::<Vec<_>>();
    let input_binding = if tokens.is_empty() {
        quote!(let input = self;)
    } else {
        quote!(let mut input = self; #(#tokens)*)
    };
    quote! {
        impl #input {
            /// Sends this input with `client`.
            pub async fn send_with(
                self,
                client: &crate::client::Client,
            ) -> Result<#output, leansdk_runtime::error::SdkError<#error>> {
                #input_binding
                client
                    .handle()
                    .invoke(#op_name, input.to_request(), #output::from_response, #error::from_response)
                    .await
            }

            /// The HTTP request for this input, addressed by path and query only (the client
            /// adds the endpoint). Fails, naming the member, when a required member is unset
            /// or a URI label is empty.
            pub fn to_request(
                &self,
            ) -> Result<leansdk_runtime::http::HttpRequest, leansdk_runtime::error::BuildError> {
                leansdk_runtime::protocol::http_binding::RequestBuilder::new(#method, #uri)
                    #(#bindings)*
                    #json_body
                    #host_prefix
                    .build()
            }
        }
    }
}

/// `Option<&T>` of a member (`Option<&[T]>` for lists), converted to strings first when
/// its timestamp format is not the binding's default.
fn param_value(field: &Field, binding: &MemberBinding, default: TimestampFormat) -> TokenStream {
    let name = ident(&field.name);
    let optional = field.presence == Presence::Optional;
    let is_list = matches!(field.ty, RustType::List { .. });
    let format = binding.timestamp_format.filter(|f| *f != default);
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

fn request_binding(field: &Field, binding: &MemberBinding) -> TokenStream {
    let check = (field.checked_required && binding.binding != Binding::Label).then(|| {
        let (member, name) = (&field.member, ident(&field.name));
        quote!(.require(#member, self.#name.as_ref()))
    });
    let bind = bind_member(field, binding);
    quote!(#check #bind)
}

fn bind_member(field: &Field, binding: &MemberBinding) -> TokenStream {
    let wire = &field.wire_name;
    let is_list = matches!(field.ty, RustType::List { .. });
    match &binding.binding {
        Binding::Body | Binding::ResponseCode => quote!(),
        Binding::Label => {
            let value = param_value(field, binding, TimestampFormat::DateTime);
            quote!(.label(#wire, #value))
        }
        Binding::Query(name) => {
            let value = param_value(field, binding, TimestampFormat::DateTime);
            if is_list {
                quote!(.query_list(#name, #value))
            } else {
                quote!(.query(#name, #value))
            }
        }
        Binding::Header(name) => {
            let value = param_value(field, binding, TimestampFormat::HttpDate);
            if is_list {
                quote!(.header_list(#name, #value))
            } else {
                quote!(.header(#name, #value))
            }
        }
        Binding::QueryParams => {
            let value = param_value(field, binding, TimestampFormat::DateTime);
            quote!(.query_params(#value))
        }
        Binding::PrefixHeaders(prefix) => {
            let value = param_value(field, binding, TimestampFormat::HttpDate);
            quote!(.prefix_headers(#prefix, #value))
        }
        Binding::Payload(kind) => {
            let value = param_value(field, binding, TimestampFormat::DateTime);
            match kind {
                PayloadKind::Json => quote!(.json_payload(#value)),
                PayloadKind::Union => quote!(.union_payload(#value)),
                PayloadKind::Blob => quote!(.blob_payload(#value)),
                PayloadKind::Text => {
                    quote!(.text_payload(#value.map(|v| v.to_string()).as_deref()))
                }
            }
        }
    }
}

fn output_impl(op: &Operation, names: &Names) -> TokenStream {
    let output = &names.output;
    let request_id = format_ident!("{}", REQUEST_ID_FIELD);
    let fields = || op.output.fields.iter().zip(&op.output_bindings);
    let has_payload = fields().any(|(_, b)| matches!(b.binding, Binding::Payload(_)));
    let start = if has_payload {
        quote!(Self::default())
    } else {
        quote!(leansdk_runtime::protocol::json::parse_body::<Self>(
            response
        )?)
    };
    let reads: Vec<TokenStream> = fields()
        .filter_map(|(field, binding)| response_binding(field, binding))
        .collect();
    let request_id = quote!(#request_id: leansdk_runtime::http::request_id(&response.headers).map(str::to_owned));
    let body = if op.output.fields.is_empty() {
        // Nothing to read: the body of an empty output is ignored, as the AWS SDKs do.
        quote!(Ok(Self { #request_id }))
    } else if reads.is_empty() {
        quote!(Ok(Self { #request_id, ..#start }))
    } else {
        quote! {
            let mut output = Self { #request_id, ..#start };
            #(#reads)*
            Ok(output)
        }
    };
    quote! {
        impl #output {
            /// Reads a successful response: the JSON body and the HTTP-bound members.
            pub fn from_response(
                response: &leansdk_runtime::http::HttpResponse,
            ) -> Result<Self, leansdk_runtime::error::ResponseError> {
                #body
            }
        }
    }
}

/// A statement setting `output.<field>` from the response, for HTTP-bound members.
pub(super) fn response_binding(field: &Field, binding: &MemberBinding) -> Option<TokenStream> {
    let name = ident(&field.name);
    let optional = field.presence == Presence::Optional;
    let read = match &binding.binding {
        Binding::Body | Binding::Label | Binding::Query(_) | Binding::QueryParams => return None,
        Binding::Header(header) => match binding.timestamp_format {
            None | Some(TimestampFormat::HttpDate) => {
                quote!(leansdk_runtime::protocol::http_binding::header(response, #header)?)
            }
            Some(TimestampFormat::DateTime) => timestamp_header(header, quote!(DateTime)),
            Some(TimestampFormat::EpochSeconds) => timestamp_header(header, quote!(EpochSeconds)),
        },
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
        Binding::Payload(PayloadKind::Json | PayloadKind::Union) => {
            quote!(leansdk_runtime::protocol::rest_json::json_payload(
                response
            )?)
        }
        // An empty body is an absent blob, not an empty one.
        Binding::Payload(PayloadKind::Blob) => {
            quote!((!response.body.is_empty()).then(|| response.body.clone()))
        }
        Binding::Payload(PayloadKind::Text) => {
            let ty = rust_type(&field.ty);
            quote!(leansdk_runtime::protocol::http_binding::text_payload(response)?.map(|text| #ty::from(text.as_str())))
        }
    };
    Some(assign(field, read))
}

/// Reads a header of timestamps in `format` (a `protocol::http_binding::HeaderTimestamp` variant).
fn timestamp_header(header: &str, format: TokenStream) -> TokenStream {
    quote! {
        leansdk_runtime::protocol::http_binding::header_with_timestamps(
            response,
            #header,
            leansdk_runtime::protocol::http_binding::HeaderTimestamp::#format,
        )?
    }
}

/// Sets `output.<field>` from `read`, an `Option` of the value.
fn assign(field: &Field, read: TokenStream) -> TokenStream {
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

fn fluent_builder(op: &Operation, names: &Names) -> TokenStream {
    let Names {
        op: op_name,
        input,
        output,
        error,
        builder,
    } = names;
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
        quote! {
            #docs
            pub fn #name(mut self, value: impl Into<#ty>) -> Self {
                self.input.#name = #set;
                self
            }

            #docs
            pub fn #set_name(mut self, value: Option<#ty>) -> Self {
                self.input.#name = #reset;
                self
            }
        }
    });
    quote! {
        #[doc = #docs]
        #[derive(Clone, Debug)]
        pub struct #builder {
            client: crate::client::Client,
            input: #input,
        }

        impl #builder {
            pub(crate) fn new(client: crate::client::Client) -> Self {
                Self { client, input: #input::default() }
            }

            /// The input built so far.
            pub fn as_input(&self) -> &#input {
                &self.input
            }

            #(#setters)*

            /// Checks the input, sends the request and reads the response.
            pub async fn send(self) -> Result<#output, leansdk_runtime::error::SdkError<#error>> {
                self.input.send_with(&self.client).await
            }
        }
    }
}

fn error_enum(op: &Operation, names: &Names) -> TokenStream {
    let Names {
        op: op_name, error, ..
    } = names;
    let docs = format!(" Errors `{op_name}` can return.");
    let meta = format_ident!("{}", ERROR_META_FIELD);
    let variants: Vec<_> = op
        .errors
        .iter()
        .map(|e| format_ident!("{}", e.type_name))
        .collect();
    let variant_docs = op
        .errors
        .iter()
        .map(|e| format!(" See [`{0}`](crate::types::{0}).", e.type_name));
    let arms = op.errors.iter().zip(&variants).map(|(e, variant)| {
        let code = &e.code;
        quote!(Some(#code) => Self::#variant(crate::types::#variant::from_response(#meta, response)?),)
    });
    let checks = op.errors.iter().zip(&variants).map(|(e, variant)| {
        let name = format_ident!("is_{}", e.snake);
        let docs = format!(" Whether this is `{}`.", e.code);
        quote! {
            #[doc = #docs]
            pub fn #name(&self) -> bool {
                matches!(self, Self::#variant(_))
            }
        }
    });
    let unhandled = quote!(Self::Unhandled(leansdk_runtime::error::UnhandledError::new(#meta)));
    let dispatch = if op.errors.is_empty() {
        quote!(Ok(#unhandled))
    } else {
        quote! {
            Ok(match #meta.code() {
                #(#arms)*
                _ => #unhandled,
            })
        }
    };
    let response = if op.errors.is_empty() {
        quote!(_response)
    } else {
        quote!(response)
    };
    quote! {
        #[doc = #docs]
        #[derive(Debug)]
        pub enum #error {
            #( #[doc = #variant_docs] #variants(crate::types::#variants), )*
            /// An error the model does not list for this operation.
            Unhandled(leansdk_runtime::error::UnhandledError),
        }

        impl #error {
            /// Picks the variant by error code; the body is parsed for modelled errors only.
            pub fn from_response(
                #meta: leansdk_runtime::error::ErrorMetadata,
                #response: &leansdk_runtime::http::HttpResponse,
            ) -> Result<Self, leansdk_runtime::error::ResponseError> {
                #dispatch
            }

            #(#checks)*
        }

        leansdk_runtime::operation_error_impls!(#error { #(#variants),* });
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
