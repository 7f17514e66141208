//! The command line: what to compare, on what kind of site, what to draw.
//!
//! Everything that can be checked before the runs is checked here, while
//! clap parses: a mistake in a file name must not cost minutes of measuring
//! first. Clap reports each one as a usage error, with exit status 2.

use std::path::{Path, PathBuf, is_separator};

use clap::Parser;

const AFTER_HELP: &str = "\
Build the programs first: cargo build --release --workspace

Exit status: 0 when every run finished (failed downloads count as results),
1 if a program could not run, 2 for usage errors, 130 on Ctrl-C (143 on
SIGTERM), after stopping the site and the program running.";

/// Runs the three flag programs on one workload and compares their times.
#[derive(Parser, Debug)]
#[command(version, after_help = AFTER_HELP)]
pub struct Args {
    /// Country codes or first letters, as the programs take them [default: the 20 of POP20]
    #[arg(value_name = "CC", value_parser = flags_common::parse_cc)]
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
    /// Maximum concurrent requests, passed to each program [default: each program's own]
    #[arg(short, long = "max-req", value_name = "CONCURRENT", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_req: Option<u32>,
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
    /// Runs of each program; the median counts
    #[arg(long, value_name = "N", default_value = "3", value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Print the figures as one JSON object instead of tables
    #[arg(long)]
    pub json: bool,
    /// Draw each program's requests over time (its median run) as an SVG timeline
    #[arg(long, value_name = "FILE.svg", value_parser = output_file)]
    pub timeline: Option<PathBuf>,
    /// Also time 20, 194 and 676 flags and draw the growth as an SVG chart
    #[arg(long, value_name = "FILE.svg", value_parser = output_file)]
    pub svg: Option<PathBuf>,
    /// Instead, run the thread pool and the async program at each of these -m values
    #[arg(long, value_name = "M,M,..", value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..), conflicts_with_all = ["svg", "timeline", "max_req"])]
    pub sweep: Vec<u32>,
    /// Instead, weigh a thread, a future, and a connection of each client, N at once, at each N
    #[arg(long, value_name = "N,N,..", value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..=10_000), conflicts_with_all = ["sweep", "svg", "timeline", "max_req", "cc", "all", "every", "limit", "faults", "timeout", "runs", "latency"])]
    pub costs: Vec<u32>,
    /// Where the programs' binaries are [default: the folder of this program]
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
}

/// What the programs are asked to do, as their command line.
pub struct Workload {
    /// Which codes: `CC...`, `-a`, `-e`, `-l N`.
    pub codes: Vec<String>,
    /// How: `-m N`, `--timeout SECS`. The chart keeps these for its points.
    pub options: Vec<String>,
}

impl Workload {
    pub fn from(args: &Args) -> Workload {
        let mut codes = args.cc.clone();
        codes.extend(args.all.then(|| "-a".to_string()));
        codes.extend(args.every.then(|| "-e".to_string()));
        codes.extend(args.limit.iter().flat_map(|n| ["-l".to_string(), n.to_string()]));
        let mut options: Vec<String> =
            args.max_req.iter().flat_map(|m| ["-m".to_string(), m.to_string()]).collect();
        options.extend(args.timeout.iter().flat_map(|t| ["--timeout".to_string(), t.to_string()]));
        Workload { codes, options }
    }

    /// The whole command line after the program's name.
    pub fn args(&self) -> Vec<String> {
        [&self.codes[..], &self.options[..]].concat()
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

/// A file to write a picture to: not a folder, in a folder that exists
/// and takes new files.
fn output_file(arg: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(arg);
    if arg.is_empty() || arg.ends_with(is_separator) || path.is_dir() {
        return Err(format!("{arg:?} is not a file name, such as timeline.svg"));
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(format!("there is no folder {}", folder.display()));
    }
    // The one sure test that a folder takes new files: make one there. The
    // tempfile crate removes it again at once.
    let probe = tempfile::Builder::new().prefix(".flags_compare-check").tempfile_in(folder);
    probe.map_err(|err| format!("cannot write in {}: {err}", folder.display()))?;
    let read_only = path.metadata().is_ok_and(|file| file.permissions().readonly());
    if read_only { Err(format!("{arg} is read-only")) } else { Ok(path) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_are_checked_before_anything_runs() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let inside = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
        assert!(output_file(&inside("timeline.svg")).is_ok());
        for bad in [inside(""), inside("no/such/folder.svg"), inside("folder/"), String::new()] {
            assert!(output_file(&bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).map(Iterator::count).ok(),
            Some(0),
            "no probe left"
        );
    }

    #[test]
    fn the_workload_is_the_programs_command_line() {
        let args = Args::parse_from(["flags_compare", "-l", "5", "-m", "3", "--timeout", "1.5"]);
        let workload = Workload::from(&args);
        assert_eq!(workload.codes, ["-l", "5"]);
        assert_eq!(workload.args(), ["-l", "5", "-m", "3", "--timeout", "1.5"]);
        let faults = Args::try_parse_from(["flags_compare", "--fault", "br=hang"]);
        assert_eq!(faults.map(|args| args.faults).ok(), Some(vec!["br=hang".to_string()]));
        assert!(Args::try_parse_from(["flags_compare", "--fault", "BR=slow"]).is_err());
    }
}
