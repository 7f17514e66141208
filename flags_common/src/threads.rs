//! Starting a pool's threads when the system may refuse some.
//!
//! Python's `ThreadPoolExecutor` starts a thread when it has work for one,
//! and raises `RuntimeError: can't start new thread` when the system says
//! no. Rust's `scope.spawn` panics in that case. A thread can be refused for
//! many reasons: the user's `ulimit -u`, a container's pids limit (Docker's
//! `--pids-limit`, systemd's `TasksMax`), the kernel's `pid_max`, or memory
//! for its stack (`ulimit -v`). A pool can carry on with the threads it got:
//! they share the one queue of codes, so fewer threads download every flag,
//! only in more turns.

use std::io;

use flags_server::console::warn;

use crate::cli;
use crate::error::{Error, Result};
use crate::limits;

/// Starts `wanted` threads with `spawn` (`thread::Builder`'s, which returns
/// the system's refusal instead of panicking), as many as fit under
/// `ulimit -v` (see `limits`, which says so), up to the first refusal. Says
/// how many it started and why not more; fails only if it could start none.
pub fn start_threads<T>(wanted: usize, mut spawn: impl FnMut() -> io::Result<T>) -> Result<Vec<T>> {
    let wanted = limits::threads_that_fit(wanted, cli::program());
    let mut threads = Vec::with_capacity(wanted);
    while threads.len() < wanted {
        match spawn() {
            Ok(thread) => threads.push(thread),
            Err(err) if threads.is_empty() => {
                return Err(Error::Other(format!("cannot start a thread: {err}")));
            }
            Err(err) => {
                warn(format_args!(
                    "{}: the system refused a thread after {} of {wanted} ({err}: \
                     ulimit -u, a container's pids limit, or memory); those share the work.",
                    cli::program(),
                    threads.len()
                ));
                break;
            }
        }
    }
    Ok(threads)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spawner that the system lets start `allowed` threads.
    fn system_allowing(allowed: usize) -> impl FnMut() -> io::Result<usize> {
        let mut started = 0;
        move || {
            started += 1;
            (started <= allowed).then_some(started).ok_or(io::ErrorKind::WouldBlock.into())
        }
    }

    #[test]
    fn a_pool_carries_on_with_the_threads_it_got() {
        assert_eq!(start_threads(8, system_allowing(100)).map(|t| t.len()).ok(), Some(8));
        assert_eq!(start_threads(8, system_allowing(3)).map(|t| t.len()).ok(), Some(3));
        let none = start_threads(8, system_allowing(0)).map_err(|err| err.to_string());
        assert!(none.is_err_and(|err| err.starts_with("cannot start a thread: ")));
    }
}
