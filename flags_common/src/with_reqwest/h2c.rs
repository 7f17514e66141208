//! `--http2` on an `http://` site (h2c, by prior knowledge): one connection,
//! driven by hyper's own HTTP/2 client rather than through reqwest.
//!
//! reqwest would drive it too, and does on `https://` sites, where TLS's
//! ALPN picks the protocol and a proxy may stand in the way. But reqwest
//! puts its layers over hyper's client, and each request carries them for
//! as long as it waits for its answer: reqwest's service and pending
//! request, its retry layer, hyper-util's pooled client, a copy of the
//! headers. That is 6.7 KiB a request, 4.4 MiB of the 15.5 MiB that
//! `flags_async --http2 -e -m 1000` took at its peak (BENCHMARKS.md). On
//! h2c those layers have nothing to do: there is one connection to keep,
//! no TLS, and no proxy (a site on this machine is never reached through
//! one, and a proxy would not speak h2c to another).
//!
//! What reqwest's pool did, this file does: it opens the connection at the
//! first request, and another when that one has gone away (a GOAWAY, or
//! closed). Everything else (the turns, sending again what the site did not
//! process, the words for errors) is `Client`'s, the same for both.

use std::error::Error as StdError;
use std::io;
use std::net::SocketAddr;

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper::client::conn::http2::{self, SendRequest};
use hyper_util::rt::{TokioExecutor, TokioIo};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Body, Response};
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use url::{Origin, Url};

use super::{SendError, look_up};

/// The site's one connection, as far as this client knows.
#[derive(Debug)]
pub(super) struct H2c {
    /// The site's scheme, host and port: a redirect elsewhere is not for
    /// this connection, and goes through reqwest.
    site: Origin,
    /// A tokio `Mutex`, held while a connection opens, so that the requests
    /// that come meanwhile wait for it rather than each opening their own.
    current: Mutex<Current>,
}

/// The connection in use.
#[derive(Debug, Default)]
struct Current {
    /// Counts the connections opened, so that a request that failed on one
    /// that went away forgets that one only, never its successor.
    number: u64,
    sender: Option<SendRequest<Empty<Bytes>>>,
}

impl H2c {
    /// The client of `site`, which connects at its first request.
    pub fn new(site: &Url) -> H2c {
        H2c { site: site.origin(), current: Mutex::default() }
    }

    /// Whether `url` is on this client's site.
    pub fn serves(&self, url: &Url) -> bool {
        url.origin() == self.site
    }

    /// GETs `url` on the site's connection, opening one if there is none.
    /// The answer comes as reqwest's `Response`, for `Client` to read.
    pub async fn send(
        &self, url: &Url, authorization: Option<HeaderValue>,
    ) -> Result<Response, SendError> {
        let (number, mut sender) = self.sender(url).await?;
        let mut request = http::Request::get(url.as_str()).body(Empty::new())?;
        if let Some(header) = authorization {
            request.headers_mut().insert(AUTHORIZATION, header);
        }
        match sender.send_request(request).await {
            Ok(answer) => Ok(Response::from(answer.map(Body::wrap))),
            Err(err) => {
                // Closed, or going away: the next request opens another.
                if sender.is_closed() || is_goaway(&err) {
                    self.went_away(number).await;
                }
                Err(err.into())
            }
        }
    }

    /// The connection's handle, and its number; a new connection if there
    /// is none or it has closed.
    async fn sender(&self, url: &Url) -> Result<(u64, SendRequest<Empty<Bytes>>), SendError> {
        let mut current = self.current.lock().await;
        if let Some(sender) = current.sender.as_ref().filter(|sender| !sender.is_closed()) {
            return Ok((current.number, sender.clone()));
        }
        // Boxed: opening a connection takes a large future, and once a run
        // only; in place, every request in flight would carry its room.
        let sender = Box::pin(connect(url)).await?;
        current.number += 1;
        current.sender = Some(sender.clone());
        Ok((current.number, sender))
    }

    /// Forgets connection `number`, if it is still the current one.
    async fn went_away(&self, number: u64) {
        let mut current = self.current.lock().await;
        if current.number == number {
            current.sender = None;
        }
    }
}

/// Opens a TCP connection to `url`'s site, says HTTP/2's preface on it, and
/// leaves the connection's work (reading frames, writing them) to a task of
/// its own on the event loop, as hyper requires.
async fn connect(url: &Url) -> Result<SendRequest<Empty<Bytes>>, SendError> {
    let stream = TcpStream::connect(&*addresses(url).await?).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await?;
    // Its errors reach the requests on it, in their own words.
    tokio::spawn(connection);
    Ok(sender)
}

/// The site's addresses, looked up off the event loop (see `look_up`).
async fn addresses(url: &Url) -> io::Result<Vec<SocketAddr>> {
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']).to_string();
    look_up(host, url.port_or_known_default().unwrap_or(80)).await
}

/// Whether the site said it is going away: no new stream on that
/// connection will be taken.
fn is_goaway(err: &hyper::Error) -> bool {
    let h2 = super::http2::cause::<h2::Error>(err as &(dyn StdError + 'static));
    h2.is_some_and(h2::Error::is_go_away)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_to_another_site_is_not_for_this_connection() {
        let url = |text: &str| Url::parse(text).expect("a URL");
        let h2c = H2c::new(&url("http://127.0.0.1:8001/flags"));
        assert!(h2c.serves(&url("http://127.0.0.1:8001/flags/br/br.gif?redirected")));
        for elsewhere in [
            "http://127.0.0.1:8002/flags/br/br.gif",
            "https://127.0.0.1:8001/",
            "http://localhost:8001/",
        ] {
            assert!(!h2c.serves(&url(elsewhere)), "{elsewhere}");
        }
    }
}
