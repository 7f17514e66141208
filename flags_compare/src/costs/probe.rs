//! The hidden mode `flags_compare __probe KIND N URL`: one figure of
//! `--costs`, in a process of its own.
//!
//! It holds N of KIND alive at once (N = 0: none, the baseline), reads its
//! own memory while they are (see `memory`), prints it as one line of JSON,
//! `{"peak_rss_bytes":3387392,"anon_rss_bytes":1347584}` (`null` where the
//! system can't tell), and exits. A process's peak never goes down: only a fresh process for
//! each figure shows what N of one thing cost, and nothing else. URL is
//! the `flags_server` that the connection probes GET a flag from; it must
//! be on this machine, as the probes go to it directly, never by a proxy.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::process::ExitCode;

use serde::{Deserialize, Serialize};

use super::{Kind, threads, waiting, with_reqwest, with_ureq};
use crate::memory::Own;

/// The first argument that makes flags_compare a probe.
pub const MODE: &str = "__probe";

/// What a probe prints.
#[derive(Serialize, Deserialize)]
pub struct ProbeLine {
    /// The probe's own peak resident memory, in bytes (`VmHWM`).
    pub peak_rss_bytes: Option<u64>,
    /// Its anonymous memory with all N alive, in bytes (`RssAnon`).
    pub anon_rss_bytes: Option<u64>,
}

/// The arguments after `__probe`, if this process is a probe. Read before
/// clap, which knows nothing of this mode.
pub fn requested() -> Option<Vec<OsString>> {
    let mut args = std::env::args_os();
    (args.nth(1)? == MODE).then(|| args.collect())
}

/// Runs the probe: status 0 and the line, or one line on stderr and
/// status 2 (bad arguments) or 1 (the probe failed).
pub fn main(args: &[OsString]) -> ExitCode {
    let (kind, n, url) = match parse(args) {
        Ok(parsed) => parsed,
        Err(message) => return fail(&message, 2),
    };
    match hold(kind, n, &url) {
        Ok(own) => {
            let line = ProbeLine { peak_rss_bytes: own.peak, anon_rss_bytes: own.anon };
            let line = serde_json::to_string(&line);
            println!("{}", line.unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(message) => fail(&format!("{} N={n}: {message}", kind.name()), 1),
    }
}

fn fail(message: &str, status: u8) -> ExitCode {
    eprintln!("flags_compare {MODE}: {message}");
    ExitCode::from(status)
}

fn parse(args: &[OsString]) -> Result<(Kind, usize, String), String> {
    let usage = || format!("usage: flags_compare {MODE} threads|futures|ureq|reqwest N URL");
    let args: Option<Vec<&str>> = args.iter().map(|arg| arg.to_str()).collect();
    let Some([kind, n, url]) = args.as_deref() else { return Err(usage()) };
    let kind = Kind::parse(kind).ok_or_else(usage)?;
    let n = n.parse().map_err(|_| format!("N must be a whole number, not {n:?}"))?;
    if on_loopback(url) {
        Ok((kind, n, url.to_string()))
    } else {
        Err(format!("{url} is not http://127.0.0.1:PORT/... (nor [::1])"))
    }
}

/// Whether `url` is `http://` an IP address of this machine, with a port:
/// `flags_server` says so, and a proxy is never asked for such an address.
fn on_loopback(url: &str) -> bool {
    let authority = url.strip_prefix("http://").and_then(|rest| rest.split('/').next());
    let addr = authority.and_then(|authority| authority.parse::<SocketAddr>().ok());
    addr.is_some_and(|addr| addr.ip().is_loopback())
}

/// Holds `n` of `kind`; this process's memory while all are alive.
fn hold(kind: Kind, n: usize, url: &str) -> Result<Own, String> {
    // N connections take N file descriptors, more than the usual 1024.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    match kind {
        Kind::Threads => threads::hold(n),
        Kind::Futures => waiting::hold(n),
        Kind::Ureq => with_ureq::hold(n, url),
        Kind::Reqwest => with_reqwest::hold(n, url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_probed() {
        assert!(on_loopback("http://127.0.0.1:8001/flags"));
        assert!(on_loopback("http://[::1]:8001/flags"));
        for far in ["http://10.0.0.1:80/flags", "https://127.0.0.1:1/", "http://localhost:80/"] {
            assert!(!on_loopback(far), "{far}");
        }
    }

    #[test]
    fn bad_arguments_are_refused() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        let url = "http://127.0.0.1:1/flags";
        assert!(parse(&args(&["threads", "3", url])).is_ok());
        for bad in [&["threads", "3"][..], &["fibers", "3", url], &["threads", "-1", url]] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
    }
}
