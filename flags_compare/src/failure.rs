//! How a mode ends early, and the exit status that tells why.

use std::process::ExitCode;

use flags_server::console::warn;
use flags_server::signals::{self, Signal};

/// Why a mode stopped before the end.
#[derive(Debug)]
pub enum Failure {
    /// Something went wrong: a program is missing, could not run, or failed.
    Error(String),
    /// A stop signal arrived (Ctrl-C, SIGTERM, SIGHUP); the children were
    /// stopped and the temporary folders removed on the way.
    Signal(Signal),
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Error(message)
    }
}

impl Failure {
    /// Why a child (a program, a probe) ended badly: its exit `status`, and
    /// the first thing it said on `stderr`, which is what went wrong.
    ///
    /// Ctrl-C in a terminal reaches the child too (both are in its
    /// foreground process group): it exits with the signal's status, 130,
    /// and by then this process has the same signal (its signal thread
    /// wakes at once; a program takes longer to stop). That is the stop,
    /// not the child's failure.
    pub fn of_exit(who: &str, status: i32, stderr: &str) -> Failure {
        match signals::stop_signal() {
            Some(signal) if status == i32::from(signal.exit_status()) => Failure::Signal(signal),
            _ => {
                let first = first_line(stderr).unwrap_or("no message");
                Failure::Error(format!("{who} exited with status {status}: {first}"))
            }
        }
    }

    /// Says why, in one line on stderr, and gives the exit status: 1 for an
    /// error, the signal's (128 + its number) for a signal.
    pub fn exit(self) -> ExitCode {
        match self {
            Failure::Error(message) => {
                warn(format_args!("flags_compare: {message}"));
                ExitCode::FAILURE
            }
            Failure::Signal(signal) => {
                let name = signal.name();
                warn(format_args!(
                    "flags_compare: stopped by {name}; the site and the program too"
                ));
                signal.exit_code()
            }
        }
    }
}

/// The first line of `text` that says something.
pub fn first_line(text: &str) -> Option<&str> {
    text.lines().find(|line| !line.trim().is_empty())
}
