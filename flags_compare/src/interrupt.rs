//! Ctrl-C (SIGINT), SIGTERM and SIGHUP: stop a mode cleanly.
//!
//! A comparison has two children at almost any moment: the flag site and
//! the program being measured, each run in a temporary folder. Dying of the
//! signal would leave the site running and the folder behind. So the
//! signals are caught by flags_server's `signals`, which remembers the
//! first one; whoever waits checks it here: `wait` every millisecond, the
//! loops before each run. They return [`Failure::Signal`], which travels up
//! like any error, and the drops on the way kill and reap the children and
//! remove the folders; `main` exits with the signal's status (130 for
//! Ctrl-C).
//!
//! A second signal asks to quit at once; stopping the children takes
//! milliseconds, so the first one's stop is as quick, and it is all there is.

use flags_server::console::warn;
use flags_server::signals;

use crate::failure::Failure;

/// Catch the stop signals from now on, instead of dying of them.
pub fn listen() {
    // Nothing to do as each comes: the first is remembered, and checked.
    if let Err(err) = signals::listen(|_| {}) {
        warn(format_args!("flags_compare: warning: Ctrl-C will not stop the site cleanly: {err}"));
    }
}

/// `Err(Failure::Signal)` once a stop signal has arrived.
pub fn check() -> Result<(), Failure> {
    signals::stop_signal().map_or(Ok(()), |signal| Err(Failure::Signal(signal)))
}
