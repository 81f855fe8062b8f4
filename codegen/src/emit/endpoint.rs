//! The generated crate's `endpoint` module (`smithy.rules#endpointRuleSet`) and its test file
//! (`smithy.rules#endpointTests`).
//!
//! The rule set is not compiled to Rust: the module embeds its JSON and hands it to
//! the runtime's interpreter, parsed once. Generated code stays a struct and two functions,
//! and every service shares one audited interpreter. Only `Params` is typed per service.

use leansdk_runtime::endpoint::test_case::{Expectation, TestCase};
use leansdk_runtime::endpoint::{Parameter, ParameterType, RuleSet, Value};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::names::{Scope, field_name, snake};

/// `endpoint.rs`: `Params`, `RULE_SET` and `resolve`. `rule_set` must be `json` parsed
/// (`ir` parses it with `RuleSet::from_json`, which validates it).
pub fn endpoint_module(
    rule_set: &RuleSet,
    json: &serde_json::Value,
) -> Result<TokenStream, EndpointEmitError> {
    let rule_set_text = raw_string(&serde_json::to_string_pretty(json).unwrap_or_default());
    let params = ParamFields::new(rule_set)?;
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
        let value = match field.kind {
            ParameterType::Boolean => quote! { params.#ident },
            ParameterType::String | ParameterType::StringArray => quote! { params.#ident.clone() },
        };
        if field.optional {
            quote! { values.set(#name, #value); }
        } else {
            quote! { values.set(#name, Some(#value)); }
        }
    });
    Ok(quote! {
        //! Endpoint resolution: this service's `smithy.rules#endpointRuleSet`, run by the
        //! runtime's rules interpreter.

        use std::sync::LazyLock;

        use leansdk_runtime::endpoint::{Endpoint, EndpointError, ParamValues, RuleSet, RuleSetError};

        /// The service's endpoint rule set.
        const RULE_SET: &str = #rule_set_text;

        /// `RULE_SET`, parsed on first use. The generator validated it with the same parser,
        /// so this cannot fail short of a corrupted build, and even then it is an `EndpointError`.
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
            resolve_values(&values(params))
        }

        /// `params` by rule-set parameter name.
        fn values(params: &Params) -> ParamValues {
            let mut values = ParamValues::new();
            #(#set_values)*
            values
        }

        fn resolve_values(values: &ParamValues) -> Result<Endpoint, EndpointError> {
            let rules = RULES
                .as_ref()
                .map_err(|error| EndpointError::new(error.to_string()))?;
            leansdk_runtime::endpoint::resolve(rules, values)
        }
    })
}

/// `resolve_for_config`, appended to the endpoint module: fills the rule set's built-in
/// parameters (`AWS::Region`, `AWS::UseFIPS`, `AWS::UseDualStack`, `SDK::Endpoint`, the
/// `AWS::S3::*` settings) from the client configuration, then sets the operation's own
/// parameters (`smithy.rules#contextParam`, `smithy.rules#staticContextParams`) over them;
/// that is the resolver the generated `Client` hands the runtime.
pub fn config_adapter(rule_set: &RuleSet) -> Result<TokenStream, EndpointEmitError> {
    let params = ParamFields::new(rule_set)?;
    let inits = params.fields.iter().filter_map(|field| {
        let built_in = rule_set.parameters.get(&field.name)?.built_in.as_deref()?;
        // Settings a client may leave unset, in which case the rule set's default holds.
        let setting = |value: TokenStream| {
            let default = &field.default;
            if field.optional {
                value
            } else {
                quote! { #value.unwrap_or(#default) }
            }
        };
        let value = match built_in {
            "AWS::Region" => quote! { config.region.map(str::to_owned) },
            "SDK::Endpoint" => quote! { config.endpoint_url.map(str::to_owned) },
            "AWS::UseFIPS" => flag(field, quote! { config.use_fips }),
            "AWS::UseDualStack" => flag(field, quote! { config.use_dual_stack }),
            "AWS::S3::ForcePathStyle" => setting(quote! { config.s3.force_path_style }),
            "AWS::S3::Accelerate" => setting(quote! { config.s3.accelerate }),
            "AWS::S3::UseArnRegion" => setting(quote! { config.s3.use_arn_region }),
            "AWS::S3::UseGlobalEndpoint" => setting(quote! { config.s3.use_global_endpoint }),
            "AWS::S3::DisableMultiRegionAccessPoints" => {
                setting(quote! { config.s3.disable_multi_region_access_points })
            }
            _ => return None,
        };
        let ident = &field.ident;
        Some(quote! { #ident: #value, })
    });
    let inits: Vec<_> = inits.collect();
    let rest = (inits.len() < params.fields.len()).then(|| quote! { ..Params::default() });
    Ok(quote! {
        /// Resolves with the client configuration (region, FIPS, dual stack, endpoint URL,
        /// S3 settings) and the operation's parameters.
        pub(crate) fn resolve_for_config(
            config: &leansdk_runtime::orchestrator::EndpointConfig<'_>,
        ) -> Result<Endpoint, EndpointError> {
            let mut values = values(&Params {
                #(#inits)*
                #rest
            });
            for (name, value) in config.params {
                values.set(name, Some(value.clone()));
            }
            resolve_values(&values)
        }
    })
}

/// A configuration flag that is always set (`bool`), for a parameter of type `field`.
fn flag(field: &ParamField, value: TokenStream) -> TokenStream {
    if field.optional {
        quote! { Some(#value) }
    } else {
        value
    }
}

/// `text` as a raw string literal (`r#"..."#`, with as many `#` as it needs), which reads
/// as the text itself.
fn raw_string(text: &str) -> TokenStream {
    let hashes = (0..)
        .map(|n| "#".repeat(n))
        .find(|hashes| !text.contains(&format!("\"{hashes}")))
        .unwrap_or_default();
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| quote!(#text))
}

/// `tests/endpoint_tests.rs` of crate `crate_name`: one `#[test]` per case, named after its documentation. A case
/// listed in `known_divergences` asserts that the resolver does NOT produce the expected
/// result, so the list cannot silently go stale.
pub fn endpoint_tests(
    crate_name: &str,
    rule_set: &RuleSet,
    cases: &[TestCase],
    known_divergences: &[&str],
) -> Result<TokenStream, EndpointEmitError> {
    let params = ParamFields::new(rule_set)?;
    if let Some(unknown) = known_divergences
        .iter()
        .find(|name| !cases.iter().any(|case| case.documentation == **name))
    {
        return Err(EndpointEmitError::UnknownDivergence((*unknown).to_owned()));
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
            let mut doc: Vec<String> = (!case.documentation.is_empty())
                .then(|| format!(" {}", case.documentation))
                .into_iter()
                .collect();
            if diverges {
                doc.push(
                    " Known divergence: asserts that the resolver does NOT give the model's \
                     expected result."
                        .to_owned(),
                );
            }
            Ok(quote! {
                #(#[doc = #doc])*
                #[test]
                fn #name() {
                    #body
                }
            })
        })
        .collect::<Result<Vec<_>, EndpointEmitError>>()?;
    let crate_ident = format_ident!("{}", crate_name.replace('-', "_"));
    Ok(quote! {
        //! The model's `smithy.rules#endpointTests`, one test per case.

        use #crate_ident::endpoint::{Params, resolve};

        #(#tests)*
    })
}

/// Why the endpoint module or its tests could not be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointEmitError {
    /// A parameter's default is not of the parameter's type.
    BadDefault(String),
    /// A case sets a parameter the rule set does not declare, or with the wrong type.
    BadParam { case: String, param: String },
    /// A known divergence names no test case.
    UnknownDivergence(String),
}

impl std::fmt::Display for EndpointEmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadDefault(param) => {
                write!(f, "endpoint parameter `{param}`: default of the wrong type")
            }
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

impl std::error::Error for EndpointEmitError {}

fn test_body(
    params: &ParamFields,
    case: &TestCase,
    diverges: bool,
) -> Result<TokenStream, EndpointEmitError> {
    let bad_param = |param: &str| EndpointEmitError::BadParam {
        case: case.documentation.clone(),
        param: param.to_owned(),
    };
    let mut inits = Vec::new();
    for (name, value) in &case.params {
        let field = params.get(name).ok_or_else(|| bad_param(name))?;
        let value = value_tokens(field.kind, value).ok_or_else(|| bad_param(name))?;
        let ident = &field.ident;
        inits.push(if field.optional {
            quote! { #ident: Some(#value), }
        } else {
            quote! { #ident: #value, }
        });
    }
    let rest = (inits.len() < params.fields.len()).then(|| quote! { ..Params::default() });
    let setup = quote! {
        let params = Params { #(#inits)* #rest };
        let result = resolve(&params);
    };
    Ok(match (&case.expect, diverges) {
        (Expectation::Error(message), false) => quote! {
            #setup
            let error = result.expect_err("the model expects an error");
            assert_eq!(error.message(), #message);
        },
        (Expectation::Error(message), true) => quote! {
            #setup
            let message = result.err().map(|error| error.message().to_owned());
            assert_ne!(message.as_deref(), Some(#message));
        },
        (Expectation::Endpoint(expected), true) => {
            let url = &expected.url;
            quote! {
                #setup
                let url = result.ok().map(|endpoint| endpoint.url().to_owned());
                assert_ne!(url.as_deref(), Some(#url));
            }
        }
        (Expectation::Endpoint(expected), false) => {
            let url = &expected.url;
            let headers = (!expected.headers.is_empty()).then(|| {
                let entries = expected.headers.iter().map(|(name, values)| {
                    quote! { (#name.to_owned(), vec![#(#values.to_owned()),*]) }
                });
                quote! {
                    let headers = std::collections::BTreeMap::from([#(#entries),*]);
                    assert_eq!(endpoint.headers(), &headers);
                }
            });
            let properties = (!expected.properties.is_empty()).then(|| {
                let json = expected.properties_json();
                quote! {
                    let properties: std::collections::BTreeMap<String, leansdk_runtime::serde_json::Value> =
                        leansdk_runtime::serde_json::from_str(#json).expect("expected properties are JSON");
                    assert_eq!(endpoint.properties(), &properties);
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

/// A parameter value as a Rust expression of the field's inner type; `None` when the value
/// is not of the parameter's type.
fn value_tokens(kind: ParameterType, value: &Value) -> Option<TokenStream> {
    match (kind, value) {
        (ParameterType::String, Value::String(s)) => Some(quote! { #s.to_owned() }),
        (ParameterType::Boolean, Value::Bool(b)) => Some(quote! { #b }),
        (ParameterType::StringArray, Value::Array(items)) => {
            let items = items
                .iter()
                .map(|item| item.as_str().map(|s| quote! { #s.to_owned() }))
                .collect::<Option<Vec<_>>>()?;
            Some(quote! { vec![#(#items),*] })
        }
        _ => None,
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
    fn new(rule_set: &RuleSet) -> Result<Self, EndpointEmitError> {
        let mut scope = Scope::default();
        let fields = rule_set
            .parameters
            .iter()
            .map(|(name, parameter)| ParamField::new(&mut scope, name, parameter))
            .collect::<Result<_, _>>()?;
        Ok(Self { fields })
    }

    fn get(&self, name: &str) -> Option<&ParamField> {
        self.fields.iter().find(|field| field.name == name)
    }
}

impl ParamField {
    fn new(
        scope: &mut Scope,
        name: &str,
        parameter: &Parameter,
    ) -> Result<Self, EndpointEmitError> {
        let inner = match parameter.kind {
            ParameterType::String => quote! { String },
            ParameterType::Boolean => quote! { bool },
            ParameterType::StringArray => quote! { Vec<String> },
        };
        let required_default = parameter.default.as_ref().filter(|_| parameter.required);
        let (optional, ty, default) = match required_default {
            Some(value) => {
                let default = value_tokens(parameter.kind, value)
                    .ok_or_else(|| EndpointEmitError::BadDefault(name.to_owned()))?;
                (false, inner, default)
            }
            None => (true, quote! { Option<#inner> }, quote! { None }),
        };
        Ok(Self {
            name: name.to_owned(),
            ident: format_ident!("{}", field_name(scope, name)),
            kind: parameter.kind,
            optional,
            ty,
            default,
            doc: field_docs(name, parameter),
        })
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

#[cfg(test)]
mod tests {
    use leansdk_runtime::endpoint::test_case::TestSuite;

    use super::*;

    fn rule_set() -> RuleSet {
        let json = r#"{"version":"1.0","parameters":{
            "Region":{"type":"String","builtIn":"AWS::Region","documentation":"The region."},
            "UseFIPS":{"type":"Boolean","builtIn":"AWS::UseFIPS","required":true,"default":false},
            "Strict":{"type":"Boolean","required":true,"default":true,
                "deprecated":{"message":"always strict now"}},
            "Zones":{"type":"StringArray"}},
          "rules":[{"type":"endpoint","conditions":[{"fn":"isSet","argv":[{"ref":"Region"}]}],
                    "endpoint":{"url":"https://svc.{Region}.example"}},
                   {"type":"error","conditions":[],"error":"Missing Region"}]}"#;
        RuleSet::from_json(json).unwrap_or_else(|e| panic!("{e}"))
    }

    fn render(tokens: TokenStream) -> String {
        let file = syn::parse2::<syn::File>(tokens).unwrap_or_else(|e| panic!("{e}"));
        prettyplease::unparse(&file)
    }

    fn cases(json: &str) -> Vec<TestCase> {
        TestSuite::from_json(json)
            .unwrap_or_else(|e| panic!("{e}"))
            .test_cases
    }

    #[test]
    fn params_have_one_typed_field_per_parameter() {
        let module = endpoint_module(&rule_set(), &serde_json::json!({"version": "1.0"}))
            .unwrap_or_else(|e| panic!("{e}"));
        let code = render(module);
        for expected in [
            "pub region: Option<String>,",
            "pub use_fips: bool,",
            "pub strict: bool,",
            "pub zones: Option<Vec<String>>,",
            "use_fips: false,",
            "strict: true,",
            "region: None,",
            "const RULE_SET: &str = r#\"{\n  \"version\": \"1.0\"\n}\"#;",
            "values.set(\"UseFIPS\", Some(params.use_fips));",
            "values.set(\"Region\", params.region.clone());",
            "/// Rule-set parameter `Region`, built-in `AWS::Region`.",
            "/// Deprecated: always strict now",
        ] {
            assert!(code.contains(expected), "missing `{expected}` in:\n{code}");
        }
    }

    #[test]
    fn one_test_per_case_with_deduplicated_names() {
        let cases = cases(
            r#"{"testCases":[
              {"documentation":"For region us-east-1","params":{"Region":"us-east-1"},
               "expect":{"endpoint":{"url":"https://svc.us-east-1.example",
                 "headers":{"x-a":["1"]},"properties":{"p":{"q":[1]}}}}},
              {"documentation":"For region: us-east-1!","params":{"Region":"us-east-1","Zones":["a"]},
               "expect":{"endpoint":{"url":"https://svc.us-east-1.example"}}},
              {"documentation":"","expect":{"error":"Missing Region"}}]}"#,
        );
        let tests = endpoint_tests("leansdk-demo", &rule_set(), &cases, &[]);
        let code = render(tests.unwrap_or_else(|e| panic!("{e}")));
        for expected in [
            "use leansdk_demo::endpoint::{Params, resolve};",
            "fn for_region_us_east_1() {",
            "fn for_region_us_east_1_2() {",
            "fn case_2() {",
            "region: Some(\"us-east-1\".to_owned()),",
            "zones: Some(vec![\"a\".to_owned()]),",
            "assert_eq!(endpoint.url(), \"https://svc.us-east-1.example\");",
            "let headers = std::collections::BTreeMap::from([",
            r#"from_str("{\"p\":{\"q\":[1]}}")"#,
            "assert_eq!(error.message(), \"Missing Region\");",
        ] {
            assert!(code.contains(expected), "missing `{expected}` in:\n{code}");
        }
    }

    #[test]
    fn known_divergences_assert_the_difference() {
        let cases = cases(
            r#"{"testCases":[{"documentation":"stale","params":{"Region":"x"},
                "expect":{"error":"Missing Region"}}]}"#,
        );
        let tests = endpoint_tests("demo", &rule_set(), &cases, &["stale"]);
        let code = render(tests.unwrap_or_else(|e| panic!("{e}")));
        assert!(
            code.contains("assert_ne!(message.as_deref(), Some(\"Missing Region\"));"),
            "{code}"
        );
        assert!(!code.contains("assert_eq!("), "{code}");
        assert!(code.contains("/// Known divergence"), "{code}");
        let unknown = endpoint_tests("demo", &rule_set(), &cases, &["nope"]).err();
        assert_eq!(
            unknown,
            Some(EndpointEmitError::UnknownDivergence("nope".to_owned()))
        );
    }

    #[test]
    fn cases_must_use_declared_parameters_with_their_types() {
        for params in [
            r#"{"Regoin":"x"}"#,
            r#"{"UseFIPS":"yes"}"#,
            r#"{"Zones":"a"}"#,
        ] {
            let cases = cases(&format!(
                r#"{{"testCases":[{{"documentation":"d","params":{params},"expect":{{"error":"e"}}}}]}}"#
            ));
            let error = endpoint_tests("demo", &rule_set(), &cases, &[]).err();
            assert!(
                matches!(error, Some(EndpointEmitError::BadParam { .. })),
                "{params}"
            );
        }
    }
}
