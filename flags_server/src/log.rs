//! The line the binary prints on stderr for each request.
//!
//! `slow_server.py` prints `BR delay: 1.5s` per request. Here a line tells
//! the whole story of one request, once its outcome is known:
//!
//! ```text
//! 127.0.0.1:40312 #1 GET /flags/br/br.gif [BR] 1.52 s -> 200 OK
//! 127.0.0.1:40318 #2 GET /flags/cn/metadata.json [CN] 0.73 s -> no answer (fault: reset)
//! 127.0.0.1:40324 #3/5 h2 GET /flags/in/in.gif [IN] 0.61 s -> 200 OK
//! 127.0.0.1:40324 #3/9 h2 GET /flags/jp/jp.gif [JP] -> refused after GOAWAY
//! ```
//!
//! The client's address and connection number (and on HTTP/2 the stream's
//! number on that connection, then `h2`), the request, the code, the delay
//! it waited, and the status or the fault. A stream past the connection's
//! GOAWAY limit is refused unprocessed, with no delay.

use std::net::SocketAddr;
use std::time::Duration;

use hyper::StatusCode;

/// Paths longer than this are cut, to keep lines under 100 columns (less
/// the width of an HTTP/2 stream's label, such as `/3 h2`).
const PATH_WIDTH: usize = 32;

/// Where a request came from: the client, the connection, the HTTP/2 stream.
pub(crate) struct Origin {
    pub(crate) peer: SocketAddr,
    pub(crate) connection: u64,
    /// The stream's number on its connection; `None` on HTTP/1.1.
    pub(crate) stream: Option<u64>,
}

/// Who asked for what: `127.0.0.1:40312 #1 GET /flags/br/br.gif [BR]`, or
/// `127.0.0.1:40312 #1/3 h2 GET ...` for the third stream of an HTTP/2
/// connection.
pub(crate) fn request(origin: &Origin, method: &str, target: &str, code: Option<&str>) -> String {
    let Origin { peer, connection, stream } = origin;
    let stream = stream.map(|stream| format!("/{stream} h2")).unwrap_or_default();
    let code = code.map(|cc| format!(" [{cc}]")).unwrap_or_default();
    let path = shorten(target, PATH_WIDTH.saturating_sub(stream.len()));
    format!("{peer} #{connection}{stream} {method} {path}{code}")
}

/// The whole line of a stream refused unprocessed, past the GOAWAY limit.
pub(crate) fn refused(request: &str) -> String {
    format!("{request} -> refused after GOAWAY")
}

/// The whole line: the request, the delay, and the outcome.
pub(crate) fn answered(
    request: &str, delay: Duration, status: Option<StatusCode>, fault: Option<&str>,
) -> String {
    let outcome = match (status, fault) {
        (Some(status), None) => reason(status),
        // A status fault's status is its name.
        (Some(status), Some(fault)) if fault == status.as_str() => format!("{fault} (fault)"),
        (Some(status), Some(fault)) => format!("{} (fault: {fault})", status.as_str()),
        (None, Some(fault)) => format!("no answer (fault: {fault})"),
        (None, None) => "closed before an answer".to_owned(),
    };
    format!("{request} {:.2} s -> {outcome}", delay.as_secs_f64())
}

/// Print a line on stderr. A closed stderr is no reason to stop serving.
pub(crate) fn print(line: &str) {
    crate::console::warn(format_args!("{line}"));
}

/// `200 OK`, `418 I'm a teapot`.
fn reason(status: StatusCode) -> String {
    format!("{} {}", status.as_str(), status.canonical_reason().unwrap_or_default())
        .trim_end()
        .to_owned()
}

/// At most `width` characters, ending in `...` when cut.
fn shorten(target: &str, width: usize) -> String {
    if target.chars().count() <= width {
        return target.to_owned();
    }
    let kept: String = target.chars().take(width.saturating_sub(3)).collect();
    kept + "..."
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: &str = "127.0.0.1:40312";

    fn origin(stream: Option<u64>) -> Origin {
        let peer = PEER.parse().unwrap_or_else(|_| SocketAddr::from(([0; 4], 0)));
        Origin { peer, connection: 12, stream }
    }

    fn line(target: &str, status: Option<u16>, fault: Option<&str>) -> String {
        let code = target.get(7..9).map(str::to_ascii_uppercase);
        let start = request(&origin(None), "GET", target, code.as_deref());
        let status = status.and_then(|status| StatusCode::from_u16(status).ok());
        answered(&start, Duration::from_millis(1523), status, fault)
    }

    #[test]
    fn lines_tell_the_outcome() {
        let ok = line("/flags/br/br.gif", Some(200), None);
        assert_eq!(ok, "127.0.0.1:40312 #12 GET /flags/br/br.gif [BR] 1.52 s -> 200 OK");
        let cases = [
            (Some(418), None, "-> 418 I'm a teapot"),
            (Some(503), Some("503"), "-> 503 (fault)"),
            (Some(200), Some("truncate"), "-> 200 (fault: truncate)"),
            (None, Some("reset"), "-> no answer (fault: reset)"),
            (None, None, "-> closed before an answer"),
        ];
        for (status, fault, ending) in cases {
            let line = line("/flags/cn/metadata.json", status, fault);
            assert!(line.ends_with(ending), "{line}");
        }
    }

    #[test]
    fn http2_lines_name_the_stream() {
        let start = request(&origin(Some(7)), "GET", "/flags/br/br.gif", Some("BR"));
        assert_eq!(start, "127.0.0.1:40312 #12/7 h2 GET /flags/br/br.gif [BR]");
        let refused = refused(&start);
        assert_eq!(
            refused,
            "127.0.0.1:40312 #12/7 h2 GET /flags/br/br.gif [BR] -> refused after GOAWAY"
        );
    }

    #[test]
    fn lines_stay_under_100_columns() {
        let long = "/flags/br/metadata.json?redirected&and=a-lot-more-than-that";
        let outcomes = [(Some(405), None), (None, Some("oversize")), (None, None)];
        for (status, fault) in outcomes {
            let line = line(long, status, fault);
            assert!(line.contains(" /flags/br/metadata.json?redir... "), "{line}");
            assert!(line.len() < 100, "{} columns: {line}", line.len());
        }
    }
}
