//! What the requests of one connection share with the task that serves it.
//!
//! A [`Link`] is made when a connection is accepted. Its requests read its
//! number and its client for their records; on HTTP/2 they also take a
//! stream number from it, in the order hyper accepts the streams. And two
//! of them can end the connection early, by poking the task that serves it:
//! a [`Fault::Reset`](crate::Fault) on HTTP/1.1 (a TCP RST), and the stream
//! that reaches [`Config::goaway_after`](crate::Config) (a GOAWAY).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::sync::Notify;

/// One connection, as its requests see it.
#[derive(Debug)]
pub(crate) struct Link {
    /// The connection's number, from 1 in accept order.
    pub(crate) number: u64,
    /// The client's address.
    pub(crate) peer: SocketAddr,
    /// Whether a request (of either protocol) has come yet.
    heard: AtomicBool,
    /// HTTP/2 streams accepted so far.
    streams: AtomicU64,
    /// After this many streams, say GOAWAY; `None`: never.
    goaway_after: Option<u64>,
    /// Notified to make the connection task close with a TCP RST.
    pub(crate) reset: Notify,
    /// Notified to make the connection task say GOAWAY and close once its
    /// streams are answered.
    pub(crate) goaway: Notify,
}

impl Link {
    pub(crate) fn new(number: u64, peer: SocketAddr, goaway_after: Option<u64>) -> Link {
        let (reset, goaway) = (Notify::new(), Notify::new());
        let (heard, streams) = (AtomicBool::new(false), AtomicU64::new(0));
        Link { number, peer, heard, streams, goaway_after, reset, goaway }
    }

    /// A request came: the connection is not a silent one.
    pub(crate) fn hear(&self) {
        self.heard.store(true, Ordering::Relaxed);
    }

    /// Whether no request has come yet.
    pub(crate) fn is_silent(&self) -> bool {
        !self.heard.load(Ordering::Relaxed)
    }

    /// Count a new HTTP/2 stream; its number on this connection, from 1.
    /// The stream that reaches `goaway_after` asks for the GOAWAY.
    ///
    /// Call it as hyper accepts the stream (in the service function, not in
    /// the future it returns): then the numbers follow the streams' order.
    pub(crate) fn accept_stream(&self) -> u64 {
        let stream = self.streams.fetch_add(1, Ordering::Relaxed) + 1;
        if Some(stream) == self.goaway_after {
            self.goaway.notify_one();
        }
        stream
    }

    /// Whether stream number `stream` came after the GOAWAY's limit, and
    /// so must not be processed.
    pub(crate) fn is_past_goaway(&self, stream: u64) -> bool {
        self.goaway_after.is_some_and(|last| stream > last)
    }
}
