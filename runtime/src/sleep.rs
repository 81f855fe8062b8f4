//! The one async-runtime hook the orchestrator needs besides its timers: waiting between
//! attempts, replaceable so that tests record delays instead of waiting.

use std::fmt;
use std::time::Duration;

use crate::BoxFuture;

/// Waits between attempts. Tests inject one that records the delays and returns at once.
pub trait Sleep: Send + Sync + fmt::Debug {
    /// A future that completes once `duration` has passed (or at once, in tests). It runs
    /// under the operation timeout, which still uses the tokio timer.
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
