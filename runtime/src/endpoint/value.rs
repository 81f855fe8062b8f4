//! Values the rules engine computes with: parameters, function results and assigned names.

use std::collections::BTreeMap;

/// A rules-engine value. "Unset" is `Option::None` around it, never a variant, so `isSet`
/// and condition matching see one notion of absence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    String(String),
    Bool(bool),
    Int(i64),
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The name of this value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Endpoint properties leave the engine as JSON, the form `Endpoint::properties` exposes.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Array(items) => items.iter().map(Value::to_json).collect(),
            Value::Object(fields) => fields
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::String(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::String(value.to_owned())
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl From<Vec<String>> for Value {
    fn from(value: Vec<String>) -> Self {
        Value::Array(value.into_iter().map(Value::String).collect())
    }
}

impl Value {
    /// A parameter value as JSON writes it (rule-set defaults, test-case params): a string,
    /// a boolean or an array of strings.
    pub fn from_param_json(json: serde_json::Value) -> Result<Self, String> {
        use serde_json::Value as Json;
        match json {
            Json::String(s) => Ok(Value::String(s)),
            Json::Bool(b) => Ok(Value::Bool(b)),
            Json::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Json::String(s) => Ok(Value::String(s)),
                    other => Err(format!("parameter arrays hold strings, found {other}")),
                })
                .collect::<Result<_, _>>()
                .map(Value::Array),
            other => Err(format!("unsupported parameter value {other}")),
        }
    }
}
