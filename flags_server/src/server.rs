//! Accepting connections and handing each to hyper.
//!
//! One tokio task per TCP connection. hyper-util's `auto` server reads the
//! first bytes to tell the protocol: HTTP/2's connection preface (a client
//! that speaks h2c "with prior knowledge", as `curl --http2-prior-knowledge`
//! does) gets hyper's HTTP/2 server, anything else its HTTP/1.1 server, on
//! the same port with no option needed. Either way hyper calls
//! [`Handler::handle`] for each request: one after the other on a kept-alive
//! HTTP/1.1 connection, side by side (one task per stream) on HTTP/2.
//! Around hyper:
//!
//! * Idle connections (HTTP/1.1): hyper's header read timeout starts when
//!   it waits for the next request's head, so on a kept-alive connection it
//!   measures idle time. When it runs out, hyper ends the connection and the
//!   socket closes with a plain FIN, as Apache's KeepAliveTimeout does.
//!   That timer starts once the first bytes have told the protocol; a
//!   connection that sends nothing at all is closed by one of ours, after
//!   as long. hyper's HTTP/2 server has no idle timer: an HTTP/2
//!   connection stays open until its client closes it or the server stops.
//! * Streams at once (HTTP/2): the site advertises
//!   [`Config::max_streams`] as SETTINGS_MAX_CONCURRENT_STREAMS; the `h2`
//!   crate under hyper refuses (RST_STREAM REFUSED_STREAM) the streams a
//!   client opens beyond it before it has read those settings.
//! * GOAWAY (HTTP/2): the stream that reaches [`Config::goaway_after`]
//!   makes the task start hyper's graceful shutdown (see [`Config`] for what
//!   the client sees).
//! * Stopping gracefully: when asked, [`serve`] stops accepting, tells every
//!   connection to finish its answers in flight and close, and returns once
//!   they all have.
//! * [`Fault::Reset`](crate::Fault) on HTTP/1.1: closing a connection with a
//!   TCP RST instead of a polite FIN, which hyper can't do. The handler
//!   pokes the connection's [`Link`]; the connection task then flags its
//!   [`Socket`] for a RST and drops the connection.
//!
//! hyper-util has a `GracefulShutdown` helper, but it takes each connection
//! and keeps it: the connection task also listens for resets and GOAWAYs. So
//! it makes the very call that helper makes, `graceful_shutdown()`.

use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::Version;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;

use crate::config::Config;
use crate::handler::Handler;
use crate::link::Link;
use crate::log;
use crate::socket::Socket;
use crate::stats::Recorder;

/// Connections the kernel may queue before we accept them. The default
/// (128 on many systems) drops connections when a thousand clients
/// arrive at once; the kernel caps this at its own `somaxconn` anyway.
const BACKLOG: u32 = 4096;

/// How long to wait before accepting again after an error such as EMFILE
/// (out of file descriptors): long enough for some connections to close.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

/// Bind a listening socket the way the site likes it: a long accept queue,
/// and `SO_REUSEADDR` so a restarted server gets its port back at once.
///
/// Call it inside a tokio runtime: the listener registers with its reactor.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Serve on an already-bound listener until `stop` completes; then stop
/// accepting, let every connection finish the answer it is sending, and
/// return once they are all closed.
///
/// That wait has no bound of its own (a hung request never finishes): the
/// caller bounds it by dropping this future, which leaves the connection
/// tasks to their runtime. Accept errors are reported and retried.
pub async fn serve(
    listener: TcpListener, config: Config, recorder: Arc<Recorder>, stop: impl Future<Output = ()>,
) {
    let config = Arc::new(config);
    // Every connection task holds a receiver: `send` asks them all to
    // finish, and `closed` tells when the last one has.
    let (finish, finishing) = watch::channel(());
    let mut stop = pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = accept(&listener) => accepted,
            () = &mut stop => break,
        };
        let link = Link::new(recorder.connection(), peer, config.goaway_after);
        let handler = Handler {
            config: Arc::clone(&config),
            recorder: Arc::clone(&recorder),
            link: Arc::new(link),
        };
        tokio::spawn(serve_connection(stream, handler, finishing.clone()));
    }
    drop(listener); // new connections are refused from now on
    recorder.stop_watchers(); // the live page's streams would never finish
    drop(finishing);
    let _ = finish.send(());
    finish.closed().await;
}

/// The next connection. Errors (out of file descriptors, a client that
/// gave up while queued...) are logged once per run of errors, then retried.
async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    let mut reported = false;
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            Err(err) if !reported => {
                log::print(&format!(
                    "flags_server: accepting a connection failed: {err} (will retry)"
                ));
                reported = true;
            }
            Err(_) => {}
        }
        tokio::time::sleep(ACCEPT_PAUSE).await;
    }
}

/// Speak HTTP on one connection until it is over: the client leaves, it
/// stays idle too long, a handler asks for a reset or a GOAWAY, or the
/// server stops.
async fn serve_connection(stream: TcpStream, handler: Handler, mut stop: watch::Receiver<()>) {
    // Send each response as soon as it's written, not 40 ms later when
    // Nagle's algorithm gives up waiting for more. Best effort: a socket
    // that refuses still works, just slower.
    let _ = stream.set_nodelay(true);
    let socket = Socket::new(stream);
    let reset_on_close = socket.reset_on_close();
    let link = Arc::clone(&handler.link);
    let builder = builder(&handler.config);
    let idle_timeout = handler.config.idle_timeout;
    let service = service_fn(move |request| {
        // Here, not in the future: hyper calls this as it accepts each
        // stream, so the numbers follow the streams' order.
        handler.link.hear();
        let stream = (request.version() == Version::HTTP_2).then(|| handler.link.accept_stream());
        handler.clone().handle(request, stream)
    });
    let mut connection = pin!(builder.serve_connection(TokioIo::new(socket), service));
    // hyper's idle timer starts once the protocol is known, from the first
    // bytes: this one closes a connection that sends nothing at all.
    let mut silence = pin!(tokio::time::sleep(idle_timeout.unwrap_or(Duration::MAX)));
    let (mut stopping, mut silence_over) = (false, idle_timeout.is_none());
    loop {
        tokio::select! {
            // Done, or broken: either way the connection is over. A broken one
            // (a client that vanished) is routine here, not worth a log line.
            _ = &mut connection => return,
            () = &mut silence, if !silence_over => {
                silence_over = true;
                if link.is_silent() {
                    return;
                }
            }
            () = link.reset.notified() => {
                reset_on_close.store(true, Ordering::Relaxed);
                return;
            }
            // The server stops (or its `serve` was dropped), or the
            // connection had its streams: finish the answers in flight, if
            // any, then close. On HTTP/2 that is hyper's GOAWAY.
            _ = stop.changed(), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
            () = link.goaway.notified(), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// hyper's server for both protocols, set as `config` says.
fn builder(config: &Config) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        // Explicit even when `None`: with a timer, hyper's default is 30 s.
        .header_read_timeout(config.idle_timeout);
    builder.http2().max_concurrent_streams(config.max_streams);
    builder
}
