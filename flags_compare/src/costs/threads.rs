//! The `threads` probe: N std threads, alive at once, doing nothing.
//!
//! What a thread itself costs in user space: the pages of its stack that it
//! touched (std reserves 2 MiB of address space for each, and the kernel
//! gives a page only when it is first touched), its thread-local storage,
//! and the allocator's state for it (glibc's per-thread cache, made at its
//! first allocation). No client, no socket.
//!
//! A floor, not what a working thread holds: a stack keeps every page its
//! deepest call touched until the thread ends. Each of 676 parked threads
//! here has 8 KiB of its stack resident; each of 676 threads that had run
//! one GET with flags_common's ureq client, 32 KiB (counted apart once, in
//! `/proc/self/smaps`, with a release build).
//!
//! Where the system stops: each thread is started with `thread::Builder`,
//! whose `spawn` returns the system's refusal as an `io::Error`
//! (`thread::spawn` would panic on it). At the first refusal the probe
//! starts no more, and weighs and times the threads it has.
//!
//! One limit is not refused but fatal: each std thread takes 4 memory maps
//! (its stack and its signal stack, each with a guard page), and a process
//! may have `vm.max_map_count` (65,530 by default). Once `pthread_create`
//! has mapped a thread's stack, std maps its signal stack from inside the
//! new thread, where a failure cannot be returned: std aborts the whole
//! process ("failed to allocate an alternative stack: Cannot allocate
//! memory (os error 12)", seen here at some 16,000 threads). So the probe
//! watches that limit itself, and stops before it. (Counting the maps means
//! reading `/proc/self/maps`, some 24 ms at 64,000 maps and a dozen times
//! near the limit: the start time leaves those reads out.)

use std::hint::black_box;
use std::sync::mpsc;
use std::sync::{PoisonError, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use super::held::{Held, Refusal};
use super::limits;
use crate::memory;

/// The stack each thread asks for: std's default, said here so that the
/// probe knows it (the address space must have room for one more).
const STACK: usize = 2 << 20;

/// Starts `n` threads, or as many as the system allows, and parks each
/// until all are up; times their start, and reads this process's memory
/// while all of them are alive.
///
/// Parked on a lock held by this thread, not on a `Barrier` of `n`: if the
/// system refuses the 500th thread, the 499 already up still wait, and go
/// when the lock is dropped.
pub fn hold(n: usize) -> Held {
    let gate = RwLock::new(());
    let (up, all_up) = mpsc::channel();
    thread::scope(|scope| {
        let closed = gate.write().unwrap_or_else(PoisonError::into_inner);
        let start = Instant::now();
        let (mut alive, mut fit, mut refused, mut watching) = (0, 0, None, Duration::ZERO);
        while alive < n {
            if fit == 0 {
                let reading = Instant::now();
                fit = limits::threads_that_fit();
                watching += reading.elapsed();
                if fit == 0 {
                    refused = Some(maps_full());
                    break;
                }
            }
            let up = up.clone();
            let builder = thread::Builder::new().stack_size(STACK);
            match builder.spawn_scoped(scope, || parked(up, &gate)) {
                Ok(_) => (alive, fit) = (alive + 1, fit - 1),
                Err(err) => {
                    refused = Some(refused_by_system(&err));
                    break;
                }
            }
        }
        all_up.iter().take(alive).for_each(drop);
        let start = start.elapsed().saturating_sub(watching);
        let own = memory::own();
        drop(closed);
        Held { own, alive, start: Some(start), refused }
    })
}

/// The system's refusal, and the limits full now, read while the threads
/// are still alive.
fn refused_by_system(err: &std::io::Error) -> Refusal {
    let limit = limits::met(STACK as u64);
    Refusal { by: "system".to_string(), reason: err.to_string(), limit }
}

/// The probe's own stop, before `vm.max_map_count`.
fn maps_full() -> Refusal {
    let reason = "its 4 memory maps would pass vm.max_map_count, where std aborts, not refuses";
    Refusal { by: "probe".to_string(), reason: reason.to_string(), limit: limits::met(0) }
}

/// A thread's whole life: allocate once, say it is up, wait for the gate.
fn parked(up: mpsc::Sender<()>, gate: &RwLock<()>) {
    // Every thread of a real program allocates, and glibc gives a thread its
    // own cache (and, up to 8 per core, its own arena) at its first
    // allocation: part of what a thread costs.
    drop(black_box(Box::new(0u64)));
    let _ = up.send(());
    drop(gate.read().unwrap_or_else(PoisonError::into_inner));
}
