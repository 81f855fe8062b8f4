//! A replaying HTTP client, as aws-smithy-http-client's `StaticReplayClient`: recorded
//! request/response pairs, the responses given in order whatever was asked, the requests
//! actually sent kept to be compared with the recorded ones afterwards.

use std::error::Error;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::BoxFuture;
use crate::http::{
    ByteStream, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpResponse,
    is_secret_header,
};

/// One recorded exchange: the request expected and the response given to it.
#[derive(Clone, Debug)]
pub struct ReplayEvent {
    request: HttpRequest,
    response: HttpResponse,
}

impl ReplayEvent {
    /// The request expected (its body in memory; its URL absolute, or just path and query
    /// when the host does not matter) and the response that answers it.
    pub fn new(expected_request: HttpRequest, response: HttpResponse) -> Self {
        Self {
            request: expected_request,
            response,
        }
    }

    /// The request expected.
    pub fn request(&self) -> &HttpRequest {
        &self.request
    }

    /// The response given.
    pub fn response(&self) -> &HttpResponse {
        &self.response
    }
}

/// An [`HttpClient`] that answers the `n`th request with the `n`th event's response,
/// whatever the request, and records the requests sent; then
/// [`assert_requests_match`](Self::assert_requests_match) compares them with the events'.
/// Clones share the events and the record: give one to
/// [`ConfigBuilder::http_client`](crate::config::ConfigBuilder::http_client) and keep one.
/// A request after the last event fails with [`ConnectorErrorKind::InvalidRequest`] (the
/// replay ran out), which is not retried.
///
/// ```
/// use leansdk_runtime::http::{HttpRequest, HttpResponse};
/// use leansdk_runtime::test_util::{ReplayClient, ReplayEvent};
///
/// let replay = ReplayClient::new([ReplayEvent::new(
///     HttpRequest { method: "GET".into(), url: "/things/big".into(), ..Default::default() },
///     HttpResponse { status: 200, body: br#"{"Size":100}"#.to_vec(), ..Default::default() },
/// )]);
/// let config = leansdk_runtime::config::Config::builder().http_client(replay.clone()).build();
/// // ... code under test makes its calls with a client built from `config` ...
/// # let _ = config;
/// let mismatch = replay.check_requests(&[]).unwrap_err();
/// assert_eq!(mismatch.to_string(), "event 0: never requested (0 requests sent for 1 events)");
/// ```
#[derive(Clone, Debug, Default)]
pub struct ReplayClient {
    state: Arc<Mutex<Replay>>,
}

#[derive(Debug, Default)]
struct Replay {
    events: Vec<ReplayEvent>,
    /// Every request sent, in order, its body read into memory.
    sent: Vec<HttpRequest>,
}

impl ReplayClient {
    /// A client that answers with `events`' responses, in order.
    pub fn new(events: impl IntoIterator<Item = ReplayEvent>) -> Self {
        Self {
            state: Arc::new(Mutex::new(Replay {
                events: events.into_iter().collect(),
                sent: Vec::new(),
            })),
        }
    }

    /// Every request sent so far, in order, as sent: URL absolute, headers signed, body in
    /// memory.
    pub fn actual_requests(&self) -> Vec<HttpRequest> {
        self.lock().sent.clone()
    }

    /// Compares each request sent with its event's (see
    /// [`assert_requests_match`](Self::assert_requests_match)); the first difference, or
    /// an event never requested, or a request after the last event.
    pub fn check_requests(&self, ignored_headers: &[&str]) -> Result<(), RequestMismatch> {
        let replay = self.lock();
        let (events, sent) = (replay.events.len(), replay.sent.len());
        for (index, actual) in replay.sent.iter().enumerate() {
            let mismatch = |difference| RequestMismatch { index, difference };
            let event = replay.events.get(index).ok_or_else(|| {
                mismatch(format!(
                    "request sent after the last event ({events} events)"
                ))
            })?;
            compare(&event.request, actual, ignored_headers).map_err(mismatch)?;
        }
        if sent < events {
            return Err(RequestMismatch {
                index: sent,
                difference: format!("never requested ({sent} requests sent for {events} events)"),
            });
        }
        Ok(())
    }

    /// Panics, naming the event and the first difference, unless every event was
    /// requested, once, in order, by a request that matches the event's: the same method,
    /// path, query parameters (in any order, decoded), body (as JSON when both are JSON,
    /// else byte for byte), and for each header of the event's but `ignored_headers`
    /// (case-insensitive), the same values. Headers the event does not name are not
    /// compared, nor the scheme and host unless the event's URL is absolute. Values of
    /// secret headers (`Authorization`, ...) are not shown.
    #[track_caller]
    pub fn assert_requests_match(&self, ignored_headers: &[&str]) {
        if let Err(mismatch) = self.check_requests(ignored_headers) {
            panic!("{mismatch}");
        }
    }

    fn lock(&self) -> MutexGuard<'_, Replay> {
        // The record stays valid even if a test panicked while holding it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl HttpClient for ReplayClient {
    fn send(
        &self,
        mut request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse<ByteStream>, ConnectorError>> {
        Box::pin(async move {
            let body = std::mem::take(&mut request.body)
                .collect()
                .await
                .map_err(|e| ConnectorError::new(ConnectorErrorKind::Io, e))?;
            request.body = body.into();
            let mut replay = self.lock();
            let index = replay.sent.len();
            replay.sent.push(request);
            let event = replay.events.get(index).ok_or_else(|| {
                ConnectorError::new(
                    ConnectorErrorKind::InvalidRequest,
                    format!("the replay ran out: request {index} has no event ({index} events)"),
                )
            })?;
            let HttpResponse {
                status,
                headers,
                body,
            } = event.response.clone();
            Ok(HttpResponse {
                status,
                headers,
                body: body.into(),
            })
        })
    }
}

/// A request sent that differs from its event's, or an event never requested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestMismatch {
    index: usize,
    difference: String,
}

impl RequestMismatch {
    /// The event's index, from 0.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl fmt::Display for RequestMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "event {}: {}", self.index, self.difference)
    }
}

impl Error for RequestMismatch {}

/// The first difference between `expected` and `actual`, in the order a reader checks.
fn compare(
    expected: &HttpRequest,
    actual: &HttpRequest,
    ignored_headers: &[&str],
) -> Result<(), String> {
    fn differ(what: &str, expected: impl fmt::Debug, actual: impl fmt::Debug) -> String {
        format!("{what}: expected {expected:?}, sent {actual:?}")
    }
    if expected.method != actual.method {
        return Err(differ("method", &expected.method, &actual.method));
    }
    let (want, got) = (Url::split(&expected.url), Url::split(&actual.url));
    if want.origin.is_some() && want.origin != got.origin {
        return Err(differ("scheme and host", want.origin, got.origin));
    }
    if want.path != got.path {
        return Err(differ("path", want.path, got.path));
    }
    let (want_query, got_query) = (query_pairs(want.query), query_pairs(got.query));
    if want_query != got_query {
        return Err(differ("query", want_query, got_query));
    }
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in expected.headers.iter() {
        let ignored = ignored_headers.iter().any(|i| i.eq_ignore_ascii_case(name));
        if ignored || names.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
            continue;
        }
        names.push(name);
        let want: Vec<&str> = expected.headers.get_all(name).collect();
        let got: Vec<&str> = actual.headers.get_all(name).collect();
        if got.is_empty() {
            return Err(format!("header `{name}`: missing"));
        }
        if want != got {
            if is_secret_header(name) {
                return Err(format!(
                    "header `{name}`: values differ (a secret, not shown)"
                ));
            }
            return Err(differ(&format!("header `{name}`"), want, got));
        }
    }
    let want = expected.body.bytes().unwrap_or_default();
    let got = actual.body.bytes().unwrap_or_default();
    let same = match (json(want), json(got)) {
        (Some(want), Some(got)) => want == got,
        _ => want == got,
    };
    if !same {
        return Err(differ(
            "body",
            String::from_utf8_lossy(want),
            String::from_utf8_lossy(got),
        ));
    }
    Ok(())
}

fn json(body: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(body).ok()
}

/// A URL's parts as compared: `scheme://host[:port]` (absent from a URL that is a path),
/// path, query.
struct Url<'a> {
    origin: Option<&'a str>,
    path: &'a str,
    query: &'a str,
}

impl<'a> Url<'a> {
    fn split(url: &'a str) -> Self {
        let (origin, rest) = match url.find("://") {
            Some(scheme_end) => {
                let host_end = url[scheme_end + 3..]
                    .find(['/', '?'])
                    .map_or(url.len(), |i| scheme_end + 3 + i);
                (Some(&url[..host_end]), &url[host_end..])
            }
            None => (None, url),
        };
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Self {
            origin,
            path: if path.is_empty() { "/" } else { path },
            query,
        }
    }
}

/// The query's parameters, percent-decoded and sorted: their order does not matter.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |part: &str| {
        percent_encoding::percent_decode_str(part)
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect();
    pairs.sort();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Headers;

    fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
        let mut map = Headers::new();
        for (name, value) in headers {
            map.append(*name, *value);
        }
        HttpRequest {
            method: method.into(),
            url: url.into(),
            headers: map,
            body: body.to_owned().into(),
            ..HttpRequest::default()
        }
    }

    fn answered(status: u16) -> HttpResponse {
        HttpResponse {
            status,
            ..HttpResponse::default()
        }
    }

    #[tokio::test]
    async fn answers_in_order_and_runs_out_with_a_typed_error() {
        let replay = ReplayClient::new([
            ReplayEvent::new(request("GET", "/a", &[], ""), answered(200)),
            ReplayEvent::new(request("GET", "/b", &[], ""), answered(404)),
        ]);
        // In order, whatever was asked.
        let sent = request("PUT", "https://h/other", &[], "body");
        assert_eq!(replay.send(sent.clone()).await.unwrap().status, 200);
        assert_eq!(replay.send(sent.clone()).await.unwrap().status, 404);
        let error = replay.send(sent).await.unwrap_err();
        assert_eq!(error.kind(), ConnectorErrorKind::InvalidRequest);
        assert!(
            error.to_string().contains("the replay ran out: request 2"),
            "{error}"
        );
        assert_eq!(replay.actual_requests().len(), 3);
        assert_eq!(replay.actual_requests()[0].body.bytes(), Some(&b"body"[..]));
    }

    /// The difference `sent` has from `expected`, if any.
    async fn difference(
        expected: HttpRequest,
        sent: HttpRequest,
        ignored: &[&str],
    ) -> Option<String> {
        let replay = ReplayClient::new([ReplayEvent::new(expected, answered(200))]);
        replay.send(sent).await.unwrap();
        replay.check_requests(ignored).err().map(|e| e.to_string())
    }

    #[tokio::test]
    async fn requests_match_on_what_the_event_names() {
        let expected = request(
            "POST",
            "/things?b=2&a=x%20y",
            &[("Content-Type", "application/json")],
            r#"{"a": 1, "b": [true]}"#,
        );
        let sent = request(
            "POST",
            "https://host:8080/things?a=x%20y&b=2",
            &[("content-type", "application/json"), ("x-amz-date", "now")],
            r#"{"b":[true],"a":1}"#,
        );
        assert_eq!(difference(expected.clone(), sent.clone(), &[]).await, None);

        let cases = [
            (
                request("GET", "/things?a=x%20y&b=2", &[], ""),
                "method: expected \"GET\", sent \"POST\"",
            ),
            (
                request("POST", "/thing", &[], ""),
                "path: expected \"/thing\"",
            ),
            (
                request("POST", "/things?a=x", &[], ""),
                "query: expected [(\"a\", \"x\")]",
            ),
            (
                request("POST", "https://other/things?a=x%20y&b=2", &[], ""),
                "scheme and host: expected Some(\"https://other\"), sent Some(\"https://host:8080\")",
            ),
            (
                request("POST", "/things?a=x%20y&b=2", &[("X-Missing", "1")], ""),
                "header `X-Missing`: missing",
            ),
            (
                request("POST", "/things?a=x%20y&b=2", &[("x-amz-date", "then")], ""),
                "header `x-amz-date`: expected [\"then\"], sent [\"now\"]",
            ),
            (
                request("POST", "/things?a=x%20y&b=2", &[], r#"{"a": 2}"#),
                "body: expected \"{\\\"a\\\": 2}\"",
            ),
        ];
        for (expected, message) in cases {
            let found = difference(expected, sent.clone(), &[]).await.unwrap();
            assert!(found.starts_with(&format!("event 0: {message}")), "{found}");
        }
        let ignored = request(
            "POST",
            "/things?a=x%20y&b=2",
            &[("X-AMZ-DATE", "then")],
            r#"{"a":1,"b":[true]}"#,
        );
        assert_eq!(difference(ignored, sent, &["x-amz-date"]).await, None);
    }

    #[tokio::test]
    async fn secret_header_values_are_never_shown() {
        let expected = request("GET", "/", &[("Authorization", "expected-signature")], "");
        let sent = request("GET", "/", &[("authorization", "sent-signature")], "");
        let found = difference(expected, sent, &[]).await.unwrap();
        assert!(!found.contains("signature"), "{found}");
        assert!(found.contains("a secret, not shown"), "{found}");
    }

    #[tokio::test]
    async fn bodies_that_are_not_json_compare_byte_for_byte() {
        let found = difference(
            request("PUT", "/", &[], "abc"),
            request("PUT", "/", &[], "abd"),
            &[],
        )
        .await;
        assert_eq!(
            found.as_deref(),
            Some("event 0: body: expected \"abc\", sent \"abd\"")
        );
    }

    #[tokio::test]
    async fn events_never_requested_and_requests_past_the_end_are_mismatches() {
        let replay = ReplayClient::new([
            ReplayEvent::new(request("GET", "/", &[], ""), answered(200)),
            ReplayEvent::new(request("GET", "/", &[], ""), answered(200)),
        ]);
        replay.send(request("GET", "/", &[], "")).await.unwrap();
        let mismatch = replay.check_requests(&[]).unwrap_err();
        assert_eq!(
            (mismatch.index(), mismatch.to_string().as_str()),
            (1, "event 1: never requested (1 requests sent for 2 events)")
        );
        replay.send(request("GET", "/", &[], "")).await.unwrap();
        replay.assert_requests_match(&[]);
        replay.send(request("GET", "/", &[], "")).await.unwrap_err();
        let mismatch = replay.check_requests(&[]).unwrap_err();
        assert_eq!(
            mismatch.to_string(),
            "event 2: request sent after the last event (2 events)"
        );
    }
}
