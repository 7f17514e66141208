//! How each code ended, and the tally of a run: flags2's `DownloadStatus`
//! and its `collections.Counter`.

use std::iter::Sum;
use std::ops::{Add, AddAssign};

use crate::{Error, Result};

/// How one code ended (flags2's `DownloadStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Downloaded and saved.
    Ok,
    /// The site has no such flag (HTTP 404): a normal answer, not a failure.
    NotFound,
    /// Anything else went wrong; the run will exit with status 1.
    Error,
}

impl Outcome {
    /// Sorts a download's result as flags2's `download_one` does: 404 is
    /// "not found", every other failure is an error.
    pub fn of<T>(result: &Result<T>) -> Outcome {
        match result {
            Ok(_) => Outcome::Ok,
            Err(Error::Status(404)) => Outcome::NotFound,
            Err(_) => Outcome::Error,
        }
    }
}

/// How many codes ended each way. Counters are plain values: each thread or
/// task counts its own, and they add up at the end, with no shared state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
}

impl Counter {
    /// The number of codes that were tried.
    pub fn total(&self) -> usize {
        self.ok + self.not_found + self.errors
    }
}

impl AddAssign<Outcome> for Counter {
    fn add_assign(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Ok => self.ok += 1,
            Outcome::NotFound => self.not_found += 1,
            Outcome::Error => self.errors += 1,
        }
    }
}

impl Add for Counter {
    type Output = Counter;

    fn add(self, other: Counter) -> Counter {
        Counter {
            ok: self.ok + other.ok,
            not_found: self.not_found + other.not_found,
            errors: self.errors + other.errors,
        }
    }
}

/// `workers.map(join).sum()`: the thread pool adds up its workers' counters.
impl Sum for Counter {
    fn sum<I: Iterator<Item = Counter>>(counters: I) -> Counter {
        counters.fold(Counter::default(), Add::add)
    }
}

/// `outcomes.collect()`, for iterators and (through `Default`) streams.
impl Extend<Outcome> for Counter {
    fn extend<I: IntoIterator<Item = Outcome>>(&mut self, outcomes: I) {
        outcomes.into_iter().for_each(|outcome| *self += outcome);
    }
}

impl FromIterator<Outcome> for Counter {
    fn from_iter<I: IntoIterator<Item = Outcome>>(outcomes: I) -> Counter {
        let mut counter = Counter::default();
        counter.extend(outcomes);
        counter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_sort_like_flags2() {
        assert_eq!(Outcome::of(&Ok(())), Outcome::Ok);
        assert_eq!(Outcome::of::<()>(&Err(Error::Status(404))), Outcome::NotFound);
        assert_eq!(Outcome::of::<()>(&Err(Error::Status(500))), Outcome::Error);
        assert_eq!(Outcome::of::<()>(&Err(Error::TooBig)), Outcome::Error);
    }

    #[test]
    fn counters_collect_and_add_up() {
        let outcomes = [Outcome::Ok, Outcome::Error, Outcome::Ok, Outcome::NotFound];
        let counter: Counter = outcomes.into_iter().collect();
        assert_eq!((counter.ok, counter.not_found, counter.errors), (2, 1, 1));
        let sum: Counter = [counter, counter].into_iter().sum();
        assert_eq!(sum.total(), 8);
    }
}
