//! The AWS "standard" retry mode: which failures are retried, how long to wait, and the
//! per-client retry quota that stops a struggling service from being hammered.
//! Reference: "Retry behavior" in the AWS SDKs and Tools reference guide.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::time::Duration;

use crate::http::BoxFuture;

/// How often and how patiently an operation is retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    quota_capacity: u32,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// The AWS SDKs' standard mode: 3 attempts, backoff from 1 s doubling up to 20 s, a
    /// retry quota of 500 tokens.
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            quota_capacity: 500,
        }
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// Total attempts including the first; 0 is treated as 1.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Tokens in the client's retry quota (see [`RetryQuota`]).
    pub fn with_quota_capacity(mut self, capacity: u32) -> Self {
        self.quota_capacity = capacity;
        self
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    pub fn quota_capacity(&self) -> u32 {
        self.quota_capacity
    }

    /// Delay before retry number `retry_index` (0 for the first retry): full jitter, i.e.
    /// `unit_random * min(max_backoff, initial_backoff * 2^retry_index)` with `unit_random`
    /// in `[0, 1]`. A server's `x-amz-retry-after` hint replaces the computed delay, capped
    /// at `max_backoff` so that a bad hint cannot stall the caller.
    pub fn backoff(
        &self,
        retry_index: u32,
        unit_random: f64,
        retry_after: Option<Duration>,
    ) -> Duration {
        if let Some(hint) = retry_after {
            return hint.min(self.max_backoff);
        }
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry_index))
            .min(self.max_backoff);
        ceiling.mul_f64(unit_random.clamp(0.0, 1.0))
    }
}

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

/// Waits between attempts. Tests inject one that records the delays and returns at once.
pub trait Sleep: Send + Sync + fmt::Debug {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// Sleeps on the tokio timer.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_ceiling() {
        let config = RetryConfig::standard();
        assert_eq!(config.backoff(0, 1.0, None), Duration::from_secs(1));
        assert_eq!(config.backoff(1, 1.0, None), Duration::from_secs(2));
        assert_eq!(config.backoff(3, 0.5, None), Duration::from_secs(4));
        assert_eq!(config.backoff(2, 0.0, None), Duration::ZERO);
        // Capped by max_backoff, and no overflow for absurd attempt numbers.
        assert_eq!(config.backoff(5, 1.0, None), Duration::from_secs(20));
        assert_eq!(config.backoff(200, 1.0, None), Duration::from_secs(20));
    }

    #[test]
    fn retry_after_hint_replaces_backoff_but_is_capped() {
        let config = RetryConfig::standard();
        let hint = Some(Duration::from_millis(1500));
        assert_eq!(config.backoff(0, 0.0, hint), Duration::from_millis(1500));
        let huge = Some(Duration::from_secs(3600));
        assert_eq!(config.backoff(0, 0.0, huge), Duration::from_secs(20));
    }

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
