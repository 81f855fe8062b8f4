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

/// Checks that a resolved endpoint `url` can be sent to, before anything is signed or sent:
/// `http` or `https`, a host, a port of 1 to 65535, no user name or password (never sent,
/// and a secret to keep out of errors and logs), no query or fragment (an operation's path
/// and query are appended to it), and only printable ASCII. Errors quote the URL with any
/// user information hidden.
#[doc(hidden)]
pub fn check_endpoint_url(url: &str) -> Result<(), EndpointError> {
    let invalid = |why: &str| {
        Err(EndpointError::new(format!(
            "invalid endpoint URL `{}`: {why}",
            hide_userinfo(url)
        )))
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return invalid("it must start with http:// or https://");
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return invalid("it must start with http:// or https://");
    }
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if authority.contains('@') {
        return invalid("it must not carry a user name or password");
    }
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return invalid("it may hold printable ASCII only (percent-encode anything else)");
    }
    if url.contains('?') {
        return invalid("it must not have a query");
    }
    if url.contains('#') {
        return invalid("it must not have a fragment");
    }
    let (host, port) = match authority.rfind(':') {
        // The colons of a bracketed IPv6 literal are not a port's.
        Some(colon) if !authority[colon..].contains(']') => {
            (&authority[..colon], Some(&authority[colon + 1..]))
        }
        _ => (authority, None),
    };
    if host.is_empty() {
        return invalid("it has no host");
    }
    if let Some(port) = port {
        if !port.bytes().all(|b| b.is_ascii_digit()) || !matches!(port.parse(), Ok(1..=65535u32)) {
            return invalid("its port must be a number from 1 to 65535");
        }
    }
    Ok(())
}

/// `url` with the user information of its authority (`user:password@`) replaced by `***`,
/// for `Debug` and error messages.
#[doc(hidden)]
pub fn hide_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]).into(),
        None => url.into(),
    }
}

/// Checks that `region` can name a host: letters, digits and hyphens, as the endpoint
/// rules' `isValidHostLabel`; `evil.com#` would otherwise put the request on another host.
#[doc(hidden)]
pub fn check_region(region: &str) -> Result<(), String> {
    match functions::is_valid_host_label(region, false) {
        true => Ok(()),
        false => Err(format!(
            "region {region:?} is not a valid region name (letters, digits and hyphens, \
             e.g. us-east-1)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_that_cannot_be_sent_to_are_refused_clearly() {
        for (url, reason) in [
            ("ftp://h", "http:// or https://"),
            ("h:80", "http:// or https://"),
            ("https://user:hunter2@h/", "user name or password"),
            ("https://h/a b", "printable ASCII"),
            ("https://h/?a=1", "query"),
            ("https://h/base#frag", "fragment"),
            ("https://h:99999", "port"),
            ("https://h:0/", "port"),
            ("https://h:+80/", "port"),
            ("https://:80/", "no host"),
        ] {
            let message = check_endpoint_url(url).unwrap_err().to_string();
            assert!(message.contains(reason), "{url}: {message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
        for url in [
            "https://profile.us-east-1.amazonaws.com",
            "http://127.0.0.1:4566/base/",
            "http://[::1]:8080",
            "http://[::1]",
        ] {
            check_endpoint_url(url).unwrap();
        }
    }

    #[test]
    fn user_information_is_hidden() {
        assert_eq!(
            hide_userinfo("https://user:pw@h:1/p@x"),
            "https://***@h:1/p@x"
        );
        assert_eq!(hide_userinfo("https://h/p@x"), "https://h/p@x");
    }

    #[test]
    fn regions_must_be_host_labels() {
        check_region("us-east-1").unwrap();
        for bad in ["evil.com#", "us-east-1.evil.com", "", "a/b"] {
            let message = check_region(bad).unwrap_err();
            assert!(message.contains("not a valid region"), "{message}");
        }
    }
}
