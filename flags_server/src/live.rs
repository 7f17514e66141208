//! `/live`: a page that shows the site's requests as they happen, and the
//! event stream that feeds it.
//!
//! The book's author filmed a Finder window filling with flags as the three
//! scripts saved them. This page is that film, live: open
//! `http://127.0.0.1:8001/live`, run a downloader against the site, and
//! watch the flags land, each connection's requests as growing bars (each
//! stream's, on HTTP/2: a record's `stream`), and the counters. The page is
//! one HTML file (`live.html`, embedded in the binary, plain JavaScript and
//! SVG, nothing fetched from elsewhere).
//!
//! Routes, none of them recorded, delayed, faulted or logged (watching must
//! not change the run, just like [`RECORDS_PATH`](crate::RECORDS_PATH)):
//!
//! | path | answer |
//! |---|---|
//! | `/live` | the page |
//! | `/live/events` | the event stream below (`text/event-stream`) |
//! | `/live/flags/{cc}/{cc}.gif` | the site's own flag files for the page's grid: the same bytes as `/flags/...`, but fetching them is not a request of the run |
//!
//! # The event stream
//!
//! Server-sent events, each a `data:` line holding one JSON object:
//!
//! ```json
//! {"replay":false,"now":12.5,"records":[{"seq":7,"connection":3,"protocol":"HTTP/1.1","stream":null,
//!   "arrived":{"secs":12,"nanos":3000000},"ended":null,"abandoned":null,"method":"GET",
//!   "path":"/flags/br/br.gif","code":"BR","file":"flag","status":null,"fault":null}]}
//! ```
//!
//! * `replay`: true for the first event of a stream, which replays what
//!   the site kept (below): a page that lost its stream and found it again
//!   (the site stopped, or another started at its address) starts afresh
//!   from it.
//! * `now`: the site's clock, in seconds since it started (the clock of the
//!   records' times), so the page can grow the bars of requests in flight.
//! * `records`: [`Record`](crate::Record)s, in the same JSON as
//!   `/_records` gives them. A record is sent when it is first seen, and
//!   again once it is over (its `ended` or `abandoned` is set); a record
//!   that arrived and ended within one batch is sent once. The page keys
//!   them by `seq`, so receiving one twice is harmless.
//!
//! The first event replays what the site kept, the most recent
//! [`REPLAY`] records at most: a page opened after a run shows that run.
//! Then an event at most every [`BATCH`] while requests come and go, and
//! one every [`HEARTBEAT`] otherwise (often empty: it moves the clock, and
//! finds out when a browser has gone).
//!
//! # What a watcher costs
//!
//! No queue: the [`Recorder`] only says "the records changed" (a `watch`
//! channel), and each stream then reads what it has not sent from the
//! records, by number, plus the records it saw in flight. So a watcher
//! holds a number and the numbers of the requests in flight, however slow
//! its browser. The stream is the response body itself, no task of its
//! own: when the browser goes away, hyper fails to write, drops the body,
//! and the watcher is gone ([`Recorder::watchers`] counts them). When the
//! site stops, every stream ends, so a graceful stop does not wait for
//! them.
//!
//! # Runs, and clearing
//!
//! The page starts a new section (a run) when a request arrives after 2
//! seconds with nothing in flight. Its Clear button clears the page only:
//! the site's records stay, and reloading the page replays them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use hyper::body::Bytes;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;
use tokio::sync::watch;

use crate::body::{Feed, Pieces};
use crate::records::Record;
use crate::reply;
use crate::static_site::Page;
use crate::stats::Recorder;

/// Where the page is.
pub const LIVE_PATH: &str = "/live";

/// The page itself, embedded at compile time.
const PAGE: &str = include_str!("live.html");

/// The most records the first event replays.
pub const REPLAY: usize = 5_000;

/// How long a stream waits after a change before it reads: the changes of
/// that time go out together, 20 events a second at most.
pub const BATCH: Duration = Duration::from_millis(50);

/// How often a stream speaks when nothing changes.
pub const HEARTBEAT: Duration = Duration::from_secs(1);

/// The answer for a path under `/live`, or `None` for any other path.
pub(crate) fn answer<B>(
    recorder: &Arc<Recorder>, request: &Request<B>,
) -> Option<Response<Pieces>> {
    let path = request.uri().path();
    let rest =
        path.strip_prefix(LIVE_PATH).filter(|rest| rest.is_empty() || rest.starts_with('/'))?;
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Some(reply::not_allowed());
    }
    Some(match rest {
        "" | "/" => reply::ok("text/html; charset=utf-8", Pieces::full(PAGE)),
        "/events" => events(recorder),
        _ => flag(rest),
    })
}

/// `/live/flags/br/br.gif`: a file of the site, for the page to show. Only
/// files: the listings stay at `/flags/`.
fn flag(path: &str) -> Response<Pieces> {
    let Page::File { bytes, content_type } = Page::at(path) else {
        return reply::text(StatusCode::NOT_FOUND);
    };
    let mut response = reply::ok(content_type, Pieces::full(bytes));
    // The files never change while the site runs: a page showing a flag
    // three times, in three runs, fetches it once.
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("max-age=3600"));
    response
}

/// The event stream: no Content-Length, it lasts as long as the browser
/// (or the site) does.
fn events(recorder: &Arc<Recorder>) -> Response<Pieces> {
    let watcher = Watcher {
        recorder: Arc::clone(recorder),
        changes: recorder.changes(),
        next: recorder.next_seq().saturating_sub(REPLAY as u64).max(1),
        open: Vec::new(),
        first: true,
        more: false,
    };
    let mut response = Response::new(Pieces::fed(Events { next: Box::pin(watcher.next_event()) }));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The next event, being waited for; the stream's whole state is in it.
type NextEvent = Pin<Box<dyn Future<Output = Option<(Watcher, Bytes)>> + Send>>;

/// The event stream, as a body's [`Feed`].
struct Events {
    next: NextEvent,
}

impl Feed for Events {
    fn poll_piece(&mut self, context: &mut Context<'_>) -> Poll<Option<Bytes>> {
        let Some((watcher, event)) = ready!(self.next.as_mut().poll(context)) else {
            self.next = Box::pin(std::future::ready(None));
            return Poll::Ready(None);
        };
        self.next = Box::pin(watcher.next_event());
        Poll::Ready(Some(event))
    }
}

/// One browser watching: what it has been sent so far.
struct Watcher {
    recorder: Arc<Recorder>,
    changes: watch::Receiver<bool>,
    /// The number of the first record not sent yet.
    next: u64,
    /// The records sent while in flight, whose end is still to send.
    open: Vec<u64>,
    /// Whether the replay is still to send.
    first: bool,
    /// Whether the last read stopped at its limit: read again at once.
    more: bool,
}

/// One event's JSON.
#[derive(Serialize)]
struct Event<'a> {
    replay: bool,
    now: f64,
    records: Vec<&'a Record>,
}

impl Watcher {
    /// Wait for something to send; `None` once the site stops. (Async
    /// functions that take `self` and give it back: the future is the
    /// stream's state, and it is `'static`.)
    async fn next_event(mut self) -> Option<(Watcher, Bytes)> {
        let replay = self.first;
        let retry = if replay { "retry: 1000\n" } else { "" };
        if !replay && !self.more && !self.wait().await {
            return None;
        }
        self.first = false;
        let event = self.read(replay);
        Some((self, Bytes::from(format!("{retry}data: {event}\n\n"))))
    }

    /// Wait for a change (then gather what follows for [`BATCH`]) or for
    /// the heartbeat; false if the site stops.
    async fn wait(&mut self) -> bool {
        let changed = tokio::time::timeout(HEARTBEAT, self.changes.changed()).await;
        if changed.is_ok() {
            tokio::time::sleep(BATCH).await;
        }
        // What changed meanwhile is read next: seen.
        let stopping = *self.changes.borrow_and_update();
        !stopping
    }

    /// The records not sent yet and the ends of those sent in flight, as
    /// one event's JSON.
    fn read(&mut self, replay: bool) -> String {
        let read = self.recorder.watch_from(self.next, &self.open, REPLAY);
        self.more = read.page.records.len() == REPLAY;
        self.next = read.page.next;
        let (ended, still_open): (Vec<&Record>, Vec<&Record>) =
            read.again.iter().partition(|record| is_over(record));
        self.open = still_open.iter().map(|record| record.seq).collect();
        let new = read.page.records.iter();
        self.open.extend(new.clone().filter(|record| !is_over(record)).map(|record| record.seq));
        let records = ended.into_iter().chain(new).collect();
        let event = Event { replay, now: read.now.as_secs_f64(), records };
        // Records always serialize: there is no error to report.
        serde_json::to_string(&event).unwrap_or_default()
    }
}

/// Whether a request is over: answered in full, or abandoned.
fn is_over(record: &Record) -> bool {
    record.ended.is_some() || record.abandoned.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Request<()> {
        Request::get(path).body(()).unwrap_or_default()
    }

    #[test]
    fn the_routes_under_live() {
        let recorder = Arc::new(Recorder::default());
        let status = |path: &str| answer(&recorder, &get(path)).map(|response| response.status());
        assert_eq!(status("/live"), Some(StatusCode::OK));
        assert_eq!(status("/live/flags/br/br.gif"), Some(StatusCode::OK));
        assert_eq!(status("/live/flags/"), Some(StatusCode::NOT_FOUND), "no listings here");
        assert_eq!(status("/live/flags/zz/zz.gif"), Some(StatusCode::NOT_FOUND));
        assert_eq!(status("/livestock"), None, "not ours");
        assert_eq!(status("/flags/br/br.gif"), None);
        let post = Request::post("/live").body(()).unwrap_or_default();
        let refused = answer(&recorder, &post).map(|response| response.status());
        assert_eq!(refused, Some(StatusCode::METHOD_NOT_ALLOWED));
    }

    #[test]
    fn the_page_is_one_file_that_fetches_nothing_from_elsewhere() {
        assert!(PAGE.starts_with("<!DOCTYPE html>"));
        // The one URL in it names SVG's namespace, which is fetched from nowhere.
        let page = PAGE.replace("\"http://www.w3.org/2000/svg\"", "");
        for outside in ["http:", "https:", "//cdn", "innerHTML", "outerHTML", "eval("] {
            assert!(!page.contains(outside), "live.html contains {outside}");
        }
    }
}
