//! Answering one request: route it, delay it, maybe break it.
//!
//! The steps follow the order the tests (and a reader) can rely on:
//! record the request, sleep the random delay, apply the flag's fault if it
//! has one, else roll the dice for a 418, else serve the file.

use std::convert::Infallible;
use std::sync::Arc;

use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION};
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::Notify;

use crate::body::Pieces;
use crate::config::{Config, Fault};
use crate::countries::position;
use crate::flag::flag_gif;
use crate::stats::Recorder;

/// The query a redirect adds, which marks the follow-up request.
const REDIRECTED: &str = "redirected";

/// The size of an oversize body: far more than any flag.
const OVERSIZE: u64 = 64 << 20;

/// Zeros, sent over and over for an oversize body.
static ZEROS: [u8; 64 << 10] = [0; 64 << 10];

/// What a connection's requests share: the site's settings, its counters,
/// and a way to ask the connection to reset itself.
#[derive(Clone)]
pub(crate) struct Handler {
    pub(crate) config: Arc<Config>,
    pub(crate) recorder: Arc<Recorder>,
    /// Notified to make the connection task close with a TCP RST.
    pub(crate) reset: Arc<Notify>,
}

impl Handler {
    /// Answer one request (hyper's service function).
    pub(crate) async fn handle(
        self,
        request: Request<Incoming>,
    ) -> Result<Response<Pieces>, Infallible> {
        // Dropped when we answer, or when hyper drops this future because
        // the client went away: either way the request is no longer in flight.
        let _in_flight = self.recorder.enter();
        let path = request.uri().path_and_query().map_or("/", |path| path.as_str());
        self.recorder.request(path.to_owned());
        let delay = self.config.pick_delay();
        if !delay.is_zero() {
            // Not even a zero sleep: tokio's timer ticks every millisecond,
            // so it would still wait for the next tick.
            tokio::time::sleep(delay).await;
        }
        let response = self.respond(&request).await;
        self.recorder.status(response.status().as_u16());
        Ok(response)
    }

    async fn respond(&self, request: &Request<Incoming>) -> Response<Pieces> {
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            return not_allowed();
        }
        let code = flag_code(request.uri().path());
        // The request a redirect leads to is served as if nothing was wrong.
        let follow_up = request.uri().query() == Some(REDIRECTED);
        let fault = code.and_then(|cc| self.config.fault_for(cc)).filter(|_| !follow_up);
        match (code, fault) {
            (Some(cc), Some(fault)) => self.inject(cc, fault).await,
            _ if self.config.roll_error() => text(StatusCode::IM_A_TEAPOT),
            (Some(cc), None) => flag(cc),
            (None, _) => text(StatusCode::NOT_FOUND),
        }
    }

    /// Misbehave as `fault` says, for the flag of `cc`.
    async fn inject(&self, cc: &str, fault: Fault) -> Response<Pieces> {
        match fault {
            Fault::Hang => std::future::pending().await,
            Fault::Reset => {
                // The connection task does the reset; we just never answer.
                self.reset.notify_one();
                std::future::pending().await
            }
            Fault::Truncate => truncated(cc),
            Fault::Oversize => oversize(),
            Fault::Redirect => redirect(cc),
            Fault::Status(status) => {
                text(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
            }
        }
    }
}

/// The code in a flag path, `/flags/{cc}/{cc}.gif` with `cc` in lower case,
/// or `None` for any other path.
fn flag_code(path: &str) -> Option<&str> {
    let (cc, file) = path.strip_prefix("/flags/")?.split_once('/')?;
    let lower = cc.bytes().all(|byte| byte.is_ascii_lowercase());
    let known = lower && position(cc).is_some() && file.strip_suffix(".gif") == Some(cc);
    known.then_some(cc)
}

/// A response with Content-Type and Content-Length set.
fn response(status: StatusCode, content_type: &'static str, body: Pieces) -> Response<Pieces> {
    let length = HeaderValue::from(body.len());
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CONTENT_LENGTH, length);
    response
}

/// A short text answer, like "404 Not Found".
fn text(status: StatusCode) -> Response<Pieces> {
    let reason = status.canonical_reason().unwrap_or("Unknown");
    let body = format!("{} {reason}\n", status.as_u16());
    response(status, "text/plain; charset=utf-8", Pieces::full(body))
}

fn not_allowed() -> Response<Pieces> {
    let mut response = text(StatusCode::METHOD_NOT_ALLOWED);
    response.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

/// The flag itself, straight from the cache: no copy.
fn flag(cc: &str) -> Response<Pieces> {
    match flag_gif(cc) {
        Some(gif) => response(StatusCode::OK, "image/gif", Pieces::full(Bytes::from_static(gif))),
        None => text(StatusCode::NOT_FOUND),
    }
}

/// The flag's headers in full, but only half its bytes.
fn truncated(cc: &str) -> Response<Pieces> {
    let gif = flag_gif(cc).unwrap_or_default();
    let half = Bytes::from_static(&gif[..gif.len() / 2]);
    let mut response = response(StatusCode::OK, "image/gif", Pieces::cut_short(half));
    response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(gif.len()));
    response
}

fn oversize() -> Response<Pieces> {
    let zeros = Bytes::from_static(&ZEROS);
    let times = OVERSIZE / ZEROS.len() as u64;
    response(StatusCode::OK, "image/gif", Pieces::repeated(zeros, times))
}

fn redirect(cc: &str) -> Response<Pieces> {
    let location = format!("/flags/{cc}/{cc}.gif?{REDIRECTED}");
    let Ok(location) = HeaderValue::try_from(location) else {
        return text(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let mut response = text(StatusCode::MOVED_PERMANENTLY);
    response.headers_mut().insert(LOCATION, location);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lower_case_flag_paths_are_flags() {
        assert_eq!(flag_code("/flags/br/br.gif"), Some("br"));
        let strangers = [
            "/flags/BR/BR.gif",
            "/flags/br/BR.gif",
            "/flags/br/us.gif",
            "/flags/xx/xx.gif",
            "/flags/br/br.gif/",
            "/flags/br/br.png",
            "/flags/br.gif",
            "/flags/",
            "/",
        ];
        for path in strangers {
            assert_eq!(flag_code(path), None, "{path}");
        }
    }

    #[test]
    fn texts_say_their_status() {
        let response = text(StatusCode::IM_A_TEAPOT);
        assert_eq!(response.body().len(), "418 I'm a teapot\n".len() as u64);
    }
}
