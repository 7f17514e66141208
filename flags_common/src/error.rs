//! The project's one error type.
//!
//! Python's flags2 sorts a download's failure with `except` clauses:
//! `HTTPStatusError` with 404 is "not found", any other exception is an
//! error. Here every failure becomes an [`Error`], so each program can use `?`
//! from the first request to the saved file, and
//! [`DownloadStatus`](crate::DownloadStatus) sorts it the same way flags2 does.
//!
//! The HTTP clients' own errors become [`Error`]s in `with_ureq` and
//! `with_reqwest`, in the same words for the same failure.

use std::{fmt, io};

/// The result of a step that can fail, with the project's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a flag could not be downloaded and saved, or a run could not start.
#[derive(Debug)]
pub enum Error {
    /// The server answered with a status other than 200 (404: no such flag).
    Status { code: u16, url: String },
    /// Anything else: a refused or reset connection, a timeout, a short body,
    /// a page that is not a flag, a full disk. The text says what happened.
    Other(String),
}

impl Error {
    /// An error from any source, keeping the whole chain of causes, because
    /// the last one ("Connection refused") is often the one that explains.
    pub fn other(err: &dyn std::error::Error) -> Error {
        let mut text = err.to_string();
        let mut source = err.source();
        while let Some(cause) = source {
            let cause_text = cause.to_string();
            if !text.contains(&cause_text) {
                text = format!("{text}: {cause_text}");
            }
            source = cause.source();
        }
        Error::Other(text)
    }
}

impl fmt::Display for Error {
    /// The words of flags2's report: `HTTP error 418 - I'm a teapot`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Status { code, .. } => {
                let reason = http::StatusCode::from_u16(*code).ok();
                let reason = reason.and_then(|status| status.canonical_reason());
                write!(f, "HTTP error {code} - {}", reason.unwrap_or("Unknown"))
            }
            Error::Other(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Error {
        Error::other(&err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_errors_speak_like_flags2() {
        let status = |code| Error::Status { code, url: String::new() }.to_string();
        assert_eq!(status(418), "HTTP error 418 - I'm a teapot");
        assert_eq!(status(599), "HTTP error 599 - Unknown");
    }

    /// An error caused by another, like a client's "error sending request".
    #[derive(Debug)]
    struct Sending(io::Error);

    impl fmt::Display for Sending {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("error sending request")
        }
    }

    impl std::error::Error for Sending {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn other_errors_keep_their_causes() {
        let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "Connection refused");
        let text = Error::other(&Sending(refused)).to_string();
        assert_eq!(text, "error sending request: Connection refused");
    }
}
