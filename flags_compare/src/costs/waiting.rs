//! The `futures` probe: N futures, alive at once, each waiting.
//!
//! Held as flags_async holds its `download_one` futures: lazily made from an
//! iterator, run by `buffer_unordered` (each in a node of its
//! `FuturesUnordered`, on the heap), all on tokio's current-thread runtime,
//! built as flags_async builds it. Each only waits on one shared `Notify`:
//! what a waiting future costs, apart from what it waits for.

use std::cell::Cell;
use std::time::Instant;

use futures::{StreamExt, future, stream};
use tokio::runtime::Runtime;
use tokio::sync::Notify;

use super::held::Held;
use crate::memory;

/// Runs `n` waiting futures; times their start, from the first made to the
/// last waiting, and reads this process's memory once all of them wait,
/// then lets them end.
pub fn hold(n: usize) -> Result<Held, String> {
    let (notify, waiting) = (Notify::new(), Cell::new(0));
    let event_loop = runtime()?;
    let start = Instant::now();
    let all = stream::iter(0..n).map(|_| wait(&notify, &waiting)).buffer_unordered(n.max(1));
    let release = async {
        // Each future counts itself in once polled; until all have, let them run.
        while waiting.get() < n {
            tokio::task::yield_now().await;
        }
        let start = start.elapsed();
        let own = memory::own();
        notify.notify_waiters();
        Held { start: Some(start), ..Held::all(n, own) }
    };
    let (_, held) = event_loop.block_on(future::join(all.collect::<Vec<()>>(), release));
    Ok(held)
}

/// One waiting future: it counts itself in, then waits for the release.
pub async fn wait(notify: &Notify, waiting: &Cell<usize>) {
    // Made before counting in, so `notify_waiters` cannot come first.
    let released = notify.notified();
    waiting.set(waiting.get() + 1);
    released.await;
}

/// An event loop as flags_async's `download_many` builds it.
pub fn runtime() -> Result<Runtime, String> {
    let event_loop = tokio::runtime::Builder::new_current_thread().enable_all().build();
    event_loop.map_err(|err| format!("cannot start tokio's runtime: {err}"))
}

/// The size of one waiting future: what each of the N holds, besides its
/// node in `buffer_unordered`. (An async fn's future has one size from the
/// start: room for the locals of its largest waiting point.)
pub fn waiting_future_bytes() -> usize {
    let (notify, waiting) = (Notify::new(), Cell::new(0));
    std::mem::size_of_val(&wait(&notify, &waiting))
}
