//! Accepting connections and handing each to hyper.
//!
//! One tokio task per TCP connection; hyper speaks HTTP/1.1 on it (with
//! keep-alive, so a client can send many requests down one connection) and
//! calls [`Handler::handle`] for each request.
//!
//! The one thing hyper can't do for us is [`Fault::Reset`](crate::Fault):
//! closing a connection with a TCP RST instead of a polite FIN. For that the
//! handler pokes a per-connection [`Notify`]; the connection task then takes
//! the socket back from hyper, sets `SO_LINGER` to zero (which makes the
//! kernel send RST on close) and drops it.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::Notify;

use crate::config::Config;
use crate::handler::Handler;
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

/// Serve on an already-bound listener until the future is dropped.
///
/// Accept errors are reported and retried, never fatal, so this only
/// ends when dropped; the `Result` leaves room for a future failure mode.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    recorder: Arc<Recorder>,
) -> io::Result<()> {
    let config = Arc::new(config);
    loop {
        let stream = accept(&listener).await;
        recorder.connection();
        let handler = Handler {
            config: Arc::clone(&config),
            recorder: Arc::clone(&recorder),
            reset: Arc::new(Notify::new()),
        };
        tokio::spawn(serve_connection(stream, handler));
    }
}

/// The next connection. Errors (out of file descriptors, a client that
/// gave up while queued...) are logged once per run of errors, then retried.
async fn accept(listener: &TcpListener) -> TcpStream {
    let mut reported = false;
    loop {
        match listener.accept().await {
            Ok((stream, _)) => return stream,
            Err(err) if !reported => {
                eprintln!("flags_server: accepting a connection failed: {err} (will retry)");
                reported = true;
            }
            Err(_) => {}
        }
        tokio::time::sleep(ACCEPT_PAUSE).await;
    }
}

/// Speak HTTP on one connection until the client leaves, or until a
/// handler asks for a reset.
async fn serve_connection(stream: TcpStream, handler: Handler) {
    // Send each response as soon as it's written, not 40 ms later when
    // Nagle's algorithm gives up waiting for more. Best effort: a socket
    // that refuses still works, just slower.
    let _ = stream.set_nodelay(true);
    let reset = Arc::clone(&handler.reset);
    let service = service_fn(move |request| handler.clone().handle(request));
    let mut connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        // Done, or broken: either way the connection is over. A broken one
        // (a client that vanished) is routine here, not worth a log line.
        _ = &mut connection => {}
        () = reset.notified() => {
            let stream = connection.into_parts().io.into_inner();
            // Linger zero: close() discards everything and sends RST.
            let _ = stream.set_zero_linger();
        }
    }
}
