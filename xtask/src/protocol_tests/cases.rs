//! One `#[test]` per compliance case, in one module per suite (`tests/compliance.rs`).

use leansdk_codegen::ident;
use leansdk_codegen::ir::{Crate, Operation, Struct};
use leansdk_codegen::model::{Model, ShapeId, ShapeKind};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::botocore::{Case, Direction, Response, SerializedRequest, Suite};
use super::literal::Literals;
use super::skips::skip_reason;

/// A suite with the operation it exercises.
pub struct SuiteOperation<'a> {
    pub direction: Direction,
    pub suite: &'a Suite,
    pub operation: &'a ShapeId,
    /// Why the suite could not be translated: its cases fail with this.
    pub failure: Option<&'a str>,
}

/// The generated crate's pieces a test needs.
pub struct Generated<'a> {
    pub model: &'a Model,
    pub krate: &'a Crate,
    pub literals: Literals<'a>,
    pub crate_ident: proc_macro2::Ident,
    /// botocore's name of the protocol, for the file's docs.
    pub protocol_name: &'a str,
}

/// Module name of a suite's tests: direction plus the suite's namespace, unique per suite.
pub fn module_name(direction: Direction, operation: &ShapeId) -> String {
    let namespace = operation.namespace();
    let suite = namespace.rsplit('.').next().unwrap_or(namespace);
    format!("{}_{suite}", direction.name())
}

pub fn test_name(case: &Case) -> String {
    leansdk_codegen::ir::escape_ident(&heck::ToSnakeCase::to_snake_case(case.id.as_str()))
}

/// The whole test file.
pub fn compliance_tests(
    generated: &Generated<'_>,
    suites: &[SuiteOperation<'_>],
    ignored: &super::botocore::Ignored,
) -> Result<TokenStream, String> {
    let mut modules = Vec::new();
    for suite in suites {
        let operation = match suite.failure {
            Some(failure) => Err(format!("cannot translate the suite: {failure}")),
            None => generated
                .krate
                .operations
                .iter()
                .find(|op| op.shape_id == suite.operation.as_str())
                .ok_or_else(|| format!("no generated operation for `{}`", suite.operation)),
        };
        let mut tests = Vec::new();
        for case in &suite.suite.cases {
            let skip = skip_reason(ignored, suite.direction, suite.suite, case)
                .map(|reason| quote!(#[ignore = #reason]));
            let body = operation
                .as_ref()
                .map_err(String::clone)
                .and_then(|operation| match suite.direction {
                    Direction::Input => request_test(generated, suite.operation, operation, case),
                    Direction::Output => response_test(generated, suite.operation, operation, case),
                })
                // A case that cannot be translated fails with the reason; the others run.
                .unwrap_or_else(|reason| {
                    let message = format!("case `{}` cannot be translated: {reason}", case.id);
                    quote!(panic!("{}", #message);)
                });
            let name = ident(&test_name(case));
            let docs = case.description.as_deref().unwrap_or(&case.id);
            let docs = format!(" {}", docs.replace('\n', " "));
            tests.push(quote! {
                #[doc = #docs]
                #[test]
                #skip
                fn #name() {
                    #body
                }
            });
        }
        let module = format_ident!("{}", module_name(suite.direction, suite.operation));
        let docs = format!(" {}", suite.suite.description);
        let krate = &generated.crate_ident;
        let uses = operation.as_ref().ok().map(|operation| {
            let op_module = ident(&operation.module);
            quote!(use #krate::operation::#op_module::*;)
        });
        modules.push(quote! {
            #[doc = #docs]
            // prettyplease formats this file; rustfmt would only re-wrap the literals.
            #[rustfmt::skip]
            mod #module {
                #[allow(unused_imports)]
                use leansdk_protocol_harness as harness;
                #uses

                #(#tests)*
            }
        });
    }
    let docs = format!(
        " botocore's {} compliance cases, one test each; see `tests/protocol/README.md`.",
        generated.protocol_name
    );
    Ok(quote! {
        #![doc = #docs]

        #(#modules)*
    })
}

/// The client, sending to `https://<endpoint>` (`example.com` unless the case names a host,
/// which may carry a path: `example.com/custom`).
fn client(generated: &Generated<'_>, endpoint: Option<&str>) -> TokenStream {
    let krate = &generated.crate_ident;
    let endpoint = format!("https://{}", endpoint.unwrap_or("example.com"));
    quote!(let client = #krate::client::Client::new(&capture.config(#endpoint));)
}

/// The operation's input, built from the case's `params`.
fn input_value(
    generated: &Generated<'_>,
    operation_id: &ShapeId,
    operation: &Operation,
    params: &Value,
) -> Result<TokenStream, String> {
    let name = format_ident!("{}Input", operation.name);
    let Some(input_shape) = io_shape(generated.model, operation_id, Io::Input) else {
        return Ok(quote!(#name::default()));
    };
    let fields = struct_fields(generated, &input_shape, &operation.input, params)?;
    let rest = Literals::rest(fields.len(), &operation.input);
    Ok(quote!(#name { #(#fields)* #rest }))
}

fn struct_fields(
    generated: &Generated<'_>,
    shape: &ShapeId,
    structure: &Struct,
    json: &Value,
) -> Result<Vec<TokenStream>, String> {
    Ok(generated
        .literals
        .fields(shape, structure, json)?
        .into_iter()
        .map(|f| {
            let name = ident(&f.field.name);
            let value = Literals::stored(f.field, &f.value);
            quote!(#name: #value,)
        })
        .collect())
}

enum Io {
    Input,
    Output,
}

fn io_shape(model: &Model, operation: &ShapeId, io: Io) -> Option<ShapeId> {
    match &model.shape(operation)?.kind {
        ShapeKind::Operation(op) => match io {
            Io::Input => op.input.clone(),
            Io::Output => op.output.clone(),
        },
        _ => None,
    }
}

fn request_test(
    generated: &Generated<'_>,
    operation_id: &ShapeId,
    operation: &Operation,
    case: &Case,
) -> Result<TokenStream, String> {
    let expected = case
        .serialized
        .as_ref()
        .ok_or("an input case without `serialized`")?;
    let input = input_value(
        generated,
        operation_id,
        operation,
        case.params.as_ref().unwrap_or(&Value::Null),
    )?;
    // A host with a path is the endpoint the user configured; a host prefix is added to it.
    let endpoint = expected.host.as_deref().filter(|host| host.contains('/'));
    let client = client(generated, endpoint);
    let expected = expected_request(expected);
    Ok(quote! {
        let capture = harness::Capture::ok();
        #client
        let outcome = harness::block_on(#input.send_with(&client));
        harness::assert_request(&capture.sent(outcome), &#expected);
    })
}

fn expected_request(expected: &SerializedRequest) -> TokenStream {
    let SerializedRequest {
        method,
        uri,
        body,
        headers,
        forbid_headers,
        require_headers,
        host,
    } = expected;
    let host = match host {
        Some(host) => quote!(Some(#host)),
        None => quote!(None),
    };
    let headers = headers.iter().map(|(name, value)| quote!((#name, #value)));
    let body = match body {
        Some(body) => quote!(Some(#body)),
        None => quote!(None),
    };
    quote! {
        harness::Expected {
            method: #method,
            uri: #uri,
            host: #host,
            headers: &[#(#headers),*],
            forbid_headers: &[#(#forbid_headers),*],
            require_headers: &[#(#require_headers),*],
            body: #body,
        }
    }
}

fn canned_response(response: &Response) -> TokenStream {
    let status = Literal::u16_unsuffixed(response.status_code);
    let headers = response
        .headers
        .iter()
        .map(|(name, value)| quote!((#name, #value)));
    let body = &response.body;
    quote!(harness::response(#status, &[#(#headers),*], #body))
}

fn response_test(
    generated: &Generated<'_>,
    operation_id: &ShapeId,
    operation: &Operation,
    case: &Case,
) -> Result<TokenStream, String> {
    let response = case
        .response
        .as_ref()
        .ok_or("an output case without `response`")?;
    let response = canned_response(response);
    let client = client(generated, None);
    let input = input_value(generated, operation_id, operation, &Value::Null)?;
    let check = match (&case.error, &case.error_code) {
        (Some(error), Some(code)) => error_checks(generated, operation, case, error, code)?,
        _ => output_checks(generated, operation_id, operation, case)?,
    };
    Ok(quote! {
        let capture = harness::Capture::answering(#response);
        #client
        let outcome = harness::block_on(#input.send_with(&client));
        #check
    })
}

/// Every field of the output compared with the case's `result` (absent members: default).
fn output_checks(
    generated: &Generated<'_>,
    operation_id: &ShapeId,
    operation: &Operation,
    case: &Case,
) -> Result<TokenStream, String> {
    let name = format_ident!("{}Output", operation.name);
    let result = case.result.as_ref().unwrap_or(&Value::Null);
    let fields = match io_shape(generated.model, operation_id, Io::Output) {
        Some(shape) => struct_fields(generated, &shape, &operation.output, result)?,
        None => Vec::new(),
    };
    if operation.output.fields.is_empty() {
        return Ok(quote!(outcome.expect("the response parses");));
    }
    let comparisons = compare_fields(&operation.output, quote!(output), quote!(expected));
    Ok(quote! {
        let output = outcome.expect("the response parses");
        let expected = #name { #(#fields)* ..Default::default() };
        #(#comparisons)*
    })
}

fn compare_fields(
    structure: &Struct,
    actual: TokenStream,
    expected: TokenStream,
) -> Vec<TokenStream> {
    structure
        .fields
        .iter()
        .map(|field| {
            let name = ident(&field.name);
            let label = field.name.trim_start_matches("r#");
            quote!(harness::assert_same(&#actual.#name, &#expected.#name, #label);)
        })
        .collect()
}

/// The error variant, its code and message, and its fields against the case's `error`.
fn error_checks(
    generated: &Generated<'_>,
    operation: &Operation,
    case: &Case,
    error: &Value,
    code: &str,
) -> Result<TokenStream, String> {
    let variant = operation
        .errors
        .iter()
        .find(|e| e.codes.iter().any(|c| c == code))
        .ok_or_else(|| format!("`{}` has no error `{code}`", operation.name))?;
    let def = generated
        .krate
        .types
        .iter()
        .find(|t| t.name == variant.type_name)
        .ok_or_else(|| format!("no error type `{}`", variant.type_name))?;
    let leansdk_codegen::ir::TypeKind::Struct(structure) = &def.kind else {
        return Err(format!("error `{}` is not a structure", def.name));
    };
    let shape = ShapeId::parse(&def.shape_id).map_err(|e| e.to_string())?;
    let fields = struct_fields(generated, &shape, structure, error)?;
    let enum_name = format_ident!("{}Error", operation.name);
    let variant_name = format_ident!("{}", variant.type_name);
    let path = generated.literals.type_path(&variant.type_name);
    let (binding, expected) = if structure.fields.is_empty() {
        (quote!(_), None)
    } else {
        let comparisons = compare_fields(structure, quote!(error), quote!(expected));
        let expected = quote! {
            let expected = #path { #(#fields)* ..Default::default() };
            #(#comparisons)*
        };
        (quote!(error), Some(expected))
    };
    let message = case.error_message.as_ref().map(|message| {
        quote! {
            assert_eq!(leansdk_runtime::error::ProvideErrorMetadata::message(&error), Some(#message), "message");
        }
    });
    Ok(quote! {
        let error = match outcome {
            Err(leansdk_runtime::error::SdkError::Service(error)) => error.into_err(),
            other => panic!("expected a service error, got {other:?}"),
        };
        assert_eq!(leansdk_runtime::error::ProvideErrorMetadata::code(&error), Some(#code), "code");
        #message
        let #enum_name::#variant_name(#binding) = error else {
            panic!("expected {}, got {error:?}", stringify!(#variant_name));
        };
        #expected
    })
}
