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

use std::hint::black_box;
use std::sync::mpsc;
use std::sync::{PoisonError, RwLock};
use std::thread;

use crate::memory::{self, Own};

/// Starts `n` threads and parks each until all are up; reads this
/// process's memory then, while all of them are alive.
///
/// Parked on a lock held by this thread, not on a `Barrier`: if the system
/// refuses the 500th thread, the 499 already up can still be let go, and the
/// probe ends with an error instead of waiting forever.
pub fn hold(n: usize) -> Result<Own, String> {
    let gate = RwLock::new(());
    let (up, all_up) = mpsc::channel();
    thread::scope(|scope| {
        let closed = gate.write().unwrap_or_else(PoisonError::into_inner);
        for started in 0..n {
            let up = up.clone();
            let worker = || parked(up, &gate);
            let spawned = thread::Builder::new().spawn_scoped(scope, worker);
            // Returning drops `closed`: the threads already up go, and end.
            spawned.map_err(|err| format!("cannot start thread {}: {err}", started + 1))?;
        }
        all_up.iter().take(n).for_each(drop);
        let own = memory::own();
        drop(closed);
        Ok(own)
    })
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
