//! What the site saw: counters the tests and the binary read afterwards.
//!
//! A [`Recorder`] is shared by every connection task; a [`Stats`] is a
//! plain copy of its counters at one moment. One mutex guards them all:
//! each request touches it a handful of times for a few nanoseconds, far
//! below what the network costs, and a single lock keeps the numbers
//! consistent with each other.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

/// A snapshot of what the site saw, for tests and reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received (any path).
    pub requests: usize,
    /// The most requests being handled at once.
    pub max_in_flight: usize,
    /// TCP connections accepted.
    pub connections: usize,
    /// Responses by status. Resets and hangs never answer, so they count
    /// under no status.
    pub statuses: BTreeMap<u16, usize>,
    /// Request paths (with query) in arrival order.
    pub paths: Vec<String>,
}

/// The shared counters behind [`Stats`].
#[derive(Debug, Default)]
pub struct Recorder {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    stats: Stats,
    in_flight: usize,
}

impl Recorder {
    /// A copy of the counters as they are now.
    pub fn stats(&self) -> Stats {
        self.with(|state| state.stats.clone())
    }

    /// Requests being handled right now.
    pub fn in_flight(&self) -> usize {
        self.with(|state| state.in_flight)
    }

    pub(crate) fn connection(&self) {
        self.with(|state| state.stats.connections += 1);
    }

    pub(crate) fn request(&self, path: String) {
        self.with(|state| {
            state.stats.requests += 1;
            state.stats.paths.push(path);
        });
    }

    pub(crate) fn status(&self, status: u16) {
        self.with(|state| *state.stats.statuses.entry(status).or_default() += 1);
    }

    /// Count a request as in flight until the returned guard is dropped.
    pub(crate) fn enter(self: &Arc<Self>) -> InFlight {
        self.with(|state| {
            state.in_flight += 1;
            state.stats.max_in_flight = state.stats.max_in_flight.max(state.in_flight);
        });
        InFlight(Arc::clone(self))
    }

    fn with<R>(&self, change: impl FnOnce(&mut State) -> R) -> R {
        // A panic elsewhere can't leave these counters half-updated in a
        // way that matters, so a poisoned lock is still fine to use.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut state)
    }
}

/// One request in flight. Dropping it, whether the handler finished or
/// hyper abandoned it because the client left, ends the request.
pub(crate) struct InFlight(Arc<Recorder>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.with(|state| state.in_flight -= 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_track_the_peak() {
        let recorder = Arc::new(Recorder::default());
        let first = recorder.enter();
        let second = recorder.enter();
        drop(first);
        let third = recorder.enter();
        assert_eq!(recorder.in_flight(), 2);
        drop((second, third));
        assert_eq!(recorder.in_flight(), 0);
        assert_eq!(recorder.stats().max_in_flight, 2);
    }

    #[test]
    fn counts_add_up() {
        let recorder = Recorder::default();
        recorder.connection();
        recorder.request("/a".into());
        recorder.request("/b?x".into());
        recorder.status(200);
        recorder.status(200);
        let stats = recorder.stats();
        assert_eq!((stats.connections, stats.requests), (1, 2));
        assert_eq!(stats.paths, ["/a", "/b?x"]);
        assert_eq!(stats.statuses, BTreeMap::from([(200, 2)]));
    }
}
