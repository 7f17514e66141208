//! How the site misbehaves: latency, random errors, and faults per flag.
//!
//! The book's `slow_server.py` adds a delay and a random error rate, so that
//! the downloaders meet the slowness and the failures of the real network.
//! [`Fault`] goes further: the ways a download can break that an error
//! status can't show (a server that never answers, a connection reset, a
//! body cut short or far too long, a redirect).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::time::Duration;

/// A fault injected for one country code's flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Never answer (until the client gives up and closes).
    Hang,
    /// Close the connection with a TCP RST, no response at all.
    Reset,
    /// 200 with the full Content-Length, send only half the body, then close.
    Truncate,
    /// 200 with a 64 MiB body, streamed in chunks.
    Oversize,
    /// 301 to the same path with `?redirected` appended; that request is
    /// served normally.
    Redirect,
    /// Answer with this status and a short text body. (Statuses that
    /// can't have a body, such as 204 and 304, go without; hyper refuses to
    /// end a request with 100 Continue and sends 500 instead.)
    Status(u16),
}

impl fmt::Display for Fault {
    /// The spelling [`Fault::from_str`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Hang => f.write_str("hang"),
            Fault::Reset => f.write_str("reset"),
            Fault::Truncate => f.write_str("truncate"),
            Fault::Oversize => f.write_str("oversize"),
            Fault::Redirect => f.write_str("redirect"),
            Fault::Status(status) => write!(f, "{status}"),
        }
    }
}

/// The error for a fault name [`Fault::from_str`] doesn't know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFaultError(String);

impl fmt::Display for ParseFaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown fault {:?}: expected hang, reset, truncate, oversize, redirect \
             or an HTTP status from 100 to 599",
            self.0
        )
    }
}

impl std::error::Error for ParseFaultError {}

impl FromStr for Fault {
    type Err = ParseFaultError;

    /// `hang`, `reset`, `truncate`, `oversize`, `redirect` (any case), or a
    /// status number from 100 to 599.
    fn from_str(text: &str) -> Result<Fault, ParseFaultError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "hang" => Ok(Fault::Hang),
            "reset" => Ok(Fault::Reset),
            "truncate" => Ok(Fault::Truncate),
            "oversize" => Ok(Fault::Oversize),
            "redirect" => Ok(Fault::Redirect),
            other => match other.parse() {
                Ok(status @ 100..=599) => Ok(Fault::Status(status)),
                _ => Err(ParseFaultError(text.to_owned())),
            },
        }
    }
}

/// How the site behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Each request sleeps a uniformly random time in this range before
    /// answering (404s too).
    pub delay: RangeInclusive<Duration>,
    /// The probability of answering 418 I'm a Teapot instead (after the
    /// delay), like `slow_server.py --error-rate`.
    pub error_rate: f64,
    /// Faults keyed by UPPER-case code; each applies to that code's flag.
    pub faults: BTreeMap<String, Fault>,
}

impl Default for Config {
    /// A well-behaved site: no delay, no errors, no faults.
    fn default() -> Config {
        Config { delay: Duration::ZERO..=Duration::ZERO, error_rate: 0.0, faults: BTreeMap::new() }
    }
}

impl Config {
    /// A site that answers after `seconds` ± `jitter` (never below zero).
    pub fn with_latency(seconds: f64, jitter: f64) -> Config {
        Config { delay: secs(seconds - jitter)..=secs(seconds + jitter), ..Config::default() }
    }

    /// A delay drawn uniformly from [`Config::delay`].
    pub(crate) fn pick_delay(&self) -> Duration {
        let nanos = |time: &Duration| u64::try_from(time.as_nanos()).unwrap_or(u64::MAX);
        let (low, high) = (nanos(self.delay.start()), nanos(self.delay.end()));
        // An empty or one-point range has nothing to choose from.
        if low >= high {
            return Duration::from_nanos(low);
        }
        Duration::from_nanos(fastrand::u64(low..=high))
    }

    /// Whether this request draws the short straw and gets a 418.
    pub(crate) fn roll_error(&self) -> bool {
        fastrand::f64() < self.error_rate
    }

    /// The fault for flag `cc` (any case), if there is one.
    pub(crate) fn fault_for(&self, cc: &str) -> Option<Fault> {
        self.faults.get(&cc.to_ascii_uppercase()).copied()
    }
}

/// Seconds as a `Duration`: negative and NaN become zero, huge saturates.
fn secs(seconds: f64) -> Duration {
    if seconds.is_nan() || seconds <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_and_print_back() {
        let kinds = ["hang", "reset", "truncate", "oversize", "redirect", "503", "100", "599"];
        for kind in kinds {
            let fault: Fault = kind.parse().unwrap_or(Fault::Status(0));
            assert_eq!(fault.to_string(), kind);
        }
        assert_eq!(" Reset ".parse(), Ok(Fault::Reset));
    }

    #[test]
    fn bad_faults_say_what_is_expected() {
        for bad in ["", "slow", "99", "600", "-1", "5O3"] {
            let err = bad.parse::<Fault>().err().map(|err| err.to_string());
            let message = err.unwrap_or_default();
            assert!(message.contains("expected hang, reset"), "{bad:?}: {message}");
        }
    }

    #[test]
    fn latency_is_clamped_at_zero() {
        let config = Config::with_latency(0.1, 0.3);
        assert_eq!(config.delay, Duration::ZERO..=Duration::from_millis(400));
        assert_eq!(Config::with_latency(f64::NAN, 0.0).delay, Config::default().delay);
    }

    #[test]
    fn delays_stay_in_range() {
        let config = Config::with_latency(0.5, 0.25);
        for _ in 0..100 {
            assert!(config.delay.contains(&config.pick_delay()));
        }
        let backwards =
            Config { delay: Duration::from_secs(2)..=Duration::from_secs(1), ..Config::default() };
        assert_eq!(backwards.pick_delay(), Duration::from_secs(2));
    }
}
