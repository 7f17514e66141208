//! Ctrl-C (SIGINT) and SIGTERM: stop the comparison cleanly.
//!
//! A comparison has two children at almost any moment: the flag site and
//! the program being measured, each run in a temporary folder. Dying of the
//! signal would leave the site running and the folder behind. So the signal
//! only sets [`STOP`] here, on a thread of its own (signal-hook's iterator
//! on Unix, the ctrlc crate elsewhere). Whoever waits checks it: `wait`
//! every millisecond, the loops before each run. They return
//! [`Failure::Signal`], which travels up like any error, and the drops on
//! the way kill and reap the children and remove the folders; `main` exits
//! with 130 (143 for SIGTERM).
//!
//! Ctrl-C in a terminal reaches the children too (they are in its
//! foreground process group): the program stops on its own with status 130
//! or 143, which `measure` takes as the same stop.

use std::sync::atomic::{AtomicI32, Ordering};

use crate::failure::{Failure, SIGINT, SIGTERM};

/// The number of the signal that asked to stop, or 0 while none has.
static STOP: AtomicI32 = AtomicI32::new(0);

/// Catch the stop signals from now on, instead of dying of them.
pub fn listen() {
    if let Err(err) = install() {
        eprintln!("flags_compare: warning: Ctrl-C will not stop the site cleanly: {err}");
    }
}

#[cfg(unix)]
fn install() -> std::io::Result<()> {
    use signal_hook::iterator::Signals;

    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let receive = move || signals.forever().for_each(stop);
    std::thread::Builder::new().name("signals".into()).spawn(receive).map(drop)
}

#[cfg(not(unix))]
fn install() -> std::io::Result<()> {
    ctrlc::set_handler(|| stop(SIGINT)).map_err(std::io::Error::other)
}

/// Remember the first signal; the next ones say nothing new.
fn stop(signal: i32) {
    let _ = STOP.compare_exchange(0, signal, Ordering::Relaxed, Ordering::Relaxed);
}

/// `Err(Failure::Signal)` once a stop signal has arrived.
pub fn check() -> Result<(), Failure> {
    match STOP.load(Ordering::Relaxed) {
        0 => Ok(()),
        signal => Err(Failure::Signal(signal)),
    }
}
