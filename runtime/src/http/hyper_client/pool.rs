//! Idle keep-alive connections of the default client, per origin.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Where a connection goes: requests to the same origin may share one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Origin {
    pub(super) tls: bool,
    /// As in the URL; IPv6 literals keep their brackets.
    pub(super) host: String,
    pub(super) port: u16,
}

/// What the pool needs to know of a connection.
pub(super) trait Reusable {
    /// The peer or our own side has closed it; sending on it would fail.
    fn is_closed(&self) -> bool;
}

/// Bounded per origin and by age, so that a burst of parallel calls does not keep its
/// connections open forever and a connection is not reused after servers (and NATs) have
/// likely dropped it.
pub(super) struct Pool<C> {
    idle: Mutex<HashMap<Origin, Vec<Idle<C>>>>,
    max_idle_per_origin: usize,
    idle_timeout: Duration,
}

struct Idle<C> {
    connection: C,
    since: Instant,
}

impl<C: Reusable> Pool<C> {
    pub(super) fn new(max_idle_per_origin: usize, idle_timeout: Duration) -> Self {
        Self {
            idle: Mutex::default(),
            max_idle_per_origin,
            idle_timeout,
        }
    }

    /// The most recently returned live connection to `origin`: the one least likely to have
    /// been closed by the server meanwhile. Expired and closed ones are dropped on the way.
    pub(super) fn take(&self, origin: &Origin, now: Instant) -> Option<C> {
        let mut idle = self.lock();
        let connections = idle.get_mut(origin)?;
        self.prune(connections, now);
        let connection = connections.pop().map(|idle| idle.connection);
        if connections.is_empty() {
            idle.remove(origin);
        }
        connection
    }

    /// Keeps `connection` for reuse unless it is closed; the oldest idle one makes room.
    pub(super) fn put(&self, origin: Origin, connection: C, now: Instant) {
        if connection.is_closed() || self.max_idle_per_origin == 0 {
            return;
        }
        let mut idle = self.lock();
        let connections = idle.entry(origin).or_default();
        self.prune(connections, now);
        if connections.len() >= self.max_idle_per_origin {
            connections.remove(0);
        }
        connections.push(Idle {
            connection,
            since: now,
        });
    }

    /// Idle connections over every origin.
    pub(super) fn idle_count(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    fn prune(&self, connections: &mut Vec<Idle<C>>, now: Instant) {
        connections.retain(|idle| {
            now.saturating_duration_since(idle.since) < self.idle_timeout
                && !idle.connection.is_closed()
        });
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Origin, Vec<Idle<C>>>> {
        // The map stays consistent even if a holder panicked: every update is one call.
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A connection whose closing the test controls.
    #[derive(Clone, Debug, Default)]
    struct Fake {
        id: u8,
        closed: Rc<Cell<bool>>,
    }

    impl Fake {
        fn new(id: u8) -> Self {
            Self {
                id,
                ..Self::default()
            }
        }
    }

    impl Reusable for Fake {
        fn is_closed(&self) -> bool {
            self.closed.get()
        }
    }

    fn origin(host: &str) -> Origin {
        Origin {
            tls: true,
            host: host.to_owned(),
            port: 443,
        }
    }

    const TIMEOUT: Duration = Duration::from_secs(90);

    fn id(connection: Option<Fake>) -> Option<u8> {
        connection.map(|c| c.id)
    }

    #[test]
    fn returns_the_most_recent_connection_of_the_same_origin() {
        let pool = Pool::new(4, TIMEOUT);
        let now = Instant::now();
        pool.put(origin("a"), Fake::new(1), now);
        pool.put(origin("a"), Fake::new(2), now);
        pool.put(origin("b"), Fake::new(3), now);
        assert_eq!(id(pool.take(&origin("a"), now)), Some(2));
        assert_eq!(id(pool.take(&origin("a"), now)), Some(1));
        assert_eq!(id(pool.take(&origin("a"), now)), None);
        assert_eq!(pool.idle_count(), 1);
    }

    #[test]
    fn scheme_and_port_are_part_of_the_origin() {
        let pool = Pool::new(4, TIMEOUT);
        let now = Instant::now();
        pool.put(origin("a"), Fake::new(1), now);
        let plain = Origin {
            tls: false,
            ..origin("a")
        };
        let other_port = Origin {
            port: 8443,
            ..origin("a")
        };
        assert_eq!(id(pool.take(&plain, now)), None);
        assert_eq!(id(pool.take(&other_port, now)), None);
        assert_eq!(id(pool.take(&origin("a"), now)), Some(1));
    }

    #[test]
    fn drops_connections_idle_for_the_timeout() {
        let pool = Pool::new(4, TIMEOUT);
        let start = Instant::now();
        pool.put(origin("a"), Fake::new(1), start);
        pool.put(origin("a"), Fake::new(2), start + Duration::from_secs(60));
        let later = start + TIMEOUT;
        assert_eq!(id(pool.take(&origin("a"), later)), Some(2));
        assert_eq!(id(pool.take(&origin("a"), later)), None);
        assert_eq!(pool.idle_count(), 0);
    }

    #[test]
    fn skips_connections_closed_while_idle() {
        let pool = Pool::new(4, TIMEOUT);
        let now = Instant::now();
        let stale = Fake::new(2);
        pool.put(origin("a"), Fake::new(1), now);
        pool.put(origin("a"), stale.clone(), now);
        stale.closed.set(true);
        assert_eq!(id(pool.take(&origin("a"), now)), Some(1));
    }

    #[test]
    fn does_not_keep_closed_connections() {
        let pool = Pool::new(4, TIMEOUT);
        let closed = Fake::new(1);
        closed.closed.set(true);
        pool.put(origin("a"), closed, Instant::now());
        assert_eq!(pool.idle_count(), 0);
    }

    #[test]
    fn the_oldest_connection_makes_room_when_full() {
        let pool = Pool::new(2, TIMEOUT);
        let now = Instant::now();
        for n in 1..=3 {
            pool.put(origin("a"), Fake::new(n), now);
        }
        assert_eq!(pool.idle_count(), 2);
        assert_eq!(id(pool.take(&origin("a"), now)), Some(3));
        assert_eq!(id(pool.take(&origin("a"), now)), Some(2));
    }
}
