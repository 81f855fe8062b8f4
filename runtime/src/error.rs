//! Errors every operation can return. `SdkError<E>` wraps the operation's own error enum `E`
//! (generated: one variant per modelled error plus `Unhandled(UnhandledError)`).

use std::error::Error;
use std::fmt;
use std::time::Duration;

use crate::auth::credentials::CredentialsError;
use crate::auth::sigv4::SigningError;
use crate::http::{ConnectorError, HttpResponse};

/// The code, message and request ID of a service error, read from the response.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    status: u16,
}

impl ErrorMetadata {
    /// Metadata as a protocol reads it from an error response. For an error made in code,
    /// e.g. a mock, pass status 0: modelled errors then leave the HTTP part out of `Display`.
    pub fn new(
        status: u16,
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
    ) -> Self {
        Self {
            code,
            message,
            request_id,
            status,
        }
    }

    /// The error code, e.g. `ResourceNotFoundException`: the error's shape name, without
    /// namespace. `None` when the response named no code.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's human-readable message; `None` when it sent none, or when the error's
    /// message member is `@sensitive`.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request ID (`x-amzn-RequestId` or `x-amz-request-id`), what AWS Support asks
    /// for; `None` when the response carried none.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status code of the error response; 0 for metadata made in code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The same metadata with another code: the protocol found a truer one elsewhere.
    pub fn with_code(self, code: impl Into<String>) -> Self {
        Self {
            code: Some(code.into()),
            ..self
        }
    }

    /// The same metadata without the message: for errors whose message is `@sensitive`.
    pub fn without_message(self) -> Self {
        Self {
            message: None,
            ..self
        }
    }
}

/// `Display` of a modelled error (`code` is its shape name, `message` its message member,
/// `None` when it is `@sensitive`): `code: message (HTTP status, request ID id)`. A message
/// the member did not catch (`message` vs `Message`) is taken from the metadata, which holds
/// none for sensitive messages. The part in parentheses is left out for an error built in
/// code (status 0), e.g. a mock.
#[doc(hidden)]
pub fn display_modelled(
    f: &mut fmt::Formatter<'_>,
    code: &str,
    message: Option<&str>,
    meta: &ErrorMetadata,
) -> fmt::Result {
    write!(
        f,
        "{}: {}",
        meta.code().unwrap_or(code),
        message.or(meta.message()).unwrap_or("no message")
    )?;
    if meta.status == 0 {
        return Ok(());
    }
    write!(
        f,
        " (HTTP {}, request ID {})",
        meta.status,
        meta.request_id().unwrap_or("none")
    )
}

/// `code: message (HTTP status, request ID id)`; missing parts are named as missing.
impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (HTTP {}, request ID {})",
            self.code().unwrap_or("unknown error code"),
            self.message().unwrap_or("no message"),
            self.status,
            self.request_id().unwrap_or("none")
        )
    }
}

/// Access to a service error's metadata, implemented by every generated error type.
pub trait ProvideErrorMetadata {
    /// The code, message, request ID and status read from the error response.
    fn meta(&self) -> &ErrorMetadata;

    /// The error code, e.g. `ResourceNotFoundException` (see [`ErrorMetadata::code`]). An
    /// operation's error enum built in code without a code in its metadata answers with the
    /// modelled error's name.
    fn code(&self) -> Option<&str> {
        self.meta().code()
    }

    /// The service's message, `None` when absent or `@sensitive` (see
    /// [`ErrorMetadata::message`]).
    fn message(&self) -> Option<&str> {
        self.meta().message()
    }

    /// The request ID, `None` when the response carried none (see
    /// [`ErrorMetadata::request_id`]).
    fn request_id(&self) -> Option<&str> {
        self.meta().request_id()
    }
}

impl ProvideErrorMetadata for ErrorMetadata {
    fn meta(&self) -> &ErrorMetadata {
        self
    }
}

/// A service error whose code the model does not list: the `Unhandled` variant of every
/// generated operation error enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnhandledError {
    meta: ErrorMetadata,
}

impl UnhandledError {
    /// An error known only by its metadata. Generated error parsers make one for codes
    /// the model does not list; tests can make one to mock such an error.
    pub fn new(meta: ErrorMetadata) -> Self {
        Self { meta }
    }
}

impl ProvideErrorMetadata for UnhandledError {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

impl fmt::Display for UnhandledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.meta, f)
    }
}

impl Error for UnhandledError {}

/// The request could not be built: input or configuration is missing or invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// A required input member (named as in the model) has no value.
    MissingMember {
        /// The member's name in the model, e.g. `DomainName`.
        member: String,
    },
    /// An input member's value cannot be sent, e.g. an empty URI label.
    InvalidMember {
        /// The member's name in the model, e.g. `WorkflowId`.
        member: String,
        /// What is wrong with the value, e.g. `empty URI label`.
        reason: String,
    },
    /// The client configuration lacks something, e.g. a region.
    Config {
        /// What is missing and how to set it.
        reason: String,
    },
    /// The endpoint rule set rejected the configuration.
    Endpoint {
        /// The rule set's error message, as in
        /// [`EndpointError::message`](crate::endpoint::EndpointError::message).
        reason: String,
    },
}

impl BuildError {
    /// A [`BuildError::MissingMember`] for the model member `member`.
    pub fn missing(member: impl Into<String>) -> Self {
        Self::MissingMember {
            member: member.into(),
        }
    }

    /// A [`BuildError::InvalidMember`] for the model member `member`.
    pub fn invalid(member: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidMember {
            member: member.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingMember { member } => write!(f, "required member `{member}` is not set"),
            Self::InvalidMember { member, reason } => {
                write!(f, "member `{member}` is invalid: {reason}")
            }
            Self::Config { reason } => write!(f, "invalid client configuration: {reason}"),
            Self::Endpoint { reason } => write!(f, "endpoint resolution failed: {reason}"),
        }
    }
}

impl Error for BuildError {}

/// Credentials could not be obtained or the request could not be signed. Kept apart from
/// [`BuildError`] because the fix is in the environment (keys, profile, clock), not the
/// input, and apart from dispatch errors because retrying the request cannot help.
#[derive(Debug)]
pub enum AuthError {
    /// No source gave credentials; the error lists every source tried and why.
    Credentials(CredentialsError),
    /// The request could not be signed, e.g. its URL is not absolute.
    Signing(SigningError),
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credentials(e) => write!(f, "failed to load credentials: {e}"),
            Self::Signing(e) => write!(f, "failed to sign the request: {e}"),
        }
    }
}

impl Error for AuthError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Credentials(e) => Some(e),
            Self::Signing(e) => Some(e),
        }
    }
}

/// Which time limit elapsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Establishing the connection (enforced by the HTTP client).
    Connect,
    /// One attempt: send plus the whole response.
    Attempt,
    /// The whole operation, all attempts and backoff included.
    Operation,
}

/// A time limit of [`TimeoutConfig`](crate::config::TimeoutConfig) elapsed. `Display`
/// names the limit and its length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeoutError {
    kind: TimeoutKind,
    limit: Option<Duration>,
}

impl TimeoutError {
    /// The `kind` limit elapsed; `limit` is its length, `None` when unknown.
    pub fn new(kind: TimeoutKind, limit: Option<Duration>) -> Self {
        Self { kind, limit }
    }

    /// Which limit elapsed.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = match self.kind {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Attempt => "attempt",
            TimeoutKind::Operation => "operation",
        };
        match self.limit {
            Some(limit) => write!(f, "{which} timeout of {limit:?} elapsed"),
            None => write!(f, "{which} timeout elapsed"),
        }
    }
}

impl Error for TimeoutError {}

/// A response arrived but could not be understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseError {
    status: u16,
    request_id: Option<String>,
    reason: String,
    raw: HttpResponse,
}

impl ResponseError {
    /// `response` (copied, with its status and request ID) could not be parsed, and
    /// `reason` says why.
    pub fn new(response: &HttpResponse, reason: impl Into<String>) -> Self {
        Self {
            status: response.status,
            request_id: crate::http::request_id(&response.headers).map(str::to_owned),
            reason: reason.into(),
            raw: response.clone(),
        }
    }

    /// The response's HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response's request ID, `None` when it carried none.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// What could not be understood, e.g. a body that is not the output's JSON, or a
    /// malformed header. The parser's message may quote a value from the response.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The response as received. Its body may hold `@sensitive` data: do not log it.
    pub fn raw(&self) -> &HttpResponse {
        &self.raw
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed response: {} (HTTP {}, request ID {})",
            self.reason,
            self.status,
            self.request_id().unwrap_or("none")
        )
    }
}

impl Error for ResponseError {}

/// A modelled (or unhandled) service error with the response it came from.
#[derive(Debug)]
pub struct ServiceError<E> {
    source: E,
    raw: HttpResponse,
}

impl<E> ServiceError<E> {
    /// The error `source` parsed from `raw`.
    pub fn new(source: E, raw: HttpResponse) -> Self {
        Self { source, raw }
    }

    /// The operation's error enum: match it for the modelled errors.
    pub fn err(&self) -> &E {
        &self.source
    }

    /// The operation's error enum, by value.
    pub fn into_err(self) -> E {
        self.source
    }

    /// The error response as received. Its body may hold `@sensitive` data: do not log it.
    pub fn raw(&self) -> &HttpResponse {
        &self.raw
    }
}

/// Everything an operation can fail with. Non-exhaustive: a new kind of failure (say, from a
/// new protocol) must not break callers' `match`es.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The request could not be built (input, configuration or endpoint).
    Construction(BuildError),
    /// Credentials or signing failed.
    Auth(AuthError),
    /// A time limit elapsed.
    Timeout(TimeoutError),
    /// The request could not be sent or its response was lost.
    Dispatch(ConnectorError),
    /// The response could not be parsed.
    Response(ResponseError),
    /// The service answered with an error.
    Service(ServiceError<E>),
}

impl<E> SdkError<E> {
    /// The operation's error enum when the service answered with an error, else `None`.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            Self::Service(e) => Some(e.err()),
            _ => None,
        }
    }

    /// Like [`as_service_error`](Self::as_service_error), by value.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            Self::Service(e) => Some(e.into_err()),
            _ => None,
        }
    }

    /// The response behind a service or response error.
    pub fn raw_response(&self) -> Option<&HttpResponse> {
        match self {
            Self::Service(e) => Some(e.raw()),
            Self::Response(e) => Some(e.raw()),
            _ => None,
        }
    }

    /// The request ID, when a response carried one.
    pub fn request_id(&self) -> Option<&str>
    where
        E: ProvideErrorMetadata,
    {
        match self {
            Self::Service(e) => e.err().request_id(),
            Self::Response(e) => e.request_id(),
            _ => None,
        }
    }
}

/// A failure that is not the service's answer: what the orchestrator's shared, non-generic
/// code fails with, so that it is compiled once rather than once per operation's error type.
pub(crate) type CallError = SdkError<std::convert::Infallible>;

impl CallError {
    /// This failure as operation `E`'s: it has no service error, so it is every operation's.
    pub(crate) fn widen<E>(self) -> SdkError<E> {
        match self {
            Self::Construction(e) => SdkError::Construction(e),
            Self::Auth(e) => SdkError::Auth(e),
            Self::Timeout(e) => SdkError::Timeout(e),
            Self::Dispatch(e) => SdkError::Dispatch(e),
            Self::Response(e) => SdkError::Response(e),
            // Uninhabited (its source is `Infallible`): the arm is there for the compiler.
            Self::Service(never) => match never.source {},
        }
    }
}

impl<E> From<BuildError> for SdkError<E> {
    fn from(e: BuildError) -> Self {
        Self::Construction(e)
    }
}

impl<E> From<ResponseError> for SdkError<E> {
    fn from(e: ResponseError) -> Self {
        Self::Response(e)
    }
}

impl<E: ProvideErrorMetadata> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Construction(e) => write!(f, "failed to construct request: {e}"),
            Self::Auth(e) => fmt::Display::fmt(e, f),
            Self::Timeout(e) => fmt::Display::fmt(e, f),
            Self::Dispatch(e) => write!(f, "dispatch failure: {e}"),
            Self::Response(e) => fmt::Display::fmt(e, f),
            Self::Service(e) => write!(f, "service error: {}", e.err().meta()),
        }
    }
}

impl<E: ProvideErrorMetadata + Error + 'static> Error for SdkError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Construction(e) => Some(e),
            Self::Auth(e) => Some(e),
            Self::Timeout(e) => Some(e),
            Self::Dispatch(e) => Some(e),
            Self::Response(e) => Some(e),
            Self::Service(e) => Some(e.err()),
        }
    }
}

/// Everything of a generated operation error enum but its definition, from one list: each
/// modelled error's variant and type, the codes that name it on
/// the wire (the first is the one callers see) and its `is_*` helper. It writes the
/// dispatch by code (`from_response`), the helpers, and `ProvideErrorMetadata`, `Display` and
/// `std::error::Error` delegating to the variant (`Unhandled` holds an [`UnhandledError`]).
#[doc(hidden)]
#[macro_export]
macro_rules! operation_error_impls {
    ($name:ident; $($variant:ident($ty:ty) = $code:literal $(| $alias:literal)* => $is:ident;)*) => {
        impl $name {
            /// Picks the variant by error code; the body is parsed for modelled errors only.
            // Inline, as the generated code's parsers are: compiled where the operation is
            // called, not for every operation of the service crate.
            #[allow(unused_variables)]
            #[inline]
            pub fn from_response(
                meta: $crate::error::ErrorMetadata,
                response: &$crate::http::HttpResponse,
            ) -> ::std::result::Result<Self, $crate::error::ResponseError> {
                ::std::result::Result::Ok(match meta.code() {
                    $(
                        ::std::option::Option::Some($code $(| $alias)*) => {
                            Self::$variant(<$ty>::from_response(meta, response)?)
                        }
                    )*
                    _ => Self::Unhandled($crate::error::UnhandledError::new(meta)),
                })
            }

            $(
                #[doc = concat!(" Whether this is `", $code, "`", $(" (or `", $alias, "`)",)* ".")]
                pub fn $is(&self) -> bool {
                    ::std::matches!(self, Self::$variant(_))
                }
            )*
        }

        impl $crate::error::ProvideErrorMetadata for $name {
            fn meta(&self) -> &$crate::error::ErrorMetadata {
                match self {
                    $( Self::$variant(e) => $crate::error::ProvideErrorMetadata::meta(e), )*
                    Self::Unhandled(e) => $crate::error::ProvideErrorMetadata::meta(e),
                }
            }

            // A modelled error built in code (a mock) may leave its metadata's code unset:
            // its wire code names it, so that it is retried as the service's would be.
            fn code(&self) -> ::std::option::Option<&str> {
                self.meta().code().or(match self {
                    $( Self::$variant(_) => ::std::option::Option::Some($code), )*
                    Self::Unhandled(_) => ::std::option::Option::None,
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    $( Self::$variant(e) => ::std::fmt::Display::fmt(e, f), )*
                    Self::Unhandled(e) => ::std::fmt::Display::fmt(e, f),
                }
            }
        }

        impl ::std::error::Error for $name {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    $( Self::$variant(e) => ::std::option::Option::Some(e), )*
                    Self::Unhandled(e) => ::std::option::Option::Some(e),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> ErrorMetadata {
        ErrorMetadata::new(
            404,
            Some("ResourceNotFoundException".into()),
            Some("Domain not found".into()),
            Some("req-123".into()),
        )
    }

    #[test]
    fn display_names_code_message_and_request_id() {
        let error: SdkError<UnhandledError> = SdkError::Service(ServiceError::new(
            UnhandledError::new(meta()),
            HttpResponse::default(),
        ));
        let shown = error.to_string();
        for part in [
            "ResourceNotFoundException",
            "Domain not found",
            "req-123",
            "404",
        ] {
            assert!(shown.contains(part), "{shown}");
        }
        assert_eq!(error.request_id(), Some("req-123"));
        assert_eq!(
            error.into_service_error().unwrap().code(),
            Some("ResourceNotFoundException")
        );
    }

    #[test]
    fn missing_metadata_is_named_not_blank() {
        let shown = ErrorMetadata::new(500, None, None, None).to_string();
        assert_eq!(
            shown,
            "unknown error code: no message (HTTP 500, request ID none)"
        );
    }

    #[test]
    fn build_errors_name_the_member() {
        assert!(
            BuildError::missing("DomainName")
                .to_string()
                .contains("`DomainName`")
        );
        let invalid = BuildError::invalid("WorkflowId", "empty URI label");
        assert!(invalid.to_string().contains("`WorkflowId`"));
    }
}
