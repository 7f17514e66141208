//! What an HTTP client is told, whichever client it is.

use std::time::Duration;

use crate::http::Credentials;

/// Everything `with_ureq::Client::new` and `with_reqwest::Client::new` take:
/// plain data, which [`Plan`](crate::Plan) hands over as `plan.client`.
/// flags_compare's `costs` fills one in too, so it weighs the very clients
/// that the programs use, set up the same way.
#[derive(Clone, Debug)]
pub struct ClientSettings {
    /// The site's base URL, e.g. `http://127.0.0.1:41234/flags`: a site on
    /// this machine is never reached through `http_proxy`.
    pub site: String,
    /// How long one request may take, first byte to last (`--timeout`).
    pub timeout: Duration,
    /// How many idle connections the client's pool keeps: one per request
    /// in flight, so that each thread (or future) reuses its own.
    pub idle_connections: usize,
    /// The user and password of a `-s http://user:password@host/...` URL,
    /// sent to that site only; the site's URL has them no more.
    pub credentials: Option<Credentials>,
    /// `--http2`: all the requests as streams of one HTTP/2 connection,
    /// instead of a connection each (flags_async only: see `cli`).
    pub http2: bool,
}

/// What [`main`](crate::main) must know of a program's HTTP client before
/// the run: the program names it, `flags_common::main::<Client>(...)`, and
/// the command line refuses what the client cannot do.
pub trait HttpClient {
    /// Whether it speaks HTTP/2 (`--http2`): reqwest's does; ureq speaks
    /// HTTP/1.1 only.
    const SPEAKS_HTTP2: bool;
}
