//! The part of flags_seq's and flags_threadpool's client that works inside
//! ureq, through its `unversioned` transport API (which may change in any
//! release: that is why Cargo.toml pins ureq, and why this file is apart, so
//! that an upgrade touches this file only):
//!
//! - a connection that remembers whether it was reused, so that a request
//!   which met a connection the server had closed while it sat idle can be
//!   told apart, and sent again ([`is_stale`]);
//! - a connection that says so when an answer's head, or a chunk's size
//!   line, fills its input buffer (ureq would read into no room, and take
//!   that for the server closing the connection);
//! - a resolver that needs no lookup for an IP address.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};

use ureq::Agent;
use ureq::config::Config;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
};

/// An agent with `config`, whose connections are marked and whose IP
/// addresses need no lookup.
pub(super) fn agent(config: Config) -> Agent {
    let connector = DefaultConnector::new().chain(MarkConnections);
    Agent::with_parts(config, connector, IpLiterals)
}

/// Whether a request failed because its kept-alive connection had been
/// closed by the server: see [`Marked`].
pub(super) fn is_stale(err: &ureq::Error) -> bool {
    matches!(err, ureq::Error::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<Stale>()))
}

/// The mark of a stale connection, inside the `io::Error` that reports it.
#[derive(Debug)]
struct Stale;

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the kept-alive connection was closed before the answer")
    }
}

impl std::error::Error for Stale {}

/// A connector at the end of ureq's chain (TCP, then TLS), which wraps each
/// new connection in a [`Marked`]. ureq calls connectors only for new
/// connections; a pooled one keeps its wrapper.
#[derive(Debug)]
struct MarkConnections;

impl Connector<Box<dyn Transport>> for MarkConnections {
    type Out = Marked;

    fn connect(
        &self, _details: &ConnectionDetails, chained: Option<Box<dyn Transport>>,
    ) -> Result<Option<Marked>, ureq::Error> {
        Ok(chained.map(|inner| Marked { inner, answered: false, reused: false, got_bytes: false }))
    }
}

/// A connection that remembers whether it served an answer before the
/// request under way, and whether any byte of this request's answer came.
/// When a request on a reused connection meets the end of the connection (or
/// a reset) before any byte, the server closed it while it sat idle: the
/// request never reached it, and it is safe to send again.
#[derive(Debug)]
struct Marked {
    inner: Box<dyn Transport>,
    /// Some answer ever came on this connection.
    answered: bool,
    /// The request under way was sent after an answer: a reused connection.
    reused: bool,
    /// Some byte of the answer to the request under way came.
    got_bytes: bool,
}

impl Transport for Marked {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        // The first write after an answer's bytes starts a new request.
        if self.got_bytes || !self.answered {
            (self.reused, self.got_bytes) = (self.answered, false);
        }
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        // ureq consumes what it has parsed before it asks for more: a full
        // buffer is a head, or a chunk's line, it could not parse in all
        // that room.
        if self.inner.buffers().input_append_buf().is_empty() {
            let unparsed = self.inner.buffers().input().len();
            return Err(ureq::Error::LargeResponseHeader(unparsed, unparsed));
        }
        let stale = |kind| Err(ureq::Error::Io(io::Error::new(kind, Stale)));
        match self.inner.await_input(timeout) {
            Ok(true) => {
                (self.answered, self.got_bytes) = (true, true);
                Ok(true)
            }
            Ok(false) if self.reused && !self.got_bytes => stale(io::ErrorKind::UnexpectedEof),
            Err(ureq::Error::Io(err)) if self.reused && !self.got_bytes && is_reset(&err) => {
                stale(err.kind())
            }
            other => other,
        }
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

fn is_reset(err: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(err.kind(), ConnectionReset | ConnectionAborted | BrokenPipe)
}

/// ureq's resolver, except that an IP address needs no lookup. (ureq looks
/// up even `127.0.0.1`, on a thread of its own whenever a timeout is set: a
/// thread per request, which would blur what the thread pool costs.)
#[derive(Debug, Default)]
struct IpLiterals;

impl Resolver for IpLiterals {
    fn resolve(
        &self, uri: &ureq::http::Uri, config: &Config, timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let default_port = if uri.scheme_str() == Some("https") { 443 } else { 80 };
        let port = uri.port_u16().unwrap_or(default_port);
        match host.parse::<IpAddr>() {
            Ok(ip) => {
                let mut addrs = self.empty();
                addrs.push(SocketAddr::new(ip, port));
                Ok(addrs)
            }
            Err(_) => DefaultResolver::default().resolve(uri, config, timeout),
        }
    }
}
