//! `GET /_records?from=N`: the records, for a program that runs the
//! `flags_server` binary and draws what the site saw (flags_compare).

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};

use crate::body::Pieces;
use crate::reply;
use crate::stats::Recorder;

/// Where the records are served. The leading `_` keeps it apart from the
/// static site, whose root holds only `flags/`. Requests to it are not
/// recorded, delayed, faulted or logged: watching must not change the run.
pub const RECORDS_PATH: &str = "/_records";

/// The most records one answer holds; ask again from `next` for more.
const PAGE_SIZE: usize = 10_000;

/// Answer `GET /_records?from=N` (N defaults to 1).
pub(crate) fn answer(recorder: &Recorder, request: &Request<Incoming>) -> Response<Pieces> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return reply::not_allowed();
    }
    let from = match parse_from(request.uri().query()) {
        Ok(from) => from,
        Err(message) => return reply::with_text(StatusCode::BAD_REQUEST, message),
    };
    match serde_json::to_vec(&recorder.page(from, PAGE_SIZE)) {
        Ok(json) => reply::ok("application/json", Pieces::full(json)),
        Err(_) => reply::text(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

/// `from=N` in a query such as `from=20`; 1 when there is none.
fn parse_from(query: Option<&str>) -> Result<u64, String> {
    let pairs = query.unwrap_or_default().split('&');
    let Some(value) = pairs.filter_map(|pair| pair.strip_prefix("from=")).next_back() else {
        return Ok(1);
    };
    value.parse().map_err(|_| format!("400 Bad Request: from={value} is not a record number\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_is_a_number_and_defaults_to_one() {
        assert_eq!(parse_from(None), Ok(1));
        assert_eq!(parse_from(Some("from=20")), Ok(20));
        assert_eq!(parse_from(Some("x=1&from=7")), Ok(7));
        assert!(parse_from(Some("from=-1")).is_err());
        assert!(parse_from(Some("from=")).is_err());
    }
}
