//! Reading the rule-set, test-case and partition documents from parsed JSON by hand.
//!
//! serde derives would be shorter, but their visitors are instantiated for every reader
//! serde_json has and every field, and that machine code was the largest part of the
//! runtime's compile time; a walk over `serde_json::Value` compiles once.

use serde_json::{Map, Value as Json};

/// A JSON object being read, and where it is, for error messages (`rules[2].endpoint`).
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Json>,
    at: String,
}

impl<'a> Fields<'a> {
    /// `json` as an object, else an error naming `at`.
    pub(crate) fn of(json: &'a Json, at: impl Into<String>) -> Result<Self, String> {
        let at = at.into();
        match json {
            Json::Object(map) => Ok(Self { map, at }),
            other => Err(format!(
                "{} must be an object, not {}",
                shown(&at),
                kind(other)
            )),
        }
    }

    /// Where this object is.
    pub(crate) fn at(&self) -> &str {
        &self.at
    }

    /// The path of `key` in this object.
    pub(crate) fn path(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.at)
        }
    }

    /// A member that may be absent (`null` counts as absent).
    pub(crate) fn get(&self, key: &str) -> Option<&'a Json> {
        self.map.get(key).filter(|value| !value.is_null())
    }

    pub(crate) fn required(&self, key: &str) -> Result<&'a Json, String> {
        self.get(key)
            .ok_or_else(|| format!("{} is missing", self.path(key)))
    }

    pub(crate) fn string(&self, key: &str) -> Result<String, String> {
        self.optional_string(key)?
            .ok_or_else(|| format!("{} is missing", self.path(key)))
    }

    pub(crate) fn optional_string(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(self.mistyped(key, "a string", other)),
        }
    }

    /// A boolean member, `false` when absent.
    pub(crate) fn flag(&self, key: &str) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(false),
            Some(Json::Bool(flag)) => Ok(*flag),
            Some(other) => Err(self.mistyped(key, "a boolean", other)),
        }
    }

    pub(crate) fn array(&self, key: &str) -> Result<&'a [Json], String> {
        match self.required(key)? {
            Json::Array(items) => Ok(items),
            other => Err(self.mistyped(key, "an array", other)),
        }
    }

    /// An array member, empty when absent.
    pub(crate) fn optional_array(&self, key: &str) -> Result<&'a [Json], String> {
        match self.get(key) {
            None => Ok(&[]),
            Some(_) => self.array(key),
        }
    }

    /// An object member, empty when absent.
    pub(crate) fn optional_object(&self, key: &str) -> Result<Option<Fields<'a>>, String> {
        self.get(key)
            .map(|json| Fields::of(json, self.path(key)))
            .transpose()
    }

    /// The object's members, in key order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&'a String, &'a Json)> {
        self.map.iter()
    }

    fn mistyped(&self, key: &str, expected: &str, found: &Json) -> String {
        format!("{} must be {expected}, not {}", self.path(key), kind(found))
    }
}

fn shown(at: &str) -> &str {
    if at.is_empty() { "the document" } else { at }
}

/// What a JSON value is, for error messages.
pub(crate) fn kind(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}
