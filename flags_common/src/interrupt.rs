//! Stopping a run: Ctrl-C (SIGINT), and `kill`'s SIGTERM and a closed
//! terminal's SIGHUP, which all mean "stop, please".
//!
//! Python raises `KeyboardInterrupt` wherever the main thread happens to be,
//! and flags2 catches it around its loop. Rust has no such exception, so this
//! module holds the run's only two pieces of global state:
//!
//! * [`STOP`], set by the first signal. Each `download_many` takes its codes
//!   through [`until_interrupted`], which ends early once it is set: no new
//!   request starts, the ones in flight finish, and the report follows.
//! * [`SAVING`], held (shared) by every [`save_flag`](crate::save_flag) under
//!   way. A second signal quits at once, but first takes it whole, so no
//!   temporary file is ever left half-written.
//!
//! The signals are received on a thread of their own (signal-hook's iterator
//! on Unix, the ctrlc crate on Windows), where it is safe to print and lock.

use std::process;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

use crate::console::warn;
use crate::progress::Progress;

/// The number of the signal that asked to stop, or 0 while none has.
static STOP: AtomicI32 = AtomicI32::new(0);

/// Shared by each save under way; taken whole before quitting at once.
static SAVING: RwLock<()> = RwLock::new(());

/// SIGINT's number, which Windows uses too for Ctrl-C.
const SIGINT: i32 = 2;

/// The codes, in order, until a stop signal arrives: the gate that makes
/// every concurrency model stop starting requests.
pub fn until_interrupted(cc_list: &[String]) -> impl Iterator<Item = &str> + Send {
    cc_list.iter().map(String::as_str).take_while(|_| stop_signal().is_none())
}

/// The signal that stopped the run, if one did.
pub(crate) fn stop_signal() -> Option<i32> {
    match STOP.load(Ordering::Relaxed) {
        0 => None,
        signal => Some(signal),
    }
}

/// The exit status of a run stopped by `signal`: 128 + its number, as shells
/// report it (130 for Ctrl-C, 143 for SIGTERM).
pub(crate) fn exit_status(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}

/// Held while a file is being saved.
pub(crate) fn saving() -> RwLockReadGuard<'static, ()> {
    SAVING.read().unwrap_or_else(PoisonError::into_inner)
}

/// Starts listening for the stop signals. Their messages go through
/// `progress`, so that they never scribble over a progress bar. Without a
/// handler (an exotic platform) a signal still stops the program, just
/// without the report.
pub(crate) fn install(progress: Progress) {
    let mut first = None;
    if let Err(err) = listen(move |signal| on_signal(signal, &mut first, &progress)) {
        warn(format_args!("warning: Ctrl-C will stop the run without a report: {err}"));
    }
}

#[cfg(unix)]
fn listen(mut handler: impl FnMut(i32) + Send + 'static) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    use signal_hook::iterator::Signals;

    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let receive = move || signals.forever().for_each(&mut handler);
    std::thread::Builder::new().name("signals".into()).spawn(receive).map(drop)
}

#[cfg(not(unix))]
fn listen(mut handler: impl FnMut(i32) + Send + 'static) -> std::io::Result<()> {
    ctrlc::set_handler(move || handler(SIGINT)).map_err(std::io::Error::other)
}

/// The same signal twice within this time is one request to stop: `timeout`
/// sends its signal to the program, then again to the program's process
/// group, and no one presses Ctrl-C twice that fast.
const SAME_SIGNAL: Duration = Duration::from_millis(200);

/// The first signal stops the run; the next one quits at once. `first` is
/// the first signal and when it came.
fn on_signal(signal: i32, first: &mut Option<(i32, Instant)>, progress: &Progress) {
    match *first {
        Some((earlier, at)) if earlier == signal && at.elapsed() < SAME_SIGNAL => return,
        Some(_) => {}
        None => {
            *first = Some((signal, Instant::now()));
            STOP.store(signal, Ordering::Relaxed);
            let (name, again) = match signal {
                SIGINT => ("Ctrl-C", "Ctrl-C again"),
                _ => (signal_name(signal), "send it again"),
            };
            let notice = format!("{name}: finishing the downloads in flight ({again} to quit now)");
            progress.notice(&notice);
            return;
        }
    }
    let _no_more_saves = SAVING.write().unwrap_or_else(PoisonError::into_inner);
    progress.quit("Stopped at once: the flags in downloaded/ are all complete.");
    process::exit(exit_status(signal).into());
}

#[cfg(unix)]
fn signal_name(signal: i32) -> &'static str {
    match signal {
        signal_hook::consts::SIGHUP => "SIGHUP",
        _ => "SIGTERM",
    }
}

#[cfg(not(unix))]
fn signal_name(_signal: i32) -> &'static str {
    "Ctrl-C"
}
