//! What the site saw: counters and records, shared by every connection.
//!
//! A [`Recorder`] is shared by every connection task; a [`Stats`] is a
//! plain copy of it at one moment. One mutex guards it all: each request
//! touches it a handful of times for well under a microsecond, far below
//! what the network costs, and a single lock keeps the numbers consistent
//! with each other.
//!
//! Counters add up forever; records don't: a long-running server keeps the
//! most recent [`RECORD_LIMIT`] only, and their sequence numbers tell what
//! was dropped.
//!
//! Watchers (the live page's event streams, see `live`) are told that the
//! records changed, not what changed: a `watch` channel holds no queue, so a
//! slow or vanished watcher costs nothing. Each then reads from here what it
//! has not sent yet ([`Recorder::watch_from`]): there is one copy of the
//! records, this one.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::records::{Record, RecordPage};

/// How many records the site keeps: about 20 MB at most.
const RECORD_LIMIT: usize = 100_000;

/// A snapshot of what the site saw, for tests and reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received (any path but the records endpoint and the live
    /// page's, which watch the site without changing what it records).
    pub requests: usize,
    /// The most requests being handled at once (from arrival until the
    /// head of the answer is handed to hyper).
    pub max_in_flight: usize,
    /// TCP connections accepted.
    pub connections: usize,
    /// Answers by status. Resets and hangs never answer, so they count
    /// under no status.
    pub statuses: BTreeMap<u16, usize>,
    /// The most recent requests (100,000 at most), oldest first.
    pub records: Vec<Record>,
}

impl Stats {
    /// The paths of [`Stats::records`] (with their queries), in arrival order.
    pub fn paths(&self) -> Vec<&str> {
        self.records.iter().map(|record| record.path.as_str()).collect()
    }
}

/// The shared state behind [`Stats`] and the records endpoint.
#[derive(Debug)]
pub struct Recorder {
    /// Time zero for the records.
    started: Instant,
    state: Mutex<State>,
    /// Bumped after every change to the records; its value says whether the
    /// site is stopping (then watchers end their streams). Each open event
    /// stream holds one of its receivers, and nothing else does: their
    /// count is the watchers' count.
    changes: watch::Sender<bool>,
}

/// What a watcher reads in one go: see [`Recorder::watch_from`].
#[derive(Debug)]
pub(crate) struct WatchRead {
    /// The site's clock: time since it started.
    pub(crate) now: Duration,
    /// The records numbered `from` and up.
    pub(crate) page: RecordPage,
    /// The records asked for by number, as they are now; those the site no
    /// longer keeps are left out.
    pub(crate) again: Vec<Record>,
}

#[derive(Debug)]
struct State {
    requests: usize,
    max_in_flight: usize,
    connections: usize,
    statuses: BTreeMap<u16, usize>,
    /// The most recent records, `limit` at most, by `seq` with no gaps.
    records: VecDeque<Record>,
    limit: usize,
    in_flight: usize,
}

impl State {
    /// The records numbered `from` and up that are still kept, `most` at most.
    fn page(&self, from: u64, most: usize) -> RecordPage {
        let first = self.records.front().map_or(0, |record| record.seq);
        let skip = usize::try_from(from.saturating_sub(first)).unwrap_or(usize::MAX);
        let start = skip.min(self.records.len());
        let records: Vec<Record> = self.records.range(start..).take(most).cloned().collect();
        let after_all = self.requests as u64 + 1;
        let next = records.last().map_or(after_all, |record| record.seq + 1);
        RecordPage { next, records }
    }

    /// The record numbered `seq`. A record dropped meanwhile (only in a very
    /// busy server) stays dropped.
    fn record(&mut self, seq: u64) -> Option<&mut Record> {
        let first = self.records.front().map_or(0, |record| record.seq);
        let index = usize::try_from(seq.wrapping_sub(first)).unwrap_or(usize::MAX);
        self.records.get_mut(index)
    }
}

impl Default for Recorder {
    /// A recorder whose time zero is now.
    fn default() -> Recorder {
        Recorder::with_limit(RECORD_LIMIT)
    }
}

impl Recorder {
    fn with_limit(limit: usize) -> Recorder {
        let state = State {
            requests: 0,
            max_in_flight: 0,
            connections: 0,
            statuses: BTreeMap::new(),
            records: VecDeque::new(),
            limit,
            in_flight: 0,
        };
        Recorder {
            started: Instant::now(),
            state: Mutex::new(state),
            changes: watch::Sender::new(false),
        }
    }

    /// A copy of the counters and the records as they are now.
    pub fn stats(&self) -> Stats {
        self.with(|state| Stats {
            requests: state.requests,
            max_in_flight: state.max_in_flight,
            connections: state.connections,
            statuses: state.statuses.clone(),
            records: state.records.iter().cloned().collect(),
        })
    }

    /// Requests being handled right now.
    pub fn in_flight(&self) -> usize {
        self.with(|state| state.in_flight)
    }

    /// The records numbered `from` and up that are still kept, `most` at most.
    pub(crate) fn page(&self, from: u64, most: usize) -> RecordPage {
        self.with(|state| state.page(from, most))
    }

    /// For a watcher, under one lock: the clock, the records numbered `from`
    /// and up (`most` at most), and the records numbered `again` as they are
    /// now (those it saw in flight, to see how they ended).
    pub(crate) fn watch_from(&self, from: u64, again: &[u64], most: usize) -> WatchRead {
        self.with(|state| WatchRead {
            now: self.started.elapsed(),
            page: state.page(from, most),
            again: again.iter().filter_map(|&seq| state.record(seq).cloned()).collect(),
        })
    }

    /// The number the next request will get.
    pub(crate) fn next_seq(&self) -> u64 {
        self.with(|state| state.requests as u64 + 1)
    }

    /// A receiver told of every change to the records, and that the site stops.
    pub(crate) fn changes(&self) -> watch::Receiver<bool> {
        self.changes.subscribe()
    }

    /// Tell the watchers the site is stopping, so that they end their streams
    /// and a graceful stop does not wait for them.
    pub(crate) fn stop_watchers(&self) {
        self.changes.send_replace(true);
    }

    /// Event streams of the live page open right now: the receivers of the
    /// `changes` channel alive.
    pub fn watchers(&self) -> usize {
        self.changes.receiver_count()
    }

    /// Count a new connection; its number, from 1.
    pub(crate) fn connection(&self) -> u64 {
        self.with(|state| {
            state.connections += 1;
            state.connections as u64
        })
    }

    /// Number, time and keep `record`, and count it as in flight until the
    /// returned ticket is dropped.
    pub(crate) fn arrive(self: &Arc<Self>, mut record: Record) -> Ticket {
        record.arrived = self.started.elapsed();
        let seq = self.with(|state| {
            state.requests += 1;
            state.in_flight += 1;
            state.max_in_flight = state.max_in_flight.max(state.in_flight);
            record.seq = state.requests as u64;
            if state.records.len() == state.limit {
                state.records.pop_front();
            }
            state.records.push_back(record);
            state.requests as u64
        });
        self.changed();
        Ticket { recorder: Arc::clone(self), seq, ending: false }
    }

    fn update(&self, seq: u64, change: impl FnOnce(&mut Record)) {
        self.with(|state| {
            if let Some(record) = state.record(seq) {
                change(record);
            }
        });
        self.changed();
    }

    /// Wake the watchers (after the lock is released: they take it next).
    /// The value stays: only a stop changes it. With none, nothing to do:
    /// a watcher that comes later reads the records as they are by then.
    fn changed(&self) {
        if self.changes.receiver_count() > 0 {
            self.changes.send_modify(|_| {});
        }
    }

    fn with<R>(&self, change: impl FnOnce(&mut State) -> R) -> R {
        // A panic elsewhere can't leave these counters half-updated in a
        // way that matters, so a poisoned lock is still fine to use.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut state)
    }
}

/// One request in flight, and the way to complete its record. Dropping it,
/// whether the handler finished or hyper abandoned it because the client
/// left, ends the request's time in flight; dropping it before its end was
/// recorded or handed to the body records that the request was abandoned.
pub(crate) struct Ticket {
    recorder: Arc<Recorder>,
    seq: u64,
    /// Whether the end is recorded, or up to the body ([`Ticket::end_later`]).
    ending: bool,
}

impl Ticket {
    /// Record the answer: its status (none for a hang or a reset) and the
    /// fault that shaped it.
    pub(crate) fn answer(&self, status: Option<u16>, fault: Option<String>) {
        // One lock for both: the count and the record agree at every moment.
        self.recorder.with(|state| {
            if let Some(status) = status {
                *state.statuses.entry(status).or_default() += 1;
            }
            if let Some(record) = state.record(self.seq) {
                record.status = status;
                record.fault = fault;
            }
        });
        // No news for the watchers yet: they show a request as it arrives
        // and once it is over (`end`), not its status alone.
    }

    /// Record that the answer is complete now.
    pub(crate) fn end(&mut self) {
        self.ending = true;
        end(&self.recorder, self.seq);
    }

    /// A function that records the end when called: for the body, which
    /// outlives the handler. Dropped uncalled (the client stopped reading),
    /// it records that the request was abandoned.
    pub(crate) fn end_later(&mut self) -> impl FnOnce() + Send + 'static {
        self.ending = true;
        let pending =
            PendingEnd { recorder: Arc::clone(&self.recorder), seq: self.seq, ended: false };
        move || pending.end()
    }
}

fn end(recorder: &Recorder, seq: u64) {
    let now = recorder.started.elapsed();
    recorder.update(seq, |record| record.ended = Some(now));
}

/// The time now goes into `abandoned`: the answer never ended.
fn abandon(recorder: &Recorder, seq: u64) {
    let now = recorder.started.elapsed();
    recorder.update(seq, |record| record.abandoned = Some(now));
}

impl Drop for Ticket {
    fn drop(&mut self) {
        // First the record, then the count: whoever sees the request out of
        // flight finds its record complete.
        if !self.ending {
            abandon(&self.recorder, self.seq);
        }
        self.recorder.with(|state| state.in_flight -= 1);
    }
}

/// The end of an answer whose body is still being sent.
struct PendingEnd {
    recorder: Arc<Recorder>,
    seq: u64,
    /// Whether `end` recorded it, as [`Ticket`]'s `ending` says.
    ended: bool,
}

impl PendingEnd {
    /// The last frame is out.
    fn end(mut self) {
        end(&self.recorder, self.seq);
        self.ended = true;
    }
}

impl Drop for PendingEnd {
    /// Dropped without `end`: the body was dropped halfway.
    fn drop(&mut self) {
        if !self.ended {
            abandon(&self.recorder, self.seq);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrive(recorder: &Arc<Recorder>, path: &str) -> Ticket {
        recorder.arrive(Record::new(1, "GET", path))
    }

    #[test]
    fn tickets_track_the_peak() {
        let recorder = Arc::new(Recorder::default());
        let first = arrive(&recorder, "/a");
        let second = arrive(&recorder, "/b");
        drop(first);
        let third = arrive(&recorder, "/c");
        assert_eq!(recorder.in_flight(), 2);
        drop((second, third));
        assert_eq!(recorder.in_flight(), 0);
        assert_eq!(recorder.stats().max_in_flight, 2);
    }

    #[test]
    fn counts_and_records_add_up() {
        let recorder = Arc::new(Recorder::default());
        assert_eq!(recorder.connection(), 1);
        let mut ticket = arrive(&recorder, "/a");
        ticket.answer(Some(200), None);
        ticket.end();
        let hung = arrive(&recorder, "/b?x");
        hung.answer(None, Some("hang".into()));
        let stats = recorder.stats();
        assert_eq!((stats.connections, stats.requests), (1, 2));
        assert_eq!(stats.paths(), ["/a", "/b?x"]);
        assert_eq!(stats.statuses, BTreeMap::from([(200, 1)]));
        let [done, hang] = &stats.records[..] else { panic!("two records: {stats:?}") };
        assert_eq!((done.seq, done.status, done.fault.as_deref()), (1, Some(200), None));
        assert!(done.ended.is_some_and(|ended| ended >= done.arrived));
        assert_eq!((hang.seq, hang.status, hang.fault.as_deref()), (2, None, Some("hang")));
        assert_eq!(hang.ended, None);
    }

    #[test]
    fn requests_let_go_unanswered_are_abandoned() {
        let recorder = Arc::new(Recorder::default());
        let mut answered = arrive(&recorder, "/whole");
        answered.end();
        let mut streamed = arrive(&recorder, "/streamed");
        let end = streamed.end_later();
        let mut refused = arrive(&recorder, "/refused");
        let refuse = refused.end_later();
        let hung = arrive(&recorder, "/hang");
        drop((answered, streamed, refused, hung));
        end();
        drop(refuse); // the client stopped reading: the body is dropped
        let records = recorder.stats().records;
        let seen: Vec<(bool, bool)> =
            records.iter().map(|r| (r.ended.is_some(), r.abandoned.is_some())).collect();
        assert_eq!(seen, [(true, false), (true, false), (false, true), (false, true)]);
    }

    #[test]
    fn watchers_are_told_and_read_what_they_have_not_sent() {
        let recorder = Arc::new(Recorder::default());
        let mut changes = recorder.changes();
        let mut first = arrive(&recorder, "/a");
        assert!(changes.has_changed().unwrap_or_default(), "an arrival is a change");
        changes.mark_unchanged();
        let _second = arrive(&recorder, "/b");
        first.answer(Some(200), None);
        first.end();
        assert!(changes.has_changed().unwrap_or_default(), "an answer's end is a change");
        let read = recorder.watch_from(2, &[1, 7], 10);
        let seqs: Vec<u64> = read.page.records.iter().map(|record| record.seq).collect();
        assert_eq!((seqs, read.page.next), (vec![2], 3));
        let [again] = &read.again[..] else { panic!("record 1 only: {read:?}") };
        assert_eq!((again.seq, again.status, again.ended.is_some()), (1, Some(200), true));
        assert_eq!(recorder.next_seq(), 3);
        assert_eq!(recorder.watchers(), 1, "the receiver above");
        let count = recorder.changes();
        assert_eq!(recorder.watchers(), 2);
        drop(count);
        assert_eq!(recorder.watchers(), 1);
        recorder.stop_watchers();
        assert!(*changes.borrow_and_update(), "the site stops");
    }

    #[test]
    fn old_records_are_dropped_and_the_numbers_tell() {
        let recorder = Arc::new(Recorder::with_limit(3));
        let mut tickets: Vec<Ticket> = (0..5).map(|_| arrive(&recorder, "/x")).collect();
        let seqs = |page: RecordPage| -> (Vec<u64>, u64) {
            (page.records.iter().map(|record| record.seq).collect(), page.next)
        };
        assert_eq!(seqs(recorder.page(1, 10)), (vec![3, 4, 5], 6));
        assert_eq!(seqs(recorder.page(4, 10)), (vec![4, 5], 6));
        assert_eq!(seqs(recorder.page(3, 1)), (vec![3], 4));
        assert_eq!(seqs(recorder.page(9, 10)), (vec![], 6));
        // The first two records are gone: updating them changes nothing.
        tickets[0].end();
        tickets[4].end();
        let ended: Vec<bool> = recorder.stats().records.iter().map(|r| r.ended.is_some()).collect();
        assert_eq!(ended, [false, false, true]);
        assert_eq!(recorder.stats().requests, 5);
    }
}
