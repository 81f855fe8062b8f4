//! Waiters (`smithy.waiters#waitable`): poll an operation until its answer says the
//! resource reached a state, failed to, or the caller's time is up.
//!
//! The generator compiles each waiter's acceptors, JMESPath included, into one function that
//! looks at an attempt's result; [`wait`] is the polling loop every waiter shares, with the
//! delays of the Smithy specification (exponential backoff with jitter between `minDelay`
//! and `maxDelay`, bounded by the maximum wait).

// Generated code only: what compiled JMESPath expressions compute with.
#[doc(hidden)]
pub mod value;

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::{ProvideErrorMetadata, SdkError};
use crate::orchestrator::retry::unit_random;
use crate::sleep::Sleep;

/// The default mode of an operation's fluent builder that has waiters: it sends one call
/// (`send`). Each waiter is a mode of its own, whose builder polls (`wait`); the setters are
/// the same in every mode.
#[derive(Clone, Copy, Debug, Default)]
pub struct Call;

/// What a matching acceptor says of an attempt's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    /// The waiter is done: the resource is in the state waited for.
    Success,
    /// The resource can no longer reach that state: the waiter gives up.
    Failure,
    /// Not yet: poll again after a delay.
    Retry,
}

/// The delays between attempts: the waiter's `minDelay` and `maxDelay`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delays {
    min: Duration,
    max: Duration,
}

impl Delays {
    /// `min` and `max` as the model gives them (the generator checks `min <= max`, both >= 1 s).
    pub const fn new(min: Duration, max: Duration) -> Self {
        Self { min, max }
    }

    /// The delay before attempt `attempt + 1` (`attempt` >= 1 having just failed), with
    /// `remaining` of the maximum wait left and `random` in [0, 1): the specification's
    /// `minDelay * 2^(attempt - 1)` capped at `maxDelay`, jittered uniformly down to
    /// `minDelay`, and shortened so that the last attempt starts `minDelay` before the end.
    /// `None` when no attempt fits in what remains.
    fn before_next(&self, attempt: u32, remaining: Duration, random: f64) -> Option<Duration> {
        if remaining <= self.min {
            return None;
        }
        let doubled = self
            .min
            .checked_mul(
                2u32.checked_pow(attempt.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .unwrap_or(self.max);
        let ceiling = doubled.min(self.max);
        let delay = self.min + (ceiling - self.min).mul_f64(random.clamp(0.0, 1.0));
        Some(delay.min(remaining - self.min))
    }
}

/// The last attempt's result, when an acceptor ended the wait.
#[derive(Debug)]
pub struct FinalPoll<O, E> {
    result: Result<O, E>,
}

impl<O, E> FinalPoll<O, E> {
    /// The operation's output or error from the last attempt.
    pub fn as_result(&self) -> Result<&O, &E> {
        self.result.as_ref()
    }

    /// Like [`as_result`](Self::as_result), by value.
    pub fn into_result(self) -> Result<O, E> {
        self.result
    }
}

/// Why a waiter did not succeed. Non-exhaustive, as [`SdkError`].
#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<O, E> {
    /// The maximum wait passed (or left no time for another attempt) with no acceptor
    /// saying success or failure.
    ExceededMaxWait {
        /// The maximum wait the caller gave.
        max_wait: Duration,
        /// The time waited: attempts plus the delays between them.
        elapsed: Duration,
        /// How many attempts were made.
        attempts: u32,
    },
    /// An acceptor said the resource reached a failure state; the attempt's result.
    FailureState(FinalPoll<O, SdkError<E>>),
    /// An attempt failed in a way no acceptor covers (including a request that could not
    /// be built, e.g. a required member unset): the wait stops at the first such error.
    OperationFailed(SdkError<E>),
}

impl<O, E: ProvideErrorMetadata> fmt::Display for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ExceededMaxWait {
                max_wait,
                elapsed,
                attempts,
            } => write!(
                f,
                "waiter gave up after {attempts} attempt(s) in {elapsed:?}: the maximum wait \
                 is {max_wait:?}"
            ),
            Self::FailureState(poll) => match poll.as_result() {
                Ok(_) => f.write_str("waiter reached a failure state"),
                Err(e) => write!(f, "waiter reached a failure state: {e}"),
            },
            Self::OperationFailed(e) => write!(f, "waiter stopped on an unexpected error: {e}"),
        }
    }
}

impl<O: fmt::Debug, E: ProvideErrorMetadata + Error + 'static> Error for WaiterError<O, E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::ExceededMaxWait { .. } => None,
            Self::FailureState(poll) => poll.as_result().err().map(|e| e as _),
            Self::OperationFailed(e) => Some(e),
        }
    }
}

/// Polls with `attempt` until `acceptors` say success or failure, or `max_wait` runs out.
/// An attempt no acceptor matches is retried when it succeeded and ends the wait when it
/// failed. Delays are slept with `sleep` (the client's, so tests can skip them) and count
/// towards `max_wait` by their length, attempts by the time they take.
pub async fn wait<O, E, Fut>(
    sleep: &dyn Sleep,
    delays: Delays,
    max_wait: Duration,
    mut attempt: impl FnMut() -> Fut,
    acceptors: impl Fn(&Result<O, SdkError<E>>) -> Option<AcceptorState>,
) -> Result<FinalPoll<O, SdkError<E>>, WaiterError<O, E>>
where
    Fut: Future<Output = Result<O, SdkError<E>>>,
{
    let mut elapsed = Duration::ZERO;
    let mut attempts = 0;
    loop {
        let started = Instant::now();
        let result = attempt().await;
        elapsed += started.elapsed();
        attempts += 1;
        // A request that cannot be built never reached the service: no acceptor (not even
        // `success: false`) speaks of it.
        let state = match &result {
            Err(SdkError::Construction(_)) => None,
            result => acceptors(result),
        };
        match (state, result) {
            (Some(AcceptorState::Success), result) => return Ok(FinalPoll { result }),
            (Some(AcceptorState::Failure), result) => {
                return Err(WaiterError::FailureState(FinalPoll { result }));
            }
            (None, Err(error)) => return Err(WaiterError::OperationFailed(error)),
            (Some(AcceptorState::Retry) | None, Ok(_) | Err(_)) => {}
        }
        let remaining = max_wait.saturating_sub(elapsed);
        let Some(delay) = delays.before_next(attempts, remaining, unit_random()) else {
            return Err(WaiterError::ExceededMaxWait {
                max_wait,
                elapsed,
                attempts,
            });
        };
        sleep.sleep(delay).await;
        elapsed += delay;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn delays_double_from_min_to_max_and_jitter_down_to_min() {
        let delays = Delays::new(2 * SECOND, 120 * SECOND);
        let plenty = Duration::from_secs(3600);
        // random = 1 gives the ceiling, random = 0 the minimum.
        let ceilings: Vec<u64> = (1..=9)
            .map(|n| delays.before_next(n, plenty, 1.0).unwrap().as_secs())
            .collect();
        assert_eq!(ceilings, [2, 4, 8, 16, 32, 64, 120, 120, 120]);
        assert_eq!(delays.before_next(5, plenty, 0.0), Some(2 * SECOND));
        assert_eq!(delays.before_next(3, plenty, 0.5), Some(5 * SECOND));
        assert_eq!(
            delays.before_next(u32::MAX, plenty, 1.0),
            Some(120 * SECOND)
        );
    }

    #[test]
    fn the_last_delay_leaves_min_delay_for_the_last_attempt() {
        let delays = Delays::new(5 * SECOND, 120 * SECOND);
        assert_eq!(
            delays.before_next(6, 20 * SECOND, 1.0),
            Some(15 * SECOND),
            "120 s would overrun: sleep until min_delay before the end"
        );
        assert_eq!(delays.before_next(1, 5 * SECOND, 0.0), None);
        assert_eq!(delays.before_next(1, 3 * SECOND, 0.0), None);
    }
}
