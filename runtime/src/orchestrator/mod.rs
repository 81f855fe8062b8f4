//! The operation orchestrator: everything between "the input became a request" and "the
//! response is ready to parse", shared by every generated operation.
//!
//! # What a generated operation looks like
//!
//! Generated code supplies one [`ServiceMeta`] per service and, per operation, a request
//! serialiser, an output parser and an error parser (see `generated/src/operation/` for real
//! ones, written by `codegen/src/emit/operation.rs`). The operation itself is one call:
//!
//! ```ignore
//! // Service level, once (src/client.rs):
//! static SERVICE: ServiceMeta = ServiceMeta {
//!     service_id: "Customer Profiles",            // the model's sdkId
//!     signing_name: "profile",                    // aws.auth#sigv4 name
//!     sdk_version: env!("CARGO_PKG_VERSION"),
//!     resolve_endpoint: crate::endpoint::resolve_for_config, // the rule set, or `endpoint_url_only`
//!     error_metadata: protocol::rest_json::error_metadata, // the protocol's error reader
//!     signing: SigningSettings::STANDARD,          // (S3: no double encoding, payload header)
//!     error_in_success: None,                        // (S3: a 200 may carry an error)
//! };
//!
//! // Per operation (src/operation/get_workflow.rs): input -> request -> invoke -> output or error enum.
//! impl GetWorkflowInput {
//!     pub async fn send_with(self, client: &Client)
//!         -> Result<GetWorkflowOutput, SdkError<GetWorkflowError>> {
//!         client.handle()
//!             .invoke(self.to_request(), self, GetWorkflowOutput::from_response, GetWorkflowError::from_response)
//!             .await
//!     }
//!     pub fn to_request(&self) -> Result<HttpRequest, BuildError> {
//!         RequestBuilder::new("GET", "/domains/{DomainName}/workflows/{WorkflowId}")
//!             .label("DomainName", Some(&self.domain_name))
//!             .label("WorkflowId", Some(&self.workflow_id))
//!             .build()
//!     }
//! }
//! impl Operation for GetWorkflowInput {
//!     const NAME: &'static str = "GetWorkflow";
//!     type Output = GetWorkflowOutput;
//!     type Error = GetWorkflowError;
//! }
//! impl GetWorkflowOutput {
//!     pub fn from_response(response: &HttpResponse) -> Result<Self, ResponseError> {
//!         Ok(Self { request_id: http::request_id(&response.headers).map(str::to_owned),
//!                   ..protocol::json::parse_body::<Self>(response)? })
//!     }
//! }
//! impl GetWorkflowError {
//!     pub fn from_response(meta: ErrorMetadata, response: &HttpResponse) -> Result<Self, ResponseError> {
//!         Ok(match meta.code() {
//!             Some("ResourceNotFoundException") => Self::ResourceNotFoundException(
//!                 ResourceNotFoundException { meta, ..protocol::json::parse_body(response)? }),
//!             _ => Self::Unhandled(UnhandledError::new(meta)),
//!         })
//!     }
//! }
//! ```
//!
//! `tests/it/e2e_get_workflow.rs` and `tests/it/runtime_*.rs` run the generated operation against
//! a local server.
//!
//! [`ClientHandle::invoke`] then: resolves the endpoint once per operation (signing name and
//! region overrides from its `authSchemes`), joins endpoint URL and request path, adds the
//! endpoint's headers and the user agent, gets credentials, and per attempt signs with a fresh
//! time (corrected by the [`clock_skew`] the service's `Date` headers show), sends under the
//! attempt timeout, classifies the outcome and retries as [`retry`] says (once more after a
//! clock skew error; in adaptive mode at the pace of the [`rate_limiter`]), all under the
//! operation timeout. Every attempt carries the [`request_info`] headers. A body that is an
//! event stream (feature `event-stream`) is sent as it is produced, never retried, and once
//! the request is signed gets the signer of its messages, chained from the request's
//! signature.
//!
//! With the `test-util` feature, a configuration may hold mock rules
//! (`test_util::mock`, feature `test-util`): calls are then answered by them, attempt by attempt under the
//! same retry policy, without endpoint, credentials, signing or network.

#[doc(hidden)]
pub mod clock_skew;
mod integrity;
#[cfg(feature = "test-util")]
mod mocked;
pub mod paginator;
pub mod presigning;
#[doc(hidden)]
pub mod rate_limiter;
#[doc(hidden)]
pub mod request_info;
#[doc(hidden)]
pub mod retry;
#[doc(hidden)]
pub mod user_agent;

use std::borrow::Cow;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use tracing::Instrument;

use crate::auth::credentials::Credentials;
use crate::auth::sigv4::{self, SigningParams, SigningSettings};
use crate::config::retry::RetryMode;
use crate::config::{Config, ConfigBuilder};
use crate::endpoint::{Endpoint, EndpointError};
use crate::error::{
    AuthError, BuildError, CallError, ErrorMetadata, ProvideErrorMetadata, ResponseError, SdkError,
    ServiceError, TimeoutError, TimeoutKind,
};
use crate::http::{
    ByteStream, ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpResponse,
    request_id,
};
use clock_skew::ClockSkew;
use rate_limiter::ClientRateLimiter;
use retry::{RetryKind, RetryQuota};
use user_agent::UserAgent;

/// What the endpoint rule set of a service is evaluated with.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndpointConfig<'a> {
    pub region: Option<&'a str>,
    pub use_fips: bool,
    pub use_dual_stack: bool,
    pub endpoint_url: Option<&'a str>,
    /// The `AWS::S3::*` built-ins.
    pub s3: &'a crate::config::settings::S3Settings,
    /// The operation's own parameters (see [`HttpRequest::endpoint_params`]), which win
    /// over the configuration's.
    pub params: &'a [(&'static str, crate::endpoint::Value)],
}

/// The service-level facts generated code hands to the runtime.
#[doc(hidden)]
#[derive(Debug)]
pub struct ServiceMeta {
    /// The model's `sdkId`, e.g. `Customer Profiles` (also picks `AWS_ENDPOINT_URL_<ID>`).
    pub service_id: &'static str,
    /// The `aws.auth#sigv4` signing name, used unless the endpoint overrides it.
    pub signing_name: &'static str,
    /// The generated crate's version, sent in `x-amz-user-agent`.
    pub sdk_version: &'static str,
    pub resolve_endpoint: fn(&EndpointConfig<'_>) -> Result<Endpoint, EndpointError>,
    /// Reads code, message and request ID from an error response (protocol specific).
    pub error_metadata: fn(&HttpResponse) -> ErrorMetadata,
    /// How the service's requests are signed (S3: no path normalisation, the payload hash
    /// in `x-amz-content-sha256`); the endpoint may turn double encoding off.
    pub signing: SigningSettings,
    /// Tells a 2xx response that is an error all the same (S3's 200 with an `<Error>`
    /// body); `None` for the protocols where the status always says.
    pub error_in_success: Option<fn(&HttpResponse) -> bool>,
}

/// An operation, as its input type stands for it: generated for every `<Op>Input`, so that
/// the orchestrator (and, with the `test-util` feature, mock rules) know the operation's
/// name, output and error from the input alone.
pub trait Operation: Send + 'static {
    /// The operation's name in the model, e.g. `GetWorkflow`.
    const NAME: &'static str;
    /// What a successful call returns, e.g. `GetWorkflowOutput`.
    type Output: Send + 'static;
    /// The operation's error enum, e.g. `GetWorkflowError`.
    type Error: ProvideErrorMetadata + Send + 'static;
}

/// The shared part of a generated client: configuration, service facts, and the retry quota,
/// clock offset and rate limiter of this client. Cheap to clone; clones share them and the
/// connection pool.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct ClientHandle {
    config: Config,
    service: &'static ServiceMeta,
    quota: Arc<RetryQuota>,
    endpoint_url: Option<String>,
    user_agent: Arc<UserAgent>,
    clock_skew: Arc<ClockSkew>,
    /// The adaptive retry mode's limiter; `None` in standard mode.
    rate_limiter: Option<Arc<ClientRateLimiter>>,
    /// The endpoint of requests without operation parameters, resolved by the first: the
    /// rules then read only the configuration, which a handle never changes.
    endpoint: Arc<OnceLock<Endpoint>>,
}

/// Where and as whom a request is signed.
struct SigningScope {
    region: String,
    name: String,
    settings: SigningSettings,
}

/// A response as an attempt returns it: read whole, or (a successful response of an
/// operation whose output streams) its head with the body still to read.
enum Received {
    Whole(HttpResponse),
    Streamed(HttpResponse, ByteStream),
}

/// What the attempts end with, short of an `SdkError`: a successful response, or the last
/// error response and its metadata.
enum Outcome {
    Success(Received),
    Error(HttpResponse, ErrorMetadata),
}

/// The successful response of `outcome`, or the operation's error that `parse_error` reads
/// from its error response: the only part of a call that depends on the operation's types.
fn received<E>(
    outcome: Outcome,
    parse_error: fn(ErrorMetadata, &HttpResponse) -> Result<E, ResponseError>,
) -> Result<Received, SdkError<E>> {
    match outcome {
        Outcome::Success(received) => Ok(received),
        Outcome::Error(response, meta) => {
            let error = parse_error(meta, &response)?;
            Err(SdkError::Service(ServiceError::new(error, response)))
        }
    }
}

/// The last failed attempt, kept in case it becomes the operation's result.
enum Failure {
    Response(HttpResponse, ErrorMetadata),
    Connector(ConnectorError),
    AttemptTimeout,
}

impl ClientHandle {
    pub fn new(config: &Config, service: &'static ServiceMeta) -> Self {
        Self {
            quota: Arc::new(RetryQuota::new(config.retry_config().quota_capacity())),
            // A URL with user information is refused when an operation resolves its
            // endpoint, so only its redacted form is kept (and shown by `Debug`).
            endpoint_url: config
                .endpoint_url_for(service.service_id)
                .map(|url| crate::endpoint::hide_userinfo(&url).into_owned()),
            user_agent: Arc::new(UserAgent::new(
                service.service_id,
                service.sdk_version,
                config.app_name(),
            )),
            clock_skew: Arc::default(),
            rate_limiter: (config.retry_config().mode() == RetryMode::Adaptive)
                .then(|| Arc::new(ClientRateLimiter::new())),
            endpoint: Arc::default(),
            config: config.clone(),
            service,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A handle for calls with `overrides` applied to this one's configuration (see
    /// [`Config::with_overrides`]), sharing its retry quota, clock offset and, in adaptive
    /// mode, its rate limiter: the override changes how a call is made, not what the
    /// client has learnt about the service.
    pub fn with_config_override(&self, overrides: ConfigBuilder) -> Self {
        let config = self.config.with_overrides(overrides);
        let fresh = Self::new(&config, self.service);
        Self {
            quota: Arc::clone(&self.quota),
            clock_skew: Arc::clone(&self.clock_skew),
            rate_limiter: fresh
                .rate_limiter
                .as_ref()
                .and(self.rate_limiter.clone())
                .or(fresh.rate_limiter.clone()),
            ..fresh
        }
    }

    /// Runs one operation. `request` holds the path and query only (see
    /// [`crate::protocol::http_binding::RequestBuilder`]) and was built from `input`, which
    /// only mock rules read; `parse_output` reads a 2xx response, `parse_error` turns any
    /// other final response into the operation's error enum.
    pub async fn invoke<I: Operation>(
        &self,
        request: Result<HttpRequest, BuildError>,
        #[cfg_attr(not(feature = "test-util"), allow(unused_variables))] input: I,
        parse_output: fn(&HttpResponse) -> Result<I::Output, ResponseError>,
        parse_error: fn(ErrorMetadata, &HttpResponse) -> Result<I::Error, ResponseError>,
    ) -> Result<I::Output, SdkError<I::Error>> {
        #[cfg(feature = "test-util")]
        if let Some(rules) = self.config.mock_rules() {
            return match self.mocked(rules, request, input, parse_error).await? {
                mocked::Mocked::Output(output) => Ok(output),
                mocked::Mocked::Response(response) => Ok(parse_output(&response)?),
            };
        }
        let outcome = Box::pin(self.run(I::NAME, request, false)).await;
        let response = match received(outcome.map_err(CallError::widen)?, parse_error)? {
            Received::Whole(response) => response,
            Received::Streamed(head, body) => HttpResponse {
                body: body.collect().await.map_err(|e| {
                    SdkError::Dispatch(ConnectorError::new(ConnectorErrorKind::Io, e))
                })?,
                ..head
            },
        };
        Ok(parse_output(&response)?)
    }

    /// `request` signed in its URL instead of sent (see [`presigning`]): the endpoint,
    /// region and credentials are resolved as for a call. The user-agent headers are left
    /// out, so that whoever sends the request need not repeat them. An unsigned operation
    /// is returned as it is: it needs no signature.
    pub async fn presign<E>(
        &self,
        request: Result<HttpRequest, BuildError>,
        config: presigning::PresigningConfig,
    ) -> Result<presigning::PresignedRequest, SdkError<E>> {
        self.presign_request(request, config)
            .await
            .map_err(CallError::widen)
    }

    async fn presign_request(
        &self,
        request: Result<HttpRequest, BuildError>,
        config: presigning::PresigningConfig,
    ) -> Result<presigning::PresignedRequest, CallError> {
        let (mut request, scope, _) = self.prepare(request?)?;
        for added_per_call in ["user-agent", "x-amz-user-agent", "x-amzn-trace-id"] {
            request.headers.remove(added_per_call);
        }
        if !request.unsigned {
            let credentials = self.credentials().await?;
            let params = SigningParams {
                credentials: &credentials,
                region: &scope.region,
                service: &scope.name,
                time: config.start().unwrap_or_else(|| self.clock_skew.now()),
                settings: scope.settings,
            };
            sigv4::presign(&mut request, &params, config.expires())
                .map_err(|e| SdkError::Auth(AuthError::Signing(e)))?;
        }
        let body = match request.body.bytes() {
            Some(bytes) => bytes.to_vec(),
            None => Vec::new(),
        };
        Ok(presigning::PresignedRequest {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body,
        })
    }

    /// [`invoke`](Self::invoke) for an operation whose output member streams (S3
    /// `GetObject`): `parse_output` gets the response's head (its body empty) and the body
    /// as a [`ByteStream`] still to read. The timeouts end when the head arrives; error
    /// responses are read whole, as for any operation.
    pub async fn invoke_streaming<I: Operation>(
        &self,
        request: Result<HttpRequest, BuildError>,
        #[cfg_attr(not(feature = "test-util"), allow(unused_variables))] input: I,
        parse_output: fn(&HttpResponse, ByteStream) -> Result<I::Output, ResponseError>,
        parse_error: fn(ErrorMetadata, &HttpResponse) -> Result<I::Error, ResponseError>,
    ) -> Result<I::Output, SdkError<I::Error>> {
        #[cfg(feature = "test-util")]
        if let Some(rules) = self.config.mock_rules() {
            return match self.mocked(rules, request, input, parse_error).await? {
                mocked::Mocked::Output(output) => Ok(output),
                mocked::Mocked::Response(response) => {
                    let (head, body) = split_body(response);
                    Ok(parse_output(&head, ByteStream::from(body))?)
                }
            };
        }
        let outcome = Box::pin(self.run(I::NAME, request, true)).await;
        match received(outcome.map_err(CallError::widen)?, parse_error)? {
            Received::Streamed(head, body) => Ok(parse_output(&head, body)?),
            Received::Whole(response) => {
                let (head, body) = split_body(response);
                Ok(parse_output(&head, ByteStream::from(body))?)
            }
        }
    }

    /// Everything but reading the response: resolves, signs and sends with retries, and
    /// returns the final response (with its metadata if it is an error). Independent of the
    /// operation's types, so compiled once; its future is boxed by the callers, as the
    /// operation's own future would otherwise hold (and copy) all of it.
    async fn run(
        &self,
        operation: &'static str,
        request: Result<HttpRequest, BuildError>,
        streaming: bool,
    ) -> Result<Outcome, CallError> {
        let span = self.operation_span(operation);
        let validation = request
            .as_ref()
            .ok()
            .and_then(|request| integrity::response_algorithms(request, &self.config));
        let run = async {
            let (request, scope, client) = self.prepare(request?)?;
            // The attempts' state (signing, retries, timers, the exchange) is kilobytes:
            // boxed once, it is not copied into each wrapper future and up every caller's.
            let attempts = Box::pin(self.attempts(request, &scope, client, streaming));
            self.within_operation_timeout(attempts).await
        };
        let outcome = run.instrument(span.clone()).await?;
        let headers = match &outcome {
            Outcome::Success(Received::Whole(response) | Received::Streamed(response, _))
            | Outcome::Error(response, _) => &response.headers,
        };
        if let Some(id) = request_id(headers) {
            span.record("request_id", id);
        }
        match outcome {
            Outcome::Success(received) => {
                Ok(Outcome::Success(integrity::validate(received, validation)?))
            }
            error => Ok(error),
        }
    }

    /// The span every event of one operation is in; its request ID is recorded once known.
    fn operation_span(&self, operation: &'static str) -> tracing::Span {
        tracing::debug_span!(
            "operation",
            service = self.service.service_id,
            operation,
            request_id = tracing::field::Empty,
        )
    }

    /// `attempts`, failing with [`TimeoutKind::Operation`] if the operation timeout elapses
    /// first.
    async fn within_operation_timeout<T, E>(
        &self,
        attempts: impl Future<Output = Result<T, SdkError<E>>>,
    ) -> Result<T, SdkError<E>> {
        let limit = self.config.timeout_config().operation();
        match tokio::time::timeout(limit, attempts).await {
            Ok(outcome) => outcome,
            Err(_) => Err(SdkError::Timeout(TimeoutError::new(
                TimeoutKind::Operation,
                Some(limit),
            ))),
        }
    }

    /// The error metadata of `response` if it is an error: any status but 2xx, or a 2xx the
    /// service says is an error all the same.
    fn error_of(&self, response: &HttpResponse) -> Option<ErrorMetadata> {
        let is_error = !response.is_success()
            || self
                .service
                .error_in_success
                .is_some_and(|is_error| is_error(response));
        is_error.then(|| (self.service.error_metadata)(response))
    }

    /// Turns the serialised request into one addressed to the resolved endpoint.
    fn prepare(
        &self,
        mut request: HttpRequest,
    ) -> Result<(HttpRequest, SigningScope, &dyn HttpClient), BuildError> {
        let client = self
            .config
            .http_client()
            .ok_or_else(|| BuildError::Config {
                reason: "no HTTP client: enable the `default-client` feature or set `http_client`"
                    .to_owned(),
            })?;
        if let Some(region) = self.config.region() {
            crate::endpoint::check_region(region)
                .map_err(|reason| BuildError::Config { reason })?;
        }
        let endpoint = self.endpoint(&request.endpoint_params)?;
        crate::endpoint::check_endpoint_url(endpoint.url()).map_err(|e| BuildError::Endpoint {
            reason: e.message().to_owned(),
        })?;
        let scope = self.signing_scope(&endpoint)?;

        let path = if request.url.starts_with('/') {
            ""
        } else {
            "/"
        };
        let base = with_host_prefix(endpoint.url(), &request.host_prefix)?;
        request.url = format!("{}{path}{}", base.trim_end_matches('/'), request.url);
        for (name, values) in endpoint.headers() {
            for value in values {
                request.headers.append(name.as_str(), value.as_str());
            }
        }
        request
            .headers
            .insert("User-Agent", self.user_agent.user_agent.as_str());
        request
            .headers
            .insert("x-amz-user-agent", self.user_agent.amz_user_agent.as_str());
        request_info::add_lambda_trace_id(&mut request.headers, |name| std::env::var(name).ok());
        Ok((request, scope, client.as_ref()))
    }

    /// The endpoint for a request with operation parameters `params` (none for most
    /// operations: then the one resolved by an earlier call).
    fn endpoint(
        &self,
        params: &[(&'static str, crate::endpoint::Value)],
    ) -> Result<Cow<'_, Endpoint>, BuildError> {
        if params.is_empty()
            && let Some(cached) = self.endpoint.get()
        {
            return Ok(Cow::Borrowed(cached));
        }
        let resolved = (self.service.resolve_endpoint)(&EndpointConfig {
            region: self.config.region(),
            use_fips: self.config.use_fips(),
            use_dual_stack: self.config.use_dual_stack(),
            endpoint_url: self.endpoint_url.as_deref(),
            s3: self.config.s3(),
            params,
        })
        .map_err(|e| BuildError::Endpoint {
            reason: e.message().to_owned(),
        })?;
        Ok(match params.is_empty() {
            true => Cow::Borrowed(self.endpoint.get_or_init(|| resolved)),
            false => Cow::Owned(resolved),
        })
    }

    /// The first `sigv4` entry of the endpoint's `authSchemes` may override the signing
    /// name and region (e.g. FIPS or global endpoints) and turn off double URI encoding.
    /// An endpoint that allows only other schemes (SigV4a for S3 multi-region access
    /// points, S3 Express One Zone sessions) cannot be called.
    fn signing_scope(&self, endpoint: &Endpoint) -> Result<SigningScope, BuildError> {
        let schemes = endpoint
            .properties()
            .get("authSchemes")
            .and_then(serde_json::Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        fn scheme_name(scheme: &serde_json::Value) -> Option<&str> {
            scheme.get("name").and_then(serde_json::Value::as_str)
        }
        let scheme = schemes.iter().find(|s| scheme_name(s) == Some("sigv4"));
        if scheme.is_none() && !schemes.is_empty() {
            let names: Vec<&str> = schemes.iter().filter_map(scheme_name).collect();
            return Err(BuildError::Endpoint {
                reason: unsupported_auth(&names),
            });
        }
        let field = |key: &str| scheme.and_then(|s| s.get(key));
        let region = field("signingRegion")
            .and_then(serde_json::Value::as_str)
            .or(self.config.region())
            .ok_or_else(|| BuildError::Config {
                reason: "no region: set `region` or AWS_REGION".to_owned(),
            })?;
        let name = field("signingName")
            .and_then(serde_json::Value::as_str)
            .unwrap_or(self.service.signing_name);
        let disable_double_encoding = field("disableDoubleEncoding")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        Ok(SigningScope {
            region: region.to_owned(),
            name: name.to_owned(),
            settings: SigningSettings {
                double_uri_encode: self.service.signing.double_uri_encode
                    && !disable_double_encoding,
                ..self.service.signing
            },
        })
    }

    /// Sends until success, a non-retryable failure, the last attempt or an empty quota (or
    /// a streamed request body already read, which cannot be sent again). Returns the final
    /// HTTP response, with its error metadata when it is an error.
    async fn attempts(
        &self,
        mut request: HttpRequest,
        scope: &SigningScope,
        client: &dyn HttpClient,
        streaming: bool,
    ) -> Result<Outcome, CallError> {
        if request.body.is_event_stream() {
            // The SDKs send it whatever the protocol: the body is a stream of messages.
            request
                .headers
                .insert("content-type", "application/vnd.amazon.eventstream");
        } else if request.body.bytes().is_none() && !scope.settings.payload_header {
            // Only services that take the payload hash as a header (S3) accept an unsigned
            // payload; for the others a streamed body is read first, to be hashed.
            let body = std::mem::take(&mut request.body)
                .collect()
                .await
                .map_err(|e| {
                    SdkError::Dispatch(ConnectorError::new(
                        ConnectorErrorKind::Io,
                        RequestBodyError(e),
                    ))
                })?;
            request.body = body.into();
        }
        let trailer = integrity::prepare(&mut request, &self.config)?;
        // Unsigned operations run without credentials: they are how some are obtained.
        let credentials = match request.unsigned {
            true => None,
            false => Some(self.credentials().await?),
        };
        let max_attempts = self.config.retry_config().max_attempts();
        let attempt_limit = self.config.timeout_config().attempt();
        // Signed, and the same on every attempt: the service sees the retries of one call.
        request.headers.insert("amz-sdk-invocation-id", uuid_v4());
        let mut retries = Retries::new(self);
        loop {
            let attempt = retries.start_attempt().await;
            let mut signed = request.clone();
            integrity::encode_trailer(&mut signed, trailer);
            if let Some(credentials) = &credentials {
                let params = SigningParams {
                    credentials,
                    region: &scope.region,
                    service: &scope.name,
                    time: self.clock_skew.now(),
                    settings: scope.settings,
                };
                let parts = sigv4::sign_parts(&mut signed, &params)
                    .map_err(|e| SdkError::Auth(AuthError::Signing(e)))?;
                signed.headers.insert("authorization", parts.authorization);
                #[cfg(feature = "event-stream")]
                if signed.body.is_event_stream() {
                    // Each message is signed in a chain from the request's signature, at
                    // the time it is sent by this client's (skew-corrected) clock.
                    let chain = sigv4::EventSignatureChain::new(parts.signature, &params);
                    let clock = Arc::clone(&self.clock_skew);
                    signed
                        .body
                        .sign_events_with(crate::event_stream::message_signer(chain, move || {
                            clock.now()
                        }));
                }
            }
            // Added after signing, as aws-sdk-rust does: it is the one header that differs
            // between attempts, and it says nothing the signature needs to protect.
            let attempt_header = request_info::attempt_header(attempt, max_attempts);
            signed.headers.insert("amz-sdk-request", attempt_header);

            let span = tracing::debug_span!("attempt", attempt);
            let body_limit = self.config.response_body_limit();
            let exchanging = exchange(client, signed, streaming, body_limit);
            let sent = tokio::time::timeout(attempt_limit, exchanging)
                .instrument(span.clone())
                .await;
            if let Ok(Ok(Received::Whole(response) | Received::Streamed(response, _))) = &sent {
                self.clock_skew.record(&response.headers, SystemTime::now());
            }
            let (failed, failure) = match sent {
                Ok(Ok(Received::Streamed(head, body))) => {
                    span.in_scope(|| log_response(&head));
                    retries.succeeded();
                    return Ok(Outcome::Success(Received::Streamed(head, body)));
                }
                Ok(Ok(Received::Whole(response))) => {
                    span.in_scope(|| log_response(&response));
                    let Some(meta) = self.error_of(&response) else {
                        retries.succeeded();
                        return Ok(Outcome::Success(Received::Whole(response)));
                    };
                    (
                        Failed::response(&response, &meta),
                        Failure::Response(response, meta),
                    )
                }
                Ok(Err(ExchangeError::TooLarge(error))) => return Err(SdkError::Response(error)),
                Ok(Err(ExchangeError::Connector(error))) => {
                    span.in_scope(|| tracing::debug!(%error, "attempt failed"));
                    let kind = match error.kind() {
                        ConnectorErrorKind::Timeout => RetryKind::Timeout,
                        ConnectorErrorKind::Connect | ConnectorErrorKind::Io => {
                            RetryKind::Transient
                        }
                        ConnectorErrorKind::InvalidRequest
                        | ConnectorErrorKind::InvalidResponse
                        | ConnectorErrorKind::Unsupported => RetryKind::NotRetryable,
                    };
                    (Failed::of_kind(kind), Failure::Connector(error))
                }
                Err(_) => {
                    span.in_scope(|| tracing::debug!("attempt timed out"));
                    (Failed::of_kind(RetryKind::Timeout), Failure::AttemptTimeout)
                }
            };
            let failed = Failed {
                resendable: request.body.can_resend(),
                ..failed
            };
            if !retries.retry(failed).await {
                return self.finish(failure);
            }
        }
    }

    /// In adaptive mode, waits for the rate limiter's token (no wait until the service has
    /// throttled this client).
    async fn wait_for_rate_limiter(&self) {
        let Some(limiter) = &self.rate_limiter else {
            return;
        };
        let wait = limiter.acquire(limiter.now());
        if !wait.is_zero() {
            tracing::debug!(wait_ms = wait.as_millis() as u64, "client-side rate limit");
            self.config.sleep_impl().sleep(wait).await;
        }
    }

    /// Tells the rate limiter (adaptive mode) how an attempt went.
    fn record_rate(&self, throttled: bool) {
        if let Some(limiter) = &self.rate_limiter {
            limiter.record(limiter.now(), throttled);
        }
    }

    /// A successful attempt refunds the retry quota and may raise the rate limit.
    fn record_success(&self, last_retry_cost: Option<u32>) {
        self.quota.release(last_retry_cost);
        self.record_rate(false);
    }

    async fn credentials(&self) -> Result<Credentials, CallError> {
        let provider = self.config.credentials_provider().ok_or_else(|| {
            SdkError::Construction(BuildError::Config {
                reason: "no credentials provider: set `credentials` or use `Config::from_env`"
                    .to_owned(),
            })
        })?;
        provider
            .provide_credentials()
            .await
            .map_err(|e| SdkError::Auth(AuthError::Credentials(e)))
    }

    fn finish(&self, failure: Failure) -> Result<Outcome, CallError> {
        match failure {
            Failure::Response(response, meta) => Ok(Outcome::Error(response, meta)),
            Failure::Connector(error) if error.kind() == ConnectorErrorKind::Timeout => {
                Err(SdkError::Timeout(TimeoutError::new(
                    TimeoutKind::Connect,
                    Some(self.config.timeout_config().connect()),
                )))
            }
            Failure::Connector(error) => Err(SdkError::Dispatch(error)),
            Failure::AttemptTimeout => Err(SdkError::Timeout(TimeoutError::new(
                TimeoutKind::Attempt,
                Some(self.config.timeout_config().attempt()),
            ))),
        }
    }
}

/// Where one operation's attempts stand in the retry policy: what the attempts over HTTP
/// and (feature `test-util`) those that mock rules answer share.
struct Retries<'a> {
    handle: &'a ClientHandle,
    attempt: u32,
    /// What the retry that led to the current attempt took from the quota.
    last_retry_cost: Option<u32>,
    skew_retried: bool,
}

/// A failed attempt as the retry policy sees it.
struct Failed {
    kind: RetryKind,
    /// A clock skew error: retried once, whatever its kind.
    skew_error: bool,
    /// Whether the request can be sent again (a streamed body already read cannot).
    resendable: bool,
    /// The service's `x-amz-retry-after` hint.
    retry_after: Option<Duration>,
}

impl Failed {
    fn of_kind(kind: RetryKind) -> Self {
        Self {
            kind,
            skew_error: false,
            resendable: true,
            retry_after: None,
        }
    }

    /// An error response, classified by its code and status.
    fn response(response: &HttpResponse, meta: &ErrorMetadata) -> Self {
        Self {
            retry_after: retry::retry_after_hint(&response.headers),
            ..Self::error(meta)
        }
    }

    /// A service error, classified by its code and status.
    fn error(error: &impl ProvideErrorMetadata) -> Self {
        Self {
            skew_error: clock_skew::is_skew_error(error.code(), error.message()),
            ..Self::of_kind(retry::classify_response(
                error.meta().status(),
                error.code(),
            ))
        }
    }
}

impl<'a> Retries<'a> {
    fn new(handle: &'a ClientHandle) -> Self {
        Self {
            handle,
            attempt: 1,
            last_retry_cost: None,
            skew_retried: false,
        }
    }

    /// Waits for the rate limiter (adaptive mode); returns the attempt's number, from 1.
    async fn start_attempt(&self) -> u32 {
        self.handle.wait_for_rate_limiter().await;
        self.attempt
    }

    /// The current attempt succeeded.
    fn succeeded(&self) {
        self.handle.record_success(self.last_retry_cost);
    }

    /// After a failed attempt: whether to make another, once its backoff has been waited
    /// out. Until the last attempt or an empty quota; a clock skew error is retried once at
    /// once, as the response's `Date` has just corrected the clock.
    async fn retry(&mut self, failed: Failed) -> bool {
        let handle = self.handle;
        let retry = handle.config.retry_config();
        handle.record_rate(failed.kind == RetryKind::Throttling);
        let attempts_left = self.attempt < retry.max_attempts();
        if failed.skew_error && !self.skew_retried && failed.resendable && attempts_left {
            tracing::debug!(
                attempt = self.attempt,
                "retrying at the service's time after a clock skew error"
            );
            self.skew_retried = true;
            self.attempt += 1;
            return true;
        }
        if failed.kind.is_retryable() && !failed.resendable {
            tracing::debug!("not retrying: the request body was a stream, already read");
        }
        let retry_cost = (failed.kind.is_retryable() && failed.resendable && attempts_left)
            .then(|| handle.quota.acquire(failed.kind))
            .flatten();
        let Some(cost) = retry_cost else {
            return false;
        };
        self.last_retry_cost = Some(cost);
        let delay = retry.backoff(self.attempt - 1, retry::unit_random(), failed.retry_after);
        tracing::debug!(
            kind = ?failed.kind,
            attempt = self.attempt,
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
        handle.config.sleep_impl().sleep(delay).await;
        self.attempt += 1;
        true
    }
}

/// Why an endpoint whose `authSchemes` are all unsupported cannot be called.
fn unsupported_auth(names: &[&str]) -> String {
    let what = if names.contains(&"sigv4a") {
        "SigV4a (S3 multi-region access points, global endpoints), which leansdk does not \
         support yet; use a regional bucket or access point"
    } else if names.contains(&"sigv4-s3express") {
        "S3 Express One Zone session authentication, which leansdk does not support yet"
    } else {
        "an authentication scheme leansdk does not support"
    };
    format!(
        "the endpoint requires {what} (auth schemes: {})",
        names.join(", ")
    )
}

/// `url` with `prefix` (a `smithy.api#endpoint` hostPrefix) in front of its host.
fn with_host_prefix(url: &str, prefix: &str) -> Result<String, BuildError> {
    if prefix.is_empty() {
        return Ok(url.to_owned());
    }
    let (scheme, host) = url.split_once("://").ok_or_else(|| BuildError::Endpoint {
        reason: format!("endpoint `{url}` has no scheme to put the host prefix `{prefix}` after"),
    })?;
    Ok(format!("{scheme}://{prefix}{host}"))
}

/// The resolver of services without an endpoint rule set: the configured endpoint URL, or
/// an error saying it is needed.
#[doc(hidden)]
pub fn endpoint_url_only(config: &EndpointConfig<'_>) -> Result<Endpoint, EndpointError> {
    config.endpoint_url.map(Endpoint::new).ok_or_else(|| {
        EndpointError::new(
            "this service has no endpoint rules: set `endpoint_url` or AWS_ENDPOINT_URL",
        )
    })
}

/// A random (version 4) UUID, e.g. for `smithy.api#idempotencyToken` members left unset.
/// Tokens only need to differ between calls, so the retry jitter's randomness is enough.
#[doc(hidden)]
pub fn uuid_v4() -> String {
    let high = retry::random_u64();
    let low = retry::random_u64();
    // Version 4 in the top nibble of the 7th byte, RFC 4122 variant in the 9th byte.
    let high = (high & !0xf000) | 0x4000;
    let low = (low & !(0xc000 << 48)) | (0x8000 << 48);
    // Hex digit by digit, dashes after the 8th, 12th, 16th and 20th: one per call.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (index, nibble) in (0..32).rev().enumerate() {
        if matches!(index, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let word = if nibble >= 16 { high } else { low };
        let digit = (word >> ((nibble % 16) * 4)) & 0xf;
        out.push(char::from(DIGITS[digit as usize]));
    }
    out
}

/// Why an attempt returned no response.
enum ExchangeError {
    Connector(ConnectorError),
    /// The body is longer than the configured limit: not retried, the next answer would be
    /// as long.
    TooLarge(ResponseError),
}

impl From<ConnectorError> for ExchangeError {
    fn from(error: ConnectorError) -> Self {
        Self::Connector(error)
    }
}

/// Sends `request`; the response's body is read whole, up to `body_limit` bytes, unless it
/// is a successful one that the operation streams.
async fn exchange(
    client: &dyn HttpClient,
    request: HttpRequest,
    streaming: bool,
    body_limit: usize,
) -> Result<Received, ExchangeError> {
    let response = client.send(request).await?;
    let (head, body) = split_body(response);
    if streaming && head.is_success() {
        return Ok(Received::Streamed(head, body));
    }
    // The cause stays the error's source: a reset, or a body shorter than announced.
    let read = body
        .collect_at_most(body_limit)
        .await
        .map_err(|e| ConnectorError::new(ConnectorErrorKind::Io, e))?;
    match read {
        Some(body) => Ok(Received::Whole(HttpResponse { body, ..head })),
        None => Err(ExchangeError::TooLarge(ResponseError::new(
            &head,
            format!(
                "the body is longer than the limit of {body_limit} bytes (`response_body_limit`)"
            ),
        ))),
    }
}

/// The response's head (status and headers, body empty) and its body.
fn split_body<B>(response: HttpResponse<B>) -> (HttpResponse, B) {
    let HttpResponse {
        status,
        headers,
        body,
    } = response;
    let head = HttpResponse {
        status,
        headers,
        body: Vec::new(),
    };
    (head, body)
}

/// Status and request ID only: headers may carry tokens and bodies `@sensitive` data.
fn log_response(response: &HttpResponse) {
    tracing::debug!(
        status = response.status,
        request_id = request_id(&response.headers),
        "response received"
    );
}

/// A request body (a file, a reader) failed while it was read to be hashed; the I/O error
/// stays the cause, for callers that look at its kind.
#[derive(Debug)]
struct RequestBodyError(std::io::Error);

impl std::fmt::Display for RequestBodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "reading the request body: {}", self.0)
    }
}

impl std::error::Error for RequestBodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_prefixes_go_in_front_of_the_host() {
        assert_eq!(
            with_host_prefix("https://example.com/base", "foo.bar.").unwrap(),
            "https://foo.bar.example.com/base"
        );
        assert_eq!(with_host_prefix("http://h", "").unwrap(), "http://h");
        assert!(matches!(
            with_host_prefix("example.com", "foo."),
            Err(BuildError::Endpoint { .. })
        ));
    }

    #[test]
    fn uuids_are_version_4_and_differ() {
        let first = uuid_v4();
        let second = uuid_v4();
        assert_ne!(first, second);
        for uuid in [first, second] {
            let parts: Vec<&str> = uuid.split('-').collect();
            let lengths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
            assert_eq!(lengths, [8, 4, 4, 4, 12], "{uuid}");
            assert!(
                uuid.chars()
                    .all(|c| matches!(c, '-' | '0'..='9' | 'a'..='f')),
                "{uuid}"
            );
            assert!(parts[2].starts_with('4'), "{uuid}");
            assert!(
                matches!(parts[3].chars().next(), Some('8' | '9' | 'a' | 'b')),
                "{uuid}"
            );
        }
    }

    #[test]
    fn unsupported_auth_schemes_are_named_with_what_needs_them() {
        let sigv4a = unsupported_auth(&["sigv4a"]);
        assert!(
            sigv4a.contains("SigV4a") && sigv4a.contains("multi-region"),
            "{sigv4a}"
        );
        let express = unsupported_auth(&["sigv4-s3express"]);
        assert!(express.contains("S3 Express One Zone"), "{express}");
        let other = unsupported_auth(&["bearer", "x"]);
        assert!(other.ends_with("(auth schemes: bearer, x)"), "{other}");
    }

    #[test]
    fn without_rules_an_endpoint_url_is_required() {
        let s3 = crate::config::settings::S3Settings::default();
        let mut config = EndpointConfig {
            region: Some("us-east-1"),
            use_fips: false,
            use_dual_stack: false,
            endpoint_url: None,
            s3: &s3,
            params: &[],
        };
        let error = endpoint_url_only(&config).unwrap_err();
        assert!(
            error.message().contains("endpoint_url"),
            "{}",
            error.message()
        );
        config.endpoint_url = Some("http://127.0.0.1:1");
        assert_eq!(
            endpoint_url_only(&config).unwrap().url(),
            "http://127.0.0.1:1"
        );
    }

    #[test]
    fn a_request_body_read_error_keeps_its_io_error_as_the_cause() {
        let error = ConnectorError::new(
            ConnectorErrorKind::Io,
            RequestBodyError(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "no access",
            )),
        );
        let cause = std::error::Error::source(&error)
            .and_then(std::error::Error::source)
            .and_then(|e| e.downcast_ref::<std::io::Error>())
            .expect("the I/O error is in the chain");
        assert_eq!(cause.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(
            error
                .to_string()
                .contains("reading the request body: no access"),
            "{error}"
        );
    }
}
