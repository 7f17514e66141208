//! Small helpers that build the site's responses.
//!
//! Every response says its Content-Type and Content-Length, as
//! `python3 -m http.server` does: clients such as the downloaders can then
//! tell a complete body from a cut one.

use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION};
use hyper::{Response, StatusCode};

use crate::body::Pieces;

/// A response with Content-Type and Content-Length set.
pub(crate) fn response(
    status: StatusCode, content_type: HeaderValue, body: Pieces,
) -> Response<Pieces> {
    let length = HeaderValue::from(body.len());
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    headers.insert(CONTENT_LENGTH, length);
    response
}

/// A 200 with these bytes.
pub(crate) fn ok(content_type: &'static str, body: Pieces) -> Response<Pieces> {
    response(StatusCode::OK, HeaderValue::from_static(content_type), body)
}

/// A short text answer, like "404 Not Found".
pub(crate) fn text(status: StatusCode) -> Response<Pieces> {
    let reason = status.canonical_reason().unwrap_or("Unknown");
    with_text(status, format!("{} {reason}\n", status.as_u16()))
}

/// A text answer that says more than its status, such as why a request is bad.
pub(crate) fn with_text(status: StatusCode, text: String) -> Response<Pieces> {
    let content_type = HeaderValue::from_static("text/plain; charset=utf-8");
    response(status, content_type, Pieces::full(text))
}

/// 405, with the methods that would work.
pub(crate) fn not_allowed() -> Response<Pieces> {
    let mut response = text(StatusCode::METHOD_NOT_ALLOWED);
    response.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

/// 301 to `location`, a path on this site.
pub(crate) fn moved(location: &str) -> Response<Pieces> {
    // The location is made of a request's path, which hyper has already
    // checked for characters a header can't hold; stay safe all the same.
    let Ok(location) = HeaderValue::try_from(location) else {
        return text(StatusCode::BAD_REQUEST);
    };
    let mut response = text(StatusCode::MOVED_PERMANENTLY);
    response.headers_mut().insert(LOCATION, location);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_say_their_status() {
        let response = text(StatusCode::IM_A_TEAPOT);
        assert_eq!(response.body().len(), "418 I'm a teapot\n".len() as u64);
        assert_eq!(response.headers()[CONTENT_LENGTH], "17");
    }

    #[test]
    fn moves_say_where() {
        let response = moved("/flags/");
        assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(response.headers()[LOCATION], "/flags/");
        assert_eq!(moved("/bad\n").status(), StatusCode::BAD_REQUEST);
    }
}
