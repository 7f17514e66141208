//! Python's `asyncio.to_thread`: a blocking call (a save, a name lookup) on
//! a helper thread, so that the event loop never waits for a disk.
//!
//! tokio has this, `spawn_blocking`, but it panics (`OS can't spawn worker
//! thread`) when the system refuses the first thread of its pool, under
//! `ulimit -u` or a container's pids limit. Here the helper is started with
//! `thread::Builder`, which returns the refusal as a value: then the call
//! runs on the event loop's own thread, which pauses it for a moment. Slower,
//! said once, and nothing lost.
//!
//! One helper is enough: a save takes some 50 µs, and flags come at most
//! one per request. Calls queue for it in a channel, and their results come
//! back on a `oneshot` that the caller awaits.

use std::sync::OnceLock;
use std::sync::mpsc::{self, Sender};
use std::thread;

use flags_server::console::warn;
use tokio::sync::oneshot;

use crate::cli;
use crate::error::{Error, Result};

/// A blocking call, boxed so that calls of any type share one queue.
type Call = Box<dyn FnOnce() + Send>;

/// The helper's queue, started at the first call; `None` if the system
/// refused the thread. The thread lives as long as the process: a run
/// awaits every call it makes, so none is cut short at exit.
static HELPER: OnceLock<Option<Sender<Call>>> = OnceLock::new();

/// Runs `call` on the helper thread and awaits its result.
pub async fn to_thread<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let Some(helper) = HELPER.get_or_init(start_helper) else { return Ok(call()) };
    let (result, answered) = oneshot::channel();
    // A dropped receiver means the caller stopped waiting: nothing to tell.
    let send = Box::new(move || drop(result.send(call())));
    helper.send(send).map_err(|_| Error::Other("the helper thread has stopped".into()))?;
    answered.await.map_err(|_| Error::Other("a call on the helper thread panicked".into()))
}

/// Starts the helper thread, or says why there is none.
fn start_helper() -> Option<Sender<Call>> {
    let (queue, calls) = mpsc::channel::<Call>();
    let helper = thread::Builder::new().name("to_thread".into());
    match helper.spawn(move || calls.into_iter().for_each(|call| call())) {
        Ok(_detached) => Some(queue),
        Err(err) => {
            warn(format_args!(
                "{}: the system refused a helper thread ({err}: ulimit -u, a container's \
                 pids limit, or memory); saves run on the event loop, which pauses for each.",
                cli::program()
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_runs_on_the_helper_and_its_result_comes_back() {
        let event_loop = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let here = thread::current().id();
        let (there, sum) =
            event_loop.block_on(to_thread(|| (thread::current().id(), 2 + 2))).unwrap();
        assert_eq!(sum, 4);
        assert_ne!(there, here);
    }
}
