//! Presigned requests: an operation's request signed in its URL (SigV4 query signing), for
//! someone else to send without credentials until it expires, e.g. a download link for an
//! S3 object. Every generated operation builder has `presigned(PresigningConfig)`.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::http::Headers;

/// How long a presigned request lasts, and from when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresigningConfig {
    expires_in: Duration,
    start_time: Option<SystemTime>,
}

impl PresigningConfig {
    /// Usable for `expires_in` from now: 1 second to 7 days, as SigV4 allows (presigning
    /// fails with a [`SigningError`](crate::auth::sigv4::SigningError) otherwise). A
    /// request presigned with temporary credentials stops working when they expire, even
    /// if that is sooner.
    pub fn expires_in(expires_in: Duration) -> Self {
        Self {
            expires_in,
            start_time: None,
        }
    }

    /// Signed as of `start_time` instead of now (by the service's clock, as the client
    /// last saw it): for tests, or links that start later.
    pub fn start_time(mut self, start_time: SystemTime) -> Self {
        self.start_time = Some(start_time);
        self
    }

    /// How long the request lasts.
    pub fn expires(&self) -> Duration {
        self.expires_in
    }

    pub(crate) fn start(&self) -> Option<SystemTime> {
        self.start_time
    }
}

/// A signed request anyone holding it may send until it expires: send the method, the URL
/// (its query carries the signature) and these headers exactly (they are signed), with the
/// body for operations that have one. The URL is a credential: `Debug` leaves out its
/// query.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedRequest {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Headers,
    pub(crate) body: Vec<u8>,
}

impl PresignedRequest {
    /// The HTTP method, e.g. `GET`.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URL, with the `X-Amz-*` signing parameters in its query.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers that were signed (`host` among them), to send as they are.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The body to send: empty for operations whose input is all in the URL and headers.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let without_query = self.url.split('?').next().unwrap_or_default();
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name).collect();
        f.debug_struct("PresignedRequest")
            .field("method", &self.method)
            .field("url", &format!("{without_query}?{}", crate::REDACTED))
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}
