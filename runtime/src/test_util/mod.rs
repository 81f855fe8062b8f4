//! Unit tests of code that calls the SDK, without a network (feature `test-util`; turn it on
//! for dev-dependencies only, e.g. `leansdk-customerprofiles = { ..., features = ["test-util"] }`).
//!
//! Two ways, as the official SDKs give them:
//! - [`mock`]: rules per operation that answer typed inputs with typed outputs, operation
//!   errors or raw HTTP responses, installed with
//!   [`ConfigBuilder::mock_rules`](crate::config::ConfigBuilder::mock_rules). Nothing is
//!   serialised or sent; retries work as for real calls.
//! - [`ReplayClient`]: an [`HttpClient`](crate::http::HttpClient) that answers recorded
//!   responses in order and checks afterwards that the requests sent were the ones
//!   recorded. Everything but the network is real: endpoint, signing, serialisation.

pub mod mock;
mod replay;

/// What rules answer with and replay events are made of, here too so that tests need no
/// other path.
pub use crate::http::{Headers, HttpRequest, HttpResponse};
pub use replay::{ReplayClient, ReplayEvent, RequestMismatch};
