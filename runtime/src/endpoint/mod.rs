//! Endpoint resolution: the Smithy rules engine (`smithy.rules#endpointRuleSet`) and its result.
//!
//! Generated crates embed their rule set as JSON, parse it once into a [`RuleSet`] and call
//! [`resolve`]: one interpreter for every service instead of rules compiled to Rust per service.

// The rules engine, for generated `endpoint` modules and the generator.
#[doc(hidden)]
mod eval;
#[doc(hidden)]
mod expr;
#[doc(hidden)]
pub mod functions;
mod json_fields;
#[doc(hidden)]
mod rule_set;
#[doc(hidden)]
pub mod test_case;
#[doc(hidden)]
mod value;

use std::collections::BTreeMap;
use std::fmt;

#[doc(hidden)]
pub use eval::{ParamValues, resolve};
#[doc(hidden)]
pub use expr::{AttrPath, Call, Expr, Function, PathSegment, Template, TemplatePart};
#[doc(hidden)]
pub use rule_set::{
    Condition, Deprecated, EndpointTemplate, Parameter, ParameterType, Rule, RuleKind, RuleSet,
    RuleSetError,
};
#[doc(hidden)]
pub use value::Value;

/// Where to send a request, as resolved by a service's endpoint rule set.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    url: String,
    headers: BTreeMap<String, Vec<String>>,
    properties: BTreeMap<String, serde_json::Value>,
}

impl Endpoint {
    /// An endpoint at `url` without headers or properties, like a configured endpoint URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            headers: BTreeMap::new(),
            properties: BTreeMap::new(),
        }
    }

    /// Replaces the headers (name to values) to send with every request to this endpoint.
    pub fn with_headers(mut self, headers: BTreeMap<String, Vec<String>>) -> Self {
        self.headers = headers;
        self
    }

    /// Replaces the rule-set properties, e.g. `authSchemes`.
    pub fn with_properties(mut self, properties: BTreeMap<String, serde_json::Value>) -> Self {
        self.properties = properties;
        self
    }

    /// The base URL, e.g. `https://profile.us-east-1.amazonaws.com`; each operation's path
    /// and query are appended to it (and its host prefix, if any, put before the host).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Headers the rule set asks to send with every request to this endpoint.
    pub fn headers(&self) -> &BTreeMap<String, Vec<String>> {
        &self.headers
    }

    /// Rule-set properties such as `authSchemes` (signing name and region overrides).
    pub fn properties(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.properties
    }
}

/// A rule set's `error` rule matched, or the inputs could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointError {
    message: String,
}

impl EndpointError {
    #[doc(hidden)]
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// Why no endpoint was resolved, e.g. the rule set's `Invalid Configuration: Missing
    /// Region`. Operations report it as
    /// [`BuildError::Endpoint`](crate::error::BuildError::Endpoint).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EndpointError {}
