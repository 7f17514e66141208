//! Accepting connections and handing each to hyper.
//!
//! One tokio task per TCP connection; hyper speaks HTTP/1.1 on it (with
//! keep-alive, so a client can send many requests down one connection) and
//! calls [`Handler::handle`] for each request. Three things happen around
//! hyper:
//!
//! * Idle connections: hyper's header read timeout starts when it waits for
//!   the next request's head, so on a kept-alive connection it measures
//!   idle time. When it runs out, hyper ends the connection and the socket
//!   closes with a plain FIN, as Apache's KeepAliveTimeout does.
//! * Stopping gracefully: when asked, [`serve`] stops accepting, tells every
//!   connection to finish its answer in flight and close, and returns once
//!   they all have.
//! * [`Fault::Reset`](crate::Fault): closing a connection with a TCP RST
//!   instead of a polite FIN, which hyper can't do. The handler pokes a
//!   per-connection [`Notify`]; the connection task then takes the socket
//!   back from hyper, sets `SO_LINGER` to zero (which makes the kernel send
//!   RST on close) and drops it.
//!
//! hyper-util has a `GracefulShutdown` helper, but it takes each connection
//! and keeps it: the reset needs the connection back. So the connection
//! task makes the very call that helper makes, `graceful_shutdown()`.

use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Notify, watch};

use crate::config::Config;
use crate::handler::Handler;
use crate::log;
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
        let handler = Handler {
            config: Arc::clone(&config),
            recorder: Arc::clone(&recorder),
            connection: recorder.connection(),
            peer,
            reset: Arc::new(Notify::new()),
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
/// stays idle too long, a handler asks for a reset, or the server stops.
async fn serve_connection(stream: TcpStream, handler: Handler, mut stop: watch::Receiver<()>) {
    // Send each response as soon as it's written, not 40 ms later when
    // Nagle's algorithm gives up waiting for more. Best effort: a socket
    // that refuses still works, just slower.
    let _ = stream.set_nodelay(true);
    let reset = Arc::clone(&handler.reset);
    let idle_timeout = handler.config.idle_timeout;
    let service = service_fn(move |request| handler.clone().handle(request));
    let mut connection = http1::Builder::new()
        .timer(TokioTimer::new())
        // Explicit even when `None`: with a timer, hyper's default is 30 s.
        .header_read_timeout(idle_timeout)
        .serve_connection(TokioIo::new(stream), service);
    let mut stopping = false;
    loop {
        tokio::select! {
            // Done, or broken: either way the connection is over. A broken one
            // (a client that vanished) is routine here, not worth a log line.
            _ = &mut connection => return,
            () = reset.notified() => {
                let stream = connection.into_parts().io.into_inner();
                // Linger zero: close() discards everything and sends RST.
                let _ = stream.set_zero_linger();
                return;
            }
            // The server stops (or its `serve` was dropped): finish the
            // answer in flight, if any, then close.
            _ = stop.changed(), if !stopping => {
                stopping = true;
                // (Spelled out in full: `select!` brings a `Pin` of its own.)
                std::pin::Pin::new(&mut connection).graceful_shutdown();
            }
        }
    }
}
