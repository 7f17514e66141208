//! The command line, one definition for the three programs (flags2's argparse).

use std::{env, path::Path, process, sync::OnceLock, time::Duration};

use clap::{CommandFactory, FromArgMatches, Parser};

use crate::countries::parse_cc;
use crate::site::Server;

const ABOUT: &str = "Download flags for country codes into ./downloaded/.
Default: top 20 countries by population.";

const AFTER_HELP: &str = "\
Sites (-s): SIMULATED (default) is built in, with the 0.36 s a request that the
book measured on the internet; LOCAL is built in with no added latency; DELAY
(0.5-5 s a request) and ERROR (DELAY plus 25% of answers 418) mirror the book's
slow_server.py; REMOTE is the book's https://www.fluentpython.com/data/flags.
Or give a base URL such as http://127.0.0.1:8001/flags (see flags_server).

Exit status: 0 if no download failed (not found is not a failure), 1 if any
did, 2 for usage errors, 130 when stopped by Ctrl-C.";

/// The parsed command line.
#[derive(Parser, Debug)]
#[command(version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Args {
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

    /// Flag site: SIMULATED, LOCAL, DELAY, ERROR, REMOTE or a base URL
    #[arg(short, long, value_name = "LABEL|URL", default_value = "SIMULATED", value_parser = Server::parse)]
    pub server: Server,

    /// Output detailed progress info
    #[arg(short, long)]
    pub verbose: bool,

    /// Seconds to wait for each request
    #[arg(long, value_name = "SECS", default_value = "6.1", value_parser = seconds)]
    pub timeout: Duration,
}

/// Parses the command line. Usage errors print one line and the usage, and
/// exit with status 2 before anything else happens (clap does that).
pub fn parse(default_concur_req: usize, max_concur_req: usize) -> Args {
    let help = max_req_help(default_concur_req, max_concur_req);
    let mut command = Args::command().name(program()).mut_arg("max_req", |arg| arg.help(help));
    let matches = command.try_get_matches_from_mut(env::args_os());
    let args = matches.and_then(|matches| Args::from_arg_matches(&matches));
    args.unwrap_or_else(|err| usage_error(err, &mut command))
}

/// Every usage error the same way: clap's one-line message, then the usage.
/// (`--help` and `--version` come this way too, and exit 0 as usual.)
fn usage_error(err: clap::Error, command: &mut clap::Command) -> ! {
    if !err.use_stderr() {
        err.exit();
    }
    let message = err.render().to_string();
    let first_line = message.lines().next().unwrap_or("error: bad arguments");
    eprintln!("{first_line}\n\n{}\n\nFor more information, try '--help'.", command.render_usage());
    process::exit(2);
}

/// This program's name, for messages: `flags_seq`, `flags_async`, ...
pub fn program() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let arg0 = env::args_os().next().unwrap_or_default();
        let stem = Path::new(&arg0).file_stem().map(|s| s.to_string_lossy().into_owned());
        stem.unwrap_or_else(|| "flags".to_string())
    })
}

fn max_req_help(default: usize, max: usize) -> String {
    match (default, max) {
        (_, 1) => "Maximum concurrent requests (this program makes one at a time)".to_string(),
        _ if default == max => format!("Maximum concurrent requests [default: all, up to {max}]"),
        _ => format!("Maximum concurrent requests [default: {default}, up to {max}]"),
    }
}

fn at_least_one(arg: &str) -> Result<usize, String> {
    match arg.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("must be a whole number >= 1".to_string()),
    }
}

fn seconds(arg: &str) -> Result<Duration, String> {
    let secs = arg.parse::<f64>().ok().filter(|s| *s > 0.0);
    secs.and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| "must be a number of seconds > 0".to_string())
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
        let args = args.as_ref().map(|a| (a.server.label, a.timeout, a.max_req, a.limit));
        assert_eq!(args, Ok(("SIMULATED", Duration::from_millis(6100), None, None)));
    }

    #[test]
    fn usage_errors() {
        for bad in
            [&["-m", "0"][..], &["-l", "0"], &["1X"], &["../x"], &["-s", "FAST"], &["-a", "BR"]]
        {
            let err = parse_from(bad).err().map(|e| e.exit_code());
            assert_eq!(err, Some(2), "{bad:?}");
        }
    }

    #[test]
    fn the_book_spelling_of_max_req_works() {
        assert_eq!(parse_from(&["--max_req", "7"]).ok().and_then(|a| a.max_req), Some(7));
    }
}
