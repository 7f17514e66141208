//! The HTTP client of flags_async: a reqwest `Client`, set up and wrapped so
//! that a hostile server or a flaky network gets the same treatment as with
//! the ureq programs (see `http` for the rules).
//!
//! What this file adds to reqwest:
//! - redirects are followed here, by the same rules as with ureq, and
//!   credentials go to their own site only;
//! - a site on this machine is never reached through `http_proxy`;
//! - names are looked up on `to_thread`'s helper, not on tokio's pool of
//!   threads, which panics when the system refuses it one;
//! - over HTTP/1.1, a request that failed before any answer came back (the
//!   server closed or reset a kept-alive connection) is sent once more, on a
//!   new connection. hyper retries only requests it had not written yet, and
//!   reqwest cannot tell whether the connection was a reused one, so this
//!   retries any such failure once; never a refused connection, a timeout,
//!   or a request that got an answer;
//! - over HTTP/2 (`--http2`, see `http2`), only what the site said it did
//!   not process is sent again, and a request's timeout starts when its
//!   stream is surely open, not while it waits its turn (see `turns`);
//! - HTTP/2 on an `http://` site (h2c) goes through hyper's own client, one
//!   connection and no pool, without the layers that reqwest puts over it
//!   for TLS, proxies and pools: they cost 6.7 KiB a request in flight (see
//!   `h2c`). On `https://` sites reqwest keeps the job.

mod h2c;
mod http2;
mod turns;

use std::error::Error as StdError;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use reqwest::Response;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, LOCATION};
use reqwest::redirect::Policy;
use url::Url;

use self::h2c::H2c;
use self::turns::{Turn, Turns};
use crate::client_settings::{ClientSettings, HttpClient};
use crate::error::{Error, Result};
use crate::http::{self, Answer, Failure, MAX_ERROR_BYTES, MAX_FLAG_BYTES, Next, too_big};
use crate::to_thread::to_thread;

/// The most room made for a body before it comes (see `read`).
const ROOM_MADE_AHEAD: u64 = 64 * 1024;

/// One client for the whole run, shared by every future: flags_asyncio.py's
/// `httpx.AsyncClient`, with its connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    client: reqwest::Client,
    /// The same, with no pool, so that its every request goes on a new
    /// connection: built at the first retry, as most runs need none.
    fresh: OnceLock<reqwest::Client>,
    settings: ClientSettings,
    site: Url,
    /// Over HTTP/2, the requests waiting for their answers, in order.
    turns: Option<Arc<Turns>>,
    /// Over HTTP/2 on an `http://` site, hyper's client in reqwest's stead.
    h2c: Option<Arc<H2c>>,
}

/// reqwest speaks HTTP/2 too: `--http2`, see `http2`.
impl HttpClient for Client {
    const SPEAKS_HTTP2: bool = true;
}

impl Client {
    /// A client set up as `settings` say.
    pub fn new(settings: &ClientSettings) -> Result<Client> {
        // reqwest and ureq share one crypto library, ring: see Cargo.toml.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let site = Url::parse(&settings.site).map_err(|err| Error::Other(format!("{err}")))?;
        let h2c = (settings.http2 && site.scheme() == "http").then(|| Arc::new(H2c::new(&site)));
        Ok(Client {
            client: build(settings, &site, settings.idle_connections)?,
            fresh: OnceLock::new(),
            settings: settings.clone(),
            site,
            turns: settings.http2.then(Turns::new),
            h2c,
        })
    }

    /// The pool-less client, built the first time it is needed.
    fn fresh(&self) -> Result<&reqwest::Client> {
        if let Some(fresh) = self.fresh.get() {
            return Ok(fresh);
        }
        let fresh = build(&self.settings, &self.site, 0)?;
        Ok(self.fresh.get_or_init(|| fresh))
    }

    /// GETs `url`: httpx's `await client.get(url, follow_redirects=True)` with
    /// `raise_for_status()`, by the rules of the `http` module.
    pub async fn get(&self, url: &str) -> Result<Answer> {
        let mut url = Url::parse(url).map_err(|err| Error::Other(format!("{url}: {err}")))?;
        for _ in 0..=http::MAX_REDIRECTS {
            match self.until_processed(&url).await? {
                Exchange::Answer(answer) => return Ok(answer),
                Exchange::Follow(target) => url = target,
                Exchange::NotProcessed(err) => return Err(err),
            }
        }
        Err(http::too_many_redirects())
    }

    /// One request and its answer, within the timeout. reqwest times them
    /// over HTTP/1.1. Over HTTP/2 the clock starts once the request's stream
    /// is surely open (see `turns`), so that waiting a turn is not a timeout;
    /// and a request that the site did not process goes to the back of the
    /// queue: once in any case, and again as long as the site answers others
    /// in the meantime (a site that goes away after every 50 streams needs
    /// 14 connections for 676).
    async fn until_processed(&self, url: &Url) -> Result<Exchange> {
        let Some(turns) = &self.turns else { return self.exchange(url, None).await };
        let mut sent_again = false;
        loop {
            let turn = turns.take();
            let answers = turn.answers();
            let exchange = self.timed(url, &turn).await?;
            drop(turn); // out of the queue while it waits to be sent again
            match exchange {
                // The first time needs no answer since: at `-m 1` nobody
                // else waits for one, and the site's GOAWAY was news enough.
                Exchange::NotProcessed(err)
                    if sent_again && !turns.answered_since(answers).await =>
                {
                    return Err(err);
                }
                Exchange::NotProcessed(_) => sent_again = true,
                exchange => return Ok(exchange),
            }
        }
    }

    /// One HTTP/2 exchange, timed from when its stream is surely open. A
    /// wait for that turn during which the site answered nobody for a whole
    /// timeout is a timeout too: that site is stuck, not busy (and with no
    /// answer to learn from, the turns would time its streams one by one).
    async fn timed(&self, url: &Url, turn: &Turn) -> Result<Exchange> {
        let timeout = self.settings.timeout;
        let late = || Err(Failure::TimedOut.error(url, timeout));
        let exchange = self.exchange(url, Some(turn));
        tokio::pin!(exchange);
        loop {
            let answers = turn.answers();
            tokio::select! {
                done = &mut exchange => return done,
                () = turn.opened() => break,
                () = tokio::time::sleep(timeout) => if turn.answers() == answers { return late() },
            }
        }
        tokio::time::timeout(timeout, exchange).await.unwrap_or_else(|_| late())
    }

    /// One request: the flag read, or where a redirect leads. The turn, if
    /// any, hears of the answer's head.
    async fn exchange(&self, url: &Url, turn: Option<&Turn>) -> Result<Exchange> {
        let resp = match self.send(url).await {
            Ok(resp) => resp,
            Err(err) if turn.is_some() && http2::unprocessed(&*err) => {
                return Ok(Exchange::NotProcessed(self.error(err, url, false)));
            }
            Err(err) => return Err(self.error(err, url, false)),
        };
        turn.map(Turn::answered);
        self.body(resp, url).await
    }

    /// What the answer's head says to do with its body: read it (a 200), or
    /// drain it (a redirect, an error status). A plain `fn` that boxes that
    /// work: its future (a `Response` and more) then takes room on the heap
    /// only while a body comes, not in every request waiting for its answer,
    /// which is most of the time when 676 are in flight at once.
    fn body<'a>(&'a self, resp: Response, url: &'a Url) -> Pin<Box<Reading<'a>>> {
        let header = |name| resp.headers().get(name).and_then(|value| value.to_str().ok());
        let next =
            http::next(url, resp.status().as_u16(), header(LOCATION), header(CONTENT_ENCODING));
        match next {
            Ok(Next::Read) => {
                Box::pin(async move { self.read(resp, url).await.map(Exchange::Answer) })
            }
            Ok(Next::Follow(target)) => {
                Box::pin(async { Ok(drained(resp, Exchange::Follow(target)).await) })
            }
            Err(err) => Box::pin(async { Err(drained(resp, err).await) }),
        }
    }

    /// Sends the request (on an h2c site, with hyper's client: see `h2c`),
    /// and over HTTP/1.1 once more on a new connection if the connection
    /// failed before any answer came back.
    async fn send(&self, url: &Url) -> Result<Response, SendError> {
        let authorization = self.settings.credentials.as_ref().and_then(|c| c.header_for(url));
        if let Some(h2c) = self.h2c.as_ref().filter(|h2c| h2c.serves(url)) {
            let authorization = authorization.and_then(|header| header.parse().ok());
            return h2c.send(url, authorization).await;
        }
        let request = |client: &reqwest::Client| {
            let request = client.get(url.as_str());
            match authorization {
                Some(header) => request.header(AUTHORIZATION, header),
                None => request,
            }
        };
        // Out of the `match` before the second await: a `match` keeps its
        // scrutinee, here a whole `Response`'s room, in the future until
        // its end.
        let err = match request(&self.client).send().await {
            Err(err) if self.broke_before_answering(&err) => err,
            resp => return resp.map_err(SendError::from),
        };
        match self.fresh() {
            Ok(fresh) => request(fresh).send().await.map_err(SendError::from),
            Err(_) => Err(err.into()),
        }
    }

    /// The connection broke before any answer: over HTTP/1.1 the server
    /// cannot have acted on the request, so it is safe to send again. (Over
    /// HTTP/2 other streams shared that connection, and the site may have
    /// acted on this one: see `http2`.)
    fn broke_before_answering(&self, err: &(dyn StdError + 'static)) -> bool {
        let failure = self.failure(err, false);
        self.turns.is_none() && matches!(failure, Some(Failure::Closed | Failure::Reset))
    }

    /// Reads a 200's body, up to [`MAX_FLAG_BYTES`]. reqwest has no limit of
    /// its own, so the body is read chunk by chunk and checked as it grows.
    async fn read(&self, mut resp: Response, url: &Url) -> Result<Answer> {
        let content_type = resp.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
        let content_type = content_type.map(str::to_string);
        // Room for the size the site announces, made once: grown chunk by
        // chunk, a 36 KB flag that comes in 16 KiB HTTP/2 frames would hold
        // 64 KiB while it waits to be saved. Up to 64 KiB only (the largest
        // flag is 36 KB), so that a site announcing 4 MiB for each of 1000
        // requests makes no room it does not send.
        let announced = resp.content_length().unwrap_or(0).min(ROOM_MADE_AHEAD);
        let mut body = Vec::with_capacity(announced as usize);
        while let Some(chunk) =
            resp.chunk().await.map_err(|err| self.error(err.into(), url, true))?
        {
            if body.len() + chunk.len() > MAX_FLAG_BYTES {
                return Err(too_big());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { content_type, body })
    }

    /// How a request failed, if it was on the network.
    fn failure(&self, err: &(dyn StdError + 'static), reading_body: bool) -> Option<Failure> {
        if err.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_timeout) {
            return Some(Failure::TimedOut);
        }
        let mut source = Some(err);
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                return Failure::of_io(io, reading_body);
            }
            // h2 hides its I/O errors from `source`.
            let h2_io = cause.downcast_ref::<h2::Error>().and_then(h2::Error::get_io);
            if let Some(io) = h2_io {
                return Failure::of_io(io, reading_body);
            }
            let hyper = cause.downcast_ref::<hyper::Error>();
            if hyper.is_some_and(hyper::Error::is_incomplete_message) {
                return Some(if reading_body { Failure::CutShort } else { Failure::Closed });
            }
            source = cause.source();
        }
        None
    }

    /// reqwest's errors, and hyper's on h2c, in the words of [`Failure`].
    fn error(&self, err: SendError, url: &Url, reading_body: bool) -> Error {
        if let Some(words) =
            http2::cause::<h2::Error>(&*err).and_then(|err| http2::words(err, reading_body))
        {
            return Error::Other(words);
        }
        if let Some(failure) = self.failure(&*err, reading_body) {
            return failure.error(url, self.settings.timeout);
        }
        match err.downcast::<reqwest::Error>() {
            // The URL is in the report already; keep the reason short.
            Ok(err) => Error::other(&err.without_url()),
            Err(err) => Error::other(&*err),
        }
    }
}

/// A request's failure: reqwest's error, or on h2c hyper's or the
/// system's (see `h2c`), told apart by their causes.
type SendError = Box<dyn StdError + Send + Sync>;

/// The boxed reading of a body: see `Client::body`.
type Reading<'a> = dyn Future<Output = Result<Exchange>> + Send + 'a;

/// How one request went, short of an error.
enum Exchange {
    /// A whole 200, read.
    Answer(Answer),
    /// A redirect: ask there.
    Follow(Url),
    /// HTTP/2: the site did not process the request (RFC 9113 §8.7), which
    /// may be sent again; the error says why, if it is not.
    NotProcessed(Error),
}

/// A reqwest client for the run: at most `idle_per_host` idle connections
/// kept, never a proxy for a site on this machine.
fn build(settings: &ClientSettings, site: &Url, idle_per_host: usize) -> Result<reqwest::Client> {
    // No buffer sizes to set here, unlike ureq's: hyper, inside reqwest,
    // gives each connection a 9 KiB request channel and 8 KiB buffers to
    // write and to read, and reqwest offers no setting for them. That is
    // most of flags_async's memory at -m 1000 over HTTP/1.1 (BENCHMARKS.md
    // measures it); over HTTP/2 there is one connection.
    let builder = reqwest::Client::builder()
        .redirect(Policy::none()) // followed in `get`
        .pool_max_idle_per_host(idle_per_host)
        .dns_resolver(Arc::new(LookupOffLoop));
    // Over HTTP/2 the timeout is `Client::timed`'s.
    let builder = if settings.http2 { builder } else { builder.timeout(settings.timeout) };
    let builder = http2::protocol(builder, settings.http2, site);
    let builder = if http::is_loopback(site) { builder.no_proxy() } else { builder };
    builder.build().map_err(|err| Error::other(&err))
}

/// reqwest's name lookups, on `look_up`.
struct LookupOffLoop;

impl Resolve for LookupOffLoop {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move { Ok(Box::new(look_up(host, 0).await?.into_iter()) as Addrs) })
    }
}

/// `host`'s addresses, with `port`: a lookup (`getaddrinfo`, which blocks)
/// on `to_thread`'s helper, not on tokio's pool of threads, which panics
/// when the system refuses it one. For reqwest's lookups and for `h2c`'s.
async fn look_up(host: String, port: u16) -> io::Result<Vec<SocketAddr>> {
    let lookup = to_thread(move || (host, port).to_socket_addrs().map(Iterator::collect));
    lookup.await.map_err(io::Error::other)?
}

/// Reads what is left of an answer that will not be used, up to
/// [`MAX_ERROR_BYTES`], so that its connection can serve the next request;
/// a bigger body is dropped, and its connection with it. Passes `value` on.
async fn drained<T>(mut resp: Response, value: T) -> T {
    let mut read = 0;
    while let Ok(Some(chunk)) = resp.chunk().await {
        read += chunk.len();
        if read > MAX_ERROR_BYTES {
            break;
        }
    }
    value
}
