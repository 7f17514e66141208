//! A TCP connection that can be told to end with a RST instead of a FIN.
//!
//! [`Fault::Reset`](crate::Fault) on HTTP/1.1 closes the connection the
//! rude way: `SO_LINGER` set to zero makes the kernel discard what is
//! unsent and answer with RST on close. hyper owns the stream while it
//! serves it and (through hyper-util's `auto` server, which tells HTTP/1.1
//! from HTTP/2) never gives it back; so the stream goes to hyper inside
//! this wrapper, which sets the linger itself when it is dropped, if told to.
//!
//! Otherwise the wrapper closes politely, as nginx's `lingering_close` does:
//! closing a socket whose client sent bytes that were never read (requests
//! that came after a GOAWAY, or after the last answer of a connection the
//! site ends) makes the kernel send RST too, and a RST can make the client
//! lose answers it had not read yet. So on drop it sends FIN, then reads
//! and discards what still comes, for [`LINGER`] at most, before it closes.
//! Everything else passes straight through.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

/// How long a closing connection reads what its client still sends.
pub(crate) const LINGER: Duration = Duration::from_secs(2);

/// A TCP stream that sends RST on drop once [`Socket::reset_on_close`]'s
/// flag is set.
pub(crate) struct Socket {
    /// Taken only by `drop`, to linger.
    stream: Option<TcpStream>,
    reset: Arc<AtomicBool>,
}

impl Socket {
    pub(crate) fn new(stream: TcpStream) -> Socket {
        Socket { stream: Some(stream), reset: Arc::new(AtomicBool::new(false)) }
    }

    fn stream(self: Pin<&mut Self>) -> Pin<&mut TcpStream> {
        Pin::new(self.get_mut().stream.as_mut().expect("the stream is taken only on drop"))
    }

    /// A flag to set, while hyper holds the socket, for a RST on close.
    pub(crate) fn reset_on_close(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.reset)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let Some(stream) = self.stream.take() else { return };
        if self.reset.load(Ordering::Relaxed) {
            // Linger zero: close() discards everything and sends RST.
            let _ = stream.set_zero_linger();
            return;
        }
        // Outside a runtime (it is shutting down), the plain close.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(linger(stream));
        }
    }
}

/// FIN, then what the client still sends read and dropped, until it closes
/// or [`LINGER`] has passed; then the socket closes with nothing unread.
async fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let mut sink = [0; 4096];
    let drain = async { while matches!(stream.read(&mut sink).await, Ok(1..)) {} };
    let _ = tokio::time::timeout(LINGER, drain).await;
}

impl AsyncRead for Socket {
    fn poll_read(
        self: Pin<&mut Self>, context: &mut Context<'_>, buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.stream().poll_read(context, buf)
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>, context: &mut Context<'_>, buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.stream().poll_write(context, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>, context: &mut Context<'_>, bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.stream().poll_write_vectored(context, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.as_ref().is_some_and(TcpStream::is_write_vectored)
    }

    fn poll_flush(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.stream().poll_flush(context)
    }

    fn poll_shutdown(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.stream().poll_shutdown(context)
    }
}
