//! `flags_server`: the book's flag site on your machine, slow on demand.
//!
//! Fluent Python's chapter 20 downloads flags from
//! `https://www.fluentpython.com/data/flags`; to run without the internet,
//! the book has you unzip its copy of the site, serve it with
//! `python3 -m http.server`, and run `slow_server.py` to add a delay and a
//! random error rate. This binary does all of that with the same data,
//! built in, and the same command line (`flags_server 8002 --error-rate .25`),
//! minus `slow_server.py`'s weak spots: it listens on 127.0.0.1 unless told
//! otherwise (not on every interface), serves each connection on its own
//! task instead of a thread, and can inject faults that a status code can't
//! show (`--fault`).
//!
//! Run it, then point a downloader (or a browser) at the URL it prints
//! (`flags_seq -s 8002` is short for `-s http://127.0.0.1:8002/flags`), and
//! open the second URL it prints to watch the requests land as they happen.
//! Here curl asked for that URL twice (the second time following the
//! redirect to the directory listing), then five clients each fetched a
//! flag and then its metadata, as `flags3_asyncio` does, and Ctrl-C stopped
//! the server. Each request gets a line on stderr once its outcome is known:
//! the client, the connection's number, the request, the code, the delay it
//! waited, and the status or the fault.
//!
//! ```text
//! $ cargo run -q -p flags_server -- 8002 --delay 0.5,2 --error-rate 0.25 --fault BR=reset --fault CN/metadata=503
//! Serving 194 flags at http://127.0.0.1:8002/flags (delay 0.5-2 s, error rate 25%, faults BR=reset CN/metadata=503). Ctrl-C to stop.
//! Watch live: http://127.0.0.1:8002/live
//! 127.0.0.1:39956 #1 GET /flags 0.00 s -> 301 Moved Permanently
//! 127.0.0.1:39968 #2 GET /flags 0.00 s -> 301 Moved Permanently
//! 127.0.0.1:39968 #2 GET /flags/ 0.00 s -> 200 OK
//! 127.0.0.1:40004 #5 GET /flags/in/in.gif [IN] 0.66 s -> 418 I'm a teapot
//! 127.0.0.1:40008 #6 GET /flags/cn/cn.gif [CN] 0.72 s -> 418 I'm a teapot
//! 127.0.0.1:39982 #3 GET /flags/id/id.gif [ID] 0.86 s -> 200 OK
//! 127.0.0.1:39994 #4 GET /flags/br/br.gif [BR] 1.59 s -> no answer (fault: reset)
//! 127.0.0.1:40032 #9 GET /flags/cn/metadata.json [CN] 0.90 s -> 503 (fault)
//! 127.0.0.1:40014 #7 GET /flags/us/us.gif [US] 1.76 s -> 200 OK
//! 127.0.0.1:53274 #11 GET /flags/br/metadata.json [BR] 0.68 s -> 200 OK
//! 127.0.0.1:40024 #8 GET /flags/in/metadata.json [IN] 1.90 s -> 418 I'm a teapot
//! 127.0.0.1:40040 #10 GET /flags/id/metadata.json [ID] 1.82 s -> 418 I'm a teapot
//! 127.0.0.1:53286 #12 GET /flags/us/metadata.json [US] 1.63 s -> 418 I'm a teapot
//! ^CStopped. Requests: 13, connections: 12, statuses: 4 x 200, 2 x 301, 5 x 418, 1 x 503.
//! ```
//!
//! (The reset request for BR got no status at all: its client saw the
//! connection reset.)
//!
//! The same port speaks HTTP/2 to a client that starts with its preface
//! (h2c with prior knowledge, as `curl --http2-prior-knowledge` or
//! `h2load` do). Its lines name the stream after the connection (`#1/3`:
//! connection 1, its third stream), then say `h2`. Here `h2load -n 3 -c 1
//! -m 3` sent three streams at once on one connection, with `--fault
//! BR=reset`: the reset resets only its own stream (RST_STREAM), and the
//! two others are answered on the same connection:
//!
//! ```text
//! 127.0.0.1:42492 #1/2 h2 GET /flags/cn/cn.gif [CN] 0.60 s -> 200 OK
//! 127.0.0.1:42492 #1/3 h2 GET /flags/in/in.gif [IN] 0.77 s -> 200 OK
//! 127.0.0.1:42492 #1/1 h2 GET /flags/br/br.gif [BR] 0.79 s -> no answer (fault: reset)
//! ```
//!
//! Options:
//!
//! * `PORT` or `--port PORT` (default 8001), `--bind ADDR` (default 127.0.0.1);
//! * `--delay SECS` or `--delay MIN,MAX`: each GET of a file waits a random
//!   time in that range (default 0);
//! * `--error-rate P`: answer `418 I'm a Teapot` with probability P, 0 to 1;
//! * `--fault CC=KIND` (the flag of CC) or `--fault CC/metadata=KIND` (its
//!   metadata), repeatable. KIND is `hang`, `reset`, `truncate`,
//!   `oversize`, `redirect` or an HTTP status;
//! * `--idle-timeout SECS`: close kept-alive HTTP/1.1 connections idle
//!   that long;
//! * `--max-streams N`: how many streams an HTTP/2 connection may have
//!   open at once (default 1000, see [`DEFAULT_MAX_STREAMS`] for why);
//! * `--goaway-after N`: after N streams on an HTTP/2 connection, say
//!   GOAWAY, answer those and close (see [`Config::goaway_after`]);
//! * `--quiet`: no line per request on stderr;
//! * `--json`: for programs that start this one. stdout says where the site
//!   is as a JSON line, `{"url":"http://127.0.0.1:PORT/flags","records":"http://127.0.0.1:PORT/_records"}`,
//!   and at the end gives the summary as JSON too.
//!
//! Ctrl-C (or SIGTERM, or SIGHUP) stops accepting connections and lets the answers in
//! flight finish, for 5 seconds at most (a second signal stops at once),
//! then prints the summary and exits with status 0.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::RangeInclusive;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use flags_server::console::{say, warn};
use flags_server::signals::{self, Stop};
use flags_server::{COUNTRY_CODES, Config, DEFAULT_MAX_STREAMS, Fault, FileKind, Recorder};
use flags_server::{LIVE_PATH, SiteUrls, Stats};
use flags_server::{listen, parse_fault_arg, serve};
use serde::Serialize;
use tokio::sync::mpsc::{self, UnboundedReceiver};
use tokio::sync::oneshot;

/// `slow_server.py`'s port.
const DEFAULT_PORT: u16 = 8001;

/// How long a stop waits for the answers in flight.
const GRACE: Duration = Duration::from_secs(5);

/// Serve the flags of Fluent Python's chapter 20, slowly if you like.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Port to listen on [default: 8001].
    #[arg(value_name = "PORT", conflicts_with = "port")]
    port_arg: Option<u16>,

    /// Port to listen on, as an option.
    #[arg(long, value_name = "PORT")]
    port: Option<u16>,

    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,

    /// Delay in seconds before each answer: SECS, or MIN,MAX for a random delay.
    #[arg(long, value_name = "SECS|MIN,MAX", default_value = "0", value_parser = parse_delay,
          allow_hyphen_values = true)]
    delay: RangeInclusive<Duration>,

    /// Probability (0 to 1) of answering 418 I'm a Teapot instead.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_rate,
          allow_hyphen_values = true)]
    error_rate: f64,

    /// Make a file misbehave: CC=KIND for the flag, CC/metadata=KIND for the
    /// metadata; KIND is hang, reset, truncate, oversize, redirect or a status.
    #[arg(long = "fault", value_name = "CC[/metadata]=KIND", value_parser = parse_fault_arg)]
    faults: Vec<(String, FileKind, Fault)>,

    /// Close a kept-alive connection idle for SECS seconds [default: never].
    #[arg(long, value_name = "SECS", value_parser = parse_idle_timeout)]
    idle_timeout: Option<Duration>,

    /// HTTP/2: how many streams a connection may have open at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_STREAMS,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_streams: u32,

    /// HTTP/2: after N streams on a connection, say GOAWAY, answer them and
    /// close [default: never].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    goaway_after: Option<u64>,

    /// Print no line per request on stderr.
    #[arg(long, short)]
    quiet: bool,

    /// Write JSON on stdout: the URLs at start, the summary at the end.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    // Usage errors end here, with clap's message and exit status 2.
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            warn(format_args!("flags_server: {message}"));
            ExitCode::FAILURE
        }
    }
}

/// Serve until Ctrl-C, on as many threads as the machine has cores.
fn run(args: Args) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the async runtime: {err}"))?;
    // Leaving `run` drops the runtime, and with it any connection still open.
    runtime.block_on(serve_until_stopped(args))
}

async fn serve_until_stopped(args: Args) -> Result<(), String> {
    // Listen for Ctrl-C before saying where we serve: a program that reads
    // the URL and at once sends SIGINT must find us ready for it.
    let (signals, stops) = mpsc::unbounded_channel();
    signals::listen(move |stop| {
        let _ = signals.send(stop);
    })
    .map_err(|err| format!("cannot listen for Ctrl-C: {err}"))?;
    let addr = SocketAddr::new(args.bind, args.port_arg.or(args.port).unwrap_or(DEFAULT_PORT));
    let listener = listen(addr).map_err(|err| format!("cannot listen on {addr}: {err}"))?;
    // The real address: with port 0 the system picks the port.
    let addr = listener.local_addr().unwrap_or(addr);
    let config = args.config();
    say(format_args!("{}\n", if args.json { start_json(&addr) } else { banner(&addr, &config) }));

    let recorder = Arc::new(Recorder::default());
    let (stop, stopped) = oneshot::channel();
    let serving = serve(listener, config, Arc::clone(&recorder), async {
        let _ = stopped.await;
    });
    tokio::select! {
        // Only once asked to stop, and every answer is out.
        () = serving => {}
        cut_short = stop_on_signals(stops, stop) => warn(format_args!("flags_server: {cut_short}.")),
    }
    let stats = recorder.stats();
    say(format_args!("{}\n", if args.json { summary_json(&stats) } else { summary(&stats) }));
    Ok(())
}

/// On the first signal, ask `serve` to stop; then give the answers in
/// flight GRACE to finish, unless a second signal comes first. Returns (why
/// we stop anyway) only if they don't finish in time.
async fn stop_on_signals(mut stops: UnboundedReceiver<Stop>, stop: oneshot::Sender<()>) -> String {
    stops.recv().await; // the first (its thread never drops the sender)
    let _ = stop.send(());
    tokio::select! {
        Some(Stop::Again(signal)) = stops.recv() => format!("{} again: stopping now", signal.name()),
        () = tokio::time::sleep(GRACE) => {
            format!("answers still in flight after {} s: stopping", GRACE.as_secs())
        }
    }
}

impl Args {
    fn config(&self) -> Config {
        let config = Config {
            delay: self.delay.clone(),
            error_rate: self.error_rate,
            idle_timeout: self.idle_timeout,
            max_streams: self.max_streams,
            goaway_after: self.goaway_after,
            log_requests: !self.quiet,
            ..Config::default()
        };
        self.faults.iter().fold(config, |config, (cc, file, fault)| match file {
            FileKind::Metadata => config.with_metadata_fault(cc, fault.clone()),
            _ => config.with_fault(cc, fault.clone()),
        })
    }
}

/// "Serving 194 flags at http://... (delay 0.5-5 s, error rate 25%). Ctrl-C to stop.",
/// then where to watch: "Watch live: http://127.0.0.1:8001/live". The first
/// line stays as it was for whoever reads it.
fn banner(addr: &SocketAddr, config: &Config) -> String {
    let (low, high) = (config.delay.start(), config.delay.end());
    let delay = if low == high {
        format!("{}", low.as_secs_f64())
    } else {
        format!("{}-{}", low.as_secs_f64(), high.as_secs_f64())
    };
    let percent = (config.error_rate * 1000.0).round() / 10.0;
    let mut settings = format!("delay {delay} s, error rate {percent}%");
    let flags = config.faults.iter().map(|(cc, fault)| format!("{cc}={fault}"));
    let metadata =
        config.metadata_faults.iter().map(|(cc, fault)| format!("{cc}/metadata={fault}"));
    let faults: Vec<String> = flags.chain(metadata).collect();
    if !faults.is_empty() {
        settings += &format!(", faults {}", faults.join(" "));
    }
    if let Some(idle) = config.idle_timeout {
        settings += &format!(", idle timeout {} s", idle.as_secs_f64());
    }
    if config.max_streams != DEFAULT_MAX_STREAMS {
        settings += &format!(", {} HTTP/2 streams at once", config.max_streams);
    }
    if let Some(streams) = config.goaway_after {
        settings += &format!(", GOAWAY after {streams} HTTP/2 streams");
    }
    let count = COUNTRY_CODES.len();
    let url = SiteUrls::of(*addr).url;
    format!(
        "Serving {count} flags at {url} ({settings}). Ctrl-C to stop.\nWatch live: http://{addr}{LIVE_PATH}"
    )
}

/// What `--json` says at the end.
#[derive(Serialize)]
struct Summary<'a> {
    requests: usize,
    connections: usize,
    max_in_flight: usize,
    statuses: &'a BTreeMap<u16, usize>,
}

/// What `--json` says at start: where the flags and the records are.
fn start_json(addr: &SocketAddr) -> String {
    // Strings always serialize: there is no error to report.
    serde_json::to_string(&SiteUrls::of(*addr)).unwrap_or_default()
}

/// "Stopped. Requests: 20, connections: 3, statuses: 16 x 200, 4 x 418."
fn summary(stats: &Stats) -> String {
    let (requests, connections) = (stats.requests, stats.connections);
    let mut line = format!("Stopped. Requests: {requests}, connections: {connections}");
    if !stats.statuses.is_empty() {
        let statuses = stats.statuses.iter().map(|(status, n)| format!("{n} x {status}"));
        line += &format!(", statuses: {}", statuses.collect::<Vec<_>>().join(", "));
    }
    line + "."
}

/// `{"requests":20,"connections":3,"max_in_flight":3,"statuses":{"200":16,"418":4}}`
fn summary_json(stats: &Stats) -> String {
    let summary = Summary {
        requests: stats.requests,
        connections: stats.connections,
        max_in_flight: stats.max_in_flight,
        statuses: &stats.statuses,
    };
    serde_json::to_string(&summary).unwrap_or_default()
}

/// `SECS` or `MIN,MAX`, in seconds, not negative, MIN <= MAX.
fn parse_delay(text: &str) -> Result<RangeInclusive<Duration>, String> {
    let (low, high) = text.split_once(',').unwrap_or((text, text));
    let (low, high) = (parse_seconds(low)?, parse_seconds(high)?);
    if low > high {
        return Err(format!("the minimum delay ({low:?}) is above the maximum ({high:?})"));
    }
    Ok(low..=high)
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 =
        text.trim().parse().map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("{text:?} is not a delay: use seconds, 0 or more"))
}

/// Seconds above zero: a zero timeout would close every connection at once.
fn parse_idle_timeout(text: &str) -> Result<Duration, String> {
    match parse_seconds(text)? {
        timeout if timeout.is_zero() => Err("use a number of seconds above 0".to_owned()),
        timeout => Ok(timeout),
    }
}

/// A probability: a number from 0 to 1.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{text:?} is not a probability: use a number from 0 to 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(seconds: f64) -> Duration {
        Duration::from_secs_f64(seconds)
    }

    fn args(line: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from([&["flags_server"], line].concat())
    }

    #[test]
    fn delays_are_one_number_or_two() {
        assert_eq!(parse_delay("0.5"), Ok(secs(0.5)..=secs(0.5)));
        assert_eq!(parse_delay("0.5,5"), Ok(secs(0.5)..=secs(5.0)));
        for bad in ["", "x", "-1", "1,", "5,0.5", "NaN", "inf", "1,2,3"] {
            assert!(parse_delay(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rates_are_probabilities() {
        assert_eq!(parse_rate("0.25"), Ok(0.25));
        assert_eq!(parse_rate(".25"), Ok(0.25));
        for bad in ["-0.1", "1.5", "NaN", "half"] {
            assert!(parse_rate(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn idle_timeouts_are_above_zero() {
        assert_eq!(parse_idle_timeout("2.5"), Ok(secs(2.5)));
        for bad in ["0", "-1", "soon"] {
            assert!(parse_idle_timeout(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_port_is_positional_or_an_option() {
        let port = |line: &[&str]| args(line).map(|args| args.port_arg.or(args.port));
        assert_eq!(port(&["8002", "--error-rate", ".25"]).ok(), Some(Some(8002)));
        assert_eq!(port(&["--port", "8003"]).ok(), Some(Some(8003)));
        assert_eq!(port(&[]).ok(), Some(None));
        assert!(port(&["8002", "--port", "8003"]).is_err(), "one or the other");
    }

    #[test]
    fn the_banner_reads_like_the_example() {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 8001));
        let line = ["--delay", "0.5,5", "--error-rate", "0.25", "--fault", "cn/metadata=503"];
        let config = args(&line).map(|args| args.config()).unwrap_or_default();
        let expected = "Serving 194 flags at http://127.0.0.1:8001/flags \
                        (delay 0.5-5 s, error rate 25%, faults CN/metadata=503). Ctrl-C to stop.\n\
                        Watch live: http://127.0.0.1:8001/live";
        assert_eq!(banner(&addr, &config), expected);
        assert!(config.log_requests, "the binary logs unless --quiet");
    }

    #[test]
    fn the_banner_tells_the_http2_settings_that_differ() {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 8001));
        let line = ["--max-streams", "8", "--goaway-after", "100"];
        let config = args(&line).map(|args| args.config()).unwrap_or_default();
        assert_eq!((config.max_streams, config.goaway_after), (8, Some(100)));
        let expected = "(delay 0 s, error rate 0%, 8 HTTP/2 streams at once, \
                        GOAWAY after 100 HTTP/2 streams)";
        assert!(banner(&addr, &config).contains(expected), "{}", banner(&addr, &config));
        for bad in [["--max-streams", "0"], ["--goaway-after", "0"], ["--max-streams", "many"]] {
            assert!(args(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn json_lines_for_programs() {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 8001));
        let start =
            r#"{"url":"http://127.0.0.1:8001/flags","records":"http://127.0.0.1:8001/_records"}"#;
        assert_eq!(start_json(&addr), start);
        let stats = Stats { requests: 2, connections: 1, max_in_flight: 1, ..Stats::default() };
        let stats = Stats { statuses: [(200, 1), (418, 1)].into(), ..stats };
        let end =
            r#"{"requests":2,"connections":1,"max_in_flight":1,"statuses":{"200":1,"418":1}}"#;
        assert_eq!(summary_json(&stats), end);
    }
}
