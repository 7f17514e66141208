//! The HTTP client of flags_seq and flags_threadpool: a ureq `Agent`, set up
//! and wrapped so that a hostile server or a flaky network gets the same
//! treatment as with flags_async's reqwest (see `http` for the rules).
//!
//! What ureq leaves to its user, and this file does:
//! - redirects are followed here, so that one to `file:///etc/hostname` is
//!   refused (ureq would ask the same server for `/flags/br/file:///...`);
//! - `user:pa%3Ass@` in the URL is sent decoded, `pa:ss` (ureq sends it as is);
//! - a site on this machine is never reached through `http_proxy`;
//! - a request that went out on a kept-alive connection which the server
//!   had just closed is tried once more, on a new connection, as curl does.

use std::fmt;
use std::io::{self, Read};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ureq::http::Response;
use ureq::http::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, LOCATION};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
};
use ureq::{Agent, Body};
use url::Url;

use crate::error::{Error, Result};
use crate::http::{self, Answer, Credentials, Failure, MAX_ERROR_BYTES, MAX_FLAG_BYTES, Next};
use crate::plan::Plan;

/// One client for the whole run, shared by every thread: flags.py's
/// `httpx` module, with its connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    agent: Agent,
    credentials: Option<Credentials>,
    timeout: Duration,
}

impl Client {
    /// A client for `plan`'s site, keeping a connection alive per request
    /// in flight, so that each thread reuses its own.
    pub fn new(plan: &Plan) -> Client {
        let config = Agent::config_builder()
            .timeout_global(Some(plan.timeout))
            .http_status_as_error(false) // `http::next` decides, from the status
            .max_redirects(0) // followed in `get`, where they are checked
            // ureq's pool keeps 10 idle connections in all by default: with
            // 50 threads, 40 would close each connection after one request.
            .max_idle_connections(plan.concur_req)
            .max_idle_connections_per_host(plan.concur_req)
            // The buffers each connection fills with zeros and holds, alive
            // or idle. ureq's defaults (128 KiB each way) suit big downloads.
            // An answer's head is some 200 bytes and its body streams through
            // in pieces; a request is some 100 bytes. So 8 KiB in (the head
            // must fit, with room to spare) and 4 KiB out: 676 connections
            // hold 8 MiB instead of 169 MiB.
            .input_buffer_size(8 << 10)
            .max_response_header_size(6 << 10)
            .output_buffer_size(4 << 10)
            .build();
        let connector = DefaultConnector::new().chain(MarkConnections);
        let agent = Agent::with_parts(config, connector, IpLiterals);
        Client { agent, credentials: plan.credentials.clone(), timeout: plan.timeout }
    }

    /// GETs `url`: httpx's `client.get(url, follow_redirects=True)` with
    /// `raise_for_status()`, by the rules of the `http` module.
    pub fn get(&self, url: &str) -> Result<Answer> {
        let mut url = Url::parse(url).map_err(|err| Error::Other(format!("{url}: {err}")))?;
        for _ in 0..=http::MAX_REDIRECTS {
            let resp = self.send(&url)?;
            let header = |name| resp.headers().get(name).and_then(|value| value.to_str().ok());
            let next = http::next(
                &url,
                resp.status().as_u16(),
                header(LOCATION),
                header(CONTENT_ENCODING),
            );
            match next {
                Ok(Next::Read) => return self.read(resp, &url),
                Ok(Next::Follow(target)) => url = target,
                Err(err) => return Err(drained(resp, err)),
            }
            drained(resp, ());
        }
        Err(http::too_many_redirects())
    }

    /// Sends the request, and once more on a new connection if a kept-alive
    /// one turned out to be closed before any byte of an answer came back.
    fn send(&self, url: &Url) -> Result<Response<Body>> {
        let request = |fresh: bool| {
            let mut config = self.agent.get(url.as_str()).config();
            if http::is_loopback(url) {
                config = config.proxy(None);
            }
            if fresh {
                config = config.max_idle_age(Duration::ZERO); // no pooled connection will do
            }
            let mut request = config.build();
            if let Some(header) = self.credentials.as_ref().and_then(|c| c.header_for(url)) {
                request = request.header(AUTHORIZATION, header);
            }
            request.call()
        };
        let resp = match request(false) {
            Err(err) if is_stale(&err) => request(true),
            resp => resp,
        };
        resp.map_err(|err| self.error(&err, url, false))
    }

    /// Reads a 200's body, up to [`MAX_FLAG_BYTES`].
    fn read(&self, mut resp: Response<Body>, url: &Url) -> Result<Answer> {
        let content_type = resp.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
        let content_type = content_type.map(str::to_string);
        let body = resp.body_mut().with_config().limit(MAX_FLAG_BYTES as u64).read_to_vec();
        let body = body.map_err(|err| self.error(&err, url, true))?;
        Ok(Answer { content_type, body })
    }

    /// ureq's errors, in the words of [`Failure`].
    fn error(&self, err: &ureq::Error, url: &Url, reading_body: bool) -> Error {
        let failure = match err {
            ureq::Error::Timeout(_) => Some(Failure::TimedOut),
            ureq::Error::Io(io) => Failure::of_io(io, reading_body),
            ureq::Error::BodyExceedsLimit(_) => return http::too_big(),
            _ => None,
        };
        failure.map_or_else(|| Error::other(err), |failure| failure.error(url, self.timeout))
    }
}

/// Reads what is left of an answer that will not be used, up to
/// [`MAX_ERROR_BYTES`], so that its connection can serve the next request;
/// a bigger body is dropped, and its connection with it. Passes `value` on.
fn drained<T>(mut resp: Response<Body>, value: T) -> T {
    let mut rest = resp.body_mut().as_reader().take(MAX_ERROR_BYTES as u64 + 1);
    let _ = io::copy(&mut rest, &mut io::sink()); // best effort: the answer is not used
    value
}

/// Whether a request failed because its kept-alive connection had been
/// closed by the server: see [`Marked`].
fn is_stale(err: &ureq::Error) -> bool {
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
        &self, uri: &ureq::http::Uri, config: &ureq::config::Config, timeout: NextTimeout,
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
