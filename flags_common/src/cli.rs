//! The command line, one definition for the three programs (flags2's argparse).

use std::{env, path::Path, process, sync::OnceLock, time::Duration};

use clap::{CommandFactory, FromArgMatches, Parser};
use flags_server::console::warn;

use crate::countries::parse_cc;
use crate::site::Server;

const ABOUT: &str = "Download flags for country codes into ./downloaded/.
Default: top 20 countries by population.";

const AFTER_HELP: &str = "\
Sites (-s): SIMULATED (default) is built in, with the 0.36 s a request that the
book measured on the internet; LOCAL is built in with no added latency; DELAY
(0.5-5 s a request) and ERROR (DELAY plus 25% of answers 418) mirror the book's
slow_server.py; REMOTE is the book's https://www.fluentpython.com/data/flags.
Or give a base URL such as http://127.0.0.1:8001/flags (see flags_server), or
just its port: -s 8001 means http://127.0.0.1:8001/flags.

Exit status: 0 if no download failed (not found is not a failure), 1 if any
did, 2 for usage errors, 128 + the signal's number when stopped by one
(130 for Ctrl-C, 143 for SIGTERM).";

/// The timeout's sane range, in seconds: below it nothing could answer,
/// above it the clients' clocks overflow.
const TIMEOUT_RANGE: (f64, f64) = (0.01, 3600.0);

/// The parsed command line.
#[derive(Parser, Debug)]
#[command(version, about = ABOUT, after_help = AFTER_HELP)]
pub(crate) struct Args {
    /// Country code or 1st letter (eg. B for BA...BZ)
    #[arg(value_name = "CC", value_parser = parse_cc)]
    pub cc: Vec<String>,

    /// Get all available flags (AD to ZW)
    #[arg(short, long, conflicts_with = "cc")]
    pub all: bool,

    /// Get flags for every possible code (AA...ZZ)
    #[arg(short, long, conflicts_with_all = ["cc", "all"])]
    pub every: bool,

    /// Limit to N first codes
    #[arg(short, long, value_name = "N", value_parser = at_least_one)]
    pub limit: Option<usize>,

    /// Maximum concurrent requests (its default depends on the program)
    #[arg(short, long = "max-req", alias = "max_req", value_name = "CONCURRENT", value_parser = at_least_one)]
    pub max_req: Option<usize>,

    /// Flag site: SIMULATED, LOCAL, DELAY, ERROR, REMOTE, a base URL or a port
    #[arg(short, long, value_name = "LABEL|URL", default_value = "SIMULATED", value_parser = Server::parse)]
    pub server: Server,

    /// Output detailed progress info
    #[arg(short, long)]
    pub verbose: bool,

    /// Seconds to wait for each request
    #[arg(long, value_name = "SECS", default_value = "6.1", value_parser = seconds)]
    pub timeout: Duration,

    /// Print the report as one JSON object on stdout, for scripts (flags_compare reads it)
    #[arg(long, conflicts_with = "verbose")]
    pub json: bool,

    /// Use HTTP/2: one connection, the requests as its streams (flags_async only)
    #[arg(long)]
    pub http2: bool,
}

/// Parses the command line. Usage errors print clap's message (with its
/// tips) and the usage, and exit with status 2 before anything else happens.
/// `speaks_http2`: whether the program's HTTP client does (`--http2`).
pub(crate) fn parse(default_concur_req: usize, max_concur_req: usize, speaks_http2: bool) -> Args {
    let help = max_req_help(default_concur_req, max_concur_req);
    let command = Args::command().name(program()).max_term_width(80);
    let mut command = command.mut_arg("max_req", |arg| arg.help(help));
    let matches = command.try_get_matches_from_mut(env::args_os());
    let args = matches.and_then(|matches| Args::from_arg_matches(&matches));
    let args = args.and_then(|args| http2_spoken(args, speaks_http2, &mut command));
    args.unwrap_or_else(|err| usage_error(err, &mut command))
}

/// `--http2` is a usage error for the ureq programs, which must say why.
fn http2_spoken(
    args: Args, speaks_http2: bool, command: &mut clap::Command,
) -> clap::error::Result<Args> {
    if !args.http2 || speaks_http2 {
        return Ok(args);
    }
    let why =
        "--http2 is for flags_async: ureq speaks HTTP/1.1 only, so threads keep a connection each";
    Err(command.error(clap::error::ErrorKind::ArgumentConflict, why))
}

/// Every usage error the same way: clap's message, then the usage, which
/// clap leaves out after some errors. (`--help` and `--version` come this
/// way too, and exit 0 as usual.)
fn usage_error(err: clap::Error, command: &mut clap::Command) -> ! {
    if !err.use_stderr() {
        err.exit();
    }
    const MORE: &str = "For more information, try '--help'.";
    let rendered = err.render().to_string();
    let message = rendered.trim_end().trim_end_matches(MORE).trim_end();
    if message.contains("Usage:") {
        warn(format_args!("{message}\n\n{MORE}"));
    } else {
        warn(format_args!("{message}\n\n{}\n\n{MORE}", command.render_usage()));
    }
    process::exit(2);
}

/// This program's name, for messages: `flags_seq`, `flags_async`, ...
pub(crate) fn program() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let arg0 = env::args_os().next().unwrap_or_default();
        let stem = Path::new(&arg0).file_stem().map(|s| s.to_string_lossy().into_owned());
        stem.unwrap_or_else(|| "flags".to_string())
    })
}

fn max_req_help(default: usize, max: usize) -> String {
    if max == 1 {
        "Maximum concurrent requests (this program makes one at a time)".to_string()
    } else if default == max {
        format!("Maximum concurrent requests [default: all, up to {max}]")
    } else {
        format!("Maximum concurrent requests [default: {default}, up to {max}]")
    }
}

fn at_least_one(arg: &str) -> Result<usize, String> {
    match arg.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("must be a whole number from 1 up".to_string()),
    }
}

fn seconds(arg: &str) -> Result<Duration, String> {
    let (low, high) = TIMEOUT_RANGE;
    let secs = arg.parse::<f64>().ok().filter(|secs| (low..=high).contains(secs));
    let usage = || format!("must be a number of seconds from {low} to {high}");
    secs.map(Duration::from_secs_f64).ok_or_else(usage)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_from(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from([&["flags"], args].concat())
    }

    #[test]
    fn defaults() {
        let args = parse_from(&[]).map_err(|e| e.to_string());
        let args = args.as_ref().map(|a| (a.server.label, a.timeout, a.max_req, a.limit, a.json));
        assert_eq!(args, Ok(("SIMULATED", Duration::from_millis(6100), None, None, false)));
    }

    #[test]
    fn usage_errors() {
        let cases: [&[&str]; 10] = [
            &["-m", "0"],
            &["-l", "0"],
            &["1X"],
            &["../x"],
            &["-s", "FAST"],
            &["-a", "BR"],
            &["--timeout", "1e19"],
            &["--timeout", "1e-10"],
            &["--timeout", "NaN"],
            &["--json", "-v"],
        ];
        for bad in cases {
            let err = parse_from(bad).err().map(|e| e.exit_code());
            assert_eq!(err, Some(2), "{bad:?}");
        }
    }

    #[test]
    fn only_a_client_that_speaks_http2_is_asked_to() {
        let mut command = Args::command();
        let asked = |speaks_http2| {
            let args = parse_from(&["--http2"]).ok()?;
            http2_spoken(args, speaks_http2, &mut command.clone()).map_err(|e| e.exit_code()).ok()
        };
        assert!(asked(true).is_some_and(|args| args.http2), "reqwest's");
        assert!(asked(false).is_none(), "ureq's");
        let plain = parse_from(&[]).ok().map(|args| http2_spoken(args, false, &mut command));
        assert!(
            plain.is_some_and(|args| args.is_ok_and(|args| !args.http2)),
            "no --http2, no error"
        );
    }

    #[test]
    fn the_book_spelling_of_max_req_works() {
        assert_eq!(parse_from(&["--max_req", "7"]).ok().and_then(|a| a.max_req), Some(7));
    }

    #[test]
    fn timeouts_are_bounded() {
        let timeout = |arg| parse_from(&["--timeout", arg]).ok().map(|a| a.timeout);
        assert_eq!(timeout("0.01"), Some(Duration::from_millis(10)));
        assert_eq!(timeout("3600"), Some(Duration::from_secs(3600)));
        assert_eq!(timeout("3600.5"), None);
    }
}
