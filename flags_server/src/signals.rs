//! The stop signals: Ctrl-C (SIGINT), `kill`'s SIGTERM and a closed
//! terminal's SIGHUP, which all mean "stop, please".
//!
//! Python raises `KeyboardInterrupt` wherever the main thread happens to be,
//! and flags2 catches it around its loop. Rust has no such exception: a
//! signal would just end the process, half-written files, running children
//! and all. So every binary of the workspace (the three downloaders,
//! flags_server and flags_compare) catches the signals here, the same way:
//!
//! * they are received on a thread of their own (signal-hook's iterator on
//!   Unix, the ctrlc crate on Windows), where it is safe to print, lock and
//!   send on a channel, which a signal handler proper may not do;
//! * the first one is remembered ([`stop_signal`]) and handed over as
//!   [`Stop::First`]: finish what is under way, start nothing new; any later
//!   one is [`Stop::Again`]: quit now;
//! * the same signal twice within [`SAME_SIGNAL`] counts once, because
//!   `timeout` sends its signal to the program and then again to the
//!   program's process group, and no one presses Ctrl-C twice that fast;
//! * a program stopped by a signal exits with 128 + its number, as shells
//!   report it: [`Signal::exit_code`].

use std::io;
use std::process::ExitCode;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// SIGINT's number, which Windows uses too for Ctrl-C.
const SIGINT: i32 = 2;

/// The same signal twice within this time is one request to stop.
pub const SAME_SIGNAL: Duration = Duration::from_millis(200);

/// The first stop signal's number, or 0 while none has come.
static FIRST: AtomicI32 = AtomicI32::new(0);

/// A stop signal, by its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signal(i32);

/// What a signal asks of the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The first signal: finish what is under way, start nothing new.
    First(Signal),
    /// Another one after it: quit now.
    Again(Signal),
}

impl Signal {
    /// Ctrl-C.
    pub const INTERRUPT: Signal = Signal(SIGINT);

    /// Its number: 2 for SIGINT, 15 for SIGTERM.
    pub fn number(self) -> i32 {
        self.0
    }

    /// What a person would call it: `Ctrl-C`, `SIGTERM`, `SIGHUP`.
    pub fn name(self) -> &'static str {
        #[cfg(unix)]
        match self.0 {
            signal_hook::consts::SIGTERM => return "SIGTERM",
            signal_hook::consts::SIGHUP => return "SIGHUP",
            _ => {}
        }
        "Ctrl-C"
    }

    /// The exit status of a program it stopped: 128 + its number, as shells
    /// report it (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
    pub fn exit_status(self) -> u8 {
        u8::try_from(128 + self.0).unwrap_or(u8::MAX)
    }

    /// [`exit_status`](Signal::exit_status), for `main` to return.
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(self.exit_status())
    }
}

/// The first stop signal this process received, if one came.
pub fn stop_signal() -> Option<Signal> {
    match FIRST.load(Ordering::Relaxed) {
        0 => None,
        number => Some(Signal(number)),
    }
}

/// Catches the stop signals from now on, instead of dying of them, and
/// calls `on_stop` for each, on a thread of its own. Call it once, early.
pub fn listen(mut on_stop: impl FnMut(Stop) + Send + 'static) -> io::Result<()> {
    let mut first: Option<(Signal, Instant)> = None;
    receive(move |signal| match first {
        Some((earlier, at)) if earlier == signal && at.elapsed() < SAME_SIGNAL => {}
        Some(_) => on_stop(Stop::Again(signal)),
        None => {
            first = Some((signal, Instant::now()));
            FIRST.store(signal.0, Ordering::Relaxed);
            on_stop(Stop::First(signal));
        }
    })
}

#[cfg(unix)]
fn receive(mut handler: impl FnMut(Signal) + Send + 'static) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    use signal_hook::iterator::Signals;

    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let receive = move || signals.forever().for_each(|number| handler(Signal(number)));
    std::thread::Builder::new().name("signals".into()).spawn(receive).map(drop)
}

#[cfg(not(unix))]
fn receive(mut handler: impl FnMut(Signal) + Send + 'static) -> io::Result<()> {
    ctrlc::set_handler(move || handler(Signal::INTERRUPT)).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_s_exit_status_is_128_plus_its_number() {
        assert_eq!(Signal::INTERRUPT.exit_status(), 130);
        assert_eq!(Signal(15).exit_status(), 143);
        assert_eq!(Signal::INTERRUPT.name(), "Ctrl-C");
    }
}
