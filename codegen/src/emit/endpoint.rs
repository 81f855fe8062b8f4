//! The generated crate's `endpoint` module (`smithy.rules#endpointRuleSet`) and its test file
//! (`smithy.rules#endpointTests`).
//!
//! The rule set is not compiled to Rust: the module embeds it as compact JSON and hands it to
//! the runtime's interpreter, parsed once. Generated code stays a struct and two functions,
//! and every service shares one audited interpreter. Only `Params` is typed per service.

use leansdk_runtime::endpoint::test_case::{Expectation, TestCase};
use leansdk_runtime::endpoint::{Parameter, ParameterType, RuleSet, Value};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::names::{Scope, field_name, snake};

/// `endpoint.rs`: `Params`, `RULE_SET` and `resolve`. `rule_set` must be `compact_json`
/// parsed (the caller parses it with `RuleSet::from_json`, which validates it).
pub fn endpoint_module(rule_set: &RuleSet, compact_json: &str) -> TokenStream {
    let params = ParamFields::new(rule_set);
    let fields = params.fields.iter().map(|field| {
        let ParamField { ident, ty, doc, .. } = field;
        quote! {
            #(#[doc = #doc])*
            pub #ident: #ty,
        }
    });
    let defaults = params.fields.iter().map(|field| {
        let ident = &field.ident;
        let value = &field.default;
        quote! { #ident: #value, }
    });
    let set_values = params.fields.iter().map(|field| {
        let ParamField { ident, name, .. } = field;
        if field.optional {
            quote! { values.set(#name, params.#ident.clone()); }
        } else {
            quote! { values.set(#name, Some(params.#ident.clone())); }
        }
    });
    quote! {
        //! Endpoint resolution: this service's `smithy.rules#endpointRuleSet`, run by the
        //! runtime's rules interpreter.

        use std::sync::LazyLock;

        use leansdk_runtime::endpoint::{Endpoint, EndpointError, ParamValues, RuleSet, RuleSetError};

        /// The service's endpoint rule set, as compact JSON.
        const RULE_SET: &str = #compact_json;

        // The generator validated this rule set with the same parser, so a failure here
        // would mean a corrupted build; it still surfaces as an `EndpointError`.
        static RULES: LazyLock<Result<RuleSet, RuleSetError>> =
            LazyLock::new(|| RuleSet::from_json(RULE_SET));

        /// Inputs of endpoint resolution, one field per rule-set parameter.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Params {
            #(#fields)*
        }

        impl Default for Params {
            /// The rule set's defaults; parameters without one are unset.
            fn default() -> Self {
                Self { #(#defaults)* }
            }
        }

        /// Resolves the endpoint for `params` with this service's rules.
        pub fn resolve(params: &Params) -> Result<Endpoint, EndpointError> {
            let rules = RULES
                .as_ref()
                .map_err(|error| EndpointError::new(error.to_string()))?;
            let mut values = ParamValues::new();
            #(#set_values)*
            leansdk_runtime::endpoint::resolve(rules, &values)
        }
    }
}

/// `tests/endpoint_tests.rs`: one `#[test]` per case, named after its documentation. A case
/// listed in `known_divergences` asserts that the resolver does NOT produce the expected
/// result, so the list cannot silently go stale.
pub fn endpoint_tests(
    rule_set: &RuleSet,
    cases: &[TestCase],
    known_divergences: &[&str],
) -> Result<TokenStream, EndpointTestsError> {
    let params = ParamFields::new(rule_set);
    if let Some(unknown) = known_divergences
        .iter()
        .find(|name| !cases.iter().any(|case| case.documentation == **name))
    {
        return Err(EndpointTestsError::UnknownDivergence((*unknown).to_owned()));
    }
    let mut names = Scope::default();
    let tests = cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            let base = if case.documentation.is_empty() {
                format!("case_{index}")
            } else {
                snake(&case.documentation)
            };
            let name = format_ident!("{}", field_name(&mut names, &base));
            let diverges = known_divergences.contains(&case.documentation.as_str());
            let body = test_body(&params, case, diverges)?;
            let doc = format!(" {}", case.documentation);
            Ok(quote! {
                #[doc = #doc]
                #[test]
                fn #name() {
                    #body
                }
            })
        })
        .collect::<Result<Vec<_>, EndpointTestsError>>()?;
    Ok(quote! {
        //! The model's `smithy.rules#endpointTests`, one test per case.

        use leansdk_customerprofiles::endpoint::{Params, resolve};

        #(#tests)*
    })
}

/// Why the endpoint tests could not be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointTestsError {
    /// A case sets a parameter the rule set does not declare, or with the wrong type.
    BadParam { case: String, param: String },
    /// A known divergence names no test case.
    UnknownDivergence(String),
}

impl std::fmt::Display for EndpointTestsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadParam { case, param } => write!(
                f,
                "endpoint test `{case}`: `{param}` is not a parameter of that type"
            ),
            Self::UnknownDivergence(name) => {
                write!(f, "known divergence `{name}` is not an endpoint test case")
            }
        }
    }
}

impl std::error::Error for EndpointTestsError {}

fn test_body(
    params: &ParamFields,
    case: &TestCase,
    diverges: bool,
) -> Result<TokenStream, EndpointTestsError> {
    let bad_param = |param: &str| EndpointTestsError::BadParam {
        case: case.documentation.clone(),
        param: param.to_owned(),
    };
    let mut inits = Vec::new();
    for (name, value) in &case.params {
        let field = params.get(name).ok_or_else(|| bad_param(name))?;
        if !field.kind.accepts(value) {
            return Err(bad_param(name));
        }
        let ident = &field.ident;
        let value = value_tokens(value);
        inits.push(if field.optional {
            quote! { #ident: Some(#value), }
        } else {
            quote! { #ident: #value, }
        });
    }
    let setup = quote! {
        let params = Params { #(#inits)* ..Params::default() };
        let result = resolve(&params);
    };
    Ok(match (&case.expect, diverges) {
        (Expectation::Error(message), false) => quote! {
            #setup
            assert_eq!(result.map_err(|error| error.message().to_owned()), Err(#message.to_owned()));
        },
        (Expectation::Error(message), true) => quote! {
            #setup
            // Known divergence: the embedded partitions data resolves what the model expects
            // to be the error below.
            assert_ne!(result.err().map(|error| error.message().to_owned()), Some(#message.to_owned()));
        },
        (Expectation::Endpoint(expected), true) => {
            let url = &expected.url;
            quote! {
                #setup
                // Known divergence: the model expects this URL; the resolver differs.
                assert_ne!(result.ok().map(|endpoint| endpoint.url().to_owned()), Some(#url.to_owned()));
            }
        }
        (Expectation::Endpoint(expected), false) => {
            let url = &expected.url;
            let headers = (!expected.headers.is_empty()).then(|| {
                let entries = expected.headers.iter().map(|(name, values)| {
                    quote! { (#name.to_owned(), vec![#(#values.to_owned()),*]) }
                });
                quote! {
                    assert_eq!(
                        endpoint.headers(),
                        &std::collections::BTreeMap::from([#(#entries),*])
                    );
                }
            });
            let properties = (!expected.properties.is_empty()).then(|| {
                let json = serde_json_text(&expected.properties);
                quote! {
                    let expected: std::collections::BTreeMap<String, leansdk_runtime::serde_json::Value> =
                        leansdk_runtime::serde_json::from_str(#json).expect("expected properties are JSON");
                    assert_eq!(endpoint.properties(), &expected);
                }
            });
            quote! {
                #setup
                let endpoint = result.expect("the model expects an endpoint");
                assert_eq!(endpoint.url(), #url);
                #headers
                #properties
            }
        }
    })
}

/// The expected properties, as the JSON text the generated test parses back.
fn serde_json_text(properties: &std::collections::BTreeMap<String, serde_json::Value>) -> String {
    let object: serde_json::Map<String, serde_json::Value> = properties
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    serde_json::Value::Object(object).to_string()
}

fn value_tokens(value: &Value) -> TokenStream {
    match value {
        Value::String(s) => quote! { #s.to_owned() },
        Value::Bool(b) => quote! { #b },
        Value::Array(items) => {
            let items = items.iter().map(value_tokens);
            quote! { vec![#(#items),*] }
        }
        // Parameters are strings, booleans or string arrays; the rule-set parser and
        // `ParameterType::accepts` keep anything else out before this point.
        Value::Int(i) => quote! { #i },
        Value::Object(_) => quote! { Default::default() },
    }
}

/// One `Params` field per rule-set parameter, in the rule set's (sorted) order.
struct ParamFields {
    fields: Vec<ParamField>,
}

struct ParamField {
    /// The rule-set parameter name, e.g. `UseFIPS`.
    name: String,
    ident: proc_macro2::Ident,
    kind: ParameterType,
    /// `Option<T>` unless the parameter is required and has a default.
    optional: bool,
    ty: TokenStream,
    default: TokenStream,
    doc: Vec<String>,
}

impl ParamFields {
    fn new(rule_set: &RuleSet) -> Self {
        let mut scope = Scope::default();
        let fields = rule_set
            .parameters
            .iter()
            .map(|(name, parameter)| ParamField::new(&mut scope, name, parameter))
            .collect();
        Self { fields }
    }

    fn get(&self, name: &str) -> Option<&ParamField> {
        self.fields.iter().find(|field| field.name == name)
    }
}

impl ParamField {
    fn new(scope: &mut Scope, name: &str, parameter: &Parameter) -> Self {
        let inner = match parameter.kind {
            ParameterType::String => quote! { String },
            ParameterType::Boolean => quote! { bool },
            ParameterType::StringArray => quote! { Vec<String> },
        };
        let required_default = parameter.default.as_ref().filter(|_| parameter.required);
        let (optional, ty, default) = match required_default {
            Some(value) => (false, inner, value_tokens(value)),
            None => (true, quote! { Option<#inner> }, quote! { None }),
        };
        Self {
            name: name.to_owned(),
            ident: format_ident!("{}", field_name(scope, name)),
            kind: parameter.kind,
            optional,
            ty,
            default,
            doc: field_docs(name, parameter),
        }
    }
}

fn field_docs(name: &str, parameter: &Parameter) -> Vec<String> {
    let mut doc: Vec<String> = parameter
        .documentation
        .iter()
        .flat_map(|text| text.lines().map(|line| format!(" {line}")))
        .collect();
    let origin = match &parameter.built_in {
        Some(built_in) => format!(" Rule-set parameter `{name}`, built-in `{built_in}`."),
        None => format!(" Rule-set parameter `{name}`."),
    };
    if !doc.is_empty() {
        doc.push(String::new());
    }
    doc.push(origin);
    if let Some(deprecated) = &parameter.deprecated {
        let message = deprecated.message.as_deref().unwrap_or("no longer used");
        doc.push(format!(" Deprecated: {message}"));
    }
    doc
}
