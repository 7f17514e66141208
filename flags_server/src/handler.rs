//! Answering one request: record it, route it, delay it, maybe break it.
//!
//! The steps, in the order a reader (and the tests) can rely on:
//!
//! 1. `/_records` and the live page (`/live...`) are answered at once, and
//!    leave no trace.
//! 2. Every other request is recorded on arrival.
//! 3. Methods other than GET and HEAD get 405; HEAD and browsing
//!    (directory listings and their redirects) are answered at once.
//! 4. A GET of a file sleeps the random delay, then meets its file's fault
//!    if it has one, else rolls the dice for a 418, else gets the file (or
//!    a 404).
//! 5. The answer's status and fault go into the record and the log line;
//!    its end time goes into the record when the body's last byte is out.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::Notify;

use crate::body::Pieces;
use crate::config::Config;
use crate::fault::{Fault, REDIRECTED};
use crate::records::{FileKind, Record};
use crate::records_endpoint::{self, RECORDS_PATH};
use crate::static_site::Page;
use crate::stats::{Recorder, Ticket};
use crate::{live, log, reply};

/// What a connection's requests share: the site's settings, its records,
/// the connection's identity, and a way to ask it to reset itself.
#[derive(Clone)]
pub(crate) struct Handler {
    pub(crate) config: Arc<Config>,
    pub(crate) recorder: Arc<Recorder>,
    /// The connection's number, from 1 in accept order.
    pub(crate) connection: u64,
    /// The client's address.
    pub(crate) peer: SocketAddr,
    /// Notified to make the connection task close with a TCP RST.
    pub(crate) reset: Arc<Notify>,
}

impl Handler {
    /// Answer one request (hyper's service function).
    pub(crate) async fn handle(
        self, request: Request<Incoming>,
    ) -> Result<Response<Pieces>, Infallible> {
        if request.uri().path() == RECORDS_PATH {
            return Ok(records_endpoint::answer(&self.recorder, &request));
        }
        if let Some(response) = live::answer(&self.recorder, &request) {
            return Ok(response);
        }
        let mut exchange = self.arrive(&request);
        let response = self.respond(&request, &mut exchange).await;
        Ok(exchange.finish(request.method(), response))
    }

    /// Record the request, and start its log line if the site logs.
    fn arrive(&self, request: &Request<Incoming>) -> Exchange {
        let uri = request.uri();
        let target = uri.path_and_query().map_or_else(|| uri.to_string(), |path| path.to_string());
        let method = request.method().as_str();
        let record = Record::new(self.connection, method, &target);
        let (code, file) = (record.code.clone(), record.file);
        let log = self
            .config
            .log_requests
            .then(|| log::request(self.peer, self.connection, method, &target, code.as_deref()));
        let ticket = self.recorder.arrive(record);
        Exchange { ticket, code, file, log, delay: Duration::ZERO, fault: None, answered: false }
    }

    async fn respond(
        &self, request: &Request<Incoming>, exchange: &mut Exchange,
    ) -> Response<Pieces> {
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            return reply::not_allowed();
        }
        let (path, query) = (request.uri().path(), request.uri().query());
        let page = Page::at(path);
        // Only downloads pay the delay and risk a fault or a 418: HEAD and
        // browsing answer at once.
        if method == Method::HEAD || !page.is_download() {
            return page.answer(query);
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
                return self.inject(fault, bytes, content_type, path, exchange).await;
            }
        }
        if self.config.roll_error() {
            return reply::text(StatusCode::IM_A_TEAPOT);
        }
        page.answer(query)
    }

    /// Answer as `fault` says, instead of with `file`.
    async fn inject(
        &self, fault: Fault, file: &'static [u8], content_type: &'static str, path: &str,
        exchange: &mut Exchange,
    ) -> Response<Pieces> {
        let answer = fault.answer(file, content_type, path);
        let reset = fault == Fault::Reset;
        exchange.fault = Some(fault);
        if let Some(response) = answer {
            return response;
        }
        // Hang and reset send nothing at all. For a reset, the connection
        // task then closes the connection with a RST.
        exchange.answer(None);
        if reset {
            self.reset.notify_one();
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

/// HEAD answers, 1xx, 204 and 304 have no body (RFC 9110).
fn sends_no_body(method: &Method, status: StatusCode) -> bool {
    method == Method::HEAD
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
}
