//! Everything that can go wrong between reading a model and writing a crate.

use std::fmt;
use std::path::PathBuf;

/// A typed generator error; each variant names what is wrong and where.
#[derive(Debug)]
pub enum Error {
    /// The model is not valid JSON, or its JSON does not have the Smithy AST layout.
    Json {
        path: Option<PathBuf>,
        line: usize,
        column: usize,
        message: String,
    },
    /// A member (`ns#Shape$member`) targets a shape that is neither in the model nor in the prelude.
    UnknownTarget { member: String, target: String },
    /// A shape references a shape (operation input, resource, error...) that does not exist.
    UnknownReference { from: String, target: String },
    /// A shape's `type` is not one Smithy 2.0 defines.
    UnsupportedShapeType { shape: String, type_name: String },
    /// A shape ID without `namespace#name`.
    InvalidShapeId { id: String },
    /// The model has no service shape.
    NoService,
    /// The model has several services and none was chosen.
    AmbiguousService { candidates: Vec<String> },
    /// The chosen service is not in the model.
    ServiceNotFound { id: String },
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The emitted tokens did not parse as a Rust file: a generator bug, reported instead of a panic.
    InvalidTokens { file: String, message: String },
    /// The service's `smithy.rules#endpointRuleSet` or `smithy.rules#endpointTests` cannot be
    /// used, e.g. a rule calls an unknown function (the message names it).
    EndpointRules { service: String, message: String },
    /// An operation's `smithy.api#paginated` (merged with the service's) names a member that
    /// is missing or of the wrong type.
    Paginated { operation: String, message: String },
    /// A waiter of an operation's `smithy.waiters#waitable` is malformed, or one of its
    /// JMESPath paths cannot be compiled against the operation's types.
    Waiter {
        operation: String,
        waiter: String,
        message: String,
    },
    /// An event stream (`smithy.api#streaming` union) is malformed, e.g. a member that
    /// targets no structure (the member named).
    EventStream { member: String, message: String },
    /// None of the service's protocol traits (listed; empty when it has none) is one this
    /// generator builds.
    UnsupportedProtocol {
        service: String,
        protocols: Vec<String>,
    },
}

impl Error {
    /// Wraps a serde_json error, keeping its line and column.
    pub(crate) fn json(path: Option<PathBuf>, err: &serde_json::Error) -> Self {
        Error::Json {
            path,
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Json {
                path,
                line,
                column,
                message,
            } => {
                let path = path
                    .as_ref()
                    .map_or_else(|| "<model>".to_owned(), |p| p.display().to_string());
                write!(
                    f,
                    "{path}:{line}:{column}: invalid Smithy JSON AST: {message}"
                )
            }
            Error::UnknownTarget { member, target } => {
                write!(f, "member `{member}` targets unknown shape `{target}`")
            }
            Error::EventStream { member, message } => write!(
                f,
                "event stream member `{member}` (smithy.api#streaming union): {message}"
            ),
            Error::UnknownReference { from, target } => {
                write!(f, "shape `{from}` references unknown shape `{target}`")
            }
            Error::UnsupportedShapeType { shape, type_name } => {
                write!(f, "shape `{shape}` has unsupported type `{type_name}`")
            }
            Error::InvalidShapeId { id } => {
                write!(f, "`{id}` is not a shape ID of the form `namespace#Name`")
            }
            Error::NoService => f.write_str("the model defines no service shape"),
            Error::AmbiguousService { candidates } => write!(
                f,
                "the model defines several services ({}); choose one",
                candidates.join(", ")
            ),
            Error::ServiceNotFound { id } => write!(f, "service `{id}` is not in the model"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::EndpointRules { service, message } => {
                write!(f, "endpoint rules of `{service}`: {message}")
            }
            Error::Paginated { operation, message } => {
                write!(f, "`smithy.api#paginated` of `{operation}`: {message}")
            }
            Error::Waiter {
                operation,
                waiter,
                message,
            } => write!(
                f,
                "waiter `{waiter}` of `{operation}` (`smithy.waiters#waitable`): {message}"
            ),
            Error::UnsupportedProtocol { service, protocols } if protocols.is_empty() => write!(
                f,
                "service `{service}` has no protocol trait (e.g. `aws.protocols#restJson1`), so \
                 no client can call it"
            ),
            Error::UnsupportedProtocol { service, protocols } => write!(
                f,
                "service `{service}` speaks {}, which this generator does not build yet",
                protocols
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            Error::InvalidTokens { file, message } => {
                write!(
                    f,
                    "generated tokens for `{file}` are not valid Rust: {message}"
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
