//! The one response body type the site uses.
//!
//! A whole flag, a short text, 64 MiB of zeros, and a body that breaks
//! halfway are all "the same piece of bytes, sent N times, and maybe an
//! error at the end". Sending a piece is cheap: `Bytes` is a reference to
//! static memory, so nothing is copied and nothing big is ever allocated.
//!
//! One body is different: the live page's event stream, which waits for
//! the site's records to change and never knows its length. It is still a
//! `Pieces`, [fed](Pieces::fed) by a [`Feed`], so that the site keeps one
//! body type (and hyper one service type).
//!
//! A body also knows when its answer is complete: the moment it hands hyper
//! its last frame, it calls the function given to [`Pieces::on_end`]. That
//! is when the request's record gets its end time.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame, SizeHint};

/// What a body calls once its last frame is out.
type OnEnd = Box<dyn FnOnce() + Send>;

/// Pieces that come when they are ready, until `None`. Dropping the body
/// (hyper does when the client has gone) drops the feed.
pub(crate) trait Feed: Send {
    fn poll_piece(&mut self, context: &mut Context<'_>) -> Poll<Option<Bytes>>;
}

/// `piece`, `left` more times, then the end, or an error if `then_fail`.
pub(crate) struct Pieces {
    piece: Bytes,
    left: u64,
    then_fail: bool,
    /// Whether we have paused before failing (see `poll_frame`).
    paused: bool,
    on_end: Option<OnEnd>,
    /// Where the pieces come from instead, for a body of unknown length.
    feed: Option<Box<dyn Feed>>,
}

impl Pieces {
    /// The whole body in one piece.
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Pieces {
        Pieces::repeated(bytes.into(), 1)
    }

    /// `piece` sent `times` times in a row.
    pub(crate) fn repeated(piece: Bytes, times: u64) -> Pieces {
        Pieces { piece, left: times, then_fail: false, paused: false, on_end: None, feed: None }
    }

    /// Whatever `feed` hands over, piece by piece, until it says the end.
    pub(crate) fn fed(feed: impl Feed + 'static) -> Pieces {
        Pieces { feed: Some(Box::new(feed)), ..Pieces::repeated(Bytes::new(), 0) }
    }

    /// `start`, then an error: hyper reacts by dropping the connection, so
    /// the client gets fewer bytes than the Content-Length promised.
    pub(crate) fn cut_short(start: Bytes) -> Pieces {
        Pieces { then_fail: true, ..Pieces::full(start) }
    }

    /// Call `done` when the last frame (or the planned failure) is handed
    /// to hyper. Not called if the body is dropped before, for instance
    /// because the client went away.
    pub(crate) fn on_end(self, done: impl FnOnce() + Send + 'static) -> Pieces {
        Pieces { on_end: Some(Box::new(done)), ..self }
    }

    /// How many bytes this body will send.
    pub(crate) fn len(&self) -> u64 {
        self.piece.len() as u64 * self.left
    }

    /// Whether there is nothing to send at all (hyper then never asks).
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0 && !self.then_fail && self.feed.is_none()
    }

    fn next_frame(&mut self) -> Option<io::Result<Frame<Bytes>>> {
        if self.left > 0 {
            self.left -= 1;
            if self.left == 0 && !self.then_fail {
                self.ended();
            }
            return Some(Ok(Frame::data(self.piece.clone())));
        }
        if std::mem::take(&mut self.then_fail) {
            self.ended();
            return Some(Err(io::Error::other("body cut short on purpose")));
        }
        None
    }

    fn ended(&mut self) {
        if let Some(done) = self.on_end.take() {
            done();
        }
    }
}

impl Body for Pieces {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>, context: &mut Context<'_>,
    ) -> Poll<Option<io::Result<Frame<Bytes>>>> {
        let this = self.get_mut();
        if let Some(feed) = &mut this.feed {
            return feed.poll_piece(context).map(|piece| piece.map(|piece| Ok(Frame::data(piece))));
        }
        if this.left == 0 && this.then_fail && !this.paused {
            // Before failing, pause once (asking to be polled again at
            // once): hyper then flushes the head and the bytes so far, so the
            // client sees a 200 and half a body rather than nothing at all.
            this.paused = true;
            context.waker().wake_by_ref();
            return Poll::Pending;
        }
        // Every piece is ready at once: nothing else here ever waits.
        Poll::Ready(this.next_frame())
    }

    fn is_end_stream(&self) -> bool {
        self.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        if self.feed.is_some() {
            return SizeHint::new(); // unknown: hyper sends it chunked
        }
        if !self.then_fail {
            return SizeHint::with_exact(self.len());
        }
        // A body that breaks its promise has no exact length; hyper then
        // goes by the Content-Length header the handler set.
        let mut hint = SizeHint::new();
        hint.set_lower(self.len());
        hint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(mut body: Pieces) -> (usize, bool) {
        let (mut bytes, mut failed) = (0, false);
        while let Some(frame) = body.next_frame() {
            match frame.map(Frame::into_data) {
                Ok(Ok(data)) => bytes += data.len(),
                _ => failed = true,
            }
        }
        (bytes, failed)
    }

    #[test]
    fn pieces_add_up() {
        assert_eq!(drain(Pieces::full("hello")), (5, false));
        assert_eq!(drain(Pieces::repeated(Bytes::from_static(b"ab"), 3)), (6, false));
        assert_eq!(drain(Pieces::cut_short(Bytes::from_static(b"abc"))), (3, true));
        assert!(Pieces::repeated(Bytes::new(), 0).is_end_stream());
    }

    #[test]
    fn the_end_is_told_with_the_last_frame() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};

        for (body, frames) in [
            (Pieces::repeated(Bytes::from_static(b"ab"), 3), 3),
            (Pieces::cut_short(Bytes::from_static(b"abc")), 2),
        ] {
            let ended = Arc::new(AtomicBool::new(false));
            let flag = Arc::clone(&ended);
            let mut body = body.on_end(move || flag.store(true, Ordering::SeqCst));
            for _ in 1..frames {
                assert!(body.next_frame().is_some());
                assert!(!ended.load(Ordering::SeqCst), "not before the last frame");
            }
            assert!(body.next_frame().is_some());
            assert!(ended.load(Ordering::SeqCst), "with the last frame");
        }
    }
}
