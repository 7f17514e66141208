//! A site running in the background, for programs and tests.
//!
//! [`Site::start`] gives the caller a live server without making it async:
//! the server runs on its own thread, in its own single-threaded tokio
//! runtime, so it works the same under a plain `fn main`, a test, or a
//! program that has a runtime of its own.
//!
//! Unlike the binary, a `Site` stops at once when dropped: a test's hung
//! request must not hold it up.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

use crate::config::Config;
use crate::live::LIVE_PATH;
use crate::records_endpoint::RECORDS_PATH;
use crate::server::{listen, serve};
use crate::stats::{Recorder, Stats};

/// Where a site on `addr` serves: the first line of `flags_server --json`,
/// `{"url":"http://127.0.0.1:8001/flags","records":"http://127.0.0.1:8001/_records"}`,
/// which flags_compare reads back with this same type.
#[derive(Debug, Deserialize, PartialEq, Serialize)]
pub struct SiteUrls {
    /// The base URL of the flags: `http://127.0.0.1:PORT/flags`.
    pub url: String,
    /// Where the records are served, as JSON.
    pub records: String,
}

impl SiteUrls {
    pub fn of(addr: SocketAddr) -> SiteUrls {
        SiteUrls {
            url: format!("http://{addr}/flags"),
            records: format!("http://{addr}{RECORDS_PATH}"),
        }
    }
}

/// A running site on a background thread. Dropping it stops the site.
pub struct Site {
    addr: SocketAddr,
    recorder: Arc<Recorder>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Site {
    /// Start on 127.0.0.1 with a free port.
    pub fn start(config: Config) -> io::Result<Site> {
        Site::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
    }

    /// Start on the given address (port 0 = a free port).
    ///
    /// Returns once the socket is listening, so clients can connect at once.
    pub fn start_on(addr: SocketAddr, config: Config) -> io::Result<Site> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        // Bind here, not on the thread, so that binding errors reach the caller.
        let listener = {
            let _context = runtime.enter();
            listen(addr)?
        };
        let addr = listener.local_addr()?;
        let recorder = Arc::new(Recorder::default());
        let (stop, stopped) = oneshot::channel();
        // No graceful stop: `run_until` drops the whole runtime instead.
        let site = serve(listener, config, Arc::clone(&recorder), std::future::pending());
        let thread = std::thread::Builder::new()
            .name(format!("flags_server {addr}"))
            .spawn(move || run_until(runtime, site, stopped))?;
        Ok(Site { addr, recorder, stop: Some(stop), thread: Some(thread) })
    }

    /// The address the site listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the flags are: `http://127.0.0.1:PORT/flags`.
    pub fn base_url(&self) -> String {
        SiteUrls::of(self.addr).url
    }

    /// Where the records are served: `http://127.0.0.1:PORT/_records`.
    pub fn records_url(&self) -> String {
        SiteUrls::of(self.addr).records
    }

    /// The live page: `http://127.0.0.1:PORT/live`.
    pub fn live_url(&self) -> String {
        format!("http://{}{LIVE_PATH}", self.addr)
    }

    /// Event streams of the live page open right now.
    pub fn watchers(&self) -> usize {
        self.recorder.watchers()
    }

    /// What the site saw so far, records included.
    pub fn stats(&self) -> Stats {
        self.recorder.stats()
    }

    /// Requests being handled right now.
    pub fn in_flight(&self) -> usize {
        self.recorder.in_flight()
    }
}

/// Run `site` until told to stop, then drop the runtime, which cancels every
/// connection task and closes every socket.
fn run_until(runtime: Runtime, site: impl Future<Output = ()>, stopped: oneshot::Receiver<()>) {
    runtime.block_on(async {
        tokio::select! {
            () = site => {}
            // Sent, or the sender dropped: both mean stop.
            _ = stopped => {}
        }
    });
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Shutting down takes microseconds: no task blocks its thread.
        // Waiting for it means the port is free once `drop` returns.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
