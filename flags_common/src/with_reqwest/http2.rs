//! `--http2`: how reqwest is told to speak it, which failed requests it
//! sends again, and the words for HTTP/2's own failures.
//!
//! Python's httpx speaks HTTP/1.1 unless told `http2=True`, and so does
//! flags_async unless told `--http2`. Then one connection carries all the
//! requests as streams, and the site, not the client, says how many may be
//! open at once (see `turns`).

use std::error::Error as StdError;

use h2::Reason;
use reqwest::ClientBuilder;
use reqwest::retry;
use url::Url;

/// Sets the protocol: HTTP/1.1 only, as before; or HTTP/2, by prior
/// knowledge on an `http://` site (h2c: no TLS to negotiate it with), and
/// by TLS's ALPN on an `https://` one (reqwest then offers `h2` first).
pub(super) fn protocol(builder: ClientBuilder, http2: bool, site: &Url) -> ClientBuilder {
    match (http2, site.scheme()) {
        (false, _) => builder.http1_only(),
        (true, "http") => builder.http2_prior_knowledge().retry(retry::never()),
        (true, _) => builder.retry(retry::never()),
    }
}

/// Whether the site did not process the request, so that it is safe to send
/// again (RFC 9113 §6.8 and §8.7): a stream above the last one a GOAWAY
/// names, or one refused (REFUSED_STREAM). Not a stream reset otherwise, nor
/// one cut by a connection that died: the site may have acted on those.
///
/// (reqwest can retry these itself, but up to twice and then says nothing;
/// `Client::until_processed` does it here, at the back of the queue.)
pub(super) fn unprocessed(err: &(dyn StdError + 'static)) -> bool {
    if let Some(err) = cause::<h2::Error>(err) {
        let graceful_goaway = err.is_go_away() && err.reason() == Some(Reason::NO_ERROR);
        let refused = err.is_reset() && err.reason() == Some(Reason::REFUSED_STREAM);
        return err.is_remote() && (graceful_goaway || refused);
    }
    // A stream still waiting to open when its connection went away: hyper
    // drops it, and says its dispatch task is gone. hyper's HTTP/2 client
    // drops no other request while the program runs.
    let hyper = cause::<hyper::Error>(err);
    hyper.is_some_and(|err| err.is_canceled() || err.to_string().starts_with(DISPATCH_GONE))
}

/// What hyper says when it drops a request (its `Display`; no method says it).
const DISPATCH_GONE: &str = "dispatch task is gone";

/// The error of type `T` behind an error of reqwest's, if any: reqwest
/// wraps hyper's, which wraps h2's.
pub(super) fn cause<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        cause = err.source();
    }
    None
}

/// The words for a stream the site ended: `the site reset the request:
/// INTERNAL_ERROR`, with HTTP/2's name for the reason, as the site sent it
/// (and `answer cut short: ...` once part of the body had come, as over
/// HTTP/1.1). `None` for errors that are not the site's word (its I/O
/// errors are the same as HTTP/1.1's, and said the same way).
pub(super) fn words(err: &h2::Error, reading_body: bool) -> Option<String> {
    let reason = err.reason()?;
    match (err.is_remote(), err.is_reset(), err.is_go_away()) {
        (true, true, _) if reading_body => {
            Some(format!("answer cut short: the site reset the stream: {reason:?}"))
        }
        (true, true, _) => Some(format!("the site reset the request: {reason:?}")),
        (true, _, true) => Some(format!("the site went away before answering: GOAWAY {reason:?}")),
        _ => None,
    }
}
