//! Ctrl-C: stop starting requests, finish the ones in flight, report.
//!
//! Python raises `KeyboardInterrupt` wherever the main thread happens to be;
//! flags2 catches it around its loop. Rust has no such exception: the handler
//! (on its own thread) sets a flag, and [`Plan::cc_list`](crate::Plan::cc_list)
//! stops handing out codes once it is set. So all three programs stop the
//! same way, without a line of signal code of their own.

use std::process;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

/// The exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells use.
pub const INTERRUPTED_STATUS: u8 = 130;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Held while a file is being saved; a second Ctrl-C takes it whole before it
/// quits, so that no half-written temporary file is ever left behind.
static SAVING: RwLock<()> = RwLock::new(());

/// Installs the Ctrl-C handler. Without one (an exotic platform) Ctrl-C
/// still stops the program, just without the report.
pub fn install() {
    if let Err(err) = ctrlc::set_handler(on_ctrl_c) {
        eprintln!("warning: Ctrl-C will stop the run without a report: {err}");
    }
}

/// Has Ctrl-C been pressed?
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

pub(crate) fn saving() -> RwLockReadGuard<'static, ()> {
    SAVING.read().unwrap_or_else(PoisonError::into_inner)
}

fn on_ctrl_c() {
    if INTERRUPTED.swap(true, Ordering::Relaxed) {
        let _no_more_saves = SAVING.write().unwrap_or_else(PoisonError::into_inner);
        process::exit(INTERRUPTED_STATUS.into());
    }
    eprintln!("\nInterrupted: finishing the requests in flight (Ctrl-C again to quit now)");
}
