//! HTTP/2's queue: when a request's stream is surely open, so that its
//! timeout can start then, not while it waits its turn.
//!
//! Over HTTP/1.1 a request in flight has a connection of its own, and its
//! clock can start at once. Over HTTP/2 the site says how many streams may
//! be open at once (SETTINGS_MAX_CONCURRENT_STREAMS); the others wait, in
//! hyper's queue and then h2's, first come first served. reqwest's timeout
//! counts that wait too, so with `-m 1000` and a site that allows 100 streams
//! the late requests would time out without ever having been sent.
//!
//! reqwest shows neither the site's limit nor when a stream opens. But the
//! queue is first come first served, which gives two facts:
//! - the oldest request still waiting for an answer surely has a stream;
//! - an answer that comes while `n` older requests still wait for theirs
//!   shows that at least `n + 1` streams were open at once.
//!
//! So the turns learn the site's limit from the answers, and a request's
//! stream is surely open once fewer requests than that limit are older than
//! it and unanswered. The estimate never exceeds the real limit, so no
//! request's clock starts while it waits; at worst a stream that hangs is
//! timed a little late.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::watch;

/// The requests of one client waiting for an answer, in the order they
/// were sent, and how many streams the site has been seen to allow.
#[derive(Debug)]
pub(super) struct Turns {
    queue: Mutex<Queue>,
    /// What the requests wait on: see [`News`].
    news: watch::Sender<News>,
}

/// The queue's news, for the requests that wait on them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct News {
    /// The newest ticket whose stream is surely open.
    open_up_to: u64,
    /// How many answers came so far: while it grows, the site is working.
    answers: u64,
    /// How many requests wait for an answer.
    waiting: usize,
}

#[derive(Debug, Default)]
struct Queue {
    next_ticket: u64,
    waiting: BTreeSet<u64>,
    /// The most streams seen open at once: a lower bound of the site's limit.
    seen_open: usize,
    answers: u64,
}

impl Queue {
    /// The newest ticket among the first `seen_open` waiting: each of those
    /// has a stream. Every ticket has one when fewer are waiting.
    fn open_up_to(&self) -> u64 {
        let nth = self.seen_open.max(1) - 1;
        self.waiting.iter().nth(nth).copied().unwrap_or(u64::MAX)
    }

    fn news(&self) -> News {
        News { open_up_to: self.open_up_to(), answers: self.answers, waiting: self.waiting.len() }
    }
}

/// One request's place in the queue, from its sending to its answer (or to
/// its end, if it never got one: dropping the turn leaves the queue).
#[derive(Debug)]
pub(super) struct Turn {
    turns: Arc<Turns>,
    ticket: u64,
}

impl Turns {
    pub(super) fn new() -> Arc<Turns> {
        let queue = Queue::default();
        let (news, _) = watch::channel(queue.news());
        Arc::new(Turns { queue: Mutex::new(queue), news })
    }

    /// A turn for a request about to be sent: the last in the queue.
    pub(super) fn take(self: &Arc<Turns>) -> Turn {
        let ticket = self.update(|queue| {
            let ticket = queue.next_ticket;
            queue.next_ticket += 1;
            queue.waiting.insert(ticket);
            ticket
        });
        Turn { turns: Arc::clone(self), ticket }
    }

    /// Whether the site answered anything since it had given `answers`,
    /// waiting for its next answer if need be; `false` once nobody waits
    /// for one, as then none will come. A request the site did not process
    /// is sent again once in any case, and more times only if this says so:
    /// a site that refuses everything is not asked forever.
    pub(super) async fn answered_since(&self, answers: u64) -> bool {
        let mut news = self.news.subscribe();
        let news = news.wait_for(|news| news.answers > answers || news.waiting == 0).await;
        news.is_ok_and(|news| news.answers > answers)
    }

    /// Changes the queue, and tells the waiting requests if more streams
    /// are surely open now.
    fn update<T>(&self, change: impl FnOnce(&mut Queue) -> T) -> T {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let result = change(&mut queue);
        let news = queue.news();
        self.news.send_if_modified(|old| std::mem::replace(old, news) != news);
        result
    }
}

impl Turn {
    /// How many answers came so far, to this client.
    pub(super) fn answers(&self) -> u64 {
        self.turns.news.borrow().answers
    }

    /// Waits until this request's stream is surely open.
    pub(super) async fn opened(&self) {
        let mut news = self.turns.news.subscribe();
        // The sender lives as long as `self.turns`: this cannot fail.
        let _ = news.wait_for(|news| self.ticket <= news.open_up_to).await;
    }

    /// The answer's head came: the request leaves the queue, and the site
    /// had at least as many streams open as there were older requests
    /// waiting, plus this one.
    pub(super) fn answered(&self) {
        self.turns.update(|queue| {
            let older = queue.waiting.range(..self.ticket).count();
            if queue.waiting.remove(&self.ticket) {
                queue.seen_open = queue.seen_open.max(older + 1);
                queue.answers += 1;
            }
        });
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.turns.update(|queue| queue.waiting.remove(&self.ticket));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_up_to(turns: &Turns) -> u64 {
        turns.news.borrow().open_up_to
    }

    #[test]
    fn only_the_oldest_is_surely_open_until_answers_say_more() {
        let turns = Turns::new();
        let queue: Vec<Turn> = (0..5).map(|_| turns.take()).collect();
        assert_eq!(open_up_to(&turns), 0, "nothing known yet: the oldest only");
        queue[3].answered(); // while 0, 1 and 2 wait: 4 streams were open
        assert_eq!(open_up_to(&turns), 4, "0, 1, 2 and 4 surely have a stream");
        drop(queue);
        assert_eq!(open_up_to(&turns), u64::MAX, "nobody waits");
    }

    #[test]
    fn a_request_that_ends_unanswered_leaves_the_queue() {
        let turns = Turns::new();
        let first = turns.take();
        let second = turns.take();
        assert_eq!(open_up_to(&turns), 0);
        drop(first); // timed out, say: its stream is free
        assert_eq!(open_up_to(&turns), 1);
        second.answered();
        assert_eq!(open_up_to(&turns), u64::MAX);
    }
}
