//! How a comparison ends early, and the exit status that tells why.

use std::process::ExitCode;

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

fn name(signal: i32) -> &'static str {
    match signal {
        2 => "Ctrl-C (SIGINT)",
        15 => "SIGTERM",
        _ => "a signal",
    }
}
