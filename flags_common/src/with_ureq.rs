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
//!   had just closed is tried once more, on a new connection, as curl does
//!   (`transport` marks such connections, with ureq's `unversioned` API).

mod transport;

use std::io::{self, Read};
use std::time::Duration;

use ureq::http::Response;
use ureq::http::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, LOCATION};
use ureq::{Agent, Body};
use url::Url;

use crate::client_settings::{ClientSettings, HttpClient};
use crate::error::{Error, Result};
use crate::http::{self, Answer, Credentials, Failure, MAX_ERROR_BYTES, MAX_FLAG_BYTES, Next};

/// What a connection reads at once, at most: an answer's head must fit.
const INPUT_BUFFER: usize = 8 << 10;

/// One client for the whole run, shared by every thread: flags.py's
/// `httpx` module, with its connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    agent: Agent,
    credentials: Option<Credentials>,
    timeout: Duration,
}

/// ureq speaks HTTP/1.1 only: each thread keeps a connection of its own.
impl HttpClient for Client {
    const SPEAKS_HTTP2: bool = false;
}

impl Client {
    /// A client set up as `settings` say: flags_threadpool's keeps a
    /// connection alive per thread, so that each thread reuses its own.
    pub fn new(settings: &ClientSettings) -> Client {
        let config = Agent::config_builder()
            .timeout_global(Some(settings.timeout))
            .http_status_as_error(false) // `http::next` decides, from the status
            .max_redirects(0) // followed in `get`, where they are checked
            // ureq's pool keeps 10 idle connections in all by default: with
            // 50 threads, 40 would close each connection after one request.
            .max_idle_connections(settings.idle_connections)
            .max_idle_connections_per_host(settings.idle_connections)
            // The buffers each connection fills with zeros and holds, alive
            // or idle. ureq's defaults (128 KiB each way) suit big downloads.
            // An answer's head is some 200 bytes and its body streams through
            // in pieces; a request is some 100 bytes. So 8 KiB in (the head
            // must fit, with room to spare) and 4 KiB out: 676 connections
            // hold 8 MiB instead of 169 MiB.
            .input_buffer_size(INPUT_BUFFER)
            // The limit of an answer's head is that buffer. A lower one breaks
            // interim answers: once ureq 3.5.2 has skipped a `100 Continue`
            // or a `103 Early Hints`, it holds all that the buffer holds
            // against this limit, the 200's head and the body that came with
            // it too. A head that does not fit the buffer is `transport`'s to
            // say.
            .max_response_header_size(INPUT_BUFFER)
            .output_buffer_size(4 << 10)
            .build();
        let agent = transport::agent(config);
        Client { agent, credentials: settings.credentials.clone(), timeout: settings.timeout }
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
            Err(err) if transport::is_stale(&err) => request(true),
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
            ureq::Error::LargeResponseHeader(..) => {
                // The same full buffer, in a chunked body: a chunk's first
                // line (its size, then any extensions) that long.
                let what = if reading_body { "a chunk's size line" } else { "answer's head" };
                return Error::Other(format!("{what} larger than {} KiB", INPUT_BUFFER >> 10));
            }
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
