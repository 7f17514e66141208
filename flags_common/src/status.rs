//! How each code ended, and the tally of a run: flags2's `DownloadStatus`
//! and its `collections.Counter`.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// How one code ended (flags2's `DownloadStatus`). Python's enum is three
/// bare names and the reason for an error travels apart, in an exception;
/// here the reason rides along, so a `Vec<DownloadStatus>` is the whole story.
#[derive(Debug)]
pub enum DownloadStatus {
    /// Downloaded and saved.
    Ok,
    /// The site has no such flag (HTTP 404): a normal answer, not a failure.
    /// The URL that was not found.
    NotFound(String),
    /// Anything else went wrong, and why; the run will exit with status 1.
    Error(Error),
}

impl From<Result<()>> for DownloadStatus {
    /// Sorts a download's result as flags2's `download_one` does: 404 is
    /// "not found", every other failure is an error.
    fn from(result: Result<()>) -> DownloadStatus {
        match result {
            Ok(()) => DownloadStatus::Ok,
            Err(Error::Status { code: 404, url }) => DownloadStatus::NotFound(url),
            Err(err) => DownloadStatus::Error(err),
        }
    }
}

/// The tally of a run: flags2's `Counter[DownloadStatus]`, with the errors
/// counted by reason.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Counter {
    pub ok: usize,
    pub not_found: usize,
    pub errors: BTreeMap<String, usize>,
}

impl Counter {
    pub fn error_count(&self) -> usize {
        self.errors.values().sum()
    }

    /// How many codes were tried.
    pub fn total(&self) -> usize {
        self.ok + self.not_found + self.error_count()
    }
}

impl<'a> FromIterator<&'a DownloadStatus> for Counter {
    fn from_iter<I: IntoIterator<Item = &'a DownloadStatus>>(statuses: I) -> Counter {
        let mut counter = Counter::default();
        for status in statuses {
            match status {
                DownloadStatus::Ok => counter.ok += 1,
                DownloadStatus::NotFound(_) => counter.not_found += 1,
                DownloadStatus::Error(err) => {
                    *counter.errors.entry(err.to_string()).or_default() += 1
                }
            }
        }
        counter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> DownloadStatus {
        DownloadStatus::from(Err(Error::Status { code, url: "http://h/flags/xx/xx.gif".into() }))
    }

    #[test]
    fn statuses_sort_like_flags2() {
        assert!(matches!(DownloadStatus::from(Ok(())), DownloadStatus::Ok));
        assert!(matches!(status(404), DownloadStatus::NotFound(url) if url.ends_with("xx.gif")));
        assert!(matches!(status(500), DownloadStatus::Error(_)));
        let too_big = DownloadStatus::from(Err(crate::error::too_big()));
        assert!(
            matches!(too_big, DownloadStatus::Error(err) if err.to_string() == "body larger than 4 MiB")
        );
    }

    #[test]
    fn errors_are_counted_by_reason() {
        let statuses = [DownloadStatus::Ok, status(418), status(404), status(418), status(503)];
        let counter: Counter = statuses.iter().collect();
        assert_eq!((counter.ok, counter.not_found, counter.error_count()), (1, 1, 3));
        let reasons: Vec<(&str, usize)> =
            counter.errors.iter().map(|(reason, n)| (reason.as_str(), *n)).collect();
        let teapot = "HTTP error 418 - I'm a teapot";
        assert_eq!(reasons, [(teapot, 2), ("HTTP error 503 - Service Unavailable", 1)]);
        assert_eq!(counter.total(), 5);
    }
}
