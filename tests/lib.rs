//! Shared helpers for the integration tests in this folder.

/// A scripted HTTP/1.1 server on 127.0.0.1 for end-to-end tests: it answers requests with
/// the given replies in order, records every request, counts the connections it accepts
/// (keep-alive tests), and stops when dropped.
///
/// ```ignore
/// let server = TestServer::start(vec![Reply::json(429, r#"{"__type":"ThrottlingException"}"#), Reply::json(200, "{}")]).await;
/// let config = leansdk_tests::config::local(server.url()) /* ... */ .build();
/// // ... call the client ...
/// assert_eq!(server.requests().len(), 2);
/// ```
pub mod server {
    use std::io;
    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex, MutexGuard};
    use std::time::Duration;

    use bytes::Bytes;
    use http_body_util::channel::Channel;
    use http_body_util::{BodyExt, Either, Full};
    use hyper::body::Incoming;
    use hyper::server::conn::http1;
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;
    use tokio::net::TcpListener;
    use tokio::sync::Notify;
    use tokio::task::JoinHandle;

    /// One scripted answer.
    #[derive(Clone, Debug, Default)]
    pub struct Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        delay: Option<Duration>,
        never: bool,
        hang_up: bool,
        /// Sent after `body` once the gate opens (see [`Reply::gated_body`]).
        gated: Option<(Vec<u8>, Arc<Notify>)>,
    }

    impl Reply {
        pub fn status(status: u16) -> Self {
            Self {
                status,
                ..Self::default()
            }
        }

        /// A reply with `Content-Type: application/json` and this body.
        pub fn json(status: u16, body: &str) -> Self {
            Self::status(status)
                .header("Content-Type", "application/json")
                .body(body)
        }

        /// Reads the request, then never answers (the connection stays open).
        pub fn never() -> Self {
            Self {
                never: true,
                ..Self::default()
            }
        }

        /// Reads the request, then closes the connection without answering, as a server does
        /// that closed an idle keep-alive connection just as the request arrived.
        pub fn hang_up() -> Self {
            Self {
                hang_up: true,
                ..Self::default()
            }
        }

        pub fn header(mut self, name: &str, value: &str) -> Self {
            self.headers.push((name.to_owned(), value.to_owned()));
            self
        }

        pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
            self.body = body.into();
            self
        }

        /// Sends `first`, then waits for `gate` to be notified before sending `rest`, with a
        /// `Content-Length` of both: a client that reads bodies as they arrive sees `first`
        /// while the server holds the rest; one that reads them whole before returning
        /// never returns.
        pub fn gated_body(mut self, first: Vec<u8>, rest: Vec<u8>, gate: Arc<Notify>) -> Self {
            let length = (first.len() + rest.len()).to_string();
            self.body = first;
            self.gated = Some((rest, gate));
            self.header("Content-Length", &length)
        }

        /// Waits this long before answering.
        pub fn delay(mut self, delay: Duration) -> Self {
            self.delay = Some(delay);
            self
        }
    }

    /// A request as the server received it.
    #[derive(Clone, Debug)]
    pub struct RecordedRequest {
        pub method: String,
        /// Path and query, as sent.
        pub path: String,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl RecordedRequest {
        /// First value of a header, compared case-insensitively.
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }

    #[derive(Default)]
    struct State {
        replies: std::collections::VecDeque<Reply>,
        requests: Vec<RecordedRequest>,
        accepted: usize,
        /// The task serving each accepted connection: aborting one closes its connection.
        connections: Vec<JoinHandle<()>>,
    }

    /// Status used when the script has run out, chosen to be one no client retries.
    pub const SCRIPT_EXHAUSTED: u16 = 501;

    pub struct TestServer {
        addr: SocketAddr,
        state: Arc<Mutex<State>>,
        accept_loop: JoinHandle<()>,
    }

    impl TestServer {
        /// Binds 127.0.0.1 on a free port and serves until dropped. Needs a tokio runtime.
        pub async fn start(replies: Vec<Reply>) -> Self {
            let listener = TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind a local port");
            let addr = listener.local_addr().expect("local address");
            let state = Arc::new(Mutex::new(State {
                replies: replies.into(),
                ..State::default()
            }));
            let accept_loop = tokio::spawn(accept(listener, state.clone()));
            Self {
                addr,
                state,
                accept_loop,
            }
        }

        /// `http://127.0.0.1:<port>`
        pub fn url(&self) -> String {
            format!("http://{}", self.addr)
        }

        /// Every request received so far, in order.
        pub fn requests(&self) -> Vec<RecordedRequest> {
            lock(&self.state).requests.clone()
        }

        /// How many connections the server has accepted so far.
        pub fn connections(&self) -> usize {
            lock(&self.state).accepted
        }

        /// Closes every open connection, idle ones included, as servers do after their idle
        /// timeout; returns once they are closed.
        pub async fn close_connections(&self) {
            let connections = std::mem::take(&mut lock(&self.state).connections);
            for connection in connections {
                connection.abort();
                // The task's socket is dropped by the time it reports its cancellation.
                let _ = connection.await;
            }
        }
    }

    impl Drop for TestServer {
        fn drop(&mut self) {
            self.accept_loop.abort();
            for connection in &lock(&self.state).connections {
                connection.abort();
            }
        }
    }

    fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
        state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn accept(listener: TcpListener, state: Arc<Mutex<State>>) {
        while let Ok((stream, _)) = listener.accept().await {
            // Counted before serving, so a test that got its answer sees the connection.
            lock(&state).accepted += 1;
            let serving = state.clone();
            let connection = tokio::spawn(async move {
                let service = service_fn(move |request| respond(serving.clone(), request));
                // A client hanging up mid-request is normal in timeout tests.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
            let mut state = lock(&state);
            state.connections.retain(|task| !task.is_finished());
            state.connections.push(connection);
        }
    }

    async fn respond(
        state: Arc<Mutex<State>>,
        request: hyper::Request<Incoming>,
    ) -> Result<hyper::Response<Either<Full<Bytes>, Channel<Bytes, io::Error>>>, io::Error> {
        let (parts, body) = request.into_parts();
        let body = body
            .collect()
            .await
            .map(|collected| collected.to_bytes().to_vec())
            .unwrap_or_default();
        let reply = {
            let mut state = lock(&state);
            state.requests.push(RecordedRequest {
                method: parts.method.to_string(),
                path: parts
                    .uri
                    .path_and_query()
                    .map(|pq| pq.as_str().to_owned())
                    .unwrap_or_default(),
                headers: parts
                    .headers
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body,
            });
            state.replies.pop_front().unwrap_or_else(|| {
                Reply::status(SCRIPT_EXHAUSTED).body("test server: no scripted reply left")
            })
        };
        if reply.hang_up {
            // hyper closes the connection without a response when the service fails.
            return Err(io::Error::other("scripted hang-up"));
        }
        if reply.never {
            std::future::pending::<()>().await;
        }
        if let Some(delay) = reply.delay {
            tokio::time::sleep(delay).await;
        }
        let mut response = hyper::Response::builder().status(reply.status);
        for (name, value) in &reply.headers {
            response = response.header(name, value);
        }
        let body = match reply.gated {
            None => Either::Left(Full::new(Bytes::from(reply.body))),
            Some((rest, gate)) => {
                let (mut sender, body) = Channel::new(1);
                let first = Bytes::from(reply.body);
                tokio::spawn(async move {
                    // A client that hung up just ends the send; nothing to report.
                    if sender.send_data(first).await.is_ok() {
                        gate.notified().await;
                        let _ = sender.send_data(Bytes::from(rest)).await;
                    }
                });
                Either::Right(body)
            }
        };
        Ok(response
            .body(body)
            .expect("scripted reply is a valid response"))
    }

    /// A URL on 127.0.0.1 where nothing listens (the port was just released), so connecting
    /// is refused.
    pub fn refused_url() -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let addr = listener.local_addr().expect("local address");
        drop(listener);
        format!("http://{addr}")
    }
}

/// The configuration the tests start from, so that each sets only what it is about.
pub mod config {
    use leansdk_runtime::auth::credentials::Credentials;
    use leansdk_runtime::config::{Config, ConfigBuilder};

    /// The access key ID of [`base`]'s credentials.
    pub const ACCESS_KEY: &str = "AKIDEXAMPLE";
    /// The secret access key of [`base`]'s credentials.
    pub const SECRET: &str = "secret";

    /// What a call needs before it can be sent: region `us-east-1` and static credentials
    /// ([`ACCESS_KEY`], [`SECRET`], no session token). The builder's setters replace what
    /// was set, so a test adds or overrides what it varies: other credentials (a secret or
    /// token it then looks for in logs), retries, timeouts, a recording sleep.
    pub fn base() -> ConfigBuilder {
        Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new(ACCESS_KEY, SECRET, None, None))
    }

    /// [`base`], its calls sent to `endpoint_url`: a local test server's (or a refusing or
    /// misbehaving peer's).
    pub fn local(endpoint_url: impl Into<String>) -> ConfigBuilder {
        base().endpoint_url(endpoint_url)
    }
}

/// Checks a signature the server received: the recorded request signed again, by the
/// runtime's signer, with its signed headers at its `x-amz-date`.
pub mod signing {
    use std::time::{Duration, SystemTime};

    use leansdk_runtime::DateTime;
    use leansdk_runtime::auth::credentials::Credentials;
    use leansdk_runtime::auth::sigv4::{self, SigningParams, SigningSettings};
    use leansdk_runtime::http::{ByteStream, Headers, HttpRequest};

    use crate::server::RecordedRequest;

    /// As whom and how the request was signed.
    pub struct Scope<'a> {
        pub credentials: &'a Credentials,
        pub region: &'a str,
        pub service: &'a str,
        pub settings: SigningSettings,
    }

    /// The `Authorization` header the runtime computes for `request` as sent to
    /// `base_url`; it must equal the one the server received. A request that announced
    /// `UNSIGNED-PAYLOAD` is signed as the stream it was.
    pub fn recomputed_authorization(
        request: &RecordedRequest,
        base_url: &str,
        scope: &Scope<'_>,
    ) -> String {
        let authorization = request.header("authorization").expect("a signed request");
        let signed = authorization
            .split("SignedHeaders=")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .expect("SignedHeaders");
        let mut headers = Headers::new();
        for name in signed.split(';') {
            headers.insert(name, request.header(name).expect("a signed header"));
        }
        let amz_date = request.header("x-amz-date").expect("x-amz-date");
        let rfc3339 = format!(
            "{}-{}-{}T{}:{}:{}Z",
            &amz_date[0..4],
            &amz_date[4..6],
            &amz_date[6..8],
            &amz_date[9..11],
            &amz_date[11..13],
            &amz_date[13..15]
        );
        let secs = DateTime::parse_rfc3339(&rfc3339)
            .expect("an x-amz-date")
            .secs();
        let body = match request.header("x-amz-content-sha256") {
            Some("UNSIGNED-PAYLOAD") => ByteStream::from_reader(&b""[..], 0),
            _ => request.body.clone().into(),
        };
        let mut resigned = HttpRequest {
            method: request.method.clone(),
            url: format!("{base_url}{}", request.path),
            headers,
            body,
            ..HttpRequest::default()
        };
        sigv4::sign_parts(
            &mut resigned,
            &SigningParams {
                credentials: scope.credentials,
                region: scope.region,
                service: scope.service,
                time: SystemTime::UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs()),
                settings: scope.settings,
            },
        )
        .expect("the request signs")
        .authorization
    }
}

/// Test doubles for the runtime's injection points.
pub mod doubles {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use leansdk_runtime::BoxFuture;
    use leansdk_runtime::http::{
        ByteStream, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpResponse,
    };
    use leansdk_runtime::sleep::Sleep;

    /// An HTTP client that records every request's URL and fails it as a connection
    /// error: what was contacted, without any network. Clones share the record.
    #[derive(Clone, Debug, Default)]
    pub struct NoNetwork {
        urls: Arc<Mutex<Vec<String>>>,
    }

    impl NoNetwork {
        pub fn urls(&self) -> Vec<String> {
            self.urls
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone()
        }
    }

    impl HttpClient for NoNetwork {
        fn send(
            &self,
            request: HttpRequest,
        ) -> BoxFuture<'_, Result<HttpResponse<ByteStream>, ConnectorError>> {
            self.urls
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(request.url);
            Box::pin(async {
                Err(ConnectorError::new(
                    ConnectorErrorKind::Connect,
                    "test double: no network",
                ))
            })
        }
    }

    /// Records every backoff delay and returns at once, so retry tests never wait.
    #[derive(Clone, Debug, Default)]
    pub struct RecordingSleep {
        delays: Arc<Mutex<Vec<Duration>>>,
    }

    impl RecordingSleep {
        pub fn delays(&self) -> Vec<Duration> {
            self.delays
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone()
        }
    }

    impl Sleep for RecordingSleep {
        fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
            self.delays
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(duration);
            Box::pin(std::future::ready(()))
        }
    }
}

/// The generated `GetWorkflow` as the runtime tests call it: the input most tests send.
pub mod get_workflow {
    pub use leansdk_customerprofiles::operation::get_workflow::{
        GetWorkflowError, GetWorkflowInput, GetWorkflowOutput,
    };

    use leansdk_customerprofiles::Client;
    use leansdk_runtime::config::Config;
    use leansdk_runtime::config::env::Env;

    /// Labels that need percent-encoding.
    pub fn input() -> GetWorkflowInput {
        GetWorkflowInput {
            domain_name: Some("my domain".to_owned()),
            workflow_id: Some("wf/1".to_owned()),
        }
    }

    /// The generated example's logic (`leansdk_runtime::cli::run_with` around the same call
    /// the example makes), configured from environment variables: `endpoint_url`, one
    /// attempt, keys `access_key`/`secret`, no instance metadata. Exit status, standard
    /// output and standard error.
    pub async fn run_example(
        endpoint_url: &str,
        (access_key, secret): (&str, &str),
        args: &[&str],
    ) -> (u8, String, String) {
        let env = Env::from_vars([
            ("AWS_ENDPOINT_URL", endpoint_url),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", access_key),
            ("AWS_SECRET_ACCESS_KEY", secret),
            ("AWS_MAX_ATTEMPTS", "1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let status = leansdk_runtime::cli::run_with(
            &["domain-name", "workflow-id"],
            args.iter().map(|a| (*a).to_owned()),
            Config::from_env().env(env),
            |config, args| async move {
                Client::new(&config)
                    .get_workflow()
                    .set_domain_name(args.get("domain-name"))
                    .set_workflow_id(args.get("workflow-id"))
                    .send()
                    .await
            },
            &mut stdout,
            &mut stderr,
        )
        .await;
        (
            status,
            String::from_utf8(stdout).expect("UTF-8 output"),
            String::from_utf8(stderr).expect("UTF-8 errors"),
        )
    }
}
