//! Stopping a run: Ctrl-C (SIGINT), and `kill`'s SIGTERM and a closed
//! terminal's SIGHUP, which all mean "stop, please".
//!
//! flags_server's `signals` module catches them for every binary of the
//! workspace (and says why Rust must). A download run adds two rules:
//!
//! * after the first signal, [`until_interrupted`] ends early: each
//!   `download_many` takes its codes through it, so no new request starts,
//!   the ones in flight finish, and the report follows;
//! * a second signal quits at once, but first takes [`SAVING`] whole, which
//!   every [`save_flag`](crate::save_flag) under way holds (shared), so no
//!   temporary file is ever left half-written.

use std::process;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use flags_server::console::warn;
/// The signal that stopped the run, if one did.
pub(crate) use flags_server::signals::stop_signal;
use flags_server::signals::{self, Signal, Stop};

use crate::progress::Progress;

/// Shared by each save under way; taken whole before quitting at once.
static SAVING: RwLock<()> = RwLock::new(());

/// The codes, in order, until a stop signal arrives: the gate that makes
/// every concurrency model stop starting requests.
pub fn until_interrupted(cc_list: &[String]) -> impl Iterator<Item = &str> + Send {
    cc_list.iter().map(String::as_str).take_while(|_| stop_signal().is_none())
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
    if let Err(err) = signals::listen(move |stop| on_signal(stop, &progress)) {
        warn(format_args!("warning: Ctrl-C will stop the run without a report: {err}"));
    }
}

/// The first signal stops the run; the next one quits at once.
fn on_signal(stop: Stop, progress: &Progress) {
    match stop {
        Stop::First(signal) => {
            let again = match signal {
                Signal::INTERRUPT => "Ctrl-C again",
                _ => "send it again",
            };
            let name = signal.name();
            progress.notice(&format!(
                "{name}: finishing the downloads in flight ({again} to quit now)"
            ));
        }
        Stop::Again(signal) => {
            let _no_more_saves = SAVING.write().unwrap_or_else(PoisonError::into_inner);
            progress.quit("Stopped at once: the flags in downloaded/ are all complete.");
            process::exit(signal.exit_status().into());
        }
    }
}
