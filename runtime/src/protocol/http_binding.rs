//! The HTTP bindings of the REST protocols, so that each generated operation only lists its
//! bindings: [`RequestBuilder`] serialises `smithy.api#http` URI templates,
//! `smithy.api#httpLabel`, `smithy.api#httpQuery`, `smithy.api#httpQueryParams`,
//! `smithy.api#httpHeader`, `smithy.api#httpPrefixHeaders` and blob or text
//! `smithy.api#httpPayload`s; [`header`], [`prefix_headers`] and [`text_payload`] read
//! responses. The RPC protocols use the same builder for what they share (required members,
//! host prefixes, the body); each protocol's module adds its bodies and error parsing.

use std::collections::BTreeMap;

use crate::DateTime;
use crate::datetime::Format;
use crate::error::{BuildError, ResponseError};
use crate::http::{ByteStream, Headers, HttpRequest, HttpResponse};
use crate::protocol::base64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 3986 unreserved characters stay as they are; everything else is percent-encoded.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value bound to a label, query parameter or header. Timestamps default to RFC 3339 in
/// URIs and to HTTP-date in headers (Smithy's defaults); members with `smithy.api#timestampFormat`
/// are formatted by generated code and passed as strings.
pub trait ParamValue {
    fn to_param(&self) -> String;

    fn to_header(&self) -> String {
        self.to_param()
    }

    /// Whether a list element must be quoted when it contains `,` or `"` (strings only:
    /// HTTP-dates contain a comma but are never quoted).
    fn quoted_in_lists(&self) -> bool {
        false
    }
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }

    fn quoted_in_lists(&self) -> bool {
        true
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }

    fn quoted_in_lists(&self) -> bool {
        true
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(bool, i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            // Smithy spells the special values out; Rust's Display would write `inf`.
            fn to_param(&self) -> String {
                if self.is_nan() {
                    "NaN".to_owned()
                } else if self.is_infinite() {
                    if *self > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
                } else {
                    self.to_string()
                }
            }
        }
    )*};
}
float_param!(f32, f64);

impl ParamValue for DateTime {
    fn to_param(&self) -> String {
        self.to_rfc3339()
    }

    fn to_header(&self) -> String {
        self.to_http_date()
    }
}

/// Builds an [`HttpRequest`] whose `url` is the path and query only; the orchestrator
/// prefixes the resolved endpoint. Binding methods never fail: the first problem is kept
/// and returned by [`build`](Self::build), so generated code is one chain.
#[derive(Debug)]
pub struct RequestBuilder {
    method: &'static str,
    uri_template: &'static str,
    labels: Vec<(&'static str, String)>,
    query: Vec<String>,
    /// `smithy.api#httpQueryParams` entries, added in `build` unless a `smithy.api#httpQuery`
    /// member set the same name (the named member wins).
    query_params: Vec<(String, String)>,
    headers: Headers,
    body: ByteStream,
    /// The payload's content type, unless a header member sets one.
    payload_content_type: Option<&'static str>,
    host_prefix: String,
    endpoint_params: Vec<(&'static str, crate::endpoint::Value)>,
    unsigned: bool,
    needs_http2: bool,
    integrity: crate::http::BodyIntegrity,
    error: Option<BuildError>,
}

impl RequestBuilder {
    /// `uri_template` is the `smithy.api#http` `uri`, e.g. `/domains/{DomainName}/objects?kind=x`.
    pub fn new(method: &'static str, uri_template: &'static str) -> Self {
        Self {
            method,
            uri_template,
            labels: Vec::new(),
            query: Vec::new(),
            query_params: Vec::new(),
            headers: Headers::new(),
            body: ByteStream::new(),
            payload_content_type: None,
            host_prefix: String::new(),
            endpoint_params: Vec::new(),
            unsigned: false,
            needs_http2: false,
            integrity: crate::http::BodyIntegrity::default(),
            error: None,
        }
    }

    fn fail(mut self, error: BuildError) -> Self {
        self.error.get_or_insert(error);
        self
    }

    /// Fails with [`BuildError::MissingMember`] when a `smithy.api#required` member is unset,
    /// before anything is sent (as boto3 does; the service would reject it anyway).
    pub fn require<T: ?Sized>(self, name: &'static str, value: Option<&T>) -> Self {
        match value {
            Some(_) => self,
            None => self.fail(BuildError::missing(name)),
        }
    }

    /// `smithy.api#endpoint`: `template` (e.g. `{AccountId}.data.`) with each `{label}`
    /// replaced by its `smithy.api#hostLabel` member, which must be a non-empty run of ASCII
    /// letters, digits and `-` (at most 63): anything else could redirect the request to
    /// another host, so it fails the request instead.
    pub fn host_prefix(mut self, template: &str, labels: &[(&'static str, Option<&str>)]) -> Self {
        let mut prefix = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            prefix.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return self.fail(BuildError::invalid(
                    "hostPrefix",
                    format!("unclosed label in `{template}`"),
                ));
            };
            let name = &after[..close];
            let Some(&(member, value)) = labels.iter().find(|(label, _)| *label == name) else {
                return self.fail(BuildError::invalid(
                    "hostPrefix",
                    format!("no member for label `{name}`"),
                ));
            };
            let Some(value) = value else {
                return self.fail(BuildError::missing(member));
            };
            if !is_host_label(value) {
                return self.fail(BuildError::invalid(
                    member,
                    "a host label must be 1 to 63 ASCII letters, digits or `-`",
                ));
            }
            prefix.push_str(value);
            rest = &after[close + 1..];
        }
        prefix.push_str(rest);
        self.host_prefix = prefix;
        self
    }

    /// Hands an endpoint rule parameter (`smithy.rules#contextParam` or
    /// `smithy.rules#staticContextParams`) to the orchestrator when it is set.
    pub fn endpoint_param<T: Into<crate::endpoint::Value>>(
        mut self,
        name: &'static str,
        value: Option<T>,
    ) -> Self {
        if let Some(value) = value {
            self.endpoint_params.push((name, value.into()));
        }
        self
    }

    /// Sends the request without a signature or credentials (operations with an empty
    /// `smithy.api#auth`, e.g. SSO's `GetRoleCredentials`, which run to get credentials).
    pub fn unsigned(mut self) -> Self {
        self.unsigned = true;
        self
    }

    /// Sends the request over HTTP/2 ([`HttpRequest::needs_http2`]): operations with an input
    /// event stream, whose request and response bodies flow at the same time.
    pub fn needs_http2(mut self) -> Self {
        self.needs_http2 = true;
        self
    }

    /// `aws.protocols#httpChecksum`'s request side: `algorithm` is what the caller set the
    /// `requestAlgorithmMember` to, sent in `algorithm_header` (its binding, if any).
    pub fn request_checksum(
        mut self,
        algorithm: Option<&str>,
        algorithm_header: Option<&'static str>,
        required: bool,
    ) -> Self {
        self.integrity.request_checksum = Some(crate::http::RequestChecksum {
            algorithm: algorithm.map(str::to_owned),
            algorithm_header,
            required,
        });
        self
    }

    /// `aws.protocols#httpChecksum`'s response side: `mode` is what the caller set the
    /// `requestValidationModeMember` to, sent in `mode_header`.
    pub fn response_checksum(
        mut self,
        mode: Option<&str>,
        mode_header: Option<&'static str>,
        algorithms: &'static [&'static str],
    ) -> Self {
        self.integrity.response_checksum = Some(crate::http::ResponseChecksum {
            enabled: mode == Some("ENABLED"),
            mode_header,
            algorithms,
        });
        self
    }

    /// `smithy.api#httpChecksumRequired`: a `Content-MD5` unless a flexible checksum is sent.
    pub fn md5_required(mut self) -> Self {
        self.integrity.md5_required = true;
        self
    }

    /// `smithy.api#requestCompression` with `gzip`: the body may be gzipped.
    pub fn gzip_allowed(mut self) -> Self {
        self.integrity.gzip = true;
        self
    }

    /// Binds `{name}` or greedy `{name+}`. Labels are required and must not be empty.
    pub fn label<T: ParamValue + ?Sized>(mut self, name: &'static str, value: Option<&T>) -> Self {
        match value.map(ParamValue::to_param) {
            None => self.fail(BuildError::missing(name)),
            Some(value) if value.is_empty() => {
                self.fail(BuildError::invalid(name, "URI labels cannot be empty"))
            }
            Some(value) => {
                self.labels.push((name, value));
                self
            }
        }
    }

    /// Adds `name=value` when the member is set.
    pub fn query<T: ParamValue + ?Sized>(mut self, name: &str, value: Option<&T>) -> Self {
        if let Some(value) = value {
            self.push_query(name, &value.to_param());
        }
        self
    }

    /// Adds `name=value` once per element, keeping list order.
    pub fn query_list<T: ParamValue>(mut self, name: &str, values: Option<&[T]>) -> Self {
        for value in values.unwrap_or_default() {
            self.push_query(name, &value.to_param());
        }
        self
    }

    /// Adds every entry of a `smithy.api#httpQueryParams` map (values may be lists).
    pub fn query_params<V: QueryValues>(mut self, params: Option<&BTreeMap<String, V>>) -> Self {
        for (name, values) in params.into_iter().flatten() {
            for value in values.query_values() {
                self.query_params.push((name.clone(), value));
            }
        }
        self
    }

    fn push_query(&mut self, name: &str, value: &str) {
        self.query.push(format!(
            "{}={}",
            utf8_percent_encode(name, UNRESERVED),
            utf8_percent_encode(value, UNRESERVED)
        ));
    }

    /// Sets header `name` when the member is set.
    pub fn header<T: ParamValue + ?Sized>(self, name: &'static str, value: Option<&T>) -> Self {
        match value {
            Some(value) => self.set_header(name, value.to_header()),
            None => self,
        }
    }

    /// Sets header `name` to the comma-joined list; strings holding `,` or `"` are quoted.
    /// An empty list is sent as an empty header: only an unset member is left out.
    pub fn header_list<T: ParamValue>(self, name: &'static str, values: Option<&[T]>) -> Self {
        match values {
            Some(values) => {
                let joined = values
                    .iter()
                    .map(|value| {
                        let text = value.to_header();
                        if value.quoted_in_lists() && text.contains([',', '"']) {
                            quote(&text)
                        } else {
                            text
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                self.set_header(name, joined)
            }
            None => self,
        }
    }

    /// Sets header `name` to the base64 of a `smithy.api#mediaType` string (which may hold
    /// line breaks, e.g. JSON) when the member is set.
    pub fn media_type_header(self, name: &'static str, value: Option<&String>) -> Self {
        match value {
            Some(value) => self.set_header(name, base64::encode(value.as_bytes())),
            None => self,
        }
    }

    /// Sets one header per map entry, named `prefix` + key (`smithy.api#httpPrefixHeaders`).
    pub fn prefix_headers(
        mut self,
        prefix: &'static str,
        values: Option<&BTreeMap<String, String>>,
    ) -> Self {
        for (key, value) in values.into_iter().flatten() {
            let name = format!("{prefix}{key}");
            if let Err(error) = check_header_value(&name, value) {
                return self.fail(error);
            }
            self.headers.insert(name, value.as_str());
        }
        self
    }

    fn set_header(mut self, name: &'static str, value: String) -> Self {
        if let Err(error) = check_header_value(name, &value) {
            return self.fail(error);
        }
        self.headers.insert(name, value);
        self
    }

    /// The body, labelled `content_type` unless a header member or the protocol set a
    /// `Content-Type` already; a body that could not be serialised fails the request.
    pub fn body(mut self, body: Result<Vec<u8>, BuildError>, content_type: &'static str) -> Self {
        match body {
            Ok(bytes) => {
                self.body = bytes.into();
                self.payload_content_type = Some(content_type);
                self
            }
            Err(error) => self.fail(error),
        }
    }

    /// A `smithy.api#httpPayload` blob, sent as is.
    pub fn blob_payload(mut self, payload: Option<&Vec<u8>>) -> Self {
        if let Some(payload) = payload {
            self.body = payload.clone().into();
            self.payload_content_type = Some("application/octet-stream");
        }
        self
    }

    /// A `smithy.api#httpPayload` streaming blob (`smithy.api#streaming`), read as it is
    /// sent; its length is the `Content-Length` (a clone of the body is cheap, see
    /// [`ByteStream`]).
    pub fn stream_payload(mut self, payload: Option<&ByteStream>) -> Self {
        if let Some(payload) = payload {
            self.body = payload.clone();
            self.payload_content_type = Some("application/octet-stream");
        }
        self
    }

    /// A `smithy.api#httpPayload` string or enum, sent as UTF-8 text.
    pub fn text_payload(mut self, payload: Option<&str>) -> Self {
        if let Some(payload) = payload {
            self.body = payload.to_owned().into();
            self.payload_content_type = Some("text/plain");
        }
        self
    }

    pub fn build(mut self) -> Result<HttpRequest, BuildError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if let Some(content_type) = self.payload_content_type
            && !self.headers.contains("content-type")
        {
            self.headers.insert("Content-Type", content_type);
        }
        // Names set by `smithy.api#httpQuery` members, before any map entry is added: a
        // map entry with several values adds them all.
        let named: Vec<String> = self
            .query
            .iter()
            .map(|pair| {
                pair.split_once('=')
                    .map_or(pair.as_str(), |(name, _)| name)
                    .to_owned()
            })
            .collect();
        for (name, value) in std::mem::take(&mut self.query_params) {
            let encoded = utf8_percent_encode(&name, UNRESERVED).to_string();
            if !named.contains(&encoded) {
                self.push_query(&name, &value);
            }
        }
        // Signed with the request, so set here rather than left to the HTTP client.
        if let Some(length) = self.body.content_length().filter(|&length| length > 0) {
            self.headers.insert("Content-Length", length.to_string());
        }
        let (path_template, literal_query) = match self.uri_template.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (self.uri_template, None),
        };
        let mut url = expand_path(path_template, &self.labels)?;
        let query = literal_query
            .into_iter()
            .filter(|q| !q.is_empty())
            .map(str::to_owned)
            .chain(self.query);
        for (i, pair) in query.enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&pair);
        }
        Ok(HttpRequest {
            method: self.method.to_owned(),
            url,
            headers: self.headers,
            body: self.body,
            host_prefix: self.host_prefix,
            endpoint_params: self.endpoint_params,
            unsigned: self.unsigned,
            needs_http2: self.needs_http2,
            integrity: self.integrity,
        })
    }
}

fn is_host_label(value: &str) -> bool {
    (1..=63).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A line break would let input inject headers; other controls are not valid either.
fn check_header_value(name: &str, value: &str) -> Result<(), BuildError> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(BuildError::invalid(
            name,
            "header values cannot contain control characters",
        ));
    }
    Ok(())
}

/// Values of one `smithy.api#httpQueryParams` entry: a scalar or a list of them.
pub trait QueryValues {
    fn query_values(&self) -> Vec<String>;
}

impl<T: ParamValue> QueryValues for T {
    fn query_values(&self) -> Vec<String> {
        vec![self.to_param()]
    }
}

impl<T: ParamValue> QueryValues for Vec<T> {
    fn query_values(&self) -> Vec<String> {
        self.iter().map(ParamValue::to_param).collect()
    }
}

/// Replaces each `{Name}` / `{Name+}` in `template` with its encoded value.
fn expand_path(template: &str, labels: &[(&'static str, String)]) -> Result<String, BuildError> {
    let mut path = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| BuildError::invalid("uri", format!("unclosed label in `{template}`")))?;
        let token = &after[..close];
        let (name, greedy) = match token.strip_suffix('+') {
            Some(name) => (name, true),
            None => (token, false),
        };
        let value = labels
            .iter()
            .find(|(label, _)| *label == name)
            .map(|(_, value)| value)
            .ok_or_else(|| BuildError::missing(name))?;
        if greedy {
            // Greedy labels span segments: encode each one, keep the separators. Their dot
            // segments stay: they are S3 object keys, which S3 neither normalises nor
            // signs encoded (`a/../b` is a key of its own).
            let segments: Vec<String> = value
                .split('/')
                .map(|segment| utf8_percent_encode(segment, UNRESERVED).to_string())
                .collect();
            path.push_str(&segments.join("/"));
        } else {
            path.push_str(&encode_segment(value));
        }
        rest = &after[close + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

/// A label that is one path segment, percent-encoded. `.` and `..` are encoded too, though
/// unreserved: sent as they are, they are dot segments that clients, proxies and front ends
/// resolve, so that a label `..` would reach another resource (`/workflows/..` is `/`).
fn encode_segment(segment: &str) -> String {
    match segment {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(segment, UNRESERVED).to_string(),
    }
}

fn quote(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// Headers starting with `prefix` (case-insensitive), keyed by the rest of their name
/// (`smithy.api#httpPrefixHeaders`): an empty map when there are none, as the compliance
/// tests expect.
pub fn prefix_headers(response: &HttpResponse, prefix: &str) -> Option<BTreeMap<String, String>> {
    let map: BTreeMap<String, String> = response
        .headers
        .iter()
        .filter(|(name, _)| {
            name.len() >= prefix.len()
                && name.is_char_boundary(prefix.len())
                && name[..prefix.len()].eq_ignore_ascii_case(prefix)
        })
        .map(|(name, value)| (name[prefix.len()..].to_owned(), value.to_owned()))
        .collect();
    Some(map)
}

/// A `smithy.api#httpPayload` string; `None` for an empty body, an error if not UTF-8.
pub fn text_payload(response: &HttpResponse) -> Result<Option<String>, ResponseError> {
    if response.body.is_empty() {
        return Ok(None);
    }
    String::from_utf8(response.body.clone())
        .map(Some)
        .map_err(|_| ResponseError::new(response, "the text payload is not UTF-8"))
}

/// A value read from a response header bound with `smithy.api#httpHeader`.
pub trait FromHeader: Sized {
    /// Parses the header; `timestamps` says how timestamps (alone or in lists) are written
    /// and is ignored by other types.
    fn from_header(value: &str, timestamps: Format) -> Result<Self, String>;

    /// Parses a comma-separated list of values; quoted elements may contain commas and
    /// `\"` escapes.
    fn from_header_list(value: &str, timestamps: Format) -> Result<Vec<Self>, String> {
        split_header_list(value)?
            .iter()
            .map(|item| Self::from_header(item, timestamps))
            .collect()
    }
}

impl FromHeader for String {
    fn from_header(value: &str, _: Format) -> Result<Self, String> {
        Ok(value.to_owned())
    }
}

macro_rules! parsed_header {
    ($($ty:ty),*) => {$(
        impl FromHeader for $ty {
            fn from_header(value: &str, _: Format) -> Result<Self, String> {
                value.trim().parse().map_err(|e| format!("{e}"))
            }
        }
    )*};
}
parsed_header!(bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl FromHeader for DateTime {
    fn from_header(value: &str, timestamps: Format) -> Result<Self, String> {
        DateTime::parse(value.trim(), timestamps).map_err(|e| e.to_string())
    }

    /// HTTP-dates are unquoted and hold a comma of their own (`Mon, 16 Dec 2019 ...`), so
    /// a list of them splits into (day name, rest) pairs.
    fn from_header_list(value: &str, timestamps: Format) -> Result<Vec<Self>, String> {
        let items = split_header_list(value)?;
        if timestamps != Format::HttpDate {
            return items
                .iter()
                .map(|item| Self::from_header(item, timestamps))
                .collect();
        }
        if items.len() % 2 != 0 {
            return Err(format!("`{value}` is not a list of HTTP dates"));
        }
        items
            .chunks(2)
            .map(|date| Self::from_header(&date.join(", "), timestamps))
            .collect()
    }
}

impl<T: FromHeader> FromHeader for Vec<T> {
    fn from_header(value: &str, timestamps: Format) -> Result<Self, String> {
        T::from_header_list(value, timestamps)
    }
}

/// The header's value, `None` when absent, a [`ResponseError`] naming it when malformed.
pub fn header<T: FromHeader>(
    response: &HttpResponse,
    name: &str,
) -> Result<Option<T>, ResponseError> {
    header_with_timestamps(response, name, Format::HttpDate)
}

/// A header holding a base64-encoded `smithy.api#mediaType` string; `None` when absent, a
/// [`ResponseError`] naming it when it is not base64 of UTF-8 text.
pub fn media_type_header(
    response: &HttpResponse,
    name: &str,
) -> Result<Option<String>, ResponseError> {
    response
        .headers
        .get(name)
        .map(|value| {
            base64::decode(value.trim())
                .map_err(|e| e.to_string())
                .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not UTF-8".to_owned()))
                .map_err(|e| ResponseError::new(response, format!("invalid header `{name}`: {e}")))
        })
        .transpose()
}

/// [`header`] for timestamps (or lists of them) with a `smithy.api#timestampFormat`.
pub fn header_with_timestamps<T: FromHeader>(
    response: &HttpResponse,
    name: &str,
    timestamps: Format,
) -> Result<Option<T>, ResponseError> {
    response
        .headers
        .get(name)
        .map(|value| {
            T::from_header(value, timestamps)
                .map_err(|e| ResponseError::new(response, format!("invalid header `{name}`: {e}")))
        })
        .transpose()
}

fn split_header_list(value: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_ascii_whitespace()).is_some() {}
        let mut item = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => item.extend(chars.next()),
                    Some(c) => item.push(c),
                    None => return Err("unterminated quoted list element".to_owned()),
                }
            }
            while chars.next_if(|c| c.is_ascii_whitespace()).is_some() {}
            if chars.peek().is_some_and(|c| *c != ',') {
                return Err("text after a quoted list element".to_owned());
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',') {
                item.push(c);
            }
            item.truncate(item.trim_end().len());
        }
        items.push(item);
        if chars.next().is_none() {
            return Ok(items);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::http::test_response as response;

    #[test]
    fn only_marked_requests_need_http2() {
        let plain = RequestBuilder::new("POST", "/stream").build().unwrap();
        assert!(!plain.needs_http2);
        let duplex = RequestBuilder::new("POST", "/stream")
            .needs_http2()
            .build()
            .unwrap();
        assert!(duplex.needs_http2);
    }

    #[test]
    fn host_prefix_labels_are_filled_and_validated() {
        let prefix = |value: Option<&str>| {
            RequestBuilder::new("POST", "/")
                .host_prefix("foo.{label}.", &[("label", value)])
                .build()
                .map(|request| request.host_prefix)
        };
        assert_eq!(prefix(Some("bar-1")).unwrap(), "foo.bar-1.");
        assert_eq!(prefix(None).unwrap_err(), BuildError::missing("label"));
        for bad in ["", "evil.com/", "a.b", &"x".repeat(64)] {
            assert!(
                matches!(prefix(Some(bad)), Err(BuildError::InvalidMember { .. })),
                "{bad:?}"
            );
        }
        let constant = RequestBuilder::new("POST", "/")
            .host_prefix("data.", &[])
            .build();
        assert_eq!(constant.unwrap().host_prefix, "data.");
    }

    #[test]
    fn labels_are_percent_encoded_and_greedy_labels_keep_slashes() {
        let request = RequestBuilder::new("GET", "/domains/{DomainName}/keys/{Key+}")
            .label("DomainName", Some("a b/c~d-e_f.g%"))
            .label("Key", Some("dir/sub dir/ü"))
            .build()
            .unwrap();
        assert_eq!(
            request.url,
            "/domains/a%20b%2Fc~d-e_f.g%25/keys/dir/sub%20dir/%C3%BC"
        );
        assert_eq!(request.method, "GET");
        assert_eq!(request.body.bytes(), Some(&[][..]));
        assert!(!request.headers.contains("content-type"));
    }

    #[test]
    fn dot_segment_labels_are_encoded_so_they_address_no_other_resource() {
        let path = |domain: &str, key: &str| {
            RequestBuilder::new("GET", "/domains/{DomainName}/keys/{Key+}")
                .label("DomainName", Some(domain))
                .label("Key", Some(key))
                .build()
                .unwrap()
                .url
        };
        assert_eq!(path("..", "a/../."), "/domains/%2E%2E/keys/a/../.");
        assert_eq!(path(".", "..."), "/domains/%2E/keys/...");
        assert_eq!(path("...", "k"), "/domains/.../keys/k");
    }

    #[test]
    fn missing_or_empty_labels_name_the_member() {
        let none: Option<&str> = None;
        let missing = RequestBuilder::new("GET", "/d/{DomainName}").label("DomainName", none);
        assert_eq!(missing.build(), Err(BuildError::missing("DomainName")));
        let empty = RequestBuilder::new("GET", "/d/{DomainName}").label("DomainName", Some(""));
        assert!(
            matches!(empty.build(), Err(BuildError::InvalidMember { member, .. }) if member == "DomainName")
        );
        // A template label nobody bound is reported too.
        let unbound = RequestBuilder::new("GET", "/d/{DomainName}").build();
        assert_eq!(unbound, Err(BuildError::missing("DomainName")));
    }

    #[test]
    fn query_repeats_lists_encodes_and_keeps_literal_query() {
        let request = RequestBuilder::new("GET", "/objects?kind=all")
            .query("next-token", Some("a+b=c&d"))
            .query("max-results", Some(&10))
            .query::<str>("absent", None)
            .query_list("tag", Some(&["x y".to_owned(), "z".to_owned()][..]))
            .query("flag", Some(&true))
            .build()
            .unwrap();
        assert_eq!(
            request.url,
            "/objects?kind=all&next-token=a%2Bb%3Dc%26d&max-results=10&tag=x%20y&tag=z&flag=true"
        );
    }

    #[test]
    fn headers_format_numbers_timestamps_and_quoted_lists() {
        let time = DateTime::from_secs(1_398_796_238);
        let request = RequestBuilder::new("POST", "/")
            .header("X-Count", Some(&3i64))
            .header("X-Ratio", Some(&f64::INFINITY))
            .header("X-When", Some(&time))
            .header_list(
                "X-Names",
                Some(
                    &[
                        "plain".to_owned(),
                        "a,b".to_owned(),
                        "say \"hi\"".to_owned(),
                    ][..],
                ),
            )
            .header_list("X-Times", Some(&[time, time][..]))
            .build()
            .unwrap();
        let h = &request.headers;
        assert_eq!(h.get("x-count"), Some("3"));
        assert_eq!(h.get("x-ratio"), Some("Infinity"));
        assert_eq!(h.get("x-when"), Some("Tue, 29 Apr 2014 18:30:38 GMT"));
        assert_eq!(h.get("x-names"), Some(r#"plain, "a,b", "say \"hi\"""#));
        assert_eq!(
            h.get("x-times"),
            Some("Tue, 29 Apr 2014 18:30:38 GMT, Tue, 29 Apr 2014 18:30:38 GMT")
        );
    }

    #[test]
    fn media_type_headers_travel_as_base64() {
        let json = r#"{"a": [1, 2]}"#.to_owned();
        let request = RequestBuilder::new("GET", "/")
            .media_type_header("X-Json", Some(&json))
            .build()
            .unwrap();
        assert_eq!(request.headers.get("x-json"), Some("eyJhIjogWzEsIDJdfQ=="));
        let r = response(200, &[("X-Json", "dHJ1ZQ=="), ("X-Bad", "%%")], "");
        assert_eq!(
            media_type_header(&r, "x-json").unwrap().as_deref(),
            Some("true")
        );
        assert_eq!(media_type_header(&r, "x-absent").unwrap(), None);
        let error = media_type_header(&r, "x-bad").unwrap_err();
        assert!(error.reason().contains("x-bad"), "{}", error.reason());
    }

    #[test]
    fn header_injection_is_rejected() {
        let built = RequestBuilder::new("GET", "/")
            .header("X-Name", Some("a\r\nX-Evil: 1"))
            .build();
        assert!(
            matches!(built, Err(BuildError::InvalidMember { member, .. }) if member == "X-Name")
        );
    }

    #[test]
    fn query_params_keep_every_value_unless_a_named_member_set_the_name() {
        let params = BTreeMap::from([
            ("baz".to_owned(), vec!["bar".to_owned(), "qux".to_owned()]),
            ("named".to_owned(), vec!["from-map".to_owned()]),
        ]);
        let request = RequestBuilder::new("GET", "/q")
            .query("named", Some("from-member"))
            .query_params(Some(&params))
            .build()
            .unwrap();
        assert_eq!(request.url, "/q?named=from-member&baz=bar&baz=qux");
    }

    #[test]
    fn bodies_carry_content_length_and_a_content_type_unless_a_header_set_one() {
        let request = RequestBuilder::new("POST", "/p")
            .body(Ok(b"{}".to_vec()), "application/json")
            .build()
            .unwrap();
        assert_eq!(request.body.bytes(), Some(&b"{}"[..]));
        assert_eq!(request.headers.get("Content-Length"), Some("2"));
        assert_eq!(
            request.headers.get("Content-Type"),
            Some("application/json")
        );
        let labelled = RequestBuilder::new("POST", "/p")
            .header("Content-Type", Some("application/x-amz-json-1.0"))
            .body(Ok(b"{}".to_vec()), "application/json")
            .build()
            .unwrap();
        assert_eq!(
            labelled.headers.get("Content-Type"),
            Some("application/x-amz-json-1.0")
        );
        let empty = RequestBuilder::new("GET", "/p").build().unwrap();
        assert!(!empty.headers.contains("Content-Length"));
        let failed = RequestBuilder::new("POST", "/p")
            .body(Err(BuildError::invalid("body", "no")), "application/json")
            .build();
        assert_eq!(failed, Err(BuildError::invalid("body", "no")));
    }

    #[test]
    fn response_headers_parse_or_fail_with_the_header_name() {
        let r = response(
            200,
            &[
                ("X-Count", "42"),
                ("X-Bad", "4x"),
                ("X-List", r#"a, "b,c", "d\"e""#),
                ("X-When", "Tue, 29 Apr 2014 18:30:38 GMT"),
            ],
            "",
        );
        assert_eq!(header::<i32>(&r, "x-count").unwrap(), Some(42));
        assert_eq!(header::<i32>(&r, "x-absent").unwrap(), None);
        assert!(
            header::<i32>(&r, "x-bad")
                .unwrap_err()
                .reason()
                .contains("x-bad")
        );
        assert_eq!(
            header::<Vec<String>>(&r, "x-list").unwrap(),
            Some(vec!["a".to_owned(), "b,c".to_owned(), "d\"e".to_owned()])
        );
        assert_eq!(
            header::<DateTime>(&r, "x-when").unwrap(),
            Some(DateTime::from_secs(1_398_796_238))
        );
        let dates = response(
            200,
            &[(
                "X-Dates",
                "Tue, 29 Apr 2014 18:30:38 GMT, Wed, 30 Apr 2014 18:30:38 GMT",
            )],
            "",
        );
        assert_eq!(
            header::<Vec<DateTime>>(&dates, "x-dates").unwrap(),
            Some(vec![
                DateTime::from_secs(1_398_796_238),
                DateTime::from_secs(1_398_882_638)
            ])
        );
        let epochs = response(200, &[("X-Dates", "1398796238, 1398882638.5")], "");
        let epochs: Option<Vec<DateTime>> =
            header_with_timestamps(&epochs, "x-dates", Format::EpochSeconds).unwrap();
        assert_eq!(epochs.map(|e| e.len()), Some(2));
        let odd = response(
            200,
            &[("X-Dates", "Tue, 29 Apr 2014 18:30:38 GMT, Wed")],
            "",
        );
        assert!(header::<Vec<DateTime>>(&odd, "x-dates").is_err());
        let unterminated = response(200, &[("X-List", r#"a, "b"#)], "");
        assert!(header::<Vec<String>>(&unterminated, "x-list").is_err());
    }
}
