//! The line the binary prints on stderr for each request.
//!
//! `slow_server.py` prints `BR delay: 1.5s` per request. Here a line tells
//! the whole story of one request, once its outcome is known:
//!
//! ```text
//! 127.0.0.1:40312 #1 GET /flags/br/br.gif [BR] 1.52 s -> 200 OK
//! 127.0.0.1:40318 #2 GET /flags/cn/metadata.json [CN] 0.73 s -> no answer (fault: reset)
//! ```
//!
//! The client's address and connection number, the request, the code, the
//! delay it waited, and the status or the fault.

use std::net::SocketAddr;
use std::time::Duration;

use hyper::StatusCode;

/// Paths longer than this are cut, to keep lines under 100 columns.
const PATH_WIDTH: usize = 32;

/// Who asked for what: `127.0.0.1:40312 #1 GET /flags/br/br.gif [BR]`.
pub(crate) fn request(
    peer: SocketAddr, connection: u64, method: &str, target: &str, code: Option<&str>,
) -> String {
    let code = code.map(|cc| format!(" [{cc}]")).unwrap_or_default();
    format!("{peer} #{connection} {method} {}{code}", shorten(target))
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

/// At most [`PATH_WIDTH`] characters, ending in `...` when cut.
fn shorten(target: &str) -> String {
    if target.chars().count() <= PATH_WIDTH {
        return target.to_owned();
    }
    let kept: String = target.chars().take(PATH_WIDTH - 3).collect();
    kept + "..."
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: &str = "127.0.0.1:40312";

    fn line(target: &str, status: Option<u16>, fault: Option<&str>) -> String {
        let peer = PEER.parse().unwrap_or_else(|_| SocketAddr::from(([0; 4], 0)));
        let code = target.get(7..9).map(str::to_ascii_uppercase);
        let start = request(peer, 12, "GET", target, code.as_deref());
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
