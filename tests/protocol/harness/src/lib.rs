//! Hand-written support for the generated compliance tests (`tests/compliance.rs` of each
//! protocol's crate): an `HttpClient` test double that records the request and answers with
//! a canned response, and comparisons that follow the compliance tests' rules.

use std::fmt::Debug;
use std::future::Future;
use std::sync::{Arc, Mutex};

use leansdk_runtime::auth::credentials::Credentials;
use leansdk_runtime::config::Config;
use leansdk_runtime::config::retry::RetryConfig;
use leansdk_runtime::http::{
    BoxFuture, ByteStream, ConnectorError, Headers, HttpClient, HttpRequest, HttpResponse,
};
use leansdk_runtime::serde_json;

/// Records every request and answers each with the same response.
#[derive(Debug)]
pub struct Capture {
    requests: Mutex<Vec<HttpRequest>>,
    response: HttpResponse,
}

/// Shares one [`Capture`] between the client's config and the test.
#[derive(Clone, Debug)]
struct Shared(Arc<Capture>);

impl HttpClient for Shared {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse<ByteStream>, ConnectorError>> {
        if let Ok(mut requests) = self.0.requests.lock() {
            requests.push(request);
        }
        let HttpResponse {
            status,
            headers,
            body,
        } = self.0.response.clone();
        Box::pin(async move {
            Ok(HttpResponse {
                status,
                headers,
                body: ByteStream::from(body),
            })
        })
    }
}

impl Capture {
    /// A capture answering `200 {}`, for request tests.
    pub fn ok() -> Arc<Self> {
        Self::answering(response(200, &[("Content-Type", "application/json")], "{}"))
    }

    pub fn answering(response: HttpResponse) -> Arc<Self> {
        Arc::new(Self {
            requests: Mutex::new(Vec::new()),
            response,
        })
    }

    /// A config sending through this capture to `endpoint` (e.g. `https://example.com`),
    /// signing with static keys, never retrying.
    pub fn config(self: &Arc<Self>, endpoint: &str) -> Config {
        Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                None,
                None,
            ))
            .endpoint_url(endpoint)
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .http_client(Shared(Arc::clone(self)))
            .build()
    }

    /// The one request the operation sent; `outcome` explains why there is none.
    pub fn sent<T: Debug, E: Debug>(&self, outcome: Result<T, E>) -> HttpRequest {
        let requests = self.requests.lock().map(|r| r.clone()).unwrap_or_default();
        match requests.as_slice() {
            [request] => request.clone(),
            [] => panic!("no request was sent; the operation returned {outcome:?}"),
            many => panic!("expected one request, {} were sent", many.len()),
        }
    }
}

/// Runs a future to completion on a current-thread runtime with timers (the orchestrator's
/// timeouts need them).
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime")
        .block_on(future)
}

pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut map = Headers::new();
    for (name, value) in headers {
        map.append(*name, *value);
    }
    HttpResponse {
        status,
        headers: map,
        body: body.as_bytes().to_vec(),
    }
}

/// The request a case expects.
pub struct Expected<'a> {
    pub method: &'a str,
    /// Path and query, percent-encoded as on the wire.
    pub uri: &'a str,
    /// `None`: the endpoint's host, `example.com`. A path after the host (`example.com/custom`)
    /// is the endpoint's, already part of `uri`.
    pub host: Option<&'a str>,
    pub headers: &'a [(&'a str, &'a str)],
    pub forbid_headers: &'a [&'a str],
    pub require_headers: &'a [&'a str],
    /// `None` when the case does not say what the body is.
    pub body: Option<&'a str>,
}

/// Method, host, path, query (as a multiset of decoded pairs), headers and body.
pub fn assert_request(actual: &HttpRequest, expected: &Expected<'_>) {
    assert_eq!(actual.method, expected.method, "method");
    let rest = actual
        .url
        .strip_prefix("https://")
        .unwrap_or_else(|| panic!("not an https URL: {}", actual.url));
    let (host, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let expected_host = expected.host.unwrap_or("example.com");
    let expected_host = expected_host.split('/').next().unwrap_or(expected_host);
    assert_eq!(host, expected_host, "host");
    let (path, query) = split_query(target);
    let (expected_path, expected_query) = split_query(expected.uri);
    assert_eq!(path, expected_path, "path");
    assert_eq!(
        query_pairs(query),
        query_pairs(expected_query),
        "query of {}",
        actual.url
    );
    for (name, value) in expected.headers {
        assert_eq!(actual.headers.get(name), Some(*value), "header `{name}`");
    }
    for name in expected.forbid_headers {
        assert!(
            !actual.headers.contains(name),
            "header `{name}` must not be sent"
        );
    }
    for name in expected.require_headers {
        assert!(
            actual.headers.contains(name),
            "header `{name}` must be sent"
        );
    }
    if let Some(body) = expected.body {
        let sent = actual
            .body
            .bytes()
            .expect("compliance cases send bodies from memory");
        assert_body(sent, body);
    }
}

fn split_query(target: &str) -> (&str, &str) {
    target.split_once('?').unwrap_or((target, ""))
}

/// Decoded `name=value` pairs, sorted: order between parameters is not significant.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect();
    pairs.sort();
    pairs
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// JSON bodies compare as values (key order and white space are not significant), XML
/// bodies as trees (see [`XmlNode`]), form bodies as sets of decoded pairs; others byte for
/// byte.
fn assert_body(actual: &[u8], expected: &str) {
    let json = |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).ok();
    if let (Some(actual), Some(expected)) = (json(actual), json(expected.as_bytes())) {
        return assert_eq!(actual, expected, "JSON body");
    }
    let actual_text = String::from_utf8_lossy(actual);
    if expected.trim_start().starts_with('<') {
        let (actual_xml, expected_xml) = (XmlNode::parse(&actual_text), XmlNode::parse(expected));
        return assert_eq!(
            actual_xml, expected_xml,
            "XML body:\n  sent {actual_text}\n  want {expected}"
        );
    }
    if expected.contains('=') && !expected.contains(' ') {
        let (mut sent, mut want) = (query_pairs(&actual_text), query_pairs(expected));
        sent.sort();
        want.sort();
        return assert_eq!(sent, want, "form body: sent {actual_text}");
    }
    assert_eq!(actual_text, expected, "body");
}

/// An XML element for comparison: its name as written, its attributes (namespace
/// declarations included) in any order, its trimmed text, and its children, whose order
/// counts only among children of the same name (a structure's members may come in any
/// order; a list's items may not), and not among map entries (elements holding a key and a
/// value, which maps write in key order, but the cases in their JSON order).
#[derive(Debug)]
struct XmlNode {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: std::collections::BTreeMap<String, Vec<XmlNode>>,
}

impl PartialEq for XmlNode {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.attributes == other.attributes
            && self.text == other.text
            && self.children.len() == other.children.len()
            && self.children.iter().all(|(name, mine)| {
                other.children.get(name).is_some_and(|theirs| {
                    if mine.iter().chain(theirs).all(XmlNode::is_map_entry) {
                        mine.len() == theirs.len()
                            && mine.iter().all(|entry| theirs.contains(entry))
                    } else {
                        mine == theirs
                    }
                })
            })
    }
}

impl XmlNode {
    /// Two child elements of different names (key and value) and no text of its own.
    fn is_map_entry(&self) -> bool {
        self.text.is_empty()
            && self.children.len() == 2
            && self.children.values().all(|group| group.len() == 1)
    }

    fn parse(text: &str) -> Option<XmlNode> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(text);
        let mut open: Vec<XmlNode> = Vec::new();
        loop {
            match reader.read_event().ok()? {
                Event::Start(start) => open.push(Self::start(&start)?),
                Event::Empty(start) => {
                    let node = Self::start(&start)?;
                    if let Some(done) = Self::close(&mut open, node) {
                        return Some(done);
                    }
                }
                Event::End(_) => {
                    let node = open.pop()?;
                    if let Some(done) = Self::close(&mut open, node) {
                        return Some(done);
                    }
                }
                Event::Text(text) => {
                    // White space around the root is not content.
                    if let Some(node) = open.last_mut() {
                        node.text.push_str(text.xml10_content().trim());
                    }
                }
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref().ok()? {
                        Some(c) => c.to_string(),
                        None => {
                            quick_xml::escape::unescape(&format!("&{};", reference.xml10_content()))
                                .ok()?
                                .into_owned()
                        }
                    };
                    open.last_mut()?.text.push_str(&resolved);
                }
                Event::Eof => return None,
                _ => {}
            }
        }
    }

    fn start(start: &quick_xml::events::BytesStart<'_>) -> Option<XmlNode> {
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.ok()?;
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()?;
            attributes.push((attribute.key.into_inner().to_owned(), value.into_owned()));
        }
        attributes.sort();
        Some(XmlNode {
            name: start.name().into_inner().to_owned(),
            attributes,
            text: String::new(),
            children: std::collections::BTreeMap::new(),
        })
    }

    /// Attaches `node` to its parent, or returns it when it is the root.
    fn close(open: &mut [XmlNode], node: XmlNode) -> Option<XmlNode> {
        match open.last_mut() {
            Some(parent) => {
                parent
                    .children
                    .entry(node.name.clone())
                    .or_default()
                    .push(node);
                None
            }
            None => Some(node),
        }
    }
}

/// Equal, or both print the same: NaN is not equal to itself, but a parsed NaN is the
/// value the case expects, wherever it is nested.
pub fn assert_same<T: PartialEq + Debug>(actual: &T, expected: &T, what: &str) {
    if actual != expected {
        assert_eq!(format!("{actual:?}"), format!("{expected:?}"), "{what}");
    }
}
