//! The `smithy.rules#endpointTests` trait value, and checking a case against a rule set.
//! Shared by the generator (which turns cases into tests), `cargo xtask endpoint-tests` and
//! this crate's own tests, so all three read the format the same way.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::eval::{ParamValues, resolve};
use super::json_fields::Fields;
use super::rule_set::RuleSet;
use super::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct TestSuite {
    pub test_cases: Vec<TestCase>,
}

impl TestSuite {
    /// The suite, or why it is malformed (naming the case and member).
    pub fn from_json(json: &str) -> Result<Self, String> {
        let json: Json = serde_json::from_str(json).map_err(|e| e.to_string())?;
        Self::from_value(&json)
    }

    /// The suite of a trait value already parsed, e.g. from a model.
    pub fn from_value(json: &Json) -> Result<Self, String> {
        let fields = Fields::of(json, "")?;
        let test_cases = fields
            .array("testCases")?
            .iter()
            .enumerate()
            .map(|(index, case)| TestCase::read(&Fields::of(case, format!("testCases[{index}]"))?))
            .collect::<Result<_, _>>()?;
        Ok(Self { test_cases })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TestCase {
    pub documentation: String,
    pub params: BTreeMap<String, Value>,
    pub expect: Expectation,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    Endpoint(ExpectedEndpoint),
    /// The exact message of the `error` rule that must match.
    Error(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedEndpoint {
    pub url: String,
    pub headers: BTreeMap<String, Vec<String>>,
    pub properties: BTreeMap<String, Json>,
}

impl ExpectedEndpoint {
    /// The expected properties as compact JSON, for code generators that embed them.
    pub fn properties_json(&self) -> String {
        serde_json::to_string(&self.properties).unwrap_or_default()
    }

    fn read(fields: &Fields<'_>) -> Result<Self, String> {
        let mut headers = BTreeMap::new();
        if let Some(declared) = fields.optional_object("headers")? {
            for (name, values) in declared.entries() {
                let strings = match values {
                    Json::Array(values) => values
                        .iter()
                        .map(|value| value.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>(),
                    _ => None,
                };
                let strings = strings.ok_or_else(|| {
                    format!("{} must be an array of strings", declared.path(name))
                })?;
                headers.insert(name.clone(), strings);
            }
        }
        let properties = fields
            .optional_object("properties")?
            .map(|declared| {
                declared
                    .entries()
                    .map(|(name, value)| (name.clone(), value.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            url: fields.string("url")?,
            headers,
            properties,
        })
    }
}

impl TestCase {
    fn read(fields: &Fields<'_>) -> Result<Self, String> {
        let mut params = BTreeMap::new();
        if let Some(declared) = fields.optional_object("params")? {
            for (name, json) in declared.entries() {
                let value = Value::from_param_json(json.clone())
                    .map_err(|e| format!("{}: {e}", declared.path(name)))?;
                params.insert(name.clone(), value);
            }
        }
        let expect = Fields::of(fields.required("expect")?, fields.path("expect"))?;
        let expect = match (expect.get("endpoint"), expect.optional_string("error")?) {
            (Some(endpoint), None) => Expectation::Endpoint(ExpectedEndpoint::read(&Fields::of(
                endpoint,
                expect.path("endpoint"),
            )?)?),
            (None, Some(error)) => Expectation::Error(error),
            _ => {
                return Err(format!(
                    "{} must hold exactly one of `endpoint` and `error`",
                    expect.at()
                ));
            }
        };
        Ok(Self {
            documentation: fields.optional_string("documentation")?.unwrap_or_default(),
            params,
            expect,
        })
    }

    pub fn param_values(&self) -> ParamValues {
        let mut values = ParamValues::new();
        for (name, value) in &self.params {
            values.set(name, Some(value.clone()));
        }
        values
    }

    /// Resolves the case's parameters with `rule_set`; `Err` describes how the result differs
    /// from the expectation.
    pub fn check(&self, rule_set: &RuleSet) -> Result<(), String> {
        let actual = resolve(rule_set, &self.param_values());
        match (&self.expect, &actual) {
            (Expectation::Endpoint(expected), Ok(endpoint))
                if expected.url == endpoint.url()
                    && &expected.headers == endpoint.headers()
                    && &expected.properties == endpoint.properties() =>
            {
                Ok(())
            }
            (Expectation::Error(expected), Err(error)) if expected == error.message() => Ok(()),
            (expected, actual) => Err(format!("expected {expected:?}, got {actual:?}")),
        }
    }
}
