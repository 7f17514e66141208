//! The HTTP client of flags_async: a reqwest `Client`, set up and wrapped so
//! that a hostile server or a flaky network gets the same treatment as with
//! the ureq programs (see `http` for the rules).
//!
//! What this file adds to reqwest:
//! - redirects are followed here, by the same rules as with ureq, and
//!   credentials go to their own site only;
//! - a site on this machine is never reached through `http_proxy`;
//! - a request that failed before any answer came back (the server closed or
//!   reset a kept-alive connection) is sent once more, on a new connection.
//!   hyper retries only requests it had not written yet, and reqwest cannot
//!   tell whether the connection was a reused one, so this retries any such
//!   failure once; never a refused connection, a timeout, or a request that
//!   got an answer.

use std::error::Error as _;
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::Response;
use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, LOCATION};
use reqwest::redirect::Policy;
use url::Url;

use crate::client_settings::ClientSettings;
use crate::error::{Error, Result};
use crate::http::{
    self, Answer, Credentials, Failure, MAX_ERROR_BYTES, MAX_FLAG_BYTES, Next, too_big,
};

/// One client for the whole run, shared by every future: flags_asyncio.py's
/// `httpx.AsyncClient`, with its connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    client: reqwest::Client,
    /// The same, with no pool, so that its every request goes on a new
    /// connection: built at the first retry, as most runs need none.
    fresh: OnceLock<reqwest::Client>,
    loopback: bool,
    credentials: Option<Credentials>,
    timeout: Duration,
}

impl Client {
    /// A client set up as `settings` say.
    pub fn new(settings: &ClientSettings) -> Result<Client> {
        // reqwest and ureq share one crypto library, ring: see Cargo.toml.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let loopback = Url::parse(&settings.site).is_ok_and(|url| http::is_loopback(&url));
        let timeout = settings.timeout;
        Ok(Client {
            client: build(timeout, loopback, settings.idle_connections)?,
            fresh: OnceLock::new(),
            loopback,
            credentials: settings.credentials.clone(),
            timeout,
        })
    }

    /// The pool-less client, built the first time it is needed.
    fn fresh(&self) -> Result<&reqwest::Client> {
        if let Some(fresh) = self.fresh.get() {
            return Ok(fresh);
        }
        let fresh = build(self.timeout, self.loopback, 0)?;
        Ok(self.fresh.get_or_init(|| fresh))
    }

    /// GETs `url`: httpx's `await client.get(url, follow_redirects=True)` with
    /// `raise_for_status()`, by the rules of the `http` module.
    pub async fn get(&self, url: &str) -> Result<Answer> {
        let mut url = Url::parse(url).map_err(|err| Error::Other(format!("{url}: {err}")))?;
        for _ in 0..=http::MAX_REDIRECTS {
            let resp = self.send(&url).await?;
            let header = |name| resp.headers().get(name).and_then(|value| value.to_str().ok());
            let next = http::next(
                &url,
                resp.status().as_u16(),
                header(LOCATION),
                header(CONTENT_ENCODING),
            );
            match next {
                Ok(Next::Read) => return self.read(resp, &url).await,
                Ok(Next::Follow(target)) => url = target,
                Err(err) => return Err(drained(resp, err).await),
            }
            drained(resp, ()).await;
        }
        Err(http::too_many_redirects())
    }

    /// Sends the request, and once more on a new connection if the
    /// connection failed before any answer came back.
    async fn send(&self, url: &Url) -> Result<Response> {
        let request = |client: &reqwest::Client| {
            let request = client.get(url.as_str());
            match self.credentials.as_ref().and_then(|c| c.header_for(url)) {
                Some(header) => request.header(AUTHORIZATION, header),
                None => request,
            }
        };
        let resp = match request(&self.client).send().await {
            // The connection broke before any answer: the server cannot have
            // acted on the request, so it is safe to send again.
            Err(err)
                if matches!(self.failure(&err, false), Some(Failure::Closed | Failure::Reset)) =>
            {
                request(self.fresh()?).send().await
            }
            resp => resp,
        };
        resp.map_err(|err| self.error(err, url, false))
    }

    /// Reads a 200's body, up to [`MAX_FLAG_BYTES`]. reqwest has no limit of
    /// its own, so the body is read chunk by chunk and checked as it grows.
    async fn read(&self, mut resp: Response, url: &Url) -> Result<Answer> {
        let content_type = resp.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
        let content_type = content_type.map(str::to_string);
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|err| self.error(err, url, true))? {
            if body.len() + chunk.len() > MAX_FLAG_BYTES {
                return Err(too_big());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { content_type, body })
    }

    /// How a request failed, if it was on the network.
    fn failure(&self, err: &reqwest::Error, reading_body: bool) -> Option<Failure> {
        if err.is_timeout() {
            return Some(Failure::TimedOut);
        }
        let mut source = err.source();
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
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

    /// reqwest's errors, in the words of [`Failure`].
    fn error(&self, err: reqwest::Error, url: &Url, reading_body: bool) -> Error {
        match self.failure(&err, reading_body) {
            Some(failure) => failure.error(url, self.timeout),
            // The URL is in the report already; keep the reason short.
            None => Error::other(&err.without_url()),
        }
    }
}

/// A reqwest client for the run: at most `idle_per_host` idle connections
/// kept, never a proxy for a site on this machine.
fn build(timeout: Duration, loopback: bool, idle_per_host: usize) -> Result<reqwest::Client> {
    // No buffer sizes to set here, unlike ureq's: hyper, inside reqwest,
    // gives each connection a 9 KiB request channel and 8 KiB buffers to
    // write and to read, and reqwest offers no setting for them. That is
    // most of flags_async's memory at -m 1000 (BENCHMARKS.md measures it).
    let builder = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(Policy::none()) // followed in `get`
        .pool_max_idle_per_host(idle_per_host);
    let builder = if loopback { builder.no_proxy() } else { builder };
    builder.build().map_err(|err| Error::other(&err))
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
