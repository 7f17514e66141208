//! `flags_server`: the book's flag site on your machine, slow on demand.
//!
//! Fluent Python's chapter 20 downloads flags from
//! `https://www.fluentpython.com/data/flags`, and ships `slow_server.py`
//! to serve a local copy with a delay and a random error rate. This binary
//! does both jobs: it serves the 194 flags (made up, but valid GIFs of
//! realistic sizes) and mirrors `slow_server.py`'s options, minus its weak
//! spots: it listens on 127.0.0.1 unless told otherwise (not on every
//! interface), serves each connection on its own task instead of a thread,
//! and can inject faults that a status code can't show (`--fault`).
//!
//! Run it, then point a downloader at the URL it prints. Here 20 clients
//! fetched the book's 20 flags at once, then Ctrl-C stopped the server:
//!
//! ```text
//! $ cargo run -q -p flags_server -- --delay 0.5,5 --error-rate 0.25 --fault BR=reset --fault CN=503
//! Serving 194 flags at http://127.0.0.1:8001/flags (delay 0.5-5 s, error rate 25%, faults BR=reset CN=503). Ctrl-C to stop.
//! ^CStopped. Requests: 20, connections: 20, statuses: 14 x 200, 4 x 418, 1 x 503.
//! ```
//!
//! (The reset request for BR got no status at all: its client saw
//! "connection reset by peer".)
//!
//! Options:
//!
//! * `--bind ADDR` (default 127.0.0.1) and `--port N` (default 8001);
//! * `--delay SECS` or `--delay MIN,MAX`: each request waits a random time
//!   in that range (default 0);
//! * `--error-rate P`: answer `418 I'm a Teapot` with probability P, 0 to 1;
//! * `--fault CC=KIND`, repeatable: make one flag misbehave. KIND is `hang`,
//!   `reset`, `truncate`, `oversize`, `redirect` or an HTTP status.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::RangeInclusive;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use flags_server::{COUNTRY_CODES, Config, Fault, Recorder, Stats, listen, serve};

/// Serve the 194 flags of Fluent Python's chapter 20, slowly if you like.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,

    /// Port to listen on.
    #[arg(long, default_value_t = 8001)]
    port: u16,

    /// Delay in seconds before each answer: SECS, or MIN,MAX for a random delay.
    #[arg(long, value_name = "SECS|MIN,MAX", default_value = "0", value_parser = parse_delay,
          allow_hyphen_values = true)]
    delay: RangeInclusive<Duration>,

    /// Probability (0 to 1) of answering 418 I'm a Teapot instead.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_rate,
          allow_hyphen_values = true)]
    error_rate: f64,

    /// Make one flag misbehave: CC=hang|reset|truncate|oversize|redirect|STATUS.
    #[arg(long = "fault", value_name = "CC=KIND", value_parser = parse_fault)]
    faults: Vec<(String, Fault)>,
}

fn main() -> ExitCode {
    // Usage errors end here, with clap's message and exit status 2.
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("flags_server: {message}");
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
    runtime.block_on(serve_until_ctrl_c(args))
}

async fn serve_until_ctrl_c(args: Args) -> Result<(), String> {
    let addr = SocketAddr::new(args.bind, args.port);
    let listener = listen(addr).map_err(|err| format!("cannot listen on {addr}: {err}"))?;
    // The real address: with --port 0 the system picks the port.
    let addr = listener.local_addr().unwrap_or(addr);
    let config = args.config();
    say(&banner(&addr, &config));
    let recorder = Arc::new(Recorder::default());
    tokio::select! {
        result = serve(listener, config, Arc::clone(&recorder)) => {
            result.map_err(|err| err.to_string())
        }
        result = tokio::signal::ctrl_c() => {
            say(&summary(&recorder.stats()));
            result.map_err(|err| format!("cannot wait for Ctrl-C: {err}"))
        }
    }
}

impl Args {
    fn config(&self) -> Config {
        Config {
            delay: self.delay.clone(),
            error_rate: self.error_rate,
            faults: self.faults.iter().cloned().collect(),
        }
    }
}

/// Print a line; a closed stdout is no reason to stop serving.
fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// "Serving 194 flags at http://... (delay 0.5-5 s, error rate 25%). Ctrl-C to stop."
fn banner(addr: &SocketAddr, config: &Config) -> String {
    let (low, high) = (config.delay.start(), config.delay.end());
    let delay = if low == high {
        format!("{}", low.as_secs_f64())
    } else {
        format!("{}-{}", low.as_secs_f64(), high.as_secs_f64())
    };
    let percent = (config.error_rate * 1000.0).round() / 10.0;
    let mut settings = format!("delay {delay} s, error rate {percent}%");
    if !config.faults.is_empty() {
        let faults: Vec<String> = config.faults.iter().map(|(cc, f)| format!("{cc}={f}")).collect();
        settings += &format!(", faults {}", faults.join(" "));
    }
    let count = COUNTRY_CODES.len();
    format!("Serving {count} flags at http://{addr}/flags ({settings}). Ctrl-C to stop.")
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

/// A probability: a number from 0 to 1.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{text:?} is not a probability: use a number from 0 to 1")),
    }
}

/// `CC=KIND`, with CC one of the 194 codes (any case).
fn parse_fault(text: &str) -> Result<(String, Fault), String> {
    let (cc, kind) = text.split_once('=').ok_or("expected CC=KIND, as in BR=reset or CN=503")?;
    let cc = cc.trim().to_ascii_uppercase();
    if !COUNTRY_CODES.contains(&cc.as_str()) {
        return Err(format!("{cc:?} is not one of the 194 country codes"));
    }
    let fault = kind.parse().map_err(|err| format!("{err}"))?;
    Ok((cc, fault))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(seconds: f64) -> Duration {
        Duration::from_secs_f64(seconds)
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
        for bad in ["-0.1", "1.5", "NaN", "half"] {
            assert!(parse_rate(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn faults_name_a_known_code() {
        assert_eq!(parse_fault("br=reset"), Ok(("BR".into(), Fault::Reset)));
        assert_eq!(parse_fault("CN=503"), Ok(("CN".into(), Fault::Status(503))));
        for bad in ["BR", "XX=reset", "BR=slow", "BR=700"] {
            assert!(parse_fault(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_banner_reads_like_the_example() {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 8001));
        let args =
            Args::try_parse_from(["flags_server", "--delay", "0.5,5", "--error-rate", "0.25"]);
        let config = args.map(|args| args.config()).unwrap_or_default();
        let expected = "Serving 194 flags at http://127.0.0.1:8001/flags \
                        (delay 0.5-5 s, error rate 25%). Ctrl-C to stop.";
        assert_eq!(banner(&addr, &config), expected);
    }
}
