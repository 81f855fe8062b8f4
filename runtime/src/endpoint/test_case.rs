//! The `smithy.rules#endpointTests` trait value, and checking a case against a rule set.
//! Shared by the generator (which turns cases into tests), `cargo xtask endpoint-tests` and
//! this crate's own tests, so all three read the format the same way.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::eval::{ParamValues, resolve};
use super::rule_set::RuleSet;
use super::value::Value;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestSuite {
    pub test_cases: Vec<TestCase>,
}

impl TestSuite {
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TestCase {
    #[serde(default)]
    pub documentation: String,
    #[serde(default, deserialize_with = "param_values")]
    pub params: BTreeMap<String, Value>,
    pub expect: Expectation,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Expectation {
    Endpoint(ExpectedEndpoint),
    /// The exact message of the `error` rule that must match.
    Error(String),
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ExpectedEndpoint {
    pub url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

impl ExpectedEndpoint {
    /// The expected properties as compact JSON, for code generators that embed them.
    pub fn properties_json(&self) -> String {
        serde_json::to_string(&self.properties).unwrap_or_default()
    }
}

fn param_values<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Value>, D::Error> {
    BTreeMap::<String, serde_json::Value>::deserialize(d)?
        .into_iter()
        .map(|(name, json)| {
            let value = Value::from_param_json(json).map_err(serde::de::Error::custom)?;
            Ok((name, value))
        })
        .collect()
}

impl TestCase {
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
