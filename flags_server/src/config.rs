//! How the site behaves: latency, random errors, faults, idle connections,
//! HTTP/2's streams and GOAWAY, and whether it logs.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::time::Duration;

use crate::fault::Fault;
use crate::records::FileKind;

/// The streams an HTTP/2 connection may have open at once, by default:
/// 1000, the most that any program here asks for (`-m` stops at 1000), so
/// that out of the box the site never decides how many requests fly at
/// once: the client's model does, as over HTTP/1.1, and `flags_async
/// --http2 -e` sends all 676 down one connection. Real sites cap lower
/// (Apache at 100, the least RFC 9113 §6.5.2 recommends; nginx at 128, Go
/// at 250, hyper at 200): `--max-streams 100` shows what that does, waves
/// of 100 set by the server.
pub const DEFAULT_MAX_STREAMS: u32 = 1000;

/// How the site behaves. `Config::default()` is a plain static site, like
/// `python3 -m http.server`; the builder methods add the rest:
///
/// ```
/// use flags_server::{Config, Fault};
///
/// let html = "<html><body>Sorry, we moved</body></html>";
/// let config = Config::with_latency(0.05, 0.0)
///     .with_fault("BR", Fault::Reset)
///     .with_fault("IN", Fault::body("text/html", html))
///     .with_metadata_fault("CN", Fault::body("application/json", r#"{"country": "../../etc"}"#))
///     .with_error_rate(0.1);
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    /// Each GET of a file sleeps a uniformly random time in this range
    /// before answering (404s too, like `slow_server.py`; directory pages
    /// and HEAD answer at once).
    pub delay: RangeInclusive<Duration>,
    /// The probability of answering a GET of a file with 418 I'm a Teapot
    /// instead (after the delay), like `slow_server.py --error-rate`.
    pub error_rate: f64,
    /// Faults for flags (`/flags/{cc}/{cc}.gif`), keyed by UPPER-case code.
    pub faults: BTreeMap<String, Fault>,
    /// Faults for metadata (`/flags/{cc}/metadata.json`), keyed by
    /// UPPER-case code.
    pub metadata_faults: BTreeMap<String, Fault>,
    /// Close a kept-alive HTTP/1.1 connection that stays idle longer than
    /// this, as Apache's KeepAliveTimeout does (a new connection that sends
    /// nothing for that long too); `None` keeps it open until the client
    /// closes it. hyper's HTTP/2 server has no idle timer: an HTTP/2
    /// connection stays open until its client closes it.
    pub idle_timeout: Option<Duration>,
    /// HTTP/2: how many streams a connection may have open at once, which
    /// the site advertises as SETTINGS_MAX_CONCURRENT_STREAMS. A client that
    /// opens more before it has read that setting gets the extra ones
    /// refused (RST_STREAM REFUSED_STREAM), as RFC 9113 §5.1.2 says.
    /// [`DEFAULT_MAX_STREAMS`] unless set.
    pub max_streams: u32,
    /// HTTP/2: after this many streams on a connection, say GOAWAY, answer
    /// those streams and close, as nginx does after `keepalive_requests`;
    /// `None` never does. HTTP/1.1 connections are not affected.
    ///
    /// hyper's graceful shutdown, which does it, follows RFC 9113 §6.8 to
    /// the letter: a first GOAWAY naming the largest possible stream id, a
    /// PING, and once the client answers it a second GOAWAY naming the last
    /// stream the site had received by then. No public API of hyper or of
    /// the `h2` crate sends one GOAWAY naming a chosen stream, and both take
    /// in a client's streams as they arrive; so when a client opens more
    /// than this many at once, the last GOAWAY names a later stream than
    /// the `n`th. Those later streams are refused unprocessed all the same
    /// (RST_STREAM REFUSED_STREAM, which RFC 9113 §8.7 makes as safe to
    /// retry as a stream above the GOAWAY's): the site answers exactly
    /// `n` streams, and records only those.
    pub goaway_after: Option<u64>,
    /// Print a line per request on stderr. The binary does, unless told
    /// `--quiet`; a site inside a program or a test stays silent.
    pub log_requests: bool,
}

impl Default for Config {
    /// A well-behaved, silent site: no delay, no errors, no faults.
    fn default() -> Config {
        Config {
            delay: Duration::ZERO..=Duration::ZERO,
            error_rate: 0.0,
            faults: BTreeMap::new(),
            metadata_faults: BTreeMap::new(),
            idle_timeout: None,
            max_streams: DEFAULT_MAX_STREAMS,
            goaway_after: None,
            log_requests: false,
        }
    }
}

impl Config {
    /// A site that answers after `seconds` ± `jitter` (never below zero).
    pub fn with_latency(seconds: f64, jitter: f64) -> Config {
        Config { delay: secs(seconds - jitter)..=secs(seconds + jitter), ..Config::default() }
    }

    /// The same, with `fault` on the flag of `cc` (any case).
    pub fn with_fault(mut self, cc: &str, fault: Fault) -> Config {
        self.faults.insert(cc.to_ascii_uppercase(), fault);
        self
    }

    /// The same, with `fault` on the metadata of `cc` (any case).
    pub fn with_metadata_fault(mut self, cc: &str, fault: Fault) -> Config {
        self.metadata_faults.insert(cc.to_ascii_uppercase(), fault);
        self
    }

    /// The same, answering 418 with probability `rate`.
    pub fn with_error_rate(self, rate: f64) -> Config {
        Config { error_rate: rate, ..self }
    }

    /// The same, closing connections idle for longer than `timeout`.
    pub fn with_idle_timeout(self, timeout: Duration) -> Config {
        Config { idle_timeout: Some(timeout), ..self }
    }

    /// The same, letting an HTTP/2 connection have `max` streams open at once.
    pub fn with_max_streams(self, max: u32) -> Config {
        Config { max_streams: max, ..self }
    }

    /// The same, saying GOAWAY on an HTTP/2 connection after `streams` streams.
    pub fn with_goaway_after(self, streams: u64) -> Config {
        Config { goaway_after: Some(streams), ..self }
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

    /// The fault for this file of `cc` (upper case), if there is one.
    pub(crate) fn fault_for(&self, cc: &str, file: FileKind) -> Option<&Fault> {
        match file {
            FileKind::Flag => self.faults.get(cc),
            FileKind::Metadata => self.metadata_faults.get(cc),
            FileKind::Other => None,
        }
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

    #[test]
    fn faults_go_to_the_file_they_name() {
        let config = Config::default()
            .with_fault("br", Fault::Reset)
            .with_metadata_fault("Cn", Fault::Status(503));
        assert_eq!(config.fault_for("BR", FileKind::Flag), Some(&Fault::Reset));
        assert_eq!(config.fault_for("BR", FileKind::Metadata), None);
        assert_eq!(config.fault_for("CN", FileKind::Metadata), Some(&Fault::Status(503)));
        assert_eq!(config.fault_for("CN", FileKind::Flag), None);
        assert_eq!(config.fault_for("BR", FileKind::Other), None);
    }
}
