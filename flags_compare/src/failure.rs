//! How a comparison ends early, and the exit status that tells why.

use std::process::ExitCode;

/// SIGINT's number, which Windows uses too for Ctrl-C.
pub const SIGINT: i32 = 2;
/// SIGTERM's number.
pub const SIGTERM: i32 = 15;

/// Why the comparison stopped before the end.
#[derive(Debug)]
pub enum Failure {
    /// Something went wrong: a program is missing, could not run, or failed.
    Error(String),
    /// A stop signal arrived (2 for Ctrl-C's SIGINT, 15 for SIGTERM); the
    /// children were stopped and the temporary folders removed on the way.
    Signal(i32),
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Error(message)
    }
}

impl Failure {
    /// Why a child (a program, a probe) ended badly: its exit `status`, and
    /// the first thing it said on `stderr`, which is what went wrong. 130 and
    /// 143 mean that Ctrl-C in the terminal, or SIGTERM, reached it too.
    pub fn of_exit(who: &str, status: i32, stderr: &str) -> Failure {
        match status {
            130 => Failure::Signal(SIGINT),
            143 => Failure::Signal(SIGTERM),
            _ => {
                let first = first_line(stderr).unwrap_or("no message");
                Failure::Error(format!("{who} exited with status {status}: {first}"))
            }
        }
    }

    /// Says why, in one line on stderr, and gives the exit status: 1 for an
    /// error, 128 + the signal's number for a signal, as shells report it.
    pub fn exit(self) -> ExitCode {
        match self {
            Failure::Error(message) => {
                eprintln!("flags_compare: {message}");
                ExitCode::FAILURE
            }
            Failure::Signal(signal) => {
                eprintln!(
                    "flags_compare: stopped by {}; the site and the program too",
                    name(signal)
                );
                ExitCode::from(u8::try_from(128 + signal).unwrap_or(u8::MAX))
            }
        }
    }
}

/// The first line of `text` that says something.
pub fn first_line(text: &str) -> Option<&str> {
    text.lines().find(|line| !line.trim().is_empty())
}

fn name(signal: i32) -> &'static str {
    match signal {
        2 => "Ctrl-C (SIGINT)",
        15 => "SIGTERM",
        _ => "a signal",
    }
}
