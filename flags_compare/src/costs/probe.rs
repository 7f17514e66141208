//! The hidden subcommand `flags_compare __probe KIND N URL`: one figure of
//! `costs`, in a process of its own.
//!
//! It holds N of KIND alive at once (N = 0: none, the baseline), reads its
//! own memory while they are (see `memory`), prints it as one line of JSON,
//! and exits:
//!
//! ```json
//! {"peak_rss_bytes":3387392,"anon_rss_bytes":1347584,"alive":100,"start_secs":0.0041,"refused":null}
//! ```
//!
//! (`null` where the system can't tell, or where the kind has no start:
//! the connection probes' time is their GETs'.) Where the system refuses a
//! thread, the probe stops starting them and reports what it has: `alive`
//! below N, the memory of those, and `refused`, the system's error and the
//! limit it met if one can tell (see `limits`). It never panics over
//! it: a refusal is a result here. A process's peak never goes down: only a
//! fresh process for each figure shows what N of one thing cost, and
//! nothing else. URL is
//! the `flags_server` that the connection probes GET a flag from; it must
//! be on this machine, as the probes go to it directly, never by a proxy.

use std::net::SocketAddr;

use clap::Args;
use flags_server::console::say;
use serde::{Deserialize, Serialize};

use super::held::{Held, Refusal};
use super::{Kind, threads, waiting, with_reqwest, with_ureq};
use crate::failure::Failure;

/// The hidden subcommand that makes flags_compare a probe.
pub const MODE: &str = "__probe";

/// A probe's arguments, as `spawn` passes them.
#[derive(Args, Debug)]
pub struct ProbeArgs {
    /// What to hold N of
    #[arg(value_enum)]
    pub kind: Kind,
    /// How many at once; 0 for none, the baseline
    pub n: usize,
    /// The site to GET a flag from: http://127.0.0.1:PORT/... (or `[::1]`)
    #[arg(value_parser = on_loopback)]
    pub url: String,
}

/// What a probe prints.
#[derive(Serialize, Deserialize)]
pub struct ProbeLine {
    /// The probe's own peak resident memory, in bytes (`VmHWM`).
    pub peak_rss_bytes: Option<u64>,
    /// Its anonymous memory with all alive, in bytes (`RssAnon`).
    pub anon_rss_bytes: Option<u64>,
    /// How many were alive then: N, unless the system refused one.
    pub alive: usize,
    /// Seconds from the first start until all were waiting (threads and
    /// futures only).
    pub start_secs: Option<f64>,
    /// Why no more than `alive` started.
    pub refused: Option<Refusal>,
}

/// Runs the probe: the line on stdout, or a failure (exit status 1).
pub fn run(args: &ProbeArgs) -> Result<(), Failure> {
    let (kind, n) = (args.kind, args.n);
    let held = hold(kind, n, &args.url).map_err(|err| format!("{} N={n}: {err}", kind.name()))?;
    let line = ProbeLine {
        peak_rss_bytes: held.own.peak,
        anon_rss_bytes: held.own.anon,
        alive: held.alive,
        start_secs: held.start.map(|start| start.as_secs_f64()),
        refused: held.refused,
    };
    say(format_args!("{}\n", serde_json::to_string(&line).unwrap_or_default()));
    Ok(())
}

/// `url`, if it is `http://` an IP address of this machine, with a port:
/// `flags_server` says so, and a proxy is never asked for such an address.
fn on_loopback(url: &str) -> Result<String, String> {
    let authority = url.strip_prefix("http://").and_then(|rest| rest.split('/').next());
    let addr = authority.and_then(|authority| authority.parse::<SocketAddr>().ok());
    match addr {
        Some(addr) if addr.ip().is_loopback() => Ok(url.to_string()),
        _ => Err("not http://127.0.0.1:PORT/... (nor [::1])".to_string()),
    }
}

/// Holds `n` of `kind`: this process's memory while all are alive, and
/// what else the kind tells.
fn hold(kind: Kind, n: usize, url: &str) -> Result<Held, String> {
    // N connections take N file descriptors, more than the usual 1024.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    match kind {
        Kind::Threads => Ok(threads::hold(n)),
        Kind::Futures => waiting::hold(n),
        Kind::Ureq => with_ureq::hold(n, url).map(|own| Held::all(n, own)),
        Kind::Reqwest => with_reqwest::hold(n, url).map(|own| Held::all(n, own)),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// A probe's command line alone.
    #[derive(Parser)]
    struct Line {
        #[command(flatten)]
        probe: ProbeArgs,
    }

    #[test]
    fn only_this_machine_is_probed() {
        assert!(on_loopback("http://127.0.0.1:8001/flags").is_ok());
        assert!(on_loopback("http://[::1]:8001/flags").is_ok());
        for far in ["http://10.0.0.1:80/flags", "https://127.0.0.1:1/", "http://localhost:80/"] {
            assert!(on_loopback(far).is_err(), "{far}");
        }
    }

    #[test]
    fn bad_arguments_are_refused() {
        let parse = |args: &[&str]| Line::try_parse_from([&[MODE], args].concat());
        let url = "http://127.0.0.1:1/flags";
        assert!(parse(&["threads", "3", url]).is_ok_and(|line| line.probe.kind == Kind::Threads));
        for bad in [&["threads", "3"][..], &["fibers", "3", url], &["threads", "-1", url]] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
