//! How often and how patiently an operation is retried: the AWS "standard" and "adaptive"
//! modes' settings and their backoff. Reference: "Retry behavior" in the AWS SDKs and Tools
//! reference guide.

use std::time::Duration;

/// The AWS SDKs' retry modes (`AWS_RETRY_MODE`, the profile's `retry_mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RetryMode {
    /// Retries with backoff and a retry quota. The SDKs' `legacy` mode is read as this one:
    /// it differs only in which errors it retries and how long it waits.
    #[default]
    Standard,
    /// Standard, plus a client-side rate limiter: once the service throttles, every
    /// attempt of the client waits for a token of a bucket whose rate follows the CUBIC
    /// congestion algorithm (lowered by throttling, raised again by successes), as
    /// botocore and aws-sdk-rust do.
    Adaptive,
}

impl RetryMode {
    /// `standard`, `adaptive` or `legacy` (read as standard), in any case; `None` otherwise.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("standard") || value.eq_ignore_ascii_case("legacy") {
            Some(Self::Standard)
        } else if value.eq_ignore_ascii_case("adaptive") {
            Some(Self::Adaptive)
        } else {
            None
        }
    }
}

/// How often and how patiently an operation is retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    mode: RetryMode,
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
            mode: RetryMode::Standard,
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            quota_capacity: 500,
        }
    }

    /// The adaptive mode: [`standard`](Self::standard) plus the client-side rate limiter
    /// (see [`RetryMode::Adaptive`]).
    pub fn adaptive() -> Self {
        Self::standard().with_mode(RetryMode::Adaptive)
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// Standard or adaptive; default standard.
    pub fn with_mode(mut self, mode: RetryMode) -> Self {
        self.mode = mode;
        self
    }

    /// Total attempts including the first; 0 is treated as 1.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// The longest wait before the first retry (the actual wait is a random fraction of it); it
    /// doubles for each later retry, up to [`max_backoff`](Self::max_backoff). Default 1 s.
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// The longest wait between two attempts, also capping a server's `x-amz-retry-after`
    /// hint. Default 20 s.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Tokens in the client's retry quota, shared by all its operations; default 500. Each
    /// retry takes 5 (10 after a timeout) and a success gives some back; while the quota is
    /// empty, failures are returned instead of retried.
    pub fn with_quota_capacity(mut self, capacity: u32) -> Self {
        self.quota_capacity = capacity;
        self
    }

    /// Standard or adaptive (see [`with_mode`](Self::with_mode)).
    pub fn mode(&self) -> RetryMode {
        self.mode
    }

    /// Total attempts including the first, at least 1; default 3.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The longest wait before the first retry (see
    /// [`with_initial_backoff`](Self::with_initial_backoff)).
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest wait between two attempts (see [`with_max_backoff`](Self::with_max_backoff)).
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Tokens in the client's retry quota (see
    /// [`with_quota_capacity`](Self::with_quota_capacity)).
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
    fn retry_modes_parse_as_the_sdks_name_them() {
        assert_eq!(RetryMode::parse("standard"), Some(RetryMode::Standard));
        assert_eq!(RetryMode::parse(" Legacy "), Some(RetryMode::Standard));
        assert_eq!(RetryMode::parse("ADAPTIVE"), Some(RetryMode::Adaptive));
        assert_eq!(RetryMode::parse("fast"), None);
        assert_eq!(RetryConfig::adaptive().mode(), RetryMode::Adaptive);
        assert_eq!(RetryConfig::adaptive().max_attempts(), 3);
    }

    #[test]
    fn retry_after_hint_replaces_backoff_but_is_capped() {
        let config = RetryConfig::standard();
        let hint = Some(Duration::from_millis(1500));
        assert_eq!(config.backoff(0, 0.0, hint), Duration::from_millis(1500));
        let huge = Some(Duration::from_secs(3600));
        assert_eq!(config.backoff(0, 0.0, huge), Duration::from_secs(20));
    }
}
