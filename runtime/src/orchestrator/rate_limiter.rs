//! The adaptive retry mode's client-side rate limiter, as botocore's `retries/adaptive.py`
//! and `retries/bucket.py` and aws-sdk-rust's `ClientRateLimiter` define it: a token bucket
//! each attempt takes one token from, once the service has throttled the client. Its fill
//! rate follows CUBIC: a throttling response cuts it to 70% of the rate the client was
//! sending at, and successes grow it back along a cubic curve centred on that rate.
//!
//! Times are seconds since the limiter was made, passed in, so the arithmetic is tested
//! without clocks.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// CUBIC's scaling constant `C` and multiplicative decrease `β`.
const SCALE_CONSTANT: f64 = 0.4;
const BETA: f64 = 0.7;
/// The bucket never fills slower than this many tokens a second.
const MIN_FILL_RATE: f64 = 0.5;
/// The fill rate is never set above twice the measured sending rate.
const MAX_RATE_ADJUST_SCALE: f64 = 2.0;
/// The sending rate is measured over half-second buckets and smoothed exponentially.
const TIME_BUCKET_SCALE: f64 = 2.0;
const SMOOTHING: f64 = 0.8;

/// One client's limiter, shared by all its operations.
#[derive(Debug)]
pub struct ClientRateLimiter {
    start: Instant,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Off until the first throttling response: until then attempts go out at once.
    enabled: bool,
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill: Option<f64>,
    /// CUBIC: the rate at the last throttling response (`W_max`), the time the curve
    /// takes to climb back to it (`K`), and when that response came.
    max_rate: f64,
    zero_point: f64,
    last_throttle: f64,
    /// The measured sending rate (responses a second) and the bucket it was last counted in.
    measured_rate: f64,
    measure_bucket: f64,
    measure_count: f64,
}

impl Default for ClientRateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientRateLimiter {
    /// A limiter that lets everything through until the first throttling response.
    pub fn new() -> Self {
        let max_rate = 0.5;
        Self {
            start: Instant::now(),
            state: Mutex::new(State {
                enabled: false,
                fill_rate: MIN_FILL_RATE,
                max_capacity: 1.0,
                capacity: 0.0,
                last_refill: None,
                max_rate,
                zero_point: zero_point(max_rate),
                last_throttle: 0.0,
                measured_rate: 0.0,
                measure_bucket: 0.0,
                measure_count: 0.0,
            }),
        }
    }

    /// Seconds since the limiter was made: the `now` of its other methods.
    pub fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// Takes a token for one attempt; returns how long to wait before sending it (zero
    /// while throttling has not been seen or a token is there). The token is taken either
    /// way, so attempts waiting together queue up rather than all waking at once.
    pub fn acquire(&self, now: f64) -> Duration {
        let mut state = self.lock();
        if !state.enabled {
            return Duration::ZERO;
        }
        state.refill(now);
        let wait = (1.0 - state.capacity).max(0.0) / state.fill_rate;
        state.capacity -= 1.0;
        Duration::try_from_secs_f64(wait).unwrap_or(Duration::MAX)
    }

    /// Records an attempt's response: `throttled` when the service throttled it.
    pub fn record(&self, now: f64, throttled: bool) {
        let mut state = self.lock();
        let measured = state.measure(now);
        let new_rate = if throttled {
            let rate = if state.enabled {
                measured.min(state.fill_rate)
            } else {
                measured
            };
            state.enabled = true;
            state.max_rate = rate;
            state.zero_point = zero_point(rate);
            state.last_throttle = now;
            rate * BETA
        } else {
            let elapsed = now - state.last_throttle;
            SCALE_CONSTANT * (elapsed - state.zero_point).powi(3) + state.max_rate
        };
        state.set_fill_rate(now, new_rate.min(MAX_RATE_ADJUST_SCALE * measured));
    }

    #[cfg(test)]
    fn fill_rate(&self) -> f64 {
        self.lock().fill_rate
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The numbers stay valid even if a holder panicked: recover them.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// CUBIC's `K`: how long the curve takes to climb back to `max_rate` after a decrease.
fn zero_point(max_rate: f64) -> f64 {
    (max_rate * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
}

impl State {
    fn refill(&mut self, now: f64) {
        if let Some(last) = self.last_refill {
            let filled = (now - last).max(0.0) * self.fill_rate;
            self.capacity = (self.capacity + filled).min(self.max_capacity);
        }
        self.last_refill = Some(now);
    }

    fn set_fill_rate(&mut self, now: f64, rate: f64) {
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.max_capacity = rate.max(1.0);
        self.capacity = self.capacity.min(self.max_capacity);
    }

    /// Counts one response and returns the smoothed sending rate.
    fn measure(&mut self, now: f64) -> f64 {
        let bucket = (now * TIME_BUCKET_SCALE).floor() / TIME_BUCKET_SCALE;
        self.measure_count += 1.0;
        if bucket > self.measure_bucket {
            let rate = self.measure_count / (bucket - self.measure_bucket);
            self.measured_rate = rate * SMOOTHING + self.measured_rate * (1.0 - SMOOTHING);
            self.measure_count = 0.0;
            self.measure_bucket = bucket;
        }
        self.measured_rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_waits_before_the_first_throttling_response() {
        let limiter = ClientRateLimiter::new();
        for i in 0..20 {
            let now = f64::from(i) * 0.01;
            assert_eq!(limiter.acquire(now), Duration::ZERO);
            limiter.record(now, false);
        }
    }

    #[test]
    fn throttling_cuts_the_rate_and_makes_attempts_wait() {
        let limiter = ClientRateLimiter::new();
        // 10 responses a second for 5 seconds, then one throttled.
        let mut now = 0.0;
        for _ in 0..50 {
            limiter.record(now, false);
            now += 0.1;
        }
        limiter.record(now, true);
        let throttled_rate = limiter.fill_rate();
        assert!(
            (MIN_FILL_RATE..10.0 * BETA + 0.01).contains(&throttled_rate),
            "{throttled_rate}"
        );
        // What the bucket held (at most the new rate) goes out at once; after that each
        // attempt waits one more token's time than the one before it.
        let waits: Vec<f64> = (0..20)
            .map(|_| limiter.acquire(now).as_secs_f64())
            .collect();
        assert_eq!(waits[0], 0.0, "{waits:?}");
        let queued: Vec<f64> = waits.iter().copied().filter(|w| *w > 0.0).collect();
        assert!(
            queued.len() >= 20 - throttled_rate.ceil() as usize,
            "{waits:?}"
        );
        for pair in queued.windows(2) {
            assert!(
                (pair[1] - pair[0] - 1.0 / throttled_rate).abs() < 1e-9,
                "{waits:?}"
            );
        }
    }

    #[test]
    fn successes_after_throttling_raise_the_rate_again() {
        let limiter = ClientRateLimiter::new();
        let mut now = 0.0;
        for _ in 0..50 {
            limiter.record(now, false);
            now += 0.1;
        }
        limiter.record(now, true);
        let after_throttle = limiter.fill_rate();
        for _ in 0..100 {
            now += 0.1;
            limiter.record(now, false);
        }
        assert!(limiter.fill_rate() > after_throttle, "{limiter:?}");
    }

    #[test]
    fn the_rate_never_drops_below_the_minimum() {
        let limiter = ClientRateLimiter::new();
        for i in 0..10 {
            limiter.record(f64::from(i) * 10.0, true);
        }
        assert_eq!(limiter.fill_rate(), MIN_FILL_RATE);
        // The one token a slow bucket holds, then two seconds for the next.
        assert_eq!(limiter.acquire(90.0), Duration::ZERO);
        assert_eq!(limiter.acquire(90.0), Duration::from_secs(2));
    }
}
