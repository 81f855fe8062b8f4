//! The AWS "standard" retry mode at run time: which failures are retried and the per-client
//! retry quota that stops a struggling service from being hammered (the settings, backoff
//! included, are [`crate::config::retry::RetryConfig`]).
//! Reference: "Retry behavior" in the AWS SDKs and Tools reference guide.

use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::time::Duration;

/// Why a failed attempt may (or may not) be tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryKind {
    /// HTTP 429 or an AWS throttling error code.
    Throttling,
    /// A server-side failure (500, 502, 503, 504, `RequestTimeout`) or a broken connection.
    Transient,
    /// The attempt timed out; costs more quota because the service may still be working on it.
    Timeout,
    /// Any other error: retrying would fail the same way.
    NotRetryable,
}

impl RetryKind {
    pub fn is_retryable(self) -> bool {
        self != RetryKind::NotRetryable
    }
}

/// Error codes the AWS SDKs treat as throttling, whatever the HTTP status.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes the AWS SDKs treat as transient, whatever the HTTP status.
const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];

const TRANSIENT_STATUS: &[u16] = &[500, 502, 503, 504];

/// Classifies an error response from its status and (already extracted) error code.
pub fn classify_response(status: u16, code: Option<&str>) -> RetryKind {
    if status == 429 || code.is_some_and(|c| THROTTLING_CODES.contains(&c)) {
        RetryKind::Throttling
    } else if TRANSIENT_STATUS.contains(&status)
        || code.is_some_and(|c| TRANSIENT_CODES.contains(&c))
    {
        RetryKind::Transient
    } else {
        RetryKind::NotRetryable
    }
}

/// The `x-amz-retry-after` hint (milliseconds), if present and well formed.
pub fn retry_after_hint(headers: &crate::http::Headers) -> Option<Duration> {
    headers
        .get("x-amz-retry-after")
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
}

const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const NO_RETRY_INCREMENT: u32 = 1;

/// The token bucket shared by every operation of one client. Each retry takes tokens
/// (5, or 10 after a timeout); a success returns what its retries took, or 1 token when it
/// needed none. When the bucket runs dry, failures are returned instead of retried, so an
/// outage is not made worse by a retry storm.
#[derive(Debug)]
pub struct RetryQuota {
    capacity: u32,
    available: Mutex<u32>,
}

impl RetryQuota {
    pub fn new(capacity: u32) -> Self {
        Self {
            capacity,
            available: Mutex::new(capacity),
        }
    }

    pub fn available(&self) -> u32 {
        *self.lock()
    }

    /// Takes the cost of retrying after `kind`; `None` when the quota cannot cover it.
    pub fn acquire(&self, kind: RetryKind) -> Option<u32> {
        let cost = if kind == RetryKind::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        let mut available = self.lock();
        let remaining = available.checked_sub(cost)?;
        *available = remaining;
        Some(cost)
    }

    /// Records a successful attempt; `last_retry_cost` is what the retry that led to it took.
    pub fn release(&self, last_retry_cost: Option<u32>) {
        let refund = last_retry_cost.unwrap_or(NO_RETRY_INCREMENT);
        let mut available = self.lock();
        *available = available.saturating_add(refund).min(self.capacity);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        // The counter stays valid even if a holder panicked: recover it.
        self.available
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A source of jitter in `[0, 1]`. Jitter only spreads clients apart, so it needs no
/// cryptographic quality: std's per-process random hash keys, mixed with a counter, are
/// enough and spare every user a `rand` dependency.
pub fn unit_random() -> f64 {
    // The top 53 bits fill an f64 mantissa exactly.
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// 64 unpredictable-enough bits (see [`unit_random`]); also the source of idempotency tokens.
pub(crate) fn random_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_header_parses_milliseconds_only() {
        let mut headers = crate::http::Headers::new();
        assert_eq!(retry_after_hint(&headers), None);
        headers.insert("X-Amz-Retry-After", "250");
        assert_eq!(retry_after_hint(&headers), Some(Duration::from_millis(250)));
        headers.insert("x-amz-retry-after", "soon");
        assert_eq!(retry_after_hint(&headers), None);
    }

    #[test]
    fn classification_follows_the_standard_mode() {
        assert_eq!(classify_response(429, None), RetryKind::Throttling);
        assert_eq!(
            classify_response(400, Some("ThrottlingException")),
            RetryKind::Throttling
        );
        for status in [500, 502, 503, 504] {
            assert_eq!(classify_response(status, None), RetryKind::Transient);
        }
        assert_eq!(
            classify_response(400, Some("RequestTimeout")),
            RetryKind::Transient
        );
        for status in [400, 401, 403, 404, 409, 501] {
            assert_eq!(
                classify_response(status, Some("BadRequestException")),
                RetryKind::NotRetryable
            );
        }
    }

    #[test]
    fn quota_charges_retries_and_refunds_successes() {
        let quota = RetryQuota::new(500);
        assert_eq!(quota.acquire(RetryKind::Transient), Some(5));
        assert_eq!(quota.acquire(RetryKind::Timeout), Some(10));
        assert_eq!(quota.available(), 485);
        quota.release(Some(10));
        assert_eq!(quota.available(), 495);
        quota.release(None);
        quota.release(None);
        quota.release(None);
        assert_eq!(quota.available(), 498);
        // Never above capacity.
        (0..10).for_each(|_| quota.release(Some(5)));
        assert_eq!(quota.available(), 500);
    }

    #[test]
    fn empty_quota_refuses_retries() {
        let quota = RetryQuota::new(12);
        assert_eq!(quota.acquire(RetryKind::Throttling), Some(5));
        assert_eq!(quota.acquire(RetryKind::Timeout), None);
        assert_eq!(quota.acquire(RetryKind::Transient), Some(5));
        assert_eq!(quota.acquire(RetryKind::Transient), None);
        assert_eq!(quota.available(), 2);
    }

    #[test]
    fn jitter_stays_in_the_unit_interval() {
        for _ in 0..1000 {
            let r = unit_random();
            assert!((0.0..=1.0).contains(&r), "{r}");
        }
    }
}
