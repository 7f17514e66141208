//! The workload: what the programs are asked to do, on what kind of site,
//! how many times. The options the comparison and `sweep` share.
//!
//! Each is checked while clap parses, before anything runs; a mistake is a
//! usage error, with exit status 2.

use clap::Args;

/// The options of a workload, flattened into each mode that runs programs.
#[derive(Args, Debug)]
pub struct WorkloadArgs {
    /// Country codes or first letters, as the programs take them [default: the 20 of POP20]
    #[arg(value_name = "CC", value_parser = cc)]
    pub cc: Vec<String>,
    /// All 194 flags
    #[arg(short, long, conflicts_with = "cc")]
    pub all: bool,
    /// Every code AA..ZZ (676)
    #[arg(short, long, conflicts_with_all = ["cc", "all"])]
    pub every: bool,
    /// Limit to N first codes
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Seconds the site takes to answer each request (the book measured about 0.36)
    #[arg(long, value_name = "SECS", default_value = "0.36", value_parser = latency)]
    pub latency: f64,
    /// Seconds each program waits for a request before giving up [default: theirs, 6.1]
    #[arg(long, value_name = "SECS", value_parser = timeout)]
    pub timeout: Option<f64>,
    /// Make the site misbehave, as `flags_server --fault` does (repeatable):
    /// CC=KIND for a flag, KIND being hang, reset, truncate, oversize,
    /// redirect or an HTTP status
    #[arg(long = "fault", value_name = "CC=KIND", value_parser = fault)]
    pub faults: Vec<String>,
    /// HTTP/2 streams the site allows open at once on a connection, as
    /// `flags_server --max-streams` (100 makes the site's own waves)
    #[arg(long, value_name = "N", default_value_t = flags_server::DEFAULT_MAX_STREAMS, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_streams: u32,
    /// Runs of each program; the median counts
    #[arg(long, value_name = "N", default_value = "3", value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
}

/// What the programs are asked to do, as their command line.
pub struct Workload {
    /// Which codes: `CC...`, `-a`, `-e`, `-l N`.
    pub codes: Vec<String>,
    /// How: `-m N`, `--timeout SECS`. The chart keeps these for its points.
    pub options: Vec<String>,
}

impl Workload {
    /// The programs' command line for `args`, with `-m max_req` if given.
    pub fn new(args: &WorkloadArgs, max_req: Option<u32>) -> Workload {
        let mut codes = args.cc.clone();
        codes.extend(args.all.then(|| "-a".to_string()));
        codes.extend(args.every.then(|| "-e".to_string()));
        codes.extend(args.limit.iter().flat_map(|n| ["-l".to_string(), n.to_string()]));
        let mut options: Vec<String> =
            max_req.iter().flat_map(|m| ["-m".to_string(), m.to_string()]).collect();
        options.extend(args.timeout.iter().flat_map(|t| ["--timeout".to_string(), t.to_string()]));
        Workload { codes, options }
    }

    /// The whole command line after the program's name.
    pub fn args(&self) -> Vec<String> {
        [&self.codes[..], &self.options[..]].concat()
    }
}

/// A code, as the programs check it. A mode's name, here, is a mode
/// written after an option: say where it goes.
fn cc(arg: &str) -> Result<String, String> {
    match arg {
        "sweep" | "costs" => {
            Err(format!("{arg} is a mode: it comes first, flags_compare {arg} ..."))
        }
        _ => flags_common::parse_cc(arg),
    }
}

fn latency(arg: &str) -> Result<f64, String> {
    match arg.parse::<f64>() {
        Ok(secs) if (0.0..=60.0).contains(&secs) => Ok(secs),
        _ => Err("must be a number of seconds from 0 to 60".to_string()),
    }
}

/// The programs' own range: below 0.01 s nothing could answer.
fn timeout(arg: &str) -> Result<f64, String> {
    match arg.parse::<f64>() {
        Ok(secs) if (0.01..=3600.0).contains(&secs) => Ok(secs),
        _ => Err("must be a number of seconds from 0.01 to 3600".to_string()),
    }
}

/// Checked with the site's own parser, then passed on as written.
fn fault(arg: &str) -> Result<String, String> {
    flags_server::parse_fault_arg(arg).map(|_| arg.to_string())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// The workload alone, as a command line.
    #[derive(Parser)]
    struct Line {
        #[command(flatten)]
        workload: WorkloadArgs,
    }

    fn parse(args: &[&str]) -> Result<WorkloadArgs, clap::Error> {
        Line::try_parse_from([&["flags_compare"], args].concat()).map(|line| line.workload)
    }

    #[test]
    fn the_workload_is_the_programs_command_line() {
        let args = parse(&["-l", "5", "--timeout", "1.5"]).expect("a workload");
        let workload = Workload::new(&args, Some(3));
        assert_eq!(workload.codes, ["-l", "5"]);
        assert_eq!(workload.args(), ["-l", "5", "-m", "3", "--timeout", "1.5"]);
        assert_eq!(Workload::new(&args, None).options, ["--timeout", "1.5"]);
        let faults = parse(&["--fault", "br=hang"]).map(|args| args.faults);
        assert_eq!(faults.ok(), Some(vec!["br=hang".to_string()]));
        assert!(parse(&["--fault", "BR=slow"]).is_err());
    }
}
