//! Answering one request: record it, route it, delay it, maybe break it.
//!
//! The steps, in the order a reader (and the tests) can rely on:
//!
//! 1. An HTTP/2 stream that came after the connection's GOAWAY limit is
//!    refused unprocessed (RST_STREAM REFUSED_STREAM): not recorded, and
//!    safe for its client to send again on a new connection.
//! 2. `/_records` and the live page (`/live...`) are answered at once, and
//!    leave no trace.
//! 3. Every other request is recorded on arrival, with its protocol,
//!    connection and stream.
//! 4. Methods other than GET and HEAD get 405; HEAD and browsing
//!    (directory listings and their redirects) are answered at once.
//! 5. A GET of a file sleeps the random delay, then meets its file's fault
//!    if it has one, else rolls the dice for a 418, else gets the file (or
//!    a 404).
//! 6. The answer's status and fault go into the record and the log line;
//!    its end time goes into the record when the body's last byte is out.
//!
//! What "no answer" means depends on the protocol. On HTTP/1.1 a reset
//! closes the whole connection with a TCP RST; on HTTP/2 it is one stream's
//! RST_STREAM (INTERNAL_ERROR, what a server whose handler failed sends),
//! and the connection's other streams go on. The handler says so by
//! returning an error: hyper turns it into that RST_STREAM.

use std::sync::Arc;
use std::time::Duration;

use h2::Reason;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};

use crate::body::Pieces;
use crate::config::Config;
use crate::fault::{Fault, REDIRECTED};
use crate::link::Link;
use crate::records::{FileKind, Protocol, Record};
use crate::records_endpoint::{self, RECORDS_PATH};
use crate::static_site::Page;
use crate::stats::{Recorder, Ticket};
use crate::{live, log, reply};

/// A response, or the reason to reset the HTTP/2 stream instead.
type Answer = Result<Response<Pieces>, h2::Error>;

/// What a connection's requests share: the site's settings, its records,
/// and the connection itself.
#[derive(Clone)]
pub(crate) struct Handler {
    pub(crate) config: Arc<Config>,
    pub(crate) recorder: Arc<Recorder>,
    pub(crate) link: Arc<Link>,
}

impl Handler {
    /// Answer one request (hyper's service function): `stream` is its
    /// number on an HTTP/2 connection, `None` on HTTP/1.1.
    pub(crate) async fn handle(self, request: Request<Incoming>, stream: Option<u64>) -> Answer {
        if stream.is_some_and(|stream| self.link.is_past_goaway(stream)) {
            if self.config.log_requests {
                let (method, target) = (request.method().as_str(), target(&request));
                log::print(&log::refused(&self.log_line(method, &target, stream, None)));
            }
            return Err(Reason::REFUSED_STREAM.into());
        }
        if request.uri().path() == RECORDS_PATH {
            return Ok(records_endpoint::answer(&self.recorder, &request));
        }
        if let Some(response) = live::answer(&self.recorder, &request) {
            return Ok(response);
        }
        let mut exchange = self.arrive(&request, stream);
        let response = self.respond(&request, &mut exchange).await?;
        Ok(exchange.finish(request.method(), response))
    }

    /// Record the request, and start its log line if the site logs.
    fn arrive(&self, request: &Request<Incoming>, stream: Option<u64>) -> Exchange {
        let protocol = if stream.is_some() { Protocol::Http2 } else { Protocol::Http1 };
        let (method, target) = (request.method().as_str(), target(request));
        let record = Record { protocol, stream, ..Record::new(self.link.number, method, &target) };
        let (code, file) = (record.code.clone(), record.file);
        let log = self
            .config
            .log_requests
            .then(|| self.log_line(method, &target, stream, code.as_deref()));
        let ticket = self.recorder.arrive(record);
        Exchange { ticket, code, file, log, delay: Duration::ZERO, fault: None, answered: false }
    }

    /// Who asked for what, for the log line.
    fn log_line(
        &self, method: &str, target: &str, stream: Option<u64>, code: Option<&str>,
    ) -> String {
        let origin = log::Origin { peer: self.link.peer, connection: self.link.number, stream };
        log::request(&origin, method, target, code)
    }

    async fn respond(&self, request: &Request<Incoming>, exchange: &mut Exchange) -> Answer {
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            return Ok(reply::not_allowed());
        }
        let (path, query) = (request.uri().path(), request.uri().query());
        let page = Page::at(path);
        // Only downloads pay the delay and risk a fault or a 418: HEAD and
        // browsing answer at once.
        if method == Method::HEAD || !page.is_download() {
            return Ok(page.answer(query));
        }
        exchange.delay = self.config.pick_delay();
        if !exchange.delay.is_zero() {
            // Not even a zero sleep: tokio's timer ticks every millisecond,
            // so it would still wait for the next tick.
            tokio::time::sleep(exchange.delay).await;
        }
        if let Page::File { bytes, content_type } = page {
            // The request a redirect leads to is served as if nothing was wrong.
            let follow_up = query == Some(REDIRECTED);
            if let Some(fault) = exchange.fault_in(&self.config).filter(|_| !follow_up) {
                let http2 = request.version() == hyper::Version::HTTP_2;
                return self.inject(fault, bytes, content_type, path, http2, exchange).await;
            }
        }
        if self.config.roll_error() {
            return Ok(reply::text(StatusCode::IM_A_TEAPOT));
        }
        Ok(page.answer(query))
    }

    /// Answer as `fault` says, instead of with `file`.
    async fn inject(
        &self, fault: Fault, file: &'static [u8], content_type: &'static str, path: &str,
        http2: bool, exchange: &mut Exchange,
    ) -> Answer {
        let answer = fault.answer(file, content_type, path);
        let reset = fault == Fault::Reset;
        exchange.fault = Some(fault);
        if let Some(response) = answer {
            return Ok(response);
        }
        // Hang and reset send nothing at all. A reset on HTTP/2 resets this
        // stream alone; on HTTP/1.1 the connection task closes the whole
        // connection with a TCP RST.
        exchange.answer(None);
        if reset && http2 {
            return Err(Reason::INTERNAL_ERROR.into());
        }
        if reset {
            self.link.reset.notify_one();
        }
        std::future::pending().await
    }
}

/// One request on its way through the site: its ticket in the records, the
/// start of its log line, and what happened so far.
struct Exchange {
    ticket: Ticket,
    code: Option<String>,
    file: FileKind,
    /// `None` when the site doesn't log.
    log: Option<String>,
    delay: Duration,
    fault: Option<Fault>,
    answered: bool,
}

impl Exchange {
    /// The fault configured for this request's file, if any.
    fn fault_in(&self, config: &Config) -> Option<Fault> {
        config.fault_for(self.code.as_deref()?, self.file).cloned()
    }

    /// Record and log the outcome: a status, or none (a hang, a reset).
    fn answer(&mut self, status: Option<StatusCode>) {
        self.answered = true;
        let fault = self.fault.as_ref().map(Fault::to_string);
        if let Some(request) = &self.log {
            log::print(&log::answered(request, self.delay, status, fault.as_deref()));
        }
        self.ticket.answer(status.map(|status| status.as_u16()), fault);
    }

    /// Record the answer, and arrange for its end to be recorded too.
    fn finish(mut self, method: &Method, response: Response<Pieces>) -> Response<Pieces> {
        self.answer(Some(response.status()));
        if sends_no_body(method, response.status()) || response.body().is_empty() {
            // The head is the whole answer: hyper won't ask for the body.
            self.ticket.end();
            return response;
        }
        let end = self.ticket.end_later();
        response.map(|body| body.on_end(end))
    }
}

impl Drop for Exchange {
    /// A request dropped before its outcome: its client left (or the server
    /// stopped) while it waited. The log says so; the record does too, with
    /// no status, no end, and the time it was abandoned (see [`Ticket`]).
    fn drop(&mut self) {
        if !self.answered {
            if let Some(request) = &self.log {
                log::print(&log::answered(request, self.delay, None, None));
            }
        }
    }
}

/// The path, with the query if there was one.
fn target(request: &Request<Incoming>) -> String {
    let uri = request.uri();
    uri.path_and_query().map_or_else(|| uri.to_string(), |path| path.to_string())
}

/// HEAD answers, 1xx, 204 and 304 have no body (RFC 9110).
fn sends_no_body(method: &Method, status: StatusCode) -> bool {
    method == Method::HEAD
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
}
