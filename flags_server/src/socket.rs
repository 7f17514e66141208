//! A TCP connection that can be told to end with a RST instead of a FIN.
//!
//! [`Fault::Reset`](crate::Fault) on HTTP/1.1 closes the connection the
//! rude way: `SO_LINGER` set to zero makes the kernel discard what is
//! unsent and answer with RST on close. hyper owns the stream while it
//! serves it and (through hyper-util's `auto` server, which tells HTTP/1.1
//! from HTTP/2) never gives it back; so the stream goes to hyper inside
//! this wrapper, which sets the linger itself when it is dropped, if told to.
//! Everything else passes straight through.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// A TCP stream that sends RST on drop once [`Socket::reset_on_close`]'s
/// flag is set.
pub(crate) struct Socket {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Socket {
    pub(crate) fn new(stream: TcpStream) -> Socket {
        Socket { stream, reset: Arc::new(AtomicBool::new(false)) }
    }

    /// A flag to set, while hyper holds the socket, for a RST on close.
    pub(crate) fn reset_on_close(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.reset)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        if self.reset.load(Ordering::Relaxed) {
            // Linger zero: close() discards everything and sends RST.
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Socket {
    fn poll_read(
        self: Pin<&mut Self>, context: &mut Context<'_>, buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(context, buf)
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>, context: &mut Context<'_>, buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(context, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>, context: &mut Context<'_>, bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(context, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(context)
    }

    fn poll_shutdown(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(context)
    }
}
